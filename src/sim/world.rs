//! The world: endpoints (simulated nodes, and ends of other kinds) and
//! the links between them, moved forward in virtual time by one event
//! queue. Idle time is skipped: the clock jumps to the next event.

use smoltcp::time::Instant;

use super::end::{Attached, EndId, EndpointId, Transmit};
use super::link::{Frame, Link};
use super::queue::EventQueue;
use crate::kernel::Actions;
use crate::node::Node;
use crate::node::apps::FlowStats;
use crate::observe::capture::{Capture, Ends};
use crate::observe::pcapng::PacketId;

#[derive(Debug)]
pub enum Event {
    /// Poll an endpoint: a node runs its stack, apps and timers.
    Wake(EndpointId),
    /// The transmitter of `end` on `link` starts sending its next frame.
    Depart {
        link: usize,
        end: usize,
    },
    /// A packet reaches an end of `link`; `seen`: its id in the capture
    /// of all links, which notes what became of it.
    Arrive {
        link: usize,
        to: EndId,
        packet: Vec<u8>,
        seen: Option<PacketId>,
    },
    /// A scenario event takes a link down or up.
    LinkState {
        link: usize,
        up: bool,
    },
    DaemonRestart {
        node: usize,
    },
}

pub struct World {
    pub now: Instant,
    pub end: Instant,
    pub nodes: Vec<Node>,
    /// Endpoints of other kinds than nodes ([`World::attach`]).
    pub attached: Vec<Attached>,
    pub links: Vec<Link>,
    pub flows: Vec<FlowStats>,
    pub capture: Capture,
    pub queue: EventQueue<Event>,
    /// First capture write error; the run stops recording but goes on.
    pub capture_error: Option<std::io::Error>,
    /// Events handled so far (idle time costs none).
    pub events: u64,
    /// The node kernel's scratch, reused from call to call.
    pub(super) actions: Actions,
    /// What an endpoint sent in one call, reused likewise.
    outbox: Vec<Transmit>,
}

impl World {
    pub fn new(
        end: Instant,
        nodes: Vec<Node>,
        links: Vec<Link>,
        flows: Vec<FlowStats>,
        capture: Capture,
    ) -> World {
        World {
            now: Instant::ZERO,
            end,
            nodes,
            attached: Vec::new(),
            links,
            flows,
            capture,
            queue: EventQueue::default(),
            capture_error: None,
            events: 0,
            actions: Actions::default(),
            outbox: Vec::new(),
        }
    }

    /// Runs until the queue is empty or the scenario's end.
    pub fn run(&mut self, mut progress: impl FnMut(Instant)) {
        while self.step(self.end, &mut progress) {}
        self.now = self.end;
    }

    /// Handles the next event if it is due by `limit`; false if none is.
    pub(super) fn step(&mut self, limit: Instant, progress: &mut impl FnMut(Instant)) -> bool {
        if self.queue.peek_time().is_none_or(|at| at > limit) {
            return false;
        }
        let Some((at, event)) = self.queue.pop() else {
            return false;
        };
        if at.total_millis() / 1000 != self.now.total_millis() / 1000 {
            progress(at);
        }
        // Never backwards: a real-time run may handle an event late.
        self.now = at.max(self.now);
        self.events += 1;
        self.handle(event);
        true
    }

    fn handle(&mut self, event: Event) {
        match event {
            Event::Wake(id) => self.woken(id),
            Event::Depart { link, end } => self.depart(link, end),
            Event::Arrive {
                link,
                to,
                packet,
                seen,
            } => self.arrive(link, to, packet, seen),
            Event::LinkState { link, up } => self.set_link(link, up),
            Event::DaemonRestart { node } => {
                self.nodes[node].restart_daemon(self.now);
                self.wake(EndpointId::Node(node));
            }
        }
    }

    /// A queued wake-up comes due, unless an earlier one superseded it.
    fn woken(&mut self, id: EndpointId) {
        let now = self.now;
        let scheduled = self.scheduled(id);
        if *scheduled != Some(now) {
            return;
        }
        *scheduled = None;
        self.wake(id);
    }

    pub(super) fn wake(&mut self, id: EndpointId) {
        let now = self.now;
        let mut out = std::mem::take(&mut self.outbox);
        self.with_endpoint(id, |e| e.poll(now, &mut out));
        self.dispatch(id, &mut out);
        self.outbox = out;
        if let Some(at) = self.with_endpoint(id, |e| e.poll_at(now)) {
            self.schedule_wake(id, at.max(now));
        }
    }

    fn arrive(&mut self, link: usize, to: EndId, packet: Vec<u8>, seen: Option<PacketId>) {
        let l = &mut self.links[link];
        if !l.up {
            l.counters.dropped_down += 1;
            return self.note_fate(seen, Some("the link was down when it arrived".into()));
        }
        l.counters.delivered += 1;
        let now = self.now;
        let mut out = std::mem::take(&mut self.outbox);
        let before = seen.and_then(|_| self.drop_counts(to.at));
        let wake = self.with_endpoint(to.at, |e| e.deliver(now, to.port, packet, &mut out));
        if let Some(id) = seen {
            let fate = before.and_then(|b| self.drops_since(to.at, &b));
            self.note_fate(Some(id), fate);
        }
        self.dispatch(to.at, &mut out);
        self.outbox = out;
        if let Some(at) = wake.map(|at| at.max(now)) {
            let superseded = self.scheduled(to.at).is_none_or(|s| at < s);
            if at == now && superseded && self.queue.nothing_due_by(now) {
                // The wake-up would be the next event out of the queue (none
                // is due before it), so it runs here, as the loop would run
                // it, without the trip through the queue. Only its sequence
                // number goes unused, and that orders nothing else.
                self.events += 1;
                *self.scheduled(to.at) = None;
                self.wake(to.at);
            } else {
                self.schedule_wake(to.at, at);
            }
        }
    }

    /// Puts what an endpoint sent onto its links.
    fn dispatch(&mut self, from: EndpointId, out: &mut Vec<Transmit>) {
        for t in out.drain(..) {
            self.transmit(from, t);
        }
    }

    fn transmit(&mut self, at: EndpointId, t: Transmit) {
        let Some(link) = self.port_link(at, t.iface) else {
            return;
        };
        let l = &mut self.links[link];
        let Some(from) = l.end_index(EndId { at, port: t.iface }) else {
            return;
        };
        let Some(to) = l.neighbour(from, t.next_hop) else {
            let (port, next_hop) = (t.iface, t.next_hop);
            return self.with_endpoint(at, |e| e.no_neighbour(port, next_hop));
        };
        if !l.up {
            l.counters.dropped_down += 1;
            return;
        }
        let tx = &mut l.transmitters[from];
        if l.spec.rate.is_none() {
            tx.queue.push_back(Frame {
                to: to.id,
                packet: t.packet,
            });
            return self.depart(link, from);
        }
        if tx.queue.len() >= l.spec.queue.max(1) {
            l.counters.dropped_queue_full += 1;
            return;
        }
        let idle = tx.queue.is_empty();
        tx.queue.push_back(Frame {
            to: to.id,
            packet: t.packet,
        });
        if idle {
            let at = tx.busy_until.max(self.now);
            self.queue.push(at, Event::Depart { link, end: from });
        }
    }

    /// The head of a transmit queue goes on the wire: it is captured now and
    /// arrives after serialization, latency and jitter, unless lost.
    fn depart(&mut self, link: usize, end: usize) {
        let now = self.now;
        let l = &mut self.links[link];
        let Some(frame) = l.transmitters[end].queue.pop_front() else {
            return;
        };
        if !l.up {
            l.counters.dropped_down += 1;
            return self.next_departure(link, end);
        }
        l.counters.sent += 1;
        let done = now + l.serialization(frame.packet.len());
        l.transmitters[end].busy_until = done;
        let [first, second] = l.fate(done).arrivals;
        let arriving = u8::from(first.is_some()) + u8::from(second.is_some());
        let sender = l.ends[end].id.at;
        let ends = (self.lifeline(sender), self.lifeline(frame.to.at));
        let seen = self.record(link, &frame.packet, arriving, ends);
        let Frame { to, mut packet } = frame;
        if let Some(at) = first {
            let copy = if second.is_some() {
                packet.clone()
            } else {
                std::mem::take(&mut packet)
            };
            self.queue.push(
                at,
                Event::Arrive {
                    link,
                    to,
                    packet: copy,
                    seen,
                },
            );
        }
        if let Some(at) = second {
            let arrive = Event::Arrive {
                link,
                to,
                packet,
                seen,
            };
            self.queue.push(at, arrive);
        }
        self.next_departure(link, end);
    }

    /// Captures a packet going onto `link` now; its id in the capture of
    /// all links, when that is written.
    fn record(&mut self, link: usize, packet: &[u8], arriving: u8, ends: Ends) -> Option<PacketId> {
        if self.capture_error.is_some() {
            return None;
        }
        match self.capture.record(link, self.now, packet, arriving, ends) {
            Ok(seen) => seen,
            Err(e) => {
                self.capture_error = Some(e);
                None
            }
        }
    }

    /// An endpoint's lifeline in the capture's hops: nodes by index, then
    /// the attached ends (see [`World::lifelines`]).
    fn lifeline(&self, at: EndpointId) -> u32 {
        match at {
            EndpointId::Node(i) => i as u32,
            EndpointId::Attached(j) => (self.nodes.len() + j) as u32,
        }
    }

    /// The names of the lifelines, in [`World::lifeline`]'s order.
    pub fn lifelines(&self) -> Vec<String> {
        let nodes = self.nodes.iter().map(|n| n.name.clone());
        nodes
            .chain(self.attached.iter().map(|a| a.endpoint.name().to_string()))
            .collect()
    }

    fn note_fate(&mut self, seen: Option<PacketId>, fate: Option<String>) {
        let Some(id) = seen.filter(|_| self.capture_error.is_none()) else {
            return;
        };
        if let Err(e) = self.capture.arrived(id, fate) {
            self.capture_error = Some(e);
        }
    }

    fn next_departure(&mut self, link: usize, end: usize) {
        let l = &self.links[link];
        let tx = &l.transmitters[end];
        if l.spec.rate.is_some() && !tx.queue.is_empty() {
            let at = tx.busy_until.max(self.now);
            self.queue.push(at, Event::Depart { link, end });
        }
    }

    fn set_link(&mut self, link: usize, up: bool) {
        let l = &mut self.links[link];
        l.up = up;
        if !up {
            for tx in &mut l.transmitters {
                l.counters.dropped_down += tx.queue.len() as u64;
                tx.queue.clear();
            }
        }
    }
}
