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
    last_in: Vec<u8>,
    /// Its hash, so that a daemon with thousands of exchanges compares a
    /// number before it compares a message.
    last_in_hash: u64,
    pub last_out: Option<Datagram>,
    pub resend_at: Option<Instant>,
    /// Resends left.
    pub left: u32,
}

impl Retry {
    /// `out` was just sent in answer to `answered` (empty when we
    /// started the exchange); `await_reply` arms the resend timer.
    ///
    /// Returns the digest of `answered`, for a daemon's index of answered
    /// messages (None when it answered nothing: it began the exchange).
    pub fn sent(
        &mut self,
        answered: &[u8],
        out: Datagram,
        await_reply: Option<(Instant, &Timer)>,
    ) -> Option<u64> {
        self.last_in = answered.to_vec();
        self.last_in_hash = digest(answered);
        self.last_out = Some(out);
        self.resend_at = await_reply.map(|(now, t)| now + t.interval);
        self.left = await_reply.map_or(0, |(_, t)| t.counter);
        self.answered_digest()
    }

    /// The digest of the message last answered, if any.
    pub fn answered_digest(&self) -> Option<u64> {
        (!self.last_in.is_empty()).then_some(self.last_in_hash)
    }

    /// Whether `message` (whose [`digest`] is `hash`) is the one last
    /// answered: a retransmitted copy of it.
    pub fn answered(&self, message: &[u8], hash: u64) -> bool {
        self.last_in_hash == hash && self.last_in == message
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

/// A message's hash for [`Retry::answered`] (FNV-1a: fast, and no more
/// is asked of it than to tell most messages apart).
pub fn digest(message: &[u8]) -> u64 {
    message.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// See [`Retry::due`].
#[derive(Debug)]
pub enum Due {
    Nothing,
    Resend(Datagram),
    GiveUp,
}
