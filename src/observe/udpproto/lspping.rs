//! print-lspping.c lspping_print (MPLS LSP ping, RFC 8029) as `tcpdump
//! -n` prints it without `-v`: the length and version checks of the
//! common header, then message type, sequence number and length.
#![forbid(unsafe_code)]

use std::fmt::Write as _;

use super::text::tok;
use crate::observe::tcpdump::{Cap, Res};

/// `sizeof(struct lspping_common_header)`: version, global flags, message
/// type, reply mode, return code and subcode, sender's handle, sequence
/// number and two NTP timestamps (RFC 8029 3).
const HEADER_LEN: usize = 32;
/// print-lspping.c LSPPING_VERSION.
const VERSION: u16 = 1;

/// print-lspping.c lspping_msg_type_values.
const MESSAGE_TYPES: &[(u32, &str)] = &[(1, "MPLS Echo Request"), (2, "MPLS Echo Reply")];

/// print-lspping.c lspping_print: the `tooshort` continuation line when
/// `len` is below a header, ` [|lspping]` before a whole captured one,
/// `LSP-PING version V packet not supported`, or `LSP-PINGvV, TYPE, seq
/// N, length: LEN`.
pub(super) fn print(out: &mut String, p: Cap, len: usize) -> Res {
    if len < HEADER_LEN {
        out.push_str("\n\t\t packet is too short");
        return Ok(());
    }
    p.need(0, HEADER_LEN)?;
    let version = p.be16(0)?;
    if version != VERSION {
        let _ = write!(out, "LSP-PING version {version} packet not supported");
        return Ok(());
    }
    let msg_type = p.u8(4)?;
    let _ = match tok(MESSAGE_TYPES, u32::from(msg_type)) {
        Some(name) => write!(out, "LSP-PINGv{version}, {name}"),
        None => write!(out, "LSP-PINGv{version}, unknown ({msg_type})"),
    };
    let _ = write!(out, ", seq {}, length: {len}", p.be32(12)?);
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
    fn flow_datagrams_are_short_or_version_0() {
        assert_eq!(
            text(&flow_datagram(0, 1, 48)),
            ("LSP-PING version 0 packet not supported".into(), false)
        );
        assert_eq!(
            text(&flow_datagram(0, 1, 31)),
            ("\n\t\t packet is too short".into(), false)
        );
    }

    #[test]
    fn version_1_prints_type_and_sequence_number() {
        let mut request = [0u8; 32];
        request[..5].copy_from_slice(&[0, 1, 0, 0, 1]);
        request[12..16].copy_from_slice(&7u32.to_be_bytes());
        assert_eq!(
            text(&request),
            (
                "LSP-PINGv1, MPLS Echo Request, seq 7, length: 32".into(),
                false
            )
        );
        request[4] = 9;
        assert_eq!(
            text(&request),
            ("LSP-PINGv1, unknown (9), seq 7, length: 32".into(), false)
        );
        assert_eq!(
            print(&mut String::new(), Cap(&request[..20]), 32),
            Err(crate::observe::tcpdump::Truncated)
        );
    }
}
