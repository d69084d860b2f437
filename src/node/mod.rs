//! One simulated node: our kernel layer, a smoltcp `Interface` over a
//! [`device::KernelDevice`], the node's sockets and its traffic apps.

pub mod apps;
pub mod daemon;
mod daemon_io;
pub mod device;

use smoltcp::iface::{Config, Interface, PollIngressSingleResult, PollResult, SocketSet};
use smoltcp::time::Instant;
use smoltcp::wire::{HardwareAddress, IpCidr};

use crate::ike::daemon::KeyDaemon;
use crate::ipsec::IpsecEngine;
use crate::kernel::counters::DropReason;
use crate::kernel::{Actions, Kernel};
use apps::{App, FlowStats};
use daemon::{DaemonSlot, Delivered};
use device::{KernelDevice, RX_QUEUE_LIMIT};

/// Rounds of "apps, then smoltcp" per wake-up before yielding (a guard
/// against a livelock between an app and the stack).
const MAX_ROUNDS: usize = 64;

pub struct Node {
    pub name: String,
    pub kernel: Kernel,
    stack: Interface,
    device: KernelDevice,
    pub sockets: SocketSet<'static>,
    apps: Vec<Box<dyn App>>,
    app_wake: Option<Instant>,
    /// The wake-up the simulator has queued for this node.
    pub scheduled: Option<Instant>,
    /// The key daemon, when the node runs one.
    pub daemon: Option<DaemonSlot>,
}

impl Node {
    pub fn new(name: String, kernel: Kernel, random_seed: u64, now: Instant) -> Node {
        let mut device = KernelDevice::default();
        let mut config = Config::new(HardwareAddress::Ip);
        config.random_seed = random_seed;
        let mut stack = Interface::new(config, &mut device, now);
        stack.update_ip_addrs(|addrs| {
            for i in &kernel.ifaces {
                // At most MAX_INTERFACES addresses, checked by validation.
                let _ = addrs.push(IpCidr::new(i.address.addr.into(), i.address.len));
            }
        });
        // Our kernel routes; smoltcp only needs to believe every
        // destination is reachable through the device.
        if let Some(first) = kernel.ifaces.first() {
            let _ = stack
                .routes_mut()
                .add_default_ipv4_route(first.address.addr);
        }
        Node {
            name,
            kernel,
            stack,
            device,
            sockets: SocketSet::new(Vec::new()),
            apps: Vec::new(),
            app_wake: None,
            scheduled: None,
            daemon: None,
        }
    }

    /// Gives the node an IPsec data plane at its kernel's hook points.
    pub fn attach_ipsec(&mut self, engine: IpsecEngine) {
        self.kernel.add_hook(Box::new(engine));
    }

    /// The IPsec data plane, when the node has policies or SAs.
    pub fn ipsec(&self) -> Option<&IpsecEngine> {
        self.kernel.hook()
    }

    pub fn ipsec_mut(&mut self) -> Option<&mut IpsecEngine> {
        self.kernel.hook_mut()
    }

    pub fn add_app(&mut self, app: Box<dyn App>, start: Instant) {
        self.apps.push(app);
        self.app_wake = Some(self.app_wake.map_or(start, |w| w.min(start)));
    }

    /// A packet from a link: the kernel forwards it, or it is queued for smoltcp.
    pub fn receive(&mut self, now: Instant, iface: usize, packet: Vec<u8>, out: &mut Actions) {
        self.kernel.receive(now, iface, packet, out);
        for p in out.deliver.drain(..) {
            let p = match &mut self.daemon {
                Some(d) => match d.deliver(p) {
                    Delivered::Stack(p) => p,
                    Delivered::Taken(dropped) => {
                        if let Some(why) = dropped {
                            self.kernel.counters.drop(why);
                        }
                        continue;
                    }
                },
                None => p,
            };
            if self.device.rx.len() >= RX_QUEUE_LIMIT {
                self.kernel.counters.drop(DropReason::QueueFull);
            } else {
                self.device.rx.push_back(p);
            }
        }
    }

    /// Whether smoltcp has packets waiting.
    /// Whether the node has work for its next poll: packets for smoltcp,
    /// or ACQUIREs (e.g. from forwarded traffic) for its key daemon.
    pub fn has_input(&self) -> bool {
        !self.device.rx.is_empty()
            || self.acquires_pending()
            || self.daemon.as_ref().is_some_and(DaemonSlot::has_input)
    }

    /// Runs apps and smoltcp until quiet; what they send goes through the kernel into `out`.
    pub fn poll(&mut self, now: Instant, flows: &mut [FlowStats], out: &mut Actions) {
        self.kernel.on_timer(now);
        for _ in 0..MAX_ROUNDS {
            self.service_apps(now, flows);
            let from_daemon = self.service_daemon(now);
            let changed = self.poll_stack(now, from_daemon);
            let sent = !self.device.tx.is_empty();
            // Drained, not taken: the queue keeps its allocation for the next round.
            for packet in self.device.tx.drain(..) {
                self.kernel.send_local(now, packet, out);
            }
            if !changed && !sent && !self.has_input() {
                break;
            }
        }
        self.service_apps(now, flows);
    }

    /// Gives the node a key daemon: it listens on UDP 500, hears the
    /// engine's ACQUIREs, and IKE traffic bypasses the SPD as racoon's
    /// sockets do.
    pub fn attach_daemon(&mut self, daemon: Box<dyn KeyDaemon>) {
        if let Some(engine) = self.ipsec_mut() {
            engine.ike_bypass = true;
            engine.udp_encap = daemon.wants_natt();
        }
        self.daemon = Some(DaemonSlot::new(daemon));
    }

    /// The key daemon restarts after the SAD is flushed (`setkey -F`).
    pub fn restart_daemon(&mut self, now: Instant) {
        if let (Some(slot), Some(engine)) =
            (&mut self.daemon, self.kernel.hook_mut::<IpsecEngine>())
        {
            let _ = engine.apply(&crate::ipsec::pfkey::Request::Flush(None), now);
            engine.drop_sa_events();
            slot.driver.daemon.restart(now);
        }
    }

    /// The key daemon is told to stop (the run is interrupted): it sends
    /// what it sends on exit, which goes out at the node's next poll.
    pub fn stop_daemon(&mut self, now: Instant) {
        if let (Some(slot), Some(engine)) =
            (&mut self.daemon, self.kernel.hook_mut::<IpsecEngine>())
        {
            slot.driver.daemon.stop(now, engine);
            engine.drop_sa_events();
        }
    }

    /// smoltcp's `Interface::poll` taken apart to put the daemon's
    /// datagrams where its sockets had them: received ones readable after
    /// the ingress, sent ones after the packets the ingress answered and
    /// before the other sockets' (the daemon's were the first sockets).
    /// Whether a socket's state may have changed.
    fn poll_stack(&mut self, now: Instant, from_daemon: Vec<Vec<u8>>) -> bool {
        let (device, sockets) = (&mut self.device, &mut self.sockets);
        self.stack.poll_maintenance(now);
        let mut changed = false;
        loop {
            match self.stack.poll_ingress_single(now, device, sockets) {
                PollIngressSingleResult::None => break,
                PollIngressSingleResult::PacketProcessed => {}
                PollIngressSingleResult::SocketStateChanged => changed = true,
            }
        }
        if let Some(slot) = &mut self.daemon {
            changed |= slot.through_stack();
        }
        device.tx.extend(from_daemon);
        while self.stack.poll_egress(now, device, sockets) == PollResult::SocketStateChanged {
            changed = true;
        }
        changed
    }

    /// Runs the daemon; the packets it sends.
    fn service_daemon(&mut self, now: Instant) -> Vec<Vec<u8>> {
        let mut sent = Vec::new();
        if let (Some(slot), Some(engine)) =
            (&mut self.daemon, self.kernel.hook_mut::<IpsecEngine>())
        {
            sent = slot.service(now, engine);
        }
        let vip = self
            .daemon
            .as_mut()
            .and_then(|slot| slot.driver.daemon.poll_virtual_ip());
        if let Some(addr) = vip {
            self.add_virtual_ip(addr);
        }
        sent
    }

    /// The daemon's internal address goes on the node (Android's TUN
    /// device): the kernel takes it as local and as the source of routed
    /// traffic, smoltcp answers to it.
    fn add_virtual_ip(&mut self, addr: std::net::Ipv4Addr) {
        if self.kernel.virtual_ips.contains(&addr) {
            return;
        }
        self.kernel.virtual_ips.push(addr);
        // At most MAX_INTERFACES addresses with room for one more.
        self.stack.update_ip_addrs(|addrs| {
            let _ = addrs.push(IpCidr::new(addr.into(), 32));
        });
    }

    fn acquires_pending(&self) -> bool {
        self.daemon.is_some() && self.ipsec().is_some_and(IpsecEngine::acquire_pending)
    }

    fn service_apps(&mut self, now: Instant, flows: &mut [FlowStats]) {
        let mut wake: Option<Instant> = None;
        let cx = self.stack.context();
        for app in &mut self.apps {
            let Some(stats) = flows.get_mut(app.flow()) else {
                continue;
            };
            if let Some(t) = app.service(now, cx, &mut self.sockets, stats) {
                wake = Some(wake.map_or(t, |w| w.min(t)));
            }
        }
        self.app_wake = wake;
    }

    /// When this node next needs to run: smoltcp timers, apps, kernel timers.
    pub fn next_wake(&mut self, now: Instant) -> Option<Instant> {
        let stack = self.stack.poll_at(now, &self.sockets).map(|t| t.max(now));
        let daemon = self
            .daemon
            .as_ref()
            .and_then(|d| d.driver.daemon.next_timer());
        // Folded by hand: this runs after every wake-up, and the chained
        // iterator over five options did not compile to five compares.
        let earliest = |a: Option<Instant>, b: Option<Instant>| match (a, b) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, None) => a,
            (None, b) => b,
        };
        let timers = earliest(self.kernel.next_timer(), daemon);
        earliest(earliest(stack, self.app_wake), timers)
    }
}
