//! TCP MSS clamping on locally sent SYNs. Linux derives the MSS it
//! announces from the route's MTU; smoltcp sees one large device MTU (our
//! kernel fragments, not smoltcp), so the kernel lowers the MSS option to
//! the outgoing link's MTU minus 40, like `iptables --clamp-mss-to-pmtu`.

use super::datagram::Datagram;
use crate::wire::ip::protocol;
use crate::wire::tcp;

/// Lowers the MSS option of a TCP SYN to at most `max_mss`, refilling the
/// TCP checksum (RFC 9293 §3.1). Returns whether it changed.
pub fn clamp(datagram: &mut Datagram, max_mss: u16) -> bool {
    if datagram.protocol() != protocol::TCP {
        return false;
    }
    let (src, dst) = (datagram.src(), datagram.dst());
    let Ok(mut segment) = tcp::Packet::new_checked(datagram.payload_mut()) else {
        return false;
    };
    let too_large = segment.max_seg_size().is_some_and(|mss| mss > max_mss);
    if !segment.flags().syn() || !too_large {
        return false;
    }
    segment.set_max_seg_size(max_mss);
    segment.fill_checksum(src, dst);
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::ipv4;
    use smoltcp::phy::ChecksumCapabilities;
    use smoltcp::wire::{IpAddress, Ipv4Packet, TcpPacket};

    fn syn() -> Datagram {
        let header = ipv4::Repr::new(
            "10.0.0.1".parse().unwrap(),
            "10.0.0.2".parse().unwrap(),
            6,
            64,
            24,
        );
        let mut fixed = [0u8; 20];
        fixed[12] = 5 << 4; // data offset: the fixed header
        let mut segment = tcp::Repr::parse_bytes(&fixed).unwrap();
        segment.src_port = 1234;
        segment.dst_port = 80;
        segment.flags = tcp::Flags(tcp::Flags::SYN);
        segment.set_options(&[2, 4, 0xff, 0xd7]).unwrap();
        let mut bytes = [0u8; 24];
        segment
            .emit(&mut tcp::Packet::new_unchecked(&mut bytes[..]))
            .unwrap();
        let mut d = Datagram::new(header, &bytes).unwrap();
        let (src, dst) = (d.src(), d.dst());
        tcp::Packet::new_unchecked(d.payload_mut()).fill_checksum(src, dst);
        d
    }

    #[test]
    fn clamps_and_keeps_checksum_valid() {
        let mut p = syn();
        assert!(clamp(&mut p, 1460));
        let ip = Ipv4Packet::new_checked(p.bytes()).unwrap();
        let tcp = TcpPacket::new_checked(ip.payload()).unwrap();
        let (src, dst) = (
            IpAddress::Ipv4(ip.src_addr()),
            IpAddress::Ipv4(ip.dst_addr()),
        );
        assert!(tcp.verify_checksum(&src, &dst));
        let repr =
            smoltcp::wire::TcpRepr::parse(&tcp, &src, &dst, &ChecksumCapabilities::default())
                .unwrap();
        assert_eq!(repr.max_seg_size, Some(1460));
        assert!(!clamp(&mut p, 1460), "already small enough");
    }
}
