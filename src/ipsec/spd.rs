//! The Security Policy Database (RFC 4301 §4.4.1). Lookup follows Linux:
//! among matching policies of a direction the lowest priority value wins,
//! then the one installed first. Policies are hashed by their destination
//! prefix, so lookup costs one hash probe per distinct prefix length,
//! however many policies there are.

use super::spec::{Direction, IpcompTemplate, Level, PolicySpec, Selector, Template, Upper};
use crate::kernel::Datagram;
use crate::wire::ip::{Address, Cidr, protocol};
use crate::wire::udp;

/// The most templates one policy applies (Linux's `XFRM_MAX_DEPTH`); the
/// SPD refuses longer bundles.
pub const MAX_BUNDLE: usize = 6;

/// The fields of a packet that selectors match (RFC 4301 §4.4.1.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PacketSelector {
    pub src: Address,
    pub dst: Address,
    pub protocol: u8,
    /// TCP/UDP ports when the packet carries them (not in later fragments).
    pub ports: Option<(u16, u16)>,
}

impl PacketSelector {
    /// Reads a datagram: its addresses and protocol from the header the
    /// kernel parsed, TCP and UDP ports from the first four bytes after
    /// it (unless it is a later fragment).
    pub fn of(datagram: &Datagram) -> PacketSelector {
        let protocol = datagram.protocol();
        let ports = match protocol {
            protocol::TCP | protocol::UDP if !datagram.is_later_fragment() => {
                udp::ports(datagram.payload())
            }
            _ => None,
        };
        PacketSelector {
            src: datagram.src(),
            dst: datagram.dst(),
            protocol,
            ports,
        }
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
    /// The bundle's IPComp step, applied before `spec`'s templates.
    pub ipcomp: Option<IpcompTemplate>,
    /// Installation order (setkey -DP's `spid`).
    pub id: u32,
}

/// A policy as lookup sees it: what decides a match and ranks it, and its
/// hit count, so that deciding and counting touch only the table.
#[derive(Clone, Copy)]
struct Entry {
    selector: Selector,
    priority: i32,
    id: u32,
    /// Index of the policy in `Spd::policies`.
    slot: u32,
    hits: u64,
}

/// One destination prefix of one direction in the open-addressing table,
/// with its first policy inline: the common bucket has one policy, and a
/// lookup then reads this one cache line (the alignment keeps it to one).
#[derive(Clone, Copy)]
#[repr(align(64))]
struct Bucket {
    occupied: bool,
    dir: u8,
    len: u8,
    net: u32,
    /// Index in `Spd::more` of the bucket's further policies, `NO_MORE` for none.
    more: u32,
    /// The bucket's policies are `first` then `more`, ordered by priority,
    /// then installation order.
    first: Entry,
}

const NO_MORE: u32 = u32::MAX;

/// Where a policy's entry is: inline in a bucket, or in its overflow list.
#[derive(Clone, Copy)]
enum At {
    First(usize),
    More(usize, usize),
}

#[derive(Default)]
pub struct Spd {
    /// By slot in installation order; `live` is false once deleted.
    policies: Vec<Policy>,
    live: Vec<bool>,
    /// Linear probing over a power-of-two table at most half full: a
    /// lookup usually costs one probe per prefix length of its direction.
    table: Vec<Bucket>,
    buckets: usize,
    more: Vec<Vec<Entry>>,
    /// Per direction, the destination prefix lengths policies use, ascending.
    prefix_lens: [Vec<u8>; 3],
    next_id: u32,
    /// The last reqid the kernel chose for a plain `unique` template.
    last_reqid: u32,
}

/// Linux af_key: reqids up to `IPSEC_MANUAL_REQID_MAX` are the user's
/// (`unique:N`); the kernel picks its own above it.
pub const MANUAL_REQID_MAX: u32 = 0x3fff;

fn dir_index(dir: Direction) -> usize {
    match dir {
        Direction::In => 0,
        Direction::Out => 1,
        Direction::Fwd => 2,
    }
}

/// `dst` cut to its first `len` bits, as the table keys it (the 32 bits
/// of an IPv4 address).
fn network(len: u8, dst: Address) -> u32 {
    dst.masked(len).as_ipv4().map_or(0, u32::from)
}

fn home(dir: u8, len: u8, net: u32, mask: usize) -> usize {
    let key = u64::from(net) | u64::from(len) << 32 | u64::from(dir) << 40;
    (key.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 32) as usize & mask
}

impl Bucket {
    fn is(&self, dir: u8, len: u8, net: u32) -> bool {
        self.occupied && self.net == net && self.len == len && self.dir == dir
    }
}

impl Spd {
    /// `spdadd`; an identical selector and direction is an error, as in setkey.
    pub fn add(&mut self, spec: PolicySpec) -> Result<u32, &'static str> {
        self.add_with_ipcomp(spec, None)
    }

    /// `spdadd` of a bundle whose first (innermost) step may be IPComp.
    pub fn add_with_ipcomp(
        &mut self,
        spec: PolicySpec,
        ipcomp: Option<IpcompTemplate>,
    ) -> Result<u32, &'static str> {
        if self.find(&spec.selector, spec.dir).is_some() {
            return Err("a policy with this selector and direction exists");
        }
        if spec.templates.len() + usize::from(ipcomp.is_some()) > MAX_BUNDLE {
            return Err("more than 6 transforms in one policy (Linux's XFRM_MAX_DEPTH)");
        }
        let mut spec = spec;
        let mut ipcomp = ipcomp;
        let levels = ipcomp.iter_mut().map(|c| &mut c.level);
        for level in levels.chain(spec.templates.iter_mut().map(|t| &mut t.level)) {
            if *level == Level::Unique(None) {
                *level = Level::Unique(Some(self.gen_reqid()));
            }
        }
        self.next_id += 1;
        let id = self.next_id;
        let lens = &mut self.prefix_lens[dir_index(spec.dir)];
        if let Err(at) = lens.binary_search(&spec.selector.dst.len) {
            lens.insert(at, spec.selector.dst.len);
        }
        let slot = u32::try_from(self.policies.len()).map_err(|_| "too many policies")?;
        let entry = Entry {
            selector: spec.selector,
            priority: spec.priority,
            id,
            slot,
            hits: 0,
        };
        let dir = dir_index(spec.dir) as u8;
        self.policies.push(Policy { spec, ipcomp, id });
        self.live.push(true);
        self.insert(dir, entry);
        Ok(id)
    }

    /// Puts `entry` into its bucket after the entries of lower or equal
    /// priority (so ties go by installation order), making the bucket if new.
    fn insert(&mut self, dir: u8, entry: Entry) {
        let (len, net) = (
            entry.selector.dst.len,
            network(entry.selector.dst.len, entry.selector.dst.addr),
        );
        if let Some(b) = self.probe(dir, len, net) {
            let bucket = &mut self.table[b];
            if entry.priority < bucket.first.priority {
                let old = std::mem::replace(&mut bucket.first, entry);
                self.more_of(b).insert(0, old);
            } else {
                let more = self.more_of(b);
                let at = more.partition_point(|e| e.priority <= entry.priority);
                more.insert(at, entry);
            }
            return;
        }
        if (self.buckets + 1) * 2 > self.table.len() {
            self.grow();
        }
        let mask = self.table.len() - 1;
        let mut i = home(dir, len, net, mask);
        while self.table[i].occupied {
            i = (i + 1) & mask;
        }
        self.table[i] = Bucket {
            occupied: true,
            dir,
            len,
            net,
            more: NO_MORE,
            first: entry,
        };
        self.buckets += 1;
    }

    /// The overflow list of bucket `b`, made on first use.
    fn more_of(&mut self, b: usize) -> &mut Vec<Entry> {
        if self.table[b].more == NO_MORE {
            self.table[b].more = self.more.len() as u32;
            self.more.push(Vec::new());
        }
        &mut self.more[self.table[b].more as usize]
    }

    /// Doubles the table (4 buckets at first: a roadwarrior has two or three policies) and places every bucket again.
    fn grow(&mut self) {
        let size = (self.table.len() * 2).max(4);
        let empty = Bucket {
            occupied: false,
            dir: 0,
            len: 0,
            net: 0,
            more: NO_MORE,
            first: Entry {
                selector: Selector {
                    src: Cidr::new(Address::UNSPECIFIED, 0),
                    dst: Cidr::new(Address::UNSPECIFIED, 0),
                    src_port: None,
                    dst_port: None,
                    upper: Upper::Any,
                },
                priority: 0,
                id: 0,
                slot: 0,
                hits: 0,
            },
        };
        let old = std::mem::replace(&mut self.table, vec![empty; size]);
        let mask = size - 1;
        for bucket in old.into_iter().filter(|b| b.occupied) {
            let mut i = home(bucket.dir, bucket.len, bucket.net, mask);
            while self.table[i].occupied {
                i = (i + 1) & mask;
            }
            self.table[i] = bucket;
        }
    }

    /// The table index of the bucket for (`dir`, `len`, `net`).
    fn probe(&self, dir: u8, len: u8, net: u32) -> Option<usize> {
        if self.table.is_empty() {
            return None;
        }
        let mask = self.table.len() - 1;
        let mut i = home(dir, len, net, mask);
        loop {
            let bucket = &self.table[i];
            if !bucket.occupied {
                return None;
            }
            if bucket.is(dir, len, net) {
                return Some(i);
            }
            i = (i + 1) & mask;
        }
    }

    fn entry(&self, at: At) -> &Entry {
        match at {
            At::First(b) => &self.table[b].first,
            At::More(m, i) => &self.more[m][i],
        }
    }

    fn entry_mut(&mut self, at: At) -> &mut Entry {
        match at {
            At::First(b) => &mut self.table[b].first,
            At::More(m, i) => &mut self.more[m][i],
        }
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
        let slot = self
            .find(selector, dir)
            .map(|at| self.entry(at).slot as usize);
        match slot.and_then(|i| self.policies[i].spec.templates.first().copied()) {
            Some(Template {
                level: Level::Unique(Some(id)),
                ..
            }) => id,
            _ => 0,
        }
    }

    /// The policy for exactly `selector` in `dir` (a PF_KEY GET), from
    /// the index rather than a walk over every policy.
    pub fn get(&self, selector: &Selector, dir: Direction) -> Option<&Policy> {
        let at = self.find(selector, dir)?;
        Some(&self.policies[self.entry(at).slot as usize])
    }

    /// The entry of the policy for exactly `selector` in `dir`.
    fn find(&self, selector: &Selector, dir: Direction) -> Option<At> {
        let len = selector.dst.len;
        let b = self.probe(dir_index(dir) as u8, len, network(len, selector.dst.addr))?;
        let bucket = &self.table[b];
        if bucket.first.selector == *selector {
            return Some(At::First(b));
        }
        let m = bucket.more;
        let more = self.more.get(m as usize)?;
        more.iter()
            .position(|e| e.selector == *selector)
            .map(|i| At::More(m as usize, i))
    }

    /// `spddelete`.
    pub fn delete(&mut self, selector: &Selector, dir: Direction) -> bool {
        let Some(at) = self.find(selector, dir) else {
            return false;
        };
        let slot = self.entry(at).slot as usize;
        self.live[slot] = false;
        match at {
            At::More(m, i) => {
                self.more[m].remove(i);
            }
            At::First(b) => {
                let m = self.table[b].more;
                match self.more.get_mut(m as usize).filter(|v| !v.is_empty()) {
                    Some(more) => self.table[b].first = more.remove(0),
                    None => self.remove_bucket(b),
                }
            }
        }
        true
    }

    /// Empties table index `i`, shifting later buckets of its probe run
    /// back so that every bucket stays reachable from its home.
    fn remove_bucket(&mut self, mut i: usize) {
        let mask = self.table.len() - 1;
        self.table[i].occupied = false;
        self.buckets -= 1;
        let mut j = i;
        loop {
            j = (j + 1) & mask;
            let b = self.table[j];
            if !b.occupied {
                return;
            }
            let k = home(b.dir, b.len, b.net, mask);
            // Move `j` into the hole unless its home lies cyclically in (i, j].
            let stays = if i <= j {
                i < k && k <= j
            } else {
                i < k || k <= j
            };
            if !stays {
                self.table[i] = b;
                self.table[j].occupied = false;
                i = j;
            }
        }
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
        self.policies
            .iter()
            .zip(&self.live)
            .filter(|(_, live)| **live)
            .map(|(p, _)| p)
    }

    pub fn is_empty(&self) -> bool {
        !self.live.contains(&true)
    }

    /// How many packets `policy` (one of [`Spd::iter`]'s) has matched.
    pub fn hits(&self, policy: &Policy) -> u64 {
        self.find(&policy.spec.selector, policy.spec.dir)
            .map_or(0, |at| self.entry(at).hits)
    }

    /// The policy for a packet in direction `dir`, counting the hit.
    pub fn lookup(&mut self, dir: Direction, p: &PacketSelector) -> Option<&Policy> {
        let at = self.lookup_entry(dir, p)?;
        let entry = self.entry_mut(at);
        entry.hits += 1;
        let slot = entry.slot as usize;
        self.policies.get(slot)
    }

    /// Among the buckets of `p`'s destination, one per prefix length, the
    /// first matching entry of each (buckets are in priority order), and of
    /// those the lowest priority, then the first installed.
    fn lookup_entry(&self, dir: Direction, p: &PacketSelector) -> Option<At> {
        let d = dir_index(dir);
        let mut best: Option<(i32, u32, At)> = None;
        for &len in &self.prefix_lens[d] {
            let Some(b) = self.probe(d as u8, len, network(len, p.dst)) else {
                continue;
            };
            let bucket = &self.table[b];
            let hit = if bucket.first.selector.matches(p) {
                Some((bucket.first.priority, bucket.first.id, At::First(b)))
            } else {
                let m = bucket.more as usize;
                self.more.get(m).and_then(|more| {
                    let i = more.iter().position(|e| e.selector.matches(p))?;
                    Some((more[i].priority, more[i].id, At::More(m, i)))
                })
            };
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
                src: Prefix::parse(src).unwrap().into(),
                dst: Prefix::parse(dst).unwrap().into(),
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

    /// The table against the definition: of the live policies of a
    /// direction that match, the lowest priority, then the first installed;
    /// through adds, deletes (which shift probe runs back) and growth.
    #[test]
    fn table_agrees_with_a_linear_search() {
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let mut next = move |n: u64| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state % n
        };
        let mut spd = Spd::default();
        let mut installed: Vec<(PolicySpec, u32)> = Vec::new();
        for round in 0..3000 {
            if round % 3 == 2 && !installed.is_empty() {
                let (gone, _) = installed.remove(next(installed.len() as u64) as usize);
                assert!(spd.delete(&gone.selector, gone.dir));
                continue;
            }
            let len = [0u8, 8, 16, 24, 32][next(5) as usize];
            let dst =
                std::net::Ipv4Addr::from(0x0a00_0000 | (next(64) as u32) << 8 | next(4) as u32);
            let src = ["0.0.0.0/0", "10.0.0.0/8", "192.168.0.0/16"][next(3) as usize];
            let dir = [Direction::In, Direction::Out, Direction::Fwd][next(3) as usize];
            let mut spec = policy(
                src,
                &format!("{dst}/{len}"),
                dir,
                Action::None,
                next(3) as i32 - 1,
            );
            spec.selector.dst = Prefix::new(Prefix::new(dst, len).network(), len).into();
            if let Ok(id) = spd.add(spec.clone()) {
                installed.push((spec, id));
            }
        }
        for _ in 0..3000 {
            let p = PacketSelector {
                src: ["10.1.1.1", "192.168.3.4", "172.16.0.1"][next(3) as usize]
                    .parse()
                    .unwrap(),
                dst: std::net::Ipv4Addr::from(
                    0x0a00_0000 | (next(64) as u32) << 8 | next(4) as u32,
                )
                .into(),
                protocol: 17,
                ports: Some((1, 2)),
            };
            let dir = [Direction::In, Direction::Out, Direction::Fwd][next(3) as usize];
            let want = installed
                .iter()
                .filter(|(s, _)| s.dir == dir && s.selector.matches(&p))
                .min_by_key(|(s, id)| (s.priority, *id))
                .map(|(_, id)| *id);
            assert_eq!(spd.lookup(dir, &p).map(|x| x.id), want);
        }
        assert_eq!(spd.iter().count(), installed.len());
        let hits: u64 = spd.iter().map(|p| spd.hits(p)).sum();
        assert!(hits > 0);
    }
}
