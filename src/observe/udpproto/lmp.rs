//! print-lmp.c lmp_print (RFC 4204) as `tcpdump -n` prints it without
//! `-v`: the version check of the common header, then the message type
//! and length; objects are decoded only with `-v`.
#![forbid(unsafe_code)]

use std::fmt::Write as _;

use super::text::tok;
use crate::observe::tcpdump::{Cap, Res};

/// `sizeof(struct lmp_common_header)`: version, flags, message type,
/// length and a reserved field (RFC 4204 12.1.1).
const HEADER_LEN: usize = 8;
/// print-lmp.c LMP_VERSION.
const VERSION: u16 = 1;

/// print-lmp.c lmp_msg_type_values (RFC 4204 and the UNI 1.0 service
/// discovery messages).
const MESSAGE_TYPES: &[(u32, &str)] = &[
    (1, "Config"),
    (2, "Config ACK"),
    (3, "Config NACK"),
    (4, "Hello"),
    (5, "Begin Verify"),
    (6, "Begin Verify ACK"),
    (7, "Begin Verify NACK"),
    (8, "End Verify"),
    (9, "End Verify ACK"),
    (10, "Test"),
    (11, "Test Status Success"),
    (12, "Test Status Failure"),
    (13, "Test Status ACK"),
    (14, "Link Summary"),
    (15, "Link Summary ACK"),
    (16, "Link Summary NACK"),
    (17, "Channel Status"),
    (18, "Channel Status ACK"),
    (19, "Channel Status Request"),
    (20, "Channel Status Response"),
    (50, "Service Config"),
    (51, "Service Config ACK"),
    (52, "Service Config NACK"),
];

/// print-lmp.c lmp_print: `LMP version V packet not supported`, or
/// `LMPvV TYPE Message, length: LEN`; ` [|lmp]` before a whole header.
pub(super) fn print(out: &mut String, p: Cap, len: usize) -> Res {
    p.need(0, HEADER_LEN)?;
    // LMP_EXTRACT_VERSION: the top 4 bits of the first 16-bit word.
    let version = (p.be16(0)? & 0xf000) >> 12;
    if version != VERSION {
        let _ = write!(out, "LMP version {version} packet not supported");
        return Ok(());
    }
    let msg_type = p.u8(3)?;
    let _ = match tok(MESSAGE_TYPES, u32::from(msg_type)) {
        Some(name) => write!(out, "LMPv{version} {name} Message, length: {len}"),
        None => write!(
            out,
            "LMPv{version} unknown ({msg_type}) Message, length: {len}"
        ),
    };
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
            text(&flow_datagram(0, 3, 48)),
            ("LMP version 0 packet not supported".into(), false)
        );
        assert_eq!(text(&flow_datagram(0, 3, 7)), (String::new(), true));
    }

    #[test]
    fn version_1_prints_the_message_type() {
        assert_eq!(
            text(&[0x10, 0, 0, 4, 0, 8, 0, 0]),
            ("LMPv1 Hello Message, length: 8".into(), false)
        );
        assert_eq!(
            text(&[0x1f, 0xff, 0, 99, 0, 0, 0, 0]),
            ("LMPv1 unknown (99) Message, length: 8".into(), false)
        );
    }
}
