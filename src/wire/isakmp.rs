//! ISAKMP / IKEv1 messages (RFC 2408 section 3, RFC 2409, IPsec DOI RFC
//! 2407; NAT-T payloads RFC 3947, DPD notifies RFC 3706).
//!
//! - [`Packet`] is a zero-copy view of one message: [`Packet::new_checked`]
//!   validates the header and the length field once; then no accessor can
//!   panic. [`Packet::body`] is the bytes after the 28-byte header.
//! - [`Repr`] is an owned message. When the Encryption flag is set
//!   (RFC 2408 section 3.1) the body is ciphertext: [`Repr::parse`] keeps it
//!   in [`Body::Encrypted`] for the daemon to decrypt, and the daemon then
//!   calls [`parse_payloads`] on the plaintext with the header's next
//!   payload type. [`emit_payloads`] builds such a plaintext.
//! - [`payloads`] walks a payload chain without copying (the daemon hashes
//!   raw payload bytes, e.g. `SAi_b` for HASH_I, RFC 2409 section 5).
//!
//! Unknown code points become `Unknown(n)`; only structural faults are
//! errors ([`Error`]). Nothing here panics on any input: every read is a
//! checked slice access, and chains are bounded by [`MAX_PAYLOADS`] and
//! [`MAX_PROPOSALS`].

mod cfg;
mod codes;
mod payload;
mod sa;

use core::fmt;

pub use cfg::CfgRepr;
pub use codes::*;
pub use payload::*;
pub use sa::*;

/// Byte ranges of the ISAKMP header (RFC 2408 section 3.1) and of the
/// generic payload header (RFC 2408 section 3.2).
mod field {
    pub type Field = core::ops::Range<usize>;

    pub const INITIATOR_COOKIE: Field = 0..8;
    pub const RESPONDER_COOKIE: Field = 8..16;
    pub const NEXT_PAYLOAD: usize = 16;
    pub const VERSION: usize = 17;
    pub const EXCHANGE_TYPE: usize = 18;
    pub const FLAGS: usize = 19;
    pub const MESSAGE_ID: Field = 20..24;
    pub const LENGTH: Field = 24..28;
    pub const HEADER_END: usize = 28;

    /// Generic payload header, relative to the payload's first byte.
    pub const GEN_NEXT_PAYLOAD: usize = 0;
    pub const GEN_LENGTH: Field = 2..4;
    pub const GEN_HEADER_END: usize = 4;
}

/// Length of the ISAKMP header (RFC 2408 section 3.1).
pub const HEADER_LEN: usize = field::HEADER_END;
/// Length of the generic payload header (RFC 2408 section 3.2).
pub const GENERIC_HEADER_LEN: usize = field::GEN_HEADER_END;
/// The only version this module speaks: major 1, minor 0 (RFC 2408
/// section 3.1: ISAKMP 1.0 carries IKEv1).
pub const VERSION_1_0: u8 = 0x10;
/// Most payloads accepted in one chain; real IKEv1 messages carry fewer
/// than 15 (main mode message 1 with many vendor IDs).
pub const MAX_PAYLOADS: usize = 64;
/// Most proposals accepted in one SA payload.
pub const MAX_PROPOSALS: usize = 64;

/// What was wrong with a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Error {
    /// Fewer bytes than the fixed ISAKMP header.
    Truncated,
    /// The header's length field is below the header size or beyond the
    /// bytes received (RFC 2408 section 3.1).
    BadMessageLength { length: u32, available: usize },
    /// Not ISAKMP 1.0 (RFC 2408 section 5.1: INVALID-MAJOR-VERSION /
    /// INVALID-MINOR-VERSION).
    BadVersion { major: u8, minor: u8 },
    /// A payload length below its own header (generic header or the
    /// payload type's fixed fields).
    PayloadTooShort {
        payload: PayloadType,
        length: u16,
        minimum: usize,
    },
    /// A payload runs past the end of the message or enclosing payload.
    ChainBeyondMessage {
        payload: PayloadType,
        length: u16,
        remaining: usize,
    },
    /// More than [`MAX_PAYLOADS`] payloads or [`MAX_PROPOSALS`] proposals.
    TooManyPayloads { limit: usize },
    /// Inside an SA or proposal, a next-payload value other than the
    /// expected Proposal/Transform or NONE (RFC 2408 sections 3.5, 3.6).
    UnexpectedPayload {
        inside: PayloadType,
        found: PayloadType,
    },
    /// A proposal declared a number of transforms it does not contain
    /// (RFC 2408 section 3.5).
    TransformCountMismatch { declared: u8, found: usize },
    /// A field (SPI, attribute value, ID data) runs past its payload.
    FieldBeyondPayload {
        payload: PayloadType,
        field: &'static str,
    },
    /// Bytes left over inside a payload after its last structure.
    TrailingBytes { payload: PayloadType, extra: usize },
    /// An IPsec DOI situation with secrecy or integrity labels (RFC 2407
    /// section 4.6.1), which this module does not carry.
    UnsupportedSituation(u32),
    /// Emitting: a value does not fit its field (payload over 65535 bytes,
    /// SPI over 255 bytes, attribute type over 0x7fff, ...).
    Unrepresentable(&'static str),
    /// Emitting: the output buffer is shorter than `buffer_len()`.
    BufferTooSmall { needed: usize, available: usize },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Error::Truncated => write!(f, "message shorter than the ISAKMP header"),
            Error::BadMessageLength { length, available } => {
                write!(
                    f,
                    "bad message length {length} ({available} bytes received)"
                )
            }
            Error::BadVersion { major, minor } => {
                write!(f, "unsupported ISAKMP version {major}.{minor}")
            }
            Error::PayloadTooShort {
                payload,
                length,
                minimum,
            } => write!(
                f,
                "{payload} payload length {length} below its header ({minimum})"
            ),
            Error::ChainBeyondMessage {
                payload,
                length,
                remaining,
            } => write!(
                f,
                "{payload} payload length {length} runs beyond the message ({remaining} bytes left)"
            ),
            Error::TooManyPayloads { limit } => write!(f, "more than {limit} payloads"),
            Error::UnexpectedPayload { inside, found } => {
                write!(f, "unexpected {found} payload inside {inside}")
            }
            Error::TransformCountMismatch { declared, found } => {
                write!(f, "proposal declares {declared} transforms but has {found}")
            }
            Error::FieldBeyondPayload { payload, field } => {
                write!(f, "{field} runs beyond its {payload} payload")
            }
            Error::TrailingBytes { payload, extra } => {
                write!(f, "{extra} stray bytes inside {payload} payload")
            }
            Error::UnsupportedSituation(s) => write!(f, "unsupported situation {s:#x}"),
            Error::Unrepresentable(what) => write!(f, "{what} does not fit its field"),
            Error::BufferTooSmall { needed, available } => {
                write!(f, "buffer of {available} bytes, {needed} needed")
            }
        }
    }
}

impl std::error::Error for Error {}

/// Header flags (RFC 2408 section 3.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Flags(pub u8);

impl Flags {
    /// Payloads after the header are encrypted.
    pub const ENCRYPTION: u8 = 0x01;
    /// Commit bit: key exchange synchronisation.
    pub const COMMIT: u8 = 0x02;
    /// Authentication Only bit.
    pub const AUTH_ONLY: u8 = 0x04;

    #[must_use]
    pub fn encryption(self) -> bool {
        self.0 & Self::ENCRYPTION != 0
    }

    #[must_use]
    pub fn commit(self) -> bool {
        self.0 & Self::COMMIT != 0
    }

    #[must_use]
    pub fn auth_only(self) -> bool {
        self.0 & Self::AUTH_ONLY != 0
    }

    /// These flags with the Encryption bit set or cleared.
    #[must_use]
    pub fn with_encryption(self, on: bool) -> Flags {
        if on {
            Flags(self.0 | Self::ENCRYPTION)
        } else {
            Flags(self.0 & !Self::ENCRYPTION)
        }
    }
}

/// A read-only or read-write view of one ISAKMP message.
#[derive(Debug, Clone)]
pub struct Packet<T: AsRef<[u8]>> {
    buffer: T,
}

impl<T: AsRef<[u8]>> Packet<T> {
    /// Wraps a buffer without checking it. Accessors stay panic-free on a
    /// short buffer (they read zeros), but only after
    /// [`Packet::check_len`] succeeded do they mean anything.
    pub fn new_unchecked(buffer: T) -> Packet<T> {
        Packet { buffer }
    }

    /// Wraps a buffer and validates the header and its length field.
    pub fn new_checked(buffer: T) -> Result<Packet<T>, Error> {
        let packet = Self::new_unchecked(buffer);
        packet.check_len()?;
        Ok(packet)
    }

    /// The buffer holds the 28-byte header and the length field is at
    /// least that and at most the buffer (RFC 2408 section 3.1: "Length of
    /// total message (header + payloads)"). Bytes after it are ignored.
    pub fn check_len(&self) -> Result<(), Error> {
        let data = self.buffer.as_ref();
        let raw = data.get(field::LENGTH).ok_or(Error::Truncated)?;
        let length = be_u32(raw);
        let fits = usize::try_from(length).is_ok_and(|l| (HEADER_LEN..=data.len()).contains(&l));
        if fits {
            Ok(())
        } else {
            Err(Error::BadMessageLength {
                length,
                available: data.len(),
            })
        }
    }

    pub fn into_inner(self) -> T {
        self.buffer
    }

    fn byte(&self, at: usize) -> u8 {
        self.buffer.as_ref().get(at).copied().unwrap_or(0)
    }

    fn cookie(&self, range: field::Field) -> [u8; 8] {
        let mut cookie = [0; 8];
        if let Some(bytes) = self.buffer.as_ref().get(range) {
            cookie.copy_from_slice(bytes);
        }
        cookie
    }

    pub fn initiator_cookie(&self) -> [u8; 8] {
        self.cookie(field::INITIATOR_COOKIE)
    }

    pub fn responder_cookie(&self) -> [u8; 8] {
        self.cookie(field::RESPONDER_COOKIE)
    }

    /// Type of the first payload after the header.
    pub fn next_payload(&self) -> PayloadType {
        PayloadType::from(self.byte(field::NEXT_PAYLOAD))
    }

    /// The raw version byte: major in the high nibble, minor in the low.
    pub fn version(&self) -> u8 {
        self.byte(field::VERSION)
    }

    pub fn exchange_type(&self) -> ExchangeType {
        ExchangeType::from(self.byte(field::EXCHANGE_TYPE))
    }

    pub fn flags(&self) -> Flags {
        Flags(self.byte(field::FLAGS))
    }

    pub fn message_id(&self) -> u32 {
        self.buffer
            .as_ref()
            .get(field::MESSAGE_ID)
            .map_or(0, be_u32)
    }

    pub fn length(&self) -> u32 {
        self.buffer.as_ref().get(field::LENGTH).map_or(0, be_u32)
    }

    /// The bytes after the header up to the length field: payloads, or
    /// ciphertext when the Encryption flag is set. Empty if unchecked and
    /// inconsistent.
    pub fn body(&self) -> &[u8] {
        let end = usize::try_from(self.length()).unwrap_or(usize::MAX);
        self.buffer.as_ref().get(HEADER_LEN..end).unwrap_or(&[])
    }
}

impl<T: AsRef<[u8]> + AsMut<[u8]>> Packet<T> {
    fn set_byte(&mut self, at: usize, value: u8) {
        if let Some(b) = self.buffer.as_mut().get_mut(at) {
            *b = value;
        }
    }

    fn set_bytes(&mut self, range: field::Field, value: &[u8]) {
        let slot = self.buffer.as_mut().get_mut(range);
        if let Some(b) = slot.filter(|b| b.len() == value.len()) {
            b.copy_from_slice(value);
        }
    }

    pub fn set_initiator_cookie(&mut self, cookie: [u8; 8]) {
        self.set_bytes(field::INITIATOR_COOKIE, &cookie);
    }

    pub fn set_responder_cookie(&mut self, cookie: [u8; 8]) {
        self.set_bytes(field::RESPONDER_COOKIE, &cookie);
    }

    pub fn set_next_payload(&mut self, value: PayloadType) {
        self.set_byte(field::NEXT_PAYLOAD, value.into());
    }

    pub fn set_version(&mut self, value: u8) {
        self.set_byte(field::VERSION, value);
    }

    pub fn set_exchange_type(&mut self, value: ExchangeType) {
        self.set_byte(field::EXCHANGE_TYPE, value.into());
    }

    pub fn set_flags(&mut self, value: Flags) {
        self.set_byte(field::FLAGS, value.0);
    }

    pub fn set_message_id(&mut self, value: u32) {
        self.set_bytes(field::MESSAGE_ID, &value.to_be_bytes());
    }

    pub fn set_length(&mut self, value: u32) {
        self.set_bytes(field::LENGTH, &value.to_be_bytes());
    }

    /// The body, writable (see [`Packet::body`]).
    pub fn body_mut(&mut self) -> &mut [u8] {
        let end = usize::try_from(self.length()).unwrap_or(usize::MAX);
        match self.buffer.as_mut().get_mut(HEADER_LEN..end) {
            Some(body) => body,
            None => &mut [],
        }
    }
}

/// The body of a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Body {
    /// Plaintext payloads.
    Payloads(Vec<PayloadRepr>),
    /// Encrypted payloads (Encryption flag set): the header's next payload
    /// type names the first payload inside the ciphertext.
    Encrypted {
        next_payload: PayloadType,
        ciphertext: Vec<u8>,
    },
}

/// An owned ISAKMP 1.0 message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Repr {
    pub initiator_cookie: [u8; 8],
    pub responder_cookie: [u8; 8],
    pub exchange_type: ExchangeType,
    /// On emit, the Encryption bit is taken from [`Repr::body`] instead.
    pub flags: Flags,
    pub message_id: u32,
    pub body: Body,
}

impl Repr {
    /// Parses a checked packet: version 1.0, then the payload chain unless
    /// the Encryption flag is set.
    pub fn parse<T: AsRef<[u8]> + ?Sized>(packet: &Packet<&T>) -> Result<Repr, Error> {
        packet.check_len()?;
        let version = packet.version();
        // RFC 2408 section 5.1: a larger major or minor version is refused.
        if version != VERSION_1_0 {
            return Err(Error::BadVersion {
                major: version >> 4,
                minor: version & 0x0f,
            });
        }
        let body = if packet.flags().encryption() {
            Body::Encrypted {
                next_payload: packet.next_payload(),
                ciphertext: packet.body().to_vec(),
            }
        } else {
            Body::Payloads(parse_payloads(packet.next_payload(), packet.body())?)
        };
        Ok(Repr {
            initiator_cookie: packet.initiator_cookie(),
            responder_cookie: packet.responder_cookie(),
            exchange_type: packet.exchange_type(),
            flags: packet.flags(),
            message_id: packet.message_id(),
            body,
        })
    }

    /// Parses a whole datagram (convenience for `new_checked` + `parse`).
    pub fn parse_bytes(bytes: &[u8]) -> Result<Repr, Error> {
        Repr::parse(&Packet::new_checked(bytes)?)
    }

    fn body_len(&self) -> usize {
        match &self.body {
            Body::Payloads(payloads) => payloads_len(payloads),
            Body::Encrypted { ciphertext, .. } => ciphertext.len(),
        }
    }

    /// Bytes [`Repr::emit`] writes.
    pub fn buffer_len(&self) -> usize {
        HEADER_LEN.saturating_add(self.body_len())
    }

    /// Writes the message into the front of `buffer`; returns its length.
    pub fn emit(&self, buffer: &mut [u8]) -> Result<usize, Error> {
        let bytes = self.to_bytes()?;
        let available = buffer.len();
        let out = buffer.get_mut(..bytes.len()).ok_or(Error::BufferTooSmall {
            needed: bytes.len(),
            available,
        })?;
        out.copy_from_slice(&bytes);
        Ok(bytes.len())
    }

    /// The message as a new byte vector.
    pub fn to_bytes(&self) -> Result<Vec<u8>, Error> {
        let (first, encrypted) = match &self.body {
            Body::Payloads(p) => (
                p.first()
                    .map_or(PayloadType::None, PayloadRepr::payload_type),
                false,
            ),
            Body::Encrypted { next_payload, .. } => (*next_payload, true),
        };
        let mut out = vec![0; HEADER_LEN];
        match &self.body {
            Body::Payloads(payloads) => emit_payloads(payloads, &mut out)?,
            Body::Encrypted { ciphertext, .. } => out.extend_from_slice(ciphertext),
        }
        let length =
            u32::try_from(out.len()).map_err(|_| Error::Unrepresentable("message length"))?;
        let mut packet = Packet::new_unchecked(&mut out[..]);
        packet.set_initiator_cookie(self.initiator_cookie);
        packet.set_responder_cookie(self.responder_cookie);
        packet.set_next_payload(first);
        packet.set_version(VERSION_1_0);
        packet.set_exchange_type(self.exchange_type);
        packet.set_flags(self.flags.with_encryption(encrypted));
        packet.set_message_id(self.message_id);
        packet.set_length(length);
        Ok(out)
    }
}

/// One payload of a chain, not copied: its type, the next payload field
/// and all of its bytes including the generic header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RawPayload<'a> {
    pub payload_type: PayloadType,
    pub next_payload: PayloadType,
    /// The whole payload, generic header included.
    pub bytes: &'a [u8],
}

impl<'a> RawPayload<'a> {
    /// The payload after its generic header (RFC 2408 section 3.2).
    pub fn body(&self) -> &'a [u8] {
        self.bytes.get(GENERIC_HEADER_LEN..).unwrap_or(&[])
    }
}

/// Iterator over a payload chain; see [`payloads`].
#[derive(Debug, Clone)]
pub struct PayloadChain<'a> {
    next: PayloadType,
    rest: &'a [u8],
    count: usize,
    failed: bool,
}

/// Walks the chain starting with a payload of type `first` (the header's
/// next payload). Stops after the payload whose next payload is NONE;
/// bytes after it (cipher padding of a decrypted body) are not read.
/// Yields an error once and then ends.
pub fn payloads(first: PayloadType, bytes: &[u8]) -> PayloadChain<'_> {
    PayloadChain {
        next: first,
        rest: bytes,
        count: 0,
        failed: false,
    }
}

impl<'a> PayloadChain<'a> {
    fn step(&mut self) -> Result<RawPayload<'a>, Error> {
        if self.count >= MAX_PAYLOADS {
            return Err(Error::TooManyPayloads {
                limit: MAX_PAYLOADS,
            });
        }
        let (raw, rest) = split_payload(self.next, self.rest)?;
        self.count += 1;
        self.next = raw.next_payload;
        self.rest = rest;
        Ok(raw)
    }
}

impl<'a> Iterator for PayloadChain<'a> {
    type Item = Result<RawPayload<'a>, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed || self.next == PayloadType::None {
            return None;
        }
        let item = self.step();
        self.failed = item.is_err();
        Some(item)
    }
}

/// Splits one payload of type `kind` off the front of `bytes` using its
/// generic header (RFC 2408 section 3.2).
fn split_payload(kind: PayloadType, bytes: &[u8]) -> Result<(RawPayload<'_>, &[u8]), Error> {
    let remaining = bytes.len();
    let Some(raw_len) = bytes.get(field::GEN_LENGTH) else {
        return Err(Error::ChainBeyondMessage {
            payload: kind,
            length: 0,
            remaining,
        });
    };
    let length = be_u16(raw_len);
    let len = usize::from(length);
    if len < GENERIC_HEADER_LEN {
        return Err(Error::PayloadTooShort {
            payload: kind,
            length,
            minimum: GENERIC_HEADER_LEN,
        });
    }
    if len > remaining {
        return Err(Error::ChainBeyondMessage {
            payload: kind,
            length,
            remaining,
        });
    }
    let (whole, rest) = bytes.split_at(len);
    let next_payload = PayloadType::from(whole.get(field::GEN_NEXT_PAYLOAD).copied().unwrap_or(0));
    Ok((
        RawPayload {
            payload_type: kind,
            next_payload,
            bytes: whole,
        },
        rest,
    ))
}

/// Parses a payload chain, e.g. a decrypted body: `first` is the header's
/// next payload type. Trailing bytes after the last payload are ignored
/// (a decrypted body ends in cipher padding).
pub fn parse_payloads(first: PayloadType, bytes: &[u8]) -> Result<Vec<PayloadRepr>, Error> {
    payloads(first, bytes)
        .map(|raw| raw.and_then(|raw| PayloadRepr::parse(raw.payload_type, raw.body())))
        .collect()
}

/// Bytes [`emit_payloads`] appends.
pub fn payloads_len(payloads: &[PayloadRepr]) -> usize {
    payloads
        .iter()
        .map(|p| GENERIC_HEADER_LEN.saturating_add(p.body_len()))
        .fold(0, usize::saturating_add)
}

/// Appends a payload chain (each payload's next payload field naming the
/// following one, the last NONE). The header's next payload is the first
/// payload's [`PayloadRepr::payload_type`].
pub fn emit_payloads(payloads: &[PayloadRepr], out: &mut Vec<u8>) -> Result<(), Error> {
    for (i, payload) in payloads.iter().enumerate() {
        let next = payloads
            .get(i + 1)
            .map_or(PayloadType::None, PayloadRepr::payload_type);
        emit_generic(out, next, |out| payload.emit_body(out))?;
    }
    Ok(())
}

/// Appends a generic payload header (RFC 2408 section 3.2: next payload,
/// RESERVED zero, payload length) and the body `body` writes.
fn emit_generic(
    out: &mut Vec<u8>,
    next: PayloadType,
    body: impl FnOnce(&mut Vec<u8>) -> Result<(), Error>,
) -> Result<(), Error> {
    let start = out.len();
    out.extend_from_slice(&[u8::from(next), 0, 0, 0]);
    body(out)?;
    let length =
        u16::try_from(out.len() - start).map_err(|_| Error::Unrepresentable("payload length"))?;
    if let Some(slot) = out.get_mut(start + 2..start + 4) {
        slot.copy_from_slice(&length.to_be_bytes());
    }
    Ok(())
}

/// Big-endian u16 of the first two bytes (0 for fewer).
fn be_u16(bytes: &[u8]) -> u16 {
    match bytes {
        [a, b, ..] => u16::from_be_bytes([*a, *b]),
        _ => 0,
    }
}

/// Big-endian u32 of the first four bytes (0 for fewer).
fn be_u32(bytes: &[u8]) -> u32 {
    match bytes {
        [a, b, c, d, ..] => u32::from_be_bytes([*a, *b, *c, *d]),
        _ => 0,
    }
}

#[cfg(test)]
mod tests;
