//! IP header work shared by ESP and AH: the header that carries the
//! transform in transport and tunnel mode, and putting the result back.

use std::net::Ipv4Addr;

use crate::node::ipv4::{self, Header};

/// Why the data plane refused a packet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IpsecError {
    Malformed,
    UnknownSpi,
    Replay,
    Integrity,
    BadPadding,
    SeqOverflow,
}

/// The packet around the payload a transform protects.
pub enum Wrap {
    /// Keep the original header (with its options); its protocol changes.
    Transport,
    /// A new outer header between these addresses (RFC 4301 §5.1.2.1).
    Tunnel {
        src: Ipv4Addr,
        dst: Ipv4Addr,
        ident: u16,
    },
}

/// Default TTL of the outer header of a tunnel.
const TUNNEL_TTL: u8 = 64;
pub const PROTO_IPIP: u8 = 4;

/// The bytes a transform protects and the Next Header value that names
/// them: the upper-layer payload (transport) or the whole packet (tunnel).
pub fn protected<'a>(packet: &'a [u8], h: &Header, wrap: &Wrap) -> (&'a [u8], u8) {
    match wrap {
        Wrap::Transport => (&packet[h.header_len..h.total_len], h.protocol),
        Wrap::Tunnel { .. } => (&packet[..h.total_len], PROTO_IPIP),
    }
}

/// The IP header in front of the transform: the original one with its
/// protocol replaced (transport) or a new one (tunnel; RFC 4301 §5.1.2.1:
/// TOS copied from the inner header, DF clear, fresh TTL).
pub fn outer_header(
    packet: &[u8],
    h: &Header,
    wrap: &Wrap,
    protocol: u8,
    body_len: usize,
) -> Vec<u8> {
    let (header, len) = outer_header_array(packet, h, wrap, protocol, body_len);
    header[..len].to_vec()
}

/// [`outer_header`] in an array (an IPv4 header has at most 60 bytes) and
/// its length: what ESP writes into the packet's buffer, with no
/// allocation per packet.
pub fn outer_header_array(
    packet: &[u8],
    h: &Header,
    wrap: &Wrap,
    protocol: u8,
    body_len: usize,
) -> ([u8; 60], usize) {
    let mut header = [0u8; 60];
    match *wrap {
        Wrap::Transport => {
            let len = h.header_len;
            header[..len].copy_from_slice(&packet[..len]);
            header[9] = protocol;
            ipv4::set_total_len(&mut header, len + body_len);
            ipv4::fill_checksum(&mut header, len);
            (header, len)
        }
        Wrap::Tunnel { src, dst, ident } => {
            header[..20].copy_from_slice(&ipv4::build_header(
                src, dst, protocol, TUNNEL_TTL, ident, body_len,
            ));
            header[1] = packet[1];
            ipv4::fill_checksum(&mut header, 20);
            (header, 20)
        }
    }
}

/// What a transform's input processing leaves: the header of the outer
/// packet with `next` as its protocol and `payload` behind it (transport),
/// or the inner packet itself (tunnel, next header 4).
pub fn unwrap(
    packet: &[u8],
    h: &Header,
    next: u8,
    payload: &[u8],
) -> Result<(Vec<u8>, bool), IpsecError> {
    if next == PROTO_IPIP {
        Header::parse(payload).map_err(|_| IpsecError::Malformed)?;
        return Ok((payload.to_vec(), true));
    }
    let mut out = Vec::with_capacity(h.header_len + payload.len());
    out.extend_from_slice(&packet[..h.header_len]);
    out[9] = next;
    out.extend_from_slice(payload);
    ipv4::set_total_len(&mut out, h.header_len + payload.len());
    ipv4::fill_checksum(&mut out, h.header_len);
    Ok((out, false))
}

pub fn be32(b: &[u8], at: usize) -> Option<u32> {
    let s = b.get(at..at + 4)?;
    Some(u32::from_be_bytes([s[0], s[1], s[2], s[3]]))
}
