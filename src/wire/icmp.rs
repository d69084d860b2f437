//! ICMP messages (RFC 792) as the kernel and a NAT read and write them:
//! echo request and reply, destination unreachable (with RFC 1191 §4's
//! next-hop MTU), time exceeded, and any other type by its fields.
//!
//! [`Packet`] views a message (the IP payload); `new_checked` asks for
//! the 8-byte header. [`Repr`] borrows the data after it: the echo data,
//! or the datagram an error quotes.

use super::{Error, be16, put};
use crate::net::ones_complement_sum;

/// Byte ranges of the ICMP header (RFC 792: every message starts with
/// type, code and checksum, then four bytes whose meaning the type gives).
mod field {
    pub type Field = core::ops::Range<usize>;

    pub const TYPE: usize = 0;
    pub const CODE: usize = 1;
    pub const CHECKSUM: Field = 2..4;
    /// Echo: identifier and sequence number.
    pub const ECHO_IDENT: Field = 4..6;
    pub const ECHO_SEQ: Field = 6..8;
    /// Destination unreachable, fragmentation needed: the next-hop MTU in
    /// the low half (RFC 1191 §4).
    pub const NEXT_HOP_MTU: Field = 6..8;
    pub const REST: Field = 4..8;
    pub const DATA: usize = 8;
}

pub const HEADER_LEN: usize = field::DATA;

/// Message types (RFC 792).
pub mod kind {
    pub const ECHO_REPLY: u8 = 0;
    pub const DST_UNREACHABLE: u8 = 3;
    pub const SOURCE_QUENCH: u8 = 4;
    pub const REDIRECT: u8 = 5;
    pub const ECHO_REQUEST: u8 = 8;
    pub const TIME_EXCEEDED: u8 = 11;
    pub const PARAMETER_PROBLEM: u8 = 12;
}

/// Whether a message type is an error (RFC 1122 §3.2.2: destination
/// unreachable, source quench, redirect, time exceeded, parameter problem),
/// which no ICMP error may be sent about (RFC 1812 §4.3.2.7).
pub fn is_error(msg_type: u8) -> bool {
    use kind::*;
    matches!(
        msg_type,
        DST_UNREACHABLE | SOURCE_QUENCH | REDIRECT | TIME_EXCEEDED | PARAMETER_PROBLEM
    )
}

/// The type of a message cut short to as little as one byte: what a
/// router reads before it answers a datagram with an error.
pub fn message_type(message: &[u8]) -> Option<u8> {
    message.first().copied()
}

/// The identifier of an echo request or reply whose bytes reach it, as a
/// NAT maps echoes by it (RFC 5508 §3.1) whatever follows.
pub fn echo_ident(message: &[u8]) -> Option<u16> {
    match message.get(field::ECHO_IDENT)? {
        &[a, b] => Some(u16::from_be_bytes([a, b])),
        _ => None,
    }
}

/// A read-only or read-write view of one ICMP message.
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

    fn byte(&self, at: usize) -> u8 {
        self.buffer.as_ref().get(at).copied().unwrap_or(0)
    }

    pub fn msg_type(&self) -> u8 {
        self.byte(field::TYPE)
    }

    pub fn code(&self) -> u8 {
        self.byte(field::CODE)
    }

    pub fn checksum(&self) -> u16 {
        be16(self.buffer.as_ref(), field::CHECKSUM.start)
    }

    pub fn echo_ident(&self) -> u16 {
        be16(self.buffer.as_ref(), field::ECHO_IDENT.start)
    }

    pub fn echo_seq(&self) -> u16 {
        be16(self.buffer.as_ref(), field::ECHO_SEQ.start)
    }

    pub fn next_hop_mtu(&self) -> u16 {
        be16(self.buffer.as_ref(), field::NEXT_HOP_MTU.start)
    }

    /// The four bytes after the checksum.
    pub fn rest(&self) -> [u8; 4] {
        match self.buffer.as_ref().get(field::REST) {
            Some(&[a, b, c, d]) => [a, b, c, d],
            _ => [0; 4],
        }
    }

    /// The data after the header: echo data, or the quoted datagram.
    pub fn data(&self) -> &[u8] {
        self.buffer.as_ref().get(field::DATA..).unwrap_or(&[])
    }

    pub fn verify_checksum(&self) -> bool {
        ones_complement_sum(self.buffer.as_ref()) == 0xffff
    }
}

impl<T: AsRef<[u8]> + AsMut<[u8]>> Packet<T> {
    pub fn set_echo_ident(&mut self, ident: u16) {
        put(
            self.buffer.as_mut(),
            field::ECHO_IDENT.start,
            &ident.to_be_bytes(),
        );
    }

    /// Recomputes the checksum over the whole message.
    pub fn fill_checksum(&mut self) {
        put(self.buffer.as_mut(), field::CHECKSUM.start, &[0, 0]);
        let c = !ones_complement_sum(self.buffer.as_ref());
        put(
            self.buffer.as_mut(),
            field::CHECKSUM.start,
            &c.to_be_bytes(),
        );
    }

    /// The quoted datagram of an error, writable.
    pub fn data_mut(&mut self) -> &mut [u8] {
        match self.buffer.as_mut().get_mut(field::DATA..) {
            Some(data) => data,
            None => &mut [],
        }
    }
}

/// What an ICMP message says, by type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Message {
    EchoRequest {
        ident: u16,
        seq: u16,
    },
    EchoReply {
        ident: u16,
        seq: u16,
    },
    /// Code 4 (fragmentation needed and DF set) carries the next-hop MTU;
    /// other codes carry 0 there.
    DstUnreachable {
        code: u8,
        next_hop_mtu: u16,
    },
    TimeExceeded {
        code: u8,
    },
    /// Any other type, its four bytes after the checksum as they are.
    Other {
        msg_type: u8,
        code: u8,
        rest: [u8; 4],
    },
}

impl Message {
    fn type_code(&self) -> (u8, u8) {
        match *self {
            Message::EchoRequest { .. } => (kind::ECHO_REQUEST, 0),
            Message::EchoReply { .. } => (kind::ECHO_REPLY, 0),
            Message::DstUnreachable { code, .. } => (kind::DST_UNREACHABLE, code),
            Message::TimeExceeded { code } => (kind::TIME_EXCEEDED, code),
            Message::Other { msg_type, code, .. } => (msg_type, code),
        }
    }

    fn rest(&self) -> [u8; 4] {
        let pair = |a: u16, b: u16| (u32::from(a) << 16 | u32::from(b)).to_be_bytes();
        match *self {
            Message::EchoRequest { ident, seq } | Message::EchoReply { ident, seq } => {
                pair(ident, seq)
            }
            Message::DstUnreachable { next_hop_mtu, .. } => pair(0, next_hop_mtu),
            Message::TimeExceeded { .. } => [0; 4],
            Message::Other { rest, .. } => rest,
        }
    }
}

/// An ICMP message and the data it carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Repr<'a> {
    pub message: Message,
    pub data: &'a [u8],
}

impl<'a> Repr<'a> {
    /// A checked message whose checksum verifies.
    pub fn parse<T: AsRef<[u8]> + ?Sized>(packet: &Packet<&'a T>) -> Result<Repr<'a>, Error> {
        packet.check_len()?;
        if !packet.verify_checksum() {
            return Err(Error::BadChecksum);
        }
        let (ident, seq) = (packet.echo_ident(), packet.echo_seq());
        let message = match (packet.msg_type(), packet.code()) {
            (kind::ECHO_REQUEST, 0) => Message::EchoRequest { ident, seq },
            (kind::ECHO_REPLY, 0) => Message::EchoReply { ident, seq },
            (kind::DST_UNREACHABLE, code) if packet.echo_ident() == 0 => Message::DstUnreachable {
                code,
                next_hop_mtu: packet.next_hop_mtu(),
            },
            (kind::TIME_EXCEEDED, code) if packet.rest() == [0; 4] => {
                Message::TimeExceeded { code }
            }
            (msg_type, code) => Message::Other {
                msg_type,
                code,
                rest: packet.rest(),
            },
        };
        let data = packet.buffer.as_ref().get(field::DATA..).unwrap_or(&[]);
        Ok(Repr { message, data })
    }

    pub fn parse_bytes(bytes: &'a [u8]) -> Result<Repr<'a>, Error> {
        Repr::parse(&Packet::new_unchecked(bytes))
    }

    pub fn buffer_len(&self) -> usize {
        HEADER_LEN + self.data.len()
    }

    /// Writes header, data and checksum.
    pub fn emit<T: AsRef<[u8]> + AsMut<[u8]> + ?Sized>(
        &self,
        packet: &mut Packet<&mut T>,
    ) -> Result<(), Error> {
        let len = self.buffer_len();
        let out = packet
            .buffer
            .as_mut()
            .get_mut(..len)
            .ok_or(Error::Unrepresentable)?;
        let (header, data) = out.split_at_mut(HEADER_LEN);
        let (msg_type, code) = self.message.type_code();
        put(header, field::TYPE, &[msg_type, code]);
        put(header, field::REST.start, &self.message.rest());
        data.copy_from_slice(self.data);
        Packet::new_unchecked(out).fill_checksum();
        Ok(())
    }

    /// The message as a new buffer.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = vec![0; self.buffer_len()];
        // The buffer is exactly `buffer_len` long: emit cannot fail.
        let _ = self.emit(&mut Packet::new_unchecked(&mut out[..]));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The data of the echo request in `ipv4::tests::ECHO_REQUEST` (the
    /// two-hosts-ping capture: `ICMP echo request, id 1, seq 1, length
    /// 64`), and its header with the capture's checksum.
    const ECHO_DATA: [u8; 56] = [
        0x00, 0x00, 0x00, 0x00, 0x00, 0x0f, 0x42, 0x40, 0xf8, 0x17, 0x36, 0x55, 0x74, 0x93, 0xb2,
        0xd1, 0xf0, 0x0f, 0x2e, 0x4d, 0x6c, 0x8b, 0xaa, 0xc9, 0xe8, 0x07, 0x26, 0x45, 0x64, 0x83,
        0xa2, 0xc1, 0xe0, 0xff, 0x1e, 0x3d, 0x5c, 0x7b, 0x9a, 0xb9, 0xd8, 0xf7, 0x16, 0x35, 0x54,
        0x73, 0x92, 0xb1, 0xd0, 0xef, 0x0e, 0x2d, 0x4c, 0x6b, 0x8a, 0xa9,
    ];
    const ECHO_HEADER: [u8; 8] = [0x08, 0x00, 0x91, 0xa2, 0x00, 0x01, 0x00, 0x01];

    /// Fragmentation needed, next-hop MTU 576, from 10.1.0.1 about a UDP
    /// datagram 10.1.0.10.40000 > 10.2.0.20.9000 (tcpdump -vvv: `ICMP
    /// 10.2.0.20 unreachable - need to frag (mtu 576), length 36`; tshark:
    /// checksum 0x7412 correct).
    const FRAG_NEEDED: [u8; 36] = [
        0x03, 0x04, 0x74, 0x12, 0x00, 0x00, 0x02, 0x40, 0x45, 0x00, 0x00, 0x24, 0x00, 0x09, 0x00,
        0x00, 0x01, 0x11, 0xa5, 0xa0, 0x0a, 0x01, 0x00, 0x0a, 0x0a, 0x02, 0x00, 0x14, 0x9c, 0x40,
        0x23, 0x28, 0x00, 0x10, 0xc7, 0x30,
    ];

    /// Time exceeded in transit about the same datagram (tshark: checksum
    /// 0x6e56 correct).
    const TIME_EXCEEDED: [u8; 36] = [
        0x0b, 0x00, 0x6e, 0x56, 0x00, 0x00, 0x00, 0x00, 0x45, 0x00, 0x00, 0x24, 0x00, 0x09, 0x00,
        0x00, 0x01, 0x11, 0xa5, 0xa0, 0x0a, 0x01, 0x00, 0x0a, 0x0a, 0x02, 0x00, 0x14, 0x9c, 0x40,
        0x23, 0x28, 0x00, 0x10, 0xc7, 0x30,
    ];

    fn echo() -> Vec<u8> {
        [&ECHO_HEADER[..], &ECHO_DATA[..]].concat()
    }

    fn frag_needed() -> Repr<'static> {
        Repr {
            message: Message::DstUnreachable {
                code: 4,
                next_hop_mtu: 576,
            },
            data: &FRAG_NEEDED[8..],
        }
    }

    #[test]
    fn deconstruct() {
        let echo = echo();
        let p = Packet::new_checked(&echo[..]).unwrap();
        assert_eq!((p.msg_type(), p.code(), p.checksum()), (8, 0, 0x91a2));
        assert_eq!((p.echo_ident(), p.echo_seq()), (1, 1));
        assert!(p.verify_checksum());
        let p = Packet::new_checked(&FRAG_NEEDED[..]).unwrap();
        assert_eq!((p.msg_type(), p.code(), p.next_hop_mtu()), (3, 4, 576));
        assert!(p.verify_checksum() && is_error(p.msg_type()));
        assert_eq!(p.data().len(), 28);
        assert!(!is_error(kind::ECHO_REQUEST));
    }

    #[test]
    fn construct() {
        let echo = echo();
        let request = Repr {
            message: Message::EchoRequest { ident: 1, seq: 1 },
            data: &ECHO_DATA,
        };
        assert_eq!(request.to_bytes(), echo);
        assert_eq!(frag_needed().to_bytes(), FRAG_NEEDED);
        let exceeded = Repr {
            message: Message::TimeExceeded { code: 0 },
            data: &TIME_EXCEEDED[8..],
        };
        assert_eq!(exceeded.to_bytes(), TIME_EXCEEDED);
    }

    #[test]
    fn round_trip() {
        let echo = echo();
        for bytes in [&echo[..], &FRAG_NEEDED[..], &TIME_EXCEEDED[..]] {
            let repr = Repr::parse_bytes(bytes).unwrap();
            assert_eq!(repr.to_bytes(), bytes);
        }
        assert_eq!(Repr::parse_bytes(&FRAG_NEEDED), Ok(frag_needed()));
        let problem = Repr {
            message: Message::Other {
                msg_type: kind::PARAMETER_PROBLEM,
                code: 0,
                rest: [20, 0, 0, 0],
            },
            data: &FRAG_NEEDED[8..],
        };
        assert_eq!(Repr::parse_bytes(&problem.to_bytes()), Ok(problem));
    }

    #[test]
    fn every_truncation_fails_cleanly() {
        let echo = echo();
        for bytes in [&echo[..], &FRAG_NEEDED[..]] {
            for cut in 0..bytes.len() {
                assert!(Repr::parse_bytes(&bytes[..cut]).is_err(), "{cut}");
            }
        }
        let mut bad = FRAG_NEEDED;
        bad[9] ^= 1;
        assert_eq!(Repr::parse_bytes(&bad), Err(Error::BadChecksum));
    }

    proptest! {
        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..40)) {
            let p = Packet::new_unchecked(&bytes[..]);
            let _ = (p.rest(), p.data(), p.next_hop_mtu(), p.echo_seq());
            if let Ok(repr) = Repr::parse_bytes(&bytes) {
                prop_assert_eq!(repr.to_bytes(), bytes.clone());
            }
        }
    }
}
