//! racoon's log (`racoon -F`) and the events expectations check.
//!
//! Lines read like racoon 0.8's, with the simulated time since the start
//! of the run in place of the wall-clock date:
//! `00:00:01.020: INFO: ISAKMP-SA established 192.168.1.5[500]-192.168.2.5[500] spi:…`.

use std::fmt::Write as _;
use std::net::{Ipv4Addr, SocketAddrV4};

use smoltcp::time::Instant;

/// Why a negotiation failed, as expectations name it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FailReason {
    /// The responder accepted none of the proposals (NO-PROPOSAL-CHOSEN).
    NoProposalChosen,
    /// HASH_I/HASH_R or a phase 2 HASH did not verify, or an encrypted
    /// message did not decrypt to payloads: the pre-shared keys differ.
    AuthenticationFailed,
    /// No pre-shared key for the peer in psk.txt.
    NoPsk,
    /// The peer's identity or the phase 2 IDs were refused.
    InvalidId,
    /// A message did not parse.
    PayloadMalformed,
    /// Retransmissions ran out (`timer { counter; interval; }`).
    Timeout,
    /// The peer sent an error notification.
    PeerNotified,
    /// No `remote` / `sainfo` section for the peer.
    NoConfig,
}

impl FailReason {
    /// The name used in scenario expectations.
    pub fn name(self) -> &'static str {
        match self {
            FailReason::NoProposalChosen => "no-proposal-chosen",
            FailReason::AuthenticationFailed => "authentication-failed",
            FailReason::NoPsk => "no-psk",
            FailReason::InvalidId => "invalid-id",
            FailReason::PayloadMalformed => "payload-malformed",
            FailReason::Timeout => "timeout",
            FailReason::PeerNotified => "peer-notified",
            FailReason::NoConfig => "no-config",
        }
    }

    pub const ALL: [FailReason; 8] = [
        FailReason::NoProposalChosen,
        FailReason::AuthenticationFailed,
        FailReason::NoPsk,
        FailReason::InvalidId,
        FailReason::PayloadMalformed,
        FailReason::Timeout,
        FailReason::PeerNotified,
        FailReason::NoConfig,
    ];
}

/// Something the daemon did that a scenario can expect.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum IkeEvent {
    Phase1Established {
        at: Instant,
        peer: Ipv4Addr,
    },
    Phase2Established {
        at: Instant,
        peer: Ipv4Addr,
        /// Whether it replaced an SA pair that was about to expire.
        rekey: bool,
    },
    Failed {
        at: Instant,
        peer: Ipv4Addr,
        phase: u8,
        reason: FailReason,
    },
    /// DPD declared the peer dead (RFC 3706 §5.5).
    DpdDead {
        at: Instant,
        peer: Ipv4Addr,
    },
    /// A phase 2 SA pair was deleted (expiry, DELETE, DPD, INITIAL-CONTACT).
    Phase2Deleted {
        at: Instant,
        peer: Ipv4Addr,
    },
    /// NAT-D found a NAT (RFC 3947 §3.2) in front of this end, the peer,
    /// or both.
    NatDetected {
        at: Instant,
        peer: Ipv4Addr,
        local_behind: bool,
        peer_behind: bool,
    },
    /// The exchange moved to port 4500 (RFC 3947 §4) or followed a NAT's
    /// new mapping.
    Floated {
        at: Instant,
        peer: Ipv4Addr,
    },
}

/// The daemon's log lines and events.
#[derive(Debug, Default)]
pub struct Log {
    pub lines: Vec<String>,
    pub events: Vec<IkeEvent>,
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
    pub fn info(&mut self, now: Instant, message: impl AsRef<str>) {
        self.line(now, "INFO", message.as_ref());
    }

    pub fn warning(&mut self, now: Instant, message: impl AsRef<str>) {
        self.line(now, "WARNING", message.as_ref());
    }

    pub fn error(&mut self, now: Instant, message: impl AsRef<str>) {
        self.line(now, "ERROR", message.as_ref());
    }

    fn line(&mut self, now: Instant, level: &str, message: &str) {
        self.lines
            .push(format!("{}: {level}: {message}", timestamp(now)));
    }

    pub fn event(&mut self, event: IkeEvent) {
        self.events.push(event);
    }

    /// The whole log as a file.
    pub fn text(&self) -> String {
        let mut out = String::new();
        for line in &self.lines {
            let _ = writeln!(out, "{line}");
        }
        out
    }
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

    #[test]
    fn racoon_style_lines() {
        let mut log = Log::default();
        log.info(Instant::from_millis(3_723_004), "hello");
        assert_eq!(log.lines, ["01:02:03.004: INFO: hello"]);
        assert_eq!(
            cookies(&[1; 8], &[0xab; 8]),
            "0101010101010101:abababababababab"
        );
    }
}
