//! Hook points in the node kernel where IPsec and NAT attach, in the
//! places Linux's xfrm and netfilter code sit:
//! - `prerouting`: a received packet before the routing decision (netfilter
//!   NF_INET_PRE_ROUTING, where destination NAT runs), after reassembly when
//!   a hook asks for it (conntrack's defrag);
//! - `input`: a packet for this node, after reassembly, before local delivery
//!   (xfrm's `xfrm4_rcv` and `__xfrm_policy_check`);
//! - `forward`: a packet being forwarded, after the TTL decrement and routing
//!   (`xfrm4_policy_check` in `ip_forward`, then `xfrm_lookup`);
//! - `output`: a locally generated packet, after routing (`xfrm_lookup`);
//! - `postrouting`: a routed packet after the xfrm hooks, before
//!   fragmentation (NF_INET_POST_ROUTING, where source NAT runs).
//!
//! The kernel knows no hook by name: a node registers them, and reaches its
//! own again by type. Every hook gets the [`Datagram`] with the header the
//! kernel parsed; a hook that changes the header changes the datagram's
//! parsed form with it, so nothing parses it again.

use std::any::Any;

use smoltcp::time::Instant;

use super::counters::{DropReason, NodeCounters};
use super::datagram::Datagram;
use crate::wire::ip::Address;

/// What the kernel does with a packet after a hook saw it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Continue; the hook may have rewritten the datagram. On output and
    /// forward the kernel routes again if the destination changed (tunnel mode).
    Accept,
    /// Drop and count the reason.
    Drop(DropReason),
    /// Input only: the hook turned the datagram into another one
    /// (decapsulated it) that enters the node again as if just received,
    /// its header already parsed.
    Reinject,
}

/// What a prerouting or postrouting hook did to a packet's addresses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rewrite {
    Untouched,
    /// The header changed (and with it the datagram's parsed header).
    Rewritten,
    /// Drop and count the reason.
    Drop(DropReason),
}

/// A routed packet at postrouting: where it came from (`None`: this node
/// sent it) and the interface it leaves by.
#[derive(Clone, Copy, Debug)]
pub struct Routed {
    pub now: Instant,
    pub in_iface: Option<usize>,
    pub out_iface: usize,
}

/// Context given to every hook call.
#[derive(Clone, Copy, Debug)]
pub struct HookContext {
    pub now: Instant,
    /// Interface the packet arrived on (input, forward) or leaves by (output).
    pub iface: usize,
}

/// One transform a received packet went through (Linux's `sec_path`):
/// IP protocol (50 ESP, 51 AH), SPI, mode and the outer addresses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SecPathEntry {
    pub protocol: u8,
    pub spi: u32,
    pub tunnel: bool,
    pub src: Address,
    pub dst: Address,
    /// The SA's reqid, which a `unique` template must match.
    pub reqid: u32,
}

/// What hooks learned about a packet, carried with it when it re-enters
/// the node after decapsulation.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PacketMeta {
    /// Outermost transform first.
    pub sec_path: Vec<SecPathEntry>,
    /// A NAT translated the destination of a packet from the inside
    /// (hairpinning): its source is translated too on the way out.
    pub nat_hairpin: bool,
}

/// A packet processor attached to a node's kernel. Every method defaults to
/// accepting unchanged. A hook is `Any`, so the node that registered it can
/// reach it again by its type ([`crate::kernel::Kernel::hook`]).
pub trait PacketHook: Any {
    /// Whether fragments are reassembled before [`PacketHook::prerouting`]
    /// (Linux's `nf_defrag_ipv4`, which connection tracking needs).
    fn defragments(&self) -> bool {
        false
    }
    fn prerouting(
        &mut self,
        _ctx: &HookContext,
        _datagram: &mut Datagram,
        _meta: &mut PacketMeta,
        _counters: &mut NodeCounters,
    ) -> Rewrite {
        Rewrite::Untouched
    }
    fn output(&mut self, _ctx: &HookContext, _datagram: &mut Datagram) -> Verdict {
        Verdict::Accept
    }
    fn forward(
        &mut self,
        _ctx: &HookContext,
        _meta: &mut PacketMeta,
        _datagram: &mut Datagram,
    ) -> Verdict {
        Verdict::Accept
    }
    fn input(
        &mut self,
        _ctx: &HookContext,
        _meta: &mut PacketMeta,
        _datagram: &mut Datagram,
    ) -> Verdict {
        Verdict::Accept
    }
    fn postrouting(
        &mut self,
        _ctx: &Routed,
        _datagram: &mut Datagram,
        _meta: &PacketMeta,
        _counters: &mut NodeCounters,
    ) -> Rewrite {
        Rewrite::Untouched
    }
    /// When the hook next needs [`PacketHook::on_timer`].
    fn next_timer(&self) -> Option<Instant> {
        None
    }
    fn on_timer(&mut self, _now: Instant, _counters: &mut NodeCounters) {}
}
