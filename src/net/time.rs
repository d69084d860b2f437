//! Simulated time as the outputs print it.

use smoltcp::time::Instant;

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
