//! A router's `nat:` section checked at load time and turned into a
//! [`NatConfig`] when built.

use std::collections::BTreeMap;
use std::net::Ipv4Addr;

use super::located::{Located, Pos};
use super::model::{InterfaceSpec, NodeSpec};
use super::nat_yaml::{NatEsp, NatKind, NatPorts, NatSpec};
use super::units::Span;
use crate::nat::{EspMode, Forward, Kind, NatConfig, PortAllocation, Proto, Timeouts};

fn proto(name: &str) -> Option<Proto> {
    match name {
        "udp" => Some(Proto::Udp),
        "tcp" => Some(Proto::Tcp),
        _ => None,
    }
}

fn outside(ifaces: &BTreeMap<String, InterfaceSpec>, name: &str) -> Option<(usize, Ipv4Addr)> {
    let index = ifaces.keys().position(|k| k == name)?;
    Some((index, ifaces.get(name)?.address.addr))
}

impl NatSpec {
    /// The NAT's configuration on a node with interfaces `ifaces` (in the
    /// order the kernel numbers them); None if `outside` names none.
    pub fn config(&self, ifaces: &BTreeMap<String, InterfaceSpec>) -> Option<NatConfig> {
        let (outside_iface, outside) = outside(ifaces, &self.outside)?;
        let d = Timeouts::default();
        let or = |s: &Option<Span>, default| s.map_or(default, |s| s.0);
        Some(NatConfig {
            outside_iface,
            outside,
            kind: self.kind.into(),
            ports: match self.ports {
                NatPorts::Preserve => PortAllocation::Preserve,
                NatPorts::Sequential => PortAllocation::Sequential,
                NatPorts::Random => PortAllocation::Random,
            },
            timeouts: Timeouts {
                udp: or(&self.timeouts.udp, d.udp),
                tcp: or(&self.timeouts.tcp, d.tcp),
                icmp: or(&self.timeouts.icmp, d.icmp),
                esp: or(&self.timeouts.esp, d.esp),
            },
            refresh_inbound: self.refresh_inbound,
            esp: match self.esp {
                NatEsp::OneMapping => EspMode::OneMapping,
                NatEsp::SpiTracking => EspMode::SpiTracking,
                NatEsp::Drop => EspMode::Drop,
            },
            hairpin: self.hairpin,
            forwards: self
                .forward
                .iter()
                .filter_map(|f| {
                    Some(Forward {
                        proto: proto(&f.proto)?,
                        port: f.port,
                        to: f.to.value,
                        to_port: f.to_port.unwrap_or(f.port),
                    })
                })
                .collect(),
        })
    }
}

/// Checks a node's `nat:`: it forwards, `outside` is one of its
/// interfaces, forwarding rules name udp or tcp and an inside address.
pub fn check(node: &str, spec: &Located<NodeSpec>, nat: &NatSpec, p: &mut Vec<(Pos, String)>) {
    if !spec.role.forwards() {
        p.push((
            spec.pos,
            format!(
                "node `{node}` has `nat` but does not forward: give it `role: router` or `gateway`"
            ),
        ));
    }
    if outside(&spec.interfaces, &nat.outside).is_none() {
        let names: Vec<&str> = spec.interfaces.keys().map(String::as_str).collect();
        p.push((
            nat.outside.pos,
            format!(
                "`{}` is not an interface of `{node}`: expected one of {}",
                nat.outside.value,
                names.join(", ")
            ),
        ));
    }
    for f in &nat.forward {
        if proto(&f.proto).is_none() {
            p.push((
                f.proto.pos,
                format!(
                    "forwarding protocol `{}`: expected udp or tcp",
                    f.proto.value
                ),
            ));
        }
        let inside = spec
            .interfaces
            .iter()
            .any(|(name, i)| *name != nat.outside.value && i.address.contains(f.to.value));
        if !inside {
            p.push((
                f.to.pos,
                format!("{} is on no inside subnet of `{node}`", f.to.value),
            ));
        }
    }
}

impl From<NatKind> for Kind {
    fn from(k: NatKind) -> Kind {
        match k {
            NatKind::FullCone => Kind::FullCone,
            NatKind::AddressRestricted => Kind::AddressRestricted,
            NatKind::PortRestricted => Kind::PortRestricted,
            NatKind::Symmetric => Kind::Symmetric,
        }
    }
}
