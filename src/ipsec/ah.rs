//! AH (RFC 4302): authentication of one datagram with one SA, in
//! transport and tunnel mode. The ICV covers the IP header with its
//! mutable fields zeroed (RFC 4302 §3.3.3.1). The layout is
//! [`crate::wire::ah`]'s.

use super::packet::{IpsecError, Wrap, outer_header, protected, unwrap};
use super::sad::SecurityAssociation;
use crate::kernel::Datagram;
use crate::wire::ip::protocol;
use crate::wire::{ah, ipv4};

/// IPv4 options whose value does not change in transit (RFC 4302
/// Appendix A.1: EOL, NOP, security options, router alert, SDB). All
/// others are zeroed for the ICV.
fn option_is_immutable(kind: u8) -> bool {
    matches!(kind, 0 | 1 | 130 | 133 | 134 | 148 | 149)
}

/// Zeroes what RFC 4302 §3.3.3.1.1.1 calls mutable in an IPv4 header:
/// TOS, flags, fragment offset, TTL, header checksum, and mutable
/// options. An option list that does not parse is zeroed from the bad
/// option on (unless its type is immutable), at both ends alike.
fn zero_mutable(header: &mut [u8]) {
    let mut p = ipv4::Packet::new_unchecked(&mut *header);
    p.set_tos(0);
    p.set_flags_and_offset(0);
    p.set_ttl(0);
    p.set_checksum(0);
    let Ok(options) = ipv4::Options::new(p.options()) else {
        return;
    };
    let options_mut = p.options_mut();
    for item in options.iter() {
        let (kind, range) = match item {
            Ok(item) => (item.kind, item.at..item.at + item.bytes.len()),
            Err(at) => (
                options.as_bytes().get(at).copied().unwrap_or(0),
                at..options.len(),
            ),
        };
        if !option_is_immutable(kind) {
            if let Some(bytes) = options_mut.get_mut(range) {
                bytes.fill(0);
            }
        }
    }
}

/// What the ICV covers (RFC 4302 §3.3.3.1): a copy of `packet` (header
/// of `header_len` bytes) with the mutable fields and AH's ICV field (at
/// `icv_at`, `icv_len` bytes) zeroed.
fn icv_input(packet: &[u8], header_len: usize, icv_at: usize, icv_len: usize) -> Vec<u8> {
    let mut input = packet.to_vec();
    if let Some(header) = input.get_mut(..header_len) {
        zero_mutable(header);
    }
    if let Some(icv) = input.get_mut(icv_at..icv_at + icv_len) {
        icv.fill(0);
    }
    input
}

/// Turns the datagram into its AH packet (RFC 4302 §3.3).
pub fn encapsulate(
    sa: &mut SecurityAssociation,
    datagram: &mut Datagram,
    wrap: &Wrap,
) -> Result<(), IpsecError> {
    let Some(icv_len) = sa.integrity.as_ref().map(|i| i.alg().icv_len()) else {
        return Err(IpsecError::Malformed);
    };
    let seq_number = sa.seq.checked_add(1).ok_or(IpsecError::SeqOverflow)?;
    sa.seq = seq_number;
    let spi = sa.spec.spi;
    let integrity = sa.integrity.as_ref().ok_or(IpsecError::Malformed)?;
    datagram.rebuild(|h, bytes| {
        let (payload, next_header) = protected(bytes, h, wrap);
        let header = ah::Repr {
            next_header,
            spi,
            seq_number,
            icv_len,
        };
        let outer = outer_header(h, wrap, protocol::AH, header.buffer_len() + payload.len());
        let mut out = outer.to_header()?;
        let header_len = out.len();
        out.resize(header_len + header.buffer_len(), 0);
        header.emit(&mut out[header_len..])?;
        out.extend_from_slice(payload);
        let icv_at = header_len + ah::FIXED_LEN;
        let icv = integrity.icv(&[&icv_input(&out, header_len, icv_at, icv_len)]);
        ah::Packet::new_unchecked(&mut out[header_len..])
            .icv_mut()
            .copy_from_slice(&icv);
        *bytes = out;
        Ok(outer)
    })
}

/// Verifies and strips AH (RFC 4302 §3.4). Returns whether it was a
/// tunnel; the datagram is then what the AH packet carried.
pub fn decapsulate(
    sa: &mut SecurityAssociation,
    datagram: &mut Datagram,
) -> Result<bool, IpsecError> {
    let Some(icv_len) = sa.integrity.as_ref().map(|i| i.alg().icv_len()) else {
        return Err(IpsecError::Malformed);
    };
    let mut tunnel = false;
    datagram.rebuild(|h, bytes| {
        let whole = bytes.get(..h.total_len()).unwrap_or(bytes);
        let packet = ah::Packet::new_unchecked(ipv4::Packet::new_unchecked(whole).into_payload());
        let header = ah::Repr::parse(&packet).map_err(|_| IpsecError::Malformed)?;
        if header.icv_len != icv_len {
            return Err(IpsecError::Malformed);
        }
        sa.replay
            .check(header.seq_number)
            .map_err(|_| IpsecError::Replay)?;
        let icv_at = h.header_len() + ah::FIXED_LEN;
        let input = icv_input(whole, h.header_len(), icv_at, icv_len);
        let authentic = sa
            .integrity
            .as_ref()
            .is_some_and(|i| i.verify(&[&input], packet.icv()));
        if !authentic {
            return Err(IpsecError::Integrity);
        }
        sa.replay.accept(header.seq_number);
        let next = (header.next_header, sa.spec.mode);
        let (inner, out, is_tunnel) = unwrap(h, next, packet.payload())?;
        tunnel = is_tunnel;
        *bytes = out;
        Ok(inner)
    })?;
    Ok(tunnel)
}
