//! What Main Mode and Aggressive Mode do alike with a message: the
//! responder's choice of transform, the initiator's check of it, and the
//! peer's authentication.

use std::net::SocketAddrV4;

use super::payloads::{Received, need};
use super::{Phase1, nat};
use crate::config::racoon::ExchangeMode;
use crate::crypto::dh::DhPrivate;
use crate::ike::FailReason;
use crate::ike::v1::cfg::XauthRole;
use crate::ike::v1::env::{Env, Fail};
use crate::ike::v1::proposal::{self, IsakmpTransform};
use crate::wire::isakmp::{NotifyType, Repr};

pub(super) fn no_proposal(peer: SocketAddrV4) -> Fail {
    Fail::new(
        FailReason::NoProposalChosen,
        Some(NotifyType::NoProposalChosen),
        format!("no suitable proposal found for {}.", peer.ip()),
    )
}

/// The responder's choice among the initiator's phase 1 transforms, and
/// the SA payload that answers with it.
pub(super) fn choose(
    p: &mut Phase1,
    env: &mut Env<'_>,
    got: &Received,
) -> Result<crate::wire::isakmp::SaRepr, Fail> {
    let remote = &env.conf.remotes[p.remote];
    let offer = need(got.sa.as_ref(), "SA")?;
    let ours: Vec<IsakmpTransform> = remote
        .proposals
        .iter()
        .filter_map(|t| IsakmpTransform::from_config(t, remote))
        .collect();
    let (chosen, reply) = proposal::choose_isakmp(offer, &ours, remote.proposal_check)
        .ok_or_else(|| no_proposal(p.peer))?;
    p.chosen = Some(chosen);
    p.sai_b = got.sa_body.clone();
    note_vendor_ids(p, env, got);
    nat::agree(p, env, got);
    Ok(reply)
}

/// RFC 3706 §3: DPD is used when both ends sent its vendor ID; the
/// XAuth and Unity vendor IDs are noted (vendorid.c `handle_vendorid`).
fn note_vendor_ids(p: &mut Phase1, env: &mut Env<'_>, got: &Received) {
    if got.xauth_vid {
        env.log.info(
            env.now,
            "received Vendor ID: draft-ietf-ipsra-isakmp-xauth-06.txt",
        );
    }
    if got.unity_vid {
        env.log.info(env.now, "received Vendor ID: CISCO-UNITY");
    }
    if got.dpd_vid {
        env.log.info(env.now, "received Vendor ID: DPD");
    }
    p.dpd.peer_supports = got.dpd_vid && env.conf.remotes[p.remote].dpd;
    p.cfg.peer_xauth = got.xauth_vid;
    p.cfg.peer_unity = got.unity_vid;
}

/// Initiator: the responder's choice, which must be one we offered (in
/// aggressive mode, in the group our KE already used), and its cookie.
pub(super) fn accept_reply(
    p: &mut Phase1,
    env: &mut Env<'_>,
    repr: &Repr,
    got: &Received,
) -> Result<IsakmpTransform, Fail> {
    let our_group = p.dh.as_ref().map(DhPrivate::group);
    let chosen = proposal::accepted_isakmp(need(got.sa.as_ref(), "SA")?, &p.offered)
        .filter(|c| our_group.is_none_or(|g| g == c.group))
        .ok_or_else(|| no_proposal(p.peer))?;
    note_vendor_ids(p, env, got);
    nat::agree(p, env, got);
    p.cky_r = repr.responder_cookie;
    p.chosen = Some(chosen);
    Ok(chosen)
}

/// The peer's ID and HASH verified. In main mode an INITIAL-CONTACT is
/// noted for when phase 1 is up (racoon `ident_recv_n` sets
/// `initial_contact_received`); in aggressive mode every notification is
/// only logged, see [`log_aggressive_notifies`].
pub(super) fn authenticate_peer(
    p: &mut Phase1,
    env: &mut Env<'_>,
    got: &Received,
) -> Result<(), Fail> {
    let id = need(got.id.clone(), "ID")?;
    if p.peer_signs() {
        p.check_peer_id(&env.conf.remotes[p.remote], &id)?;
        p.check_peer_signature(env, &id, got)?;
    } else if p.hybrid_server() {
        p.check_peer_id(&env.conf.remotes[p.remote], &id)?;
        p.accept_hybrid_client(env)?;
    } else {
        let hash = need(got.hash.as_ref(), "HASH")?;
        p.check_peer_hash(&id, hash)?;
        p.check_peer_id(&env.conf.remotes[p.remote], &id)?;
        // oakley.c `oakley_validate_auth`: an XAuth client wants a
        // server that said it does XAuth.
        if p.xauth_role() == Some(XauthRole::Client) && !p.cfg.peer_xauth {
            return Err(Fail::new(
                FailReason::XauthFailed,
                Some(NotifyType::SituationNotSupported),
                "No SIG was passed, hybrid auth is enabled, but peer is no Xauth compliant",
            ));
        }
    }
    if p.mode == ExchangeMode::Aggressive {
        log_aggressive_notifies(p, env, got);
    } else if got.initial_contact {
        env.log.info(
            env.now,
            format!("received INITIAL-CONTACT from {}", p.peer.ip()),
        );
        p.dpd.awaiting = None;
        env.records.initial_contacts.push(p.peer);
    }
    p.peer_id = Some(id);
    Ok(())
}

/// racoon `agg_i2recv` and `agg_r2recv`: a notification inside an
/// aggressive exchange goes to `isakmp_log_notify` ("notification %s
/// received in %s."), which logs it at ERROR and acts on none, so an
/// INITIAL-CONTACT there purges no SA.
pub(super) fn log_aggressive_notifies(p: &Phase1, env: &mut Env<'_>, got: &Received) {
    for kind in &got.notifies {
        env.log.error(
            env.now,
            format!(
                "notification {kind} received in aggressive exchange from {}",
                p.peer.ip()
            ),
        );
    }
}
