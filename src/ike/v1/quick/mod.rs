//! Phase 2: Quick Mode (RFC 2409 §5.5), started by the kernel's ACQUIRE
//! (racoon's `isakmp_post_acquire`) or by an SA's soft expiry (rekey).
//!
//! ```text
//! I: HDR*, HASH(1), SA, Ni [, KE] [, IDci, IDcr]
//! R: HDR*, HASH(2), SA, Nr [, KE] [, IDci, IDcr]
//! I: HDR*, HASH(3)
//! ```
//!
//! This module holds the exchange's state and what both sides share;
//! [`initiator`] and [`responder`] the steps of each side, [`outcome`]
//! installing, failing, retransmitting and expiring.

mod initiator;
mod outcome;
mod responder;

use std::net::{Ipv4Addr, SocketAddrV4};

use smoltcp::time::Instant;

use super::message::{self, HashedBody};
use super::phase1::{Keys, Phase1};
use super::proposal::{Chosen, IpsecTransform};
use super::{Env, Fail, Racoon, Retry, Side};
use crate::config::racoon::{Remote, SaInfo, SaInfoId};
use crate::crypto::dh::DhPrivate;
use crate::crypto::ikev1;
use crate::ike::FailReason;
use crate::ike::identity;
use crate::ipsec::KeyKernel;
use crate::ipsec::pfkey::Acquire;
use crate::ipsec::sad::SaKey;
use crate::ipsec::spec::{IpsecProto, Mode, Selector};
use crate::wire::isakmp::{ExchangeType, IdentificationRepr, NotifyType, PayloadRepr, Repr};

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

    fn sa_keys(&self) -> (SaKey, SaKey) {
        let peer_spi = self.chosen.map_or(0, |c| c.peer_spi);
        (
            (self.local, self.proto, self.my_spi),
            (self.peer, self.proto, peer_spi),
        )
    }

    pub fn owns(&self, key: &SaKey) -> bool {
        self.state == P2State::Established && {
            let (inbound, outbound) = self.sa_keys();
            *key == inbound || *key == outbound
        }
    }

    fn same_request(&self, a: &Acquire) -> bool {
        (self.local, self.peer, self.proto, self.mode, &self.selector)
            == (a.src, a.dst, a.proto, a.mode, &a.selector)
    }
}

/// The `sainfo` for traffic `selector` (our side to the peer's) under the
/// ISAKMP SA `p1`, else `sainfo anonymous` (racoon's `getsainfo`). An
/// sainfo with `remoteid N` is only for the `remote` with `ph1id N`; one
/// with `from ID` only for a peer that authenticated as that ID.
fn sainfo_for<'a>(
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

fn keys_of(p1: &Phase1) -> Result<&Keys, Fail> {
    p1.keys
        .as_ref()
        .ok_or_else(|| Fail::malformed("no ISAKMP SA keys"))
}

fn proto_name(proto: IpsecProto, mode: Mode) -> String {
    let mode = match mode {
        Mode::Tunnel => "Tunnel",
        _ => "Transport",
    };
    format!("{}/{mode}", proto.name().to_uppercase())
}
impl Racoon {
    pub(crate) fn quick_message(
        &mut self,
        now: Instant,
        (from, to): (SocketAddrV4, SocketAddrV4),
        repr: &Repr,
        data: &[u8],
        kernel: &mut dyn KeyKernel,
    ) {
        let Some(p1) = self.ph1.iter().find(|p| {
            p.established()
                && p.peer.ip() == from.ip()
                && (p.cky_i, p.cky_r) == (repr.initiator_cookie, repr.responder_cookie)
        }) else {
            self.drop_datagram(now, "no-isakmp-sa", || {
                format!("no established ISAKMP-SA for Quick Mode from {from}, packet dropped")
            });
            return;
        };
        let ph1 = p1.serial;
        let float = self.follow_float(now, ph1, (to, from));
        let existing = self
            .ph2
            .iter()
            .find(|p| p.ph1 == Some(ph1) && p.message_id == repr.message_id)
            .map(|p| (p.serial, p.side, p.state));
        let result = match existing {
            None => self.quick_r1(now, ph1, repr, data, kernel),
            Some((serial, Side::Initiator, P2State::AwaitReply)) => {
                self.quick_i2(now, ph1, serial, repr, data)
            }
            Some((serial, Side::Responder, P2State::AwaitHash3)) => {
                self.quick_r3(now, ph1, serial, repr)
            }
            Some(_) => Ok(None),
        };
        if result.is_err() {
            self.undo_float(float);
        }
        match result {
            Ok(Some(serial)) => self.phase2_established(now, serial, kernel),
            Ok(None) => {}
            Err((serial, fail)) if existing.is_none() && unverified(&fail) => {
                self.forget_unverified(now, serial, from, fail)
            }
            Err((serial, fail)) => self.phase2_failed_notify(now, ph1, serial, fail),
        }
    }

    /// A first Quick Mode message whose HASH(1) does not verify was not
    /// sent by the peer: racoon's `quick_r1recv` logs "HASH(1) mismatch"
    /// and deletes the exchange without a notification. It is a dropped
    /// datagram here (counted, its line rate limited), not a failed
    /// negotiation, so that forged messages with known cookies add no
    /// event and no line each.
    fn forget_unverified(&mut self, now: Instant, serial: u32, from: SocketAddrV4, fail: Fail) {
        self.ph2.retain(|p| p.serial != serial);
        self.drop_datagram(now, "unverified-quick-mode", || {
            format!("{} from {from}, packet dropped", fail.message)
        });
    }
}

/// Whether the message failed its HASH or did not decrypt.
fn unverified(fail: &Fail) -> bool {
    fail.reason == FailReason::AuthenticationFailed
}

/// Decrypts a Quick Mode message with the exchange's IV and checks that
/// its HASH is `expected` over the covered payloads.
fn open_quick(
    keys: &Keys,
    iv: &mut Vec<u8>,
    repr: &Repr,
    expected: impl FnOnce(&[u8]) -> Vec<u8>,
    peer: Ipv4Addr,
) -> Result<HashedBody, Fail> {
    let opened = message::open(repr, &keys.cipher, iv).ok_or_else(|| hash_fail(peer))?;
    let body = message::split_hash(opened.first, &opened.plaintext).map_err(|_| hash_fail(peer))?;
    if !ikev1::hashes_match(&expected(&body.covered), &body.hash) {
        return Err(hash_fail(peer));
    }
    *iv = opened.next_iv;
    Ok(body)
}

fn hash_fail(peer: Ipv4Addr) -> Fail {
    Fail::new(
        FailReason::AuthenticationFailed,
        Some(NotifyType::InvalidHashInformation),
        format!("HASH mismatch in Quick Mode from {peer}."),
    )
}

/// Sends a Quick Mode message under the exchange's IV.
fn send_quick(
    p1: &Phase1,
    p2: &mut Phase2,
    env: &mut Env<'_>,
    payloads: &[PayloadRepr],
    answered: &[u8],
    await_reply: bool,
) -> Result<(), Fail> {
    let keys = keys_of(p1)?;
    let header = p1.header(ExchangeType::QuickMode, p2.message_id);
    let (bytes, next_iv) =
        message::sealed(header, payloads, &keys.cipher, &p2.iv).map_err(Fail::malformed)?;
    p2.iv = next_iv;
    let d = env.send(p1.local, p1.peer, bytes);
    let timer = env.timer;
    p2.retry
        .sent(answered, d, await_reply.then_some((env.now, &timer)));
    Ok(())
}

/// The fields of a Quick Mode message after its HASH.
#[derive(Default)]
struct QuickPayloads {
    sa: Option<crate::wire::isakmp::SaRepr>,
    nonce: Option<Vec<u8>>,
    ke: Option<Vec<u8>>,
    ids: Vec<IdentificationRepr>,
    /// NAT-OA addresses (RFC 3947 §5.2), initiator's first.
    nat_oa: Vec<Vec<u8>>,
    /// A RESPONDER-LIFETIME notify's seconds (RFC 2407 §4.6.3.1).
    responder_lifetime: Option<u64>,
}

/// The seconds of a RESPONDER-LIFETIME notify's attributes (ipsec_doi.c
/// `ipsecdoi_parse_responder_lifetime`): the duration after a Life Type
/// of seconds; kilobyte lifetimes are not used by racoon.
fn responder_lifetime_secs(data: &[u8]) -> Option<u64> {
    use crate::wire::isakmp::{Phase2Attribute as P2, SaAttribute};
    let attributes = SaAttribute::parse_list(data).ok()?;
    let mut seconds = false;
    for a in attributes {
        if a.attribute_type == u16::from(P2::SaLifeType) {
            seconds = a.as_u64() == Some(1);
        } else if a.attribute_type == u16::from(P2::SaLifeDuration) && seconds {
            return a.as_u64();
        }
    }
    None
}

fn quick_payloads(rest: Vec<PayloadRepr>) -> QuickPayloads {
    let mut q = QuickPayloads::default();
    for p in rest {
        match p {
            PayloadRepr::SecurityAssociation(sa) => q.sa = Some(sa),
            PayloadRepr::Nonce(n) => q.nonce = Some(n),
            PayloadRepr::KeyExchange(k) => q.ke = Some(k),
            PayloadRepr::Identification(id) => q.ids.push(id),
            PayloadRepr::NatOa(oa) | PayloadRepr::NatOaDraft(oa) => q.nat_oa.push(oa.address),
            PayloadRepr::Notification(n) if n.message_type == NotifyType::ResponderLifetime => {
                q.responder_lifetime = responder_lifetime_secs(&n.data);
            }
            _ => {}
        }
    }
    q
}

/// NAT traversal for a phase 2 under `p1`: the transforms carry UDP
/// encapsulation, the SAs the IKE ports (RFC 3947 §5, RFC 3948).
fn use_natt(
    p1: &Phase1,
    p2: &mut Phase2,
    transforms: &mut [IpsecTransform],
) -> Option<crate::ike::v1::natt::Version> {
    let udp = crate::ike::v1::phase1::nat::udp_encapsulation(p1);
    for t in transforms.iter_mut() {
        t.udp = udp;
    }
    p2.peer_port = p1.peer.port();
    p2.encap_ports = udp.map(|_| (p1.local.port(), p1.peer.port()));
    udp
}

/// RFC 3947 §5.2: in transport mode across a NAT, the initiator's and
/// the responder's original addresses (NAT-OAi, NAT-OAr).
fn nat_oa(
    udp: Option<crate::ike::v1::natt::Version>,
    mode: Mode,
    i: Ipv4Addr,
    r: Ipv4Addr,
) -> Vec<PayloadRepr> {
    match udp {
        Some(v) if mode != Mode::Tunnel => vec![v.nat_oa(i), v.nat_oa(r)],
        _ => Vec::new(),
    }
}

fn log_nat_oa(env: &mut Env<'_>, got: &QuickPayloads) {
    let addrs: Vec<String> = got
        .nat_oa
        .iter()
        .filter_map(|a| <[u8; 4]>::try_from(a.as_slice()).ok())
        .map(|a| Ipv4Addr::from(a).to_string())
        .collect();
    if !addrs.is_empty() {
        env.log
            .info(env.now, format!("NAT-OA: {}", addrs.join(", ")));
    }
}

fn describe_selector(s: &Selector) -> String {
    format!(
        "{}/{} <=> {}/{}",
        s.src.addr, s.src.len, s.dst.addr, s.dst.len
    )
}

/// PFS: our DH pair for `group`, and g(qm)^xy with the peer's value.
fn pfs_exchange(
    p2: &mut Phase2,
    env: &mut Env<'_>,
    group: Option<crate::crypto::dh::DhGroup>,
    peer_ke: Option<&[u8]>,
) -> Result<Option<Vec<u8>>, Fail> {
    let Some(group) = group else {
        return Ok(None);
    };
    let peer_ke = peer_ke.ok_or_else(|| Fail::malformed("PFS without a KE payload"))?;
    if p2.dh.is_none() {
        p2.dh = Some(DhPrivate::generate(group, &mut *env.rng));
    }
    let dh = p2.dh.as_ref().ok_or_else(|| Fail::malformed("no DH"))?;
    p2.pfs_shared = Some(dh.shared(peer_ke).map_err(Fail::malformed)?);
    Ok(Some(dh.public()))
}

type QuickResult = Result<Option<u32>, (u32, Fail)>;

/// The ISAKMP SA `ph1` and the exchange `serial` under it, for the next
/// message of an exchange already under way.
fn exchange<'a>(
    ph1s: &'a [Phase1],
    ph2s: &'a mut [Phase2],
    ph1: u32,
    serial: u32,
) -> Result<(&'a Phase1, &'a mut Phase2), (u32, Fail)> {
    let gone = || (serial, Fail::malformed("exchange gone"));
    let p1 = ph1s.iter().find(|p| p.serial == ph1).ok_or_else(gone)?;
    let p2 = ph2s
        .iter_mut()
        .find(|p| p.serial == serial)
        .ok_or_else(gone)?;
    Ok((p1, p2))
}
