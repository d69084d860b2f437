//! A datagram in flight through one node, with its parsed IP header.
//!
//! The kernel parses a header once, when the datagram enters the node
//! (from a link or from the local stack), and the parsed form travels
//! with the bytes through every hook. Whoever changes the header changes
//! both at once: [`Datagram::rewrite_ipv4`] re-emits the header from an
//! edited [`ipv4::Repr`], [`Datagram::rebuild`] replaces the bytes and
//! takes the header the builder emitted. Nobody parses a datagram again,
//! except what a decapsulation brings out of a tunnel.

use crate::wire::ip::Address;
use crate::wire::{self, ipv4};

/// A datagram's bytes and its header, which always describe each other.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Datagram {
    pub(super) header: ipv4::Repr,
    pub(super) bytes: Vec<u8>,
}

impl Datagram {
    /// What a node accepts from a link or its stack ([`ipv4::Repr::parse`]).
    pub fn parse(bytes: Vec<u8>) -> Result<Datagram, wire::Error> {
        let header = ipv4::Repr::parse_bytes(&bytes)?;
        Ok(Datagram { header, bytes })
    }

    /// A new datagram: `header` emitted in front of `payload`.
    pub fn new(header: ipv4::Repr, payload: &[u8]) -> Result<Datagram, wire::Error> {
        let mut bytes = header.to_header()?;
        bytes.extend_from_slice(payload);
        Ok(Datagram { header, bytes })
    }

    /// The IPv4 header, for code that speaks IPv4 only (a NAT44); `None`
    /// would be an IPv6 datagram.
    pub fn ipv4(&self) -> Option<&ipv4::Repr> {
        Some(&self.header)
    }

    pub fn src(&self) -> Address {
        self.header.src.into()
    }

    pub fn dst(&self) -> Address {
        self.header.dst.into()
    }

    /// The upper-layer protocol the header names.
    pub fn protocol(&self) -> u8 {
        self.header.protocol
    }

    /// A later fragment carries no upper-layer header.
    pub fn is_later_fragment(&self) -> bool {
        self.header.frag.offset > 0
    }

    pub fn is_fragment(&self) -> bool {
        self.header.is_fragment()
    }

    /// The bytes of the datagram, header first (link padding cut off once
    /// the kernel received it).
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    pub fn into_bytes(self) -> Vec<u8> {
        self.bytes
    }

    /// The bytes after the header up to the total length.
    pub fn payload(&self) -> &[u8] {
        let range = self.header.header_len()..self.header.total_len();
        self.bytes.get(range).unwrap_or(&[])
    }

    /// The payload, writable; the header cannot change through it.
    pub fn payload_mut(&mut self) -> &mut [u8] {
        let range = self.header.header_len()..self.header.total_len();
        match self.bytes.get_mut(range) {
            Some(payload) => payload,
            None => &mut [],
        }
    }

    /// Edits the IPv4 header and writes it back, checksum included. The
    /// edit must keep the header's length (options) and total length.
    pub fn rewrite_ipv4(&mut self, edit: impl FnOnce(&mut ipv4::Repr)) {
        let mut header = self.header;
        edit(&mut header);
        debug_assert_eq!(
            (header.header_len(), header.total_len()),
            (self.header.header_len(), self.header.total_len()),
            "a header rewrite keeps the lengths"
        );
        let emitted = header.emit(&mut ipv4::Packet::new_unchecked(&mut self.bytes[..]));
        if emitted.is_ok() {
            self.header = header;
        }
    }

    /// Decrements the TTL as a router does (RFC 1812 §5.3.1), patching
    /// the checksum incrementally (RFC 1624 §4).
    pub fn decrement_ttl(&mut self) {
        ipv4::Packet::new_unchecked(&mut self.bytes[..]).decrement_ttl();
        self.header.ttl = self.header.ttl.wrapping_sub(1);
    }

    /// Turns the datagram into another: `build` gets the header and the
    /// bytes, rewrites the bytes and returns the header it emitted. On an
    /// error the datagram is left as `build` left it, for the caller to
    /// drop.
    pub fn rebuild<E>(
        &mut self,
        build: impl FnOnce(&ipv4::Repr, &mut Vec<u8>) -> Result<ipv4::Repr, E>,
    ) -> Result<(), E> {
        self.header = build(&self.header, &mut self.bytes)?;
        debug_assert!(
            self.is_consistent(),
            "{:?} describes its bytes",
            self.header
        );
        Ok(())
    }

    /// Whether the header parsed from the bytes is the one carried (a
    /// debug check; test builds do not count it as a parse).
    pub fn is_consistent(&self) -> bool {
        let check = || ipv4::Repr::parse_bytes(&self.bytes) == Ok(self.header);
        #[cfg(test)]
        return ipv4::parse_count::uncounted(check);
        #[cfg(not(test))]
        check()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::Ipv4Addr;

    fn udp() -> Datagram {
        let header = ipv4::Repr::new(
            Ipv4Addr::new(10, 0, 0, 1),
            Ipv4Addr::new(10, 0, 0, 2),
            17,
            64,
            4,
        );
        Datagram::new(header, &[1, 2, 3, 4]).unwrap()
    }

    #[test]
    fn parsed_and_built_datagrams_agree() {
        let d = udp();
        assert!(d.is_consistent());
        assert_eq!(Datagram::parse(d.bytes().to_vec()), Ok(d.clone()));
        assert_eq!(d.payload(), &[1, 2, 3, 4]);
        assert_eq!(
            (d.src(), d.protocol()),
            (Ipv4Addr::new(10, 0, 0, 1).into(), 17)
        );
        let mut padded = d.bytes().to_vec();
        padded.extend_from_slice(&[0xee; 3]);
        assert_eq!(Datagram::parse(padded).unwrap().payload(), &[1, 2, 3, 4]);
        assert_eq!(Datagram::parse(vec![0x45, 0]), Err(wire::Error::Truncated));
    }

    /// Every change to the header leaves bytes and parsed form agreeing.
    #[test]
    fn header_changes_keep_both_forms() {
        let mut d = udp();
        d.rewrite_ipv4(|h| h.dst = Ipv4Addr::new(192, 0, 2, 9));
        assert!(d.is_consistent());
        assert_eq!(d.dst(), Ipv4Addr::new(192, 0, 2, 9).into());
        d.decrement_ttl();
        assert!(d.is_consistent());
        assert_eq!(d.ipv4().map(|h| h.ttl), Some(63));
        let rebuilt = d.rebuild(|h, bytes| {
            let inner = ipv4::Repr {
                protocol: 6,
                payload_len: 2,
                ..*h
            };
            bytes.truncate(inner.total_len());
            inner.emit(&mut ipv4::Packet::new_unchecked(&mut bytes[..]))?;
            Ok::<_, wire::Error>(inner)
        });
        assert_eq!(rebuilt, Ok(()));
        assert!(d.is_consistent());
        assert_eq!((d.protocol(), d.payload()), (6, &[1, 2][..]));
    }
}
