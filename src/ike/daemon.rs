//! A key daemon as the node drives it (racoon's place): sans-IO, it takes
//! IKE datagrams, the kernel's messages (ACQUIRE, EXPIRE, …) and time, and
//! gives datagrams to send and requests to the kernel, which it reaches
//! only through [`KeyKernel`].

use std::net::{Ipv4Addr, SocketAddrV4};

use smoltcp::time::Instant;

use super::report::DaemonReport;
use crate::ipsec::KeyKernel;
use crate::ipsec::pfkey::Event;

/// One UDP datagram the daemon sends.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Datagram {
    pub from: SocketAddrV4,
    pub to: SocketAddrV4,
    pub data: Vec<u8>,
}

/// A key daemon as the node drives it (sans-IO: no sockets, no clock).
pub trait KeyDaemon {
    /// The daemon starts on a node with these addresses (racoon logs the
    /// ports it listens on).
    fn start(&mut self, _now: Instant, _addrs: &[Ipv4Addr]) {}
    /// An IKE datagram arrived on `to` from `from`.
    fn on_datagram(
        &mut self,
        now: Instant,
        from: SocketAddrV4,
        to: SocketAddrV4,
        data: &[u8],
        kernel: &mut dyn KeyKernel,
    );
    /// A message from the kernel: an ACQUIRE (no SA for a packet an
    /// `ipsec` policy covers), an EXPIRE, an SA added or deleted.
    fn on_kernel_event(&mut self, now: Instant, event: Event, kernel: &mut dyn KeyKernel);
    /// Time passed; `now` is at or after [`KeyDaemon::next_timer`].
    fn on_timer(&mut self, now: Instant, kernel: &mut dyn KeyKernel);
    fn next_timer(&self) -> Option<Instant>;
    /// The next datagram to send, if any.
    fn poll_transmit(&mut self) -> Option<Datagram>;
    /// The run follows the wall clock, which read `epoch` at simulated time
    /// zero: log lines carry the date and time from now on, to line up
    /// with a real peer's log.
    fn set_epoch(&mut self, _epoch: std::time::SystemTime) {}
    /// The daemon process is told to stop (SIGINT, SIGTERM): it takes
    /// leave of its peers as the real daemon does (racoon: DELETEs) and
    /// answers nothing after.
    fn stop(&mut self, _now: Instant, _kernel: &mut dyn KeyKernel) {}
    /// The daemon process restarts: all negotiation state is lost.
    fn restart(&mut self, _now: Instant) {}
    /// An internal address the daemon was given (mode_cfg, IKEv2's
    /// configuration payload) and wants on the node, as Android's racoon
    /// puts it on a TUN device and charon installs its virtual IPs; each
    /// once.
    fn poll_virtual_ip(&mut self) -> Option<std::net::Ipv4Addr> {
        None
    }
    /// Whether it does NAT traversal: then it also listens on UDP 4500,
    /// where IKE carries the non-ESP marker (RFC 3948 §2.2).
    fn wants_natt(&self) -> bool {
        false
    }
    /// The daemon's log, events and what it negotiated, for the run's
    /// outputs; None for a daemon that keeps none.
    fn report(&self) -> Option<DaemonReport<'_>> {
        None
    }
}
