//! Hook points in the node kernel where IPsec (and later NAT) attach, in
//! the places Linux's xfrm code sits:
//! - `output`: a locally generated packet, after routing, before fragmentation;
//! - `forward`: a packet being forwarded, after the TTL decrement and routing;
//! - `input`: a packet for this node, after reassembly, before local delivery.

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

/// A packet processor attached to a node's kernel. Every method defaults to
/// accepting unchanged.
pub trait PacketHook {
    fn output(&mut self, _ctx: &HookContext, _packet: &mut Vec<u8>) -> Verdict {
        Verdict::Accept
    }
    fn forward(&mut self, _ctx: &HookContext, _packet: &mut Vec<u8>) -> Verdict {
        Verdict::Accept
    }
    fn input(&mut self, _ctx: &HookContext, _packet: &mut Vec<u8>) -> Verdict {
        Verdict::Accept
    }
}
