//! ESP (RFC 4303): encapsulation and decapsulation of one datagram with
//! one SA. The layout (header, IV, ciphertext, trailer, ICV) is
//! [`crate::wire::esp`]'s; this file adds the SA's keys and counters.

use rand_core::RngCore;

use super::packet::{IpsecError, Wrap, outer_header, protected, unwrap};
use super::sad::SecurityAssociation;
use crate::kernel::Datagram;
use crate::wire::esp::{self, Trailer};
use crate::wire::ip::protocol;
use crate::wire::ipv4;

/// Lengths of the IV and the ICV (a combined mode's tag and an
/// integrity transform's ICV together) of an SA's packets.
fn iv_icv_len(sa: &SecurityAssociation) -> Option<(usize, usize)> {
    let alg = sa.cipher.as_ref()?.alg();
    let integrity = sa.integrity.as_ref().map_or(0, |i| i.alg().icv_len());
    Some((alg.iv_len(), alg.aead_icv_len() + integrity))
}

/// Turns the datagram into its ESP packet (RFC 4303 §3.3), in one
/// buffer: outer header, SPI, sequence number, IV, payload and trailer
/// encrypted in place, ICV.
pub fn encapsulate(
    sa: &mut SecurityAssociation,
    datagram: &mut Datagram,
    wrap: &Wrap,
    rng: &mut impl RngCore,
) -> Result<(), IpsecError> {
    let Some((iv_len, icv_len)) = iv_icv_len(sa) else {
        return Err(IpsecError::Malformed);
    };
    // RFC 4303 §3.3.3: the counter must not cycle; a new SA is needed.
    let seq_number = sa.seq.checked_add(1).ok_or(IpsecError::SeqOverflow)?;
    sa.seq = seq_number;
    let header = esp::Repr {
        spi: sa.spec.spi,
        seq_number,
    };
    datagram.rebuild(|h, bytes| {
        let (payload, next) = protected(bytes, h, wrap);
        let block = sa.cipher.as_ref().map_or(1, |c| c.alg().block_len());
        let trailer = Trailer::for_payload(payload.len(), block, next);
        let text_len = payload.len() + trailer.buffer_len();
        let esp_len = esp::HEADER_LEN + iv_len + text_len + icv_len;
        let outer = outer_header(h, wrap, protocol::ESP, esp_len);
        let mut out = outer.to_header()?;
        let esp_at = out.len();
        out.extend_from_slice(&header.to_bytes());
        out.resize(esp_at + esp::HEADER_LEN + iv_len, 0);
        rng.fill_bytes(&mut out[esp_at + esp::HEADER_LEN..]);
        out.extend_from_slice(payload);
        let trailer_at = out.len();
        out.resize(trailer_at + trailer.buffer_len(), 0);
        trailer.emit(&mut out[trailer_at..])?;
        seal(sa, &mut out, esp_at, iv_len)?;
        *bytes = out;
        Ok(outer)
    })
}

/// Encrypts the plaintext after the IV in place and appends the ICV:
/// the combined mode's tag (RFC 4106 §5: the AAD is SPI and sequence
/// number), or the integrity transform's over SPI, sequence number, IV
/// and ciphertext (RFC 4303 §3.3.4).
fn seal(
    sa: &SecurityAssociation,
    out: &mut Vec<u8>,
    esp_at: usize,
    iv_len: usize,
) -> Result<(), IpsecError> {
    let Some(cipher) = &sa.cipher else {
        return Err(IpsecError::Malformed);
    };
    let iv_at = esp_at + esp::HEADER_LEN;
    let (head, text) = out.split_at_mut(iv_at + iv_len);
    let (aad, iv) = head.split_at(iv_at);
    let tag = cipher
        .encrypt(iv, &aad[esp_at..], text)
        .map_err(|_| IpsecError::Malformed)?;
    out.extend_from_slice(&tag);
    if let Some(integrity) = &sa.integrity {
        let icv = integrity.icv(&[&out[esp_at..]]);
        out.extend_from_slice(&icv);
    }
    Ok(())
}

/// Verifies, decrypts and strips ESP (RFC 4303 §3.4). Returns whether it
/// was a tunnel; the datagram is then what the ESP packet carried.
pub fn decapsulate(
    sa: &mut SecurityAssociation,
    datagram: &mut Datagram,
) -> Result<bool, IpsecError> {
    let mut tunnel = false;
    datagram.rebuild(|h, bytes| {
        let esp_bytes = ipv4::Packet::new_unchecked(&bytes[..]).into_payload();
        let (header, bytes_out, is_tunnel) = open(sa, h, esp_bytes)?;
        tunnel = is_tunnel;
        *bytes = bytes_out;
        Ok::<_, IpsecError>(header)
    })?;
    Ok(tunnel)
}

/// Checks replay and ICV, decrypts and checks the trailer of one ESP
/// packet (`esp_bytes`, the payload of the datagram with header `h`).
fn open(
    sa: &mut SecurityAssociation,
    h: &ipv4::Repr,
    esp_bytes: &[u8],
) -> Result<(ipv4::Repr, Vec<u8>, bool), IpsecError> {
    let Some((iv_len, icv_len)) = iv_icv_len(sa) else {
        return Err(IpsecError::Malformed);
    };
    let packet = esp::Packet::new_unchecked(esp_bytes);
    let parts = packet
        .parts(iv_len, icv_len)
        .map_err(|_| IpsecError::Malformed)?;
    let seq = packet.seq_number();
    // RFC 4303 §3.4.3: the replay check comes before the ICV check ...
    sa.replay.check(seq).map_err(|_| IpsecError::Replay)?;
    if let Some(integrity) = &sa.integrity {
        if !integrity.verify(&[parts.authenticated], parts.icv) {
            return Err(IpsecError::Integrity);
        }
    }
    let Some(cipher) = &sa.cipher else {
        return Err(IpsecError::Malformed);
    };
    let mut plaintext = parts.ciphertext.to_vec();
    let aead_tag = parts.icv.get(..cipher.alg().aead_icv_len()).unwrap_or(&[]);
    cipher
        .decrypt(parts.iv, parts.header, &mut plaintext, aead_tag)
        .map_err(|e| match e {
            crate::crypto::CryptoError::IntegrityFailed => IpsecError::Integrity,
            _ => IpsecError::Malformed,
        })?;
    let (trailer, payload) = Trailer::parse(&plaintext).map_err(|_| IpsecError::BadPadding)?;
    // ... and the window moves only once the packet is authenticated.
    sa.replay.accept(seq);
    unwrap(h, trailer.next_header, payload)
}
