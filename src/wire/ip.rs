//! What the IP versions share: protocol numbers (IANA "Assigned Internet
//! Protocol Numbers", RFC 791 §3.1 "Protocol"), addresses as the layers
//! above the IP header hold them, and the pseudo-header of the TCP and UDP
//! checksums (RFC 768, RFC 9293 §3.1).
//!
//! [`Address`] is what selectors, SA keys and the kernel's sec_path hold.
//! Today it carries an IPv4 address; IPv6 becomes one more variant inside
//! it, and code that converts into it (`Address::from(Ipv4Addr)`) or asks
//! for the IPv4 form ([`Address::as_ipv4`], an `Option`) keeps compiling.

use core::fmt;
use core::str::FromStr;
use std::net::{AddrParseError, Ipv4Addr};

use crate::net::{Prefix, ones_complement_sum};

/// IP protocol numbers of the headers this lab reads.
pub mod protocol {
    /// RFC 792.
    pub const ICMP: u8 = 1;
    /// IP in IP (RFC 2003): a tunnel-mode payload (RFC 4303 §3.1.2).
    pub const IPIP: u8 = 4;
    /// RFC 9293.
    pub const TCP: u8 = 6;
    /// RFC 768.
    pub const UDP: u8 = 17;
    /// RFC 4303.
    pub const ESP: u8 = 50;
    /// RFC 4302.
    pub const AH: u8 = 51;
    /// IPComp, RFC 3173 §2.
    pub const IPCOMP: u8 = 108;
}

/// An IP address (today an IPv4 address).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Address(Ipv4Addr);

impl core::hash::Hash for Address {
    /// One integer, as per-packet tables hash it (the SPD's buckets).
    fn hash<H: core::hash::Hasher>(&self, state: &mut H) {
        state.write_u32(u32::from(self.0));
    }
}

impl Address {
    pub const UNSPECIFIED: Address = Address(Ipv4Addr::UNSPECIFIED);

    pub const fn ipv4(addr: Ipv4Addr) -> Address {
        Address(addr)
    }

    /// The IPv4 address, if this is one.
    pub fn as_ipv4(self) -> Option<Ipv4Addr> {
        Some(self.0)
    }

    /// Length of the address in bits (what a prefix length counts).
    pub fn bits(self) -> u8 {
        32
    }

    /// The address with all bits after the first `len` cleared.
    pub fn masked(self, len: u8) -> Address {
        let mask = match len {
            0 => 0,
            n => u32::MAX << (32 - u32::from(n.min(32))),
        };
        Address(Ipv4Addr::from(u32::from(self.0) & mask))
    }

    /// Whether the first `len` bits of both addresses are equal.
    pub fn shares_prefix(self, other: Address, len: u8) -> bool {
        self.masked(len) == other.masked(len)
    }

    /// Neither unspecified, broadcast, multicast nor loopback: an address
    /// an ICMP error may be sent to (RFC 1812 §4.3.2.7).
    pub fn is_unicast(self) -> bool {
        let a = self.0;
        !(a.is_unspecified() || a.is_broadcast() || a.is_multicast() || a.is_loopback())
    }

    /// The octets in network order, as the pseudo-header holds them.
    fn octets(self) -> [u8; 4] {
        self.0.octets()
    }
}

impl From<Ipv4Addr> for Address {
    fn from(addr: Ipv4Addr) -> Address {
        Address(addr)
    }
}

impl FromStr for Address {
    type Err = AddrParseError;

    fn from_str(text: &str) -> Result<Address, AddrParseError> {
        text.parse().map(Address)
    }
}

impl fmt::Display for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl fmt::Debug for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

/// An address prefix: the first `len` bits of `addr`, written
/// `10.1.0.0/16` (RFC 4632 §3.1). What selectors hold.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Cidr {
    pub addr: Address,
    pub len: u8,
}

impl Cidr {
    /// A prefix of `addr`; a length past the address's bits is cut to them.
    pub fn new(addr: Address, len: u8) -> Cidr {
        Cidr {
            addr,
            len: len.min(addr.bits()),
        }
    }

    /// The prefix's first address.
    pub fn network(&self) -> Address {
        self.addr.masked(self.len)
    }

    /// Whether `addr` lies in the prefix.
    pub fn contains(&self, addr: Address) -> bool {
        addr.shares_prefix(self.addr, self.len)
    }

    /// The prefix as an IPv4 one, for code that speaks IPv4 only.
    pub fn as_ipv4(&self) -> Option<Prefix> {
        Some(Prefix::new(self.addr.as_ipv4()?, self.len))
    }
}

impl From<Prefix> for Cidr {
    fn from(p: Prefix) -> Cidr {
        Cidr::new(p.addr.into(), p.len)
    }
}

impl fmt::Display for Cidr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.addr, self.len)
    }
}

impl fmt::Debug for Cidr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// The TCP or UDP checksum of `segment` between `src` and `dst`: the
/// one's complement of the pseudo-header (addresses, zero, protocol,
/// segment length; RFC 768, RFC 9293 §3.1) and the segment summed with its
/// checksum field as it is, so callers zero the field first. A computed
/// UDP checksum of 0 is sent as 0xffff (RFC 768).
pub fn checksum(src: Address, dst: Address, protocol: u8, segment: &[u8]) -> u16 {
    match !pseudo_header_sum(src, dst, protocol, segment) {
        0 if protocol == protocol::UDP => 0xffff,
        c => c,
    }
}

/// Whether `segment`'s checksum field verifies: pseudo-header and segment
/// sum to all ones.
pub fn verify(src: Address, dst: Address, protocol: u8, segment: &[u8]) -> bool {
    pseudo_header_sum(src, dst, protocol, segment) == 0xffff
}

fn pseudo_header_sum(src: Address, dst: Address, protocol: u8, segment: &[u8]) -> u16 {
    let mut pseudo = [0u8; 12];
    let (addrs, rest) = pseudo.split_at_mut(8);
    let (s, d) = addrs.split_at_mut(4);
    s.copy_from_slice(&src.octets());
    d.copy_from_slice(&dst.octets());
    let len = u16::try_from(segment.len()).unwrap_or(u16::MAX);
    rest.copy_from_slice(&[0, protocol, (len >> 8) as u8, len as u8]);
    let mut sum = u32::from(ones_complement_sum(&pseudo)) + u32::from(ones_complement_sum(segment));
    while sum > 0xffff {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    sum as u16
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 1071 §3 style check on a UDP datagram: filling in the checksum
    /// makes the sum over pseudo-header and segment verify (all ones).
    #[test]
    fn udp_checksum_verifies() {
        let (src, dst) = ("10.0.0.1".parse().unwrap(), "10.0.0.2".parse().unwrap());
        let mut udp = vec![0x13, 0x88, 0x01, 0xf4, 0, 11, 0, 0, b'a', b'b', b'c'];
        let c = checksum(src, dst, protocol::UDP, &udp);
        udp[6..8].copy_from_slice(&c.to_be_bytes());
        assert!(verify(src, dst, protocol::UDP, &udp));
        udp[9] ^= 1;
        assert!(!verify(src, dst, protocol::UDP, &udp));
    }

    #[test]
    fn prefixes_and_unicast() {
        let a: Address = "192.168.2.5".parse().unwrap();
        assert_eq!(a.masked(16), "192.168.0.0".parse().unwrap());
        assert_eq!(a.masked(0), Address::UNSPECIFIED);
        assert!(a.shares_prefix("192.168.200.1".parse().unwrap(), 16));
        assert!(!a.shares_prefix("192.169.0.1".parse().unwrap(), 16));
        assert!(a.is_unicast());
        assert!(!Address::from(Ipv4Addr::BROADCAST).is_unicast());
        assert_eq!(format!("{a} {a:?}"), "192.168.2.5 192.168.2.5");
    }

    #[test]
    fn cidrs_match_as_prefixes_do() {
        let p = Prefix::parse("10.1.0.0/16").unwrap();
        let c = Cidr::from(p);
        assert_eq!(c.to_string(), p.to_string());
        assert!(c.contains("10.1.200.7".parse().unwrap()));
        assert!(!c.contains("10.2.0.1".parse().unwrap()));
        assert!(Cidr::from(Prefix::DEFAULT).contains("8.8.8.8".parse().unwrap()));
        assert_eq!(c.as_ipv4(), Some(p));
        assert_eq!(Cidr::new(c.addr, 40).len, 32);
    }
}
