//! ESP (RFC 4303): encapsulation and decapsulation of one datagram with
//! one SA, in the datagram's own buffer. The layout (header, IV,
//! ciphertext, trailer, ICV) is [`crate::wire::esp`]'s; this file adds the
//! SA's keys and counters.

use rand_core::RngCore;

use super::packet::{IpsecError, Wrap, outer_header};
use super::sad::SecurityAssociation;
use super::spec::Mode;
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

/// Where the parts of an ESP packet start in a datagram whose ESP
/// header starts at `esp_at`: the IV, then the ciphertext.
fn layout(esp_at: usize, iv_len: usize) -> (usize, usize) {
    let iv_at = esp_at + esp::HEADER_LEN;
    (iv_at, iv_at + iv_len)
}

/// Turns the datagram into its ESP packet (RFC 4303 §3.3) in its own
/// buffer: outer header, SPI, sequence number, IV, payload and trailer
/// encrypted in place, ICV. The payload moves once (a `copy_within`) to
/// make room for the headers in front; a buffer with spare capacity (the
/// node's device leaves some) grows without reallocating.
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
    let block = sa.cipher.as_ref().map_or(1, |c| c.alg().block_len());
    datagram.rebuild(|h, bytes| {
        let (payload_at, next) = match wrap {
            Wrap::Transport => (h.header_len(), h.protocol),
            Wrap::Tunnel { .. } => (0, protocol::IPIP),
        };
        let payload = payload_at..h.total_len();
        let trailer = Trailer::for_payload(payload.len(), block, next);
        let text_len = payload.len() + trailer.buffer_len();
        let esp_len = esp::HEADER_LEN + iv_len + text_len + icv_len;
        let outer = outer_header(h, wrap, protocol::ESP, esp_len);
        let esp_at = outer.header_len();
        let (iv_at, text_at) = layout(esp_at, iv_len);
        let trailer_at = text_at + payload.len();
        bytes.truncate(h.total_len());
        bytes.reserve((esp_at + esp_len).saturating_sub(bytes.len()));
        bytes.resize(trailer_at + trailer.buffer_len(), 0);
        bytes.copy_within(payload, text_at);
        outer.emit(&mut ipv4::Packet::new_unchecked(&mut bytes[..]))?;
        header.emit(&mut bytes[esp_at..iv_at])?;
        rng.fill_bytes(&mut bytes[iv_at..text_at]);
        trailer.emit(&mut bytes[trailer_at..])?;
        seal(sa, bytes, esp_at, iv_len)?;
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
    let (iv_at, text_at) = layout(esp_at, iv_len);
    let (head, text) = out.split_at_mut(text_at);
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

/// Verifies, decrypts and strips ESP (RFC 4303 §3.4) in the datagram's
/// own buffer: the ciphertext is decrypted where it lies and the result
/// moved to the front. Returns whether it was a tunnel; the datagram is
/// then what the ESP packet carried. On an error the datagram is left in
/// no particular state (the caller drops it).
pub fn decapsulate(
    sa: &mut SecurityAssociation,
    datagram: &mut Datagram,
) -> Result<bool, IpsecError> {
    let mut tunnel = false;
    datagram.rebuild(|h, bytes| {
        let (next, payload) = open(sa, h, bytes)?;
        // Tunnel mode: the decrypted payload is the inner datagram,
        // checked as a link's would be (an SA in transport mode hands IP
        // in IP on, see `packet::unwrap`).
        if next == protocol::IPIP && sa.spec.mode != Mode::Transport {
            tunnel = true;
            bytes.copy_within(payload.clone(), 0);
            bytes.truncate(payload.len());
            return Ok(ipv4::Repr::parse_bytes(bytes)?);
        }
        // Transport mode: the outer header, its protocol now the payload's.
        let inner = ipv4::Repr {
            protocol: next,
            payload_len: payload.len(),
            ..*h
        };
        bytes.copy_within(payload, h.header_len());
        bytes.truncate(inner.total_len());
        inner.emit(&mut ipv4::Packet::new_unchecked(&mut bytes[..]))?;
        Ok::<_, IpsecError>(inner)
    })?;
    Ok(tunnel)
}

/// Checks replay and ICV of the ESP packet in the datagram (header `h`),
/// decrypts it in place and checks the trailer: returns Next Header and
/// where the payload lies in the datagram's bytes.
fn open(
    sa: &mut SecurityAssociation,
    h: &ipv4::Repr,
    bytes: &mut [u8],
) -> Result<(u8, core::ops::Range<usize>), IpsecError> {
    let Some((iv_len, icv_len)) = iv_icv_len(sa) else {
        return Err(IpsecError::Malformed);
    };
    let packet = esp::Packet::new_unchecked(ipv4::Packet::new_unchecked(&bytes[..]).into_payload());
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
    let (next, payload_len) = decrypt(sa, h, bytes, iv_len, icv_len)?;
    // ... and the window moves only once the packet is authenticated.
    sa.replay.accept(seq);
    let (_, text_at) = layout(h.header_len(), iv_len);
    Ok((next, text_at..text_at + payload_len))
}

/// Decrypts the ciphertext where it lies and reads the trailer.
fn decrypt(
    sa: &SecurityAssociation,
    h: &ipv4::Repr,
    bytes: &mut [u8],
    iv_len: usize,
    icv_len: usize,
) -> Result<(u8, usize), IpsecError> {
    let Some(cipher) = &sa.cipher else {
        return Err(IpsecError::Malformed);
    };
    let esp_at = h.header_len();
    let (iv_at, text_at) = layout(esp_at, iv_len);
    let icv_at = h.total_len() - icv_len;
    let (head, rest) = bytes.split_at_mut(text_at);
    let (text, tail) = rest.split_at_mut(icv_at - text_at);
    let aead_tag = tail.get(..cipher.alg().aead_icv_len()).unwrap_or(&[]);
    let (aad, iv) = head.split_at(iv_at);
    cipher
        .decrypt(iv, &aad[esp_at..], text, aead_tag)
        .map_err(|e| match e {
            crate::crypto::CryptoError::IntegrityFailed => IpsecError::Integrity,
            _ => IpsecError::Malformed,
        })?;
    let (trailer, payload) = Trailer::parse(text).map_err(|_| IpsecError::BadPadding)?;
    Ok((trailer.next_header, payload.len()))
}
