//! print-vqp.c vqp_print (Cisco VLAN Query Protocol) as `tcpdump -n`
//! prints it without `-v`: the version check of the common header, then
//! message type, error code and length; objects only with `-v`.
#![forbid(unsafe_code)]

use std::fmt::Write as _;

use super::text::tok;
use crate::observe::tcpdump::{Cap, Res};

/// `sizeof(struct vqp_common_header_t)`: version, message type, error
/// code, item count and sequence number.
const HEADER_LEN: usize = 8;
/// print-vqp.c VQP_VERSION.
const VERSION: u8 = 1;

/// print-vqp.c vqp_msg_type_values.
const MESSAGE_TYPES: &[(u32, &str)] = &[
    (1, "Request, Join Port"),
    (2, "Response, VLAN"),
    (3, "Request, Reconfirm"),
    (4, "Response, Reconfirm"),
];

/// print-vqp.c vqp_error_code_values.
const ERROR_CODES: &[(u32, &str)] = &[
    (0, "No error"),
    (3, "Access denied"),
    (4, "Shutdown port"),
    (5, "Wrong VTP domain"),
];

/// print-vqp.c vqp_print: ` [|vqp]` before a whole header, ` (invalid)`
/// when `len` is shorter than one, `VQP version V packet not supported`,
/// or `VQPvV TYPE Message, error-code ERROR (E), length LEN`.
pub(super) fn print(out: &mut String, p: Cap, len: usize) -> Res {
    p.need(0, HEADER_LEN)?;
    if len < HEADER_LEN {
        out.push_str(" (invalid)");
        return Ok(());
    }
    let version = p.u8(0)?;
    if version != VERSION {
        let _ = write!(out, "VQP version {version} packet not supported");
        return Ok(());
    }
    let msg_type = p.u8(1)?;
    let _ = match tok(MESSAGE_TYPES, u32::from(msg_type)) {
        Some(name) => write!(out, "VQPv{version} {name} Message"),
        None => write!(out, "VQPv{version} unknown ({msg_type}) Message"),
    };
    let error = p.u8(2)?;
    let name = tok(ERROR_CODES, u32::from(error)).unwrap_or("unknown");
    let _ = write!(out, ", error-code {name} ({error}), length {len}");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::flow_datagram;
    use super::*;

    fn text(p: &[u8]) -> (String, bool) {
        crate::observe::printed::printed(print, p)
    }

    // Expected strings are what tcpdump 4.99.3 printed after the ports.
    #[test]
    fn flow_datagrams_are_version_0() {
        assert_eq!(
            text(&flow_datagram(0, 9, 300)),
            ("VQP version 0 packet not supported".into(), false)
        );
        assert_eq!(text(&flow_datagram(0, 9, 5)), (String::new(), true));
    }

    #[test]
    fn version_1_prints_type_and_error_code() {
        assert_eq!(
            text(&[1, 2, 3, 0, 0, 0, 0, 1]),
            (
                "VQPv1 Response, VLAN Message, error-code Access denied (3), length 8".into(),
                false
            )
        );
        assert_eq!(
            text(&[1, 7, 9, 0, 0, 0, 0, 1, 0]),
            (
                "VQPv1 unknown (7) Message, error-code unknown (9), length 9".into(),
                false
            )
        );
    }
}
