//! The IPsec engine at the kernel's xfrm points: output and forward
//! protect by the SPD, input undoes ESP and AH and checks the `in`
//! policy; SA lifetimes run on the kernel's timer.

use smoltcp::time::Instant;

use super::IpsecEngine;
use crate::kernel::Datagram;
use crate::kernel::counters::{DropReason, NodeCounters};
use crate::kernel::hook::{HookContext, PacketHook, PacketMeta, Verdict};
use crate::wire::ipv4;

/// Runs an engine step on the datagram's bytes and parses what it left
/// (until the engine takes the parsed datagram itself).
fn on_bytes(datagram: &mut Datagram, step: impl FnOnce(&mut Vec<u8>) -> Verdict) -> Verdict {
    let mut verdict = Verdict::Accept;
    let rebuilt = datagram.rebuild(|_, bytes| {
        verdict = step(bytes);
        ipv4::Repr::parse_bytes(bytes)
    });
    match (verdict, rebuilt) {
        (Verdict::Drop(reason), _) => Verdict::Drop(reason),
        (_, Err(e)) => Verdict::Drop(DropReason::from(e)),
        (verdict, Ok(())) => verdict,
    }
}

impl PacketHook for IpsecEngine {
    fn output(&mut self, ctx: &HookContext, datagram: &mut Datagram) -> Verdict {
        on_bytes(datagram, |p| IpsecEngine::output(self, ctx.now, p))
    }

    fn forward(
        &mut self,
        ctx: &HookContext,
        meta: &mut PacketMeta,
        datagram: &mut Datagram,
    ) -> Verdict {
        on_bytes(datagram, |p| IpsecEngine::forward(self, ctx.now, meta, p))
    }

    fn input(
        &mut self,
        ctx: &HookContext,
        meta: &mut PacketMeta,
        datagram: &mut Datagram,
    ) -> Verdict {
        on_bytes(datagram, |p| IpsecEngine::input(self, ctx.now, meta, p))
    }

    fn next_timer(&self) -> Option<Instant> {
        IpsecEngine::next_timer(self)
    }

    fn on_timer(&mut self, now: Instant, _counters: &mut NodeCounters) {
        IpsecEngine::on_timer(self, now);
    }
}
