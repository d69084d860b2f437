//! What a NAT reads and rewrites in a packet: the flow it belongs to
//! (protocol, addresses, ports, ICMP query identifier or SPI) and the new
//! source or destination, with the IP header checksum and the TCP, UDP or
//! ICMP checksum made right again (RFC 3022 §4.2). Every header is read
//! and written through [`crate::wire`]; a NAT44 translates IPv4 only.

use std::net::Ipv4Addr;

use crate::kernel::Datagram;
use crate::wire::ip::{Address, protocol};
use crate::wire::{ah, esp, icmp, ipv4, tcp, udp};

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

/// What identifies a flow past the IP header: (protocol, source port,
/// destination port, SPI, echo request). An ICMP identifier is the
/// query's "port" at the querying end (RFC 5508 §3.1); the remote end has
/// none. Reads no more than the fields it needs, as far as they are there.
fn transport_of(protocol: u8, l4: &[u8]) -> Option<(Proto, u16, u16, u32, bool)> {
    Some(match protocol {
        protocol::UDP => {
            let (sport, dport) = udp::ports(l4)?;
            (Proto::Udp, sport, dport, 0, false)
        }
        protocol::TCP => {
            let (sport, dport) = udp::ports(l4)?;
            (Proto::Tcp, sport, dport, 0, false)
        }
        protocol::ICMP => {
            let id = icmp::echo_ident(l4)?;
            match icmp::message_type(l4)? {
                icmp::kind::ECHO_REQUEST => (Proto::Icmp, id, 0, 0, true),
                icmp::kind::ECHO_REPLY => (Proto::Icmp, 0, id, 0, false),
                _ => return None,
            }
        }
        protocol::ESP => (Proto::Esp, 0, 0, esp::spi_of(l4)?, false),
        protocol::AH => (Proto::Esp, 0, 0, ah::spi_of(l4)?, false),
        _ => return None,
    })
}

/// The flow of an unfragmented IPv4 packet; None for protocols and ICMP
/// types a NAT does not map, and for fragments (their ports are not all
/// there).
pub fn flow_of(datagram: &Datagram) -> Option<Flow> {
    let h = datagram.ipv4()?;
    if h.is_fragment() {
        return None;
    }
    let (proto, sport, dport, spi, request) = transport_of(h.protocol, datagram.payload())?;
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
const ICMP_ERRORS: [u8; 3] = [
    icmp::kind::DST_UNREACHABLE,
    icmp::kind::TIME_EXCEEDED,
    icmp::kind::PARAMETER_PROBLEM,
];

/// The datagram an ICMP error quotes, if it is one of [`ICMP_ERRORS`]
/// and the quote holds at least a fixed IPv4 header.
fn quoted_datagram(datagram: &Datagram) -> Option<ipv4::Packet<&[u8]>> {
    let h = datagram.ipv4()?;
    if h.protocol != protocol::ICMP || h.is_fragment() {
        return None;
    }
    let message = icmp::Packet::new_checked(datagram.payload()).ok()?;
    if !ICMP_ERRORS.contains(&message.msg_type()) {
        return None;
    }
    ipv4::Packet::new_quoted(message.into_inner().get(icmp::HEADER_LEN..)?).ok()
}

/// For an ICMP error addressed to the NAT: the flow of the packet it
/// quotes, turned around as the answer to it would come in (RFC 5508
/// §4.2: the quoted packet's source is the mapping to look up).
pub fn icmp_error_flow(datagram: &Datagram) -> Option<Flow> {
    let quoted = quoted_datagram(datagram)?;
    let l4 = quoted.quoted_payload();
    let (proto, sport, dport) = match quoted.protocol() {
        protocol::UDP | protocol::TCP => {
            let (sport, dport) = udp::ports(l4)?;
            let proto = if quoted.protocol() == protocol::UDP {
                Proto::Udp
            } else {
                Proto::Tcp
            };
            (proto, sport, dport)
        }
        protocol::ICMP if icmp::message_type(l4) == Some(icmp::kind::ECHO_REQUEST) => {
            (Proto::Icmp, icmp::echo_ident(l4)?, 0)
        }
        _ => return None,
    };
    Some(Flow {
        proto,
        src: (quoted.dst_addr(), dport),
        dst: (quoted.src_addr(), sport),
        spi: 0,
        request: false,
    })
}

/// Sends an ICMP error on to `inside`: the outer destination and the
/// quoted packet's source become the inside host's, and the IP checksums
/// and the ICMP checksum are made right (RFC 5508 §4.2). The quoted
/// packet's own TCP/UDP checksum is left as quoted: it covers bytes the
/// quote no longer has.
pub fn rewrite_icmp_error(datagram: &mut Datagram, inside: Endpoint) {
    datagram.rewrite_ipv4(|h| h.dst = inside.0);
    let mut message = icmp::Packet::new_unchecked(datagram.payload_mut());
    let data = message.data_mut();
    let quoted_len = data.len();
    let mut quoted = ipv4::Packet::new_unchecked(data);
    if quoted_len < quoted.header_len().max(ipv4::HEADER_LEN) {
        return;
    }
    quoted.set_src_addr(inside.0);
    let protocol = quoted.protocol();
    let l4 = quoted.quoted_payload_mut();
    if protocol == protocol::ICMP {
        icmp::Packet::new_unchecked(l4).set_echo_ident(inside.1);
    } else {
        udp::Packet::new_unchecked(l4).set_src_port(inside.1);
    }
    quoted.fill_checksum();
    message.fill_checksum();
}

/// Which end of the packet to rewrite.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    Source,
    Destination,
}

/// Rewrites the packet's source or destination address and port (ICMP:
/// the echo identifier), then fixes every checksum that covers them.
pub fn rewrite(datagram: &mut Datagram, side: Side, to: Endpoint) {
    datagram.rewrite_ipv4(|h| match side {
        Side::Source => h.src = to.0,
        Side::Destination => h.dst = to.0,
    });
    let (src, dst) = (datagram.src(), datagram.dst());
    let protocol = datagram.protocol();
    rewrite_transport(datagram.payload_mut(), protocol, side, to.1, (src, dst));
}

/// The port (ICMP: identifier) and checksum of a transport header whose
/// fixed part is there.
fn rewrite_transport(
    l4: &mut [u8],
    protocol: u8,
    side: Side,
    port: u16,
    (src, dst): (Address, Address),
) {
    match protocol {
        protocol::UDP => {
            let Ok(mut udp) = udp::Packet::new_checked(l4) else {
                return;
            };
            match side {
                Side::Source => udp.set_src_port(port),
                Side::Destination => udp.set_dst_port(port),
            }
            // RFC 768: a zero checksum means none was computed; keep it so.
            if udp.checksum() != 0 {
                udp.fill_checksum(src, dst);
            }
        }
        protocol::TCP => {
            let Ok(mut tcp) = tcp::Packet::new_checked(l4) else {
                return;
            };
            match side {
                Side::Source => tcp.set_src_port(port),
                Side::Destination => tcp.set_dst_port(port),
            }
            tcp.fill_checksum(src, dst);
        }
        protocol::ICMP => {
            let Ok(mut icmp) = icmp::Packet::new_checked(l4) else {
                return;
            };
            icmp.set_echo_ident(port);
            icmp.fill_checksum();
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn udp_packet() -> Datagram {
        let (src, dst) = (Ipv4Addr::new(192, 168, 0, 2), Ipv4Addr::new(203, 0, 113, 1));
        let mut segment = [0u8; 12];
        segment[8..].copy_from_slice(&[1, 2, 3, 4]);
        let mut u = udp::Packet::new_unchecked(&mut segment[..]);
        let header = udp::Repr {
            src_port: 12345,
            dst_port: 500,
            payload_len: 4,
        };
        header.emit(&mut u).unwrap();
        u.fill_checksum(src.into(), dst.into());
        let header = ipv4::Repr::new(src, dst, protocol::UDP, 64, segment.len());
        Datagram::new(header, &segment).unwrap()
    }

    #[test]
    fn rewriting_keeps_every_checksum_valid() {
        let mut p = udp_packet();
        let f = flow_of(&p).unwrap();
        assert_eq!(f.proto, Proto::Udp);
        assert_eq!(f.src, (Ipv4Addr::new(192, 168, 0, 2), 12345));
        rewrite(&mut p, Side::Source, (Ipv4Addr::new(198, 51, 100, 9), 4000));
        assert!(p.is_consistent(), "IP checksum still valid");
        let f = flow_of(&p).unwrap();
        assert_eq!(f.src, (Ipv4Addr::new(198, 51, 100, 9), 4000));
        let segment = udp::Packet::new_checked(p.payload()).unwrap();
        assert!(segment.verify_checksum(p.src(), p.dst()));
    }
}
