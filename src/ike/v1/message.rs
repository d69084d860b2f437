//! Building and opening ISAKMP messages: plaintext and encrypted bodies
//! (RFC 2408 §3.1, RFC 2409 Appendix B) and the HASH payload that leads
//! phase 2 and Informational messages (RFC 2409 §5.5, §5.7).

use crate::crypto::ikev1::MessageCipher;
use crate::wire::isakmp::{
    Body, Error, ExchangeType, Flags, PayloadRepr, PayloadType, Repr, emit_payloads,
    parse_payloads, payloads,
};

/// The header fields of one message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Header {
    pub cky_i: [u8; 8],
    pub cky_r: [u8; 8],
    pub exchange: ExchangeType,
    pub message_id: u32,
}

impl Header {
    pub fn of(repr: &Repr) -> Header {
        Header {
            cky_i: repr.initiator_cookie,
            cky_r: repr.responder_cookie,
            exchange: repr.exchange_type,
            message_id: repr.message_id,
        }
    }

    fn repr(self, body: Body) -> Repr {
        Repr {
            initiator_cookie: self.cky_i,
            responder_cookie: self.cky_r,
            exchange_type: self.exchange,
            flags: Flags(0),
            message_id: self.message_id,
            body,
        }
    }
}

/// A plaintext message.
pub fn plain(header: Header, payloads: Vec<PayloadRepr>) -> Result<Vec<u8>, Error> {
    header.repr(Body::Payloads(payloads)).to_bytes()
}

/// An encrypted message and the IV for the next one (the last ciphertext
/// block, RFC 2409 Appendix B).
pub fn sealed(
    header: Header,
    payloads: &[PayloadRepr],
    cipher: &MessageCipher,
    iv: &[u8],
) -> Result<(Vec<u8>, Vec<u8>), Error> {
    let mut clear = Vec::new();
    emit_payloads(payloads, &mut clear)?;
    let encrypted = cipher
        .encrypt(iv, &clear)
        .map_err(|_| Error::Unrepresentable("IV of the wrong length"))?;
    let next_payload = payloads
        .first()
        .map_or(PayloadType::None, PayloadRepr::payload_type);
    let body = Body::Encrypted {
        next_payload,
        ciphertext: encrypted.ciphertext,
    };
    Ok((header.repr(body).to_bytes()?, encrypted.next_iv))
}

/// A decrypted body: the payload chain (with the sender's padding after
/// it), its first payload type, and the IV for the next message.
#[derive(Debug)]
pub struct Opened {
    pub first: PayloadType,
    pub plaintext: Vec<u8>,
    pub next_iv: Vec<u8>,
}

impl Opened {
    pub fn payloads(&self) -> Result<Vec<PayloadRepr>, Error> {
        parse_payloads(self.first, &self.plaintext)
    }
}

/// Decrypts an encrypted message; None if it is not encrypted or not a
/// whole number of blocks.
pub fn open(repr: &Repr, cipher: &MessageCipher, iv: &[u8]) -> Option<Opened> {
    let Body::Encrypted {
        next_payload,
        ciphertext,
    } = &repr.body
    else {
        return None;
    };
    let decrypted = cipher.decrypt(iv, ciphertext).ok()?;
    Some(Opened {
        first: *next_payload,
        plaintext: decrypted.plaintext,
        next_iv: decrypted.next_iv,
    })
}

/// `rest` led by a HASH payload computed over `rest` as sent (every
/// payload after the HASH with its generic header, RFC 2409 §5.5).
pub fn hashed(
    rest: Vec<PayloadRepr>,
    hash: impl FnOnce(&[u8]) -> Vec<u8>,
) -> Result<Vec<PayloadRepr>, Error> {
    let mut bytes = Vec::new();
    emit_payloads(&rest, &mut bytes)?;
    let mut all = Vec::with_capacity(rest.len() + 1);
    all.push(PayloadRepr::Hash(hash(&bytes)));
    all.extend(rest);
    Ok(all)
}

/// A received message led by a HASH payload: the hash, the bytes it covers
/// (the payloads after it, padding excluded) and those payloads parsed.
#[derive(Debug)]
pub struct HashedBody {
    pub hash: Vec<u8>,
    pub covered: Vec<u8>,
    pub rest: Vec<PayloadRepr>,
}

/// Splits a HASH-led payload chain; an error if the chain is malformed or
/// does not start with HASH.
pub fn split_hash(first: PayloadType, plaintext: &[u8]) -> Result<HashedBody, Error> {
    let mut chain = payloads(first, plaintext);
    let lead = chain
        .next()
        .ok_or(Error::Unrepresentable("empty message"))??;
    if lead.payload_type != PayloadType::Hash {
        return Err(Error::Unrepresentable("message does not start with HASH"));
    }
    let start = lead.bytes.len();
    let mut end = start;
    for raw in chain {
        end += raw?.bytes.len();
    }
    let covered = plaintext.get(start..end).unwrap_or(&[]).to_vec();
    let rest = parse_payloads(lead.next_payload, &covered)?;
    Ok(HashedBody {
        hash: lead.body().to_vec(),
        covered,
        rest,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::ikev1::IkeCipher;

    #[test]
    fn sealed_hashed_message_opens_to_the_same_payloads() {
        let cipher = MessageCipher::new(IkeCipher::AesCbc128, &[3; 16]).unwrap();
        let header = Header {
            cky_i: [1; 8],
            cky_r: [2; 8],
            exchange: ExchangeType::QuickMode,
            message_id: 7,
        };
        let rest = vec![
            PayloadRepr::Nonce(vec![9; 16]),
            PayloadRepr::VendorId(vec![5; 3]),
        ];
        let mut seen = Vec::new();
        let all = hashed(rest.clone(), |b| {
            seen = b.to_vec();
            vec![0xaa; 20]
        })
        .unwrap();
        let (bytes, next_iv) = sealed(header, &all, &cipher, &[0; 16]).unwrap();
        let repr = Repr::parse_bytes(&bytes).unwrap();
        let opened = open(&repr, &cipher, &[0; 16]).unwrap();
        assert_eq!(opened.next_iv, next_iv);
        let body = split_hash(opened.first, &opened.plaintext).unwrap();
        assert_eq!(body.hash, vec![0xaa; 20]);
        assert_eq!(body.covered, seen);
        assert_eq!(body.rest, rest);
    }
}
