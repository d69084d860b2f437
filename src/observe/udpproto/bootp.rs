//! print-bootp.c bootp_print (RFC 951, RFC 2131) without `-v`: the
//! operation, the client's Ethernet address of a request, the length.
#![forbid(unsafe_code)]

use std::fmt::Write as _;

use crate::observe::tcpdump::{Cap, Res};

/// RFC 951 field offsets: op, htype, hlen, and chaddr after the four
/// addresses.
const HTYPE: usize = 1;
const HLEN: usize = 2;
const CHADDR: usize = 28;

/// print-bootp.c BOOTPREQUEST, and htype 1 (10Mb Ethernet) with a
/// 6-byte address.
const REQUEST: u8 = 1;
const REPLY: u8 = 2;
const ETHERNET: u8 = 1;
const MAC_LEN: u8 = 6;

/// print-bootp.c bootp_print: `BOOTP/DHCP, OP[ from MAC], length N`.
pub(super) fn print(out: &mut String, p: Cap, len: usize) -> Res {
    let op = p.u8(0)?;
    match op {
        REQUEST => out.push_str("BOOTP/DHCP, Request"),
        REPLY => out.push_str("BOOTP/DHCP, Reply"),
        _ => {
            let _ = write!(out, "BOOTP/DHCP, unknown (0x{op:02x})");
        }
    }
    let (htype, hlen) = (p.u8(HTYPE)?, p.u8(HLEN)?);
    if htype == ETHERNET && hlen == MAC_LEN && op == REQUEST {
        let mac = p.bytes::<6>(CHADDR)?;
        let text: Vec<String> = mac.iter().map(|b| format!("{b:02x}")).collect();
        let _ = write!(out, " from {}", text.join(":"));
    }
    let _ = write!(out, ", length {len}");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(p: &[u8]) -> (String, bool) {
        crate::observe::printed::printed(print, p)
    }

    // Expected strings are what tcpdump 4.99.3 printed after the ports.
    #[test]
    fn operation_and_client_address() {
        assert_eq!(
            text(&[0, 0, 0, 1, 0x11, 0x30]),
            ("BOOTP/DHCP, unknown (0x00), length 6".into(), false)
        );
        assert_eq!(
            text(&[0xa8, 0xc7]),
            ("BOOTP/DHCP, unknown (0xa8)".into(), true)
        );
        let mut request = vec![0u8; 40];
        request[..3].copy_from_slice(&[1, 1, 6]);
        request[CHADDR..CHADDR + 6].copy_from_slice(&[2, 0, 0, 0xab, 0xcd, 1]);
        assert_eq!(
            text(&request),
            (
                "BOOTP/DHCP, Request from 02:00:00:ab:cd:01, length 40".into(),
                false
            )
        );
        request[0] = 2;
        assert_eq!(
            text(&request),
            ("BOOTP/DHCP, Reply, length 40".into(), false)
        );
        assert_eq!(
            text(&request[..30].iter().map(|_| 0).collect::<Vec<u8>>()),
            ("BOOTP/DHCP, unknown (0x00), length 30".into(), false)
        );
    }
}
