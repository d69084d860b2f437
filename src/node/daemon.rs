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

/// The daemon of a node with its UDP sockets.
pub struct DaemonSlot {
    pub daemon: Box<dyn KeyDaemon>,
    socket: SocketHandle,
    /// The NAT-T socket on port 4500, when the daemon wants one.
    natt: Option<SocketHandle>,
}

/// RFC 3948 §2.2: IKE on port 4500 is led by four zero bytes.
const NON_ESP_MARKER: [u8; 4] = [0; 4];
/// RFC 3948 §2.3: a NAT-keepalive is one 0xFF byte.
pub const KEEPALIVE: [u8; 1] = [0xff];

fn v4(endpoint: IpEndpoint) -> Option<SocketAddrV4> {
    match endpoint.addr {
        IpAddress::Ipv4(a) => Some(SocketAddrV4::new(a, endpoint.port)),
    }
}

impl DaemonSlot {
    /// Binds the daemon's socket on the ISAKMP port of every address.
    pub fn new(daemon: Box<dyn KeyDaemon>, sockets: &mut SocketSet<'static>) -> DaemonSlot {
        let mut bound = |port| {
            let buffer =
                || udp::PacketBuffer::new(vec![udp::PacketMetadata::EMPTY; 64], vec![0; 64 * 2048]);
            let mut socket = udp::Socket::new(buffer(), buffer());
            // Binding to a fixed non-zero port on a fresh socket cannot fail.
            let _ = socket.bind(port);
            sockets.add(socket)
        };
        let socket = bound(PORT_ISAKMP);
        let natt = daemon.wants_natt().then(|| bound(PORT_NATT));
        DaemonSlot {
            daemon,
            socket,
            natt,
        }
    }

    /// Datagrams waiting on one socket, as (from, to, IKE message).
    fn received(
        socket: &mut udp::Socket<'_>,
        port: u16,
    ) -> Vec<(SocketAddrV4, SocketAddrV4, Vec<u8>)> {
        let mut out = Vec::new();
        while let Ok((data, meta)) = socket.recv() {
            let (Some(from), Some(IpAddress::Ipv4(local))) =
                (v4(meta.endpoint), meta.local_address)
            else {
                continue;
            };
            let message = if port == PORT_NATT {
                // Keepalives and anything without the marker carry no IKE.
                match data.strip_prefix(&NON_ESP_MARKER) {
                    Some(ike) => ike,
                    None => continue,
                }
            } else {
                data
            };
            out.push((from, SocketAddrV4::new(local, port), message.to_vec()));
        }
        out
    }

    /// Hands the daemon what arrived and what the kernel asked for, lets
    /// its timers run, and sends what it wants sent.
    pub fn service(
        &mut self,
        now: Instant,
        sockets: &mut SocketSet<'static>,
        engine: &mut IpsecEngine,
    ) {
        let mut arrived = DaemonSlot::received(sockets.get_mut(self.socket), PORT_ISAKMP);
        if let Some(natt) = self.natt {
            arrived.extend(DaemonSlot::received(sockets.get_mut(natt), PORT_NATT));
        }
        for (from, to, data) in arrived {
            self.daemon.on_datagram(now, from, to, &data, engine);
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
        while let Some(d) = self.daemon.poll_transmit() {
            let (handle, data) = match (d.from.port(), self.natt) {
                (PORT_NATT, Some(natt)) if d.data == KEEPALIVE => (natt, d.data),
                (PORT_NATT, Some(natt)) => (natt, [&NON_ESP_MARKER[..], &d.data].concat()),
                _ => (self.socket, d.data),
            };
            let socket = sockets.get_mut::<udp::Socket>(handle);
            let meta = udp::UdpMetadata {
                endpoint: IpEndpoint::new(IpAddress::Ipv4(*d.to.ip()), d.to.port()),
                local_address: Some(IpAddress::Ipv4(*d.from.ip())),
                meta: Default::default(),
            };
            // A full buffer or a datagram larger than it is dropped, as a
            // kernel would with ENOBUFS or EMSGSIZE; IKE retransmits.
            let _ = socket.send_slice(&data, meta);
        }
    }
}
