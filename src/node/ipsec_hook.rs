//! Attaches a node's IPsec engine to its kernel's hook points. The engine
//! is shared with the node, which reads its SPD and SAD for dumps, timers
//! and expectations.

use std::cell::RefCell;
use std::rc::Rc;

use crate::ipsec::IpsecEngine;
use crate::kernel::hook::{HookContext, PacketHook, PacketMeta, Verdict};

pub type SharedEngine = Rc<RefCell<IpsecEngine>>;

pub struct IpsecHook(pub SharedEngine);

impl PacketHook for IpsecHook {
    fn output(&mut self, ctx: &HookContext, packet: &mut Vec<u8>) -> Verdict {
        self.0.borrow_mut().output(ctx.now, packet)
    }

    fn forward(
        &mut self,
        ctx: &HookContext,
        meta: &mut PacketMeta,
        packet: &mut Vec<u8>,
    ) -> Verdict {
        self.0.borrow_mut().forward(ctx.now, meta, packet)
    }

    fn input(&mut self, ctx: &HookContext, meta: &mut PacketMeta, packet: &mut Vec<u8>) -> Verdict {
        self.0.borrow_mut().input(ctx.now, meta, packet)
    }
}
