//! print-radius.c radius_print (RFC 2865, RFC 2866, RFC 5176) without
//! `-v`: the code, identifier and length of the 20-byte header.
#![forbid(unsafe_code)]

use std::fmt::Write as _;

use super::tok;
use crate::observe::tcpdump::{Cap, Res, Truncated};

/// print-radius.c MIN_RADIUS_LEN: code, identifier, length and the
/// 16-byte authenticator (RFC 2865 section 3).
const MIN_RADIUS_LEN: usize = 20;

/// print-radius.c radius_command_values.
const COMMANDS: &[(u32, &str)] = &[
    (1, "Access-Request"),
    (2, "Access-Accept"),
    (3, "Access-Reject"),
    (4, "Accounting-Request"),
    (5, "Accounting-Response"),
    (11, "Access-Challenge"),
    (12, "Status-Server"),
    (13, "Status-Client"),
    (40, "Disconnect-Request"),
    (41, "Disconnect-ACK"),
    (42, "Disconnect-NAK"),
    (43, "CoA-Request"),
    (44, "CoA-ACK"),
    (45, "CoA-NAK"),
    (255, "Reserved"),
];

/// print-radius.c radius_print: `RADIUS, NAME (CODE), id: 0xID length: N`,
/// N being the header's length capped at the UDP payload length. A
/// header not captured, or a length field below 20, is ` [|radius]`.
pub(super) fn print(out: &mut String, p: Cap, length: usize) -> Res {
    p.need(0, MIN_RADIUS_LEN)?;
    let len = usize::from(p.be16(2)?);
    if len < MIN_RADIUS_LEN {
        return Err(Truncated);
    }
    let code = p.u8(0)?;
    let name = tok(COMMANDS, u32::from(code)).unwrap_or("Unknown Command");
    let _ = write!(
        out,
        "RADIUS, {name} ({code}), id: 0x{:02x} length: {}",
        p.u8(1)?,
        len.min(length)
    );
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
    fn header_code_id_and_length() {
        let mut p = [0u8; 20];
        p[..4].copy_from_slice(&[1, 0x2a, 0, 20]);
        assert_eq!(
            text(&p),
            (
                "RADIUS, Access-Request (1), id: 0x2a length: 20".into(),
                false
            )
        );
        assert_eq!(text(&p[..19]), (String::new(), true));
        // Flow datagrams: the sequence number is the length field, below
        // 20 for the first 20 datagrams, capped at the payload length.
        assert_eq!(text(&flow_datagram(0, 2, 300)), (String::new(), true));
        assert_eq!(
            text(&flow_datagram(1, 300, 400)),
            (
                "RADIUS, Unknown Command (0), id: 0x00 length: 300".into(),
                false
            )
        );
        assert_eq!(
            text(&flow_datagram(1, 300, 100)),
            (
                "RADIUS, Unknown Command (0), id: 0x00 length: 100".into(),
                false
            )
        );
    }
}
