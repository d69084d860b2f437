//! ESP in UDP (RFC 3948): the UDP header NAT traversal puts around ESP,
//! how a receiver tells ESP from IKE on port 4500, and the transport-mode
//! checksum a NAT made wrong. The framing is [`crate::wire::udp_encap`]'s.

use super::packet::IpsecError;
use super::spec::UdpEncap;
use crate::kernel::Datagram;
use crate::wire::ip::protocol;
use crate::wire::udp_encap::{self, PORT_NATT};
use crate::wire::{ipv4, tcp, udp};

/// Puts a UDP header between the IP header and ESP (RFC 3948 §2.1: the
/// UDP checksum is zero).
pub fn wrap(datagram: &mut Datagram, encap: UdpEncap) -> Result<(), IpsecError> {
    datagram.rebuild(|h, bytes| {
        let esp_len = h.payload_len;
        let header = udp::Repr {
            src_port: encap.sport,
            dst_port: encap.dport,
            payload_len: esp_len,
        };
        let mut udp_header = [0u8; udp::HEADER_LEN];
        header.emit(&mut udp::Packet::new_unchecked(&mut udp_header[..]))?;
        let outer = ipv4::Repr {
            protocol: protocol::UDP,
            payload_len: udp::HEADER_LEN + esp_len,
            ..*h
        };
        let at = h.header_len();
        bytes.splice(at..at, udp_header);
        outer.emit(&mut ipv4::Packet::new_unchecked(&mut bytes[..]))?;
        Ok(outer)
    })
}

/// RFC 3948 §2.2: a UDP datagram to port 4500 whose first four payload
/// bytes are not zero (the non-ESP marker) and which is not a one-byte
/// keepalive carries ESP. Returns its ports.
pub fn esp_in_udp(datagram: &Datagram) -> Option<UdpEncap> {
    if datagram.protocol() != protocol::UDP || datagram.is_fragment() {
        return None;
    }
    let segment = udp::Packet::new_checked(datagram.payload()).ok()?;
    let esp = matches!(
        udp_encap::Repr::parse(segment.payload()),
        Ok(udp_encap::Repr::Esp(_))
    );
    (segment.dst_port() == PORT_NATT && esp).then(|| UdpEncap {
        sport: segment.src_port(),
        dport: segment.dst_port(),
    })
}

/// Removes the UDP header [`esp_in_udp`] found: what is left is ESP.
pub fn unwrap(datagram: &mut Datagram) -> Result<(), IpsecError> {
    datagram.rebuild(|h, bytes| {
        let at = h.header_len();
        let esp_len = h
            .payload_len
            .checked_sub(udp::HEADER_LEN)
            .ok_or(IpsecError::Malformed)?;
        let outer = ipv4::Repr {
            protocol: protocol::ESP,
            payload_len: esp_len,
            ..*h
        };
        bytes.drain(at..at + udp::HEADER_LEN);
        outer.emit(&mut ipv4::Packet::new_unchecked(&mut bytes[..]))?;
        Ok(outer)
    })
}

/// RFC 3948 §3.1.2: after transport-mode decapsulation across a NAT, the
/// TCP or UDP checksum still covers the addresses the sender used; it is
/// computed again over the addresses the datagram now has (Linux marks it
/// verified instead, with the same effect). A zero UDP checksum stays.
pub fn fix_transport_checksum(datagram: &mut Datagram) {
    if datagram.is_fragment() {
        return;
    }
    let (src, dst) = (datagram.src(), datagram.dst());
    match datagram.protocol() {
        protocol::TCP => {
            if let Ok(mut segment) = tcp::Packet::new_checked(datagram.payload_mut()) {
                segment.fill_checksum(src, dst);
            }
        }
        protocol::UDP => {
            if let Ok(mut segment) = udp::Packet::new_checked(datagram.payload_mut()) {
                if segment.checksum() != 0 {
                    segment.fill_checksum(src, dst);
                }
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::Ipv4Addr;

    fn datagram(protocol: u8, payload: &[u8]) -> Datagram {
        let src = Ipv4Addr::new(192, 168, 0, 2);
        let dst = Ipv4Addr::new(203, 0, 113, 1);
        let header = ipv4::Repr::new(src, dst, protocol, 64, payload.len());
        Datagram::new(header, payload).unwrap()
    }

    #[test]
    fn wrap_then_unwrap_is_the_same_esp_packet() {
        let esp = [0u8, 0, 1, 0, 0, 0, 0, 1, 9, 9, 9, 9];
        let original = datagram(protocol::ESP, &esp);
        let mut d = original.clone();
        let encap = UdpEncap {
            sport: 4500,
            dport: PORT_NATT,
        };
        wrap(&mut d, encap).unwrap();
        assert!(d.is_consistent());
        assert_eq!(d.protocol(), protocol::UDP);
        assert_eq!(d.bytes().len(), original.bytes().len() + 8);
        assert_eq!(esp_in_udp(&d), Some(encap));
        unwrap(&mut d).unwrap();
        assert_eq!(d, original);
    }

    #[test]
    fn ike_and_keepalives_are_not_esp() {
        for payload in [&[0u8, 0, 0, 0, 1, 2][..], &[0xff][..]] {
            let mut segment = vec![0x11, 0x94, 0x11, 0x94, 0, (8 + payload.len()) as u8, 0, 0];
            segment.extend_from_slice(payload);
            assert_eq!(esp_in_udp(&datagram(protocol::UDP, &segment)), None);
        }
    }
}
