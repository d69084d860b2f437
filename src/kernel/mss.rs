//! TCP MSS clamping on locally sent SYNs. Linux derives the MSS it
//! announces from the route's MTU; smoltcp sees one large device MTU (our
//! kernel fragments, not smoltcp), so the kernel lowers the MSS option to
//! the outgoing link's MTU minus 40, like `iptables --clamp-mss-to-pmtu`.

use crate::net::ones_complement_sum;

const TCP_SYN: u8 = 0x02;
const OPT_END: u8 = 0;
const OPT_NOP: u8 = 1;
const OPT_MSS: u8 = 2;

/// Lowers the MSS option of a TCP SYN in `packet` (IPv4 header of
/// `header_len` bytes) to at most `max_mss`. Returns whether it changed.
pub fn clamp(packet: &mut [u8], header_len: usize, max_mss: u16) -> bool {
    let Some(tcp) = packet.get(header_len..) else {
        return false;
    };
    if tcp.len() < 20 || tcp[13] & TCP_SYN == 0 {
        return false;
    }
    let data_offset = usize::from(tcp[12] >> 4) * 4;
    if data_offset < 20 || data_offset > tcp.len() {
        return false;
    }
    let Some(at) = find_mss(&tcp[20..data_offset]) else {
        return false;
    };
    let at = header_len + 20 + at;
    let current = u16::from_be_bytes([packet[at], packet[at + 1]]);
    if current <= max_mss {
        return false;
    }
    packet[at..at + 2].copy_from_slice(&max_mss.to_be_bytes());
    refill_tcp_checksum(packet, header_len);
    true
}

/// Offset of the MSS option's value within the options.
fn find_mss(options: &[u8]) -> Option<usize> {
    let mut i = 0;
    while i < options.len() {
        match options[i] {
            OPT_END => return None,
            OPT_NOP => i += 1,
            kind => {
                let len = usize::from(*options.get(i + 1)?);
                if len < 2 || i + len > options.len() {
                    return None;
                }
                if kind == OPT_MSS && len == 4 {
                    return Some(i + 2);
                }
                i += len;
            }
        }
    }
    None
}

/// Recomputes the TCP checksum with the IPv4 pseudo-header (RFC 793 §3.1).
fn refill_tcp_checksum(packet: &mut [u8], header_len: usize) {
    let segment_len = packet.len() - header_len;
    packet[header_len + 16] = 0;
    packet[header_len + 17] = 0;
    let mut pseudo = [0u8; 12];
    pseudo[..8].copy_from_slice(&packet[12..20]);
    pseudo[9] = 6;
    pseudo[10..12].copy_from_slice(&(segment_len as u16).to_be_bytes());
    let a = u32::from(ones_complement_sum(&pseudo));
    let b = u32::from(ones_complement_sum(&packet[header_len..]));
    let mut sum = a + b;
    while sum > 0xffff {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    let checksum = !(sum as u16);
    packet[header_len + 16..header_len + 18].copy_from_slice(&checksum.to_be_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;
    use smoltcp::phy::ChecksumCapabilities;
    use smoltcp::wire::{IpAddress, Ipv4Packet, TcpPacket};

    fn syn() -> Vec<u8> {
        let mut p = crate::wire::ipv4::build_header(
            "10.0.0.1".parse().unwrap(),
            "10.0.0.2".parse().unwrap(),
            6,
            64,
            1,
            24,
        )
        .to_vec();
        let mut tcp = vec![0u8; 24];
        tcp[0..2].copy_from_slice(&1234u16.to_be_bytes());
        tcp[2..4].copy_from_slice(&80u16.to_be_bytes());
        tcp[12] = 6 << 4;
        tcp[13] = TCP_SYN;
        tcp[20..24].copy_from_slice(&[2, 4, 0xff, 0xd7]);
        p.extend_from_slice(&tcp);
        refill_tcp_checksum(&mut p, 20);
        p
    }

    #[test]
    fn clamps_and_keeps_checksum_valid() {
        let mut p = syn();
        assert!(clamp(&mut p, 20, 1460));
        let ip = Ipv4Packet::new_checked(&p[..]).unwrap();
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
        assert!(!clamp(&mut p, 20, 1460), "already small enough");
    }
}
