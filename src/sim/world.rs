//! The world: nodes and links moved forward in virtual time by one event
//! queue. Idle time is skipped: the clock jumps to the next event.

use smoltcp::time::Instant;

use super::link::{End, Frame, Link};
use super::queue::EventQueue;
use crate::node::Node;
use crate::node::apps::FlowStats;
use crate::node::counters::DropReason;
use crate::node::kernel::{Actions, Transmit};
use crate::observe::capture::Capture;

#[derive(Debug)]
pub enum Event {
    /// Run a node's stack, apps and timers.
    Wake(usize),
    /// The transmitter of `end` on `link` starts sending its next frame.
    Depart {
        link: usize,
        end: usize,
    },
    /// A packet reaches a node interface.
    Arrive {
        link: usize,
        to: End,
        packet: Vec<u8>,
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
    pub links: Vec<Link>,
    pub flows: Vec<FlowStats>,
    pub capture: Capture,
    pub queue: EventQueue<Event>,
    /// First capture write error; the run stops recording but goes on.
    pub capture_error: Option<std::io::Error>,
    /// Events handled so far (idle time costs none).
    pub events: u64,
    actions: Actions,
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
            links,
            flows,
            capture,
            queue: EventQueue::default(),
            capture_error: None,
            events: 0,
            actions: Actions::default(),
        }
    }

    /// Queues a wake-up for `node` at `at` unless an earlier one is queued.
    pub fn schedule_wake(&mut self, node: usize, at: Instant) {
        let n = &mut self.nodes[node];
        if n.scheduled.is_none_or(|s| at < s) {
            n.scheduled = Some(at);
            self.queue.push(at, Event::Wake(node));
        }
    }

    /// Runs until the queue is empty or the scenario's end.
    pub fn run(&mut self, mut progress: impl FnMut(Instant)) {
        while let Some(at) = self.queue.peek_time() {
            if at > self.end {
                break;
            }
            let Some((at, event)) = self.queue.pop() else {
                break;
            };
            if at.total_millis() / 1000 != self.now.total_millis() / 1000 {
                progress(at);
            }
            self.now = at;
            self.events += 1;
            self.handle(event);
        }
        self.now = self.end;
    }

    fn handle(&mut self, event: Event) {
        match event {
            Event::Wake(node) => {
                if self.nodes[node].scheduled != Some(self.now) {
                    return; // superseded by an earlier wake-up
                }
                self.nodes[node].scheduled = None;
                self.wake(node);
            }
            Event::Depart { link, end } => self.depart(link, end),
            Event::Arrive { link, to, packet } => self.arrive(link, to, packet),
            Event::LinkState { link, up } => self.set_link(link, up),
            Event::DaemonRestart { node } => {
                self.nodes[node].restart_daemon(self.now);
                self.wake(node);
            }
        }
    }

    fn wake(&mut self, node: usize) {
        let mut actions = std::mem::take(&mut self.actions);
        self.nodes[node].poll(self.now, &mut self.flows, &mut actions);
        self.dispatch(node, &mut actions);
        self.actions = actions;
        if let Some(at) = self.nodes[node].next_wake(self.now) {
            self.schedule_wake(node, at.max(self.now));
        }
    }

    fn arrive(&mut self, link: usize, to: End, packet: Vec<u8>) {
        let l = &mut self.links[link];
        if !l.up {
            l.counters.dropped_down += 1;
            return;
        }
        l.counters.delivered += 1;
        let mut actions = std::mem::take(&mut self.actions);
        self.nodes[to.node].receive(self.now, to.iface, packet, &mut actions);
        self.dispatch(to.node, &mut actions);
        self.actions = actions;
        if self.nodes[to.node].has_input() {
            let n = &self.nodes[to.node];
            if n.scheduled.is_none_or(|s| self.now < s) && self.queue.nothing_due_by(self.now) {
                // The wake-up would be the next event out of the queue (none
                // is due before it), so it runs here, as the loop would run
                // it, without the trip through the queue. Only its sequence
                // number goes unused, and that orders nothing else.
                self.events += 1;
                self.nodes[to.node].scheduled = None;
                self.wake(to.node);
            } else {
                self.schedule_wake(to.node, self.now);
            }
        }
    }

    /// Puts what a node sent onto its links.
    fn dispatch(&mut self, node: usize, actions: &mut Actions) {
        for t in actions.transmit.drain(..) {
            self.transmit(node, t);
        }
    }

    fn transmit(&mut self, node: usize, t: Transmit) {
        let link = self.nodes[node].kernel.ifaces[t.iface].link;
        let l = &mut self.links[link];
        let Some(from) = l.end_index(node, t.iface) else {
            return;
        };
        let Some(to) = l.neighbour(from, t.next_hop) else {
            return self.nodes[node]
                .kernel
                .counters
                .drop(DropReason::NoNeighbor);
        };
        if !l.up {
            l.counters.dropped_down += 1;
            return;
        }
        let tx = &mut l.transmitters[from];
        if l.spec.rate.is_none() {
            tx.queue.push_back(Frame {
                to,
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
            to,
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
        if self.capture_error.is_none() {
            if let Err(e) = self.capture.record(link, now, &frame.packet) {
                self.capture_error = Some(e);
            }
        }
        let l = &mut self.links[link];
        let done = now + l.serialization(frame.packet.len());
        l.transmitters[end].busy_until = done;
        let [first, second] = l.fate(done).arrivals;
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
                },
            );
        }
        if let Some(at) = second {
            self.queue.push(at, Event::Arrive { link, to, packet });
        }
        self.next_departure(link, end);
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
