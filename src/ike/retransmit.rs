//! Retransmission, as every IKE daemon does it over UDP: what an
//! exchange last sent, when to send it again and how often, and the
//! message that made it send it, so that a retransmitted copy of that
//! message is answered again instead of handled twice (racoon's
//! `check_recvdpkt`; RFC 7296 §2.1 asks the same of IKEv2).

use smoltcp::time::{Duration, Instant};

use super::daemon::Datagram;

/// How a daemon retransmits (racoon's `timer { counter; interval;
/// phase1; }`, strongSwan's `retransmit_tries` and `retransmit_timeout`).
#[derive(Clone, Copy, Debug)]
pub struct Timer {
    /// Resends of a message before the exchange gives up.
    pub counter: u32,
    /// The wait for a reply before each resend.
    pub interval: Duration,
    /// The time a negotiation may take in all (racoon's `phase1`).
    pub negotiation: Duration,
}

/// The retransmission state of one exchange.
#[derive(Debug, Default)]
pub struct Retry {
    /// The message last answered (empty when we started the exchange).
    pub last_in: Vec<u8>,
    pub last_out: Option<Datagram>,
    pub resend_at: Option<Instant>,
    /// Resends left.
    pub left: u32,
}

impl Retry {
    /// `out` was just sent in answer to `answered` (empty when we
    /// started the exchange); `await_reply` arms the resend timer.
    pub fn sent(&mut self, answered: &[u8], out: Datagram, await_reply: Option<(Instant, &Timer)>) {
        self.last_in = answered.to_vec();
        self.last_out = Some(out);
        self.resend_at = await_reply.map(|(now, t)| now + t.interval);
        self.left = await_reply.map_or(0, |(_, t)| t.counter);
    }

    /// The awaited reply came: stop resending.
    pub fn settle(&mut self) {
        self.resend_at = None;
    }

    /// What the resend timer says at `now`: resend (the next one armed
    /// `interval` later), give up once the resends ran out, or nothing.
    pub fn due(&mut self, now: Instant, interval: Duration) -> Due {
        if self.resend_at.is_none_or(|t| t > now) {
            return Due::Nothing;
        }
        if self.left == 0 {
            return Due::GiveUp;
        }
        self.left -= 1;
        self.resend_at = Some(now + interval);
        self.last_out.clone().map_or(Due::Nothing, Due::Resend)
    }
}

/// See [`Retry::due`].
#[derive(Debug)]
pub enum Due {
    Nothing,
    Resend(Datagram),
    GiveUp,
}
