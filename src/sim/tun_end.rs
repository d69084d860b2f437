//! A host TUN device as an [`Endpoint`]: a real daemon's machine (or
//! network namespace) at the end of a simulated link. What the link
//! delivers is written to the device; what the host sends into the device
//! is read on the device's own thread, rings the run's bell, and enters
//! the link at the next wake-up, as any node's frame would.

use std::net::Ipv4Addr;
use std::sync::mpsc::{self, Receiver};

use smoltcp::time::Instant;

use super::end::{Endpoint, Transmit};
use crate::host::realtime::{RealTime, Ring};
use crate::host::tun::TunDevice;
use crate::wire::ipv4;

/// What happened at a TUN end, for the run's summary.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TunCounters {
    /// Packets read from the device that entered the link.
    pub read: u64,
    /// Packets the link delivered that were written to the device.
    pub written: u64,
    /// Read, but not an IPv4 datagram (the host's IPv6 router
    /// solicitations, say): dropped.
    pub dropped_not_ipv4: u64,
    /// Read, but longer than the link's MTU: dropped (give the device the
    /// link's MTU, `ip link set NAME mtu N`).
    pub dropped_over_mtu: u64,
    /// The device refused a write (it is down, say).
    pub write_errors: u64,
}

pub struct TunEnd {
    name: String,
    device: TunDevice,
    inbox: Receiver<Vec<u8>>,
    /// The neighbour every packet from the host goes to; by default its
    /// destination.
    via: Option<Ipv4Addr>,
    mtu: usize,
    pub counters: TunCounters,
}

impl TunEnd {
    /// Opens `device` and starts reading it; `tag` is what its bell rings
    /// with ([`Ring::Device`]).
    pub fn open(
        device: &str,
        via: Option<Ipv4Addr>,
        mtu: usize,
        clock: &RealTime,
        tag: usize,
    ) -> std::io::Result<TunEnd> {
        let mut dev = TunDevice::open(device)?;
        let (tx, inbox) = mpsc::channel();
        let ring = clock.ringer();
        dev.start_reading(move |packet| {
            tx.send(packet).is_ok() && ring.send(Ring::Device(tag)).is_ok()
        });
        Ok(TunEnd {
            name: format!("tun:{device}"),
            device: dev,
            inbox,
            via,
            mtu,
            counters: TunCounters::default(),
        })
    }

    /// Where a packet from the host goes, or why it does not.
    fn next_hop(&mut self, packet: &[u8]) -> Option<Ipv4Addr> {
        let Ok(header) = ipv4::Packet::new_checked(packet) else {
            self.counters.dropped_not_ipv4 += 1;
            return None;
        };
        if packet.len() > self.mtu {
            self.counters.dropped_over_mtu += 1;
            return None;
        }
        Some(self.via.unwrap_or_else(|| header.dst_addr()))
    }
}

impl Endpoint for TunEnd {
    fn name(&self) -> &str {
        &self.name
    }

    fn deliver(
        &mut self,
        _now: Instant,
        _port: usize,
        packet: Vec<u8>,
        _out: &mut Vec<Transmit>,
    ) -> Option<Instant> {
        match self.device.write(&packet) {
            Ok(()) => self.counters.written += 1,
            Err(_) => self.counters.write_errors += 1,
        }
        None
    }

    /// Puts what the host sent since the last wake-up onto the link.
    fn poll(&mut self, _now: Instant, out: &mut Vec<Transmit>) {
        while let Ok(packet) = self.inbox.try_recv() {
            if let Some(next_hop) = self.next_hop(&packet) {
                self.counters.read += 1;
                out.push(Transmit {
                    iface: 0,
                    next_hop,
                    packet,
                });
            }
        }
    }

    /// Woken by its bell, never by the clock.
    fn poll_at(&mut self, _now: Instant) -> Option<Instant> {
        None
    }

    fn counters(&self) -> Vec<(&'static str, u64)> {
        let c = &self.counters;
        vec![
            ("read", c.read),
            ("written", c.written),
            ("dropped_not_ipv4", c.dropped_not_ipv4),
            ("dropped_over_mtu", c.dropped_over_mtu),
            ("write_errors", c.write_errors),
        ]
    }
}
