//! TCP headers (RFC 9293 §3.1), as far as the data plane reads them:
//! ports, sequence and acknowledgment numbers, flags, window, the options
//! as bytes, and the Maximum Segment Size option (RFC 9293 §3.7.1) that
//! the kernel clamps.
//!
//! [`Packet`] views a segment: the whole IP payload. `new_checked` asks
//! only for the 20-byte fixed header (a NAT rewrites the ports of any
//! such segment); [`Packet::options`] is empty unless the data offset is
//! consistent, and [`Repr::parse`] checks it.

use super::ip::{self, Address, protocol};
use super::{Error, be16, be32, put};

/// Byte ranges of the TCP header (RFC 9293 §3.1, "Header Format").
mod field {
    pub type Field = core::ops::Range<usize>;

    pub const SRC_PORT: Field = 0..2;
    pub const DST_PORT: Field = 2..4;
    pub const SEQ_NUM: Field = 4..8;
    pub const ACK_NUM: Field = 8..12;
    /// Data offset in 32-bit words (high nibble), reserved bits.
    pub const DATA_OFF: usize = 12;
    pub const FLAGS: usize = 13;
    pub const WINDOW: Field = 14..16;
    pub const CHECKSUM: Field = 16..18;
    pub const URGENT: Field = 18..20;
    pub const OPTIONS: usize = 20;
}

/// The fixed header, without options.
pub const HEADER_LEN: usize = field::OPTIONS;
/// The most option bytes (data offset 15).
pub const MAX_OPTIONS_LEN: usize = 40;

/// Option kinds (RFC 9293 §3.2).
mod kind {
    pub const END: u8 = 0;
    pub const NOP: u8 = 1;
    pub const MSS: u8 = 2;
}

/// The control bits (RFC 9293 §3.1).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Flags(pub u8);

impl Flags {
    pub const FIN: u8 = 0x01;
    pub const SYN: u8 = 0x02;
    pub const RST: u8 = 0x04;
    pub const PSH: u8 = 0x08;
    pub const ACK: u8 = 0x10;
    pub const URG: u8 = 0x20;

    pub fn syn(self) -> bool {
        self.0 & Flags::SYN != 0
    }
}

/// A read-only or read-write view of one TCP segment.
#[derive(Debug, Clone)]
pub struct Packet<T: AsRef<[u8]>> {
    buffer: T,
}

impl<T: AsRef<[u8]>> Packet<T> {
    pub const fn new_unchecked(buffer: T) -> Packet<T> {
        Packet { buffer }
    }

    /// Wraps a buffer that holds at least the 20-byte fixed header.
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

    pub fn src_port(&self) -> u16 {
        be16(self.buffer.as_ref(), field::SRC_PORT.start)
    }

    pub fn dst_port(&self) -> u16 {
        be16(self.buffer.as_ref(), field::DST_PORT.start)
    }

    pub fn seq_number(&self) -> u32 {
        be32(self.buffer.as_ref(), field::SEQ_NUM.start)
    }

    pub fn ack_number(&self) -> u32 {
        be32(self.buffer.as_ref(), field::ACK_NUM.start)
    }

    /// The header length in bytes (data offset × 4).
    pub fn header_len(&self) -> usize {
        usize::from(self.byte(field::DATA_OFF) >> 4) * 4
    }

    pub fn flags(&self) -> Flags {
        Flags(self.byte(field::FLAGS))
    }

    pub fn window(&self) -> u16 {
        be16(self.buffer.as_ref(), field::WINDOW.start)
    }

    pub fn checksum(&self) -> u16 {
        be16(self.buffer.as_ref(), field::CHECKSUM.start)
    }

    pub fn urgent(&self) -> u16 {
        be16(self.buffer.as_ref(), field::URGENT.start)
    }

    /// The options, when the data offset covers the fixed header and
    /// fits the buffer; else none.
    pub fn options(&self) -> &[u8] {
        let range = field::OPTIONS..self.header_len();
        self.buffer.as_ref().get(range).unwrap_or(&[])
    }

    /// The data after the header.
    pub fn payload(&self) -> &[u8] {
        let at = self.header_len().max(HEADER_LEN);
        self.buffer.as_ref().get(at..).unwrap_or(&[])
    }

    /// The MSS option's value, if the options carry a well-formed one.
    pub fn max_seg_size(&self) -> Option<u16> {
        let at = mss_at(self.options())?;
        Some(be16(self.options(), at))
    }

    pub fn verify_checksum(&self, src: Address, dst: Address) -> bool {
        ip::verify(src, dst, protocol::TCP, self.buffer.as_ref())
    }
}

/// Where the MSS option's value starts in `options`: the walk stops at
/// End of Option List or at an option whose length is below 2 or runs
/// past the options (RFC 9293 §3.2).
fn mss_at(options: &[u8]) -> Option<usize> {
    let mut i = 0;
    loop {
        match *options.get(i)? {
            kind::END => return None,
            kind::NOP => i += 1,
            kind => {
                let len = usize::from(*options.get(i + 1)?);
                if len < 2 || i + len > options.len() {
                    return None;
                }
                if kind == kind::MSS && len == 4 {
                    return Some(i + 2);
                }
                i += len;
            }
        }
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

    /// Changes the MSS option's value; false if there is none.
    pub fn set_max_seg_size(&mut self, mss: u16) -> bool {
        let Some(at) = mss_at(self.options()) else {
            return false;
        };
        put(
            self.buffer.as_mut(),
            field::OPTIONS + at,
            &mss.to_be_bytes(),
        );
        true
    }

    /// Computes the checksum over the whole buffer between `src` and `dst`.
    pub fn fill_checksum(&mut self, src: Address, dst: Address) {
        put(self.buffer.as_mut(), field::CHECKSUM.start, &[0, 0]);
        let c = ip::checksum(src, dst, protocol::TCP, self.buffer.as_ref());
        put(
            self.buffer.as_mut(),
            field::CHECKSUM.start,
            &c.to_be_bytes(),
        );
    }
}

/// An owned TCP header; the options are kept as bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Repr {
    pub src_port: u16,
    pub dst_port: u16,
    pub seq_number: u32,
    pub ack_number: u32,
    pub flags: Flags,
    pub window: u16,
    pub urgent: u16,
    options_len: u8,
    options: [u8; MAX_OPTIONS_LEN],
    /// Bytes after the header.
    pub payload_len: usize,
}

impl Repr {
    /// A checked segment whose data offset covers the fixed header and
    /// fits the buffer.
    pub fn parse<T: AsRef<[u8]> + ?Sized>(packet: &Packet<&T>) -> Result<Repr, Error> {
        packet.check_len()?;
        let header_len = packet.header_len();
        if header_len < HEADER_LEN {
            return Err(Error::Malformed);
        }
        let len = packet.buffer.as_ref().len();
        if header_len > len {
            return Err(Error::Truncated);
        }
        let mut repr = Repr {
            src_port: packet.src_port(),
            dst_port: packet.dst_port(),
            seq_number: packet.seq_number(),
            ack_number: packet.ack_number(),
            flags: packet.flags(),
            window: packet.window(),
            urgent: packet.urgent(),
            options_len: 0,
            options: [0; MAX_OPTIONS_LEN],
            payload_len: len - header_len,
        };
        repr.set_options(packet.options())?;
        Ok(repr)
    }

    pub fn parse_bytes(bytes: &[u8]) -> Result<Repr, Error> {
        Repr::parse(&Packet::new_unchecked(bytes))
    }

    pub fn options(&self) -> &[u8] {
        &self.options[..usize::from(self.options_len)]
    }

    /// Options as a header carries them: a whole number of 32-bit words,
    /// at most 40 bytes.
    pub fn set_options(&mut self, options: &[u8]) -> Result<(), Error> {
        if options.len() > MAX_OPTIONS_LEN || !options.len().is_multiple_of(4) {
            return Err(Error::Unrepresentable);
        }
        self.options = [0; MAX_OPTIONS_LEN];
        self.options[..options.len()].copy_from_slice(options);
        self.options_len = options.len() as u8;
        Ok(())
    }

    pub fn max_seg_size(&self) -> Option<u16> {
        let at = mss_at(self.options())?;
        Some(be16(self.options(), at))
    }

    pub fn buffer_len(&self) -> usize {
        HEADER_LEN + self.options().len()
    }

    /// Writes the header with a zero checksum; the caller fills it in
    /// ([`Packet::fill_checksum`]) once the payload is in place.
    pub fn emit<T: AsRef<[u8]> + AsMut<[u8]> + ?Sized>(
        &self,
        packet: &mut Packet<&mut T>,
    ) -> Result<(), Error> {
        let header_len = self.buffer_len();
        let header = packet
            .buffer
            .as_mut()
            .get_mut(..header_len)
            .ok_or(Error::Unrepresentable)?;
        let (fixed, options) = header.split_at_mut(HEADER_LEN);
        options.copy_from_slice(self.options());
        put(fixed, field::SRC_PORT.start, &self.src_port.to_be_bytes());
        put(fixed, field::DST_PORT.start, &self.dst_port.to_be_bytes());
        put(fixed, field::SEQ_NUM.start, &self.seq_number.to_be_bytes());
        put(fixed, field::ACK_NUM.start, &self.ack_number.to_be_bytes());
        put(
            fixed,
            field::DATA_OFF,
            &[(header_len / 4) as u8 * 16, self.flags.0],
        );
        put(fixed, field::WINDOW.start, &self.window.to_be_bytes());
        put(fixed, field::CHECKSUM.start, &[0, 0]);
        put(fixed, field::URGENT.start, &self.urgent.to_be_bytes());
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The first SYN of the `tcp-lossy-queue-close` capture, after its
    /// IPv4 header (tcpdump -vv: `10.0.0.1.45579 > 10.0.0.2.5001: Flags
    /// [S], cksum 0x30f6 (correct), seq 3221661571, win 65535, options
    /// [mss 1460,wscale 1,sackOK,eol], length 0`).
    const SYN: [u8; 32] = [
        0xb2, 0x0b, 0x13, 0x89, 0xc0, 0x06, 0xa7, 0x83, 0x00, 0x00, 0x00, 0x00, 0x80, 0x02, 0xff,
        0xff, 0x30, 0xf6, 0x00, 0x00, 0x02, 0x04, 0x05, 0xb4, 0x03, 0x03, 0x01, 0x04, 0x02, 0x00,
        0x00, 0x00,
    ];

    fn addrs() -> (Address, Address) {
        ("10.0.0.1".parse().unwrap(), "10.0.0.2".parse().unwrap())
    }

    fn syn() -> Repr {
        let mut repr = Repr {
            src_port: 45579,
            dst_port: 5001,
            seq_number: 3221661571,
            ack_number: 0,
            flags: Flags(Flags::SYN),
            window: 65535,
            urgent: 0,
            options_len: 0,
            options: [0; MAX_OPTIONS_LEN],
            payload_len: 0,
        };
        repr.set_options(&SYN[20..]).unwrap();
        repr
    }

    #[test]
    fn deconstruct() {
        let p = Packet::new_checked(&SYN[..]).unwrap();
        assert_eq!((p.src_port(), p.dst_port()), (45579, 5001));
        assert_eq!((p.seq_number(), p.ack_number()), (3221661571, 0));
        assert_eq!(
            (p.header_len(), p.flags(), p.window()),
            (32, Flags(Flags::SYN), 65535)
        );
        assert_eq!((p.checksum(), p.urgent()), (0x30f6, 0));
        assert_eq!(p.max_seg_size(), Some(1460));
        assert!(p.flags().syn() && p.payload().is_empty());
        let (src, dst) = addrs();
        assert!(p.verify_checksum(src, dst));
    }

    #[test]
    fn construct() {
        let mut bytes = [0xa5u8; 32];
        let mut p = Packet::new_unchecked(&mut bytes[..]);
        syn().emit(&mut p).unwrap();
        let (src, dst) = addrs();
        p.fill_checksum(src, dst);
        assert_eq!(bytes, SYN);
    }

    #[test]
    fn round_trip_and_mss() {
        assert_eq!(Repr::parse_bytes(&SYN), Ok(syn()));
        assert_eq!(syn().max_seg_size(), Some(1460));
        let mut bytes = SYN;
        let mut p = Packet::new_unchecked(&mut bytes[..]);
        assert!(p.set_max_seg_size(536));
        assert_eq!(p.max_seg_size(), Some(536));
        let mut no_mss = [0u8; 20];
        syn()
            .emit(&mut Packet::new_unchecked(&mut no_mss[..]))
            .unwrap_err();
        let mut plain = syn();
        plain.set_options(&[]).unwrap();
        plain
            .emit(&mut Packet::new_unchecked(&mut no_mss[..]))
            .unwrap();
        assert!(!Packet::new_unchecked(&mut no_mss[..]).set_max_seg_size(536));
        assert_eq!(Repr::parse_bytes(&no_mss), Ok(plain));
    }

    #[test]
    fn every_truncation_fails_cleanly() {
        for cut in 0..SYN.len() {
            assert_eq!(Repr::parse_bytes(&SYN[..cut]), Err(Error::Truncated));
        }
        let mut below = SYN;
        below[12] = 0x40;
        assert_eq!(Repr::parse_bytes(&below), Err(Error::Malformed));
    }

    /// RFC 9293 §3.2: options after End of Option List, or past a bad
    /// length, are not read.
    #[test]
    fn mss_walk_stops_where_it_must() {
        assert_eq!(mss_at(&[1, 1, 2, 4, 5, 0xb4]), Some(4));
        assert_eq!(mss_at(&[0, 2, 4, 5, 0xb4]), None);
        assert_eq!(mss_at(&[3, 1, 2, 4, 5, 0xb4]), None);
        assert_eq!(mss_at(&[3, 9, 2, 4, 5, 0xb4]), None);
        assert_eq!(mss_at(&[2, 3, 5, 2, 4, 5, 0xb4]), Some(5));
    }

    proptest! {
        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..70)) {
            let p = Packet::new_unchecked(&bytes[..]);
            let _ = (p.options(), p.payload(), p.max_seg_size());
            let _ = Repr::parse_bytes(&bytes);
            let mut copy = bytes.clone();
            let mut p = Packet::new_unchecked(&mut copy[..]);
            p.set_max_seg_size(1);
            p.fill_checksum(Address::UNSPECIFIED, Address::UNSPECIFIED);
        }
    }
}
