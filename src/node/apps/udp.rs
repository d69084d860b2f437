//! UDP flows: a sender sends `count` datagrams of `size` bytes every
//! `interval`; the receiver checks every byte against the pattern.

use smoltcp::iface::{Context, SocketHandle, SocketSet};
use smoltcp::socket::udp;
use smoltcp::time::{Duration, Instant};
use smoltcp::wire::{IpAddress, IpEndpoint};

use super::{App, FlowPlan, FlowStats, payload};

fn socket(datagrams: usize, size: usize) -> udp::Socket<'static> {
    let buffer = || {
        udp::PacketBuffer::new(
            vec![udp::PacketMetadata::EMPTY; datagrams],
            vec![0; datagrams * size.max(1)],
        )
    };
    udp::Socket::new(buffer(), buffer())
}

pub struct UdpSender {
    flow: usize,
    handle: SocketHandle,
    dst: IpEndpoint,
    count: u32,
    size: usize,
    interval: Duration,
    next_seq: u32,
    next_send: Instant,
}

impl UdpSender {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        plan: &FlowPlan,
        sockets: &mut SocketSet<'static>,
        count: u32,
        size: usize,
        interval: Duration,
    ) -> UdpSender {
        let mut s = socket(16, size);
        let _ = s.bind(IpEndpoint::new(IpAddress::Ipv4(plan.src), plan.src_port));
        UdpSender {
            flow: plan.flow,
            handle: sockets.add(s),
            dst: IpEndpoint::new(IpAddress::Ipv4(plan.dst), plan.dst_port),
            count,
            size,
            interval,
            next_seq: 0,
            next_send: plan.start,
        }
    }
}

impl App for UdpSender {
    fn service(
        &mut self,
        now: Instant,
        _cx: &mut Context,
        sockets: &mut SocketSet<'static>,
        stats: &mut FlowStats,
    ) -> Option<Instant> {
        let s = sockets.get_mut::<udp::Socket>(self.handle);
        while self.next_seq < self.count && self.next_send <= now && s.can_send() {
            let Ok(buf) = s.send(self.size, self.dst) else {
                break;
            };
            payload::fill(buf, self.flow, self.next_seq, 0);
            if let Some(head) = buf.get_mut(..4) {
                head.copy_from_slice(&self.next_seq.to_be_bytes());
            }
            stats.sent += 1;
            stats.sent_bytes += self.size as u64;
            self.next_seq += 1;
            self.next_send += self.interval;
        }
        (self.next_seq < self.count).then_some(self.next_send.max(now))
    }

    fn flow(&self) -> usize {
        self.flow
    }
}

pub struct UdpReceiver {
    flow: usize,
    handle: SocketHandle,
    size: usize,
}

impl UdpReceiver {
    pub fn new(
        flow: usize,
        sockets: &mut SocketSet<'static>,
        port: u16,
        size: usize,
    ) -> UdpReceiver {
        let mut s = socket(64, size);
        let _ = s.bind(port);
        UdpReceiver {
            flow,
            handle: sockets.add(s),
            size,
        }
    }

    fn intact(&self, data: &[u8]) -> bool {
        if data.len() != self.size {
            return false;
        }
        // The sequence number leads the datagram; the pattern follows.
        let Some((seq, rest)) = data.split_first_chunk::<4>() else {
            // Too short to carry a sequence number: only the length is checked.
            return true;
        };
        let seq = u32::from_be_bytes(*seq);
        payload::matching_prefix(rest, self.flow, seq, 4) == rest.len()
    }
}

impl App for UdpReceiver {
    fn service(
        &mut self,
        _now: Instant,
        _cx: &mut Context,
        sockets: &mut SocketSet<'static>,
        stats: &mut FlowStats,
    ) -> Option<Instant> {
        let s = sockets.get_mut::<udp::Socket>(self.handle);
        while let Ok((data, _meta)) = s.recv() {
            let ok = self.intact(data);
            let len = data.len() as u64;
            if ok {
                stats.received += 1;
                stats.intact_bytes += len;
            } else {
                stats.corrupted += 1;
            }
        }
        None
    }

    fn flow(&self) -> usize {
        self.flow
    }
}
