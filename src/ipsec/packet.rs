//! IP header work shared by ESP and AH: the header that carries the
//! transform in transport and tunnel mode, and putting the result back.

use std::net::Ipv4Addr;

use crate::wire::ipv4::{self, Header};

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
    match *wrap {
        Wrap::Transport => {
            let mut header = packet[..h.header_len].to_vec();
            header[9] = protocol;
            ipv4::set_total_len(&mut header, h.header_len + body_len);
            ipv4::fill_checksum(&mut header, h.header_len);
            header
        }
        Wrap::Tunnel { src, dst, ident } => {
            let mut header =
                ipv4::build_header(src, dst, protocol, TUNNEL_TTL, ident, body_len).to_vec();
            header[1] = packet[1];
            ipv4::fill_checksum(&mut header, 20);
            header
        }
    }
}

/// [`outer_header`] written in place over the front of `packet`, once the
/// payload has moved out of its way (ESP, so no header is built apart per
/// packet): transport mode keeps the original header there and changes it;
/// tunnel mode writes a new one, with `tos` from the inner header. Returns
/// the header's length.
pub fn write_outer_header(
    packet: &mut [u8],
    h: &Header,
    wrap: &Wrap,
    tos: u8,
    protocol: u8,
    body_len: usize,
) -> usize {
    match *wrap {
        Wrap::Transport => {
            let len = h.header_len;
            packet[9] = protocol;
            ipv4::set_total_len(packet, len + body_len);
            ipv4::fill_checksum(packet, len);
            len
        }
        Wrap::Tunnel { src, dst, ident } => {
            let header = &mut packet[..20];
            header.copy_from_slice(&ipv4::build_header(
                src, dst, protocol, TUNNEL_TTL, ident, body_len,
            ));
            header[1] = tos;
            ipv4::fill_checksum(header, 20);
            20
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
