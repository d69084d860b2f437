//! Where a key daemon (racoon's place) meets a node: IKE datagrams on a
//! UDP socket of the node's stack, ACQUIRE requests from the IPsec engine,
//! timers, and the engine itself as the PF_KEY interface through which the
//! daemon allocates SPIs and installs SAs and policies.

use std::net::SocketAddrV4;

use smoltcp::iface::{SocketHandle, SocketSet};
use smoltcp::socket::udp;
use smoltcp::time::Instant;
use smoltcp::wire::{IpAddress, IpEndpoint};

use crate::ike::{Log, Records};
use crate::ipsec::IpsecEngine;
use crate::ipsec::engine::Acquire;
use crate::ipsec::sad::SaEvent;

/// The ISAKMP port (RFC 2408 §2.5.2) and the NAT-T port (RFC 3947 §4).
pub const PORT_ISAKMP: u16 = 500;
pub const PORT_NATT: u16 = 4500;

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
    /// The daemon's log and what it negotiated, for the run's outputs.
    fn report(&self) -> Option<(&Log, &Records)> {
        None
    }
}

/// The daemon of a node with its UDP socket.
pub struct DaemonSlot {
    pub daemon: Box<dyn KeyDaemon>,
    socket: SocketHandle,
}

fn v4(endpoint: IpEndpoint) -> Option<SocketAddrV4> {
    match endpoint.addr {
        IpAddress::Ipv4(a) => Some(SocketAddrV4::new(a, endpoint.port)),
    }
}

impl DaemonSlot {
    /// Binds the daemon's socket on the ISAKMP port of every address.
    pub fn new(daemon: Box<dyn KeyDaemon>, sockets: &mut SocketSet<'static>) -> DaemonSlot {
        let buffer =
            || udp::PacketBuffer::new(vec![udp::PacketMetadata::EMPTY; 64], vec![0; 64 * 2048]);
        let mut socket = udp::Socket::new(buffer(), buffer());
        // Binding to a fixed non-zero port on a fresh socket cannot fail.
        let _ = socket.bind(PORT_ISAKMP);
        DaemonSlot {
            daemon,
            socket: sockets.add(socket),
        }
    }

    /// Hands the daemon what arrived and what the kernel asked for, lets
    /// its timers run, and sends what it wants sent.
    pub fn service(
        &mut self,
        now: Instant,
        sockets: &mut SocketSet<'static>,
        engine: &mut IpsecEngine,
    ) {
        let socket = sockets.get_mut::<udp::Socket>(self.socket);
        while let Ok((data, meta)) = socket.recv() {
            let (Some(from), Some(IpAddress::Ipv4(local))) =
                (v4(meta.endpoint), meta.local_address)
            else {
                continue;
            };
            let to = SocketAddrV4::new(local, PORT_ISAKMP);
            self.daemon.on_datagram(now, from, to, data, engine);
        }
        for acquire in std::mem::take(&mut engine.acquires) {
            self.daemon.on_acquire(now, acquire, engine);
        }
        for event in std::mem::take(&mut engine.sad.events) {
            self.daemon.on_sa_event(now, event, engine);
        }
        if self.daemon.next_timer().is_some_and(|t| t <= now) {
            self.daemon.on_timer(now, engine);
        }
        while socket.can_send() {
            let Some(d) = self.daemon.poll_transmit() else {
                break;
            };
            let meta = udp::UdpMetadata {
                endpoint: IpEndpoint::new(IpAddress::Ipv4(*d.to.ip()), d.to.port()),
                local_address: Some(IpAddress::Ipv4(*d.from.ip())),
                meta: Default::default(),
            };
            // A full buffer was ruled out by can_send; a datagram larger
            // than the buffer is dropped, as a kernel would with EMSGSIZE.
            let _ = socket.send_slice(&d.data, meta);
        }
    }
}
