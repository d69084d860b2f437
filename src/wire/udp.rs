//! UDP headers (RFC 768).
//!
//! [`Packet`] views a datagram: the whole IP payload. `new_checked` asks
//! only for the 8-byte header, as a NAT or an SPD lookup does; the length
//! field is checked by [`Repr::parse`]. The checksum covers the whole
//! buffer with the IP pseudo-header ([`crate::wire::ip::checksum`]).

use super::ip::{self, Address, protocol};
use super::{Error, be16, put};

/// Byte ranges of the UDP header (RFC 768, "Format").
mod field {
    pub type Field = core::ops::Range<usize>;

    pub const SRC_PORT: Field = 0..2;
    pub const DST_PORT: Field = 2..4;
    pub const LENGTH: Field = 4..6;
    pub const CHECKSUM: Field = 6..8;
    pub const PAYLOAD: usize = 8;
}

pub const HEADER_LEN: usize = field::PAYLOAD;

/// The source and destination ports of a TCP or UDP header (both start
/// with them: RFC 768, RFC 9293 §3.1), from the first four bytes alone:
/// what selectors and NATs read, even of a header cut short.
pub fn ports(segment: &[u8]) -> Option<(u16, u16)> {
    match segment.get(..4)? {
        &[a, b, c, d] => Some((u16::from_be_bytes([a, b]), u16::from_be_bytes([c, d]))),
        _ => None,
    }
}

/// A read-only or read-write view of one UDP datagram.
#[derive(Debug, Clone)]
pub struct Packet<T: AsRef<[u8]>> {
    buffer: T,
}

impl<T: AsRef<[u8]>> Packet<T> {
    pub const fn new_unchecked(buffer: T) -> Packet<T> {
        Packet { buffer }
    }

    /// Wraps a buffer that holds at least the 8-byte header.
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

    pub fn src_port(&self) -> u16 {
        be16(self.buffer.as_ref(), field::SRC_PORT.start)
    }

    pub fn dst_port(&self) -> u16 {
        be16(self.buffer.as_ref(), field::DST_PORT.start)
    }

    /// The length field: header and data.
    pub fn length(&self) -> u16 {
        be16(self.buffer.as_ref(), field::LENGTH.start)
    }

    /// 0: the sender computed no checksum (RFC 768).
    pub fn checksum(&self) -> u16 {
        be16(self.buffer.as_ref(), field::CHECKSUM.start)
    }

    /// The data after the header, to the end of the buffer.
    pub fn payload(&self) -> &[u8] {
        self.buffer.as_ref().get(HEADER_LEN..).unwrap_or(&[])
    }

    /// Whether the checksum verifies between `src` and `dst` (a zero
    /// checksum, none computed, verifies).
    pub fn verify_checksum(&self, src: Address, dst: Address) -> bool {
        let data = self.buffer.as_ref();
        self.checksum() == 0 || ip::verify(src, dst, protocol::UDP, data)
    }
}

impl<T: AsRef<[u8]> + AsMut<[u8]>> Packet<T> {
    pub fn set_src_port(&mut self, port: u16) {
        put(
            self.buffer.as_mut(),
            field::SRC_PORT.start,
            &port.to_be_bytes(),
        );
    }

    pub fn set_dst_port(&mut self, port: u16) {
        put(
            self.buffer.as_mut(),
            field::DST_PORT.start,
            &port.to_be_bytes(),
        );
    }

    pub fn set_length(&mut self, len: u16) {
        put(
            self.buffer.as_mut(),
            field::LENGTH.start,
            &len.to_be_bytes(),
        );
    }

    pub fn set_checksum(&mut self, checksum: u16) {
        put(
            self.buffer.as_mut(),
            field::CHECKSUM.start,
            &checksum.to_be_bytes(),
        );
    }

    /// Computes the checksum over the whole buffer between `src` and `dst`.
    pub fn fill_checksum(&mut self, src: Address, dst: Address) {
        self.set_checksum(0);
        let c = ip::checksum(src, dst, protocol::UDP, self.buffer.as_ref());
        self.set_checksum(c);
    }

    pub fn payload_mut(&mut self) -> &mut [u8] {
        match self.buffer.as_mut().get_mut(HEADER_LEN..) {
            Some(payload) => payload,
            None => &mut [],
        }
    }
}

/// An owned UDP header; the checksum is the caller's (RFC 3948 §2.1 sends
/// ESP in UDP with none).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Repr {
    pub src_port: u16,
    pub dst_port: u16,
    /// Bytes after the header.
    pub payload_len: usize,
}

impl Repr {
    /// A checked datagram whose length field covers the header and fits
    /// the buffer (RFC 768: "Length is the length in octets of this user
    /// datagram including this header and the data").
    pub fn parse<T: AsRef<[u8]> + ?Sized>(packet: &Packet<&T>) -> Result<Repr, Error> {
        packet.check_len()?;
        let len = usize::from(packet.length());
        if len < HEADER_LEN {
            return Err(Error::Malformed);
        }
        if len > packet.buffer.as_ref().len() {
            return Err(Error::Truncated);
        }
        Ok(Repr {
            src_port: packet.src_port(),
            dst_port: packet.dst_port(),
            payload_len: len - HEADER_LEN,
        })
    }

    pub fn parse_bytes(bytes: &[u8]) -> Result<Repr, Error> {
        Repr::parse(&Packet::new_unchecked(bytes))
    }

    pub fn buffer_len(&self) -> usize {
        HEADER_LEN
    }

    /// Writes ports, length and a zero checksum.
    pub fn emit<T: AsRef<[u8]> + AsMut<[u8]> + ?Sized>(
        &self,
        packet: &mut Packet<&mut T>,
    ) -> Result<(), Error> {
        let len =
            u16::try_from(HEADER_LEN + self.payload_len).map_err(|_| Error::Unrepresentable)?;
        if packet.buffer.as_ref().len() < HEADER_LEN {
            return Err(Error::Unrepresentable);
        }
        packet.set_src_port(self.src_port);
        packet.set_dst_port(self.dst_port);
        packet.set_length(len);
        packet.set_checksum(0);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The UDP datagram of the RFC 2113 Router Alert packet in
    /// `ipv4::tests` (10.0.0.1.5000 > 10.0.0.2.5001, "vpnlab"; tcpdump
    /// -vvv: `[udp sum ok] UDP, length 6`).
    const DATAGRAM: [u8; 14] = [
        0x13, 0x88, 0x13, 0x89, 0x00, 0x0e, 0x7e, 0x7f, 0x76, 0x70, 0x6e, 0x6c, 0x61, 0x62,
    ];

    fn addrs() -> (Address, Address) {
        ("10.0.0.1".parse().unwrap(), "10.0.0.2".parse().unwrap())
    }

    fn repr() -> Repr {
        Repr {
            src_port: 5000,
            dst_port: 5001,
            payload_len: 6,
        }
    }

    #[test]
    fn deconstruct() {
        let p = Packet::new_checked(&DATAGRAM[..]).unwrap();
        assert_eq!((p.src_port(), p.dst_port(), p.length()), (5000, 5001, 14));
        assert_eq!(p.checksum(), 0x7e7f);
        assert_eq!(p.payload(), b"vpnlab");
        let (src, dst) = addrs();
        assert!(p.verify_checksum(src, dst));
        assert!(!p.verify_checksum(dst, "10.0.0.3".parse().unwrap()));
        assert_eq!(ports(&DATAGRAM[..4]), Some((5000, 5001)));
        assert_eq!(ports(&DATAGRAM[..3]), None);
    }

    #[test]
    fn construct() {
        let mut bytes = [0u8; 14];
        bytes[8..].copy_from_slice(b"vpnlab");
        let mut p = Packet::new_unchecked(&mut bytes[..]);
        repr().emit(&mut p).unwrap();
        let (src, dst) = addrs();
        p.fill_checksum(src, dst);
        assert_eq!(bytes, DATAGRAM);
    }

    #[test]
    fn round_trip() {
        assert_eq!(Repr::parse_bytes(&DATAGRAM), Ok(repr()));
        let mut bytes = [0u8; 8];
        repr()
            .emit(&mut Packet::new_unchecked(&mut bytes[..]))
            .unwrap();
        let mut whole = bytes.to_vec();
        whole.extend_from_slice(b"vpnlab");
        assert_eq!(Repr::parse_bytes(&whole), Ok(repr()));
    }

    #[test]
    fn every_truncation_fails_cleanly() {
        for cut in 0..DATAGRAM.len() {
            assert_eq!(Repr::parse_bytes(&DATAGRAM[..cut]), Err(Error::Truncated));
        }
        let mut short_len = DATAGRAM;
        short_len[5] = 7;
        assert_eq!(Repr::parse_bytes(&short_len), Err(Error::Malformed));
    }

    /// RFC 768: a checksum computed as zero is sent as all ones.
    #[test]
    fn zero_checksum_is_sent_as_ones() {
        let (src, dst) = (Address::UNSPECIFIED, Address::UNSPECIFIED);
        // Pseudo-header 17 + 8, header 0xffde + 8: the sum is all ones,
        // so the one's complement would be 0.
        let mut bytes = [0, 0, 0xff, 0xde, 0, 8, 0, 0];
        let mut p = Packet::new_unchecked(&mut bytes[..]);
        p.fill_checksum(src, dst);
        assert_eq!(p.checksum(), 0xffff);
        assert!(p.verify_checksum(src, dst));
    }
}
