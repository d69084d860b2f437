//! print-rip.c rip_print (RFC 1058, RFC 2453) as `tcpdump -n` prints it
//! without `-v`: the version, then for version 0 the datagram in hex on
//! continuation lines (`print_unknown_data`), for other versions the
//! command and length; route entries are printed only with `-v`.
#![forbid(unsafe_code)]

use std::fmt::Write as _;

use super::text::{hex_print, tok};
use crate::observe::tcpdump::{Cap, Res, Truncated};

/// `sizeof(struct rip)`: command, version and a zero field (RFC 1058 3.1).
const HEADER_LEN: usize = 4;

/// print-rip.c rip_cmd_values.
const COMMANDS: &[(u32, &str)] = &[
    (1, "Request"),
    (2, "Response"),
    (3, "Trace on"),
    (4, "Trace off"),
    (5, "Poll"),
    (6, "Poll Entry"),
];

/// print-rip.c rip_print: `RIPvV` and the hex of version 0 datagrams, or
/// `RIPvV, COMMAND, length: LEN`. `len` is the UDP payload length.
pub(super) fn print(out: &mut String, p: Cap, len: usize) -> Res {
    // `len < sizeof(*rp)`: nd_print_trunc, the ` [|rip]` of a longjmp.
    let available = p.len().min(len);
    if available < HEADER_LEN {
        return Err(Truncated);
    }
    let version = p.u8(1)?;
    let _ = write!(out, "RIPv{version}");
    if version == 0 {
        // print_unknown_data(ndo, &rp->rip_cmd, "\n\t", length): the
        // whole datagram, as far as it was captured.
        hex_print(out, "\n\t", p.0.get(..available).unwrap_or(p.0));
        return Ok(());
    }
    let command = p.u8(0)?;
    match tok(COMMANDS, u32::from(command)) {
        Some(name) => {
            let _ = write!(out, ", {name}, length: {len}");
        }
        None => {
            let _ = write!(out, ", unknown command ({command}), length: {len}");
        }
    }
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
    fn version_0_is_dumped_in_hex() {
        assert_eq!(
            text(&flow_datagram(0, 5, 19)),
            (
                "RIPv0\n\t0x0000:  0000 0005 9fbe ddfc 1b3a 5978 97b6 d5f4\n\t0x0010:  1332 51"
                    .into(),
                false
            )
        );
        assert_eq!(text(&flow_datagram(0, 30, 3)), (String::new(), true));
    }

    #[test]
    fn other_versions_print_command_and_length() {
        let mut response = vec![2, 1, 0, 0];
        response.extend([0; 20]);
        assert_eq!(
            text(&response),
            ("RIPv1, Response, length: 24".into(), false)
        );
        assert_eq!(
            text(&[9, 3, 0, 0]),
            ("RIPv3, unknown command (9), length: 4".into(), false)
        );
    }
}
