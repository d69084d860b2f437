//! What both sides of Quick Mode do with its messages: open and check
//! one under the exchange's IV (RFC 2409 §5.5 HASH(1)–(3)), send one, read
//! its payloads (RESPONDER-LIFETIME, NAT-OA), and the PFS exchange.

use std::net::Ipv4Addr;

use super::{Phase2, keys_of};
use crate::crypto::dh::DhPrivate;
use crate::crypto::ikev1;
use crate::ike::FailReason;
use crate::ike::v1::env::{Env, Fail};
use crate::ike::v1::message::{self, HashedBody};
use crate::ike::v1::phase1::{Keys, Phase1};
use crate::ike::v1::proposal::IpsecTransform;
use crate::ipsec::spec::{Mode, Selector};
use crate::wire::isakmp::{ExchangeType, IdentificationRepr, NotifyType, PayloadRepr, Repr};

/// Decrypts a Quick Mode message with the exchange's IV and checks that
/// its HASH is `expected` over the covered payloads.
pub(crate) fn open_quick(
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

pub(crate) fn hash_fail(peer: Ipv4Addr) -> Fail {
    Fail::new(
        FailReason::AuthenticationFailed,
        Some(NotifyType::InvalidHashInformation),
        format!("HASH mismatch in Quick Mode from {peer}."),
    )
}

/// Sends a Quick Mode message under the exchange's IV.
pub(crate) fn send_quick(
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
    let digest = p2
        .retry
        .sent(answered, d, await_reply.then_some((env.now, &timer)));
    env.answered(digest, p2.serial);
    env.timer_at(p2.retry.resend_at);
    Ok(())
}

/// The fields of a Quick Mode message after its HASH.
#[derive(Default)]
pub(crate) struct QuickPayloads {
    pub(crate) sa: Option<crate::wire::isakmp::SaRepr>,
    pub(crate) nonce: Option<Vec<u8>>,
    pub(crate) ke: Option<Vec<u8>>,
    pub(crate) ids: Vec<IdentificationRepr>,
    /// NAT-OA addresses (RFC 3947 §5.2), initiator's first.
    pub(crate) nat_oa: Vec<Vec<u8>>,
    /// A RESPONDER-LIFETIME notify's seconds (RFC 2407 §4.6.3.1).
    pub(crate) responder_lifetime: Option<u64>,
}

/// The seconds of a RESPONDER-LIFETIME notify's attributes (ipsec_doi.c
/// `ipsecdoi_parse_responder_lifetime`): the duration after a Life Type
/// of seconds; kilobyte lifetimes are not used by racoon.
pub(crate) fn responder_lifetime_secs(data: &[u8]) -> Option<u64> {
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

pub(crate) fn quick_payloads(rest: Vec<PayloadRepr>) -> QuickPayloads {
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
pub(crate) fn use_natt(
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
pub(crate) fn nat_oa(
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

pub(crate) fn log_nat_oa(env: &mut Env<'_>, got: &QuickPayloads) {
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

pub(crate) fn describe_selector(s: &Selector) -> String {
    format!(
        "{}/{} <=> {}/{}",
        s.src.addr, s.src.len, s.dst.addr, s.dst.len
    )
}

/// PFS: our DH pair for `group`, and g(qm)^xy with the peer's value.
pub(crate) fn pfs_exchange(
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
