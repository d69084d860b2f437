//! The key daemon's UDP datagrams, taken from and handed to the node's
//! kernel directly rather than through smoltcp sockets: a smoltcp UDP
//! socket preallocates its ring buffers (two of 128 KiB each for any
//! datagram size), which made a roadwarrior cost 300 KB; here a datagram
//! costs what it holds while it waits. What goes out is what smoltcp
//! sent (IPv4 with TTL 64, identification 0 and DF, which the kernel's
//! `send_local` renumbers and clears; a UDP checksum, RFC 768); what
//! comes in is checked as smoltcp checked it (UDP length and checksum).

use std::net::SocketAddrV4;

use crate::wire::ip::{Address, protocol};
use crate::wire::{ipv4, udp};

/// Datagrams a daemon's port may hold before more are dropped: the 64
/// slots and 128 KiB its socket had.
pub const INBOX_DATAGRAMS: usize = 64;
pub const INBOX_BYTES: usize = 64 * 2048;

/// A datagram for the daemon: local and remote endpoint, UDP payload.
pub type Received = (SocketAddrV4, SocketAddrV4, Vec<u8>);

/// What a locally delivered packet is to the daemon.
pub enum Taken {
    /// Not UDP to one of its ports: the stack's.
    NotOurs(Vec<u8>),
    /// For its port, but the UDP checksum or length is wrong.
    Bad,
    Datagram(Received),
}

/// Takes a whole (reassembled) packet addressed to this node if it is UDP
/// to one of `ports`.
pub fn take(packet: Vec<u8>, ports: &[u16]) -> Taken {
    // Every packet a racoon node takes in passes here: anything but UDP
    // goes on to the stack before the header is parsed (byte 9: protocol).
    if packet.get(9) != Some(&protocol::UDP) {
        return Taken::NotOurs(packet);
    }
    let Ok(ip) = ipv4::Repr::parse_bytes(&packet) else {
        return Taken::NotOurs(packet);
    };
    let start = ip.header_len();
    let segment = packet.get(start..ip.total_len()).unwrap_or(&[]);
    let dst_port = udp::ports(segment).map(|(_, d)| d);
    let ours = ip.protocol == protocol::UDP
        && !ip.is_fragment()
        && dst_port.is_some_and(|p| ports.contains(&p));
    if !ours {
        return Taken::NotOurs(packet);
    }
    let view = udp::Packet::new_unchecked(segment);
    let Ok(repr) = udp::Repr::parse(&view) else {
        return Taken::Bad;
    };
    let (src, dst) = (Address::from(ip.src), Address::from(ip.dst));
    if view.checksum() != 0 && !view.verify_checksum(src, dst) {
        return Taken::Bad;
    }
    let payload = view.payload()[..repr.payload_len].to_vec();
    Taken::Datagram((
        SocketAddrV4::new(ip.dst, repr.dst_port),
        SocketAddrV4::new(ip.src, repr.src_port),
        payload,
    ))
}

/// The IPv4 packet carrying `payload` from `local` to `remote`.
pub fn packet(local: SocketAddrV4, remote: SocketAddrV4, payload: &[u8]) -> Option<Vec<u8>> {
    let udp_len = 8 + payload.len();
    let mut ip = ipv4::Repr::new(*local.ip(), *remote.ip(), protocol::UDP, 64, udp_len);
    ip.frag.dont_frag = true;
    let mut bytes = ip.to_header().ok()?;
    let start = bytes.len();
    bytes.resize(start + udp_len, 0);
    let segment = &mut bytes[start..];
    let header = udp::Repr {
        src_port: local.port(),
        dst_port: remote.port(),
        payload_len: payload.len(),
    };
    header
        .emit(&mut udp::Packet::new_unchecked(&mut *segment))
        .ok()?;
    segment[8..].copy_from_slice(payload);
    let mut view = udp::Packet::new_unchecked(&mut *segment);
    view.fill_checksum(Address::from(*local.ip()), Address::from(*remote.ip()));
    Some(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A datagram built for the wire is taken back as sent; other ports,
    /// and a corrupted checksum, are not the daemon's.
    #[test]
    fn round_trip_and_checks() {
        let a = SocketAddrV4::new([10, 0, 0, 1].into(), 500);
        let b = SocketAddrV4::new([10, 0, 0, 2].into(), 500);
        let p = packet(a, b, b"isakmp").expect("fits");
        match take(p.clone(), &[500]) {
            Taken::Datagram((local, remote, data)) => {
                assert_eq!((local, remote, data.as_slice()), (b, a, &b"isakmp"[..]));
            }
            _ => panic!("not taken"),
        }
        assert!(matches!(take(p.clone(), &[4500]), Taken::NotOurs(_)));
        let mut bad = p;
        let last = bad.len() - 1;
        bad[last] ^= 1;
        assert!(matches!(take(bad, &[500]), Taken::Bad));
    }
}
