//! ESP (RFC 4303): encapsulation and decapsulation of one packet with one SA.

use rand_core::RngCore;

use super::packet::{IpsecError, PROTO_IPIP, Wrap, be32, outer_header, protected, unwrap};
use super::sad::SecurityAssociation;
use crate::wire::ipv4::Header;

pub const PROTO_ESP: u8 = 50;
const HEADER: usize = 8;

/// Builds the ESP packet for `packet` (RFC 4303 §3.3), in one buffer:
/// outer header, SPI, sequence number, IV, payload and trailer encrypted
/// in place, ICV.
pub fn encapsulate(
    sa: &mut SecurityAssociation,
    packet: &[u8],
    h: &Header,
    wrap: &Wrap,
    rng: &mut impl RngCore,
) -> Result<Vec<u8>, IpsecError> {
    let Some(cipher) = &sa.cipher else {
        return Err(IpsecError::Malformed);
    };
    // RFC 4303 §3.3.3: the counter must not cycle; a new SA is needed.
    let seq = sa.seq.checked_add(1).ok_or(IpsecError::SeqOverflow)?;
    sa.seq = seq;
    let alg = cipher.alg();
    let (payload, next) = protected(packet, h, wrap);
    // RFC 4303 §2.4: pad so that payload, padding, Pad Length and Next
    // Header end on the cipher's block boundary; pad bytes are 1, 2, 3, ...
    let block = alg.block_len();
    let pad_len = (block - (payload.len() + 2) % block) % block;
    let icv_len = alg.aead_icv_len() + sa.integrity.as_ref().map_or(0, |i| i.alg().icv_len());
    let esp_len = HEADER + alg.iv_len() + payload.len() + pad_len + 2 + icv_len;
    let mut out = outer_header(packet, h, wrap, PROTO_ESP, esp_len);
    out.reserve(esp_len);
    let esp_at = out.len();
    out.extend_from_slice(&sa.spec.spi.to_be_bytes());
    out.extend_from_slice(&seq.to_be_bytes());
    let iv_at = out.len();
    out.resize(iv_at + alg.iv_len(), 0);
    rng.fill_bytes(&mut out[iv_at..]);
    let text_at = out.len();
    out.extend_from_slice(payload);
    out.extend((1..=pad_len).map(|i| i as u8));
    out.extend_from_slice(&[pad_len as u8, next]);
    // RFC 4106 §5: the AAD is SPI || sequence number.
    let mut aad = [0u8; HEADER];
    aad.copy_from_slice(&out[esp_at..iv_at]);
    let (head, text) = out.split_at_mut(text_at);
    let tag = cipher
        .encrypt(&head[iv_at..], &aad, text)
        .map_err(|_| IpsecError::Malformed)?;
    out.extend_from_slice(&tag);
    // RFC 4303 §3.3.4: the ICV covers SPI, sequence number, IV and ciphertext.
    if let Some(integrity) = &sa.integrity {
        let icv = integrity.icv(&[&out[esp_at..]]);
        out.extend_from_slice(&icv);
    }
    Ok(out)
}

/// SPI and sequence number of an ESP packet.
pub fn spi_seq(packet: &[u8], h: &Header) -> Option<(u32, u32)> {
    Some((be32(packet, h.header_len)?, be32(packet, h.header_len + 4)?))
}

/// Verifies, decrypts and strips ESP (RFC 4303 §3.4). Returns the
/// resulting packet and whether it was a tunnel.
pub fn decapsulate(
    sa: &mut SecurityAssociation,
    packet: &[u8],
    h: &Header,
) -> Result<(Vec<u8>, bool), IpsecError> {
    let esp = &packet[h.header_len..h.total_len];
    let Some(cipher) = &sa.cipher else {
        return Err(IpsecError::Malformed);
    };
    let alg = cipher.alg();
    let icv_len = alg.aead_icv_len() + sa.integrity.as_ref().map_or(0, |i| i.alg().icv_len());
    if esp.len() < HEADER + alg.iv_len() + 2 + icv_len {
        return Err(IpsecError::Malformed);
    }
    let seq = be32(esp, 4).ok_or(IpsecError::Malformed)?;
    // RFC 4303 §3.4.3: the replay check comes before the ICV check ...
    sa.replay.check(seq).map_err(|_| IpsecError::Replay)?;
    let (body, icv) = esp.split_at(esp.len() - icv_len);
    if let Some(integrity) = &sa.integrity {
        if !integrity.verify(&[body], icv) {
            return Err(IpsecError::Integrity);
        }
    }
    let (iv, ciphertext) = body[HEADER..].split_at(alg.iv_len());
    let mut plaintext = ciphertext.to_vec();
    let aead_tag = &icv[..alg.aead_icv_len()];
    let aad = &body[..HEADER];
    cipher
        .decrypt(iv, aad, &mut plaintext, aead_tag)
        .map_err(|e| match e {
            crate::crypto::CryptoError::IntegrityFailed => IpsecError::Integrity,
            _ => IpsecError::Malformed,
        })?;
    let payload_len = strip_padding(&plaintext)?.len();
    let next = plaintext[plaintext.len() - 1];
    // ... and the window moves only once the packet is authenticated.
    sa.replay.accept(seq);
    if next == PROTO_IPIP {
        // Tunnel mode: the decrypted payload is the inner packet; keep it.
        plaintext.truncate(payload_len);
        Header::parse(&plaintext).map_err(|_| IpsecError::Malformed)?;
        return Ok((plaintext, true));
    }
    unwrap(packet, h, next, &plaintext[..payload_len])
}

/// Checks the padding (RFC 4303 §2.4: the receiver may) and returns the payload.
fn strip_padding(plaintext: &[u8]) -> Result<&[u8], IpsecError> {
    let n = plaintext.len();
    if n < 2 {
        return Err(IpsecError::BadPadding);
    }
    let pad_len = usize::from(plaintext[n - 2]);
    if pad_len + 2 > n {
        return Err(IpsecError::BadPadding);
    }
    let payload_len = n - 2 - pad_len;
    let pad = &plaintext[payload_len..n - 2];
    if pad
        .iter()
        .enumerate()
        .any(|(i, b)| usize::from(*b) != i + 1)
    {
        return Err(IpsecError::BadPadding);
    }
    Ok(&plaintext[..payload_len])
}
