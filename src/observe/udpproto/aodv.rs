//! print-aodv.c aodv_print (AODV, RFC 3561, UDP 654) over IPv4 as
//! `tcpdump -n` prints it without `-v`, for message types without a body
//! printer: route reply acknowledgements and unknown types. Route
//! requests, replies and errors (of RFC 3561 and of the IPv6 draft) are
//! not reproduced: [`reproduced`] tells `ports` which datagrams to warn
//! about.
#![forbid(unsafe_code)]

use std::fmt::Write as _;

use crate::observe::tcpdump::{Cap, Res};

/// print-aodv.c AODV_RREQ, AODV_RREP, AODV_RERR, AODV_V6_DRAFT_01_RREQ,
/// AODV_V6_DRAFT_01_RREP and AODV_V6_DRAFT_01_RERR: types with a body.
const WITH_BODY: [u8; 6] = [1, 2, 3, 16, 17, 18];
/// print-aodv.c AODV_RREP_ACK and AODV_V6_DRAFT_01_RREP_ACK.
const RREP_ACK: [u8; 2] = [4, 19];

/// Whether [`print`] prints what tcpdump prints for `payload`: all but
/// messages of a type with a body.
pub(super) fn reproduced(payload: &[u8]) -> bool {
    payload.first().is_none_or(|t| !WITH_BODY.contains(t))
}

/// print-aodv.c aodv_print: the message type (` [|aodv]` without it),
/// then ` aodv` and ` rrep-ack LEN` or ` type T LEN`.
pub(super) fn print(out: &mut String, p: Cap, len: usize) -> Res {
    let msg_type = p.u8(0)?;
    out.push_str(" aodv");
    if RREP_ACK.contains(&msg_type) {
        let _ = write!(out, " rrep-ack {len}");
    } else {
        let _ = write!(out, " type {msg_type} {len}");
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
    fn flow_datagrams_are_of_type_0() {
        assert_eq!(
            text(&flow_datagram(0, 0, 48)),
            (" aodv type 0 48".into(), false)
        );
        assert_eq!(
            text(&flow_datagram(0, 5, 3)),
            (" aodv type 35 3".into(), false)
        );
        assert_eq!(text(&[]), (String::new(), true));
        assert_eq!(text(&[4, 0]), (" aodv rrep-ack 2".into(), false));
        assert!(!reproduced(&[1]));
        assert!(reproduced(&[]));
    }
}
