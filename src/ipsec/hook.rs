//! The IPsec engine at the kernel's xfrm points: output and forward
//! protect by the SPD, input undoes ESP and AH and checks the `in`
//! policy; SA lifetimes run on the kernel's timer.

use smoltcp::time::Instant;

use super::IpsecEngine;
use crate::kernel::Datagram;
use crate::kernel::counters::NodeCounters;
use crate::kernel::hook::{HookContext, PacketHook, PacketMeta, Verdict};

impl PacketHook for IpsecEngine {
    fn output(&mut self, ctx: &HookContext, datagram: &mut Datagram) -> Verdict {
        IpsecEngine::output(self, ctx.now, datagram)
    }

    fn forward(
        &mut self,
        ctx: &HookContext,
        meta: &mut PacketMeta,
        datagram: &mut Datagram,
    ) -> Verdict {
        IpsecEngine::forward(self, ctx.now, meta, datagram)
    }

    fn input(
        &mut self,
        ctx: &HookContext,
        meta: &mut PacketMeta,
        datagram: &mut Datagram,
    ) -> Verdict {
        IpsecEngine::input(self, ctx.now, meta, datagram)
    }

    fn next_timer(&self) -> Option<Instant> {
        IpsecEngine::next_timer(self)
    }

    fn on_timer(&mut self, now: Instant, _counters: &mut NodeCounters) {
        IpsecEngine::on_timer(self, now);
    }
}
