//! What a key daemon did that a scenario can expect, whichever daemon it
//! is: an IKE SA (IKEv1's phase 1 ISAKMP SA) or an IPsec SA pair (phase
//! 2, IKEv2's child SA) established, a rekey, a failure with its reason,
//! a dead peer, a NAT found. `ike:` expectations (verdict::ike) read
//! these and nothing of a daemon's own records.

use std::net::Ipv4Addr;

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
    /// The peer's certificate was refused: unknown CA, expired or not yet
    /// valid, revoked, or not the peer's ID (racoon's
    /// `eay_check_x509cert`, `oakley_check_certid`).
    Certificate,
    /// XAuth refused the login (isakmp_xauth.c `xauth_reply`, a SET with
    /// XAUTH_STATUS FAIL): wrong password, unknown user, pool depleted.
    XauthFailed,
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
            FailReason::Certificate => "certificate",
            FailReason::XauthFailed => "xauth-failed",
        }
    }

    pub const ALL: [FailReason; 10] = [
        FailReason::NoProposalChosen,
        FailReason::AuthenticationFailed,
        FailReason::NoPsk,
        FailReason::InvalidId,
        FailReason::PayloadMalformed,
        FailReason::Timeout,
        FailReason::PeerNotified,
        FailReason::NoConfig,
        FailReason::Certificate,
        FailReason::XauthFailed,
    ];
}

/// Something the daemon did that a scenario can expect.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum IkeEvent {
    /// The IKE SA (IKEv1 phase 1) is up.
    Phase1Established { at: Instant, peer: Ipv4Addr },
    /// An IPsec SA pair (IKEv1 phase 2, IKEv2 child SA) is installed.
    Phase2Established {
        at: Instant,
        peer: Ipv4Addr,
        /// Whether it replaced an SA pair that was about to expire.
        rekey: bool,
    },
    /// A negotiation failed: `phase` 1 for the IKE SA, 2 for IPsec SAs.
    Failed {
        at: Instant,
        peer: Ipv4Addr,
        phase: u8,
        reason: FailReason,
    },
    /// DPD declared the peer dead (RFC 3706 §5.5).
    DpdDead { at: Instant, peer: Ipv4Addr },
    /// A phase 2 SA pair was deleted (expiry, DELETE, DPD, INITIAL-CONTACT).
    Phase2Deleted { at: Instant, peer: Ipv4Addr },
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
    Floated { at: Instant, peer: Ipv4Addr },
    /// An Informational message went to `to`: what it said (`R-U-THERE`,
    /// `DELETE`, a notify type), which its encryption hides from the
    /// trace; the report's ladder labels its arrow with it.
    InformationalSent {
        at: Instant,
        to: std::net::SocketAddrV4,
        what: String,
    },
}
