//! What a NAT reads and rewrites in a packet: the flow it belongs to
//! (protocol, addresses, ports, ICMP query identifier or SPI) and the new
//! source or destination, with the IP header checksum and the TCP, UDP or
//! ICMP checksum made right again (RFC 3022 §4.2).

use std::net::Ipv4Addr;

use crate::net::{ones_complement_sum, transport_checksum};
use crate::wire::ipv4::{self, Header};

const ICMP: u8 = 1;
const TCP: u8 = 6;
const UDP: u8 = 17;
const ESP: u8 = 50;
const AH: u8 = 51;
const ICMP_ECHO_REQUEST: u8 = 8;
const ICMP_ECHO_REPLY: u8 = 0;

/// The protocols a NAT keeps mappings for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Proto {
    Udp,
    Tcp,
    /// ICMP echo, mapped by its identifier (RFC 5508 §3.1).
    Icmp,
    /// ESP and AH, which have no ports: see [`crate::nat::EspMode`].
    Esp,
}

impl Proto {
    pub fn name(self) -> &'static str {
        match self {
            Proto::Udp => "udp",
            Proto::Tcp => "tcp",
            Proto::Icmp => "icmp",
            Proto::Esp => "esp",
        }
    }
}

/// One side of a flow: an address and a port (ICMP: the identifier; ESP:
/// 0).
pub type Endpoint = (Ipv4Addr, u16);

/// The flow a packet belongs to, as the NAT sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Flow {
    pub proto: Proto,
    pub src: Endpoint,
    pub dst: Endpoint,
    /// ESP's (or AH's) SPI.
    pub spi: u32,
    /// ICMP: an echo request (outbound queries) rather than a reply.
    pub request: bool,
}

fn be16(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes([*b.get(at)?, *b.get(at + 1)?]))
}

fn be32(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes([
        *b.get(at)?,
        *b.get(at + 1)?,
        *b.get(at + 2)?,
        *b.get(at + 3)?,
    ]))
}

/// The flow of an unfragmented packet; None for protocols and ICMP types a
/// NAT does not map, and for fragments (their ports are not all there).
pub fn flow_of(packet: &[u8], h: &Header) -> Option<Flow> {
    if h.is_fragment() {
        return None;
    }
    let l4 = packet.get(h.header_len..h.total_len)?;
    let (proto, sport, dport, spi, request) = match h.protocol {
        UDP | TCP => {
            let proto = if h.protocol == UDP {
                Proto::Udp
            } else {
                Proto::Tcp
            };
            (proto, be16(l4, 0)?, be16(l4, 2)?, 0, false)
        }
        ICMP => {
            let kind = *l4.first()?;
            let id = be16(l4, 4)?;
            // The identifier is the query's "port" at the querying end
            // (RFC 5508 §3.1); the remote end has none.
            match kind {
                ICMP_ECHO_REQUEST => (Proto::Icmp, id, 0, 0, true),
                ICMP_ECHO_REPLY => (Proto::Icmp, 0, id, 0, false),
                _ => return None,
            }
        }
        ESP => (Proto::Esp, 0, 0, be32(l4, 0)?, false),
        AH => (Proto::Esp, 0, 0, be32(l4, 4)?, false),
        _ => return None,
    };
    Some(Flow {
        proto,
        src: (h.src, sport),
        dst: (h.dst, dport),
        spi,
        request,
    })
}

/// ICMP errors that quote the packet they are about (RFC 792):
/// destination unreachable, time exceeded, parameter problem.
const ICMP_ERRORS: [u8; 3] = [3, 11, 12];

/// Where the quoted packet of an ICMP error starts in the ICMP message.
const QUOTE: usize = 8;

/// For an ICMP error addressed to the NAT: the flow of the packet it
/// quotes, turned around as the answer to it would come in (RFC 5508
/// §4.2: the quoted packet's source is the mapping to look up).
pub fn icmp_error_flow(packet: &[u8], h: &Header) -> Option<Flow> {
    if h.protocol != ICMP || h.is_fragment() {
        return None;
    }
    let icmp = packet.get(h.header_len..h.total_len)?;
    if !ICMP_ERRORS.contains(icmp.first()?) {
        return None;
    }
    let quoted = icmp.get(QUOTE..)?;
    let inner_len = usize::from(*quoted.first()? & 0x0f) * 4;
    let addr = |at: usize| -> Option<Ipv4Addr> {
        let b = quoted.get(at..at + 4)?;
        Some(Ipv4Addr::new(b[0], b[1], b[2], b[3]))
    };
    let (src, dst) = (addr(12)?, addr(16)?);
    let l4 = quoted.get(inner_len..)?;
    let (proto, sport, dport) = match *quoted.get(9)? {
        UDP => (Proto::Udp, be16(l4, 0)?, be16(l4, 2)?),
        TCP => (Proto::Tcp, be16(l4, 0)?, be16(l4, 2)?),
        ICMP if l4.first() == Some(&ICMP_ECHO_REQUEST) => (Proto::Icmp, be16(l4, 4)?, 0),
        _ => return None,
    };
    Some(Flow {
        proto,
        src: (dst, dport),
        dst: (src, sport),
        spi: 0,
        request: false,
    })
}

/// Sends an ICMP error on to `inside`: the outer destination and the
/// quoted packet's source become the inside host's, and the IP checksums
/// and the ICMP checksum are made right (RFC 5508 §4.2). The quoted
/// packet's own TCP/UDP checksum is left as quoted: it covers bytes the
/// quote no longer has.
pub fn rewrite_icmp_error(packet: &mut [u8], h: &Header, inside: Endpoint) {
    packet[16..20].copy_from_slice(&inside.0.octets());
    ipv4::fill_checksum(packet, h.header_len);
    let Some(icmp) = packet.get_mut(h.header_len..h.total_len) else {
        return;
    };
    let Some(quoted) = icmp.get_mut(QUOTE..) else {
        return;
    };
    let inner_len = usize::from(quoted.first().copied().unwrap_or(0) & 0x0f) * 4;
    if quoted.len() < inner_len.max(ipv4::MIN_HEADER) {
        return;
    }
    quoted[12..16].copy_from_slice(&inside.0.octets());
    let protocol = quoted[9];
    if let Some(l4) = quoted.get_mut(inner_len..) {
        let at = if protocol == ICMP { 4 } else { 0 };
        if let Some(port) = l4.get_mut(at..at + 2) {
            port.copy_from_slice(&inside.1.to_be_bytes());
        }
    }
    ipv4::fill_checksum(quoted, inner_len);
    icmp[2..4].fill(0);
    let c = !ones_complement_sum(icmp);
    icmp[2..4].copy_from_slice(&c.to_be_bytes());
}

/// Which end of the packet to rewrite.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    Source,
    Destination,
}

/// Rewrites the packet's source or destination address and port (ICMP:
/// the echo identifier), then fixes every checksum that covers them.
pub fn rewrite(packet: &mut [u8], h: &Header, side: Side, to: Endpoint) {
    let at = match side {
        Side::Source => 12,
        Side::Destination => 16,
    };
    packet[at..at + 4].copy_from_slice(&to.0.octets());
    ipv4::fill_checksum(packet, h.header_len);
    let (src, dst) = (
        Ipv4Addr::new(packet[12], packet[13], packet[14], packet[15]),
        Ipv4Addr::new(packet[16], packet[17], packet[18], packet[19]),
    );
    let Some(l4) = packet.get_mut(h.header_len..h.total_len) else {
        return;
    };
    let port_at = match side {
        Side::Source => 0,
        Side::Destination => 2,
    };
    match h.protocol {
        UDP if l4.len() >= 8 => {
            l4[port_at..port_at + 2].copy_from_slice(&to.1.to_be_bytes());
            // RFC 768: a zero checksum means none was computed; keep it so.
            if be16(l4, 6) != Some(0) {
                l4[6..8].fill(0);
                let c = transport_checksum(src, dst, UDP, l4);
                l4[6..8].copy_from_slice(&c.to_be_bytes());
            }
        }
        TCP if l4.len() >= 20 => {
            l4[port_at..port_at + 2].copy_from_slice(&to.1.to_be_bytes());
            l4[16..18].fill(0);
            let c = transport_checksum(src, dst, TCP, l4);
            l4[16..18].copy_from_slice(&c.to_be_bytes());
        }
        ICMP if l4.len() >= 8 => {
            l4[4..6].copy_from_slice(&to.1.to_be_bytes());
            l4[2..4].fill(0);
            let c = !ones_complement_sum(l4);
            l4[2..4].copy_from_slice(&c.to_be_bytes());
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn udp_packet() -> Vec<u8> {
        let payload = [1u8, 2, 3, 4];
        let mut udp = vec![0x30, 0x39, 0x01, 0xf4, 0, 12, 0, 0];
        udp.extend_from_slice(&payload);
        let (src, dst) = (Ipv4Addr::new(192, 168, 0, 2), Ipv4Addr::new(203, 0, 113, 1));
        let c = transport_checksum(src, dst, UDP, &udp);
        udp[6..8].copy_from_slice(&c.to_be_bytes());
        let mut p = ipv4::build_header(src, dst, UDP, 64, 1, udp.len()).to_vec();
        p.extend_from_slice(&udp);
        p
    }

    #[test]
    fn rewriting_keeps_every_checksum_valid() {
        let mut p = udp_packet();
        let h = Header::parse(&p).unwrap();
        let f = flow_of(&p, &h).unwrap();
        assert_eq!(f.proto, Proto::Udp);
        assert_eq!(f.src, (Ipv4Addr::new(192, 168, 0, 2), 12345));
        rewrite(
            &mut p,
            &h,
            Side::Source,
            (Ipv4Addr::new(198, 51, 100, 9), 4000),
        );
        let h = Header::parse(&p).expect("IP checksum still valid");
        let f = flow_of(&p, &h).unwrap();
        assert_eq!(f.src, (Ipv4Addr::new(198, 51, 100, 9), 4000));
        let l4 = &p[h.header_len..];
        assert_eq!(transport_checksum(h.src, h.dst, UDP, l4), 0xffff);
    }
}
