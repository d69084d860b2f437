//! Everything seen on the links: a pcap per link, `all.pcapng` with every
//! link, `trace.txt` with one tcpdump-style record per packet, and the
//! packets that expectations need.
//!
//! A record is what `tcpdump -n` prints for the packet: its first line,
//! after the time and link name, then the continuation lines some printers
//! add (hex dumps, an encapsulated frame), verbatim and without a prefix.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use smoltcp::time::Instant;

use super::TmpFile;
use super::filter::PacketSummary;
use super::ladder::Hop;
use super::pcap::PcapWriter;
use super::pcapng::{AllLinks, Interface, PacketId};
use super::tcpdump::Dissector;
use crate::net::time::time_of_day;

/// Lines and packet summaries kept for a link that expectations look at.
#[derive(Debug, Default)]
pub struct LinkLog {
    /// Per packet, (line number in trace.txt, the record's first line after
    /// the time and link name); continuation lines are not kept.
    pub lines: Vec<(u64, String)>,
    pub summaries: Vec<PacketSummary>,
}

struct LinkCapture {
    name: String,
    pcap: Option<PcapWriter>,
    dissector: Dissector,
    log: Option<LinkLog>,
    packets: u64,
}

/// What [`Capture::finish`] returns.
pub struct Finished {
    pub files: Vec<PathBuf>,
    /// Per link, its packet count and retained log.
    pub links: Vec<(u64, Option<LinkLog>)>,
    /// Every packet, when files were written (the report draws them).
    pub hops: Vec<Hop>,
}

/// A packet's sending and receiving lifelines (see [`Hop`]).
pub type Ends = (u32, u32);

pub struct Capture {
    links: Vec<LinkCapture>,
    all: Option<AllLinks>,
    trace: Option<TmpFile>,
    trace_line: u64,
    /// Kept when files are written, indexed by [`PacketId`].
    hops: Option<Vec<Hop>>,
}

impl Capture {
    /// `dir` None: no files at all. `keep[i]`: retain link i's packets for expectations.
    pub fn new(dir: Option<&Path>, interfaces: &[Interface], keep: &[bool]) -> io::Result<Capture> {
        let mut links = Vec::new();
        for (i, Interface { name, .. }) in interfaces.iter().enumerate() {
            let pcap = match dir {
                Some(d) => Some(PcapWriter::create(&d.join(format!("{name}.pcap")))?),
                None => None,
            };
            let log = keep.get(i).copied().unwrap_or(false).then(LinkLog::default);
            links.push(LinkCapture {
                name: name.clone(),
                pcap,
                dissector: Dissector::new(),
                log,
                packets: 0,
            });
        }
        let trace = match dir {
            Some(d) => Some(TmpFile::create(&d.join("trace.txt"))?),
            None => None,
        };
        let all = match dir {
            Some(d) => Some(AllLinks::create(d, interfaces)?),
            None => None,
        };
        Ok(Capture {
            links,
            all,
            trace,
            trace_line: 0,
            hops: dir.map(|_| Vec::new()),
        })
    }

    /// Records one packet as it leaves a sender onto link `link`, which
    /// will deliver `arriving` copies of it. With `all.pcapng` written,
    /// returns the id that [`Capture::arrived`] takes.
    pub fn record(
        &mut self,
        link: usize,
        at: Instant,
        packet: &[u8],
        arriving: u8,
        ends: Ends,
    ) -> io::Result<Option<PacketId>> {
        let Some(lc) = self.links.get_mut(link) else {
            return Ok(None);
        };
        lc.packets += 1;
        if let Some(pcap) = &mut lc.pcap {
            pcap.write(at, packet)?;
        }
        let id = match &mut self.all {
            Some(all) => Some(all.sent(link, at, packet, arriving)?),
            None => None,
        };
        if self.trace.is_none() && lc.log.is_none() {
            return Ok(id);
        }
        let full = lc.dissector.line(packet);
        let mut record = full.split('\n');
        let first = record.next().unwrap_or_default();
        // The trace shows the link name where tcpdump shows the protocol.
        let text = first.strip_prefix("IP ").unwrap_or(first).to_string();
        let continuations: Vec<&str> = record.collect();
        let line = self.trace_line + 1;
        self.trace_line += 1 + continuations.len() as u64;
        if let Some(out) = &mut self.trace {
            writeln!(out, "{} {} {}", time_of_day(at), lc.name, text)?;
            for continuation in continuations {
                writeln!(out, "{continuation}")?;
            }
        }
        let summary = PacketSummary::of(packet);
        if let Some(hops) = &mut self.hops {
            hops.push(Hop {
                at,
                link: link as u32,
                from: ends.0,
                to: ends.1,
                line,
                text: text.clone(),
                summary,
                arriving,
                fate: None,
            });
        }
        if let Some(log) = &mut lc.log {
            if let Some(s) = summary {
                log.summaries.push(s);
            }
            log.lines.push((line, text));
        }
        Ok(id)
    }

    /// A copy of packet `id` reached its end; `fate`: what became of it
    /// there when it was not taken as usual (a drop and its reason).
    pub fn arrived(&mut self, id: PacketId, fate: Option<String>) -> io::Result<()> {
        let hop = self.hops.as_mut().and_then(|h| h.get_mut(id as usize));
        if let (Some(hop), Some(f)) = (hop, &fate) {
            hop.fate.get_or_insert_with(|| f.clone());
        }
        match &mut self.all {
            Some(all) => all.arrived(id, fate),
            None => Ok(()),
        }
    }

    /// Closes every file and renames it into place; returns the files and,
    /// per link, its packet count and retained log.
    pub fn finish(self) -> io::Result<Finished> {
        let mut files = Vec::new();
        let mut logs = Vec::new();
        for lc in self.links {
            if let Some(p) = lc.pcap {
                files.push(p.finish()?);
            }
            logs.push((lc.packets, lc.log));
        }
        if let Some(all) = self.all {
            files.push(all.finish()?);
        }
        if let Some(trace) = self.trace {
            files.push(trace.finish()?);
        }
        Ok(Finished {
            files,
            links: logs,
            hops: self.hops.unwrap_or_default(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_print_like_tcpdump() {
        assert_eq!(
            time_of_day(Instant::from_micros(1_000_000)),
            "00:00:01.000000"
        );
        assert_eq!(
            time_of_day(Instant::from_micros(3_723_000_042_i64)),
            "01:02:03.000042"
        );
    }

    /// An IPv4 UDP datagram from 10.0.0.1.40000 to 10.0.0.2.520.
    fn rip_datagram(payload: &[u8]) -> Vec<u8> {
        let total = (28 + payload.len()) as u16;
        let udp = (8 + payload.len()) as u16;
        let mut p = vec![
            0x45, 0, 0, 0, 0, 1, 0, 0, 64, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2,
        ];
        p[2..4].copy_from_slice(&total.to_be_bytes());
        p.extend(40000u16.to_be_bytes());
        p.extend(520u16.to_be_bytes());
        p.extend(udp.to_be_bytes());
        p.extend([0, 0]);
        p.extend(payload);
        p
    }

    /// A RIPv0 record takes 1 + 2 lines of trace.txt; expectations keep
    /// first lines and their line numbers.
    #[test]
    fn continuation_lines_count_in_line_numbers_but_are_not_kept() {
        let mut c = Capture::new(None, &[Interface::named("wire")], &[true]).expect("no files");
        let at = Instant::from_micros(0);
        c.record(0, at, &rip_datagram(&[0; 20]), 1, (0, 1))
            .expect("no files");
        c.record(0, at, &rip_datagram(&[2, 1, 0, 0]), 1, (0, 1))
            .expect("no files");
        let logs = c.finish().expect("no files").links;
        let lines = logs[0].1.as_ref().map(|l| l.lines.clone());
        assert_eq!(
            lines,
            Some(vec![
                (1, "10.0.0.1.40000 > 10.0.0.2.520: RIPv0".to_string()),
                (
                    4,
                    "10.0.0.1.40000 > 10.0.0.2.520: RIPv1, Response, length: 4".to_string()
                ),
            ])
        );
    }
}
