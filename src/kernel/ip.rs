//! The node kernel: our IPv4 layer below smoltcp. It routes, forwards,
//! fragments and reassembles, answers with ICMP errors, and runs the hooks
//! where IPsec attaches. It is sans-IO: packets in, [`Actions`] out. This
//! file is the receive side; `send.rs` the sending side.

use std::any::Any;
use std::net::Ipv4Addr;

use smoltcp::time::Instant;

use super::counters::{DropReason, NodeCounters};
use super::datagram::Datagram;
use super::frag::{Reassembler, Reassembly};
use super::hook::{HookContext, PacketHook, PacketMeta, Rewrite, Routed, Verdict};
use super::route::{NextHop, Route, RouteTable};
use super::send::IcmpError;
use crate::net::Prefix;

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

/// Decapsulations one packet may go through (AH, ESP, tunnel, ...).
const MAX_NESTING: usize = 8;

pub struct Kernel {
    pub ifaces: Vec<Interface>,
    pub routes: RouteTable,
    pub forwarding: bool,
    /// Addresses a key daemon was given (mode_cfg): local, and the
    /// source of what leaves through a gateway, as on Android's TUN
    /// device with the default route.
    pub virtual_ips: Vec<Ipv4Addr>,
    pub counters: NodeCounters,
    pub(super) reassembler: Reassembler,
    pub(super) hooks: Vec<Box<dyn PacketHook>>,
    pub(super) next_ident: u16,
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
            virtual_ips: Vec::new(),
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
    /// With a virtual IP, what goes through a gateway leaves from it.
    pub fn preferred_source(&self, dst: Ipv4Addr) -> Option<Ipv4Addr> {
        let hop = self.routes.lookup(dst)?;
        if let Some(vip) = self.virtual_ips.last().filter(|_| hop.next_hop != dst) {
            return Some(*vip);
        }
        Some(self.ifaces.get(hop.iface)?.address.addr)
    }

    pub fn is_local(&self, addr: Ipv4Addr) -> bool {
        self.ifaces.iter().any(|i| i.address.addr == addr) || self.virtual_ips.contains(&addr)
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

    /// A packet that arrived on `iface` from its link: its header is
    /// parsed here, once.
    pub fn receive(&mut self, now: Instant, iface: usize, packet: Vec<u8>, out: &mut Actions) {
        self.counters.received += 1;
        match Datagram::parse(packet) {
            Ok(datagram) => self.process(now, iface, datagram, PacketMeta::default(), out),
            Err(e) => self.counters.drop(e.into()),
        }
    }

    /// Input processing of a received or reinjected (decapsulated) datagram.
    fn process(
        &mut self,
        now: Instant,
        iface: usize,
        mut datagram: Datagram,
        mut meta: PacketMeta,
        out: &mut Actions,
    ) {
        // Linux `ip_rcv_core`: bytes past the total length (link padding,
        // or trailing garbage) are cut off (`pskb_trim_rcsum`), so nothing
        // forwarded is longer than its header says.
        datagram.bytes.truncate(datagram.header.total_len());
        if meta.sec_path.len() > MAX_NESTING {
            return self.counters.drop(DropReason::Malformed);
        }
        // A NAT reassembles what it translates (Linux's conntrack defrags
        // before NAT); forwarding fragments the result again.
        if datagram.is_fragment() && self.hooks.iter().any(|hook| hook.defragments()) {
            match self.reassemble(now, &datagram) {
                Some(whole) => datagram = whole,
                None => return,
            }
        }
        let ctx = HookContext { now, iface };
        for hook in &mut self.hooks {
            let rewrite = hook.prerouting(&ctx, &mut datagram, &mut meta, &mut self.counters);
            debug_assert!(
                matches!(rewrite, Rewrite::Drop(_)) || datagram.is_consistent(),
                "stale header: {datagram:?}"
            );
            if let Rewrite::Drop(reason) = rewrite {
                return self.counters.drop(reason);
            }
        }
        if self.is_local(datagram.header.dst) {
            self.receive_local(now, iface, datagram, meta, out);
        } else if self.forwarding {
            self.forward(now, iface, datagram, meta, out);
        } else {
            self.counters.drop(DropReason::NotForUs);
        }
    }

    /// Offers a fragment to the reassembler: the whole datagram once it is
    /// complete, counted; `None` while incomplete or refused (counted).
    fn reassemble(&mut self, now: Instant, fragment: &Datagram) -> Option<Datagram> {
        match self.reassembler.offer(now, fragment) {
            Ok(Reassembly::Complete(whole)) => {
                self.counters.reassembled += 1;
                Some(whole)
            }
            Ok(Reassembly::Incomplete) => None,
            Err(_) => {
                self.counters.drop(DropReason::ReassemblyLimit);
                None
            }
        }
    }

    fn receive_local(
        &mut self,
        now: Instant,
        iface: usize,
        datagram: Datagram,
        mut meta: PacketMeta,
        out: &mut Actions,
    ) {
        let mut datagram = if datagram.is_fragment() {
            match self.reassemble(now, &datagram) {
                Some(whole) => whole,
                None => return,
            }
        } else {
            datagram
        };
        let ctx = HookContext { now, iface };
        match run_hooks(&mut self.hooks, &ctx, &mut datagram, |hook, c, d| {
            hook.input(c, &mut meta, d)
        }) {
            Verdict::Accept => {
                self.counters.delivered += 1;
                out.deliver.push(datagram.bytes);
            }
            Verdict::Drop(reason) => self.counters.drop(reason),
            Verdict::Reinject => self.process(now, iface, datagram, meta, out),
        }
    }

    /// RFC 1812 §5.2: check and decrement TTL, route, run the forward hooks.
    fn forward(
        &mut self,
        now: Instant,
        in_iface: usize,
        mut datagram: Datagram,
        mut meta: PacketMeta,
        out: &mut Actions,
    ) {
        let arrived = datagram.header;
        // RFC 1812 §5.3.1: a packet whose TTL would reach zero is discarded
        // with an ICMP Time Exceeded.
        if arrived.ttl <= 1 {
            self.icmp_error(
                now,
                in_iface,
                &datagram.bytes,
                &arrived,
                IcmpError::TtlExceeded,
                out,
            );
            return self.counters.drop(DropReason::TtlExceeded);
        }
        let Some(hop) = self.routes.lookup(arrived.dst) else {
            self.icmp_error(
                now,
                in_iface,
                &datagram.bytes,
                &arrived,
                IcmpError::NetUnreachable,
                out,
            );
            return self.counters.drop(DropReason::NoRoute);
        };
        datagram.decrement_ttl();
        let ctx = HookContext {
            now,
            iface: in_iface,
        };
        match run_hooks(&mut self.hooks, &ctx, &mut datagram, |hook, c, d| {
            hook.forward(c, &mut meta, d)
        }) {
            Verdict::Accept => {}
            Verdict::Drop(reason) => return self.counters.drop(reason),
            Verdict::Reinject => return self.counters.drop(DropReason::Policy),
        }
        let routed = Routed {
            now,
            in_iface: Some(in_iface),
            out_iface: hop.iface,
        };
        if let Rewrite::Drop(reason) = self.postrouting(&routed, &mut datagram, &meta) {
            return self.counters.drop(reason);
        }
        self.forward_out(now, in_iface, datagram, &arrived, hop, out);
    }

    /// The end of forwarding: a datagram too large for the link with DF
    /// set is answered with "fragmentation needed" (RFC 1191 §4), unless a
    /// hook encapsulated it (new destination): the outer header has DF
    /// clear, as on Linux with PMTU discovery off.
    fn forward_out(
        &mut self,
        now: Instant,
        in_iface: usize,
        datagram: Datagram,
        arrived: &crate::wire::ipv4::Repr,
        hop: NextHop,
        out: &mut Actions,
    ) {
        let mtu = self.ifaces[hop.iface].mtu;
        let tunneled = datagram.header.dst != arrived.dst;
        if !tunneled && arrived.frag.dont_frag && arrived.total_len() > mtu {
            let kind = IcmpError::FragNeeded(mtu as u16);
            self.icmp_error(now, in_iface, &datagram.bytes, arrived, kind, out);
            return self.counters.drop(DropReason::FragNeeded);
        }
        self.counters.forwarded += 1;
        self.emit(datagram, hop, arrived.dst, false, out);
    }

    /// Runs the postrouting hooks; the first that rewrites or drops ends it.
    pub(super) fn postrouting(
        &mut self,
        routed: &Routed,
        datagram: &mut Datagram,
        meta: &PacketMeta,
    ) -> Rewrite {
        for hook in &mut self.hooks {
            let rewrite = hook.postrouting(routed, datagram, meta, &mut self.counters);
            debug_assert!(
                matches!(rewrite, Rewrite::Drop(_)) || datagram.is_consistent(),
                "stale header: {datagram:?}"
            );
            match rewrite {
                Rewrite::Untouched => {}
                done => return done,
            }
        }
        Rewrite::Untouched
    }
}

/// Runs one hook point over every hook; the first verdict other than
/// Accept ends it. In debug builds, checks after each hook that the
/// datagram's parsed header still describes its bytes.
pub(super) fn run_hooks(
    hooks: &mut [Box<dyn PacketHook>],
    ctx: &HookContext,
    datagram: &mut Datagram,
    mut stage: impl FnMut(&mut dyn PacketHook, &HookContext, &mut Datagram) -> Verdict,
) -> Verdict {
    for hook in hooks.iter_mut() {
        let verdict = stage(hook.as_mut(), ctx, datagram);
        debug_assert!(
            matches!(verdict, Verdict::Drop(_)) || datagram.is_consistent(),
            "a hook left a stale header: {datagram:?}"
        );
        if verdict != Verdict::Accept {
            return verdict;
        }
    }
    Verdict::Accept
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::frag::Repr as Fragment;
    use crate::wire::icmp;
    use crate::wire::ipv4::Repr;

    const PROTO_ICMP: u8 = 1;

    fn datagram(src: &str, dst: &str, protocol: u8, ttl: u8, payload: &[u8]) -> Vec<u8> {
        let header = Repr::new(
            src.parse().unwrap(),
            dst.parse().unwrap(),
            protocol,
            ttl,
            payload.len(),
        );
        Datagram::new(header, payload).unwrap().into_bytes()
    }

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
        let header = Repr {
            frag: Fragment::whole(9, dont_frag),
            ..Repr::new(
                "10.1.0.10".parse().unwrap(),
                dst.parse().unwrap(),
                17,
                ttl,
                len,
            )
        };
        Datagram::new(header, &vec![0xab; len])
            .unwrap()
            .into_bytes()
    }

    fn icmp_of(t: &Transmit) -> (u8, u8, Ipv4Addr, Ipv4Addr) {
        let h = Repr::parse_bytes(&t.packet).unwrap();
        assert_eq!(h.protocol, PROTO_ICMP);
        let message = icmp::Packet::new_checked(&t.packet[20..]).unwrap();
        assert!(message.verify_checksum(), "ICMP checksum");
        (message.msg_type(), message.code(), h.src, h.dst)
    }

    #[test]
    fn forwards_with_ttl_decrement_via_gateway() {
        let mut k = router();
        let mut out = Actions::default();
        k.receive(Instant::ZERO, 0, udp("10.2.0.20", 64, 100, false), &mut out);
        assert_eq!(out.transmit.len(), 1);
        let t = &out.transmit[0];
        assert_eq!((t.iface, t.next_hop), (1, "172.16.0.2".parse().unwrap()));
        assert_eq!(Repr::parse_bytes(&t.packet).unwrap().ttl, 63);
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
        let message = icmp::Packet::new_checked(&t.packet[20..]).unwrap();
        assert_eq!(message.next_hop_mtu(), 576);
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
        let p = datagram(
            "10.1.0.10",
            "8.8.8.8",
            PROTO_ICMP,
            64,
            &[3, 1, 0, 0, 0, 0, 0, 0],
        );
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
        fn output(&mut self, _: &HookContext, _: &mut Datagram) -> Verdict {
            self.seen.borrow_mut().push("output");
            Verdict::Accept
        }
        fn forward(&mut self, _: &HookContext, _: &mut PacketMeta, _: &mut Datagram) -> Verdict {
            self.seen.borrow_mut().push("forward");
            Verdict::Accept
        }
        fn input(&mut self, _: &HookContext, _: &mut PacketMeta, _: &mut Datagram) -> Verdict {
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
        datagram("10.1.0.1", "10.1.0.10", 17, 64, &[0; 8])
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
        let ping = datagram(
            "10.1.0.1",
            "10.2.0.20",
            PROTO_ICMP,
            64,
            &[8, 0, 0xf7, 0xff, 0, 0, 0, 0],
        );
        let mut out = Actions::default();
        k.send_local(Instant::ZERO, ping, &mut out);
        let sent = Repr::parse_bytes(&out.transmit[0].packet).expect("valid header");
        assert_eq!(sent.src, "172.16.0.1".parse::<Ipv4Addr>().unwrap());
        assert_eq!(
            k.preferred_source("10.1.0.7".parse().unwrap()),
            Some("10.1.0.1".parse().unwrap())
        );
    }

    /// A hook that rewrites the destination, as tunnel mode will.
    struct Redirect;

    impl PacketHook for Redirect {
        fn output(&mut self, _: &HookContext, d: &mut Datagram) -> Verdict {
            d.rewrite_ipv4(|h| h.dst = Ipv4Addr::new(10, 2, 0, 99));
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
