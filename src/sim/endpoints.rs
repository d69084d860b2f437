//! The world's endpoints: which one an [`EndpointId`] names, lending a
//! node as an [`Endpoint`], and plugging in endpoints of other kinds (a
//! TUN device, an attacker) next to the nodes.

use std::net::Ipv4Addr;

use smoltcp::time::Instant;

use super::end::{Attached, EndId, Endpoint, EndpointId};
use super::link::End;
use super::node_end::NodeEnd;
use super::world::{Event, World};
use crate::kernel::counters::{DropReason, NodeCounters};

impl World {
    /// Plugs an endpoint of another kind into the world: its port `i` sits
    /// on link `ports[i].0` with address `ports[i].1`, as that link's last
    /// end. It is woken when its `poll_at` says.
    pub fn attach(
        &mut self,
        endpoint: Box<dyn Endpoint>,
        ports: &[(usize, Ipv4Addr)],
    ) -> EndpointId {
        let at = EndpointId::Attached(self.attached.len());
        for (port, &(link, addr)) in ports.iter().enumerate() {
            let id = EndId { at, port };
            self.links[link].attach(End { id, addr });
        }
        self.attached.push(Attached {
            endpoint,
            links: ports.iter().map(|&(link, _)| link).collect(),
            scheduled: None,
        });
        let now = self.now;
        if let Some(t) = self.with_endpoint(at, |e| e.poll_at(now)) {
            self.schedule_wake(at, t.max(now));
        }
        at
    }

    /// The name an endpoint goes by in traces and reports.
    pub fn endpoint_name(&self, id: EndpointId) -> &str {
        match id {
            EndpointId::Node(n) => &self.nodes[n].name,
            EndpointId::Attached(i) => self.attached[i].endpoint.name(),
        }
    }

    /// Queues a wake-up for `id` at `at` unless an earlier one is queued.
    pub fn schedule_wake(&mut self, id: EndpointId, at: Instant) {
        let scheduled = self.scheduled(id);
        if scheduled.is_none_or(|s| at < s) {
            *scheduled = Some(at);
            self.queue.push(at, Event::Wake(id));
        }
    }

    /// The wake-up queued for `id`.
    pub(super) fn scheduled(&mut self, id: EndpointId) -> &mut Option<Instant> {
        match id {
            EndpointId::Node(n) => &mut self.nodes[n].scheduled,
            EndpointId::Attached(i) => &mut self.attached[i].scheduled,
        }
    }

    /// Runs `f` on the endpoint `id`; a node is lent with the world's flow
    /// statistics and kernel scratch.
    pub(super) fn with_endpoint<R>(
        &mut self,
        id: EndpointId,
        f: impl FnOnce(&mut dyn Endpoint) -> R,
    ) -> R {
        match id {
            EndpointId::Node(n) => f(&mut NodeEnd {
                node: &mut self.nodes[n],
                flows: &mut self.flows,
                scratch: &mut self.actions,
            }),
            EndpointId::Attached(i) => f(&mut *self.attached[i].endpoint),
        }
    }

    /// The link behind port `port` of endpoint `id`.
    pub(super) fn port_link(&self, id: EndpointId, port: usize) -> Option<usize> {
        match id {
            EndpointId::Node(n) => self.nodes[n].kernel.ifaces.get(port).map(|i| i.link),
            EndpointId::Attached(i) => self.attached[i].links.get(port).copied(),
        }
    }
}

impl World {
    /// A node's drop counters before a frame reaches it (other endpoints
    /// keep none the capture could name).
    pub(super) fn drop_counts(&self, id: EndpointId) -> Option<NodeCounters> {
        match id {
            EndpointId::Node(n) => Some(self.nodes[n].kernel.counters.clone()),
            EndpointId::Attached(_) => None,
        }
    }

    /// What the node dropped since `before`, said for a packet comment:
    /// `dropped by gw: no-sa` (the counter names of expectations).
    pub(super) fn drops_since(&self, id: EndpointId, before: &NodeCounters) -> Option<String> {
        let EndpointId::Node(n) = id else {
            return None;
        };
        let node = &self.nodes[n];
        let now = &node.kernel.counters;
        let reasons: Vec<&str> = DropReason::ALL
            .iter()
            .filter(|r| now.dropped(**r) > before.dropped(**r))
            .map(|r| r.name())
            .collect();
        (!reasons.is_empty()).then(|| format!("dropped by {}: {}", node.name, reasons.join(", ")))
    }
}
