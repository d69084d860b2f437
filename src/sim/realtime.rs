//! Real time: the world's clock follows the wall clock. The loop handles
//! every event that is due, then sleeps until the next one or until a
//! device's bell rings ([`crate::host::realtime`]); simulated time is the
//! wall time since the start. Late events run late, in order, never
//! backwards. An interrupt stops the key daemons (they send their
//! DELETEs) and ends the run a grace period later, so that what they sent
//! crosses the links and the captures hold it; a second interrupt ends it
//! at once.

use smoltcp::time::{Duration, Instant};

use super::end::EndpointId;
use super::world::World;
use crate::host::realtime::{RealTime, Ring};

/// How long an interrupted run goes on for the daemons' goodbyes.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(2);

/// The simulated time the wall clock says.
fn wall_now(clock: &RealTime) -> Instant {
    Instant::from_micros(i64::try_from(clock.elapsed().as_micros()).unwrap_or(i64::MAX))
}

impl World {
    /// Runs in real time until the scenario's end, or the grace period
    /// after an interrupt; true if it was interrupted.
    pub fn run_realtime(&mut self, clock: &RealTime, mut progress: impl FnMut(Instant)) -> bool {
        let mut interrupted = false;
        loop {
            let wall = wall_now(clock).max(self.now);
            if self.step(wall.min(self.end), &mut progress) {
                continue;
            }
            if wall >= self.end {
                break;
            }
            let next = self.queue.peek_time().map_or(self.end, |t| t.min(self.end));
            let sleep = std::time::Duration::from_micros((next - wall).total_micros());
            match clock.wait(sleep) {
                Some(Ring::Device(tag)) => {
                    // What fell due while asleep runs first, in order.
                    let wall = wall_now(clock);
                    while self.step(wall.min(self.end), &mut progress) {}
                    self.now = wall.max(self.now);
                    self.events += 1;
                    self.wake(EndpointId::Attached(tag));
                }
                Some(Ring::Interrupt) if !interrupted => {
                    interrupted = true;
                    self.now = wall_now(clock).max(self.now);
                    self.stop_daemons();
                    self.end = self.end.min(self.now + SHUTDOWN_GRACE);
                }
                // A second interrupt: no grace.
                Some(Ring::Interrupt) => self.end = self.now,
                None => {}
            }
        }
        self.now = self.end;
        interrupted
    }

    /// Every key daemon is told to stop; each node runs at once so that
    /// what its daemon sends on exit leaves now.
    fn stop_daemons(&mut self) {
        let now = self.now;
        for n in 0..self.nodes.len() {
            if self.nodes[n].daemon.is_some() {
                self.nodes[n].stop_daemon(now);
                self.wake(EndpointId::Node(n));
            }
        }
    }
}
