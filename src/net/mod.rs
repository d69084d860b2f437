//! The leaf of the layers: small address types, checksums, seeded random
//! streams and time formatting, shared by everything above. Imports no
//! other module of the crate.

pub mod hash;
pub mod rng;
pub mod time;

use std::fmt;
use std::net::Ipv4Addr;

use serde::{Deserialize, Deserializer, de};

/// An IPv4 address with a prefix length: `192.168.1.5/24` (an interface
/// address) or `10.0.0.0/8` (a route destination).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Prefix {
    pub addr: Ipv4Addr,
    pub len: u8,
}

impl Prefix {
    pub const DEFAULT: Prefix = Prefix {
        addr: Ipv4Addr::UNSPECIFIED,
        len: 0,
    };

    pub fn new(addr: Ipv4Addr, len: u8) -> Self {
        Prefix {
            addr,
            len: len.min(32),
        }
    }

    pub fn mask(&self) -> u32 {
        if self.len == 0 {
            0
        } else {
            u32::MAX << (32 - u32::from(self.len))
        }
    }

    pub fn network(&self) -> Ipv4Addr {
        Ipv4Addr::from(u32::from(self.addr) & self.mask())
    }

    pub fn contains(&self, ip: Ipv4Addr) -> bool {
        (u32::from(ip) ^ u32::from(self.addr)) & self.mask() == 0
    }

    /// Parses `a.b.c.d/len`, `a.b.c.d` (a /32) or `default` (0.0.0.0/0).
    pub fn parse(text: &str) -> Result<Prefix, String> {
        let text = text.trim();
        if text == "default" {
            return Ok(Prefix::DEFAULT);
        }
        let (addr, len) = match text.split_once('/') {
            Some((a, l)) => (a, l),
            None => (text, "32"),
        };
        let addr: Ipv4Addr = addr
            .parse()
            .map_err(|_| format!("expected an IPv4 address like 192.168.1.5/24, found `{text}`"))?;
        let len: u8 = len
            .parse()
            .ok()
            .filter(|l| *l <= 32)
            .ok_or_else(|| format!("prefix length in `{text}` must be 0 to 32"))?;
        Ok(Prefix { addr, len })
    }
}

impl fmt::Display for Prefix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.addr, self.len)
    }
}

impl<'de> Deserialize<'de> for Prefix {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Prefix::parse(&text).map_err(de::Error::custom)
    }
}

/// Internet checksum (RFC 1071) over `data`, folded, not yet complemented.
pub fn ones_complement_sum(data: &[u8]) -> u16 {
    let mut sum: u32 = 0;
    let mut chunks = data.chunks_exact(2);
    for pair in &mut chunks {
        sum += u32::from(u16::from_be_bytes([pair[0], pair[1]]));
    }
    if let [last] = chunks.remainder() {
        sum += u32::from(*last) << 8;
    }
    while sum > 0xffff {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    sum as u16
}

/// The longest time a configuration may name: 2^32-1 seconds (136
/// years), what a 32-bit lifetime attribute holds (RFC 2407 §4.5). Sums
/// of such times stay far from where the simulator's clock (i64
/// microseconds) overflows, so no timer arithmetic can panic or wrap.
pub const MAX_CONFIG_SECS: u64 = u32::MAX as u64;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes() {
        let p = Prefix::parse("192.168.1.5/16").unwrap();
        assert_eq!(p.network(), Ipv4Addr::new(192, 168, 0, 0));
        assert!(p.contains(Ipv4Addr::new(192, 168, 2, 5)));
        assert!(!p.contains(Ipv4Addr::new(192, 169, 0, 1)));
        assert_eq!(Prefix::parse("default").unwrap(), Prefix::DEFAULT);
        assert!(Prefix::DEFAULT.contains(Ipv4Addr::new(8, 8, 8, 8)));
        assert_eq!(Prefix::parse("10.0.0.1").unwrap().len, 32);
        assert!(Prefix::parse("10.0.0.1/33").is_err());
        assert!(Prefix::parse("10.0.0/8").is_err());
    }

    #[test]
    fn checksum_rfc1071_example() {
        // RFC 1071 §3: the sum of 0001 f203 f4f5 f6f7 is ddf2.
        let data = [0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7];
        assert_eq!(ones_complement_sum(&data), 0xddf2);
    }
}
