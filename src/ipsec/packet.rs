//! IP header work shared by ESP and AH: the header that carries the
//! transform in transport and tunnel mode, and what input processing
//! leaves. Headers are [`ipv4::Repr`]s, emitted through `wire`.

use std::net::Ipv4Addr;

use super::spec::Mode;
use crate::wire::frag::Repr as Fragment;
use crate::wire::ip::protocol;
use crate::wire::ipv4;

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

impl From<crate::wire::Error> for IpsecError {
    /// A header that does not parse, or one too long to emit.
    fn from(_: crate::wire::Error) -> IpsecError {
        IpsecError::Malformed
    }
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

/// The bytes a transform protects and the Next Header value that names
/// them: the upper-layer payload (transport) or the whole datagram
/// (tunnel, IP in IP).
pub fn protected<'a>(bytes: &'a [u8], h: &ipv4::Repr, wrap: &Wrap) -> (&'a [u8], u8) {
    let range = match wrap {
        Wrap::Transport => h.header_len()..h.total_len(),
        Wrap::Tunnel { .. } => 0..h.total_len(),
    };
    let next = match wrap {
        Wrap::Transport => h.protocol,
        Wrap::Tunnel { .. } => protocol::IPIP,
    };
    (bytes.get(range).unwrap_or(&[]), next)
}

/// The IP header in front of the transform carrying `body_len` bytes: the
/// original one with its protocol replaced (transport) or a new one
/// (tunnel; RFC 4301 §5.1.2.1: TOS copied from the inner header, DF
/// clear, fresh TTL).
pub fn outer_header(h: &ipv4::Repr, wrap: &Wrap, protocol: u8, body_len: usize) -> ipv4::Repr {
    match *wrap {
        Wrap::Transport => ipv4::Repr {
            protocol,
            payload_len: body_len,
            ..*h
        },
        Wrap::Tunnel { src, dst, ident } => ipv4::Repr {
            tos: h.tos,
            frag: Fragment::whole(ident, false),
            ..ipv4::Repr::new(src, dst, protocol, TUNNEL_TTL, body_len)
        },
    }
}

/// What a transform's input processing leaves: the outer header with
/// `next` as its protocol and `payload` behind it (transport), or the
/// inner datagram itself, its header checked as a link's would be
/// (tunnel, next header 4). Returns the header, the bytes and whether it
/// was a tunnel.
///
/// Only a tunnel-mode SA unwraps IP in IP (Linux `xfrm4_mode_tunnel_input`);
/// an SA in transport mode hands next header 4 on as it is, to the IP-in-IP
/// handler (`xfrm4_tunnel`), as ESP in transport mode over an IPComp
/// tunnel needs. `-m any` SAs keep unwrapping it, as vpnlab always has.
pub fn unwrap(
    h: &ipv4::Repr,
    (next, mode): (u8, Mode),
    payload: &[u8],
) -> Result<(ipv4::Repr, Vec<u8>, bool), IpsecError> {
    if next == protocol::IPIP && mode != Mode::Transport {
        let inner = ipv4::Repr::parse_bytes(payload)?;
        return Ok((inner, payload.to_vec(), true));
    }
    let header = ipv4::Repr {
        protocol: next,
        payload_len: payload.len(),
        ..*h
    };
    let mut bytes = header.to_header()?;
    bytes.extend_from_slice(payload);
    Ok((header, bytes, false))
}
