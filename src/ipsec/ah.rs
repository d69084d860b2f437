//! AH (RFC 4302): authentication of one packet with one SA, in transport
//! and tunnel mode. The ICV covers the IP header with its mutable fields
//! zeroed (RFC 4302 §3.3.3.1).

use super::packet::{IpsecError, Wrap, be32, outer_header, protected, unwrap};
use super::sad::SecurityAssociation;
use crate::wire::ipv4::Header;

pub const PROTO_AH: u8 = 51;
/// Next Header, Payload Len, Reserved, SPI, Sequence Number.
const FIXED: usize = 12;

/// IPv4 options whose value does not change in transit (RFC 4302
/// Appendix A.1: EOL, NOP, security options, router alert, SDB). All
/// others are zeroed for the ICV.
fn option_is_immutable(kind: u8) -> bool {
    matches!(kind, 0 | 1 | 130 | 133 | 134 | 148 | 149)
}

/// Zeroes what RFC 4302 §3.3.3.1.1.1 calls mutable: TOS, flags, fragment
/// offset, TTL, header checksum, and mutable options.
fn zero_mutable(header: &mut [u8]) {
    header[1] = 0;
    header[6..9].fill(0);
    header[10..12].fill(0);
    let mut i = 20;
    while i < header.len() {
        let kind = header[i];
        let len = match kind {
            0 | 1 => 1,
            _ => usize::from(header.get(i + 1).copied().unwrap_or(0)).max(2),
        };
        let end = (i + len).min(header.len());
        if !option_is_immutable(kind) {
            header[i..end].fill(0);
        }
        i = end;
    }
}

/// AH header length field: the header in 32-bit words, minus 2 (RFC 4302 §2.2).
fn payload_len_field(icv_len: usize) -> u8 {
    ((FIXED + icv_len) / 4 - 2) as u8
}

/// Builds the AH packet for `packet` (RFC 4302 §3.3).
pub fn encapsulate(
    sa: &mut SecurityAssociation,
    packet: &[u8],
    h: &Header,
    wrap: &Wrap,
) -> Result<Vec<u8>, IpsecError> {
    let Some(integrity) = &sa.integrity else {
        return Err(IpsecError::Malformed);
    };
    let seq = sa.seq.checked_add(1).ok_or(IpsecError::SeqOverflow)?;
    sa.seq = seq;
    let icv_len = integrity.alg().icv_len();
    let (payload, next) = protected(packet, h, wrap);
    let mut ah = Vec::with_capacity(FIXED + icv_len + payload.len());
    ah.extend_from_slice(&[next, payload_len_field(icv_len), 0, 0]);
    ah.extend_from_slice(&sa.spec.spi.to_be_bytes());
    ah.extend_from_slice(&seq.to_be_bytes());
    ah.resize(FIXED + icv_len, 0);
    ah.extend_from_slice(payload);
    let mut out = outer_header(packet, h, wrap, PROTO_AH, ah.len());
    let header_len = out.len();
    out.extend_from_slice(&ah);
    let mut icv_input = out.clone();
    zero_mutable(&mut icv_input[..header_len]);
    let icv = integrity.icv(&[&icv_input]);
    out[header_len + FIXED..header_len + FIXED + icv_len].copy_from_slice(&icv);
    Ok(out)
}

/// SPI and sequence number of an AH packet.
pub fn spi_seq(packet: &[u8], h: &Header) -> Option<(u32, u32)> {
    Some((
        be32(packet, h.header_len + 4)?,
        be32(packet, h.header_len + 8)?,
    ))
}

/// Verifies and strips AH (RFC 4302 §3.4).
pub fn decapsulate(
    sa: &mut SecurityAssociation,
    packet: &[u8],
    h: &Header,
) -> Result<(Vec<u8>, bool), IpsecError> {
    let Some(integrity) = &sa.integrity else {
        return Err(IpsecError::Malformed);
    };
    let icv_len = integrity.alg().icv_len();
    let ah = &packet[h.header_len..h.total_len];
    let ah_len = ah
        .get(1)
        .map(|l| (usize::from(*l) + 2) * 4)
        .ok_or(IpsecError::Malformed)?;
    if ah_len != FIXED + icv_len || ah.len() < ah_len {
        return Err(IpsecError::Malformed);
    }
    let seq = be32(ah, 8).ok_or(IpsecError::Malformed)?;
    sa.replay.check(seq).map_err(|_| IpsecError::Replay)?;
    let mut icv_input = packet[..h.total_len].to_vec();
    zero_mutable(&mut icv_input[..h.header_len]);
    let icv_at = h.header_len + FIXED;
    icv_input[icv_at..icv_at + icv_len].fill(0);
    if !integrity.verify(&[&icv_input], &ah[FIXED..FIXED + icv_len]) {
        return Err(IpsecError::Integrity);
    }
    sa.replay.accept(seq);
    unwrap(packet, h, ah[0], &ah[ah_len..])
}
