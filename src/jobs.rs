//! `--jobs N`: scenarios run on N threads, and their results are handed
//! on in file order, whatever order they finish in, so the output is the
//! same as with one job.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;

/// The default: one job per core the machine gives this process.
pub fn default_jobs() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// Runs `work(i)` for every i below `count` on up to `jobs` threads and
/// calls `deliver(i, result)` on this thread in order of i.
pub fn in_order<T: Send>(
    count: usize,
    jobs: usize,
    work: impl Fn(usize) -> T + Sync,
    mut deliver: impl FnMut(usize, T),
) {
    let next = AtomicUsize::new(0);
    let (tx, rx) = mpsc::channel();
    std::thread::scope(|scope| {
        for _ in 0..jobs.clamp(1, count.max(1)) {
            let tx = tx.clone();
            let (next, work) = (&next, &work);
            scope.spawn(move || {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= count || tx.send((i, work(i))).is_err() {
                        break;
                    }
                }
            });
        }
        drop(tx);
        let mut waiting = BTreeMap::new();
        let mut due = 0;
        for (i, result) in rx {
            waiting.insert(i, result);
            while let Some(result) = waiting.remove(&due) {
                deliver(due, result);
                due += 1;
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Work that finishes in reverse order is still delivered in order.
    #[test]
    fn results_come_in_order_whatever_order_they_finish_in() {
        let mut seen = Vec::new();
        in_order(
            8,
            4,
            |i| {
                std::thread::sleep(std::time::Duration::from_millis(8 - i as u64));
                i * 10
            },
            |i, r| seen.push((i, r)),
        );
        let expected: Vec<(usize, usize)> = (0..8).map(|i| (i, i * 10)).collect();
        assert_eq!(seen, expected);
    }
}
