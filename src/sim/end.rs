//! What sits at the ends of links. A link connects ends; the world hands
//! each frame that reaches an end to the [`Endpoint`] behind it and puts
//! what the endpoint sends onto its links. A simulated node is one kind of
//! endpoint, each of its interfaces one end ([`super::node_end`]). Other
//! kinds plug in through [`super::world::World::attach`] without touching
//! the node kernel or the link model: a host TUN device read and written in
//! real time, or an attacker that injects, modifies or replays packets.

use smoltcp::time::Instant;
use std::net::Ipv4Addr;

/// A frame an endpoint sends: out of its port `iface`, to the neighbour
/// `next_hop` on that port's link (on a point-to-point link, any address
/// reaches the other end).
pub use crate::kernel::Transmit;

/// Something attached to links by one or more ports.
///
/// The world calls it in virtual time: `deliver` when a frame arrives,
/// `poll` at a wake-up it asked for, `poll_at` after each poll. Frames the
/// endpoint sends go into `out` and leave in the order given.
pub trait Endpoint {
    /// The name traces and reports know it by.
    fn name(&self) -> &str;

    /// A frame from the link reaches `port` at `now`. Frames sent in answer
    /// go into `out`; returns a wake-up the frame calls for, if any (the
    /// wake-up already queued stands either way).
    fn deliver(
        &mut self,
        now: Instant,
        port: usize,
        packet: Vec<u8>,
        out: &mut Vec<Transmit>,
    ) -> Option<Instant>;

    /// The endpoint's wake-up: it runs and puts what it sends into `out`.
    fn poll(&mut self, now: Instant, out: &mut Vec<Transmit>);

    /// When it next needs a wake-up, asked after each poll.
    fn poll_at(&mut self, now: Instant) -> Option<Instant>;

    /// Its counters by name, for the run's summary (a node's live in its
    /// kernel instead).
    fn counters(&self) -> Vec<(&'static str, u64)> {
        Vec::new()
    }

    /// The link of `port` has no end for `next_hop`: the frame is dropped.
    fn no_neighbour(&mut self, port: usize, next_hop: Ipv4Addr) {
        let _ = (port, next_hop);
    }
}

/// Which endpoint of the world: a simulated node, or one of another kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EndpointId {
    /// `World::nodes[i]`.
    Node(usize),
    /// `World::attached[i]`: a TUN device, an attacker, a test end.
    Attached(usize),
}

/// One end of a link: port `port` of endpoint `at` (for a node, the index
/// of its interface).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct EndId {
    pub at: EndpointId,
    pub port: usize,
}

impl EndId {
    /// Interface `iface` of node `node`.
    pub fn iface(node: usize, iface: usize) -> EndId {
        EndId {
            at: EndpointId::Node(node),
            port: iface,
        }
    }
}

/// An endpoint of another kind than a node, as the world keeps it.
pub struct Attached {
    pub endpoint: Box<dyn Endpoint>,
    /// The link of each port.
    pub links: Vec<usize>,
    /// The wake-up the world has queued for it.
    pub scheduled: Option<Instant>,
}
