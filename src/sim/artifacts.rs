//! Files written at the end of a run besides the captures: each IPsec
//! node's `<node>.sad` and `<node>.spd`, Wireshark's `esp_sa` table, each
//! key daemon's log and Wireshark's IKE key tables (from the daemons'
//! neutral [`DaemonReport`]s), each NAT's mappings.

use std::collections::BTreeMap;
use std::io;
use std::net::Ipv4Addr;
use std::path::{Path, PathBuf};

use smoltcp::time::Instant;

use crate::ike::report::{DaemonReport, KeyRow};
use crate::ipsec::dump;
use crate::ipsec::ipcomp_sad::IpcompCounters;
use crate::ipsec::sad::SaCounters;
use crate::ipsec::spec::IpsecProto;
use crate::node::Node;

/// One SA's identity and counters at the end of a run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SaReport {
    pub src: Ipv4Addr,
    pub dst: Ipv4Addr,
    pub proto: IpsecProto,
    pub spi: u32,
    pub counters: SaCounters,
}

/// One IPComp SA's identity and counters at the end of a run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IpcompReport {
    pub src: Ipv4Addr,
    pub dst: Ipv4Addr,
    pub spi: u32,
    pub counters: IpcompCounters,
}

/// The IPComp SAs each IPsec node holds at the end.
pub fn ipcomp_reports(nodes: &[Node]) -> Vec<(String, Vec<IpcompReport>)> {
    nodes
        .iter()
        .filter_map(|n| {
            let engine = n.ipsec()?;
            let sas = engine
                .ipcomp
                .iter()
                .map(|sa| IpcompReport {
                    src: sa.spec.src,
                    dst: sa.spec.dst,
                    spi: sa.spec.spi,
                    counters: sa.counters,
                })
                .collect();
            Some((n.name.clone(), sas))
        })
        .collect()
}

/// The SAs each IPsec node holds at the end.
pub fn sa_reports(nodes: &[Node]) -> Vec<(String, Vec<SaReport>)> {
    nodes
        .iter()
        .filter_map(|n| {
            let engine = n.ipsec()?;
            let sas = engine
                .sad
                .iter()
                .map(|sa| SaReport {
                    src: sa.spec.src,
                    dst: sa.spec.dst,
                    proto: sa.spec.proto,
                    spi: sa.spec.spi,
                    counters: sa.counters,
                })
                .collect();
            Some((n.name.clone(), sas))
        })
        .collect()
}

/// Every SA each IPsec node installed during the run, in order.
pub fn sa_history(nodes: &[Node]) -> Vec<(String, Vec<crate::ipsec::sad::SaLife>)> {
    nodes
        .iter()
        .filter_map(|n| Some((n.name.clone(), n.ipsec()?.sad.history.clone())))
        .collect()
}

/// Each node's key daemon report, by node index (None: no daemon, or
/// one that keeps no report).
pub fn daemon_reports(nodes: &[Node]) -> Vec<Option<DaemonReport<'_>>> {
    nodes
        .iter()
        .map(|n| n.daemon.as_ref().and_then(|d| d.driver.daemon.report()))
        .collect()
}

/// Writes each daemon's `<node>.log` and Wireshark's IKE key tables
/// (`ikev1_decryption_table`: initiator cookie, encryption key), one row
/// per IKE SA, the initiator's where the ends' rows differ (see
/// [`KeyRow`]).
pub fn write_ike_files(
    dir: &Path,
    nodes: &[Node],
    reports: &[Option<DaemonReport<'_>>],
) -> io::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    let mut tables: BTreeMap<&str, BTreeMap<&[u8], &KeyRow>> = BTreeMap::new();
    for (node, report) in nodes.iter().zip(reports) {
        let Some(report) = report else { continue };
        let mut text = String::new();
        for line in &report.log {
            text.push_str(line);
            text.push('\n');
        }
        files.push(write_atomic(
            &dir.join(format!("{}.log", node.name)),
            &text,
        )?);
        for row in &report.keys {
            let table = tables.entry(row.table).or_default();
            let kept = table.entry(row.id.as_slice()).or_insert(row);
            if row.initiator && !kept.initiator {
                *kept = row;
            }
        }
    }
    for (name, rows) in tables {
        let rows: Vec<&str> = rows.values().map(|r| r.row.as_str()).collect();
        files.push(write_atomic(&dir.join(name), &(rows.join("\n") + "\n"))?);
    }
    Ok(files)
}

/// Writes each NAT's `<node>.nat` (its mappings at the end).
pub fn write_nat_files(dir: &Path, nodes: &[Node], now: Instant) -> io::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for node in nodes {
        if let Some(nat) = node.kernel.hook::<crate::nat::Nat>() {
            let text = nat.dump(&node.name, now, &node.kernel.counters);
            files.push(write_atomic(
                &dir.join(format!("{}.nat", node.name)),
                &text,
            )?);
        }
    }
    Ok(files)
}

/// One key daemon's events and log at the end of a run.
#[derive(Clone, Debug)]
pub struct IkeReport {
    pub node: String,
    pub events: Vec<crate::ike::IkeEvent>,
    pub log: Vec<String>,
    /// Datagrams the daemon dropped, by reason.
    pub dropped: Vec<(&'static str, u64)>,
}

pub fn ike_reports(nodes: &[Node], reports: Vec<Option<DaemonReport<'_>>>) -> Vec<IkeReport> {
    nodes
        .iter()
        .zip(reports)
        .filter_map(|(n, r)| {
            let r = r?;
            Some(IkeReport {
                node: n.name.clone(),
                events: r.events.to_vec(),
                log: r.log,
                dropped: r.dropped,
            })
        })
        .collect()
}

/// Writes `path` atomically: a temporary file renamed into place.
pub fn write_atomic(path: &Path, text: &str) -> io::Result<PathBuf> {
    let tmp = crate::observe::tmp_path(path);
    std::fs::write(&tmp, text)?;
    std::fs::rename(&tmp, path)?;
    Ok(path.to_path_buf())
}

/// Writes the SAD and SPD dumps and the ESP SA table; returns the files.
pub fn write_ipsec_files(
    dir: &Path,
    nodes: &[Node],
    reports: &[Option<DaemonReport<'_>>],
    now: Instant,
) -> io::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    let mut rows: Vec<String> = Vec::new();
    let behind_nat = nodes
        .iter()
        .any(|n| n.kernel.hook::<crate::nat::Nat>().is_some());
    for (node, report) in nodes.iter().zip(reports) {
        let Some(engine) = node.ipsec() else { continue };
        files.push(write_atomic(
            &dir.join(format!("{}.sad", node.name)),
            &dump::sad(&engine.sad, &engine.ipcomp, now),
        )?);
        files.push(write_atomic(
            &dir.join(format!("{}.spd", node.name)),
            &dump::spd(&engine.spd),
        )?);
        // The sender's keys are what is on the wire (they differ from the
        // receiver's when a scenario mismatches keys on purpose). When no
        // simulated IPsec node sends from `src` (a real daemon behind a
        // TUN end, or one behind a NAT that owns the address), the
        // receiver's keys are all there is.
        let sends = |src: Ipv4Addr| {
            node.kernel.is_local(src)
                || !nodes
                    .iter()
                    .any(|n| n.ipsec().is_some() && n.kernel.is_local(src))
        };
        let sad = engine.sad.iter().map(|sa| &sa.spec);
        let negotiated = report.as_ref().map_or(&[][..], |r| r.installed);
        rows.extend(dump::esp_sa_rows(sad.chain(negotiated), sends, behind_nat));
    }
    // Both ends hold the same SAs: list each once.
    rows.sort();
    rows.dedup();
    if !rows.is_empty() {
        files.push(write_atomic(
            &dir.join("esp_sa"),
            &(rows.join("\n") + "\n"),
        )?);
    }
    Ok(files)
}
