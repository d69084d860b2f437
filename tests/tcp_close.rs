//! TCP closes cleanly after loss recovery over a dropping queue.

use std::path::Path;

use vpnlab::runner::run_file;
use vpnlab::sim::RunOptions;

const SCENARIO: &str = "scenarios/tcp-lossy-queue-close.yaml";

/// RFC 9293 (3.6, 3.10.7.4) and RFC 6298 (5.1): after loss recovery the
/// receiver has read every byte, gets the sender's FIN (retransmitted
/// because the first one arrived out of order and the next was dropped by
/// the queue) and sends its own; the connection closes cleanly with every
/// seed. Before the workaround for smoltcp 0.14's lost FIN retransmission
/// (`rearm_fin_retransmission` in src/node/apps/tcp.rs) the sender stayed
/// in FIN-WAIT-1 forever with each of these seeds.
#[test]
fn transfer_over_dropping_queue_closes_cleanly_with_every_seed() {
    for seed in 1..=8 {
        let opts = RunOptions {
            seed: Some(seed),
            out: None,
            ..Default::default()
        };
        let report = run_file(Path::new(SCENARIO), &opts, |_, _, _| {});
        assert!(report.error.is_none(), "seed {seed}: {:?}", report.error);
        assert!(
            report.passed(),
            "seed {seed}: {}\n{}",
            report.summary_line(),
            report.verdict_lines(false).join("\n")
        );
    }
}
