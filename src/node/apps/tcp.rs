//! TCP transfers through smoltcp's TCP socket: the client writes `bytes`
//! of a known pattern and closes; the server checks every byte it reads.

use smoltcp::iface::{Context, SocketHandle, SocketSet};
use smoltcp::socket::tcp;
use smoltcp::time::{Duration, Instant};
use smoltcp::wire::{IpAddress, IpEndpoint, IpListenEndpoint};

use super::{App, FlowPlan, FlowStats, payload};

const BUFFER: usize = 64 * 1024;

/// How long a FIN that smoltcp stopped retransmitting waits before it is
/// sent again: the smallest retransmission timeout, RFC 6298 (2.4).
const FIN_REARM: Duration = Duration::from_secs(1);

/// Works around a smoltcp 0.14 bug that leaves a lost FIN unretransmitted
/// forever, so that a transfer over a dropping queue never closes.
///
/// Upstream bug (smoltcp 0.14.0, src/socket/tcp.rs): when only the FIN is
/// outstanding (FIN-WAIT-1, CLOSING or LAST-ACK with an empty transmit
/// buffer) and three duplicate ACKs arrive, `process` replaces the
/// retransmission timer with `Timer::FastRetransmit`. `dispatch` then sets
/// `pending_fast_retransmit`, turns the timer to `Idle`, and asks
/// `seq_to_transmit`, which answers no: its fast-retransmit shortcut needs
/// a non-empty transmit buffer, and `can_fin` needs `remote_last_seq ==
/// local_seq_no`, false while the FIN counts as sent. Nothing is sent, no
/// timer runs, and the FIN is never retransmitted, against RFC 6298 (5.1)
/// (the timer runs while anything is outstanding) and RFC 5681 (3.2) (the
/// fast retransmit resends the first unacknowledged segment, here the
/// FIN). Seen after loss recovery: the FIN that came with the last data
/// reached the receiver before a hole was filled and was ignored, as RFC
/// 9293 (3.10.7.4) allows; the FIN sent again when the hole was filled was
/// dropped by the full queue, and the stale go-back-N retransmissions
/// still queued behind it drew the duplicate ACKs.
///
/// The workaround gives the socket a keep-alive interval while only its
/// FIN is outstanding. The keep-alive timer is the one timer `dispatch`
/// still honours in that state; when it fires, `dispatch` builds its
/// segment with `pending_fast_retransmit` still set, which is exactly the
/// FIN at `local_seq_no`, and re-arms the retransmission timer. While the
/// retransmission timer runs, the keep-alive interval has no effect. The
/// interval is removed once the FIN is acknowledged; a timer armed with it
/// just before may still send one keep-alive (RFC 1122 4.2.3.6) in
/// FIN-WAIT-2 if the peer's FIN is late, which the peer only acknowledges.
fn rearm_fin_retransmission(s: &mut tcp::Socket) {
    let only_fin_outstanding = matches!(
        s.state(),
        tcp::State::FinWait1 | tcp::State::Closing | tcp::State::LastAck
    ) && s.send_queue() == 0;
    let interval = only_fin_outstanding.then_some(FIN_REARM);
    if s.keep_alive() != interval {
        s.set_keep_alive(interval);
    }
}

fn socket() -> tcp::Socket<'static> {
    tcp::Socket::new(
        tcp::SocketBuffer::new(vec![0; BUFFER]),
        tcp::SocketBuffer::new(vec![0; BUFFER]),
    )
}

pub struct TcpClient {
    flow: usize,
    handle: SocketHandle,
    local: IpListenEndpoint,
    remote: IpEndpoint,
    total: usize,
    written: usize,
    start: Instant,
    state: ClientState,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ClientState {
    Waiting,
    Sending,
    Closed,
}

impl TcpClient {
    pub fn new(plan: &FlowPlan, sockets: &mut SocketSet<'static>, total: usize) -> TcpClient {
        TcpClient {
            flow: plan.flow,
            handle: sockets.add(socket()),
            local: IpListenEndpoint {
                addr: Some(IpAddress::Ipv4(plan.src)),
                port: plan.src_port,
            },
            remote: IpEndpoint::new(IpAddress::Ipv4(plan.dst), plan.dst_port),
            total,
            written: 0,
            start: plan.start,
            state: ClientState::Waiting,
        }
    }

    /// Opens the connection; needs the interface's context (smoltcp's `connect`).
    pub fn connect_if_due(
        &mut self,
        now: Instant,
        cx: &mut Context,
        sockets: &mut SocketSet<'static>,
    ) {
        if self.state != ClientState::Waiting || now < self.start {
            return;
        }
        let s = sockets.get_mut::<tcp::Socket>(self.handle);
        if s.connect(cx, self.remote, self.local).is_ok() {
            self.state = ClientState::Sending;
        } else {
            self.state = ClientState::Closed;
        }
    }

    pub fn start(&self) -> Option<Instant> {
        (self.state == ClientState::Waiting).then_some(self.start)
    }

    /// Writes as much of the pattern as the socket takes; closes after the last byte.
    fn send_pattern(&mut self, sockets: &mut SocketSet<'static>, stats: &mut FlowStats) {
        let s = sockets.get_mut::<tcp::Socket>(self.handle);
        while self.written < self.total && s.can_send() {
            let (flow, at, left) = (self.flow, self.written, self.total - self.written);
            let sent = s.send(|buf| {
                let n = buf.len().min(left);
                payload::fill(&mut buf[..n], flow, 0, at);
                (n, n)
            });
            match sent {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    self.written += n;
                    stats.sent_bytes += n as u64;
                    stats.sent = stats.sent_bytes;
                }
            }
        }
        if self.written == self.total {
            s.close();
            self.state = ClientState::Closed;
            rearm_fin_retransmission(s);
        }
    }
}

impl App for TcpClient {
    fn service(
        &mut self,
        now: Instant,
        cx: &mut Context,
        sockets: &mut SocketSet<'static>,
        stats: &mut FlowStats,
    ) -> Option<Instant> {
        self.connect_if_due(now, cx, sockets);
        match self.state {
            ClientState::Waiting => self.start(),
            ClientState::Sending => {
                self.send_pattern(sockets, stats);
                None
            }
            ClientState::Closed => {
                rearm_fin_retransmission(sockets.get_mut::<tcp::Socket>(self.handle));
                None
            }
        }
    }

    fn flow(&self) -> usize {
        self.flow
    }
}

pub struct TcpServer {
    flow: usize,
    handle: SocketHandle,
    total: usize,
    read: usize,
    broken: bool,
}

impl TcpServer {
    pub fn new(
        flow: usize,
        sockets: &mut SocketSet<'static>,
        port: u16,
        total: usize,
    ) -> TcpServer {
        let mut s = socket();
        let _ = s.listen(port);
        TcpServer {
            flow,
            handle: sockets.add(s),
            total,
            read: 0,
            broken: false,
        }
    }
}

impl App for TcpServer {
    fn service(
        &mut self,
        _now: Instant,
        _cx: &mut Context,
        sockets: &mut SocketSet<'static>,
        stats: &mut FlowStats,
    ) -> Option<Instant> {
        let s = sockets.get_mut::<tcp::Socket>(self.handle);
        while s.can_recv() {
            let (flow, at) = (self.flow, self.read);
            let Ok((n, good)) = s.recv(|buf| {
                let good = payload::matching_prefix(buf, flow, 0, at);
                (buf.len(), (buf.len(), good))
            }) else {
                break;
            };
            if n == 0 {
                break;
            }
            if !self.broken {
                stats.intact_bytes += good as u64;
                if good < n {
                    self.broken = true;
                    stats.corrupted += (n - good) as u64;
                }
            } else {
                stats.corrupted += n as u64;
            }
            self.read += n;
        }
        stats.received = self.read as u64;
        if s.state() == tcp::State::CloseWait {
            s.close();
        }
        rearm_fin_retransmission(s);
        if !s.is_open() || s.state() == tcp::State::LastAck || s.state() == tcp::State::Closed {
            stats.completed = self.read == self.total && !self.broken;
        }
        None
    }

    fn flow(&self) -> usize {
        self.flow
    }
}
