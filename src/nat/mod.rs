//! Network address translation on a router's outside interface, in the
//! kinds RFC 4787 and RFC 3489 name: full cone (endpoint-independent
//! mapping and filtering), address-restricted and port-restricted cone
//! (endpoint-independent mapping, address- or address-and-port-dependent
//! filtering), and symmetric (address-and-port-dependent mapping).
//!
//! Outbound packets leaving by the outside interface get the outside
//! address and a mapped port (or ICMP echo identifier, RFC 5508); inbound
//! packets to the outside address are translated back when a mapping (or
//! a static forwarding rule) lets them in. ESP and AH have no ports: how
//! they pass is [`EspMode`]. Mappings time out per protocol, refreshed by
//! outbound traffic (and inbound, if asked). ICMP errors about a mapped
//! packet reach the inside host (RFC 5508 §4.2). The node kernel
//! reassembles fragments before translation, as Linux's connection
//! tracking does.

mod hook;
mod packet;
mod table;

use std::net::Ipv4Addr;

use rand_chacha::ChaCha8Rng;
use smoltcp::time::{Duration, Instant};

pub use packet::{Endpoint, Flow, Proto};
use packet::{Side, flow_of, rewrite};
pub use table::Mapping;

use crate::kernel::Datagram;
use crate::kernel::counters::{DropReason, NodeCounters};

/// How mappings are made and who may use them (RFC 4787 §4).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    FullCone,
    AddressRestricted,
    PortRestricted,
    Symmetric,
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::FullCone => "full-cone",
            Kind::AddressRestricted => "address-restricted",
            Kind::PortRestricted => "port-restricted",
            Kind::Symmetric => "symmetric",
        }
    }
}

impl PortAllocation {
    pub fn name(self) -> &'static str {
        match self {
            PortAllocation::Preserve => "preserve",
            PortAllocation::Sequential => "sequential",
            PortAllocation::Random => "random",
        }
    }
}

impl EspMode {
    pub fn name(self) -> &'static str {
        match self {
            EspMode::OneMapping => "one-mapping",
            EspMode::SpiTracking => "spi-tracking",
            EspMode::Drop => "drop",
        }
    }
}

/// How an outside port is chosen (RFC 4787 §4.2.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PortAllocation {
    /// The inside port if free, else the next free one.
    Preserve,
    /// 1024, 1025, ... in order of need.
    Sequential,
    /// Drawn from 1024–65535 with the node's seeded stream.
    Random,
}

/// How ESP and AH (no ports) cross the NAT without NAT-T.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EspMode {
    /// One mapping for the whole NAT: the inside host that sent ESP last
    /// owns it, so a second host's ESP takes over and the first breaks.
    OneMapping,
    /// "IPsec passthrough": outbound ESP is remembered per (inside host,
    /// peer); an inbound SPI not seen yet goes to the host that last sent
    /// ESP to that peer and stays bound to it.
    SpiTracking,
    /// ESP and AH are dropped.
    Drop,
}

/// Idle time after which a mapping goes, per protocol.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Timeouts {
    pub udp: Duration,
    pub tcp: Duration,
    pub icmp: Duration,
    pub esp: Duration,
}

impl Default for Timeouts {
    /// Common home-router values: UDP 60 s, TCP 2 h, ICMP 30 s, ESP 60 s.
    fn default() -> Self {
        Timeouts {
            udp: Duration::from_secs(60),
            tcp: Duration::from_secs(7200),
            icmp: Duration::from_secs(30),
            esp: Duration::from_secs(60),
        }
    }
}

impl Timeouts {
    fn of(&self, proto: Proto) -> Duration {
        match proto {
            Proto::Udp => self.udp,
            Proto::Tcp => self.tcp,
            Proto::Icmp => self.icmp,
            Proto::Esp => self.esp,
        }
    }
}

/// A static port forwarding (DNAT) rule: `proto` traffic to the outside
/// address and `port` goes to `to`:`to_port`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Forward {
    pub proto: Proto,
    pub port: u16,
    pub to: Ipv4Addr,
    pub to_port: u16,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NatConfig {
    /// Index of the outside interface and its address.
    pub outside_iface: usize,
    pub outside: Ipv4Addr,
    pub kind: Kind,
    pub ports: PortAllocation,
    pub timeouts: Timeouts,
    /// Inbound traffic refreshes mappings too.
    pub refresh_inbound: bool,
    pub esp: EspMode,
    /// Inside hosts may reach each other through the outside address.
    pub hairpin: bool,
    pub forwards: Vec<Forward>,
}

/// What inbound translation did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Inbound {
    /// Not addressed to a mapping: the NAT node handles it itself.
    Untouched,
    /// The destination was translated to an inside host.
    Translated,
    Drop(DropReason),
}

/// A NAT's state.
pub struct Nat {
    pub config: NatConfig,
    table: table::Table,
}

impl Nat {
    pub fn new(config: NatConfig, rng: ChaCha8Rng) -> Nat {
        Nat {
            config,
            table: table::Table::new(rng),
        }
    }

    pub fn mappings(&self) -> &[Mapping] {
        self.table.mappings()
    }

    /// When the next mapping expires (the kernel wakes to count it).
    pub fn next_expiry(&self) -> Option<Instant> {
        self.table.next_expiry()
    }

    /// Forgets mappings idle past their timeout.
    pub fn expire(&mut self, now: Instant, counters: &mut NodeCounters) {
        counters.nat_mappings_expired += self.table.expire(now);
    }

    fn forward_rule(&self, proto: Proto, port: u16) -> Option<Forward> {
        self.config
            .forwards
            .iter()
            .copied()
            .find(|f| f.proto == proto && f.port == port)
    }

    /// Source translation of a packet leaving by the outside interface.
    pub fn outbound(
        &mut self,
        now: Instant,
        datagram: &mut Datagram,
        counters: &mut NodeCounters,
    ) -> Result<(), DropReason> {
        self.expire(now, counters);
        let flow = flow_of(datagram).ok_or(DropReason::NatUntranslatable)?;
        if flow.proto == Proto::Esp && self.config.esp == EspMode::Drop {
            return Err(DropReason::NatEsp);
        }
        let rule = self
            .config
            .forwards
            .iter()
            .find(|f| f.proto == flow.proto && (f.to, f.to_port) == flow.src)
            .map(|f| f.port);
        let timeout = self.config.timeouts.of(flow.proto);
        let (port, created) = self
            .table
            .outbound(&self.config, &flow, rule, (now, now + timeout));
        counters.nat_mappings_created += u64::from(created);
        rewrite(datagram, Side::Source, (self.config.outside, port));
        Ok(())
    }

    /// Destination translation of a packet for the outside address.
    pub fn inbound(
        &mut self,
        now: Instant,
        datagram: &mut Datagram,
        counters: &mut NodeCounters,
    ) -> Inbound {
        if datagram.ipv4().is_none_or(|h| h.dst != self.config.outside) {
            return Inbound::Untouched;
        }
        self.expire(now, counters);
        if let Some(quoted) = packet::icmp_error_flow(datagram) {
            return match self.table.inbound(&self.config, &quoted, None) {
                Ok(inside) => {
                    packet::rewrite_icmp_error(datagram, inside);
                    Inbound::Translated
                }
                // About the NAT's own traffic, or nothing it knows.
                Err(_) => Inbound::Untouched,
            };
        }
        let Some(flow) = flow_of(datagram) else {
            return Inbound::Untouched;
        };
        if flow.proto == Proto::Icmp && flow.request {
            return Inbound::Untouched; // a ping to the NAT itself
        }
        if flow.proto == Proto::Esp && self.config.esp == EspMode::Drop {
            return Inbound::Drop(DropReason::NatEsp);
        }
        let timeout = self.config.timeouts.of(flow.proto);
        let rule = self.forward_rule(flow.proto, flow.dst.1);
        let refresh = self.config.refresh_inbound.then_some(now + timeout);
        match (self.table.inbound(&self.config, &flow, refresh), rule) {
            (Ok(internal), _) => {
                rewrite(datagram, Side::Destination, internal);
                Inbound::Translated
            }
            // A port forwarding rule lets in what no mapping does.
            (Err(_), Some(rule)) => {
                self.table.add_static(&rule, &flow, (now, now + timeout));
                counters.nat_mappings_created += 1;
                rewrite(datagram, Side::Destination, (rule.to, rule.to_port));
                Inbound::Translated
            }
            (Err(reason), None) => Inbound::Drop(reason),
        }
    }

    /// `captures/<scenario>/<nat>.nat`: the configuration and every
    /// mapping at `now`.
    pub fn dump(&self, name: &str, now: Instant, counters: &NodeCounters) -> String {
        table::dump(self, name, now, counters)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::ip::protocol;
    use crate::wire::{icmp, ipv4, udp};
    use rand_core::SeedableRng;

    const OUTSIDE: Ipv4Addr = Ipv4Addr::new(203, 0, 113, 7);
    const A: Ipv4Addr = Ipv4Addr::new(192, 168, 0, 10);
    const B: Ipv4Addr = Ipv4Addr::new(192, 168, 0, 11);
    const R1: Ipv4Addr = Ipv4Addr::new(198, 51, 100, 1);
    const R2: Ipv4Addr = Ipv4Addr::new(198, 51, 100, 2);

    fn nat(kind: Kind, forwards: Vec<Forward>) -> Nat {
        let config = NatConfig {
            outside_iface: 1,
            outside: OUTSIDE,
            kind,
            ports: PortAllocation::Preserve,
            timeouts: Timeouts::default(),
            refresh_inbound: false,
            esp: EspMode::OneMapping,
            hairpin: true,
            forwards,
        };
        Nat::new(config, rand_chacha::ChaCha8Rng::seed_from_u64(1))
    }

    fn udp(src: (Ipv4Addr, u16), dst: (Ipv4Addr, u16)) -> Datagram {
        let mut segment = [0u8; 12];
        let mut u = udp::Packet::new_unchecked(&mut segment[..]);
        let header = udp::Repr {
            src_port: src.1,
            dst_port: dst.1,
            payload_len: 4,
        };
        header.emit(&mut u).unwrap();
        u.fill_checksum(src.0.into(), dst.0.into());
        let header = ipv4::Repr::new(src.0, dst.0, protocol::UDP, 64, segment.len());
        Datagram::new(header, &segment).unwrap()
    }

    fn out(n: &mut Nat, src: (Ipv4Addr, u16), dst: (Ipv4Addr, u16)) -> (Ipv4Addr, u16) {
        let mut p = udp(src, dst);
        n.outbound(Instant::ZERO, &mut p, &mut NodeCounters::default())
            .unwrap();
        assert!(p.is_consistent());
        flow_of(&p).unwrap().src
    }

    fn into(n: &mut Nat, src: (Ipv4Addr, u16), port: u16) -> Result<(Ipv4Addr, u16), Inbound> {
        let mut p = udp(src, (OUTSIDE, port));
        match n.inbound(Instant::ZERO, &mut p, &mut NodeCounters::default()) {
            Inbound::Translated => Ok(flow_of(&p).unwrap().dst),
            other => Err(other),
        }
    }

    #[test]
    fn filtering_per_kind() {
        // Who may answer A after A sent from port 5000 to R1:500.
        let cases = [
            (Kind::FullCone, [true, true, true]),
            (Kind::AddressRestricted, [true, true, false]),
            (Kind::PortRestricted, [true, false, false]),
            (Kind::Symmetric, [true, false, false]),
        ];
        for (kind, allowed) in cases {
            let mut n = nat(kind, Vec::new());
            let (_, port) = out(&mut n, (A, 5000), (R1, 500));
            let senders = [(R1, 500), (R1, 501), (R2, 500)];
            for (sender, ok) in senders.into_iter().zip(allowed) {
                assert_eq!(
                    into(&mut n, sender, port).is_ok(),
                    ok,
                    "{kind:?} from {sender:?}"
                );
            }
        }
    }

    #[test]
    fn symmetric_maps_per_destination_cones_do_not() {
        let mut cone = nat(Kind::PortRestricted, Vec::new());
        assert_eq!(
            out(&mut cone, (A, 5000), (R1, 500)),
            out(&mut cone, (A, 5000), (R2, 500))
        );
        let mut symmetric = nat(Kind::Symmetric, Vec::new());
        assert_ne!(
            out(&mut symmetric, (A, 5000), (R1, 500)),
            out(&mut symmetric, (A, 5000), (R2, 500))
        );
    }

    #[test]
    fn port_forwarding_and_hairpinning() {
        let rule = Forward {
            proto: Proto::Udp,
            port: 4500,
            to: B,
            to_port: 4500,
        };
        let mut n = nat(Kind::PortRestricted, vec![rule]);
        // From outside, and from inside to the outside address (hairpin).
        assert_eq!(into(&mut n, (R1, 9999), 4500), Ok((B, 4500)));
        assert_eq!(into(&mut n, (A, 7777), 4500), Ok((B, 4500)));
        // B's replies leave from the forwarded port.
        assert_eq!(out(&mut n, (B, 4500), (R1, 9999)), (OUTSIDE, 4500));
        assert_eq!(
            into(&mut n, (R1, 9999), 4501),
            Err(Inbound::Drop(DropReason::NatNoMapping))
        );
    }

    #[test]
    fn forwarded_ports_are_not_given_to_inside_hosts() {
        let rule = Forward {
            proto: Proto::Udp,
            port: 4500,
            to: B,
            to_port: 4500,
        };
        let mut n = nat(Kind::FullCone, vec![rule]);
        assert_ne!(out(&mut n, (A, 4500), (R1, 4500)).1, 4500);
        assert_eq!(into(&mut n, (R2, 1234), 4500), Ok((B, 4500)));
    }

    #[test]
    fn icmp_errors_about_mapped_packets_reach_the_inside_host() {
        let mut n = nat(Kind::PortRestricted, Vec::new());
        // A's datagram leaves translated; a router answers "port unreachable".
        let mut sent = udp((A, 5000), (R1, 53));
        n.outbound(Instant::ZERO, &mut sent, &mut NodeCounters::default())
            .unwrap();
        let unreachable = icmp::Repr {
            message: icmp::Message::DstUnreachable {
                code: 3,
                next_hop_mtu: 0,
            },
            data: &sent.bytes()[..28],
        }
        .to_bytes();
        let header = ipv4::Repr::new(R2, OUTSIDE, protocol::ICMP, 64, unreachable.len());
        let mut error = Datagram::new(header, &unreachable).unwrap();
        let verdict = n.inbound(Instant::ZERO, &mut error, &mut NodeCounters::default());
        assert_eq!(verdict, Inbound::Translated);
        assert!(error.is_consistent(), "outer checksum");
        assert_eq!(error.dst(), A.into());
        let message = icmp::Packet::new_checked(error.payload()).unwrap();
        assert!(message.verify_checksum());
        let quoted = ipv4::Packet::new_quoted(message.data()).unwrap();
        assert!(quoted.verify_checksum());
        assert_eq!(quoted.src_addr(), A);
        assert_eq!(udp::ports(quoted.quoted_payload()), Some((5000, 53)));
    }

    #[test]
    fn mappings_expire_and_count() {
        let mut n = nat(Kind::FullCone, Vec::new());
        let (_, port) = out(&mut n, (A, 5000), (R1, 500));
        let mut counters = NodeCounters::default();
        n.expire(Instant::ZERO + Duration::from_secs(61), &mut counters);
        assert_eq!(counters.nat_mappings_expired, 1);
        assert!(into(&mut n, (R1, 500), port).is_err());
    }
}
