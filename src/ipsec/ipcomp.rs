//! IPComp (RFC 3173) with one SA, in transport and tunnel mode, the way
//! Linux `net/xfrm/xfrm_ipcomp.c` does it: a datagram under the
//! algorithm's threshold, or one that does not get smaller, is sent as
//! it is, with no IPComp header (RFC 3173 §2.2); in tunnel mode it still
//! gets its outer header and goes as IP in IP (`xfrm4_mode_tunnel` sets
//! protocol 4, and `ipcomp_output` changes it to 108 only when it
//! compressed). The layout is [`crate::wire::ipcomp`]'s.

use super::deflate::{self, InflateError};
use super::packet::{IpsecError, Wrap, outer_header, protected, unwrap};
use super::spec::{CompAlg, IpcompSpec, Mode};
use crate::kernel::Datagram;
use crate::wire::ip::protocol;
use crate::wire::ipcomp;

/// What output did with a datagram.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sent {
    /// With an IPComp header and the compressed payload.
    Compressed,
    /// As it was (in tunnel mode inside its outer header).
    Uncompressed,
}

/// Linux `ipcomp_compress`: the payload compressed, or None when the
/// result with its header is not smaller (`dlen + sizeof(struct
/// ip_comp_hdr) >= plen`, sent uncompressed). Below the threshold
/// (`ipcomp_output`: `skb->len < ipcd->threshold`) nothing is tried.
pub fn compress(alg: CompAlg, payload: &[u8]) -> Option<Vec<u8>> {
    if payload.len() < alg.threshold() {
        return None;
    }
    let compressed = match alg {
        CompAlg::Deflate => deflate::compress(payload),
    };
    (compressed.len() + ipcomp::HEADER_LEN < payload.len()).then_some(compressed)
}

/// Applies the SA to the datagram (RFC 3173 §3.2): the upper-layer
/// payload (transport) or the whole datagram (tunnel) is compressed if
/// that pays.
pub fn encapsulate(
    sa: &IpcompSpec,
    datagram: &mut Datagram,
    wrap: &Wrap,
) -> Result<Sent, IpsecError> {
    let mut sent = Sent::Uncompressed;
    datagram.rebuild::<IpsecError>(|h, bytes| {
        let (payload, next_header) = protected(bytes, h, wrap);
        let Some(compressed) = compress(sa.alg, payload) else {
            if let Wrap::Tunnel { .. } = wrap {
                let outer = outer_header(h, wrap, protocol::IPIP, payload.len());
                let mut out = outer.to_header()?;
                out.extend_from_slice(payload);
                *bytes = out;
                return Ok(outer);
            }
            return Ok(*h);
        };
        let header = ipcomp::Repr {
            next_header,
            flags: 0,
            cpi: sa.cpi(),
        };
        let body_len = header.buffer_len() + compressed.len();
        let outer = outer_header(h, wrap, protocol::IPCOMP, body_len);
        let mut out = outer.to_header()?;
        let at = out.len();
        out.resize(at + header.buffer_len(), 0);
        header.emit(&mut out[at..])?;
        out.extend_from_slice(&compressed);
        *bytes = out;
        sent = Sent::Compressed;
        Ok(outer)
    })?;
    Ok(sent)
}

/// Why input refused an IPComp packet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InputError {
    /// No complete IPComp header, or what it carried does not parse.
    Malformed,
    /// The payload does not decompress (Linux `ipcomp_decompress` errors).
    Decompress(InflateError),
}

impl From<IpsecError> for InputError {
    fn from(_: IpsecError) -> InputError {
        InputError::Malformed
    }
}

/// Removes the IPComp header and decompresses (RFC 3173 §3.3, Linux
/// `ipcomp_input`). Returns whether it was a tunnel; the datagram is then
/// what the IPComp packet carried.
pub fn decapsulate(sa: &IpcompSpec, datagram: &mut Datagram) -> Result<bool, InputError> {
    let mut tunnel = false;
    datagram.rebuild::<InputError>(|h, bytes| {
        let whole = bytes.get(h.header_len()..h.total_len()).unwrap_or(&[]);
        let packet = ipcomp::Packet::new_checked(whole).map_err(|_| InputError::Malformed)?;
        let payload = match sa.alg {
            CompAlg::Deflate => deflate::decompress(packet.payload()),
        }
        .map_err(InputError::Decompress)?;
        let next = (packet.next_header(), sa.mode);
        let (inner, out, is_tunnel) = unwrap(h, next, &payload)?;
        tunnel = is_tunnel;
        *bytes = out;
        Ok(inner)
    })?;
    Ok(tunnel)
}

/// Linux `xfrm4_tunnel` through the IP-in-IP state of an IPComp tunnel
/// SA: an uncompressed datagram of the tunnel becomes its inner datagram.
pub fn decapsulate_ipip(datagram: &mut Datagram) -> Result<(), IpsecError> {
    datagram.rebuild(|h, bytes| {
        let inner = bytes.get(h.header_len()..h.total_len()).unwrap_or(&[]);
        let (header, out, _) = unwrap(h, (protocol::IPIP, Mode::Tunnel), inner)?;
        *bytes = out;
        Ok(header)
    })
}
