//! Aggressive Mode (RFC 2409 §5) with pre-shared keys, one function per
//! message received.

use super::payloads::{dpd_echo, need, plain_payloads, reply_vendor_ids};
use super::steps::{accept_reply, authenticate_peer, choose, log_aggressive_notifies, no_proposal};
use super::{P1State, Phase1, nat};
use crate::config::racoon::DEFAULT_LIFETIME_SECS;
use crate::ike::v1::env::{Env, Fail};
use crate::wire::isakmp::{PayloadRepr, Repr};

/// Responder, aggressive message 1: choose, authenticate ourselves.
pub(super) fn aggr_r1(
    p: &mut Phase1,
    env: &mut Env<'_>,
    repr: &Repr,
    data: &[u8],
) -> Result<bool, Fail> {
    let got = plain_payloads(repr, data)?;
    let reply = choose(p, env, &got)?;
    let remote = &env.conf.remotes[p.remote];
    let chosen = p.chosen.ok_or_else(|| Fail::malformed("no transform"))?;
    p.g_xi = need(got.ke, "KE")?;
    if p.g_xi.len() != chosen.group.prime_len() {
        return Err(no_proposal(p.peer));
    }
    p.ni = need(got.nonce, "NONCE")?;
    let id = need(got.id, "ID")?;
    p.check_peer_id(remote, &id)?;
    p.peer_id = Some(id);
    p.g_xr = p.new_dh(env, chosen.group);
    p.nr = env.nonce(remote.nonce_size);
    p.derive_keys(env)?;
    p.state = P1State::AwaitAggressiveHash;
    let mut payloads = vec![
        PayloadRepr::SecurityAssociation(reply),
        PayloadRepr::KeyExchange(p.g_xr.clone()),
        PayloadRepr::Nonce(p.nr.clone()),
    ];
    payloads.extend(p.my_proof(env, true)?);
    payloads.extend(p.cert_requests(env));
    payloads.extend(reply_vendor_ids(p, env, false));
    payloads.extend(nat::nat_d_payloads(p));
    payloads.extend(dpd_echo(p, env));
    p.send(env, payloads, false, data, true)?;
    Ok(false)
}

/// Initiator, aggressive message 2: check the responder; send HASH_I.
pub(super) fn aggr_i2(
    p: &mut Phase1,
    env: &mut Env<'_>,
    repr: &Repr,
    data: &[u8],
) -> Result<bool, Fail> {
    let got = plain_payloads(repr, data)?;
    let chosen = accept_reply(p, env, repr, &got)?;
    p.g_xr = need(got.ke.clone(), "KE")?;
    p.nr = need(got.nonce.clone(), "NONCE")?;
    let id = need(got.id.clone(), "ID")?;
    p.peer_id = Some(id);
    p.derive_keys(env)?;
    authenticate_peer(p, env, &got)?;
    nat::detect(p, env, &got);
    // racoon `agg_i2recv` floats before `agg_i2send`: message 3 goes to
    // 4500 and its NAT-D payloads hash the floated ends (RFC 3947 §3.2).
    nat::float(p, env);
    let mut payloads = p.my_proof(env, false)?;
    payloads.extend(nat::nat_d_payloads(p));
    // racoon `agg_i2send` sends message 3 in the clear: ISAKMP_FLAG_E is
    // set only after it is sent.
    p.send(env, payloads, false, data, false)?;
    p.establish(env, chosen.lifetime_secs);
    Ok(true)
}

/// Responder, aggressive message 3: check HASH_I. racoon's `agg_r2recv`
/// decrypts it only if its header says so (racoon sends it in the clear).
pub(super) fn aggr_r3(
    p: &mut Phase1,
    env: &mut Env<'_>,
    repr: &Repr,
    data: &[u8],
) -> Result<bool, Fail> {
    let got = if repr.flags.encryption() {
        p.open(repr)?
    } else {
        plain_payloads(repr, data)?
    };
    let id = p.peer_id.clone().ok_or_else(|| Fail::malformed("no ID"))?;
    if p.peer_signs() {
        p.check_peer_signature(env, &id, &got)?;
    } else if p.hybrid_server() {
        p.accept_hybrid_client(env)?;
    } else {
        p.check_peer_hash(&id, need(got.hash.as_ref(), "HASH")?)?;
    }
    nat::detect(p, env, &got);
    log_aggressive_notifies(p, env, &got);
    let lifetime = p.chosen.map_or(DEFAULT_LIFETIME_SECS, |c| c.lifetime_secs);
    p.establish(env, lifetime);
    Ok(true)
}
