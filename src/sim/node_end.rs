//! A simulated node as an [`Endpoint`]: its interfaces are its ports, and
//! each call goes into the node (kernel, smoltcp, apps, key daemon).

use std::net::Ipv4Addr;

use smoltcp::time::Instant;

use super::end::{Endpoint, Transmit};
use crate::kernel::Actions;
use crate::kernel::counters::DropReason;
use crate::node::Node;
use crate::node::apps::FlowStats;

/// A node borrowed for one call, with the flow statistics its apps
/// update and the kernel's scratch [`Actions`] (kept by the world so
/// that buffers are reused).
pub struct NodeEnd<'a> {
    pub node: &'a mut Node,
    pub flows: &'a mut [FlowStats],
    pub scratch: &'a mut Actions,
}

impl NodeEnd<'_> {
    /// Hands what the kernel sent to the world's `out`.
    fn collect(&mut self, out: &mut Vec<Transmit>) {
        if out.is_empty() {
            std::mem::swap(out, &mut self.scratch.transmit);
        } else {
            out.append(&mut self.scratch.transmit);
        }
    }
}

impl Endpoint for NodeEnd<'_> {
    fn name(&self) -> &str {
        &self.node.name
    }

    /// The kernel forwards the frame or queues it for smoltcp; the node
    /// wants a poll now when smoltcp or its daemon has input.
    fn deliver(
        &mut self,
        now: Instant,
        port: usize,
        packet: Vec<u8>,
        out: &mut Vec<Transmit>,
    ) -> Option<Instant> {
        self.node.receive(now, port, packet, self.scratch);
        self.collect(out);
        self.node.has_input().then_some(now)
    }

    fn poll(&mut self, now: Instant, out: &mut Vec<Transmit>) {
        self.node.poll(now, self.flows, self.scratch);
        self.collect(out);
    }

    fn poll_at(&mut self, now: Instant) -> Option<Instant> {
        self.node.next_wake(now)
    }

    fn no_neighbour(&mut self, _port: usize, _next_hop: Ipv4Addr) {
        self.node.kernel.counters.drop(DropReason::NoNeighbor);
    }
}
