//! The IPComp header (RFC 3173 §2.2): Next Header, Flags, and a 16-bit
//! Compression Parameter Index, in front of a compressed payload. IP
//! protocol 108.
//!
//! [`Packet`] views the header and the compressed payload behind it;
//! `new_checked` asks for the 4 header bytes. RFC 3173 §2.2 reserves the
//! Flags: they are sent as zero and ignored on receipt, so [`Repr`]
//! keeps their value without judging it.

use super::{Error, be16, put};

/// Byte ranges of the IPComp header (RFC 3173 §2.2).
mod field {
    pub type Field = core::ops::Range<usize>;

    pub const NEXT_HEADER: usize = 0;
    /// Reserved: "MUST be set to zero ... MUST be ignored" (RFC 3173 §2.2).
    pub const FLAGS: usize = 1;
    pub const CPI: Field = 2..4;
    pub const PAYLOAD: usize = 4;
}

/// The IPComp header's length.
pub const HEADER_LEN: usize = field::PAYLOAD;

/// A read-only or read-write view of one IPComp packet.
#[derive(Debug, Clone)]
pub struct Packet<T: AsRef<[u8]>> {
    buffer: T,
}

impl<T: AsRef<[u8]>> Packet<T> {
    pub const fn new_unchecked(buffer: T) -> Packet<T> {
        Packet { buffer }
    }

    /// Wraps a buffer that holds at least the 4 header bytes.
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

    fn byte(&self, at: usize) -> u8 {
        self.buffer.as_ref().get(at).copied().unwrap_or(0)
    }

    pub fn next_header(&self) -> u8 {
        self.byte(field::NEXT_HEADER)
    }

    pub fn flags(&self) -> u8 {
        self.byte(field::FLAGS)
    }

    pub fn cpi(&self) -> u16 {
        be16(self.buffer.as_ref(), field::CPI.start)
    }

    /// The compressed payload after the header.
    pub fn payload(&self) -> &[u8] {
        self.buffer.as_ref().get(field::PAYLOAD..).unwrap_or(&[])
    }
}

/// An owned IPComp header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Repr {
    pub next_header: u8,
    pub flags: u8,
    pub cpi: u16,
}

impl Repr {
    pub fn parse<T: AsRef<[u8]> + ?Sized>(packet: &Packet<&T>) -> Result<Repr, Error> {
        packet.check_len()?;
        Ok(Repr {
            next_header: packet.next_header(),
            flags: packet.flags(),
            cpi: packet.cpi(),
        })
    }

    pub fn parse_bytes(bytes: &[u8]) -> Result<Repr, Error> {
        Repr::parse(&Packet::new_unchecked(bytes))
    }

    pub const fn buffer_len(&self) -> usize {
        HEADER_LEN
    }

    /// Writes the 4 header bytes.
    pub fn emit(&self, buffer: &mut [u8]) -> Result<(), Error> {
        let header = buffer.get_mut(..HEADER_LEN).ok_or(Error::Unrepresentable)?;
        put(header, field::NEXT_HEADER, &[self.next_header, self.flags]);
        put(header, field::CPI.start, &self.cpi.to_be_bytes());
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An IPComp packet as Linux `ipcomp_output` sends it (next header
    /// 4: tunnel mode, flags 0, CPI 0x1000) with the first bytes of a
    /// raw DEFLATE stream behind it (RFC 1951 §3.2.3: BFINAL 1, BTYPE
    /// 01, fixed Huffman codes).
    const PACKET: [u8; 10] = [0x04, 0x00, 0x10, 0x00, 0x63, 0x60, 0xa0, 0x3d, 0x00, 0x00];

    fn repr() -> Repr {
        Repr {
            next_header: 4,
            flags: 0,
            cpi: 0x1000,
        }
    }

    #[test]
    fn deconstruct() {
        let p = Packet::new_checked(&PACKET[..]).unwrap();
        assert_eq!((p.next_header(), p.flags(), p.cpi()), (4, 0, 0x1000));
        assert_eq!(p.payload(), &PACKET[4..]);
    }

    #[test]
    fn construct() {
        let mut bytes = [0xee; 10];
        bytes[4..].copy_from_slice(&PACKET[4..]);
        repr().emit(&mut bytes).unwrap();
        assert_eq!(bytes, PACKET);
    }

    #[test]
    fn parse_and_emit() {
        assert_eq!(Repr::parse_bytes(&PACKET), Ok(repr()));
        let flagged = Repr {
            flags: 0x80,
            ..repr()
        };
        let mut bytes = [0u8; HEADER_LEN];
        flagged.emit(&mut bytes).unwrap();
        assert_eq!(
            Repr::parse_bytes(&bytes),
            Ok(flagged),
            "RFC 3173 §2.2: flags are ignored, kept"
        );
        assert_eq!(repr().emit(&mut [0u8; 3]), Err(Error::Unrepresentable));
    }

    #[test]
    fn check_len() {
        for cut in 0..HEADER_LEN {
            assert_eq!(Repr::parse_bytes(&PACKET[..cut]), Err(Error::Truncated));
            let p = Packet::new_unchecked(&PACKET[..cut]);
            let _ = (p.cpi(), p.payload(), p.next_header());
        }
        assert!(
            Packet::new_checked(&PACKET[..4])
                .unwrap()
                .payload()
                .is_empty()
        );
    }
}
