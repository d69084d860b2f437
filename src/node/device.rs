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

pub struct Rx(Vec<u8>);
pub struct Tx<'a>(&'a mut Vec<Vec<u8>>);

impl RxToken for Rx {
    fn consume<R, F: FnOnce(&[u8]) -> R>(self, f: F) -> R {
        f(&self.0)
    }
}

impl TxToken for Tx<'_> {
    fn consume<R, F: FnOnce(&mut [u8]) -> R>(self, len: usize, f: F) -> R {
        // Spare capacity for the headers and trailer a tunnel adds on the
        // way (ESP encapsulates in place), so that needs no reallocation.
        let mut buf = Vec::with_capacity(len + ENCAP_ROOM);
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
