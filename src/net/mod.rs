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
    // An IPv4 header without options, checked or filled several times per
    // packet per hop, is five words added with no loop.
    let mut sum = match <&[u8; 20]>::try_from(data) {
        Ok(h) => {
            let word =
                |i: usize| u64::from(u32::from_ne_bytes([h[i], h[i + 1], h[i + 2], h[i + 3]]));
            word(0) + word(4) + word(8) + word(12) + word(16)
        }
        Err(_) => native_word_sum(data),
    };
    while sum > 0xffff {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    u16::from_be(sum as u16)
}

/// The unfolded sum of `data` as native-order words. Eight bytes per step:
/// a 32-bit word is congruent to the sum of its two 16-bit halves modulo
/// 0xffff (2^16 = 1 there), so adding the halves of each 64-bit word gives
/// the sum of the 16-bit words; and RFC 1071 §2(B) lets the sum be taken in
/// either byte order and swapped at the end. Without per-word byte swaps
/// the loop vectorizes (about 2x the pairwise sum on a 1400-byte datagram).
/// Folded, the result is zero only for all-zero data, as the pairwise
/// sum's is, so both give the same 16 bits. 64 KiB stays far below 2^64.
fn native_word_sum(data: &[u8]) -> u64 {
    let mut sum: u64 = 0;
    let mut words = data.chunks_exact(8);
    for word in &mut words {
        let mut w = [0u8; 8];
        w.copy_from_slice(word);
        let w = u64::from_ne_bytes(w);
        sum += (w >> 32) + (w & 0xffff_ffff);
    }
    let mut pairs = words.remainder().chunks_exact(2);
    for pair in &mut pairs {
        sum += u64::from(u16::from_ne_bytes([pair[0], pair[1]]));
    }
    if let [last] = pairs.remainder() {
        sum += u64::from(u16::from_ne_bytes([*last, 0]));
    }
    sum
}

/// The TCP/UDP checksum (RFC 793 §3.1, RFC 768) of `segment` between
/// `src` and `dst`: the pseudo header (addresses, protocol, length), then
/// the segment with its checksum field counted as it is; callers zero the
/// field first. UDP's 0 is sent as 0xffff (RFC 768).
pub fn transport_checksum(src: Ipv4Addr, dst: Ipv4Addr, protocol: u8, segment: &[u8]) -> u16 {
    let mut pseudo = [0u8; 12];
    pseudo[..4].copy_from_slice(&src.octets());
    pseudo[4..8].copy_from_slice(&dst.octets());
    pseudo[9] = protocol;
    let len = u16::try_from(segment.len()).unwrap_or(u16::MAX);
    pseudo[10..].copy_from_slice(&len.to_be_bytes());
    let a = u32::from(ones_complement_sum(&pseudo));
    let b = u32::from(ones_complement_sum(segment));
    let mut sum = a + b;
    while sum > 0xffff {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    match !(sum as u16) {
        0 if protocol == 17 => 0xffff,
        c => c,
    }
}

/// The longest time a configuration may name: 2^32-1 seconds (136
/// years), what a 32-bit lifetime attribute holds (RFC 2407 §4.5). Sums
/// of such times stay far from where the simulator's clock (i64
/// microseconds) overflows, so no timer arithmetic can panic or wrap.
pub const MAX_CONFIG_SECS: u64 = u32::MAX as u64;

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 1071's sum the plain way: 16-bit pairs, an odd byte padded.
    fn pairwise(data: &[u8]) -> u16 {
        let mut sum: u64 = data
            .chunks(2)
            .map(|p| u64::from(p[0]) << 8 | u64::from(*p.get(1).unwrap_or(&0)))
            .sum();
        while sum > 0xffff {
            sum = (sum & 0xffff) + (sum >> 16);
        }
        sum as u16
    }

    #[test]
    fn word_sum_equals_the_pairwise_sum() {
        let mut x = 0x9e37_79b9u32;
        for len in (0..200).chain([1427, 1428, 1500, 65535]) {
            let data: Vec<u8> = (0..len)
                .map(|_| {
                    x = x.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
                    (x >> 24) as u8
                })
                .collect();
            assert_eq!(ones_complement_sum(&data), pairwise(&data), "{len} bytes");
            let ones = vec![0xff; len];
            assert_eq!(ones_complement_sum(&ones), pairwise(&ones));
            let zeros = vec![0; len];
            assert_eq!(ones_complement_sum(&zeros), 0);
        }
    }

    #[test]
    fn transport_checksum_verifies_to_zero() {
        let (src, dst) = (Ipv4Addr::new(10, 0, 0, 1), Ipv4Addr::new(10, 0, 0, 2));
        let mut udp = vec![0x13, 0x88, 0x01, 0xf4, 0, 11, 0, 0, b'a', b'b', b'c'];
        let c = transport_checksum(src, dst, 17, &udp);
        udp[6..8].copy_from_slice(&c.to_be_bytes());
        assert_eq!(transport_checksum(src, dst, 17, &udp), 0xffff);
    }

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
