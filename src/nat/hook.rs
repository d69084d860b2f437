//! The NAT at the kernel's netfilter points: destination translation at
//! prerouting, source translation at postrouting, fragments reassembled
//! first (Linux's conntrack defrag), idle mappings expired on the kernel's
//! timer.

use smoltcp::time::Instant;

use super::{Inbound, Nat};
use crate::kernel::Datagram;
use crate::kernel::counters::{DropReason, NodeCounters};
use crate::kernel::hook::{HookContext, PacketHook, PacketMeta, Rewrite, Routed};

impl PacketHook for Nat {
    fn defragments(&self) -> bool {
        true
    }

    /// Inbound translation on the outside interface (or any, with hairpin
    /// translation on). A packet decapsulated here is past the NAT already.
    fn prerouting(
        &mut self,
        ctx: &HookContext,
        datagram: &mut Datagram,
        meta: &mut PacketMeta,
        counters: &mut NodeCounters,
    ) -> Rewrite {
        let outside = self.config.outside_iface;
        if !meta.sec_path.is_empty() || !(ctx.iface == outside || self.config.hairpin) {
            return Rewrite::Untouched;
        }
        match self.inbound(ctx.now, datagram, counters) {
            Inbound::Untouched => Rewrite::Untouched,
            Inbound::Translated => {
                meta.nat_hairpin = ctx.iface != outside;
                Rewrite::Rewritten
            }
            Inbound::Drop(reason) => Rewrite::Drop(reason),
        }
    }

    /// Outbound translation of what leaves by the outside interface from
    /// inside (or was hairpinned). The NAT node's own traffic gets a
    /// mapping too (Linux tracks local connections), so that the answers
    /// find their way back to it; what it cannot map leaves as it is, as
    /// it already has the outside address. A NAT44 leaves datagrams of
    /// other IP versions alone.
    fn postrouting(
        &mut self,
        routed: &Routed,
        datagram: &mut Datagram,
        meta: &PacketMeta,
        counters: &mut NodeCounters,
    ) -> Rewrite {
        if datagram.ipv4().is_none() {
            return Rewrite::Untouched;
        }
        let outside = self.config.outside_iface;
        let leaves = routed.out_iface == outside;
        let result = match routed.in_iface {
            None if leaves => self.outbound(routed.now, datagram, counters),
            Some(i) if (leaves && i != outside) || meta.nat_hairpin => {
                self.outbound(routed.now, datagram, counters)
            }
            _ => return Rewrite::Untouched,
        };
        match result {
            Ok(()) => Rewrite::Rewritten,
            Err(DropReason::NatUntranslatable) if routed.in_iface.is_none() => Rewrite::Untouched,
            Err(reason) => Rewrite::Drop(reason),
        }
    }

    fn next_timer(&self) -> Option<Instant> {
        self.next_expiry()
    }

    fn on_timer(&mut self, now: Instant, counters: &mut NodeCounters) {
        self.expire(now, counters);
    }
}
