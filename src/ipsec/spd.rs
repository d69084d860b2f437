//! The Security Policy Database (RFC 4301 §4.4.1). Lookup follows Linux:
//! among matching policies of a direction the lowest priority value wins,
//! then the one installed first. Policies are hashed by their destination
//! prefix, so lookup costs one hash probe per distinct prefix length,
//! however many policies there are.

use std::collections::BTreeSet;
use std::net::Ipv4Addr;

use super::spec::{Direction, Level, PolicySpec, Selector, Template, Upper};
use crate::net::hash::FastMap;

/// The most templates one policy applies (Linux's `XFRM_MAX_DEPTH`); the
/// SPD refuses longer bundles.
pub const MAX_BUNDLE: usize = 6;

/// The fields of a packet that selectors match (RFC 4301 §4.4.1.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PacketSelector {
    pub src: Ipv4Addr,
    pub dst: Ipv4Addr,
    pub protocol: u8,
    /// TCP/UDP ports when the packet carries them (not in later fragments).
    pub ports: Option<(u16, u16)>,
}

impl PacketSelector {
    /// Reads a well-formed IPv4 packet.
    pub fn of(packet: &[u8]) -> Option<PacketSelector> {
        if packet.len() < 20 || packet[0] >> 4 != 4 {
            return None;
        }
        let header_len = usize::from(packet[0] & 0x0f) * 4;
        let protocol = packet[9];
        let later_fragment = u16::from_be_bytes([packet[6], packet[7]]) & 0x1fff != 0;
        let l4 = packet
            .get(header_len..header_len + 4)
            .filter(|_| !later_fragment);
        let ports = match (protocol, l4) {
            (6 | 17, Some(p)) => Some((
                u16::from_be_bytes([p[0], p[1]]),
                u16::from_be_bytes([p[2], p[3]]),
            )),
            _ => None,
        };
        Some(PacketSelector {
            src: Ipv4Addr::new(packet[12], packet[13], packet[14], packet[15]),
            dst: Ipv4Addr::new(packet[16], packet[17], packet[18], packet[19]),
            protocol,
            ports,
        })
    }
}

impl Selector {
    pub fn matches(&self, p: &PacketSelector) -> bool {
        let upper = match self.upper {
            Upper::Any => true,
            Upper::Protocol(n) => n == p.protocol,
        };
        let port_ok = |want: Option<u16>, got: Option<u16>| want.is_none_or(|w| got == Some(w));
        upper
            && self.src.contains(p.src)
            && self.dst.contains(p.dst)
            && port_ok(self.src_port, p.ports.map(|x| x.0))
            && port_ok(self.dst_port, p.ports.map(|x| x.1))
    }
}

pub struct Policy {
    pub spec: PolicySpec,
    /// Installation order (setkey -DP's `spid`).
    pub id: u32,
    pub hits: u64,
}

type BucketKey = (Direction, u8, u32);

#[derive(Default)]
pub struct Spd {
    policies: Vec<Option<Policy>>,
    buckets: FastMap<BucketKey, Vec<usize>>,
    prefix_lens: FastMap<Direction, BTreeSet<u8>>,
    next_id: u32,
    /// The last reqid the kernel chose for a plain `unique` template.
    last_reqid: u32,
}

/// Linux af_key: reqids up to `IPSEC_MANUAL_REQID_MAX` are the user's
/// (`unique:N`); the kernel picks its own above it.
pub const MANUAL_REQID_MAX: u32 = 0x3fff;

fn bucket_key(dir: Direction, len: u8, dst: Ipv4Addr) -> BucketKey {
    let mask = if len == 0 {
        0
    } else {
        u32::MAX << (32 - u32::from(len))
    };
    (dir, len, u32::from(dst) & mask)
}

impl Spd {
    /// `spdadd`; an identical selector and direction is an error, as in setkey.
    pub fn add(&mut self, spec: PolicySpec) -> Result<u32, &'static str> {
        if self.find(&spec.selector, spec.dir).is_some() {
            return Err("a policy with this selector and direction exists");
        }
        if spec.templates.len() > MAX_BUNDLE {
            return Err("more than 6 transforms in one policy (Linux's XFRM_MAX_DEPTH)");
        }
        let mut spec = spec;
        for t in &mut spec.templates {
            if t.level == Level::Unique(None) {
                t.level = Level::Unique(Some(self.gen_reqid()));
            }
        }
        self.next_id += 1;
        let id = self.next_id;
        let key = bucket_key(spec.dir, spec.selector.dst.len, spec.selector.dst.addr);
        self.prefix_lens
            .entry(spec.dir)
            .or_default()
            .insert(spec.selector.dst.len);
        let slot = self.policies.len();
        let priority = spec.priority;
        self.policies.push(Some(Policy { spec, id, hits: 0 }));
        let bucket = self.buckets.entry(key).or_default();
        let at = bucket.partition_point(|&i| {
            self.policies[i]
                .as_ref()
                .is_some_and(|p| p.spec.priority <= priority)
        });
        bucket.insert(at, slot);
        Ok(id)
    }

    /// af_key `gen_reqid`: a plain `unique` template gets the next reqid
    /// above `IPSEC_MANUAL_REQID_MAX` that no policy uses, counting on from
    /// the last one given out (so a deleted policy's reqid is not reused
    /// at once).
    fn gen_reqid(&mut self) -> u32 {
        loop {
            self.last_reqid = match self.last_reqid.checked_add(1) {
                Some(r) if r > MANUAL_REQID_MAX => r,
                _ => MANUAL_REQID_MAX + 1,
            };
            let candidate = self.last_reqid;
            let used = self.iter().any(|p| {
                p.spec
                    .templates
                    .iter()
                    .any(|t| t.level == Level::Unique(Some(candidate)))
            });
            if !used {
                return candidate;
            }
        }
    }

    /// The reqid the first template of the policy for exactly `selector`
    /// in `dir` binds its SAs to (`unique`), 0 for none: what racoon reads
    /// as the policy's `reqid` when it installs a phase 2's SAs.
    pub fn reqid_of(&self, dir: Direction, selector: &Selector) -> u32 {
        let slot = self.find(selector, dir);
        match slot.and_then(|i| self.policies[i].as_ref()?.spec.templates.first().copied()) {
            Some(Template {
                level: Level::Unique(Some(id)),
                ..
            }) => id,
            _ => 0,
        }
    }

    fn find(&self, selector: &Selector, dir: Direction) -> Option<usize> {
        let key = bucket_key(dir, selector.dst.len, selector.dst.addr);
        self.buckets.get(&key)?.iter().copied().find(|&i| {
            self.policies[i]
                .as_ref()
                .is_some_and(|p| p.spec.selector == *selector)
        })
    }

    /// `spddelete`.
    pub fn delete(&mut self, selector: &Selector, dir: Direction) -> bool {
        let Some(slot) = self.find(selector, dir) else {
            return false;
        };
        let key = bucket_key(dir, selector.dst.len, selector.dst.addr);
        if let Some(bucket) = self.buckets.get_mut(&key) {
            bucket.retain(|&i| i != slot);
        }
        self.policies[slot] = None;
        true
    }

    /// `spdflush`.
    pub fn flush(&mut self) {
        *self = Spd {
            next_id: self.next_id,
            last_reqid: self.last_reqid,
            ..Spd::default()
        };
    }

    pub fn iter(&self) -> impl Iterator<Item = &Policy> {
        self.policies.iter().flatten()
    }

    pub fn is_empty(&self) -> bool {
        self.policies.iter().all(Option::is_none)
    }

    /// The policy for a packet in direction `dir`, counting the hit.
    pub fn lookup(&mut self, dir: Direction, p: &PacketSelector) -> Option<&Policy> {
        let slot = self.lookup_slot(dir, p)?;
        let policy = self.policies[slot].as_mut()?;
        policy.hits += 1;
        Some(policy)
    }

    fn lookup_slot(&self, dir: Direction, p: &PacketSelector) -> Option<usize> {
        let lens = self.prefix_lens.get(&dir)?;
        let mut best: Option<(i32, u32, usize)> = None;
        for &len in lens {
            let Some(bucket) = self.buckets.get(&bucket_key(dir, len, p.dst)) else {
                continue;
            };
            // Buckets are sorted by priority, then installation order.
            let hit = bucket.iter().find_map(|&i| {
                let policy = self.policies[i].as_ref()?;
                policy
                    .spec
                    .selector
                    .matches(p)
                    .then_some((policy.spec.priority, policy.id, i))
            });
            if let Some(h) = hit {
                if best.is_none_or(|b| (h.0, h.1) < (b.0, b.1)) {
                    best = Some(h);
                }
            }
        }
        best.map(|b| b.2)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ipsec::spec::Action;
    use crate::net::Prefix;

    fn policy(src: &str, dst: &str, dir: Direction, action: Action, priority: i32) -> PolicySpec {
        PolicySpec {
            selector: Selector {
                src: Prefix::parse(src).unwrap(),
                dst: Prefix::parse(dst).unwrap(),
                src_port: None,
                dst_port: None,
                upper: Upper::Any,
            },
            dir,
            action,
            templates: Vec::new(),
            priority,
        }
    }

    fn packet(src: &str, dst: &str) -> PacketSelector {
        PacketSelector {
            src: src.parse().unwrap(),
            dst: dst.parse().unwrap(),
            protocol: 1,
            ports: None,
        }
    }

    /// An `ipsec` policy for 10/8 → 10.2/16, then a `none` one inside it.
    fn two_overlapping() -> Spd {
        let mut spd = Spd::default();
        spd.add(policy(
            "10.0.0.0/8",
            "10.2.0.0/16",
            Direction::Out,
            Action::Ipsec,
            0,
        ))
        .unwrap();
        spd.add(policy(
            "10.1.0.0/16",
            "10.2.0.5",
            Direction::Out,
            Action::None,
            0,
        ))
        .unwrap();
        spd
    }

    #[test]
    fn priority_then_installation_order() {
        let mut spd = two_overlapping();
        spd.add(policy(
            "0.0.0.0/0",
            "0.0.0.0/0",
            Direction::Out,
            Action::Discard,
            -1,
        ))
        .unwrap();
        let hit = spd
            .lookup(Direction::Out, &packet("10.1.0.1", "10.2.0.5"))
            .unwrap();
        assert_eq!(
            hit.spec.action,
            Action::Discard,
            "lower priority value wins"
        );
        let mut spd = two_overlapping();
        assert_eq!(
            spd.lookup(Direction::Out, &packet("10.1.0.1", "10.2.0.5"))
                .unwrap()
                .spec
                .action,
            Action::Ipsec
        );
        assert!(
            spd.lookup(Direction::In, &packet("10.1.0.1", "10.2.0.5"))
                .is_none()
        );
        assert!(
            spd.lookup(Direction::Out, &packet("10.1.0.1", "10.3.0.5"))
                .is_none()
        );
    }

    #[test]
    fn duplicates_delete_and_flush() {
        let mut spd = Spd::default();
        let p = policy("1.1.1.1", "2.2.2.2", Direction::In, Action::Ipsec, 0);
        spd.add(p.clone()).unwrap();
        assert!(spd.add(p.clone()).is_err());
        assert!(spd.delete(&p.selector, Direction::In));
        assert!(!spd.delete(&p.selector, Direction::In));
        assert!(
            spd.lookup(Direction::In, &packet("1.1.1.1", "2.2.2.2"))
                .is_none()
        );
        spd.add(p).unwrap();
        spd.flush();
        assert!(spd.is_empty());
    }

    #[test]
    fn ports_and_protocols() {
        let mut spd = Spd::default();
        let mut p = policy("0.0.0.0/0", "0.0.0.0/0", Direction::Out, Action::None, 0);
        p.selector.upper = Upper::Protocol(17);
        p.selector.dst_port = Some(500);
        spd.add(p).unwrap();
        let mut udp500 = packet("1.1.1.1", "2.2.2.2");
        udp500.protocol = 17;
        udp500.ports = Some((500, 500));
        assert!(spd.lookup(Direction::Out, &udp500).is_some());
        udp500.ports = Some((500, 4500));
        assert!(spd.lookup(Direction::Out, &udp500).is_none());
    }
}
