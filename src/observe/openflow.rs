//! print-openflow.c openflow_print (TCP 6653 and 6633) as `tcpdump -n`
//! prints it without `-v`: `: OpenFlow`, then for each message of the
//! segment a continuation line with the common header (version, type,
//! length, xid) and ` (invalid)` when its length breaks the rule of its
//! type. The message bodies (`of10_..._print`, `of13_..._print`, the
//! `data (N octets)` lines of of_data_print) are printed only with `-v`.
#![forbid(unsafe_code)]

use std::fmt::Write as _;

use super::tcpdump::{Cap, Res};

/// openflow.h OF_HEADER_FIXLEN: version, type, length, xid.
const HEADER_LEN: usize = 8;

/// openflow.h OF_VER_1_0 and OF_VER_1_3, the versions whose message
/// types tcpdump names.
const VERSION_1_0: u8 = 0x01;
const VERSION_1_3: u8 = 0x04;

/// print-openflow.c ofver_str.
fn version_name(version: u8) -> Option<&'static str> {
    match version {
        0x01 => Some("1.0"),
        0x02 => Some("1.1"),
        0x03 => Some("1.2"),
        0x04 => Some("1.3"),
        0x05 => Some("1.4"),
        0x06 => Some("1.5"),
        _ => None,
    }
}

/// openflow.h `struct of_msgtypeinfo`'s `req_what` and `req_value`: what
/// the message body length (beyond the common header) must be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum BodyLen {
    /// REQ_NONE.
    Any,
    /// REQ_FIXLEN.
    Exactly(usize),
    /// REQ_MINLEN.
    AtLeast(usize),
}

impl BodyLen {
    fn allows(self, len: usize) -> bool {
        match self {
            BodyLen::Any => true,
            BodyLen::Exactly(n) => len == n,
            BodyLen::AtLeast(n) => len >= n,
        }
    }
}

use BodyLen::{Any, AtLeast, Exactly};

/// A body length given as the message length, as the `OF_..._FIXLEN` and
/// `OF_..._MINLEN` macros are (`(12U - OF_HEADER_FIXLEN)`).
const fn body(message_len: usize) -> usize {
    message_len - HEADER_LEN
}

/// print-openflow-1.0.c of10_msgtypeinfo, indexed by type (OFPT_MAX 0x15).
const OF10_TYPES: [(&str, BodyLen); 22] = [
    ("HELLO", AtLeast(0)),
    ("ERROR", AtLeast(body(12))),
    ("ECHO_REQUEST", AtLeast(0)),
    ("ECHO_REPLY", AtLeast(0)),
    ("VENDOR", AtLeast(body(12))),
    ("FEATURES_REQUEST", Exactly(0)),
    ("FEATURES_REPLY", AtLeast(body(32))),
    ("GET_CONFIG_REQUEST", Exactly(0)),
    ("GET_CONFIG_REPLY", Exactly(body(12))),
    ("SET_CONFIG", Exactly(body(12))),
    // OF_PACKET_IN_MINLEN - 2: "with 2 mock octets".
    ("PACKET_IN", AtLeast(body(20) - 2)),
    ("FLOW_REMOVED", Exactly(body(88))),
    ("PORT_STATUS", Exactly(body(64))),
    ("PACKET_OUT", AtLeast(body(16))),
    ("FLOW_MOD", AtLeast(body(72))),
    ("PORT_MOD", Exactly(body(32))),
    ("STATS_REQUEST", AtLeast(body(12))),
    ("STATS_REPLY", AtLeast(body(12))),
    ("BARRIER_REQUEST", Exactly(0)),
    ("BARRIER_REPLY", Exactly(0)),
    ("QUEUE_GET_CONFIG_REQUEST", Exactly(body(12))),
    ("QUEUE_GET_CONFIG_REPLY", AtLeast(body(16))),
];

/// print-openflow-1.3.c of13_msgtypeinfo, indexed by type (OFPT_MAX 29).
const OF13_TYPES: [(&str, BodyLen); 30] = [
    ("HELLO", AtLeast(0)),
    ("ERROR", AtLeast(body(12))),
    ("ECHO_REQUEST", AtLeast(0)),
    ("ECHO_REPLY", AtLeast(0)),
    ("EXPERIMENTER", AtLeast(body(16))),
    ("FEATURES_REQUEST", Exactly(0)),
    ("FEATURES_REPLY", Exactly(body(32))),
    ("GET_CONFIG_REQUEST", Exactly(0)),
    ("GET_CONFIG_REPLY", Exactly(body(12))),
    ("SET_CONFIG", Exactly(body(12))),
    ("PACKET_IN", Any),
    ("FLOW_REMOVED", Any),
    ("PORT_STATUS", Exactly(body(80))),
    ("PACKET_OUT", Any),
    ("FLOW_MOD", Any),
    ("GROUP_MOD", Any),
    ("PORT_MOD", Exactly(body(40))),
    ("TABLE_MOD", Exactly(body(16))),
    ("MULTIPART_REQUEST", Any),
    ("MULTIPART_REPLY", Any),
    ("BARRIER_REQUEST", Exactly(0)),
    ("BARRIER_REPLY", Exactly(0)),
    ("QUEUE_GET_CONFIG_REQUEST", Exactly(body(16))),
    ("QUEUE_GET_CONFIG_REPLY", Any),
    ("ROLE_REQUEST", Exactly(body(24))),
    ("ROLE_REPLY", Exactly(body(24))),
    ("GET_ASYNC_REQUEST", Exactly(0)),
    ("GET_ASYNC_REPLY", Exactly(body(32))),
    ("SET_ASYNC", Exactly(body(32))),
    ("METER_MOD", Any),
];

/// of10_identify_msgtype and of13_identify_msgtype; other versions have
/// no table.
fn message_type(version: u8, kind: u8) -> Option<(&'static str, BodyLen)> {
    let table: &[(&str, BodyLen)] = match version {
        VERSION_1_0 => &OF10_TYPES,
        VERSION_1_3 => &OF13_TYPES,
        _ => return None,
    };
    table.get(usize::from(kind)).copied()
}

/// How the loop over the messages of a segment goes on.
enum Next {
    /// The message ends inside the segment: print the next one.
    Message(usize),
    /// Nothing more to print for this segment.
    Done,
}

/// print-openflow.c openflow_print: `len` is the TCP payload length, `p`
/// the captured payload; a missing captured byte is ` [|openflow]`.
pub(super) fn print(out: &mut String, p: Cap, len: usize) -> Res {
    out.push_str(": OpenFlow");
    let mut at = 0;
    while at < len {
        match message(out, p, at, len - at)? {
            Next::Message(next) => at = next,
            Next::Done => break,
        }
    }
    Ok(())
}

/// One pass of openflow_print's `while (len)` loop, for the message at
/// `at` with `left` bytes of the segment from there.
fn message(out: &mut String, p: Cap, at: usize, left: usize) -> Res<Next> {
    let version = p.u8(at)?;
    match version_name(version) {
        Some(name) => {
            let _ = write!(out, "\n\tversion {name}");
        }
        None => {
            let _ = write!(out, "\n\tversion unknown (0x{version:02x})");
        }
    }
    if left < 2 {
        return end_of_payload(out, p, at + 1, left - 1);
    }
    let kind = p.u8(at + 1)?;
    let info = message_type(version, kind);
    match info {
        Some((name, _)) => {
            let _ = write!(out, ", type {name}");
        }
        None => {
            let _ = write!(out, ", type unknown (0x{kind:02x})");
        }
    }
    if left < 4 {
        return end_of_payload(out, p, at + 2, left - 2);
    }
    let length = usize::from(p.be16(at + 2)?);
    let short = if length < HEADER_LEN {
        " (too short!)"
    } else {
        ""
    };
    let _ = write!(out, ", length {length}{short}");
    if left < HEADER_LEN {
        return end_of_payload(out, p, at + 4, left - 4);
    }
    let _ = write!(out, ", xid 0x{:08x}", p.be32(at + 4)?);
    let body_at = at + HEADER_LEN;
    let body_left = left - HEADER_LEN;
    if length < HEADER_LEN {
        // `goto invalid`: fail the current packet.
        out.push_str(" (invalid)");
        p.need(body_at, body_left)?;
        return Ok(Next::Done);
    }
    message_body(out, p, body_at, length - HEADER_LEN, info)?;
    if length - HEADER_LEN > body_left {
        return Ok(Next::Done);
    }
    Ok(Next::Message(body_at + length - HEADER_LEN))
}

/// print-openflow.c `partial_header`: the segment ends inside a header.
fn end_of_payload(out: &mut String, p: Cap, at: usize, left: usize) -> Res<Next> {
    out.push_str(" (end of TCP payload)");
    p.need(at, left)?;
    Ok(Next::Done)
}

/// print-openflow.c of_message_print without `-v`: ` (invalid)` when the
/// body length breaks the type's rule, then ND_TCHECK_LEN of the body.
fn message_body(
    out: &mut String,
    p: Cap,
    at: usize,
    len: usize,
    info: Option<(&str, BodyLen)>,
) -> Res {
    if let Some((_, rule)) = info {
        if !rule.allows(len) {
            out.push_str(" (invalid)");
        }
    }
    p.need(at, len)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(p: &[u8]) -> String {
        crate::observe::printed::printed_marked(print, p, "openflow")
    }

    // Expected strings are what tcpdump 4.99.3 printed after `length N`
    // for a TCP segment to port 6653 with the same payload.

    #[test]
    fn every_message_of_a_segment_gets_a_header_line() {
        assert_eq!(
            text(b"\x01\x00\x00\x10\x00\x00\x00\x01abcdefgh"),
            ": OpenFlow\n\tversion 1.0, type HELLO, length 16, xid 0x00000001"
        );
        assert_eq!(
            text(&[4, 2, 0, 8, 0, 0, 0, 2, 1, 5, 0, 8, 1, 2, 3, 4]),
            ": OpenFlow\n\tversion 1.3, type ECHO_REQUEST, length 8, xid 0x00000002\n\tversion 1.0, type FEATURES_REQUEST, length 8, xid 0x01020304"
        );
    }

    #[test]
    fn lengths_that_break_the_rules_are_invalid() {
        assert_eq!(
            text(&[1, 0x30, 0, 4, 1, 2, 3, 4, 5]),
            ": OpenFlow\n\tversion 1.0, type unknown (0x30), length 4 (too short!), xid 0x01020304 (invalid)"
        );
        assert_eq!(
            text(&[4, 7, 0, 9, 0, 0, 0, 0, 1]),
            ": OpenFlow\n\tversion 1.3, type GET_CONFIG_REQUEST, length 9, xid 0x00000000 (invalid)"
        );
        assert_eq!(
            text(&[1, 0, 0, 100, 1, 2, 3, 4, 5]),
            ": OpenFlow\n\tversion 1.0, type HELLO, length 100, xid 0x01020304 [|openflow]"
        );
    }

    #[test]
    fn a_segment_may_end_inside_a_header() {
        assert_eq!(
            text(&[9, 7, 0, 9, 0, 0, 0, 0, 1, 1]),
            ": OpenFlow\n\tversion unknown (0x09), type unknown (0x07), length 9, xid 0x00000000\n\tversion 1.0 (end of TCP payload)"
        );
        assert_eq!(
            text(&[1, 0, 0]),
            ": OpenFlow\n\tversion 1.0, type HELLO (end of TCP payload)"
        );
        assert_eq!(
            text(&[1, 0, 0, 8, 0, 0, 0]),
            ": OpenFlow\n\tversion 1.0, type HELLO, length 8 (end of TCP payload)"
        );
        assert_eq!(
            text(&[4, 0x1d, 0, 8, 0, 0, 0, 0, 4]),
            ": OpenFlow\n\tversion 1.3, type METER_MOD, length 8, xid 0x00000000\n\tversion 1.3 (end of TCP payload)"
        );
    }
}
