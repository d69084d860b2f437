//! ESP packets (RFC 4303 §2): the SPI and sequence number in clear, then
//! what the SA's transform gives meaning to: IV, ciphertext, ICV.
//!
//! - [`Packet`] views the ESP header and what follows it (the IP
//!   payload); [`Packet::parts`] splits the rest for an SA's IV and ICV
//!   lengths, checking that a trailer fits (RFC 4303 §2.3–2.8).
//! - [`Repr`] is the header (SPI, sequence number).
//! - [`Trailer`] is the end of the plaintext: padding, Pad Length and
//!   Next Header (RFC 4303 §2.4–2.6), with the padding check a receiver
//!   may make.

use super::{Error, be32, put};

/// Byte ranges of the ESP header (RFC 4303 §2, Figure 1).
mod field {
    pub type Field = core::ops::Range<usize>;

    pub const SPI: Field = 0..4;
    pub const SEQ_NUM: Field = 4..8;
    /// Payload Data (IV first, RFC 4303 §2.3), padding, trailer, ICV.
    pub const PAYLOAD: usize = 8;
}

/// SPI and sequence number.
pub const HEADER_LEN: usize = field::PAYLOAD;
/// Pad Length and Next Header (RFC 4303 §2.5, §2.6).
pub const TRAILER_LEN: usize = 2;

/// The SPI of an ESP packet cut short after it (what a NAT's "IPsec
/// passthrough" keys on).
pub fn spi_of(packet: &[u8]) -> Option<u32> {
    match packet.get(field::SPI)? {
        &[a, b, c, d] => Some(u32::from_be_bytes([a, b, c, d])),
        _ => None,
    }
}

/// A read-only or read-write view of one ESP packet.
#[derive(Debug, Clone)]
pub struct Packet<T: AsRef<[u8]>> {
    buffer: T,
}

/// An ESP packet split for one SA: every part borrowed from the packet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Parts<'a> {
    /// SPI and sequence number (the AAD of a combined mode, RFC 4106 §5).
    pub header: &'a [u8],
    pub iv: &'a [u8],
    /// Encrypted payload, padding and trailer.
    pub ciphertext: &'a [u8],
    pub icv: &'a [u8],
    /// What the ICV covers: header, IV and ciphertext (RFC 4303 §3.3.4).
    pub authenticated: &'a [u8],
}

impl<T: AsRef<[u8]>> Packet<T> {
    pub const fn new_unchecked(buffer: T) -> Packet<T> {
        Packet { buffer }
    }

    /// Wraps a buffer that holds at least SPI and sequence number.
    pub fn new_checked(buffer: T) -> Result<Packet<T>, Error> {
        let packet = Packet::new_unchecked(buffer);
        packet.check_len()?;
        Ok(packet)
    }

    pub fn check_len(&self) -> Result<(), Error> {
        if self.buffer.as_ref().len() < HEADER_LEN {
            return Err(Error::Truncated);
        }
        Ok(())
    }

    pub fn into_inner(self) -> T {
        self.buffer
    }

    pub fn spi(&self) -> u32 {
        be32(self.buffer.as_ref(), field::SPI.start)
    }

    pub fn seq_number(&self) -> u32 {
        be32(self.buffer.as_ref(), field::SEQ_NUM.start)
    }

    /// Everything after the header.
    pub fn payload(&self) -> &[u8] {
        self.buffer.as_ref().get(field::PAYLOAD..).unwrap_or(&[])
    }

    /// Splits the packet for an SA whose IV and ICV have these lengths;
    /// fails unless at least a trailer's worth of ciphertext is left.
    pub fn parts(&self, iv_len: usize, icv_len: usize) -> Result<Parts<'_>, Error> {
        let data = self.buffer.as_ref();
        let needed = HEADER_LEN + iv_len + TRAILER_LEN + icv_len;
        if data.len() < needed {
            return Err(Error::Truncated);
        }
        let (authenticated, icv) = data.split_at(data.len() - icv_len);
        let (header, rest) = authenticated.split_at(HEADER_LEN);
        let (iv, ciphertext) = rest.split_at(iv_len);
        Ok(Parts {
            header,
            iv,
            ciphertext,
            icv,
            authenticated,
        })
    }
}

/// An owned ESP header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Repr {
    pub spi: u32,
    pub seq_number: u32,
}

impl Repr {
    pub fn parse<T: AsRef<[u8]> + ?Sized>(packet: &Packet<&T>) -> Result<Repr, Error> {
        packet.check_len()?;
        Ok(Repr {
            spi: packet.spi(),
            seq_number: packet.seq_number(),
        })
    }

    pub fn parse_bytes(bytes: &[u8]) -> Result<Repr, Error> {
        Repr::parse(&Packet::new_unchecked(bytes))
    }

    pub fn buffer_len(&self) -> usize {
        HEADER_LEN
    }

    /// Writes SPI and sequence number into the front of `buffer`.
    pub fn emit(&self, buffer: &mut [u8]) -> Result<(), Error> {
        if buffer.len() < HEADER_LEN {
            return Err(Error::Unrepresentable);
        }
        put(buffer, field::SPI.start, &self.spi.to_be_bytes());
        put(buffer, field::SEQ_NUM.start, &self.seq_number.to_be_bytes());
        Ok(())
    }

    /// The header as bytes (the AAD of a combined mode, RFC 4106 §5).
    pub fn to_bytes(&self) -> [u8; HEADER_LEN] {
        let mut out = [0; HEADER_LEN];
        let _ = self.emit(&mut out);
        out
    }
}

/// The end of an ESP plaintext: padding 1, 2, 3, ... (RFC 4303 §2.4),
/// Pad Length, Next Header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Trailer {
    pub pad_len: u8,
    pub next_header: u8,
}

impl Trailer {
    /// The trailer after `payload_len` bytes that ends payload, padding
    /// and trailer on a multiple of `block_len` (RFC 4303 §2.4: the
    /// cipher's block size, at least 4).
    pub fn for_payload(payload_len: usize, block_len: usize, next_header: u8) -> Trailer {
        let block = block_len.max(1);
        let pad_len = (block - (payload_len + TRAILER_LEN) % block) % block;
        Trailer {
            pad_len: pad_len.min(255) as u8,
            next_header,
        }
    }

    /// Padding and the two trailer bytes.
    pub fn buffer_len(&self) -> usize {
        usize::from(self.pad_len) + TRAILER_LEN
    }

    /// Writes padding, Pad Length and Next Header into `buffer`, which
    /// must be exactly [`Trailer::buffer_len`] long.
    pub fn emit(&self, buffer: &mut [u8]) -> Result<(), Error> {
        if buffer.len() != self.buffer_len() {
            return Err(Error::Unrepresentable);
        }
        let (pad, trailer) = buffer.split_at_mut(usize::from(self.pad_len));
        for (i, b) in pad.iter_mut().enumerate() {
            *b = (i + 1) as u8;
        }
        trailer.copy_from_slice(&[self.pad_len, self.next_header]);
        Ok(())
    }

    /// Reads the trailer at the end of a decrypted `plaintext` and checks
    /// its padding (RFC 4303 §2.4: the receiver may). Returns it and the
    /// payload before the padding.
    pub fn parse(plaintext: &[u8]) -> Result<(Trailer, &[u8]), Error> {
        let Some((body, &[pad_len, next_header])) = plaintext.split_last_chunk::<2>() else {
            return Err(Error::Truncated);
        };
        let payload_len = body
            .len()
            .checked_sub(usize::from(pad_len))
            .ok_or(Error::Malformed)?;
        let (payload, pad) = body.split_at(payload_len);
        if pad
            .iter()
            .enumerate()
            .any(|(i, b)| usize::from(*b) != i + 1)
        {
            return Err(Error::Malformed);
        }
        Ok((
            Trailer {
                pad_len,
                next_header,
            },
            payload,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The ESP part of an AES-GCM-16 packet of the `esp-gcm-ctr` capture
    /// (tcpdump: `172.16.1.1 > 172.16.1.2: ESP(spi=0x00004106,seq=0x6),
    /// length 44`): header, 8-byte IV, 12 bytes of ciphertext, 16-byte ICV.
    const GCM_PACKET: [u8; 44] = [
        0x00, 0x00, 0x41, 0x06, 0x00, 0x00, 0x00, 0x06, 0xc8, 0x08, 0x0f, 0xc9, 0x6c, 0xf9, 0xe8,
        0x95, 0x39, 0xf8, 0xfc, 0x6e, 0xbf, 0xdb, 0x91, 0xcc, 0x80, 0x6a, 0x09, 0x36, 0x49, 0xfa,
        0xad, 0x61, 0xf6, 0x11, 0x75, 0x13, 0xef, 0xda, 0x49, 0xd0, 0x55, 0x72, 0x04, 0x93,
    ];

    /// Its plaintext, decrypted with the key in
    /// `scenarios/esp-gcm-ctr.yaml`: a one-byte UDP datagram from port
    /// 59560 to 9002, one pad byte, Pad Length 1, Next Header 17.
    const GCM_PLAINTEXT: [u8; 12] = [
        0xe8, 0xa8, 0x23, 0x2a, 0x00, 0x09, 0x7f, 0xe5, 0x1a, 0x01, 0x01, 0x11,
    ];

    #[test]
    fn deconstruct() {
        let p = Packet::new_checked(&GCM_PACKET[..]).unwrap();
        assert_eq!((p.spi(), p.seq_number()), (0x4106, 6));
        let parts = p.parts(8, 16).unwrap();
        assert_eq!(parts.header, &GCM_PACKET[..8]);
        assert_eq!(parts.iv, &GCM_PACKET[8..16]);
        assert_eq!(parts.ciphertext, &GCM_PACKET[16..28]);
        assert_eq!(parts.icv, &GCM_PACKET[28..]);
        assert_eq!(parts.authenticated, &GCM_PACKET[..28]);
        assert_eq!(p.payload().len(), 36);
        let (trailer, payload) = Trailer::parse(&GCM_PLAINTEXT).unwrap();
        assert_eq!((trailer.pad_len, trailer.next_header), (1, 17));
        assert_eq!(payload, &GCM_PLAINTEXT[..9]);
    }

    #[test]
    fn construct() {
        let header = Repr {
            spi: 0x4106,
            seq_number: 6,
        };
        assert_eq!(header.to_bytes(), GCM_PACKET[..8]);
        let trailer = Trailer::for_payload(9, 4, 17);
        let mut end = [0u8; 3];
        trailer.emit(&mut end).unwrap();
        assert_eq!(end, GCM_PLAINTEXT[9..]);
        assert!(trailer.emit(&mut [0u8; 2]).is_err());
    }

    #[test]
    fn round_trip() {
        let repr = Repr::parse_bytes(&GCM_PACKET).unwrap();
        let mut out = [0u8; 8];
        repr.emit(&mut out).unwrap();
        assert_eq!(out, GCM_PACKET[..8]);
        for (len, block) in [(0, 16), (9, 4), (14, 16), (15, 16), (1400, 8)] {
            let t = Trailer::for_payload(len, block, 4);
            assert_eq!((len + t.buffer_len()) % block, 0);
            let mut plaintext = vec![0xee; len + t.buffer_len()];
            t.emit(&mut plaintext[len..]).unwrap();
            assert_eq!(Trailer::parse(&plaintext), Ok((t, &plaintext[..len])));
        }
    }

    #[test]
    fn every_truncation_fails_cleanly() {
        for cut in 0..GCM_PACKET.len() {
            let bytes = &GCM_PACKET[..cut];
            if cut < 8 {
                assert_eq!(Repr::parse_bytes(bytes), Err(Error::Truncated));
            }
            if cut < 8 + 8 + 2 + 16 {
                let p = Packet::new_unchecked(bytes);
                assert_eq!(p.parts(8, 16), Err(Error::Truncated), "{cut}");
            }
        }
        for cut in 0..2 {
            assert_eq!(
                Trailer::parse(&GCM_PLAINTEXT[..cut]).err(),
                Some(Error::Truncated)
            );
        }
    }

    /// RFC 4303 §2.4: padding bytes are 1, 2, 3, ...; a Pad Length past
    /// the plaintext is refused.
    #[test]
    fn bad_padding_is_refused() {
        assert_eq!(
            Trailer::parse(&[9, 9, 0, 2, 17]).err(),
            Some(Error::Malformed)
        );
        assert_eq!(Trailer::parse(&[1, 5, 17]).err(), Some(Error::Malformed));
        assert_eq!(Trailer::parse(&[0, 17]).map(|t| t.1.len()), Ok(0));
    }
}
