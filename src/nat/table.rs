//! The mapping table: lookup and creation for each direction, port
//! allocation, expiry, and the end-of-run dump.

use std::fmt::Write as _;

use rand_chacha::ChaCha8Rng;
use rand_core::RngCore;
use smoltcp::time::Instant;

use super::packet::{Endpoint, Flow, Proto};
use super::{EspMode, Forward, Kind, Nat, NatConfig, PortAllocation};
use crate::kernel::counters::{DropReason, NodeCounters};
use crate::net::time::time_of_day;

/// Remotes remembered per mapping for address/port-restricted filtering.
const MAX_CONTACTED: usize = 32;
const FIRST_PORT: u16 = 1024;

/// One translation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mapping {
    pub proto: Proto,
    /// The inside host's address and port (ICMP: echo identifier).
    pub internal: Endpoint,
    /// The port (identifier) on the outside address; 0 for ESP.
    pub external_port: u16,
    /// Symmetric NAT: the one remote this mapping serves. ESP with
    /// `spi-tracking`: the peer (port 0).
    pub remote: Option<Endpoint>,
    /// Remotes the inside host sent to (what restricted kinds let in).
    pub contacted: Vec<Endpoint>,
    /// ESP `spi-tracking`: the inbound SPI bound to this host.
    pub inbound_spi: Option<u32>,
    pub created: Instant,
    pub last_out: Instant,
    pub expires: Instant,
    pub packets_out: u64,
    pub packets_in: u64,
    /// Made by a port forwarding rule.
    pub static_rule: bool,
}

pub struct Table {
    mappings: Vec<Mapping>,
    /// No mapping expires before this (refreshes only push expiries
    /// later, so it may be early, never late): the per-packet check.
    earliest: Option<Instant>,
    rng: ChaCha8Rng,
    next_port: u16,
}

fn next_port(p: u16) -> u16 {
    if p == u16::MAX { FIRST_PORT } else { p + 1 }
}

impl Table {
    pub fn new(rng: ChaCha8Rng) -> Table {
        Table {
            mappings: Vec::new(),
            earliest: None,
            rng,
            next_port: FIRST_PORT,
        }
    }

    pub fn mappings(&self) -> &[Mapping] {
        &self.mappings
    }

    pub fn next_expiry(&self) -> Option<Instant> {
        self.earliest
    }

    /// Removes expired mappings; returns how many. Cheap unless one may
    /// have expired.
    pub fn expire(&mut self, now: Instant) -> u64 {
        if self.earliest.is_none_or(|t| t > now) {
            return 0;
        }
        let before = self.mappings.len();
        self.mappings.retain(|m| m.expires > now);
        self.earliest = self.mappings.iter().map(|m| m.expires).min();
        (before - self.mappings.len()) as u64
    }

    fn add(&mut self, mapping: Mapping) {
        self.earliest = Some(
            self.earliest
                .map_or(mapping.expires, |t| t.min(mapping.expires)),
        );
        self.mappings.push(mapping);
    }

    /// Whether `port` is taken: by a mapping, or kept for a forwarding rule.
    fn used(&self, proto: Proto, port: u16, forwards: &[Forward]) -> bool {
        self.mappings
            .iter()
            .any(|m| m.proto == proto && m.external_port == port)
            || forwards.iter().any(|f| f.proto == proto && f.port == port)
    }

    /// An outside port for `proto` (RFC 4787 §4.2.1).
    fn allocate(&mut self, config: &NatConfig, proto: Proto, wanted: u16) -> u16 {
        let how = config.ports;
        let mut candidate = match how {
            PortAllocation::Preserve if wanted > 0 => wanted,
            PortAllocation::Preserve | PortAllocation::Sequential => self.next_port,
            PortAllocation::Random => {
                let span = u32::from(u16::MAX - FIRST_PORT) + 1;
                FIRST_PORT + (self.rng.next_u32() % span) as u16
            }
        };
        // At most 64,512 ports: the walk ends.
        for _ in FIRST_PORT..=u16::MAX {
            if !self.used(proto, candidate, &config.forwards) {
                break;
            }
            candidate = match how {
                PortAllocation::Random => {
                    let span = u32::from(u16::MAX - FIRST_PORT) + 1;
                    FIRST_PORT + (self.rng.next_u32() % span) as u16
                }
                _ => next_port(candidate),
            };
        }
        if how == PortAllocation::Sequential || wanted == 0 {
            self.next_port = next_port(candidate);
        }
        candidate
    }

    fn find_outbound(&self, config: &NatConfig, flow: &Flow) -> Option<usize> {
        self.mappings.iter().position(|m| {
            m.proto == flow.proto
                && match (flow.proto, config.esp) {
                    (Proto::Esp, EspMode::OneMapping) => true,
                    (Proto::Esp, _) => {
                        m.internal.0 == flow.src.0 && m.remote == Some((flow.dst.0, 0))
                    }
                    _ => {
                        m.internal == flow.src
                            && (config.kind != Kind::Symmetric
                                || m.static_rule
                                || m.remote == Some(flow.dst))
                    }
                }
        })
    }

    /// The outside port for an outbound packet, and whether a mapping was
    /// made (or, for ESP `one-mapping`, taken over) for it.
    pub fn outbound(
        &mut self,
        config: &NatConfig,
        flow: &Flow,
        rule_port: Option<u16>,
        (now, expires): (Instant, Instant),
    ) -> (u16, bool) {
        let (index, created) = match self.find_outbound(config, flow) {
            Some(i) if self.mappings[i].internal.0 == flow.src.0 || flow.proto != Proto::Esp => {
                (i, false)
            }
            Some(i) => {
                // one-mapping: another inside host's ESP takes the mapping over.
                let m = &mut self.mappings[i];
                m.internal = (flow.src.0, 0);
                m.contacted.clear();
                m.created = now;
                (i, true)
            }
            None => {
                let port = match (flow.proto, rule_port) {
                    (Proto::Esp, _) => 0,
                    (_, Some(p)) => p,
                    _ => self.allocate(config, flow.proto, flow.src.1),
                };
                let remote = match (flow.proto, config.kind) {
                    (Proto::Esp, _) => Some((flow.dst.0, 0)),
                    (_, Kind::Symmetric) => Some(flow.dst),
                    _ => None,
                };
                self.add(Mapping {
                    proto: flow.proto,
                    internal: flow.src,
                    external_port: port,
                    remote,
                    contacted: Vec::new(),
                    inbound_spi: None,
                    created: now,
                    last_out: now,
                    expires,
                    packets_out: 0,
                    packets_in: 0,
                    static_rule: rule_port.is_some(),
                });
                (self.mappings.len() - 1, true)
            }
        };
        let m = &mut self.mappings[index];
        if !m.contacted.contains(&flow.dst) {
            // The oldest remote goes when the list is full.
            if m.contacted.len() == MAX_CONTACTED {
                m.contacted.remove(0);
            }
            m.contacted.push(flow.dst);
        }
        m.last_out = now;
        m.expires = m.expires.max(expires);
        m.packets_out += 1;
        (m.external_port, created)
    }

    /// The inside endpoint an inbound packet goes to, or why it may not.
    pub fn inbound(
        &mut self,
        config: &NatConfig,
        flow: &Flow,
        refresh: Option<Instant>,
    ) -> Result<Endpoint, DropReason> {
        let index = match flow.proto {
            Proto::Esp => self.find_esp_inbound(config, flow)?,
            _ => self.find_inbound(config, flow)?,
        };
        let m = &mut self.mappings[index];
        m.packets_in += 1;
        if let Some(t) = refresh {
            m.expires = m.expires.max(t);
        }
        Ok(m.internal)
    }

    fn find_inbound(&self, config: &NatConfig, flow: &Flow) -> Result<usize, DropReason> {
        let allowed = |m: &Mapping| {
            m.static_rule
                || match config.kind {
                    Kind::FullCone => true,
                    Kind::AddressRestricted => m.contacted.iter().any(|c| c.0 == flow.src.0),
                    Kind::PortRestricted => m.contacted.contains(&flow.src),
                    Kind::Symmetric => m.remote == Some(flow.src),
                }
        };
        let mut mapped = false;
        for (i, m) in self.mappings.iter().enumerate() {
            if m.proto == flow.proto && m.external_port == flow.dst.1 {
                mapped = true;
                if allowed(m) {
                    return Ok(i);
                }
            }
        }
        Err(if mapped {
            DropReason::NatFiltered
        } else {
            DropReason::NatNoMapping
        })
    }

    fn find_esp_inbound(&mut self, config: &NatConfig, flow: &Flow) -> Result<usize, DropReason> {
        let esp = |m: &Mapping| m.proto == Proto::Esp;
        if config.esp == EspMode::OneMapping {
            return self
                .mappings
                .iter()
                .position(esp)
                .ok_or(DropReason::NatNoMapping);
        }
        if let Some(i) = self
            .mappings
            .iter()
            .position(|m| esp(m) && m.inbound_spi == Some(flow.spi))
        {
            return Ok(i);
        }
        // A new inbound SPI: the host that last sent ESP to this peer.
        let unbound = self
            .mappings
            .iter()
            .enumerate()
            .filter(|(_, m)| esp(m) && m.remote == Some((flow.src.0, 0)))
            .max_by_key(|(_, m)| (m.inbound_spi.is_none(), m.last_out))
            .map(|(i, _)| i)
            .ok_or(DropReason::NatNoMapping)?;
        self.mappings[unbound].inbound_spi = Some(flow.spi);
        Ok(unbound)
    }

    /// A mapping made by a port forwarding rule for an inbound packet.
    pub fn add_static(&mut self, rule: &Forward, flow: &Flow, (now, expires): (Instant, Instant)) {
        self.add(Mapping {
            proto: rule.proto,
            internal: (rule.to, rule.to_port),
            external_port: rule.port,
            remote: None,
            contacted: vec![flow.src],
            inbound_spi: None,
            created: now,
            last_out: now,
            expires,
            packets_out: 0,
            packets_in: 1,
            static_rule: true,
        });
    }
}

fn endpoint(e: Endpoint) -> String {
    format!("{}:{}", e.0, e.1)
}

/// The `<nat>.nat` file.
pub fn dump(nat: &Nat, name: &str, now: Instant, counters: &NodeCounters) -> String {
    let c = &nat.config;
    let mut out = format!(
        "NAT {name}: {} on {}, ports {}, esp {}, hairpin {}, at {}\n",
        c.kind.name(),
        c.outside,
        c.ports.name(),
        c.esp.name(),
        if c.hairpin { "on" } else { "off" },
        time_of_day(now)
    );
    for m in nat.mappings() {
        let _ = write!(
            out,
            "{} {} -> {}:{}",
            m.proto.name(),
            endpoint(m.internal),
            c.outside,
            m.external_port
        );
        if let Some(r) = m.remote {
            let _ = write!(out, " remote {}", endpoint(r));
        }
        if let Some(spi) = m.inbound_spi {
            let _ = write!(out, " inbound-spi 0x{spi:08x}");
        }
        let _ = writeln!(
            out,
            "{} created {} expires {} out {} in {}",
            if m.static_rule { " static" } else { "" },
            time_of_day(m.created),
            time_of_day(m.expires),
            m.packets_out,
            m.packets_in
        );
    }
    let _ = writeln!(
        out,
        "mappings: {} now, {} created, {} expired",
        nat.mappings().len(),
        counters.nat_mappings_created,
        counters.nat_mappings_expired
    );
    out
}
