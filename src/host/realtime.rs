//! The wall clock of a real-time run and what wakes it: a packet read
//! from a device, or an interrupt (Ctrl-C). The simulator sleeps on
//! [`RealTime::wait`] until its next event is due or a bell rings.

use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Mutex, Once};
use std::time::{Duration, Instant, SystemTime};

/// What rang.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ring {
    /// The device with this tag has a packet waiting.
    Device(usize),
    /// The run is asked to end (SIGINT).
    Interrupt,
}

/// The run's start on the wall clock, and the bell.
pub struct RealTime {
    started: Instant,
    /// The wall-clock time at the run's simulated time zero.
    pub epoch: SystemTime,
    ring: Sender<Ring>,
    bell: Receiver<Ring>,
}

impl Default for RealTime {
    fn default() -> Self {
        RealTime::new()
    }
}

impl RealTime {
    /// Starts the clock now.
    pub fn new() -> RealTime {
        let (ring, bell) = mpsc::channel();
        RealTime {
            started: Instant::now(),
            epoch: SystemTime::now(),
            ring,
            bell,
        }
    }

    /// Wall time since the start.
    pub fn elapsed(&self) -> Duration {
        self.started.elapsed()
    }

    /// A handle that rings the bell from another thread.
    pub fn ringer(&self) -> Sender<Ring> {
        self.ring.clone()
    }

    /// From now on an interrupt (SIGINT; SIGTERM too) rings this clock's
    /// bell instead of ending the process. The handler is the process's
    /// one (`ctrlc` installs it once); it rings every clock still running.
    pub fn catch_interrupts(&self) {
        // Every run in progress (`--jobs` runs several at once) hears the
        // interrupt; a finished run's bell is gone, and so is its sender.
        static RUNNING: Mutex<Vec<Sender<Ring>>> = Mutex::new(Vec::new());
        static INSTALL: Once = Once::new();
        if let Ok(mut running) = RUNNING.lock() {
            running.push(self.ringer());
        }
        INSTALL.call_once(|| {
            let _ = ctrlc::set_handler(|| {
                if let Ok(mut running) = RUNNING.lock() {
                    running.retain(|ring| ring.send(Ring::Interrupt).is_ok());
                }
            });
        });
    }

    /// Sleeps until something rings or `timeout` passes.
    pub fn wait(&self, timeout: Duration) -> Option<Ring> {
        // We hold a sender ourselves, so the channel never disconnects.
        self.bell.recv_timeout(timeout).ok()
    }
}
