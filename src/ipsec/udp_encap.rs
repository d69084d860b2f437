//! ESP in UDP (RFC 3948): the UDP header NAT traversal puts around ESP,
//! how a receiver tells ESP from IKE on port 4500, and the transport-mode
//! checksum a NAT made wrong.

use super::spec::UdpEncap;
use crate::net::transport_checksum;
use crate::wire::ipv4::{self, Header};
use crate::wire::udp_encap::PORT_NATT as PORT;

const UDP: u8 = 17;
const ESP: u8 = 50;
const UDP_HEADER: usize = 8;

/// Puts a UDP header between the IP header and ESP (RFC 3948 §2.1: the
/// UDP checksum is zero).
pub fn wrap(packet: &mut Vec<u8>, encap: UdpEncap) {
    let Ok(h) = Header::parse(packet) else {
        return;
    };
    let esp_len = h.total_len - h.header_len;
    let mut udp = [0u8; UDP_HEADER];
    udp[..2].copy_from_slice(&encap.sport.to_be_bytes());
    udp[2..4].copy_from_slice(&encap.dport.to_be_bytes());
    let len = u16::try_from(UDP_HEADER + esp_len).unwrap_or(u16::MAX);
    udp[4..6].copy_from_slice(&len.to_be_bytes());
    packet.splice(h.header_len..h.header_len, udp);
    packet[9] = UDP;
    ipv4::set_total_len(packet, h.total_len + UDP_HEADER);
    ipv4::fill_checksum(packet, h.header_len);
}

/// RFC 3948 §2.2: a UDP datagram to port 4500 whose first four payload
/// bytes are not zero (the non-ESP marker) and which is not a one-byte
/// keepalive carries ESP. Returns its ports.
pub fn esp_in_udp(packet: &[u8], h: &Header) -> Option<UdpEncap> {
    if h.protocol != UDP || h.is_fragment() {
        return None;
    }
    let udp = packet.get(h.header_len..h.total_len)?;
    let (ports, payload) = (udp.get(..4)?, udp.get(UDP_HEADER..)?);
    let dport = u16::from_be_bytes([ports[2], ports[3]]);
    let spi = payload.get(..4)?;
    (dport == PORT && spi != [0; 4]).then(|| UdpEncap {
        sport: u16::from_be_bytes([ports[0], ports[1]]),
        dport,
    })
}

/// Removes the UDP header [`esp_in_udp`] found: what is left is ESP.
pub fn unwrap(packet: &mut Vec<u8>, h: &Header) {
    packet.drain(h.header_len..h.header_len + UDP_HEADER);
    packet[9] = ESP;
    ipv4::set_total_len(packet, h.total_len - UDP_HEADER);
    ipv4::fill_checksum(packet, h.header_len);
}

/// RFC 3948 §3.1.2: after transport-mode decapsulation across a NAT, the
/// TCP or UDP checksum still covers the addresses the sender used; it is
/// computed again over the addresses the packet now has (Linux marks it
/// verified instead, with the same effect). A zero UDP checksum stays.
pub fn fix_transport_checksum(packet: &mut [u8]) {
    let Ok(h) = Header::parse(packet) else {
        return;
    };
    let at = match h.protocol {
        6 => 16,
        17 => 6,
        _ => return,
    };
    if h.is_fragment() {
        return;
    }
    let Some(l4) = packet.get_mut(h.header_len..h.total_len) else {
        return;
    };
    let Some(field) = l4.get(at..at + 2) else {
        return;
    };
    if h.protocol == UDP && field == [0, 0] {
        return;
    }
    l4[at..at + 2].fill(0);
    let c = transport_checksum(h.src, h.dst, h.protocol, l4);
    l4[at..at + 2].copy_from_slice(&c.to_be_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::Ipv4Addr;

    #[test]
    fn wrap_then_unwrap_is_the_same_esp_packet() {
        let esp = [0u8, 0, 1, 0, 0, 0, 0, 1, 9, 9, 9, 9];
        let src = Ipv4Addr::new(192, 168, 0, 2);
        let dst = Ipv4Addr::new(203, 0, 113, 1);
        let mut p = ipv4::build_header(src, dst, ESP, 64, 5, esp.len()).to_vec();
        p.extend_from_slice(&esp);
        let original = p.clone();
        wrap(
            &mut p,
            UdpEncap {
                sport: 4500,
                dport: PORT,
            },
        );
        let h = Header::parse(&p).unwrap();
        assert_eq!((h.protocol, h.total_len), (UDP, original.len() + 8));
        assert_eq!(
            esp_in_udp(&p, &h),
            Some(UdpEncap {
                sport: 4500,
                dport: PORT
            })
        );
        unwrap(&mut p, &h);
        assert_eq!(p, original);
    }

    #[test]
    fn ike_and_keepalives_are_not_esp() {
        let src = Ipv4Addr::new(192, 168, 0, 2);
        let dst = Ipv4Addr::new(203, 0, 113, 1);
        for payload in [&[0u8, 0, 0, 0, 1, 2][..], &[0xff][..]] {
            let mut udp = vec![0x11, 0x94, 0x11, 0x94, 0, (8 + payload.len()) as u8, 0, 0];
            udp.extend_from_slice(payload);
            let mut p = ipv4::build_header(src, dst, UDP, 64, 5, udp.len()).to_vec();
            p.extend_from_slice(&udp);
            let h = Header::parse(&p).unwrap();
            assert_eq!(esp_in_udp(&p, &h), None);
        }
    }
}
