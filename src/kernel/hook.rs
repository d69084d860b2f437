//! Hook points in the node kernel where IPsec (and later NAT) attach, in
//! the places Linux's xfrm code sits:
//! - `output`: a locally generated packet, after routing, before fragmentation;
//! - `forward`: a packet being forwarded, after the TTL decrement and routing;
//! - `input`: a packet for this node, after reassembly, before local delivery.

use std::net::Ipv4Addr;

use smoltcp::time::Instant;

use super::counters::DropReason;

/// What the kernel does with a packet after a hook saw it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Continue; the hook may have rewritten the packet. On output and
    /// forward the kernel routes again if the destination changed (tunnel mode).
    Accept,
    /// Drop and count the reason.
    Drop(DropReason),
    /// Input only: the hook turned the packet into another one (decapsulated
    /// a tunnel) that enters the node again as if just received.
    Reinject,
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
    pub src: Ipv4Addr,
    pub dst: Ipv4Addr,
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
/// accepting unchanged.
pub trait PacketHook {
    fn output(&mut self, _ctx: &HookContext, _packet: &mut Vec<u8>) -> Verdict {
        Verdict::Accept
    }
    fn forward(
        &mut self,
        _ctx: &HookContext,
        _meta: &mut PacketMeta,
        _packet: &mut Vec<u8>,
    ) -> Verdict {
        Verdict::Accept
    }
    fn input(
        &mut self,
        _ctx: &HookContext,
        _meta: &mut PacketMeta,
        _packet: &mut Vec<u8>,
    ) -> Verdict {
        Verdict::Accept
    }
}
