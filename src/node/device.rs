//! The smoltcp `Device` of a node: two queues between smoltcp and our
//! kernel. smoltcp sees one large MTU; our kernel fragments by link MTU.

use std::collections::VecDeque;

use smoltcp::phy::{Device, DeviceCapabilities, Medium, RxToken, TxToken};
use smoltcp::time::Instant;

/// The IP MTU smoltcp sees: the largest IPv4 datagram.
pub const STACK_MTU: usize = 65535;
/// Datagrams waiting for smoltcp before the kernel drops more.
pub const RX_QUEUE_LIMIT: usize = 1024;

#[derive(Debug, Default)]
pub struct KernelDevice {
    /// Datagrams delivered by the kernel, waiting for smoltcp.
    pub rx: VecDeque<Vec<u8>>,
    /// Datagrams smoltcp sent, waiting for the kernel.
    pub tx: Vec<Vec<u8>>,
}

/// Outer IPv4 header, ESP header, a 16-byte IV, the most padding and
/// trailer, a 32-byte ICV and a 16-byte AEAD tag, and NAT-T's UDP header.
const ENCAP_ROOM: usize = 20 + 8 + 16 + 17 + 32 + 16 + 8;

/// Buffers of datagrams smoltcp has read, kept for the next datagram a
/// stack sends (any node's: a datagram usually ends on another node than
/// it started). The last one freed is the first reused: it is still in
/// the cache, where a fresh allocation (these sizes miss malloc's
/// per-thread cache) hands out the least recently freed. Only the
/// allocation is reused; every byte is written again before use.
mod spare {
    use std::cell::RefCell;

    /// Enough for the datagrams in flight in a busy scenario; more are freed.
    const KEEP: usize = 64;
    /// Larger buffers (reassembled jumbo datagrams) are not worth keeping.
    const MAX_CAPACITY: usize = 4096;

    thread_local! {
        static BUFFERS: RefCell<Vec<Vec<u8>>> = const { RefCell::new(Vec::new()) };
    }

    /// An empty buffer with room for `capacity` bytes.
    pub fn take(capacity: usize) -> Vec<u8> {
        let mut buf = BUFFERS.with(|b| b.borrow_mut().pop()).unwrap_or_default();
        buf.clear();
        buf.reserve(capacity);
        buf
    }

    pub fn give(buf: Vec<u8>) {
        if buf.capacity() <= MAX_CAPACITY {
            BUFFERS.with(|b| {
                let mut b = b.borrow_mut();
                if b.len() < KEEP {
                    b.push(buf);
                }
            });
        }
    }
}

pub struct Rx(Vec<u8>);
pub struct Tx<'a>(&'a mut Vec<Vec<u8>>);

impl RxToken for Rx {
    fn consume<R, F: FnOnce(&[u8]) -> R>(self, f: F) -> R {
        f(&self.0)
    }
}

impl Drop for Rx {
    /// smoltcp has copied what it keeps: the buffer serves the next send.
    fn drop(&mut self) {
        spare::give(std::mem::take(&mut self.0));
    }
}

impl TxToken for Tx<'_> {
    fn consume<R, F: FnOnce(&mut [u8]) -> R>(self, len: usize, f: F) -> R {
        // Spare capacity for the headers and trailer a tunnel adds on the
        // way (ESP encapsulates in place), so that needs no reallocation.
        let mut buf = spare::take(len + ENCAP_ROOM);
        buf.resize(len, 0);
        let r = f(&mut buf);
        self.0.push(buf);
        r
    }
}

impl Device for KernelDevice {
    type RxToken<'a> = Rx;
    type TxToken<'a> = Tx<'a>;

    fn receive(&mut self, _now: Instant) -> Option<(Rx, Tx<'_>)> {
        let packet = self.rx.pop_front()?;
        Some((Rx(packet), Tx(&mut self.tx)))
    }

    fn transmit(&mut self, _now: Instant) -> Option<Tx<'_>> {
        Some(Tx(&mut self.tx))
    }

    fn capabilities(&self) -> DeviceCapabilities {
        let mut caps = DeviceCapabilities::default();
        caps.medium = Medium::Ip;
        caps.max_transmission_unit = STACK_MTU;
        caps
    }
}
