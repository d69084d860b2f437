//! ESP (RFC 4303): encapsulation and decapsulation of one packet with one SA.

use rand_core::RngCore;

use super::packet::{IpsecError, PROTO_IPIP, Wrap, be32, write_outer_header};
use super::sad::SecurityAssociation;
use crate::wire::ipv4::{self, Header};

pub const PROTO_ESP: u8 = 50;
const HEADER: usize = 8;

/// Turns `packet` into its ESP packet (RFC 4303 §3.3) in its own buffer:
/// outer header, SPI, sequence number, IV, payload and trailer encrypted
/// in place, ICV. The payload moves once (a `copy_within`) to make room
/// for the headers in front; a buffer with spare capacity (the node's
/// device leaves some) grows without reallocating.
pub fn encapsulate(
    sa: &mut SecurityAssociation,
    packet: &mut Vec<u8>,
    h: &Header,
    wrap: &Wrap,
    rng: &mut impl RngCore,
) -> Result<(), IpsecError> {
    let Some(cipher) = &sa.cipher else {
        return Err(IpsecError::Malformed);
    };
    // RFC 4303 §3.3.3: the counter must not cycle; a new SA is needed.
    let seq = sa.seq.checked_add(1).ok_or(IpsecError::SeqOverflow)?;
    sa.seq = seq;
    let alg = cipher.alg();
    let (payload_at, next) = match wrap {
        Wrap::Transport => (h.header_len, h.protocol),
        Wrap::Tunnel { .. } => (0, PROTO_IPIP),
    };
    let payload_len = h.total_len - payload_at;
    // RFC 4303 §2.4: pad so that payload, padding, Pad Length and Next
    // Header end on the cipher's block boundary; pad bytes are 1, 2, 3, ...
    let block = alg.block_len();
    let pad_len = (block - (payload_len + 2) % block) % block;
    let icv_len = alg.aead_icv_len() + sa.integrity.as_ref().map_or(0, |i| i.alg().icv_len());
    let esp_len = HEADER + alg.iv_len() + payload_len + pad_len + 2 + icv_len;
    let esp_at = match wrap {
        Wrap::Transport => h.header_len,
        Wrap::Tunnel { .. } => 20,
    };
    // RFC 4301 §5.1.2.1: the tunnel header copies the inner TOS, read
    // before the payload moves over it.
    let tos = packet[1];
    let iv_at = esp_at + HEADER;
    let text_at = iv_at + alg.iv_len();
    let text_end = text_at + payload_len + pad_len + 2;
    packet.truncate(h.total_len);
    packet.reserve(esp_at + esp_len - packet.len());
    packet.resize(text_end, 0);
    packet.copy_within(payload_at..h.total_len, text_at);
    write_outer_header(packet, h, wrap, tos, PROTO_ESP, esp_len);
    packet[esp_at..esp_at + 4].copy_from_slice(&sa.spec.spi.to_be_bytes());
    packet[esp_at + 4..iv_at].copy_from_slice(&seq.to_be_bytes());
    rng.fill_bytes(&mut packet[iv_at..text_at]);
    let trailer_at = text_at + payload_len;
    for (i, b) in packet[trailer_at..trailer_at + pad_len]
        .iter_mut()
        .enumerate()
    {
        *b = (i + 1) as u8;
    }
    packet[text_end - 2] = pad_len as u8;
    packet[text_end - 1] = next;
    // RFC 4106 §5: the AAD is SPI || sequence number.
    let mut aad = [0u8; HEADER];
    aad.copy_from_slice(&packet[esp_at..iv_at]);
    let (head, text) = packet.split_at_mut(text_at);
    let tag = cipher
        .encrypt(&head[iv_at..], &aad, text)
        .map_err(|_| IpsecError::Malformed)?;
    packet.extend_from_slice(&tag);
    // RFC 4303 §3.3.4: the ICV covers SPI, sequence number, IV and ciphertext.
    if let Some(integrity) = &sa.integrity {
        let icv = integrity.icv(&[&packet[esp_at..]]);
        packet.extend_from_slice(&icv);
    }
    Ok(())
}

/// SPI and sequence number of an ESP packet.
pub fn spi_seq(packet: &[u8], h: &Header) -> Option<(u32, u32)> {
    Some((be32(packet, h.header_len)?, be32(packet, h.header_len + 4)?))
}

/// Verifies, decrypts and strips ESP (RFC 4303 §3.4) in the packet's own
/// buffer: the ciphertext is decrypted where it lies and the result moved
/// to the front, so no second buffer is allocated. Returns whether it was
/// a tunnel. On an error the packet is left in no particular state (the
/// caller drops it).
pub fn decapsulate(
    sa: &mut SecurityAssociation,
    packet: &mut Vec<u8>,
    h: &Header,
) -> Result<bool, IpsecError> {
    let esp_at = h.header_len;
    let esp = &packet[esp_at..h.total_len];
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
    let text_at = esp_at + HEADER + alg.iv_len();
    let icv_at = h.total_len - icv_len;
    let (head, rest) = packet.split_at_mut(text_at);
    let (text, tail) = rest.split_at_mut(icv_at - text_at);
    let aead_tag = &tail[..alg.aead_icv_len()];
    let aad = &head[esp_at..esp_at + HEADER];
    let iv = &head[esp_at + HEADER..];
    cipher
        .decrypt(iv, aad, text, aead_tag)
        .map_err(|e| match e {
            crate::crypto::CryptoError::IntegrityFailed => IpsecError::Integrity,
            _ => IpsecError::Malformed,
        })?;
    let payload_len = strip_padding(text)?.len();
    let next = text[text.len() - 1];
    // ... and the window moves only once the packet is authenticated.
    sa.replay.accept(seq);
    if next == PROTO_IPIP {
        // Tunnel mode: the decrypted payload is the inner packet.
        packet.copy_within(text_at..text_at + payload_len, 0);
        packet.truncate(payload_len);
        Header::parse(packet).map_err(|_| IpsecError::Malformed)?;
        return Ok(true);
    }
    // Transport mode: the outer header, its protocol now the payload's,
    // then the payload (what `packet::unwrap` builds, without a copy).
    packet.copy_within(text_at..text_at + payload_len, esp_at);
    packet.truncate(esp_at + payload_len);
    packet[9] = next;
    ipv4::set_total_len(packet, esp_at + payload_len);
    ipv4::fill_checksum(packet, esp_at);
    Ok(false)
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
