//! TCP transfers through smoltcp's TCP socket: the client writes `bytes`
//! of a known pattern and closes; the server checks every byte it reads.

use smoltcp::iface::{Context, SocketHandle, SocketSet};
use smoltcp::socket::tcp;
use smoltcp::time::Instant;
use smoltcp::wire::{IpAddress, IpEndpoint, IpListenEndpoint};

use super::{App, FlowPlan, FlowStats, payload};

const BUFFER: usize = 64 * 1024;

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
        if self.state != ClientState::Sending {
            return self.start();
        }
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
        }
        None
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
        if !s.is_open() || s.state() == tcp::State::LastAck || s.state() == tcp::State::Closed {
            stats.completed = self.read == self.total && !self.broken;
        }
        None
    }

    fn flow(&self) -> usize {
        self.flow
    }
}
