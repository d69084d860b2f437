//! Traffic generators and sinks that run on a node's smoltcp sockets.

mod payload;
pub mod ping;
pub mod tcp;
pub mod udp;

use smoltcp::iface::{Context, SocketSet};
use smoltcp::time::Instant;

/// What one flow did, filled in by the apps at both of its ends.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FlowStats {
    pub name: String,
    pub kind: &'static str,
    /// Packets (ping, UDP) or bytes (TCP) the sender handed to its socket.
    pub sent: u64,
    /// Bytes the sender handed to its socket.
    pub sent_bytes: u64,
    /// Payload bytes the flow is configured to send (UDP, TCP).
    pub planned_bytes: u64,
    /// Echo replies (ping) or datagrams (UDP) received intact.
    pub received: u64,
    /// Payload bytes received and verified byte for byte.
    pub intact_bytes: u64,
    /// Datagrams or stream bytes that did not match what was sent.
    pub corrupted: u64,
    /// Duplicate echo replies.
    pub duplicates: u64,
    /// Round-trip times of echo replies, in microseconds.
    pub rtts_us: Vec<u64>,
    /// TCP: the connection closed after every byte arrived.
    pub completed: bool,
}

/// Where a flow runs: its index, both ends and its start time.
#[derive(Clone, Copy, Debug)]
pub struct FlowPlan {
    pub flow: usize,
    pub src: std::net::Ipv4Addr,
    pub src_port: u16,
    pub dst: std::net::Ipv4Addr,
    pub dst_port: u16,
    pub start: Instant,
}

/// One app on a node: it acts when due and when packets arrive.
pub trait App {
    /// Sends what is due and reads what arrived; returns when it next needs to run.
    fn service(
        &mut self,
        now: Instant,
        cx: &mut Context,
        sockets: &mut SocketSet<'static>,
        stats: &mut FlowStats,
    ) -> Option<Instant>;
    /// Index of its flow in the world's flow table.
    fn flow(&self) -> usize;
}
