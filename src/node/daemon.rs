//! Where a key daemon (racoon's place) meets a node: IKE datagrams to
//! and from its UDP ports (see [`super::daemon_io`]), the IPsec engine's messages (ACQUIRE,
//! EXPIRE, …), timers, and the engine as the [`KeyKernel`] through which
//! the daemon reserves SPIs and installs SAs and policies.

use std::collections::VecDeque;

use smoltcp::time::Instant;

use super::daemon_io::{self, INBOX_BYTES, INBOX_DATAGRAMS, Received, Taken};
use crate::ike::daemon::KeyDaemon;
use crate::ike::driver::DaemonDriver;
use crate::ipsec::IpsecEngine;
#[cfg(doc)]
use crate::ipsec::KeyKernel;
use crate::kernel::counters::DropReason;
use crate::wire::udp_encap::{PORT_ISAKMP, PORT_NATT};

/// The daemon of a node with its ports (500, and 4500 for NAT-T).
pub struct DaemonSlot {
    /// The daemon with its framing; [`DaemonDriver::daemon`] is the daemon.
    pub driver: DaemonDriver,
    ports: Vec<u16>,
    /// What arrived for its ports, in order: `arrived` until the node's
    /// stack has polled (as a socket would have it only then), `ready`
    /// after, for the daemon's next turn.
    arrived: VecDeque<Received>,
    ready: VecDeque<Received>,
    inbox_bytes: usize,
}

/// What a packet the kernel delivered locally became.
pub enum Delivered {
    /// The daemon took it, or dropped it (a bad checksum, a full inbox).
    Taken(Option<DropReason>),
    /// Not the daemon's: for the stack.
    Stack(Vec<u8>),
}

impl DaemonSlot {
    /// Listens on the ISAKMP port of every address, and on the NAT-T port
    /// when the daemon wants it.
    pub fn new(daemon: Box<dyn KeyDaemon>) -> DaemonSlot {
        let mut ports = vec![PORT_ISAKMP];
        if daemon.wants_natt() {
            ports.push(PORT_NATT);
        }
        DaemonSlot {
            driver: DaemonDriver::new(daemon),
            ports,
            arrived: VecDeque::new(),
            ready: VecDeque::new(),
            inbox_bytes: 0,
        }
    }

    /// A packet delivered to this node: the daemon's if it is UDP to one
    /// of its ports. A full inbox drops, as the socket's full buffer did.
    pub fn deliver(&mut self, packet: Vec<u8>) -> Delivered {
        match daemon_io::take(packet, &self.ports) {
            Taken::NotOurs(packet) => Delivered::Stack(packet),
            Taken::Bad => Delivered::Taken(Some(DropReason::BadChecksum)),
            Taken::Datagram(d) => {
                let held = self.arrived.len() + self.ready.len();
                let full = held >= INBOX_DATAGRAMS || self.inbox_bytes + d.2.len() > INBOX_BYTES;
                if !full {
                    self.inbox_bytes += d.2.len();
                    self.arrived.push_back(d);
                }
                Delivered::Taken(full.then_some(DropReason::QueueFull))
            }
        }
    }

    /// Datagrams waiting for the stack's poll or the daemon.
    pub fn has_input(&self) -> bool {
        !self.arrived.is_empty() || !self.ready.is_empty()
    }

    /// The stack polled: what arrived is the daemon's to read; whether
    /// anything was.
    pub fn through_stack(&mut self) -> bool {
        let any = !self.arrived.is_empty();
        self.ready.append(&mut self.arrived);
        any
    }

    /// Hands the driver what arrived and what the kernel asked for, lets
    /// the daemon's timers run; the packets it sends, in order.
    pub fn service(&mut self, now: Instant, engine: &mut IpsecEngine) -> Vec<Vec<u8>> {
        while let Some((local, remote, payload)) = self.ready.pop_front() {
            self.inbox_bytes -= payload.len();
            self.driver.received(now, local, remote, &payload, engine);
        }
        self.driver.service(now, engine, IpsecEngine::poll_event);
        let mut out = Vec::new();
        while let Some(d) = self.driver.transmit() {
            // A datagram larger than IPv4 can carry is dropped, as a
            // kernel would with EMSGSIZE; IKE retransmits.
            if let Some(p) = daemon_io::packet(d.local, d.remote, &d.payload) {
                out.push(p);
            }
        }
        out
    }
}
