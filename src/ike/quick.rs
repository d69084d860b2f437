//! Phase 2: Quick Mode (RFC 2409 §5.5), started by the kernel's ACQUIRE
//! (racoon's `isakmp_post_acquire`) or by an SA's soft expiry (rekey).
//!
//! ```text
//! I: HDR*, HASH(1), SA, Ni [, KE] [, IDci, IDcr]
//! R: HDR*, HASH(2), SA, Nr [, KE] [, IDci, IDcr]
//! I: HDR*, HASH(3)
//! ```

use std::net::{Ipv4Addr, SocketAddrV4};

use smoltcp::time::Instant;

use super::identity::{self, phase2_id};
use super::log::{FailReason, IkeEvent, endpoint};
use super::message::{self, HashedBody};
use super::phase1::{Keys, Phase1, remote_for};
use super::proposal::{self, Chosen, IpsecTransform};
use super::{Env, Fail, Racoon, Retry, Side};
use crate::config::racoon::{GeneratePolicy, Remote, SaInfo, SaInfoId};
use crate::crypto::dh::DhPrivate;
use crate::crypto::ikev1;
use crate::ipsec::IpsecEngine;
use crate::ipsec::engine::Acquire;
use crate::ipsec::sad::{SaEvent, SaKey};
use crate::ipsec::spec::{Direction, IpsecProto, Mode, Selector};
use crate::node::daemon::PORT_ISAKMP;
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
}

impl Phase2 {
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
    /// racoon's `isakmp_post_acquire`: queue the request and start (or
    /// wait for) phase 1 with the peer.
    pub(crate) fn acquire(&mut self, now: Instant, a: Acquire, kernel: &mut IpsecEngine) {
        if self
            .ph2
            .iter()
            .any(|p| p.same_request(&a) && !p.dying && p.state != P2State::Established)
        {
            return;
        }
        let Some(remote) = remote_for(&self.conf.remotes, a.dst) else {
            self.log
                .error(now, format!("no configuration found for {}.", a.dst));
            return;
        };
        if self.conf.remotes[remote].passive {
            self.log.info(
                now,
                format!("ignore IPsec-SA request for {}: passive mode.", a.dst),
            );
            return;
        }
        self.serial += 1;
        let timer = self.timer();
        self.ph2.push(Phase2 {
            serial: self.serial,
            side: Side::Initiator,
            state: P2State::AwaitPhase1,
            ph1: None,
            local: a.src,
            peer: a.dst,
            selector: a.selector.clone(),
            proto: a.proto,
            mode: match a.mode {
                Mode::Any => Mode::Transport,
                m => m,
            },
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
            deadline: Some(now + timer.phase1),
            rekey: false,
            dying: false,
            generate_policy: false,
        });
        self.request_phase1(now, a.src, a.dst, remote, kernel);
    }

    /// Starts the waiting phase 2 now if phase 1 is up, else phase 1.
    fn request_phase1(
        &mut self,
        now: Instant,
        local: Ipv4Addr,
        peer: Ipv4Addr,
        remote: usize,
        kernel: &mut IpsecEngine,
    ) {
        let up = self
            .ph1
            .iter()
            .filter(|p| p.established() && *p.peer.ip() == peer)
            .map(|p| p.serial)
            .next_back();
        if let Some(serial) = up {
            self.start_waiting_phase2(now, serial, peer, kernel);
            return;
        }
        if self.ph1.iter().any(|p| *p.peer.ip() == peer) {
            return;
        }
        self.log.info(
            now,
            format!("IPsec-SA request for {peer} queued due to no phase1 found."),
        );
        let port = self.conf.remotes[remote].port;
        self.begin_phase1(
            now,
            remote,
            SocketAddrV4::new(local, PORT_ISAKMP),
            SocketAddrV4::new(peer, port),
        );
    }

    /// Phase 1 with `peer` is up: send Quick Mode for every request
    /// waiting for it.
    pub(crate) fn start_waiting_phase2(
        &mut self,
        now: Instant,
        ph1: u32,
        peer: Ipv4Addr,
        kernel: &mut IpsecEngine,
    ) {
        let waiting: Vec<u32> = self
            .ph2
            .iter()
            .filter(|p| p.state == P2State::AwaitPhase1 && p.peer == peer)
            .map(|p| p.serial)
            .collect();
        for serial in waiting {
            let result = self.quick_i1(now, ph1, serial, kernel);
            if let Err(fail) = result {
                self.phase2_failed(now, serial, fail);
            }
        }
    }

    /// Phase 1 with `peer` failed: so do the requests waiting for it.
    pub(crate) fn fail_waiting_phase2(&mut self, now: Instant, _ph1: u32, peer: Ipv4Addr) {
        let waiting: Vec<u32> = self
            .ph2
            .iter()
            .filter(|p| p.state == P2State::AwaitPhase1 && p.peer == peer)
            .map(|p| p.serial)
            .collect();
        for serial in waiting {
            let fail = Fail::new(
                FailReason::Timeout,
                None,
                format!("phase2 negotiation failed due to phase1 failure with {peer}."),
            );
            self.phase2_failed(now, serial, fail);
        }
    }

    /// Quick Mode message 1.
    fn quick_i1(
        &mut self,
        now: Instant,
        ph1: u32,
        serial: u32,
        kernel: &mut IpsecEngine,
    ) -> Result<(), Fail> {
        let (mut env, ph1s, ph2s, _) = self.env(now);
        let p1 = ph1s
            .iter()
            .find(|p| p.serial == ph1)
            .ok_or_else(|| Fail::malformed("ISAKMP SA gone"))?;
        let Some(p2) = ph2s.iter_mut().find(|p| p.serial == serial) else {
            return Ok(());
        };
        let remote = &env.conf.remotes[p1.remote];
        let sainfo = sainfo_for(&env.conf.sainfos, &p2.selector, p1, remote).ok_or_else(|| {
            Fail::new(
                FailReason::NoConfig,
                None,
                format!(
                    "failed to get sainfo for {}.",
                    describe_selector(&p2.selector)
                ),
            )
        })?;
        p2.offered = proposal::ipsec_transforms(sainfo, p2.proto, p2.mode);
        let pfs = p2.offered.first().and_then(|t| t.pfs);
        let keys = keys_of(p1)?;
        p2.my_spi = kernel.sad.allocate_spi(p2.local, p2.proto, &mut *env.rng);
        let sa = proposal::ipsec_offer(&p2.offered, p2.my_spi).ok_or_else(|| {
            Fail::new(
                FailReason::NoConfig,
                None,
                "sainfo offers no usable algorithm",
            )
        })?;
        p2.ph1 = Some(ph1);
        p2.message_id = env.message_id();
        p2.iv = ikev1::phase2_iv(keys.prf, keys.cipher.cipher(), &p1.iv, p2.message_id);
        p2.ni = env.nonce(env.conf.remotes[p1.remote].nonce_size);
        let id_i = phase2_id(p2.selector.src, p2.selector.src_port, p2.selector.upper);
        let id_r = phase2_id(p2.selector.dst, p2.selector.dst_port, p2.selector.upper);
        let mut rest = vec![
            PayloadRepr::SecurityAssociation(sa),
            PayloadRepr::Nonce(p2.ni.clone()),
        ];
        if let Some(group) = pfs {
            let dh = DhPrivate::generate(group, &mut *env.rng);
            rest.push(PayloadRepr::KeyExchange(dh.public()));
            p2.dh = Some(dh);
        }
        rest.extend([
            PayloadRepr::Identification(id_i.clone()),
            PayloadRepr::Identification(id_r.clone()),
        ]);
        p2.ids = Some((id_i, id_r));
        let msg_id = p2.message_id;
        let payloads = message::hashed(rest, |b| {
            ikev1::quick_hash1(keys.prf, &keys.skeyid_a, msg_id, &[b])
        })
        .map_err(Fail::malformed)?;
        env.log.info(
            now,
            format!(
                "initiate new phase 2 negotiation: {}<=>{}",
                endpoint(SocketAddrV4::new(p2.local, 0)),
                endpoint(SocketAddrV4::new(p2.peer, 0))
            ),
        );
        p2.state = P2State::AwaitReply;
        p2.deadline = None;
        send_quick(p1, p2, &mut env, &payloads, &[], true)
    }

    /// A Quick Mode message: a new exchange (responder) or the next
    /// message of one of ours.
    pub(crate) fn quick_message(
        &mut self,
        now: Instant,
        from: SocketAddrV4,
        repr: &Repr,
        data: &[u8],
        kernel: &mut IpsecEngine,
    ) {
        let Some(p1) = self.ph1.iter().find(|p| {
            p.established()
                && p.peer == from
                && (p.cky_i, p.cky_r) == (repr.initiator_cookie, repr.responder_cookie)
        }) else {
            self.records.dropped += 1;
            self.log.error(
                now,
                format!("no established ISAKMP-SA for Quick Mode from {from}, packet dropped"),
            );
            return;
        };
        let ph1 = p1.serial;
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
        match result {
            Ok(Some(serial)) => self.phase2_established(now, serial, kernel),
            Ok(None) => {}
            Err((serial, fail)) => self.phase2_failed_notify(now, ph1, serial, fail),
        }
    }
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
}

fn quick_payloads(rest: Vec<PayloadRepr>) -> QuickPayloads {
    let mut q = QuickPayloads::default();
    for p in rest {
        match p {
            PayloadRepr::SecurityAssociation(sa) => q.sa = Some(sa),
            PayloadRepr::Nonce(n) => q.nonce = Some(n),
            PayloadRepr::KeyExchange(k) => q.ke = Some(k),
            PayloadRepr::Identification(id) => q.ids.push(id),
            _ => {}
        }
    }
    q
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

impl Racoon {
    /// Responder, Quick Mode message 1.
    fn quick_r1(
        &mut self,
        now: Instant,
        ph1: u32,
        repr: &Repr,
        data: &[u8],
        kernel: &mut IpsecEngine,
    ) -> QuickResult {
        self.serial += 1;
        let serial = self.serial;
        let (mut env, ph1s, ph2s, _) = self.env(now);
        let p1 = ph1s
            .iter()
            .find(|p| p.serial == ph1)
            .ok_or((serial, Fail::malformed("gone")))?;
        let mut p2 = Phase2 {
            serial,
            side: Side::Responder,
            state: P2State::AwaitHash3,
            ph1: Some(ph1),
            local: *p1.local.ip(),
            peer: *p1.peer.ip(),
            selector: Selector {
                src: crate::net::Prefix::new(*p1.local.ip(), 32),
                dst: crate::net::Prefix::new(*p1.peer.ip(), 32),
                src_port: None,
                dst_port: None,
                upper: crate::ipsec::spec::Upper::Any,
            },
            proto: IpsecProto::Esp,
            mode: Mode::Transport,
            message_id: repr.message_id,
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
        };
        let result = respond_quick(p1, &mut p2, &mut env, repr, data, kernel);
        ph2s.push(p2);
        result.map(|()| None).map_err(|f| (serial, f))
    }

    /// Initiator, Quick Mode message 2: check, answer HASH(3), install.
    fn quick_i2(
        &mut self,
        now: Instant,
        ph1: u32,
        serial: u32,
        repr: &Repr,
        data: &[u8],
    ) -> QuickResult {
        let (mut env, ph1s, ph2s, _) = self.env(now);
        let fail = |f| (serial, f);
        let p1 = ph1s
            .iter()
            .find(|p| p.serial == ph1)
            .ok_or(fail(Fail::malformed("gone")))?;
        let p2 = ph2s
            .iter_mut()
            .find(|p| p.serial == serial)
            .ok_or(fail(Fail::malformed("gone")))?;
        let keys = keys_of(p1).map_err(fail)?;
        let (msg_id, ni) = (p2.message_id, p2.ni.clone());
        let body = open_quick(
            keys,
            &mut p2.iv,
            repr,
            |b| ikev1::quick_hash2(keys.prf, &keys.skeyid_a, msg_id, &ni, &[b]),
            p2.peer,
        )
        .map_err(fail)?;
        let got = quick_payloads(body.rest);
        let chosen = got
            .sa
            .as_ref()
            .and_then(|sa| proposal::accepted_ipsec(sa, &p2.offered))
            .ok_or_else(|| {
                fail(Fail::new(
                    FailReason::NoProposalChosen,
                    Some(NotifyType::NoProposalChosen),
                    format!(
                        "{} chose a phase 2 transform that was not offered.",
                        p2.peer
                    ),
                ))
            })?;
        p2.nr = got
            .nonce
            .ok_or_else(|| fail(Fail::malformed("no NONCE payload")))?;
        pfs_exchange(p2, &mut env, chosen.transform.pfs, got.ke.as_deref()).map_err(fail)?;
        p2.chosen = Some(chosen);
        let hash3 = ikev1::quick_hash3(keys.prf, &keys.skeyid_a, msg_id, &p2.ni, &p2.nr);
        send_quick(p1, p2, &mut env, &[PayloadRepr::Hash(hash3)], data, false).map_err(fail)?;
        p2.retry.settle();
        Ok(Some(serial))
    }

    /// Responder, Quick Mode message 3: HASH(3), then install.
    fn quick_r3(&mut self, now: Instant, ph1: u32, serial: u32, repr: &Repr) -> QuickResult {
        let (_env, ph1s, ph2s, _) = self.env(now);
        let fail = |f| (serial, f);
        let p1 = ph1s
            .iter()
            .find(|p| p.serial == ph1)
            .ok_or(fail(Fail::malformed("gone")))?;
        let p2 = ph2s
            .iter_mut()
            .find(|p| p.serial == serial)
            .ok_or(fail(Fail::malformed("gone")))?;
        let keys = keys_of(p1).map_err(fail)?;
        let (msg_id, ni, nr) = (p2.message_id, p2.ni.clone(), p2.nr.clone());
        open_quick(
            keys,
            &mut p2.iv,
            repr,
            |_| ikev1::quick_hash3(keys.prf, &keys.skeyid_a, msg_id, &ni, &nr),
            p2.peer,
        )
        .map_err(fail)?;
        p2.retry.settle();
        Ok(Some(serial))
    }
}

/// Responder: everything about Quick Mode message 1 and the answer.
fn respond_quick(
    p1: &Phase1,
    p2: &mut Phase2,
    env: &mut Env<'_>,
    repr: &Repr,
    data: &[u8],
    kernel: &mut IpsecEngine,
) -> Result<(), Fail> {
    let keys = keys_of(p1)?;
    p2.iv = ikev1::phase2_iv(keys.prf, keys.cipher.cipher(), &p1.iv, p2.message_id);
    let msg_id = p2.message_id;
    let body = open_quick(
        keys,
        &mut p2.iv,
        repr,
        |b| ikev1::quick_hash1(keys.prf, &keys.skeyid_a, msg_id, &[b]),
        p2.peer,
    )?;
    let got = quick_payloads(body.rest);
    // Without IDs the selectors are the phase 1 addresses (RFC 2409 §5.5).
    let (id_i, id_r) = match got.ids.as_slice() {
        [] => (
            IdentificationRepr::ipv4(*p1.peer.ip()),
            IdentificationRepr::ipv4(*p1.local.ip()),
        ),
        [i, r] => (i.clone(), r.clone()),
        _ => return Err(invalid_id("not two ID payloads")),
    };
    p2.selector =
        identity::selector(&id_r, &id_i).ok_or_else(|| invalid_id("unsupported ID type"))?;
    env.log.info(
        env.now,
        format!(
            "respond new phase 2 negotiation: {}<=>{}",
            endpoint(SocketAddrV4::new(p2.local, 0)),
            endpoint(SocketAddrV4::new(p2.peer, 0))
        ),
    );
    let remote = &env.conf.remotes[p1.remote];
    let offer = got
        .sa
        .as_ref()
        .ok_or_else(|| Fail::malformed("no SA payload"))?;
    let modes = policy_modes(p2, kernel, remote.generate_policy != GeneratePolicy::Off)?;
    let sainfo = sainfo_for(&env.conf.sainfos, &p2.selector, p1, remote).ok_or_else(|| {
        Fail::new(
            FailReason::NoConfig,
            Some(NotifyType::InvalidIdInformation),
            format!(
                "failed to get sainfo for {}.",
                describe_selector(&p2.selector)
            ),
        )
    })?;
    let ours: Vec<IpsecTransform> = modes
        .iter()
        .flat_map(|(proto, mode)| proposal::ipsec_transforms(sainfo, *proto, *mode))
        .collect();
    let chosen = proposal::choose_ipsec(offer, &ours, remote.proposal_check).ok_or_else(|| {
        Fail::new(
            FailReason::NoProposalChosen,
            Some(NotifyType::NoProposalChosen),
            format!(
                "no suitable policy found for {}: no proposal chosen.",
                describe_selector(&p2.selector)
            ),
        )
    })?;
    p2.proto = chosen.transform.proto;
    p2.mode = chosen.transform.mode;
    p2.ni = got
        .nonce
        .ok_or_else(|| Fail::malformed("no NONCE payload"))?;
    p2.nr = env.nonce(remote.nonce_size);
    let ke = pfs_exchange(p2, env, chosen.transform.pfs, got.ke.as_deref())?;
    p2.my_spi = kernel.sad.allocate_spi(p2.local, p2.proto, &mut *env.rng);
    let reply =
        proposal::ipsec_reply(&chosen, p2.my_spi).ok_or_else(|| Fail::malformed("reply SA"))?;
    p2.chosen = Some(chosen);
    let mut rest = vec![
        PayloadRepr::SecurityAssociation(reply),
        PayloadRepr::Nonce(p2.nr.clone()),
    ];
    rest.extend(ke.map(PayloadRepr::KeyExchange));
    if !got.ids.is_empty() {
        rest.extend([
            PayloadRepr::Identification(id_i.clone()),
            PayloadRepr::Identification(id_r.clone()),
        ]);
    }
    p2.ids = Some((id_i, id_r));
    let ni = p2.ni.clone();
    let payloads = message::hashed(rest, |b| {
        ikev1::quick_hash2(keys.prf, &keys.skeyid_a, msg_id, &ni, &[b])
    })
    .map_err(Fail::malformed)?;
    send_quick(p1, p2, env, &payloads, data, true)
}

fn invalid_id(what: &str) -> Fail {
    Fail::new(
        FailReason::InvalidId,
        Some(NotifyType::InvalidIdInformation),
        format!("invalid phase 2 ID: {what}."),
    )
}

/// The protocol and mode the responder's SPD asks for traffic between the
/// IDs (its `in` policy); with `generate_policy`, whatever the initiator
/// proposes.
fn policy_modes(
    p2: &mut Phase2,
    kernel: &IpsecEngine,
    generate: bool,
) -> Result<Vec<(IpsecProto, Mode)>, Fail> {
    let inbound = Selector {
        src: p2.selector.dst,
        dst: p2.selector.src,
        src_port: p2.selector.dst_port,
        dst_port: p2.selector.src_port,
        upper: p2.selector.upper,
    };
    let policy = kernel
        .spd
        .iter()
        .find(|p| p.spec.dir == Direction::In && p.spec.selector == inbound);
    match policy.and_then(|p| p.spec.templates.first()) {
        Some(t) => Ok(vec![(
            t.proto,
            if t.mode == Mode::Tunnel {
                Mode::Tunnel
            } else {
                Mode::Transport
            },
        )]),
        None if generate => {
            p2.generate_policy = true;
            Ok([IpsecProto::Esp, IpsecProto::Ah]
                .into_iter()
                .flat_map(|p| [(p, Mode::Transport), (p, Mode::Tunnel)])
                .collect())
        }
        None => Err(Fail::new(
            FailReason::InvalidId,
            Some(NotifyType::InvalidIdInformation),
            format!("no policy found: {}.", describe_selector(&p2.selector)),
        )),
    }
}

impl Racoon {
    /// Installs the SA pair (and generated policies) and logs it.
    fn phase2_established(&mut self, now: Instant, serial: u32, kernel: &mut IpsecEngine) {
        let (mut env, ph1s, ph2s, _) = self.env(now);
        let Some(p2) = ph2s.iter_mut().find(|p| p.serial == serial) else {
            return;
        };
        let Some(p1) = ph1s.iter().find(|p| Some(p.serial) == p2.ph1) else {
            return;
        };
        let Some(keys) = p1.keys.as_ref() else {
            return;
        };
        p2.state = P2State::Established;
        super::install::install_pair(&mut env, kernel, keys, p2);
        if p2.generate_policy {
            super::install::generate_policies(&mut env, kernel, p2);
        }
        env.log.event(IkeEvent::Phase2Established {
            at: now,
            peer: p2.peer,
            rekey: p2.rekey,
        });
    }

    /// Logs a failed phase 2 and notifies the peer through phase 1.
    fn phase2_failed_notify(&mut self, now: Instant, ph1: u32, serial: u32, fail: Fail) {
        if let Some(kind) = fail.notify {
            self.send_encrypted_notify(now, ph1, kind);
        }
        self.phase2_failed(now, serial, fail);
    }

    pub(crate) fn phase2_failed(&mut self, now: Instant, serial: u32, fail: Fail) {
        let Some(i) = self.ph2.iter().position(|p| p.serial == serial) else {
            return;
        };
        let p2 = self.ph2.remove(i);
        self.log.error(now, &fail.message);
        self.log.error(
            now,
            format!("phase2 negotiation failed: {}<=>{}", p2.local, p2.peer),
        );
        self.log.event(IkeEvent::Failed {
            at: now,
            peer: p2.peer,
            phase: 2,
            reason: fail.reason,
        });
    }

    /// Retransmissions of Quick Mode and the wait for phase 1.
    pub(crate) fn phase2_timers(&mut self, now: Instant) {
        let interval = self.timer().interval;
        let mut expired = Vec::new();
        for p in &mut self.ph2 {
            if p.deadline.is_some_and(|t| t <= now) {
                expired.push((
                    p.serial,
                    "phase2 negotiation failed due to time up waiting for phase1.",
                ));
                continue;
            }
            if p.retry.resend_at.is_some_and(|t| t <= now) {
                if p.retry.left == 0 {
                    expired.push((p.serial, "phase2 negotiation failed due to time up."));
                    continue;
                }
                p.retry.left -= 1;
                p.retry.resend_at = Some(now + interval);
                if let Some(d) = p.retry.last_out.clone() {
                    self.outbox.push_back(d);
                }
            }
        }
        for (serial, why) in expired {
            self.phase2_failed(now, serial, Fail::new(FailReason::Timeout, None, why));
        }
    }

    /// PF_KEY SADB_EXPIRE: soft ⇒ the initiator renegotiates; hard ⇒ the
    /// pair is gone, the peer is told with a DELETE.
    pub(crate) fn sa_event(&mut self, now: Instant, event: SaEvent, kernel: &mut IpsecEngine) {
        match event {
            SaEvent::SoftExpired(key) => self.soft_expired(now, key, kernel),
            SaEvent::HardExpired(key) => self.hard_expired(now, key, kernel),
        }
    }

    fn soft_expired(&mut self, now: Instant, key: SaKey, kernel: &mut IpsecEngine) {
        let Some(p) = self.ph2.iter_mut().find(|p| p.owns(&key) && !p.dying) else {
            return;
        };
        p.dying = true;
        let (side, local, peer) = (p.side, p.local, p.peer);
        let request = Acquire {
            at: now,
            src: local,
            dst: peer,
            proto: p.proto,
            mode: p.mode,
            selector: p.selector.clone(),
        };
        self.log.info(
            now,
            format!(
                "IPsec-SA expired (soft): {} {}->{} spi={}(0x{:x})",
                proto_name(key.1, request.mode),
                if key.0 == local { peer } else { local },
                key.0,
                key.2,
                key.2
            ),
        );
        if side == Side::Initiator {
            let before = self.ph2.len();
            self.acquire(now, request, kernel);
            if self.ph2.len() > before {
                if let Some(new) = self.ph2.last_mut() {
                    new.rekey = true;
                }
            }
        }
    }

    fn hard_expired(&mut self, now: Instant, key: SaKey, kernel: &mut IpsecEngine) {
        let Some(i) = self.ph2.iter().position(|p| p.owns(&key)) else {
            return;
        };
        let p = self.ph2.remove(i);
        let (inbound, outbound) = p.sa_keys();
        let _ = kernel.sad.delete(inbound);
        let _ = kernel.sad.delete(outbound);
        self.log.info(
            now,
            format!(
                "IPsec-SA expired: {} {}->{} spi={}(0x{:x})",
                proto_name(p.proto, p.mode),
                p.peer,
                p.local,
                p.my_spi,
                p.my_spi
            ),
        );
        self.log.event(IkeEvent::Phase2Deleted {
            at: now,
            peer: p.peer,
        });
        self.send_delete_ipsec(now, p.peer, p.proto, p.my_spi);
    }
}
