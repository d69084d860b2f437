//! AH headers (RFC 4302 §2): Next Header, Payload Length, SPI, sequence
//! number and an ICV whose length the Payload Length gives.
//!
//! [`Packet`] views the AH header and what follows it (the IP payload);
//! `new_checked` asks for the 12 fixed bytes, enough to find the SA by
//! SPI. [`Repr::parse`] checks the Payload Length against the buffer; the
//! SA decides whether the ICV length is the one it expects.

use super::{Error, be32, put};

/// Byte ranges of the AH header (RFC 4302 §2, Figure 1).
mod field {
    pub type Field = core::ops::Range<usize>;

    pub const NEXT_HEADER: usize = 0;
    /// The header length in 32-bit words, minus 2 (RFC 4302 §2.2).
    pub const PAYLOAD_LEN: usize = 1;
    pub const RESERVED: Field = 2..4;
    pub const SPI: Field = 4..8;
    pub const SEQ_NUM: Field = 8..12;
    /// The ICV runs from here to the header length (RFC 4302 §2.6).
    pub const ICV: usize = 12;
}

/// Next Header to sequence number, before the ICV.
pub const FIXED_LEN: usize = field::ICV;

/// The SPI of an AH packet cut short after it.
pub fn spi_of(packet: &[u8]) -> Option<u32> {
    match packet.get(field::SPI)? {
        &[a, b, c, d] => Some(u32::from_be_bytes([a, b, c, d])),
        _ => None,
    }
}

/// A read-only or read-write view of one AH packet.
#[derive(Debug, Clone)]
pub struct Packet<T: AsRef<[u8]>> {
    buffer: T,
}

impl<T: AsRef<[u8]>> Packet<T> {
    pub const fn new_unchecked(buffer: T) -> Packet<T> {
        Packet { buffer }
    }

    /// Wraps a buffer that holds at least the 12 fixed bytes.
    pub fn new_checked(buffer: T) -> Result<Packet<T>, Error> {
        let packet = Packet::new_unchecked(buffer);
        packet.check_len()?;
        Ok(packet)
    }

    pub fn check_len(&self) -> Result<(), Error> {
        if self.buffer.as_ref().len() < FIXED_LEN {
            return Err(Error::Truncated);
        }
        Ok(())
    }

    pub fn into_inner(self) -> T {
        self.buffer
    }

    fn byte(&self, at: usize) -> u8 {
        self.buffer.as_ref().get(at).copied().unwrap_or(0)
    }

    pub fn next_header(&self) -> u8 {
        self.byte(field::NEXT_HEADER)
    }

    /// The header length the Payload Length field gives, in bytes.
    pub fn header_len(&self) -> usize {
        (usize::from(self.byte(field::PAYLOAD_LEN)) + 2) * 4
    }

    pub fn spi(&self) -> u32 {
        be32(self.buffer.as_ref(), field::SPI.start)
    }

    pub fn seq_number(&self) -> u32 {
        be32(self.buffer.as_ref(), field::SEQ_NUM.start)
    }

    /// The ICV, when the header length fits the buffer; else empty.
    pub fn icv(&self) -> &[u8] {
        let range = field::ICV..self.header_len();
        self.buffer.as_ref().get(range).unwrap_or(&[])
    }

    /// What follows the AH header: the protected payload.
    pub fn payload(&self) -> &[u8] {
        self.buffer.as_ref().get(self.header_len()..).unwrap_or(&[])
    }
}

impl<T: AsRef<[u8]> + AsMut<[u8]>> Packet<T> {
    /// The ICV, writable (see [`Packet::icv`]).
    pub fn icv_mut(&mut self) -> &mut [u8] {
        let range = field::ICV..self.header_len();
        match self.buffer.as_mut().get_mut(range) {
            Some(icv) => icv,
            None => &mut [],
        }
    }
}

/// An owned AH header; the ICV itself is computed over the whole packet
/// and written with [`Packet::icv_mut`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Repr {
    pub next_header: u8,
    pub spi: u32,
    pub seq_number: u32,
    pub icv_len: usize,
}

impl Repr {
    /// A checked packet whose header length covers the fixed fields and
    /// fits the buffer.
    pub fn parse<T: AsRef<[u8]> + ?Sized>(packet: &Packet<&T>) -> Result<Repr, Error> {
        packet.check_len()?;
        let header_len = packet.header_len();
        if header_len < FIXED_LEN {
            return Err(Error::Malformed);
        }
        if header_len > packet.buffer.as_ref().len() {
            return Err(Error::Truncated);
        }
        Ok(Repr {
            next_header: packet.next_header(),
            spi: packet.spi(),
            seq_number: packet.seq_number(),
            icv_len: header_len - FIXED_LEN,
        })
    }

    pub fn parse_bytes(bytes: &[u8]) -> Result<Repr, Error> {
        Repr::parse(&Packet::new_unchecked(bytes))
    }

    /// The header with its ICV.
    pub fn buffer_len(&self) -> usize {
        FIXED_LEN + self.icv_len
    }

    /// Writes the header with a zero ICV, as the ICV computation needs it
    /// (RFC 4302 §3.3.3.1). The header must be a whole number of 32-bit
    /// words (RFC 4302 §2.2 for IPv4).
    pub fn emit(&self, buffer: &mut [u8]) -> Result<(), Error> {
        let len = self.buffer_len();
        let words = u8::try_from(len / 4 - 2).map_err(|_| Error::Unrepresentable)?;
        let header = buffer.get_mut(..len).ok_or(Error::Unrepresentable)?;
        if !len.is_multiple_of(4) {
            return Err(Error::Unrepresentable);
        }
        header.fill(0);
        put(header, field::NEXT_HEADER, &[self.next_header, words]);
        put(header, field::RESERVED.start, &[0, 0]);
        put(header, field::SPI.start, &self.spi.to_be_bytes());
        put(header, field::SEQ_NUM.start, &self.seq_number.to_be_bytes());
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The IP payload of an AH tunnel packet of the `ah-tunnel-yaml` WAN
    /// capture (tcpdump -v: `AH(length=5(28-bytes),spi=0x00005002,seq=0x3,
    /// icv=0x4237faf316c485aa76cbeb6c58e0560c): IP (... proto TCP (6),
    /// length 40) 10.20.0.20.56794 > 10.10.0.10.5002`): AH, then the inner
    /// datagram.
    const TUNNEL: [u8; 68] = [
        0x04, 0x05, 0x00, 0x00, 0x00, 0x00, 0x50, 0x02, 0x00, 0x00, 0x00, 0x03, 0x42, 0x37, 0xfa,
        0xf3, 0x16, 0xc4, 0x85, 0xaa, 0x76, 0xcb, 0xeb, 0x6c, 0x58, 0xe0, 0x56, 0x0c, 0x45, 0x00,
        0x00, 0x28, 0x39, 0xf4, 0x00, 0x00, 0x3f, 0x06, 0x2d, 0xa1, 0x0a, 0x14, 0x00, 0x14, 0x0a,
        0x0a, 0x00, 0x0a, 0xdd, 0xda, 0x13, 0x8a, 0x26, 0xaa, 0x31, 0x18, 0x16, 0x3a, 0x83, 0xea,
        0x50, 0x10, 0x80, 0x00, 0x38, 0x4d, 0x00, 0x00,
    ];

    fn repr() -> Repr {
        Repr {
            next_header: 4,
            spi: 0x5002,
            seq_number: 3,
            icv_len: 16,
        }
    }

    #[test]
    fn deconstruct() {
        let p = Packet::new_checked(&TUNNEL[..]).unwrap();
        assert_eq!((p.next_header(), p.header_len()), (4, 28));
        assert_eq!((p.spi(), p.seq_number()), (0x5002, 3));
        assert_eq!(p.icv(), &TUNNEL[12..28]);
        assert_eq!(p.payload(), &TUNNEL[28..]);
        let inner = super::super::ipv4::Repr::parse_bytes(p.payload()).unwrap();
        assert_eq!((inner.protocol, inner.ttl), (6, 63));
    }

    #[test]
    fn construct() {
        let mut bytes = TUNNEL;
        repr().emit(&mut bytes).unwrap();
        assert!(bytes[12..28].iter().all(|b| *b == 0));
        Packet::new_unchecked(&mut bytes[..])
            .icv_mut()
            .copy_from_slice(&TUNNEL[12..28]);
        assert_eq!(bytes, TUNNEL);
    }

    #[test]
    fn round_trip() {
        assert_eq!(Repr::parse_bytes(&TUNNEL), Ok(repr()));
        for icv_len in [0, 12, 16, 32] {
            let r = Repr { icv_len, ..repr() };
            let mut bytes = vec![0xee; r.buffer_len()];
            r.emit(&mut bytes).unwrap();
            assert_eq!(Repr::parse_bytes(&bytes), Ok(r));
        }
        let odd = Repr {
            icv_len: 6,
            ..repr()
        };
        assert_eq!(odd.emit(&mut [0u8; 18]), Err(Error::Unrepresentable));
        assert_eq!(repr().emit(&mut [0u8; 27]), Err(Error::Unrepresentable));
    }

    #[test]
    fn every_truncation_fails_cleanly() {
        for cut in 0..28 {
            assert_eq!(Repr::parse_bytes(&TUNNEL[..cut]), Err(Error::Truncated));
            let p = Packet::new_unchecked(&TUNNEL[..cut]);
            let _ = (p.icv(), p.payload(), p.spi());
        }
        let mut short = TUNNEL;
        short[1] = 0;
        assert_eq!(Repr::parse_bytes(&short), Err(Error::Malformed));
    }
}
