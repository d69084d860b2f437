//! Phase 2: Quick Mode (RFC 2409 §5.5), started by the kernel's ACQUIRE
//! (racoon's `isakmp_post_acquire`) or by an SA's soft expiry (rekey).
//!
//! ```text
//! I: HDR*, HASH(1), SA, Ni [, KE] [, IDci, IDcr]
//! R: HDR*, HASH(2), SA, Nr [, KE] [, IDci, IDcr]
//! I: HDR*, HASH(3)
//! ```
//!
//! [`Phase2`] is one exchange and the SA pair it installs; its
//! [`P2State`] names what it waits for next. [`initiator`] and
//! [`responder`] hold a handler per state of each side, [`messages`]
//! what both send and read, [`policy`] the responder's SPD check. The
//! daemon ([`super::ipsec_sa`]) installs, fails, retransmits and
//! expires them.

mod initiator;
pub(crate) mod messages;
mod policy;
mod responder;

use std::net::Ipv4Addr;

use smoltcp::time::Instant;

use super::env::{Env, Fail};
use super::phase1::{Keys, Phase1};
use super::proposal::{Chosen, IpsecTransform};
use crate::config::racoon::{Remote, SaInfo, SaInfoId};
use crate::crypto::dh::DhPrivate;
use crate::ike::retransmit::Retry;
use crate::ike::{Side, identity};
use crate::ipsec::pfkey::Acquire;
use crate::ipsec::sad::SaKey;
use crate::ipsec::spec::{IpsecProto, Mode, Selector};
use crate::wire::isakmp::{IdentificationRepr, Repr};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum P2State {
    /// Initiator: an established ISAKMP SA with the peer.
    AwaitPhase1,
    /// Initiator: the responder's HASH(2), SA, Nr.
    AwaitReply,
    /// Responder: the initiator's HASH(3).
    AwaitHash3,
    Established,
}

/// One IPsec SA pair, negotiating or established.
pub(crate) struct Phase2 {
    pub serial: u32,
    pub side: Side,
    pub state: P2State,
    /// The ISAKMP SA it runs under.
    pub ph1: Option<u32>,
    /// The SA endpoints (the phase 1 addresses).
    pub local: Ipv4Addr,
    pub peer: Ipv4Addr,
    /// Traffic from our side (src) to the peer's side (dst).
    pub selector: Selector,
    pub proto: IpsecProto,
    pub mode: Mode,
    pub message_id: u32,
    pub iv: Vec<u8>,
    pub offered: Vec<IpsecTransform>,
    pub chosen: Option<Chosen>,
    /// Our inbound SPI (GETSPI).
    pub my_spi: u32,
    /// The policy has an IPComp step: the bundle carries IPCOMP.
    pub ipcomp: bool,
    /// Our inbound CPI (GETSPI for SADB_X_SATYPE_IPCOMP).
    pub my_cpi: Option<u16>,
    /// The initiator's and the responder's nonce bodies.
    pub ni: Vec<u8>,
    pub nr: Vec<u8>,
    pub dh: Option<DhPrivate>,
    /// g(qm)^xy with PFS.
    pub pfs_shared: Option<Vec<u8>>,
    /// IDci, IDcr as sent.
    pub ids: Option<(IdentificationRepr, IdentificationRepr)>,
    pub retry: Retry,
    /// Give up waiting for phase 1 at this time.
    pub deadline: Option<Instant>,
    /// Replaces an SA pair that reached its soft lifetime.
    pub rekey: bool,
    /// Soft lifetime reached; a replacement is (being) negotiated.
    pub dying: bool,
    /// Install policies from the IDs when established (responder).
    pub generate_policy: bool,
    /// The reqids of the `in` and `out` policies the SAs are bound to
    /// (`unique`), 0 for none: racoon's `reqid_in`/`reqid_out`, each SA
    /// installed with its own direction's (pfkey.c `pk_sendupdate`).
    pub reqid_in: u32,
    pub reqid_out: u32,
    /// The peer's IKE port when negotiated (two peers behind one NAT
    /// share an address, not a port).
    pub peer_port: u16,
    /// ESP in UDP: our and the peer's port (RFC 3948).
    pub encap_ports: Option<(u16, u16)>,
}

impl Phase2 {
    /// Our inbound CPI when the pair was negotiated with IPComp.
    pub fn bundled_cpi(&self) -> Option<u16> {
        self.my_cpi
            .filter(|_| self.chosen.is_some_and(|c| c.ipcomp.is_some()))
    }

    /// A new exchange for traffic `selector` between the SA endpoints
    /// `ends` (ours, the peer's).
    pub fn new(serial: u32, side: Side, ends: (Ipv4Addr, Ipv4Addr), selector: Selector) -> Phase2 {
        Phase2 {
            serial,
            side,
            state: match side {
                Side::Initiator => P2State::AwaitPhase1,
                Side::Responder => P2State::AwaitHash3,
            },
            ph1: None,
            local: ends.0,
            peer: ends.1,
            selector,
            proto: IpsecProto::Esp,
            mode: Mode::Transport,
            message_id: 0,
            iv: Vec::new(),
            offered: Vec::new(),
            chosen: None,
            my_spi: 0,
            ipcomp: false,
            my_cpi: None,
            ni: Vec::new(),
            nr: Vec::new(),
            dh: None,
            pfs_shared: None,
            ids: None,
            retry: Retry::default(),
            deadline: None,
            rekey: false,
            dying: false,
            generate_policy: false,
            reqid_in: 0,
            reqid_out: 0,
            peer_port: 0,
            encap_ports: None,
        }
    }

    pub fn next_timer(&self) -> Option<Instant> {
        [self.retry.resend_at, self.deadline]
            .into_iter()
            .flatten()
            .min()
    }

    pub fn sa_keys(&self) -> (SaKey, SaKey) {
        let peer_spi = self.chosen.map_or(0, |c| c.peer_spi);
        (
            (self.local.into(), self.proto, self.my_spi),
            (self.peer.into(), self.proto, peer_spi),
        )
    }

    pub fn owns(&self, key: &SaKey) -> bool {
        self.state == P2State::Established && {
            let (inbound, outbound) = self.sa_keys();
            *key == inbound || *key == outbound
        }
    }

    /// isakmp.c `ph2exchange`, the handlers by state: the next message of an
    /// exchange under way, for the ISAKMP SA `p1`. `Some(Ok(()))` once
    /// the pair is ready to install; None for a message no state takes.
    pub fn step(
        &mut self,
        p1: &Phase1,
        env: &mut Env<'_>,
        repr: &Repr,
        data: &[u8],
    ) -> Option<Result<(), Fail>> {
        match (self.side, self.state) {
            (Side::Initiator, P2State::AwaitReply) => Some(self.on_reply(p1, env, repr, data)),
            (Side::Responder, P2State::AwaitHash3) => Some(self.on_hash3(p1, repr)),
            _ => None,
        }
    }

    pub fn same_request(&self, a: &Acquire) -> bool {
        (self.local, self.peer, self.proto, self.mode, &self.selector)
            == (a.src, a.dst, a.proto, a.mode, &a.selector)
    }
}

/// The `sainfo` for traffic `selector` (our side to the peer's) under the
/// ISAKMP SA `p1`, else `sainfo anonymous` (racoon's `getsainfo`). An
/// sainfo with `remoteid N` is only for the `remote` with `ph1id N`; one
/// with `from ID` only for a peer that authenticated as that ID.
pub(crate) fn sainfo_for<'a>(
    sainfos: &'a [SaInfo],
    selector: &Selector,
    p1: &Phase1,
    remote: &Remote,
) -> Option<&'a SaInfo> {
    let usable = |s: &&SaInfo| {
        (s.remoteid == 0 || s.remoteid == remote.ph1id)
            && s.from.as_ref().is_none_or(|id| {
                p1.peer_id
                    .as_ref()
                    .is_some_and(|peer| identity::matches(peer, id, *p1.peer.ip()))
            })
            && identity::sainfo_matches(&s.local, selector.src, selector.src_port, selector.upper)
            && identity::sainfo_matches(&s.remote, selector.dst, selector.dst_port, selector.upper)
    };
    let anonymous = |s: &SaInfo| {
        matches!(
            (&s.local, &s.remote),
            (SaInfoId::Anonymous, SaInfoId::Anonymous)
        )
    };
    sainfos
        .iter()
        .filter(|s| !anonymous(s))
        .find(usable)
        .or_else(|| sainfos.iter().filter(|s| anonymous(s)).find(usable))
}

pub(crate) fn keys_of(p1: &Phase1) -> Result<&Keys, Fail> {
    p1.keys
        .as_ref()
        .ok_or_else(|| Fail::malformed("no ISAKMP SA keys"))
}

pub(crate) fn proto_name(proto: IpsecProto, mode: Mode) -> String {
    let mode = match mode {
        Mode::Tunnel => "Tunnel",
        _ => "Transport",
    };
    format!("{}/{mode}", proto.name().to_uppercase())
}
