//! A key daemon as the node drives it (racoon's place): sans-IO, it takes
//! IKE datagrams, the kernel's ACQUIRE and EXPIRE messages and time, and
//! gives datagrams to send and requests to the kernel.

use std::net::SocketAddrV4;

use smoltcp::time::Instant;

use super::{Log, Records};
use crate::ipsec::IpsecEngine;
use crate::ipsec::engine::Acquire;
use crate::ipsec::sad::SaEvent;

/// One UDP datagram the daemon sends.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Datagram {
    pub from: SocketAddrV4,
    pub to: SocketAddrV4,
    pub data: Vec<u8>,
}

/// A key daemon as the node drives it (sans-IO: no sockets, no clock).
pub trait KeyDaemon {
    /// An IKE datagram arrived on `to` from `from`.
    fn on_datagram(
        &mut self,
        now: Instant,
        from: SocketAddrV4,
        to: SocketAddrV4,
        data: &[u8],
        kernel: &mut IpsecEngine,
    );
    /// The kernel found no SA for a packet an `ipsec` policy covers.
    fn on_acquire(&mut self, now: Instant, acquire: Acquire, kernel: &mut IpsecEngine);
    /// Time passed; `now` is at or after [`KeyDaemon::next_timer`].
    /// An SA reached its soft or hard lifetime (PF_KEY SADB_EXPIRE).
    fn on_sa_event(&mut self, _now: Instant, _event: SaEvent, _kernel: &mut IpsecEngine) {}
    fn on_timer(&mut self, now: Instant, kernel: &mut IpsecEngine);
    fn next_timer(&self) -> Option<Instant>;
    /// The next datagram to send, if any.
    fn poll_transmit(&mut self) -> Option<Datagram>;
    /// The daemon process restarts: all negotiation state is lost.
    fn restart(&mut self, _now: Instant) {}
    /// Whether it does NAT traversal: then it also listens on UDP 4500,
    /// where IKE carries the non-ESP marker (RFC 3948 §2.2).
    fn wants_natt(&self) -> bool {
        false
    }
    /// The daemon's log and what it negotiated, for the run's outputs.
    fn report(&self) -> Option<(&Log, &Records)> {
        None
    }
}
