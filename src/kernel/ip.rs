//! The node kernel: our IPv4 layer below smoltcp. It routes, forwards,
//! fragments and reassembles, answers with ICMP errors, and runs the hooks
//! where IPsec attaches. It is sans-IO: packets in, [`Actions`] out.

use std::any::Any;
use std::net::Ipv4Addr;

use smoltcp::time::Instant;

use super::counters::{DropReason, NodeCounters};
use super::frag::{self, Reassembler, Reassembly};
use super::hook::{HookContext, PacketHook, PacketMeta, Rewrite, Routed, Verdict};
use super::mss;
use super::route::{NextHop, Route, RouteTable};
use crate::net::Prefix;
use crate::wire::ipv4::{self, Header, HeaderError};

/// One network interface of a node.
#[derive(Clone, Debug)]
pub struct Interface {
    pub name: String,
    pub address: Prefix,
    pub mtu: usize,
    /// Index of the link in the world.
    pub link: usize,
}

/// A packet for the link behind `iface`, addressed to neighbour `next_hop`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Transmit {
    pub iface: usize,
    pub next_hop: Ipv4Addr,
    pub packet: Vec<u8>,
}

/// What the kernel asks its node to do after handling a packet.
#[derive(Debug, Default)]
pub struct Actions {
    pub transmit: Vec<Transmit>,
    /// Whole datagrams for the local smoltcp stack.
    pub deliver: Vec<Vec<u8>>,
}

/// ICMP messages the kernel originates (RFC 792).
#[derive(Clone, Copy, Debug)]
enum IcmpError {
    NetUnreachable,
    /// Fragmentation needed and DF set, with the next-hop MTU (RFC 1191 §4).
    FragNeeded(u16),
    TtlExceeded,
}

impl IcmpError {
    fn type_code(self) -> (u8, u8, u32) {
        match self {
            IcmpError::NetUnreachable => (3, 0, 0),
            IcmpError::FragNeeded(mtu) => (3, 4, u32::from(mtu)),
            IcmpError::TtlExceeded => (11, 0, 0),
        }
    }
}

const PROTO_ICMP: u8 = 1;
const PROTO_TCP: u8 = 6;
const DEFAULT_TTL: u8 = 64;
/// Decapsulations one packet may go through (AH, ESP, tunnel, ...).
const MAX_NESTING: usize = 8;

pub struct Kernel {
    pub ifaces: Vec<Interface>,
    pub routes: RouteTable,
    pub forwarding: bool,
    pub counters: NodeCounters,
    reassembler: Reassembler,
    hooks: Vec<Box<dyn PacketHook>>,
    next_ident: u16,
}

impl Kernel {
    /// A kernel with connected routes for every interface.
    pub fn new(ifaces: Vec<Interface>, forwarding: bool, first_ident: u16) -> Kernel {
        let mut routes = RouteTable::default();
        for (i, iface) in ifaces.iter().enumerate() {
            let dest = Prefix::new(iface.address.network(), iface.address.len);
            routes.add(Route {
                dest,
                via: None,
                iface: i,
            });
        }
        Kernel {
            ifaces,
            routes,
            forwarding,
            counters: NodeCounters::default(),
            reassembler: Reassembler::default(),
            hooks: Vec::new(),
            next_ident: first_ident,
        }
    }

    /// Adds a static route through a neighbour on a connected subnet.
    pub fn add_route(&mut self, dest: Prefix, via: Ipv4Addr) -> Result<(), String> {
        let NextHop { iface, .. } = self
            .routes
            .routes()
            .iter()
            .find(|r| r.via.is_none() && r.dest.contains(via))
            .map(|r| NextHop {
                iface: r.iface,
                next_hop: via,
            })
            .ok_or_else(|| format!("next hop {via} is on no connected subnet"))?;
        self.routes.add(Route {
            dest,
            via: Some(via),
            iface,
        });
        Ok(())
    }

    pub fn add_hook(&mut self, hook: Box<dyn PacketHook>) {
        self.hooks.push(hook);
    }

    /// The registered hook of type `H`, if any.
    pub fn hook<H: PacketHook>(&self) -> Option<&H> {
        self.hooks.iter().find_map(|h| {
            let any: &dyn Any = h.as_ref();
            any.downcast_ref()
        })
    }

    pub fn hook_mut<H: PacketHook>(&mut self) -> Option<&mut H> {
        self.hooks.iter_mut().find_map(|h| {
            let any: &mut dyn Any = h.as_mut();
            any.downcast_mut()
        })
    }

    /// The source address of a packet this node sends to `dst` from an
    /// unbound socket: Linux's `fib_result_prefsrc`, which for our routes
    /// (no `src` attribute, one address per interface) is
    /// `inet_select_addr` on the interface the route leaves by.
    pub fn preferred_source(&self, dst: Ipv4Addr) -> Option<Ipv4Addr> {
        let hop = self.routes.lookup(dst)?;
        Some(self.ifaces.get(hop.iface)?.address.addr)
    }

    pub fn is_local(&self, addr: Ipv4Addr) -> bool {
        self.ifaces.iter().any(|i| i.address.addr == addr)
    }

    /// When the kernel next needs [`Kernel::on_timer`].
    pub fn next_timer(&self) -> Option<Instant> {
        let hooks = self.hooks.iter().filter_map(|h| h.next_timer()).min();
        [self.reassembler.next_expiry(), hooks]
            .into_iter()
            .flatten()
            .min()
    }

    pub fn on_timer(&mut self, now: Instant) {
        for _ in 0..self.reassembler.expire(now) {
            self.counters.drop(DropReason::ReassemblyTimeout);
        }
        for hook in &mut self.hooks {
            hook.on_timer(now, &mut self.counters);
        }
    }

    fn take_ident(&mut self) -> u16 {
        self.next_ident = self.next_ident.wrapping_add(1);
        self.next_ident
    }

    /// A packet from the local stack: number it, route it, run the output
    /// hooks, fragment it for the outgoing link.
    pub fn send_local(&mut self, now: Instant, mut packet: Vec<u8>, out: &mut Actions) {
        let h = match Header::parse(&packet) {
            Ok(h) => h,
            Err(_) => return self.counters.drop(DropReason::Malformed),
        };
        // smoltcp sends every datagram with identification 0 and DF set. Give
        // each its own identification, and clear DF: nodes run with path MTU
        // discovery off (Linux `ip_no_pmtu_disc=1`), because smoltcp does not
        // act on ICMP "fragmentation needed"; routers fragment instead.
        let ident = self.take_ident();
        ipv4::set_ident(&mut packet, ident);
        ipv4::set_frag(&mut packet, false, h.more_frags, h.frag_offset);
        ipv4::fill_checksum(&mut packet, h.header_len);
        let Some(hop) = self.routes.lookup(h.dst) else {
            return self.counters.drop(DropReason::NoRoute);
        };
        // smoltcp's ICMP sockets cannot be bound to an address and take the
        // first interface's for any off-link destination; Linux gives an
        // unbound socket the route's preferred source.
        if is_echo_request(&packet, &h) {
            if let Some(src) = self.preferred_source(h.dst).filter(|s| *s != h.src) {
                ipv4::set_src(&mut packet, src);
                ipv4::fill_checksum(&mut packet, h.header_len);
            }
        }
        if h.protocol == PROTO_TCP {
            let mtu = self.ifaces[hop.iface].mtu;
            mss::clamp(
                &mut packet,
                h.header_len,
                mtu.saturating_sub(40).min(65535) as u16,
            );
        }
        let ctx = HookContext {
            now,
            iface: hop.iface,
        };
        match run_hooks(&mut self.hooks, &ctx, &mut packet, |hook, c, p| {
            hook.output(c, p)
        }) {
            Verdict::Accept => {}
            Verdict::Drop(reason) => return self.counters.drop(reason),
            Verdict::Reinject => return self.counters.drop(DropReason::Policy),
        }
        let routed = Routed {
            now,
            in_iface: None,
            out_iface: hop.iface,
        };
        if let Ok(sent) = Header::parse(&packet) {
            let meta = PacketMeta::default();
            if let Rewrite::Drop(reason) = self.postrouting(&routed, &sent, &meta, &mut packet) {
                return self.counters.drop(reason);
            }
        }
        self.emit_parsed(packet, hop, h.dst, true, out);
    }

    /// Parses the header a hook may have rewritten, then [`Kernel::emit`]s.
    fn emit_parsed(
        &mut self,
        packet: Vec<u8>,
        hop: NextHop,
        routed_dst: Ipv4Addr,
        local: bool,
        out: &mut Actions,
    ) {
        match Header::parse(&packet) {
            Ok(h) => self.emit(packet, h, hop, routed_dst, local, out),
            Err(_) => self.counters.drop(DropReason::Malformed),
        }
    }

    /// Routes again if a hook changed the destination, then fragments.
    fn emit(
        &mut self,
        packet: Vec<u8>,
        h: Header,
        hop: NextHop,
        routed_dst: Ipv4Addr,
        local: bool,
        out: &mut Actions,
    ) {
        let hop = if h.dst == routed_dst {
            hop
        } else {
            match self.routes.lookup(h.dst) {
                Some(hop) => hop,
                None => return self.counters.drop(DropReason::NoRoute),
            }
        };
        let mtu = self.ifaces[hop.iface].mtu;
        if h.total_len <= mtu {
            // What `frag::fragment` does with a packet that fits, without
            // the list of pieces (an allocation per packet).
            self.counters.sent += 1;
            out.transmit.push(Transmit {
                iface: hop.iface,
                next_hop: hop.next_hop,
                packet,
            });
            return;
        }
        let mut pieces = Vec::new();
        match frag::fragment(packet, &h, mtu, local, &mut pieces) {
            Ok(()) => {
                if pieces.len() > 1 {
                    self.counters.fragments_created += pieces.len() as u64;
                }
                for packet in pieces {
                    self.counters.sent += 1;
                    out.transmit.push(Transmit {
                        iface: hop.iface,
                        next_hop: hop.next_hop,
                        packet,
                    });
                }
            }
            Err(frag::NeedsFragmentation) => {
                self.counters.drop(DropReason::FragNeeded);
            }
        }
    }

    /// A packet that arrived on `iface` from its link.
    pub fn receive(&mut self, now: Instant, iface: usize, packet: Vec<u8>, out: &mut Actions) {
        self.counters.received += 1;
        self.process(now, iface, packet, PacketMeta::default(), out);
    }

    /// Input processing of a received or reinjected (decapsulated) packet.
    fn process(
        &mut self,
        now: Instant,
        iface: usize,
        mut packet: Vec<u8>,
        mut meta: PacketMeta,
        out: &mut Actions,
    ) {
        let mut h = match Header::parse(&packet) {
            Ok(h) => h,
            Err(HeaderError::Malformed) => return self.counters.drop(DropReason::Malformed),
            Err(HeaderError::BadChecksum) => return self.counters.drop(DropReason::BadChecksum),
        };
        // Linux `ip_rcv_core`: bytes past the total length (link padding,
        // or trailing garbage) are cut off (`pskb_trim_rcsum`), so nothing
        // forwarded is longer than its header says.
        packet.truncate(h.total_len);
        if meta.sec_path.len() > MAX_NESTING {
            return self.counters.drop(DropReason::Malformed);
        }
        // A NAT reassembles what it translates (Linux's conntrack defrags
        // before NAT); forwarding fragments the result again.
        if h.is_fragment() && self.hooks.iter().any(|hook| hook.defragments()) {
            match self.reassembler.offer(now, &packet, &h) {
                Ok(Reassembly::Complete(p)) => {
                    self.counters.reassembled += 1;
                    packet = p;
                    let Ok(whole) = Header::parse(&packet) else {
                        return self.counters.drop(DropReason::Malformed);
                    };
                    h = whole;
                }
                Ok(Reassembly::Incomplete) => return,
                Err(_) => return self.counters.drop(DropReason::ReassemblyLimit),
            }
        }
        let ctx = HookContext { now, iface };
        for hook in &mut self.hooks {
            match hook.prerouting(&ctx, &h, &mut meta, &mut packet, &mut self.counters) {
                Rewrite::Untouched => {}
                Rewrite::Rewritten => {
                    let Ok(translated) = Header::parse(&packet) else {
                        return self.counters.drop(DropReason::Malformed);
                    };
                    h = translated;
                }
                Rewrite::Drop(reason) => return self.counters.drop(reason),
            }
        }
        if self.is_local(h.dst) {
            self.receive_local(now, iface, packet, &h, meta, out);
        } else if self.forwarding {
            self.forward(now, iface, packet, &h, meta, out);
        } else {
            self.counters.drop(DropReason::NotForUs);
        }
    }

    fn receive_local(
        &mut self,
        now: Instant,
        iface: usize,
        packet: Vec<u8>,
        h: &Header,
        mut meta: PacketMeta,
        out: &mut Actions,
    ) {
        let mut packet = if h.is_fragment() {
            match self.reassembler.offer(now, &packet, h) {
                Ok(Reassembly::Complete(p)) => {
                    self.counters.reassembled += 1;
                    p
                }
                Ok(Reassembly::Incomplete) => return,
                Err(_) => return self.counters.drop(DropReason::ReassemblyLimit),
            }
        } else {
            packet
        };
        let ctx = HookContext { now, iface };
        match run_hooks(&mut self.hooks, &ctx, &mut packet, |hook, c, p| {
            hook.input(c, &mut meta, p)
        }) {
            Verdict::Accept => {
                self.counters.delivered += 1;
                out.deliver.push(packet);
            }
            Verdict::Drop(reason) => self.counters.drop(reason),
            Verdict::Reinject => self.process(now, iface, packet, meta, out),
        }
    }

    /// RFC 1812 §5.2: check and decrement TTL, route, run the forward hooks.
    fn forward(
        &mut self,
        now: Instant,
        in_iface: usize,
        mut packet: Vec<u8>,
        h: &Header,
        mut meta: PacketMeta,
        out: &mut Actions,
    ) {
        // RFC 1812 §5.3.1: a packet whose TTL would reach zero is discarded
        // with an ICMP Time Exceeded.
        if h.ttl <= 1 {
            self.icmp_error(now, in_iface, &packet, h, IcmpError::TtlExceeded, out);
            return self.counters.drop(DropReason::TtlExceeded);
        }
        let Some(hop) = self.routes.lookup(h.dst) else {
            self.icmp_error(now, in_iface, &packet, h, IcmpError::NetUnreachable, out);
            return self.counters.drop(DropReason::NoRoute);
        };
        ipv4::decrement_ttl(&mut packet);
        let ctx = HookContext {
            now,
            iface: in_iface,
        };
        match run_hooks(&mut self.hooks, &ctx, &mut packet, |hook, c, p| {
            hook.forward(c, &mut meta, p)
        }) {
            Verdict::Accept => {}
            Verdict::Drop(reason) => return self.counters.drop(reason),
            Verdict::Reinject => return self.counters.drop(DropReason::Policy),
        }
        let mtu = self.ifaces[hop.iface].mtu;
        // A packet a hook encapsulated (new destination) is fragmented after
        // encapsulation whatever its inner DF said: the outer header has DF
        // clear, as on Linux with PMTU discovery off.
        let Ok(mut after) = Header::parse(&packet) else {
            return self.counters.drop(DropReason::Malformed);
        };
        let routed = Routed {
            now,
            in_iface: Some(in_iface),
            out_iface: hop.iface,
        };
        match self.postrouting(&routed, &after, &meta, &mut packet) {
            Rewrite::Untouched => {}
            Rewrite::Rewritten => {
                let Ok(translated) = Header::parse(&packet) else {
                    return self.counters.drop(DropReason::Malformed);
                };
                after = translated;
            }
            Rewrite::Drop(reason) => return self.counters.drop(reason),
        }
        let tunneled = after.dst != h.dst;
        if !tunneled && h.dont_frag && h.total_len > mtu {
            self.icmp_error(
                now,
                in_iface,
                &packet,
                h,
                IcmpError::FragNeeded(mtu as u16),
                out,
            );
            return self.counters.drop(DropReason::FragNeeded);
        }
        self.counters.forwarded += 1;
        self.emit(packet, after, hop, h.dst, false, out);
    }

    /// Runs the postrouting hooks; the first that rewrites or drops ends it.
    fn postrouting(
        &mut self,
        routed: &Routed,
        h: &Header,
        meta: &PacketMeta,
        packet: &mut [u8],
    ) -> Rewrite {
        for hook in &mut self.hooks {
            match hook.postrouting(routed, h, meta, packet, &mut self.counters) {
                Rewrite::Untouched => {}
                done => return done,
            }
        }
        Rewrite::Untouched
    }

    /// Sends an ICMP error about `offending` back to its source (RFC 792),
    /// from the address of the interface it arrived on. Never about an ICMP
    /// error, a non-first fragment or a non-unicast source (RFC 1812 §4.3.2.7).
    fn icmp_error(
        &mut self,
        now: Instant,
        in_iface: usize,
        offending: &[u8],
        h: &Header,
        kind: IcmpError,
        out: &mut Actions,
    ) {
        let unicast_src = !(h.src.is_unspecified()
            || h.src.is_broadcast()
            || h.src.is_multicast()
            || h.src.is_loopback());
        if h.frag_offset > 0 || !unicast_src || is_icmp_error(offending, h) {
            return;
        }
        // RFC 1812 §4.3.2.3: as much of the original as fits in 576 bytes.
        let quoted = &offending[..h.total_len.min(576 - 28)];
        let (icmp_type, code, rest) = kind.type_code();
        let mut icmp = vec![icmp_type, code, 0, 0];
        icmp.extend_from_slice(&rest.to_be_bytes());
        icmp.extend_from_slice(quoted);
        let sum = !crate::net::ones_complement_sum(&icmp);
        icmp[2..4].copy_from_slice(&sum.to_be_bytes());
        let src = self.ifaces[in_iface].address.addr;
        let ident = self.take_ident();
        let mut packet =
            ipv4::build_header(src, h.src, PROTO_ICMP, DEFAULT_TTL, ident, icmp.len()).to_vec();
        packet.extend_from_slice(&icmp);
        let Some(hop) = self.routes.lookup(h.src) else {
            return;
        };
        self.counters.icmp_errors_sent += 1;
        let ctx = HookContext {
            now,
            iface: hop.iface,
        };
        if run_hooks(&mut self.hooks, &ctx, &mut packet, |hook, c, p| {
            hook.output(c, p)
        }) == Verdict::Accept
        {
            self.emit_parsed(packet, hop, h.src, true, out);
        }
    }
}

fn is_echo_request(packet: &[u8], h: &Header) -> bool {
    h.protocol == PROTO_ICMP && h.frag_offset == 0 && packet.get(h.header_len) == Some(&8)
}

fn is_icmp_error(packet: &[u8], h: &Header) -> bool {
    // RFC 1122 §3.2.2: types 3, 4, 5, 11 and 12 are errors.
    h.protocol == PROTO_ICMP && matches!(packet.get(h.header_len), Some(3 | 4 | 5 | 11 | 12))
}

fn run_hooks(
    hooks: &mut [Box<dyn PacketHook>],
    ctx: &HookContext,
    packet: &mut Vec<u8>,
    mut stage: impl FnMut(&mut dyn PacketHook, &HookContext, &mut Vec<u8>) -> Verdict,
) -> Verdict {
    for hook in hooks.iter_mut() {
        match stage(hook.as_mut(), ctx, packet) {
            Verdict::Accept => {}
            other => return other,
        }
    }
    Verdict::Accept
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::ipv4::build_header;

    fn router() -> Kernel {
        let iface = |name: &str, addr: &str, mtu| Interface {
            name: name.into(),
            address: Prefix::parse(addr).unwrap(),
            mtu,
            link: 0,
        };
        let ifaces = vec![
            iface("eth0", "10.1.0.1/24", 1500),
            iface("eth1", "172.16.0.1/30", 576),
        ];
        let mut k = Kernel::new(ifaces, true, 100);
        k.add_route(
            Prefix::parse("10.2.0.0/24").unwrap(),
            "172.16.0.2".parse().unwrap(),
        )
        .unwrap();
        k
    }

    fn udp(dst: &str, ttl: u8, len: usize, dont_frag: bool) -> Vec<u8> {
        let mut p = build_header(
            "10.1.0.10".parse().unwrap(),
            dst.parse().unwrap(),
            17,
            ttl,
            9,
            len,
        )
        .to_vec();
        p.extend(std::iter::repeat_n(0xab, len));
        ipv4::set_frag(&mut p, dont_frag, false, 0);
        ipv4::fill_checksum(&mut p, 20);
        p
    }

    fn icmp_of(t: &Transmit) -> (u8, u8, Ipv4Addr, Ipv4Addr) {
        let h = Header::parse(&t.packet).unwrap();
        assert_eq!(h.protocol, PROTO_ICMP);
        assert_eq!(
            crate::net::ones_complement_sum(&t.packet[20..]),
            0xffff,
            "ICMP checksum"
        );
        (t.packet[20], t.packet[21], h.src, h.dst)
    }

    #[test]
    fn forwards_with_ttl_decrement_via_gateway() {
        let mut k = router();
        let mut out = Actions::default();
        k.receive(Instant::ZERO, 0, udp("10.2.0.20", 64, 100, false), &mut out);
        assert_eq!(out.transmit.len(), 1);
        let t = &out.transmit[0];
        assert_eq!((t.iface, t.next_hop), (1, "172.16.0.2".parse().unwrap()));
        assert_eq!(Header::parse(&t.packet).unwrap().ttl, 63);
        assert_eq!(k.counters.forwarded, 1);
    }

    #[test]
    fn ttl_expiry_answers_time_exceeded() {
        let mut k = router();
        let mut out = Actions::default();
        k.receive(Instant::ZERO, 0, udp("10.2.0.20", 1, 100, false), &mut out);
        assert_eq!(out.transmit.len(), 1);
        let (ty, code, src, dst) = icmp_of(&out.transmit[0]);
        assert_eq!((ty, code), (11, 0));
        assert_eq!(src, "10.1.0.1".parse::<Ipv4Addr>().unwrap());
        assert_eq!(dst, "10.1.0.10".parse::<Ipv4Addr>().unwrap());
        assert_eq!(k.counters.get("dropped.ttl-exceeded"), Some(1));
    }

    #[test]
    fn no_route_answers_net_unreachable() {
        let mut k = router();
        let mut out = Actions::default();
        k.receive(Instant::ZERO, 0, udp("8.8.8.8", 64, 10, false), &mut out);
        let (ty, code, _, _) = icmp_of(&out.transmit[0]);
        assert_eq!((ty, code), (3, 0));
        assert_eq!(k.counters.get("dropped.no-route"), Some(1));
    }

    #[test]
    fn dont_fragment_answers_frag_needed_with_mtu() {
        let mut k = router();
        let mut out = Actions::default();
        k.receive(Instant::ZERO, 0, udp("10.2.0.20", 64, 1000, true), &mut out);
        assert_eq!(out.transmit.len(), 1);
        let t = &out.transmit[0];
        let (ty, code, _, _) = icmp_of(t);
        assert_eq!((ty, code), (3, 4));
        // RFC 1191 §4: the next-hop MTU sits in the low 16 bits of the second word.
        assert_eq!(u16::from_be_bytes([t.packet[26], t.packet[27]]), 576);
    }

    #[test]
    fn fragments_forwarded_packets_to_link_mtu() {
        let mut k = router();
        let mut out = Actions::default();
        k.receive(
            Instant::ZERO,
            0,
            udp("10.2.0.20", 64, 1400, false),
            &mut out,
        );
        assert_eq!(out.transmit.len(), 3);
        assert!(out.transmit.iter().all(|t| t.packet.len() <= 576));
        assert_eq!(k.counters.fragments_created, 3);
    }

    #[test]
    fn no_icmp_error_about_icmp_errors() {
        let mut k = router();
        let mut p = build_header(
            "10.1.0.10".parse().unwrap(),
            "8.8.8.8".parse().unwrap(),
            PROTO_ICMP,
            64,
            1,
            8,
        )
        .to_vec();
        p.extend_from_slice(&[3, 1, 0, 0, 0, 0, 0, 0]);
        let mut out = Actions::default();
        k.receive(Instant::ZERO, 0, p, &mut out);
        assert!(out.transmit.is_empty());
        assert_eq!(k.counters.get("dropped.no-route"), Some(1));
    }

    #[test]
    fn hosts_do_not_forward_and_bad_packets_are_counted() {
        let mut k = router();
        k.forwarding = false;
        let mut out = Actions::default();
        k.receive(Instant::ZERO, 0, udp("10.2.0.20", 64, 10, false), &mut out);
        let mut bad = udp("10.1.0.1", 64, 10, false);
        bad[10] ^= 0xff;
        k.receive(Instant::ZERO, 0, bad, &mut out);
        k.receive(Instant::ZERO, 0, vec![0x45, 0, 0], &mut out);
        assert!(out.transmit.is_empty() && out.deliver.is_empty());
        assert_eq!(k.counters.get("dropped.not-for-us"), Some(1));
        assert_eq!(k.counters.get("dropped.bad-checksum"), Some(1));
        assert_eq!(k.counters.get("dropped.malformed"), Some(1));
    }

    /// Records which hook points saw a packet, and drops at one of them.
    struct Probe {
        seen: std::rc::Rc<std::cell::RefCell<Vec<&'static str>>>,
        drop_input: bool,
    }

    impl PacketHook for Probe {
        fn output(&mut self, _: &HookContext, _: &mut Vec<u8>) -> Verdict {
            self.seen.borrow_mut().push("output");
            Verdict::Accept
        }
        fn forward(&mut self, _: &HookContext, _: &mut PacketMeta, _: &mut Vec<u8>) -> Verdict {
            self.seen.borrow_mut().push("forward");
            Verdict::Accept
        }
        fn input(&mut self, _: &HookContext, _: &mut PacketMeta, _: &mut Vec<u8>) -> Verdict {
            self.seen.borrow_mut().push("input");
            if self.drop_input {
                Verdict::Drop(DropReason::Policy)
            } else {
                Verdict::Accept
            }
        }
    }

    #[test]
    fn hooks_run_at_output_forward_and_input() {
        let seen = std::rc::Rc::new(std::cell::RefCell::new(Vec::new()));
        let mut k = router();
        k.add_hook(Box::new(Probe {
            seen: seen.clone(),
            drop_input: true,
        }));
        let mut out = Actions::default();
        k.receive(Instant::ZERO, 0, udp("10.2.0.20", 64, 10, false), &mut out);
        k.receive(Instant::ZERO, 0, udp("10.1.0.1", 64, 10, false), &mut out);
        let local = local_udp();
        k.send_local(Instant::ZERO, local, &mut out);
        assert_eq!(*seen.borrow(), ["forward", "input", "output"]);
        assert!(out.deliver.is_empty());
        assert_eq!(k.counters.get("dropped.policy"), Some(1));
    }

    /// An 8-byte UDP datagram from the router itself to a host on its LAN.
    fn local_udp() -> Vec<u8> {
        let mut local = build_header(
            "10.1.0.1".parse().unwrap(),
            "10.1.0.10".parse().unwrap(),
            17,
            64,
            0,
            8,
        )
        .to_vec();
        local.extend_from_slice(&[0; 8]);
        local
    }

    /// Linux `ip_rcv_core`: a packet longer than its total length is
    /// trimmed to it, so a 990-byte datagram in a 1019-byte buffer leaves
    /// an MTU-1000 link as 990 bytes, unfragmented.
    #[test]
    fn trailing_bytes_are_trimmed_before_forwarding() {
        let mut k = router();
        k.ifaces[1].mtu = 1000;
        let mut p = udp("10.2.0.20", 64, 970, false);
        p.extend(std::iter::repeat_n(0xee, 29));
        let mut out = Actions::default();
        k.receive(Instant::ZERO, 0, p, &mut out);
        assert_eq!(out.transmit.len(), 1);
        assert_eq!(out.transmit[0].packet.len(), 990);
        assert!(out.transmit.iter().all(|t| t.packet.len() <= 1000));
    }

    /// Linux `fib_result_prefsrc` / `inet_select_addr`: a router pinging
    /// a host behind its other interface sends from that interface's
    /// address, whatever smoltcp picked (its first address).
    #[test]
    fn own_pings_leave_with_the_outgoing_interfaces_address() {
        let mut k = router();
        let mut ping = build_header(
            "10.1.0.1".parse().unwrap(),
            "10.2.0.20".parse().unwrap(),
            PROTO_ICMP,
            64,
            0,
            8,
        )
        .to_vec();
        ping.extend_from_slice(&[8, 0, 0xf7, 0xff, 0, 0, 0, 0]);
        let mut out = Actions::default();
        k.send_local(Instant::ZERO, ping, &mut out);
        let sent = Header::parse(&out.transmit[0].packet).expect("valid header");
        assert_eq!(sent.src, "172.16.0.1".parse::<Ipv4Addr>().unwrap());
        assert_eq!(
            k.preferred_source("10.1.0.7".parse().unwrap()),
            Some("10.1.0.1".parse().unwrap())
        );
    }

    /// A hook that rewrites the destination, as tunnel mode will.
    struct Redirect;

    impl PacketHook for Redirect {
        fn output(&mut self, _: &HookContext, p: &mut Vec<u8>) -> Verdict {
            p[16..20].copy_from_slice(&[10, 2, 0, 99]);
            ipv4::fill_checksum(p, 20);
            Verdict::Accept
        }
    }

    #[test]
    fn output_routes_again_when_a_hook_changes_the_destination() {
        let mut k = router();
        k.add_hook(Box::new(Redirect));
        let local = local_udp();
        let mut out = Actions::default();
        k.send_local(Instant::ZERO, local, &mut out);
        assert_eq!(out.transmit[0].iface, 1);
        assert_eq!(
            out.transmit[0].next_hop,
            "172.16.0.2".parse::<Ipv4Addr>().unwrap()
        );
    }
}
