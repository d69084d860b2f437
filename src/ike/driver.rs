//! What runs a key daemon on any transport: the RFC 3948 framing of port
//! 4500 (the non-ESP marker before IKE, the NAT-keepalive) taken off what
//! arrives and put on what leaves, the order in which a daemon hears of
//! datagrams, kernel messages and its timers, and a stream of what it
//! did (SAs installed and deleted with their keys, key-table rows, IKE
//! events and failures). It holds no socket: the node's smoltcp sockets
//! feed it in the simulation, real UDP sockets could feed it outside.

use std::net::SocketAddrV4;

use smoltcp::time::Instant;

use super::daemon::KeyDaemon;
use super::event::IkeEvent;
use super::report::KeyRow;
use crate::ipsec::KeyKernel;
use crate::ipsec::pfkey::Event;
use crate::ipsec::sad::SaKey;
use crate::ipsec::spec::SaSpec;
use crate::wire::udp_encap::{self, PORT_NATT};

/// One UDP datagram to send: its payload already framed for its port.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UdpOut {
    pub local: SocketAddrV4,
    pub remote: SocketAddrV4,
    pub payload: Vec<u8>,
}

/// Something the daemon did, in the order it did it.
#[derive(Clone, Debug, PartialEq)]
pub enum DaemonEvent {
    /// An SA went into the kernel, with its keys.
    Installed(SaSpec),
    /// An SA left the kernel.
    Deleted(SaKey),
    /// A new row for Wireshark's IKE decryption table.
    KeyRow(KeyRow),
    /// An exchange finished or failed, a peer died, a NAT was found …
    Ike(IkeEvent),
}

/// A daemon with its framing, and how far its event stream was read.
pub struct DaemonDriver {
    pub daemon: Box<dyn KeyDaemon>,
    seen: Seen,
}

/// Counts of what the stream already gave out.
#[derive(Default)]
struct Seen {
    installed: usize,
    deleted: usize,
    events: usize,
    key_rows: Vec<Vec<u8>>,
}

impl DaemonDriver {
    pub fn new(daemon: Box<dyn KeyDaemon>) -> DaemonDriver {
        DaemonDriver {
            daemon,
            seen: Seen::default(),
        }
    }

    /// A UDP payload arrived on `local` from `remote`. On port 4500 only
    /// IKE after its marker reaches the daemon (RFC 3948 §2.2); a
    /// keepalive or anything else is not IKE.
    pub fn received(
        &mut self,
        now: Instant,
        local: SocketAddrV4,
        remote: SocketAddrV4,
        payload: &[u8],
        kernel: &mut dyn KeyKernel,
    ) {
        let message = if local.port() == PORT_NATT {
            match udp_encap::Repr::parse(payload) {
                Ok(udp_encap::Repr::Ike(ike)) => ike,
                _ => return,
            }
        } else {
            payload
        };
        self.daemon.on_datagram(now, remote, local, message, kernel);
    }

    /// Kernel messages first, each as `next_event` gives it (one the
    /// daemon's own requests raise comes in the same round), then the
    /// daemon's timer if it is due.
    pub fn service<K: KeyKernel>(
        &mut self,
        now: Instant,
        kernel: &mut K,
        mut next_event: impl FnMut(&mut K) -> Option<Event>,
    ) {
        while let Some(event) = next_event(kernel) {
            self.daemon.on_kernel_event(now, event, kernel);
        }
        if self.daemon.next_timer().is_some_and(|t| t <= now) {
            self.daemon.on_timer(now, kernel);
        }
    }

    /// The next datagram to send, framed for its port: IKE from port 4500
    /// gets the non-ESP marker, a keepalive goes as it is.
    pub fn transmit(&mut self) -> Option<UdpOut> {
        let d = self.daemon.poll_transmit()?;
        let payload = if d.from.port() != PORT_NATT || d.data == udp_encap::KEEPALIVE {
            d.data
        } else {
            udp_encap::Repr::Ike(&d.data).to_bytes()
        };
        Some(UdpOut {
            local: d.from,
            remote: d.to,
            payload,
        })
    }

    /// What the daemon did since the last call, in order within each kind:
    /// SAs installed, SAs deleted, key-table rows, IKE events.
    pub fn events(&mut self) -> Vec<DaemonEvent> {
        let Some(report) = self.daemon.report() else {
            return Vec::new();
        };
        let seen = &mut self.seen;
        let mut out: Vec<DaemonEvent> = Vec::new();
        let installed = report.installed.get(seen.installed..).unwrap_or(&[]);
        out.extend(installed.iter().cloned().map(DaemonEvent::Installed));
        let deleted = report.deleted.get(seen.deleted..).unwrap_or(&[]);
        out.extend(deleted.iter().copied().map(DaemonEvent::Deleted));
        for row in report.keys {
            if !seen.key_rows.contains(&row.id) {
                seen.key_rows.push(row.id.clone());
                out.push(DaemonEvent::KeyRow(row));
            }
        }
        let events = report.events.get(seen.events..).unwrap_or(&[]);
        out.extend(events.iter().cloned().map(DaemonEvent::Ike));
        (seen.installed, seen.deleted, seen.events) = (
            report.installed.len(),
            report.deleted.len(),
            report.events.len(),
        );
        out
    }
}

#[cfg(test)]
mod tests {
    use std::net::Ipv4Addr;

    use super::*;
    use crate::ike::daemon::Datagram;
    use crate::ike::report::DaemonReport;
    use crate::ipsec::pfkey::{Errno, Reply, Request};

    /// Keeps what it hears; sends what it is given; reports one event per
    /// datagram heard.
    #[derive(Default)]
    struct Echo {
        heard: Vec<(SocketAddrV4, Vec<u8>)>,
        outbox: Vec<Datagram>,
        events: Vec<IkeEvent>,
    }

    impl KeyDaemon for Echo {
        fn on_datagram(
            &mut self,
            now: Instant,
            from: SocketAddrV4,
            _to: SocketAddrV4,
            data: &[u8],
            _kernel: &mut dyn KeyKernel,
        ) {
            self.heard.push((from, data.to_vec()));
            let peer = *from.ip();
            self.events
                .push(IkeEvent::Phase1Established { at: now, peer });
        }
        fn on_kernel_event(&mut self, _: Instant, _: Event, _: &mut dyn KeyKernel) {}
        fn on_timer(&mut self, _: Instant, _: &mut dyn KeyKernel) {}
        fn next_timer(&self) -> Option<Instant> {
            None
        }
        fn poll_transmit(&mut self) -> Option<Datagram> {
            (!self.outbox.is_empty()).then(|| self.outbox.remove(0))
        }
        fn report(&self) -> Option<DaemonReport<'_>> {
            Some(DaemonReport {
                events: &self.events,
                ..DaemonReport::default()
            })
        }
    }

    struct NoKernel;

    impl KeyKernel for NoKernel {
        fn request(&mut self, _: Instant, _: Request) -> Result<Reply, Errno> {
            Ok(Reply::Done)
        }
    }

    fn addr(port: u16) -> SocketAddrV4 {
        SocketAddrV4::new(Ipv4Addr::new(192, 0, 2, 1), port)
    }

    /// RFC 3948 §2.2 and §2.3: on port 4500 the daemon hears IKE without
    /// its marker and never a keepalive or ESP; on 500 the payload is the
    /// message. What it sends from 4500 gains the marker, a keepalive
    /// does not. Each datagram heard shows once in the event stream.
    #[test]
    fn frames_port_4500_and_streams_events_once() {
        let mut d = DaemonDriver::new(Box::new(Echo {
            outbox: vec![
                Datagram {
                    from: addr(4500),
                    to: addr(4500),
                    data: vec![1, 2],
                },
                Datagram {
                    from: addr(4500),
                    to: addr(4500),
                    data: vec![0xff],
                },
                Datagram {
                    from: addr(500),
                    to: addr(500),
                    data: vec![3],
                },
            ],
            ..Echo::default()
        }));
        let k = &mut NoKernel;
        let now = Instant::ZERO;
        d.received(now, addr(4500), addr(4500), &[0, 0, 0, 0, 9, 9], k);
        d.received(now, addr(4500), addr(4500), &[0xff], k);
        d.received(now, addr(4500), addr(4500), &[1, 2, 3, 4, 5], k);
        d.received(now, addr(500), addr(500), &[0, 0, 0, 0, 7], k);
        let sent: Vec<Vec<u8>> = std::iter::from_fn(|| d.transmit())
            .map(|u| u.payload)
            .collect();
        assert_eq!(sent, [vec![0, 0, 0, 0, 1, 2], vec![0xff], vec![3]]);
        assert_eq!(d.events().len(), 2);
        assert!(d.events().is_empty());
        d.received(now, addr(500), addr(500), &[8], k);
        assert_eq!(d.events().len(), 1);
    }
}
