//! Where a key daemon (racoon's place) meets a node: IKE datagrams on a
//! UDP socket of the node's stack, the IPsec engine's messages (ACQUIRE,
//! EXPIRE, …), timers, and the engine as the [`KeyKernel`] through which
//! the daemon reserves SPIs and installs SAs and policies.

use std::net::SocketAddrV4;

use smoltcp::iface::{SocketHandle, SocketSet};
use smoltcp::socket::udp;
use smoltcp::time::Instant;
use smoltcp::wire::{IpAddress, IpEndpoint};

use crate::ike::daemon::KeyDaemon;
use crate::ike::driver::DaemonDriver;
use crate::ipsec::IpsecEngine;
#[cfg(doc)]
use crate::ipsec::KeyKernel;
use crate::wire::udp_encap::{PORT_ISAKMP, PORT_NATT};

/// The daemon of a node with its UDP sockets.
pub struct DaemonSlot {
    /// The daemon with its framing; [`DaemonDriver::daemon`] is the daemon.
    pub driver: DaemonDriver,
    socket: SocketHandle,
    /// The NAT-T socket on port 4500, when the daemon wants one.
    natt: Option<SocketHandle>,
}

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
            driver: DaemonDriver::new(daemon),
            socket,
            natt,
        }
    }

    /// Datagrams waiting on one socket, as (local, remote, UDP payload).
    fn received(
        socket: &mut udp::Socket<'_>,
        port: u16,
    ) -> Vec<(SocketAddrV4, SocketAddrV4, Vec<u8>)> {
        let mut out = Vec::new();
        while let Ok((data, meta)) = socket.recv() {
            let (Some(remote), Some(IpAddress::Ipv4(local))) =
                (v4(meta.endpoint), meta.local_address)
            else {
                continue;
            };
            out.push((SocketAddrV4::new(local, port), remote, data.to_vec()));
        }
        out
    }

    /// Hands the driver what arrived and what the kernel asked for, lets
    /// the daemon's timers run, and sends what it wants sent.
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
        for (local, remote, payload) in arrived {
            self.driver.received(now, local, remote, &payload, engine);
        }
        self.driver.service(now, engine, IpsecEngine::poll_event);
        while let Some(d) = self.driver.transmit() {
            let handle = match (d.local.port(), self.natt) {
                (PORT_NATT, Some(natt)) => natt,
                _ => self.socket,
            };
            let socket = sockets.get_mut::<udp::Socket>(handle);
            let meta = udp::UdpMetadata {
                endpoint: IpEndpoint::new(IpAddress::Ipv4(*d.remote.ip()), d.remote.port()),
                local_address: Some(IpAddress::Ipv4(*d.local.ip())),
                meta: Default::default(),
            };
            // A full buffer or a datagram larger than it is dropped, as a
            // kernel would with ENOBUFS or EMSGSIZE; IKE retransmits.
            let _ = socket.send_slice(&d.payload, meta);
        }
    }
}
