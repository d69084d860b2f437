//! IPv4 headers (RFC 791 §3.1), options included.
//!
//! - [`Packet`] is a view of a datagram: [`Packet::new_checked`] checks
//!   the header length and total length against the buffer once; then no
//!   accessor can panic. [`Packet::payload`] ends at the total length, so
//!   link padding past it is never read.
//! - [`Repr`] is an owned header: addresses, protocol, TTL, TOS, the
//!   fragment fields ([`frag::Repr`]), the options ([`Options`]) and the
//!   payload length. [`Repr::parse`] also checks the version and the
//!   header checksum: it is what a kernel accepts from a link.

mod options;
#[cfg(test)]
mod tests;

use std::net::Ipv4Addr;

pub use options::{Item, Items, MAX_OPTIONS_LEN, Options};

use super::{Error, be16, frag, put};
use crate::net::ones_complement_sum;

/// Byte ranges of the IPv4 header (RFC 791 §3.1, "Internet Header Format").
mod field {
    pub type Field = core::ops::Range<usize>;

    /// Version (high nibble) and IHL, the header length in 32-bit words.
    pub const VER_IHL: usize = 0;
    /// Type of Service (RFC 2474: DSCP and ECN).
    pub const TOS: usize = 1;
    pub const LENGTH: Field = 2..4;
    pub const IDENT: Field = 4..6;
    /// Flags (3 bits) and fragment offset (13 bits, in 8-byte units).
    pub const FLG_OFF: Field = 6..8;
    pub const TTL: usize = 8;
    pub const PROTOCOL: usize = 9;
    pub const CHECKSUM: Field = 10..12;
    pub const SRC_ADDR: Field = 12..16;
    pub const DST_ADDR: Field = 16..20;
    /// Options start here and run to the header length.
    pub const OPTIONS: usize = 20;
}

/// The fixed header, without options.
pub const HEADER_LEN: usize = field::OPTIONS;
/// The largest header: IHL 15.
pub const MAX_HEADER_LEN: usize = 60;
/// The largest datagram the 16-bit total length can describe.
pub const MAX_TOTAL_LEN: usize = 65535;

/// A read-only or read-write view of one IPv4 datagram.
#[derive(Debug, Clone)]
pub struct Packet<T: AsRef<[u8]>> {
    buffer: T,
}

impl<T: AsRef<[u8]>> Packet<T> {
    /// Wraps a buffer without checking it: accessors read zeros past its
    /// end, and mean something only after [`Packet::check_len`].
    pub const fn new_unchecked(buffer: T) -> Packet<T> {
        Packet { buffer }
    }

    /// Wraps a buffer and checks its lengths ([`Packet::check_len`]).
    pub fn new_checked(buffer: T) -> Result<Packet<T>, Error> {
        let packet = Packet::new_unchecked(buffer);
        packet.check_len()?;
        Ok(packet)
    }

    /// Wraps a datagram as an ICMP error quotes it (RFC 792: "the
    /// internet header plus the first 64 bits of the original datagram's
    /// data"): only the fixed header must be there. Nothing else is
    /// checked; read the rest with [`Packet::quoted_payload`].
    pub fn new_quoted(buffer: T) -> Result<Packet<T>, Error> {
        if buffer.as_ref().len() < HEADER_LEN {
            return Err(Error::Truncated);
        }
        Ok(Packet::new_unchecked(buffer))
    }

    /// The buffer holds the fixed header; the header length is at least
    /// that and at most the total length, which is at most the buffer
    /// (RFC 791 §3.1: "Internet Header Length", "Total Length").
    pub fn check_len(&self) -> Result<(), Error> {
        let len = self.buffer.as_ref().len();
        if len < HEADER_LEN {
            return Err(Error::Truncated);
        }
        let (header_len, total_len) = (self.header_len(), self.total_len());
        if header_len < HEADER_LEN || total_len < header_len {
            return Err(Error::Malformed);
        }
        if total_len > len {
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

    fn addr(&self, range: field::Field) -> Ipv4Addr {
        match self.buffer.as_ref().get(range) {
            Some(&[a, b, c, d]) => Ipv4Addr::new(a, b, c, d),
            _ => Ipv4Addr::UNSPECIFIED,
        }
    }

    pub fn version(&self) -> u8 {
        self.byte(field::VER_IHL) >> 4
    }

    /// The header length in bytes (IHL × 4).
    pub fn header_len(&self) -> usize {
        usize::from(self.byte(field::VER_IHL) & 0x0f) * 4
    }

    pub fn tos(&self) -> u8 {
        self.byte(field::TOS)
    }

    pub fn total_len(&self) -> usize {
        usize::from(be16(self.buffer.as_ref(), field::LENGTH.start))
    }

    pub fn ident(&self) -> u16 {
        be16(self.buffer.as_ref(), field::IDENT.start)
    }

    /// The flags and fragment offset word ([`frag::Repr::parse`] reads it).
    pub fn flags_and_offset(&self) -> u16 {
        be16(self.buffer.as_ref(), field::FLG_OFF.start)
    }

    pub fn ttl(&self) -> u8 {
        self.byte(field::TTL)
    }

    pub fn protocol(&self) -> u8 {
        self.byte(field::PROTOCOL)
    }

    pub fn checksum(&self) -> u16 {
        be16(self.buffer.as_ref(), field::CHECKSUM.start)
    }

    pub fn src_addr(&self) -> Ipv4Addr {
        self.addr(field::SRC_ADDR)
    }

    pub fn dst_addr(&self) -> Ipv4Addr {
        self.addr(field::DST_ADDR)
    }

    /// The header, options included.
    pub fn header(&self) -> &[u8] {
        let data = self.buffer.as_ref();
        data.get(..self.header_len()).unwrap_or(data)
    }

    /// The options: the header after its fixed 20 bytes.
    pub fn options(&self) -> &[u8] {
        self.header().get(HEADER_LEN..).unwrap_or(&[])
    }

    /// The bytes after the header up to the total length.
    pub fn payload(&self) -> &[u8] {
        let range = self.header_len()..self.total_len();
        self.buffer.as_ref().get(range).unwrap_or(&[])
    }

    /// What follows the header to the end of the buffer, whatever the
    /// total length says: the part of a quoted datagram an ICMP error
    /// carries.
    pub fn quoted_payload(&self) -> &[u8] {
        self.buffer.as_ref().get(self.header_len()..).unwrap_or(&[])
    }

    /// Whether the header checksum verifies (RFC 791 §3.1 "Header Checksum").
    pub fn verify_checksum(&self) -> bool {
        ones_complement_sum(self.header()) == 0xffff
    }
}

impl<'a> Packet<&'a [u8]> {
    /// [`Packet::payload`], borrowed from the buffer rather than the view.
    pub fn into_payload(self) -> &'a [u8] {
        let range = self.header_len()..self.total_len();
        self.buffer.get(range).unwrap_or(&[])
    }
}

impl<T: AsRef<[u8]> + AsMut<[u8]>> Packet<T> {
    fn set_byte(&mut self, at: usize, value: u8) {
        if let Some(b) = self.buffer.as_mut().get_mut(at) {
            *b = value;
        }
    }

    /// Version 4 and the header length in bytes (a multiple of 4).
    pub fn set_version_and_header_len(&mut self, header_len: usize) {
        self.set_byte(field::VER_IHL, 0x40 | ((header_len / 4) as u8 & 0x0f));
    }

    pub fn set_tos(&mut self, tos: u8) {
        self.set_byte(field::TOS, tos);
    }

    pub fn set_total_len(&mut self, len: u16) {
        put(
            self.buffer.as_mut(),
            field::LENGTH.start,
            &len.to_be_bytes(),
        );
    }

    pub fn set_ident(&mut self, ident: u16) {
        put(
            self.buffer.as_mut(),
            field::IDENT.start,
            &ident.to_be_bytes(),
        );
    }

    pub fn set_flags_and_offset(&mut self, word: u16) {
        put(
            self.buffer.as_mut(),
            field::FLG_OFF.start,
            &word.to_be_bytes(),
        );
    }

    pub fn set_ttl(&mut self, ttl: u8) {
        self.set_byte(field::TTL, ttl);
    }

    pub fn set_protocol(&mut self, protocol: u8) {
        self.set_byte(field::PROTOCOL, protocol);
    }

    pub fn set_src_addr(&mut self, addr: Ipv4Addr) {
        put(self.buffer.as_mut(), field::SRC_ADDR.start, &addr.octets());
    }

    pub fn set_dst_addr(&mut self, addr: Ipv4Addr) {
        put(self.buffer.as_mut(), field::DST_ADDR.start, &addr.octets());
    }

    pub fn set_checksum(&mut self, checksum: u16) {
        put(
            self.buffer.as_mut(),
            field::CHECKSUM.start,
            &checksum.to_be_bytes(),
        );
    }

    /// The options, writable (see [`Packet::options`]).
    pub fn options_mut(&mut self) -> &mut [u8] {
        match self.header_mut().get_mut(HEADER_LEN..) {
            Some(options) => options,
            None => &mut [],
        }
    }

    /// Recomputes the header checksum over the header length.
    pub fn fill_checksum(&mut self) {
        put(self.buffer.as_mut(), field::CHECKSUM.start, &[0, 0]);
        let sum = !ones_complement_sum(self.header());
        put(
            self.buffer.as_mut(),
            field::CHECKSUM.start,
            &sum.to_be_bytes(),
        );
    }

    /// Decrements the TTL and patches the checksum incrementally
    /// (RFC 1624 §4; RFC 1812 §5.3.1).
    pub fn decrement_ttl(&mut self) {
        let ttl = self.ttl();
        self.set_ttl(ttl.wrapping_sub(1));
        // The TTL is the high byte of its 16-bit word, so the word drops by
        // 0x0100; HC' = ~(~HC + ~m + m') with m' = m - 0x100 adds 0x100.
        let sum = u32::from(self.checksum()) + 0x0100;
        let folded = (sum & 0xffff) + (sum >> 16);
        put(
            self.buffer.as_mut(),
            field::CHECKSUM.start,
            &(folded as u16).to_be_bytes(),
        );
    }

    /// The header, writable (see [`Packet::header`]).
    pub fn header_mut(&mut self) -> &mut [u8] {
        let len = self.header_len();
        let data = self.buffer.as_mut();
        let end = len.min(data.len());
        data.split_at_mut(end).0
    }

    /// [`Packet::quoted_payload`], writable.
    pub fn quoted_payload_mut(&mut self) -> &mut [u8] {
        let at = self.header_len();
        match self.buffer.as_mut().get_mut(at..) {
            Some(rest) => rest,
            None => &mut [],
        }
    }

    /// The payload, writable (see [`Packet::payload`]).
    pub fn payload_mut(&mut self) -> &mut [u8] {
        let range = self.header_len()..self.total_len();
        match self.buffer.as_mut().get_mut(range) {
            Some(payload) => payload,
            None => &mut [],
        }
    }
}

/// How many headers [`Repr::parse`] parsed on this thread (test builds
/// only): the data plane's tests count the parses one datagram costs.
#[cfg(test)]
pub(crate) mod parse_count {
    use std::cell::Cell;

    thread_local! {
        static PARSES: Cell<usize> = const { Cell::new(0) };
        static PAUSED: Cell<bool> = const { Cell::new(false) };
    }

    pub fn parses() -> usize {
        PARSES.with(Cell::get)
    }

    /// Runs `f` without counting its parses (debug checks).
    pub fn uncounted<R>(f: impl FnOnce() -> R) -> R {
        let was = PAUSED.with(|p| p.replace(true));
        let r = f();
        PAUSED.with(|p| p.set(was));
        r
    }

    pub(super) fn count() {
        if !PAUSED.with(Cell::get) {
            PARSES.with(|c| c.set(c.get() + 1));
        }
    }
}

/// An owned IPv4 header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Repr {
    pub src: Ipv4Addr,
    pub dst: Ipv4Addr,
    pub protocol: u8,
    pub ttl: u8,
    pub tos: u8,
    /// Identification, DF, MF and fragment offset.
    pub frag: frag::Repr,
    pub options: Options,
    /// Bytes after the header (total length minus header length).
    pub payload_len: usize,
}

impl Repr {
    /// What a node accepts from a link: a checked packet of version 4 whose
    /// header checksum verifies.
    pub fn parse<T: AsRef<[u8]> + ?Sized>(packet: &Packet<&T>) -> Result<Repr, Error> {
        #[cfg(test)]
        parse_count::count();
        packet.check_len()?;
        if packet.version() != 4 {
            return Err(Error::Malformed);
        }
        if !packet.verify_checksum() {
            return Err(Error::BadChecksum);
        }
        Ok(Repr {
            src: packet.src_addr(),
            dst: packet.dst_addr(),
            protocol: packet.protocol(),
            ttl: packet.ttl(),
            tos: packet.tos(),
            frag: frag::Repr::parse(packet),
            options: Options::new(packet.options())?,
            payload_len: packet.total_len() - packet.header_len(),
        })
    }

    /// Parses a datagram's header (convenience for `new_checked` + `parse`).
    pub fn parse_bytes(bytes: &[u8]) -> Result<Repr, Error> {
        Repr::parse(&Packet::new_unchecked(bytes))
    }

    /// A header without options or fragmentation, as a host sends one.
    pub fn new(src: Ipv4Addr, dst: Ipv4Addr, protocol: u8, ttl: u8, payload_len: usize) -> Repr {
        Repr {
            src,
            dst,
            protocol,
            ttl,
            tos: 0,
            frag: frag::Repr::default(),
            options: Options::NONE,
            payload_len,
        }
    }

    pub fn header_len(&self) -> usize {
        HEADER_LEN + self.options.len()
    }

    pub fn total_len(&self) -> usize {
        self.header_len() + self.payload_len
    }

    /// Bytes [`Repr::emit`] writes: the header.
    pub fn buffer_len(&self) -> usize {
        self.header_len()
    }

    pub fn is_fragment(&self) -> bool {
        self.frag.is_fragment()
    }

    /// Writes the header, checksum included, into the front of the
    /// packet's buffer. Fails if the total length exceeds 65535 or the
    /// buffer is shorter than the header.
    pub fn emit<T: AsRef<[u8]> + AsMut<[u8]> + ?Sized>(
        &self,
        packet: &mut Packet<&mut T>,
    ) -> Result<(), Error> {
        let total = u16::try_from(self.total_len()).map_err(|_| Error::Unrepresentable)?;
        let header_len = self.header_len();
        let buffer = packet.buffer.as_mut();
        let options = buffer
            .get_mut(HEADER_LEN..header_len)
            .ok_or(Error::Unrepresentable)?;
        options.copy_from_slice(self.options.as_bytes());
        packet.set_version_and_header_len(header_len);
        packet.set_tos(self.tos);
        packet.set_total_len(total);
        self.frag.emit(packet);
        packet.set_ttl(self.ttl);
        packet.set_protocol(self.protocol);
        packet.set_src_addr(self.src);
        packet.set_dst_addr(self.dst);
        packet.fill_checksum();
        Ok(())
    }

    /// The header as a new buffer with room for `payload_len` more bytes.
    pub fn to_header(&self) -> Result<Vec<u8>, Error> {
        let mut header = vec![0; self.header_len()];
        header.reserve(self.payload_len);
        self.emit(&mut Packet::new_unchecked(&mut header[..]))?;
        Ok(header)
    }
}
