//! print-dhcp6.c dhcp6_print (RFC 8415) without `-v`: the message type.
#![forbid(unsafe_code)]

use std::fmt::Write as _;

use super::tok;
use crate::observe::tcpdump::{Cap, Res};

/// print-dhcp6.c dh6_msgtype_str.
const MESSAGE_TYPES: &[(u32, &str)] = &[
    (1, "solicit"),
    (2, "advertise"),
    (3, "request"),
    (4, "confirm"),
    (5, "renew"),
    (6, "rebind"),
    (7, "reply"),
    (8, "release"),
    (9, "decline"),
    (10, "reconfigure"),
    (11, "inf-req"),
    (12, "relay-fwd"),
    (13, "relay-reply"),
    (14, "leasequery"),
    (15, "leasequery-reply"),
];

/// print-dhcp6.c dhcp6_print: `dhcp6 TYPE`; the message type and
/// transaction id (RFC 8415 section 8, 4 bytes) must be captured, else
/// `dhcp6 [|dhcp6]`.
pub(super) fn print(out: &mut String, p: Cap) -> Res {
    out.push_str("dhcp6");
    p.need(0, 4)?;
    let msgtype = p.u8(0)?;
    match tok(MESSAGE_TYPES, u32::from(msgtype)) {
        Some(name) => {
            let _ = write!(out, " {name}");
        }
        None => {
            let _ = write!(out, " msgtype-{msgtype}");
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::flow_datagram;
    use super::*;

    fn text(p: &[u8]) -> (String, bool) {
        crate::observe::printed::printed_short(print, p)
    }

    // Expected strings are what tcpdump 4.99.3 printed after the ports.
    #[test]
    fn message_type_names() {
        assert_eq!(text(&[1, 0, 0, 7]), ("dhcp6 solicit".into(), false));
        assert_eq!(
            text(&[15, 0, 0, 7, 9]),
            ("dhcp6 leasequery-reply".into(), false)
        );
        assert_eq!(
            text(&flow_datagram(0, 5, 300)),
            ("dhcp6 msgtype-0".into(), false)
        );
        assert_eq!(text(&[1, 0, 0]), ("dhcp6".into(), true));
    }
}
