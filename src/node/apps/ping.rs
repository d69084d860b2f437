//! `ping`: ICMP echo requests from a smoltcp ICMP socket (RFC 792), like
//! iputils ping: ident per flow, sequence numbers from 1, an 8-byte send
//! time at the start of the payload.

use std::net::Ipv4Addr;

use smoltcp::iface::{Context, SocketHandle, SocketSet};
use smoltcp::phy::ChecksumCapabilities;
use smoltcp::socket::icmp;
use smoltcp::time::{Duration, Instant};
use smoltcp::wire::{Icmpv4Packet, Icmpv4Repr, IpAddress};

use super::{App, FlowPlan, FlowStats, payload};

/// The send time (microseconds, big-endian) in the first data bytes.
const STAMP_LEN: usize = 8;

pub struct Ping {
    flow: usize,
    handle: SocketHandle,
    dst: Ipv4Addr,
    ident: u16,
    count: u32,
    interval: Duration,
    size: usize,
    next_seq: u32,
    next_send: Instant,
    answered: Vec<bool>,
}

impl Ping {
    pub fn new(
        plan: &FlowPlan,
        sockets: &mut SocketSet<'static>,
        ident: u16,
        count: u32,
        interval: Duration,
        size: usize,
    ) -> Ping {
        let (flow, dst, start) = (plan.flow, plan.dst, plan.start);
        let packet = size + 8;
        let buffer = |n: usize| {
            icmp::PacketBuffer::new(vec![icmp::PacketMetadata::EMPTY; n], vec![0; n * packet])
        };
        let mut socket = icmp::Socket::new(buffer(64), buffer(16));
        // Binding only fails for ident 0 style misuse; idents here are >= 1.
        let _ = socket.bind(icmp::Endpoint::Ident(ident));
        let handle = sockets.add(socket);
        Ping {
            flow,
            handle,
            dst,
            ident,
            count,
            interval,
            size,
            next_seq: 1,
            next_send: start,
            answered: vec![false; count as usize + 1],
        }
    }

    fn send_due(
        &mut self,
        now: Instant,
        socket: &mut icmp::Socket<'static>,
        stats: &mut FlowStats,
    ) {
        while self.next_seq <= self.count && self.next_send <= now && socket.can_send() {
            let mut data = vec![0u8; self.size];
            let stamp = now.total_micros().to_be_bytes();
            let n = data.len().min(STAMP_LEN);
            data[..n].copy_from_slice(&stamp[..n]);
            if let Some(rest) = data.get_mut(STAMP_LEN..) {
                payload::fill(rest, self.flow, 0, STAMP_LEN);
            }
            let repr = Icmpv4Repr::EchoRequest {
                ident: self.ident,
                seq_no: self.next_seq as u16,
                data: &data,
            };
            let Ok(buf) = socket.send(repr.buffer_len(), IpAddress::Ipv4(self.dst)) else {
                return;
            };
            repr.emit(
                &mut Icmpv4Packet::new_unchecked(buf),
                &ChecksumCapabilities::default(),
            );
            stats.sent += 1;
            stats.sent_bytes += self.size as u64;
            self.next_seq += 1;
            self.next_send += self.interval;
        }
    }

    fn receive(&mut self, now: Instant, socket: &mut icmp::Socket<'static>, stats: &mut FlowStats) {
        while let Ok((bytes, _from)) = socket.recv() {
            let Ok(packet) = Icmpv4Packet::new_checked(bytes) else {
                continue;
            };
            let Ok(Icmpv4Repr::EchoReply {
                ident,
                seq_no,
                data,
            }) = Icmpv4Repr::parse(&packet, &ChecksumCapabilities::default())
            else {
                continue;
            };
            if ident != self.ident {
                continue;
            }
            let Some(seen) = self.answered.get_mut(usize::from(seq_no)) else {
                continue;
            };
            if *seen {
                stats.duplicates += 1;
                continue;
            }
            *seen = true;
            let intact = data.len() == self.size
                && data.get(STAMP_LEN..).is_none_or(|rest| {
                    payload::matching_prefix(rest, self.flow, 0, STAMP_LEN) == rest.len()
                });
            if !intact {
                stats.corrupted += 1;
                continue;
            }
            stats.received += 1;
            stats.intact_bytes += data.len() as u64;
            if let Some(stamp) = data.first_chunk::<STAMP_LEN>() {
                let sent = i64::from_be_bytes(*stamp);
                stats
                    .rtts_us
                    .push((now.total_micros() - sent).max(0) as u64);
            }
        }
    }
}

impl App for Ping {
    fn service(
        &mut self,
        now: Instant,
        _cx: &mut Context,
        sockets: &mut SocketSet<'static>,
        stats: &mut FlowStats,
    ) -> Option<Instant> {
        let socket = sockets.get_mut::<icmp::Socket>(self.handle);
        self.receive(now, socket, stats);
        self.send_due(now, socket, stats);
        (self.next_seq <= self.count).then_some(self.next_send.max(now))
    }

    fn flow(&self) -> usize {
        self.flow
    }
}
