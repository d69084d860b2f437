//! The IPComp SAs of the SAD (RFC 3173 §4): found by destination and
//! SPI as Linux `xfrm_state_lookup(daddr, spi, IPPROTO_COMP)` finds them,
//! the SPI being the CPI of the packet widened to 32 bits
//! (`xfrm_parse_spi`). They hold no keys or sequence numbers; their
//! counters tell how many datagrams were sent compressed.

use std::collections::BTreeMap;
use std::net::Ipv4Addr;

use smoltcp::time::Instant;

use super::sad::SadError;
use super::spec::{IpcompSpec, Mode};
use crate::wire::ip::Address;

/// (destination, SPI): how an inbound IPComp packet finds its SA.
pub type IpcompKey = (Address, u32);

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct IpcompCounters {
    /// Datagrams that went through the SA, either way.
    pub packets: u64,
    /// Their bytes as they left (outbound) or arrived (inbound).
    pub bytes: u64,
    /// Sent with an IPComp header.
    pub compressed: u64,
    /// Sent without one: under the threshold, or not smaller compressed
    /// (RFC 3173 §2.2, Linux `ipcomp_output`).
    pub uncompressed: u64,
    /// Received and refused: a payload that does not decompress.
    pub decompress_failures: u64,
}

impl IpcompCounters {
    /// Looks a counter up by its expectation name.
    pub fn get(&self, name: &str) -> Option<u64> {
        Some(match name {
            "packets" => self.packets,
            "bytes" => self.bytes,
            "compressed" => self.compressed,
            "uncompressed" => self.uncompressed,
            "decompress-failures" => self.decompress_failures,
            _ => return None,
        })
    }
}

/// Counter names an `sa:` expectation may use on an IPComp SA.
pub const IPCOMP_COUNTERS: &[&str] = &[
    "packets",
    "bytes",
    "compressed",
    "uncompressed",
    "decompress-failures",
];

pub struct IpcompSa {
    pub spec: IpcompSpec,
    pub counters: IpcompCounters,
    pub created: Instant,
    pub last_used: Option<Instant>,
    /// Order of installation: among equal candidates the newest is used.
    serial: u64,
}

impl IpcompSa {
    pub fn key(&self) -> IpcompKey {
        (self.spec.dst.into(), self.spec.spi)
    }
}

#[derive(Default)]
pub struct IpcompSad {
    sas: BTreeMap<IpcompKey, IpcompSa>,
    serial: u64,
}

impl IpcompSad {
    pub fn add(&mut self, spec: IpcompSpec, now: Instant) -> Result<IpcompKey, SadError> {
        let key = (spec.dst.into(), spec.spi);
        if self.sas.contains_key(&key) {
            return Err(SadError::Exists);
        }
        self.serial += 1;
        let sa = IpcompSa {
            spec,
            counters: IpcompCounters::default(),
            created: now,
            last_used: None,
            serial: self.serial,
        };
        self.sas.insert(key, sa);
        Ok(key)
    }

    pub fn delete(&mut self, key: IpcompKey) -> Result<(), SadError> {
        self.sas.remove(&key).map(|_| ()).ok_or(SadError::NotFound)
    }

    /// `deleteall src dst ipcomp;`
    pub fn delete_all(&mut self, src: Ipv4Addr, dst: Ipv4Addr) -> usize {
        let before = self.sas.len();
        self.sas
            .retain(|_, sa| (sa.spec.src, sa.spec.dst) != (src, dst));
        before - self.sas.len()
    }

    pub fn flush(&mut self) {
        self.sas.clear();
    }

    pub fn get(&self, key: &IpcompKey) -> Option<&IpcompSa> {
        self.sas.get(key)
    }

    pub fn get_mut(&mut self, key: &IpcompKey) -> Option<&mut IpcompSa> {
        self.sas.get_mut(key)
    }

    pub fn iter(&self) -> impl Iterator<Item = &IpcompSa> {
        self.sas.values()
    }

    pub fn is_empty(&self) -> bool {
        self.sas.is_empty()
    }

    /// The newest SA from `src` to `dst` in `mode` (and with `reqid` for a
    /// `unique` template); `-m any` counts as transport, as in [`super::sad::Sad::outbound`].
    pub fn outbound(
        &self,
        (src, dst): (Ipv4Addr, Ipv4Addr),
        mode: Mode,
        reqid: Option<u32>,
    ) -> Option<IpcompKey> {
        self.sas
            .values()
            .filter(|sa| {
                let s = &sa.spec;
                (s.src, s.dst) == (src, dst)
                    && (s.mode == mode || (s.mode == Mode::Any && mode == Mode::Transport))
                    && reqid.is_none_or(|r| s.reqid == r)
            })
            .max_by_key(|sa| sa.serial)
            .map(IpcompSa::key)
    }

    /// The IPComp tunnel SA whose outer addresses are `src` to `dst`:
    /// Linux `ipcomp_tunnel_attach` gives each one an IP-in-IP state
    /// between the same addresses (`ipcomp_tunnel_create`), which takes the
    /// datagrams the peer sent uncompressed.
    pub fn tunnel_between(&self, src: Ipv4Addr, dst: Ipv4Addr) -> Option<&IpcompSa> {
        self.sas
            .values()
            .filter(|sa| sa.spec.mode == Mode::Tunnel && (sa.spec.src, sa.spec.dst) == (src, dst))
            .max_by_key(|sa| sa.serial)
    }

    /// Counts a datagram of `bytes` on an SA.
    pub fn used(&mut self, key: IpcompKey, bytes: usize, now: Instant) {
        if let Some(sa) = self.sas.get_mut(&key) {
            sa.counters.packets += 1;
            sa.counters.bytes += bytes as u64;
            sa.last_used = Some(now);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ipsec::spec::CompAlg;

    fn spec(spi: u32, mode: Mode) -> IpcompSpec {
        IpcompSpec {
            src: Ipv4Addr::new(10, 0, 0, 1),
            dst: Ipv4Addr::new(10, 0, 0, 2),
            spi,
            mode,
            reqid: 0,
            alg: CompAlg::Deflate,
        }
    }

    #[test]
    fn add_lookup_and_delete() {
        let mut sad = IpcompSad::default();
        let ends = (Ipv4Addr::new(10, 0, 0, 1), Ipv4Addr::new(10, 0, 0, 2));
        sad.add(spec(0x1000, Mode::Any), Instant::ZERO).unwrap();
        assert_eq!(
            sad.add(spec(0x1000, Mode::Tunnel), Instant::ZERO),
            Err(SadError::Exists)
        );
        sad.add(spec(0x1001, Mode::Tunnel), Instant::ZERO).unwrap();
        assert_eq!(
            sad.outbound(ends, Mode::Transport, None).map(|k| k.1),
            Some(0x1000)
        );
        assert_eq!(
            sad.outbound(ends, Mode::Tunnel, None).map(|k| k.1),
            Some(0x1001)
        );
        assert!(sad.tunnel_between(ends.0, ends.1).is_some());
        assert!(sad.tunnel_between(ends.1, ends.0).is_none());
        assert_eq!(sad.delete_all(ends.0, ends.1), 2);
        assert!(sad.is_empty());
    }
}
