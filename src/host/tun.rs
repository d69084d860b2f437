//! A host TUN device: Linux `/dev/net/tun` in layer-3 mode without the
//! packet-information header (`IFF_TUN | IFF_NO_PI`), through the `tun-rs`
//! crate, which holds the ioctls so that our code stays free of `unsafe`.
//! One thread per device reads it; writes come from the simulator's thread.

use std::io;
use std::sync::Arc;
use std::thread::JoinHandle;

use tun_rs::{DeviceBuilder, InterruptEvent, SyncDevice};

/// The largest packet read at once: an IPv4 datagram can be 65,535 bytes.
const READ_BUFFER: usize = 65_536;

/// An open TUN device and, once started, the thread reading it.
pub struct TunDevice {
    name: String,
    device: Arc<SyncDevice>,
    stop: Arc<InterruptEvent>,
    reader: Option<JoinHandle<()>>,
}

impl TunDevice {
    /// Attaches to the TUN device `name`: one made beforehand (`ip tuntap
    /// add dev NAME mode tun user USER`, so the run needs no privilege), or
    /// a new one when the process has CAP_NET_ADMIN (it goes when the run
    /// ends). Its addresses, routes and up/down state are the host's and
    /// stay as they are.
    pub fn open(name: &str) -> io::Result<TunDevice> {
        let device = DeviceBuilder::new()
            .name(name)
            .packet_information(false)
            .inherit_enable_state()
            .build_sync()
            .map_err(|e| explain(name, e))?;
        // tun-rs: interruptible reads want a non-blocking descriptor.
        device.set_nonblocking(true)?;
        Ok(TunDevice {
            name: name.to_string(),
            device: Arc::new(device),
            stop: Arc::new(InterruptEvent::new()?),
            reader: None,
        })
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// Starts the reading thread: each packet read goes to `deliver` until
    /// it returns false, the device fails, or the device is dropped.
    pub fn start_reading(&mut self, mut deliver: impl FnMut(Vec<u8>) -> bool + Send + 'static) {
        if self.reader.is_some() {
            return;
        }
        let (device, stop) = (Arc::clone(&self.device), Arc::clone(&self.stop));
        self.reader = Some(std::thread::spawn(move || {
            let mut buf = vec![0u8; READ_BUFFER];
            loop {
                match device.recv_intr(&mut buf, &stop) {
                    Ok(n) if deliver(buf[..n].to_vec()) => {}
                    Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
                    _ => return,
                }
            }
        }));
    }

    /// Writes one packet to the device: the host receives it.
    pub fn write(&self, packet: &[u8]) -> io::Result<()> {
        self.device.send(packet).map(|_| ())
    }
}

impl Drop for TunDevice {
    /// Stops the reading thread and waits for it, so the descriptor is
    /// closed when this returns.
    fn drop(&mut self) {
        let _ = self.stop.trigger();
        if let Some(reader) = self.reader.take() {
            let _ = reader.join();
        }
    }
}

/// The error with what to do about it.
fn explain(name: &str, e: io::Error) -> io::Error {
    let hint = match e.kind() {
        io::ErrorKind::PermissionDenied => format!(
            " (create it first as root: `ip tuntap add dev {name} mode tun user $USER`, or run with CAP_NET_ADMIN)"
        ),
        _ => String::new(),
    };
    io::Error::new(
        e.kind(),
        format!("cannot open TUN device `{name}`: {e}{hint}"),
    )
}
