//! A key daemon's log, as racoon writes it (`racoon -F`), with the events
//! expectations check.
//!
//! Lines read like racoon 0.8's, with the simulated time since the start
//! of the run in place of the wall-clock date:
//! `00:00:01.020: INFO: ISAKMP-SA established 192.168.1.5[500]-192.168.2.5[500] spi:…`.
//! In a real-time run ([`Log::set_epoch`]) they carry the wall-clock date
//! and time (UTC, to the millisecond) as racoon's `%Y-%m-%d %T` does, so
//! that they line up with a real peer's log:
//! `2026-12-02 02:30:11.020: INFO: ISAKMP-SA established …`.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::net::SocketAddrV4;

use smoltcp::time::{Duration, Instant};

use super::event::IkeEvent;

/// The daemon's log lines and events.
///
/// Lines go through two bounds, so that a flood of datagrams cannot grow
/// the log without end:
///
/// - A line identical to the one before (its text, not its timestamp) is
///   held back and counted, as syslogd does with racoon's messages
///   (sysklogd and FreeBSD `syslogd.c` `logmsg`: `f_prevline`,
///   `f_prevcount`). When a different line comes, or the log is read, one
///   `last message repeated N times` line stands for the copies (the copy
///   itself when there was one). A long run of copies is also written out
///   [`REPEAT_INTERVALS`] after the last write, backing off, as
///   `REPEATTIME`/`BACKOFF` do.
/// - Lines about a dropped datagram ([`Log::dropped`]) are rate limited
///   per drop reason, as the kernel's `net_ratelimit()` limits its own
///   per-packet messages; the drop counters in `Records` count them all.
///   racoon logs each such datagram at ERROR and relies on syslog alone,
///   but the lines vary (source port, cookies), so syslog's collapse does
///   not catch them.
#[derive(Debug, Default)]
pub struct Log {
    /// Lines written, with their time; stamped when read.
    lines: Vec<(Instant, String)>,
    /// The wall-clock time at simulated time zero, in a real-time run.
    epoch: Option<std::time::SystemTime>,
    pub events: Vec<IkeEvent>,
    previous: Option<Previous>,
    drops: BTreeMap<&'static str, RateLimit>,
}

/// syslogd's `repeatinterval[] = { 30, 60 }` (sysklogd): seconds of
/// repeats held back before they are written out anyway.
pub const REPEAT_INTERVALS: [Duration; 2] = [Duration::from_secs(30), Duration::from_secs(60)];

/// The kernel's `DEFAULT_RATELIMIT_INTERVAL` and `DEFAULT_RATELIMIT_BURST`
/// (include/linux/ratelimit_types.h): 10 lines per 5 s, per drop reason.
pub const DROP_LOG_INTERVAL: Duration = Duration::from_secs(5);
pub const DROP_LOG_BURST: u32 = 10;

/// The line last written and the copies of it held back since (syslogd's
/// `f_prevline`, `f_prevcount`, `f_lasttime`, `f_time`, `f_repeatcount`).
#[derive(Debug)]
struct Previous {
    level: &'static str,
    message: String,
    held: u64,
    last_copy: Instant,
    written: Instant,
    backoff: usize,
}

impl Previous {
    fn is(&self, level: &str, message: &str) -> bool {
        self.level == level && self.message == message
    }

    /// syslogd's `fprintlog` with no new message: one copy is written as
    /// itself, more as `last message repeated N times`, stamped with the
    /// time of the last copy.
    fn summary(&self) -> Option<(Instant, String)> {
        let at = self.last_copy;
        match self.held {
            0 => None,
            1 => Some((at, format!("{}: {}", self.level, self.message))),
            n => Some((at, format!("{REPEATED} {n} times"))),
        }
    }
}

const REPEATED: &str = "last message repeated";

/// The kernel's `struct ratelimit_state` and `___ratelimit`: a window of
/// [`DROP_LOG_INTERVAL`] in which [`DROP_LOG_BURST`] lines pass; the
/// lines missed are reported when the next window opens.
#[derive(Debug, Default)]
struct RateLimit {
    begin: Option<Instant>,
    printed: u32,
    missed: u64,
    last_missed: Option<Instant>,
}

impl RateLimit {
    /// Whether a line may be written now, and how many were missed in
    /// the window that just closed.
    fn admit(&mut self, now: Instant) -> (bool, u64) {
        let begin = *self.begin.get_or_insert(now);
        let mut missed = 0;
        if now >= begin + DROP_LOG_INTERVAL {
            missed = std::mem::take(&mut self.missed);
            self.begin = Some(now);
            self.printed = 0;
        }
        if self.printed < DROP_LOG_BURST {
            self.printed += 1;
            (true, missed)
        } else {
            self.missed += 1;
            self.last_missed = Some(now);
            (false, missed)
        }
    }
}

fn suppressed(reason: &str, missed: u64) -> String {
    format!("{reason}: {missed} messages suppressed")
}

/// `HH:MM:SS.mmm` of simulated time.
pub fn timestamp(now: Instant) -> String {
    let ms = now.total_millis().max(0);
    let s = ms / 1000;
    format!(
        "{:02}:{:02}:{:02}.{:03}",
        s / 3600,
        s / 60 % 60,
        s % 60,
        ms % 1000
    )
}

impl Log {
    /// Stamps lines with the wall clock from `epoch` (the wall-clock time
    /// at simulated time zero) instead of the simulated time.
    pub fn set_epoch(&mut self, epoch: std::time::SystemTime) {
        self.epoch = Some(epoch);
    }

    fn stamp(&self, at: Instant) -> String {
        match self.epoch {
            None => timestamp(at),
            Some(epoch) => wall_timestamp(epoch, at),
        }
    }

    pub fn info(&mut self, now: Instant, message: impl AsRef<str>) {
        self.line(now, "INFO", message.as_ref());
    }

    pub fn warning(&mut self, now: Instant, message: impl AsRef<str>) {
        self.line(now, "WARNING", message.as_ref());
    }

    pub fn error(&mut self, now: Instant, message: impl AsRef<str>) {
        self.line(now, "ERROR", message.as_ref());
    }

    /// An ERROR about a datagram dropped for `reason`, rate limited per
    /// reason; `message` is only formatted when the line is written, so a
    /// flood costs no formatting.
    pub fn dropped(
        &mut self,
        now: Instant,
        reason: &'static str,
        message: impl FnOnce() -> String,
    ) {
        let (admitted, missed) = self.drops.entry(reason).or_default().admit(now);
        if missed > 0 {
            self.warning(now, suppressed(reason, missed));
        }
        if admitted {
            self.error(now, message());
        }
    }

    pub fn event(&mut self, event: IkeEvent) {
        self.events.push(event);
    }

    /// syslogd's `logmsg`: a copy of the line before is held back.
    fn line(&mut self, now: Instant, level: &'static str, message: &str) {
        if let Some(p) = self.previous.as_mut().filter(|p| p.is(level, message)) {
            p.held += 1;
            p.last_copy = now;
            if now > p.written + REPEAT_INTERVALS[p.backoff] {
                self.write_held();
                if let Some(p) = self.previous.as_mut() {
                    p.backoff = (p.backoff + 1).min(REPEAT_INTERVALS.len() - 1);
                }
            }
            return;
        }
        self.write_held();
        self.lines.push((now, format!("{level}: {message}")));
        self.previous = Some(Previous {
            level,
            message: message.to_string(),
            held: 0,
            last_copy: now,
            written: now,
            backoff: 0,
        });
    }

    fn write_held(&mut self) {
        let Some(p) = self.previous.as_mut() else {
            return;
        };
        if let Some(line) = p.summary() {
            self.lines.push(line);
            p.held = 0;
            p.written = p.last_copy;
        }
    }

    /// The lines as the file reads: those written, then the copies still
    /// held back and the drop lines still suppressed, as a flush at the
    /// end of the run writes them.
    pub fn lines(&self) -> Vec<String> {
        let mut lines: Vec<(Instant, String)> = self.lines.clone();
        lines.extend(self.previous.as_ref().and_then(Previous::summary));
        for (reason, limit) in &self.drops {
            if let Some(last) = limit.last_missed.filter(|_| limit.missed > 0) {
                let text = format!("WARNING: {}", suppressed(reason, limit.missed));
                lines.push((last, text));
            }
        }
        lines
            .into_iter()
            .map(|(at, text)| format!("{}: {text}", self.stamp(at)))
            .collect()
    }

    /// The whole log as a file.
    pub fn text(&self) -> String {
        let mut out = String::new();
        for line in self.lines() {
            let _ = writeln!(out, "{line}");
        }
        out
    }
}

/// `YYYY-MM-DD HH:MM:SS.mmm` (UTC) of the wall clock `at` after `epoch`.
pub fn wall_timestamp(epoch: std::time::SystemTime, at: Instant) -> String {
    let micros = u64::try_from(at.total_micros()).unwrap_or(0);
    let wall = epoch + std::time::Duration::from_micros(micros);
    // RFC 3339 (`2026-12-02T02:30:11.020Z`) in racoon's shape.
    humantime::format_rfc3339_millis(wall)
        .to_string()
        .replacen('T', " ", 1)
        .trim_end_matches('Z')
        .to_string()
}

/// Each line with how many times its message occurred: a
/// `last message repeated N times` line adds its N to the line before and
/// is not a line of its own. A `log:` expectation counts occurrences, so
/// that it reads the same whether syslog collapsed the copies or not.
pub fn occurrences(lines: &[String]) -> Vec<(&str, u64)> {
    let mut out: Vec<(&str, u64)> = Vec::new();
    for line in lines {
        match (repeats(line), out.last_mut()) {
            (Some(n), Some((_, count))) => *count += n,
            _ => out.push((line.as_str(), 1)),
        }
    }
    out
}

/// N of a `HH:MM:SS.mmm: last message repeated N times` line.
fn repeats(line: &str) -> Option<u64> {
    let (_, text) = line.split_once(": ")?;
    let n = text.strip_prefix(REPEATED)?.strip_suffix(" times")?;
    n.trim().parse().ok()
}

/// racoon's `saddr2str`-style endpoint: `192.168.1.5[500]`.
pub fn endpoint(addr: SocketAddrV4) -> String {
    format!("{}[{}]", addr.ip(), addr.port())
}

/// racoon's ISAKMP-SA "spi": the two cookies in hex, `icookie:rcookie`.
pub fn cookies(cky_i: &[u8; 8], cky_r: &[u8; 8]) -> String {
    format!("{}:{}", hex(cky_i), hex(cky_r))
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A real-time run's lines carry the wall clock (UTC) in racoon's
    /// `%Y-%m-%d %T` shape with milliseconds, including lines written
    /// before the epoch was set and the held-back repeats.
    #[test]
    fn real_time_lines_carry_the_wall_clock() {
        let epoch = std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_796_185_811);
        let mut log = Log::default();
        log.info(Instant::ZERO, "started");
        log.set_epoch(epoch);
        for _ in 0..3 {
            log.info(Instant::from_millis(1_020), "again");
        }
        assert_eq!(
            log.lines(),
            [
                "2026-12-02 04:30:11.000: INFO: started",
                "2026-12-02 04:30:12.020: INFO: again",
                "2026-12-02 04:30:12.020: last message repeated 2 times",
            ]
        );
        let lines = log.lines();
        assert_eq!(occurrences(&lines)[1].1, 3);
    }

    #[test]
    fn racoon_style_lines() {
        let mut log = Log::default();
        log.info(Instant::from_millis(3_723_004), "hello");
        assert_eq!(log.lines(), ["01:02:03.004: INFO: hello"]);
        assert_eq!(
            cookies(&[1; 8], &[0xab; 8]),
            "0101010101010101:abababababababab"
        );
    }

    fn at(s: u64) -> Instant {
        Instant::from_secs(s as i64)
    }

    #[test]
    fn identical_lines_collapse_as_syslog_does() {
        let mut log = Log::default();
        for s in 0..5 {
            log.error(at(s), "unknown ISAKMP-SA");
        }
        log.info(at(6), "other");
        log.info(at(7), "other");
        log.info(at(8), "last");
        assert_eq!(
            log.lines(),
            [
                "00:00:00.000: ERROR: unknown ISAKMP-SA",
                "00:00:04.000: last message repeated 4 times",
                "00:00:06.000: INFO: other",
                "00:00:07.000: INFO: other",
                "00:00:08.000: INFO: last",
            ]
        );
        let lines = log.lines();
        let counted = occurrences(&lines);
        assert_eq!(counted[0].1, 5);
        assert_eq!(counted.iter().map(|(_, n)| n).sum::<u64>(), 8);
    }

    #[test]
    fn held_copies_show_at_the_end_and_after_the_repeat_interval() {
        let mut log = Log::default();
        for s in 0..=100 {
            log.info(at(s), "same");
        }
        // Written at 0; copies out after 30 s, then every 60 s.
        assert_eq!(
            log.lines(),
            [
                "00:00:00.000: INFO: same",
                "00:00:31.000: last message repeated 31 times",
                "00:01:32.000: last message repeated 61 times",
                "00:01:40.000: last message repeated 8 times",
            ]
        );
        assert_eq!(occurrences(&log.lines())[0].1, 101);
    }

    #[test]
    fn drop_lines_are_rate_limited_per_reason() {
        let mut log = Log::default();
        let mut formatted = 0;
        for i in 0..1000u64 {
            let now = Instant::from_millis(i as i64 * 10);
            log.dropped(now, "malformed", || {
                formatted += 1;
                format!("malformed packet {i}")
            });
        }
        // 10 s: two windows of 10 lines, and what each missed.
        assert_eq!(formatted, 20);
        let lines = log.lines();
        assert_eq!(lines.len(), 22, "{lines:?}");
        assert_eq!(
            lines[10],
            "00:00:05.000: WARNING: malformed: 490 messages suppressed"
        );
        assert_eq!(
            lines[21],
            "00:00:09.990: WARNING: malformed: 490 messages suppressed"
        );
    }
}
