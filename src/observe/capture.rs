//! Everything seen on the links: a pcap per link, `trace.txt` with one
//! tcpdump-style line per packet, and the packets that expectations need.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use smoltcp::time::Instant;

use super::filter::PacketSummary;
use super::pcap::PcapWriter;
use super::tcpdump::Dissector;

/// Lines and packet summaries kept for a link that expectations look at.
#[derive(Debug, Default)]
pub struct LinkLog {
    /// (line number in trace.txt, tcpdump text after the time and link name).
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

/// What [`Capture::finish`] returns: the files written and, per link, the
/// packet count and the retained log.
pub type Finished = (Vec<PathBuf>, Vec<(u64, Option<LinkLog>)>);

pub struct Capture {
    links: Vec<LinkCapture>,
    trace: Option<(BufWriter<File>, PathBuf, PathBuf)>,
    trace_line: u64,
}

/// `HH:MM:SS.uuuuuu`, as tcpdump prints a time of day (UTC, epoch = time zero).
pub fn time_of_day(at: Instant) -> String {
    let us = at.total_micros().max(0) as u64;
    let secs = us / 1_000_000;
    format!(
        "{:02}:{:02}:{:02}.{:06}",
        (secs / 3600) % 24,
        (secs / 60) % 60,
        secs % 60,
        us % 1_000_000
    )
}

impl Capture {
    /// `dir` None: no files at all. `keep[i]`: retain link i's packets for expectations.
    pub fn new(dir: Option<&Path>, link_names: &[String], keep: &[bool]) -> io::Result<Capture> {
        let mut links = Vec::new();
        for (i, name) in link_names.iter().enumerate() {
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
            Some(d) => {
                let path = d.join("trace.txt");
                let tmp = super::tmp_path(&path);
                Some((BufWriter::new(File::create(&tmp)?), tmp, path))
            }
            None => None,
        };
        Ok(Capture {
            links,
            trace,
            trace_line: 0,
        })
    }

    /// Records one packet as it leaves a sender onto link `link`.
    pub fn record(&mut self, link: usize, at: Instant, packet: &[u8]) -> io::Result<()> {
        let Some(lc) = self.links.get_mut(link) else {
            return Ok(());
        };
        lc.packets += 1;
        if let Some(pcap) = &mut lc.pcap {
            pcap.write(at, packet)?;
        }
        if self.trace.is_none() && lc.log.is_none() {
            return Ok(());
        }
        let full = lc.dissector.line(packet);
        // The trace shows the link name where tcpdump shows the protocol.
        let text = full.strip_prefix("IP ").unwrap_or(&full).to_string();
        self.trace_line += 1;
        if let Some((out, _, _)) = &mut self.trace {
            writeln!(out, "{} {} {}", time_of_day(at), lc.name, text)?;
        }
        if let Some(log) = &mut lc.log {
            if let Some(s) = PacketSummary::of(packet) {
                log.summaries.push(s);
            }
            log.lines.push((self.trace_line, text));
        }
        Ok(())
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
        if let Some((mut out, tmp, path)) = self.trace {
            out.flush()?;
            drop(out);
            std::fs::rename(&tmp, &path)?;
            files.push(path);
        }
        Ok((files, logs))
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
}
