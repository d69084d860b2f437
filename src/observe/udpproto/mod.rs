//! tcpdump 4.99's payload printers for UDP ports, as `tcpdump -n` (no
//! `-v`) prints them: which printer print-udp.c `udp_print` picks for a
//! pair of ports, and the printers reproduced here (DNS and mDNS, TFTP,
//! BOOTP, NTP, SNMP, AFS/rx, syslog, RADIUS, BFD, SIP, HSRP, Geneve,
//! DHCPv6, RIP, RIPng, Kerberos, L2TP, LDP, sFlow, LMP, VQP, LSP ping, LWAPP, and AHCP,
//! Babel and LISP control up to the message bodies, VXLAN, OLSR, Cisco
//! Auto-RP, HNCP, and lwres, AODV and ZEP for some payloads). Each writes what tcpdump prints after the
//! `SRC.PORT > DST.PORT: ` prefix and returns `Err(Truncated)` where
//! tcpdump's `longjmp` would end the packet with ` [|proto]`.
#![forbid(unsafe_code)]

mod ahcp;
mod aodv;
mod autorp;
mod babel;
mod bfd;
mod bootp;
mod by_payload;
mod dhcp6;
mod domain;
mod geneve;
mod hncp;
mod hsrp;
mod krb;
mod l2tp;
mod ldp;
mod lisp;
mod lmp;
mod lspping;
mod lwapp;
mod lwres;
mod ntp;
mod olsr;
mod ports;
mod radius;
mod rip;
mod ripng;
mod rx;
mod sflow;
mod snmp;
mod syslog;
mod text;
mod tftp;
mod vqp;
mod vxlan;
mod zep;

pub(super) use domain::print_over_tcp as domain_over_tcp;
pub(super) use ldp::print as ldp_print;
pub use ports::{UdpDecoder, protocol, udp_decoder};
pub(super) use text::print_char;

use super::tcpdump::{Cap, Res, Truncated};
use super::txtproto;
use UdpDecoder::{
    Ahcp, Aodv, Babel, Bfd, Bootp, CiscoAutorp, Dhcp6, Domain, Geneve, Hncp, Hsrp, Isakmp,
    IsakmpNatt, Krb, L2tp, Ldp, Lisp, Lmp, Lspping, LwappControl, LwappData, Lwres,
    MulticastDomain, NotReproduced, Ntp, Olsr, Radius, Rip, Ripng, Rx, Sflow, Sip, Snmp, Syslog,
    Tftp, Vqp, Vxlan, Zep,
};
use text::{bittok, print_n, print_zt, tok};

/// Prints the payload `p` (of UDP length `len`) with a reproduced printer;
/// `None` for ISAKMP (printed by `wire::isakmp_print`) and the printers
/// not reproduced.
pub(super) fn print(
    decoder: UdpDecoder,
    out: &mut String,
    p: Cap,
    len: usize,
    ports: (u16, u16),
) -> Option<Res> {
    Some(match decoder {
        Domain => domain::print(out, p, len, false),
        MulticastDomain => domain::print(out, p, len, true),
        Tftp => tftp::print(out, p, len),
        Bootp => bootp::print(out, p, len),
        Ntp => ntp::print(out, p, len),
        Snmp => snmp::print(out, p, len),
        Rx => rx::print(out, p, len, ports.0, ports.1),
        Syslog => syslog::print(out, p, len),
        Radius => radius::print(out, p, len),
        Bfd => bfd::print(out, p, len, ports.1),
        Sip => sip(out, p, len),
        Hsrp => hsrp::print(out, p, len),
        Geneve => geneve::print(out, p, len),
        Vxlan => vxlan::print(out, p, len),
        Dhcp6 => dhcp6::print(out, p),
        Rip => rip::print(out, p, len),
        Ripng => ripng::print(out, p, len),
        Krb => krb::print(out, p),
        L2tp => l2tp::print(out, p, len),
        Ldp => ldp::print(out, p, len),
        Sflow => sflow::print(out, p, len),
        Lmp => lmp::print(out, p, len),
        Vqp => vqp::print(out, p, len),
        Lspping => lspping::print(out, p, len),
        LwappControl { ap_ident } => lwapp::print_control(out, p, len, ap_ident),
        LwappData => lwapp::print_data(out, p, len),
        Ahcp => ahcp::print(out, p, len),
        Babel => babel::print(out, p),
        Lisp => lisp::print(out, p),
        Olsr => olsr::print(out, p, len),
        Lwres => lwres::print(out, p, len),
        CiscoAutorp => autorp::print(out, p, len),
        Aodv => aodv::print(out, p, len),
        Hncp => hncp::print(out, p, len),
        Zep => zep::print(out, p),
        Isakmp | IsakmpNatt | NotReproduced(_) => return None,
    })
}

/// print-sip.c sip_print: util-print.c txtproto_print with the SIP
/// requests, without the `": "` print-tcp.c puts before it.
fn sip(out: &mut String, p: Cap, len: usize) -> Res {
    let (text, res) = match txtproto::txtproto(txtproto::SIP, p.0, len) {
        Ok(text) => (text, Ok(())),
        Err(txtproto::Cut(text)) => (text, Err(Truncated)),
    };
    out.push_str(text.strip_prefix(": ").unwrap_or(&text));
    res
}

/// A flow datagram as `node::apps::udp` sends it: the pattern of
/// `payload::fill` for flow `flow`, its first 4 bytes replaced by the
/// sequence number.
#[cfg(test)]
fn flow_datagram(flow: usize, seq: u32, size: usize) -> Vec<u8> {
    let key = seq.wrapping_mul(7).wrapping_add(flow as u32 * 13) as u8;
    let mut p: Vec<u8> = (0..size)
        .map(|i| {
            (i as u8)
                .wrapping_mul(31)
                .wrapping_add((i >> 8) as u8)
                .wrapping_add(key)
        })
        .collect();
    if let Some(head) = p.get_mut(..4) {
        head.copy_from_slice(&seq.to_be_bytes());
    }
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flow_datagrams_follow_the_payload_pattern() {
        assert_eq!(
            flow_datagram(3, 7, 24),
            [
                0x00, 0x00, 0x00, 0x07, 0xd4, 0xf3, 0x12, 0x31, 0x50, 0x6f, 0x8e, 0xad, 0xcc, 0xeb,
                0x0a, 0x29, 0x48, 0x67, 0x86, 0xa5, 0xc4, 0xe3, 0x02, 0x21
            ]
        );
    }

    fn sip_text(p: &[u8]) -> (String, bool) {
        let mut out = String::new();
        let cut = sip(&mut out, Cap(p), p.len()).is_err();
        (out, cut)
    }

    // Expected strings are what tcpdump 4.99.3 printed after the ports.
    #[test]
    fn sip_prints_request_and_status_lines() {
        let invite = b"INVITE sip:b@x SIP/2.0\r\nVia: y\r\n";
        assert_eq!(
            sip_text(invite),
            ("SIP: INVITE sip:b@x SIP/2.0".into(), false)
        );
        assert_eq!(
            sip_text(b"SIP/2.0 200 OK\r\n"),
            ("SIP: SIP/2.0 200 OK".into(), false)
        );
        assert_eq!(
            sip_text(b"REGISTER"),
            ("SIP: REGISTER [|sip]".into(), false)
        );
        assert_eq!(sip_text(&flow_datagram(0, 0, 100)), ("SIP".into(), false));
    }
}
