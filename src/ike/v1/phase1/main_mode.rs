//! Main Mode (Identity Protection, RFC 2409 §5) with pre-shared keys, one
//! function per message received.

use super::payloads::{need, plain_payloads, reply_vendor_ids};
use super::steps::{accept_reply, authenticate_peer, choose};
use super::{P1State, Phase1, nat};
use crate::config::racoon::DEFAULT_LIFETIME_SECS;
use crate::ike::v1::env::{Env, Fail};
use crate::wire::isakmp::{PayloadRepr, Repr};

/// Responder, main mode message 1: choose a transform.
pub(super) fn main_r1(
    p: &mut Phase1,
    env: &mut Env<'_>,
    repr: &Repr,
    data: &[u8],
) -> Result<bool, Fail> {
    let got = plain_payloads(repr, data)?;
    let reply = choose(p, env, &got)?;
    let mut payloads = vec![PayloadRepr::SecurityAssociation(reply)];
    payloads.extend(reply_vendor_ids(p, env, true));
    p.send(env, payloads, false, data, true)?;
    Ok(false)
}

/// Initiator, main mode message 2: the responder's choice; send KE, Ni.
pub(super) fn main_i2(
    p: &mut Phase1,
    env: &mut Env<'_>,
    repr: &Repr,
    data: &[u8],
) -> Result<bool, Fail> {
    let got = plain_payloads(repr, data)?;
    let chosen = accept_reply(p, env, repr, &got)?;
    let remote = &env.conf.remotes[p.remote];
    p.g_xi = p.new_dh(env, chosen.group);
    p.ni = env.nonce(remote.nonce_size);
    p.state = P1State::AwaitKe;
    let payloads = key_exchange(p, &p.g_xi, &p.ni, Vec::new());
    p.send(env, payloads, false, data, true)?;
    Ok(false)
}

/// Main mode messages 3 and 4: our KE and nonce, in message 4 the
/// responder's CERT_REQ (`ident_ir2mx`), and the NAT-D payloads when
/// NAT-T was agreed (RFC 3947 §3.2).
fn key_exchange(
    p: &Phase1,
    public: &[u8],
    nonce: &[u8],
    cert_requests: Vec<PayloadRepr>,
) -> Vec<PayloadRepr> {
    let mut payloads = vec![
        PayloadRepr::KeyExchange(public.to_vec()),
        PayloadRepr::Nonce(nonce.to_vec()),
    ];
    payloads.extend(cert_requests);
    payloads.extend(nat::nat_d_payloads(p));
    payloads
}

/// Responder, main mode message 3: KE and Ni; answer with KE, Nr.
pub(super) fn main_r3(
    p: &mut Phase1,
    env: &mut Env<'_>,
    repr: &Repr,
    data: &[u8],
) -> Result<bool, Fail> {
    let got = plain_payloads(repr, data)?;
    p.g_xi = need(got.ke.clone(), "KE")?;
    p.ni = need(got.nonce.clone(), "NONCE")?;
    let chosen = p.chosen.ok_or_else(|| Fail::malformed("no transform"))?;
    p.g_xr = p.new_dh(env, chosen.group);
    p.nr = env.nonce(env.conf.remotes[p.remote].nonce_size);
    p.derive_keys(env)?;
    p.state = P1State::AwaitId;
    nat::detect(p, env, &got);
    let payloads = key_exchange(p, &p.g_xr, &p.nr, p.cert_requests(env));
    p.send(env, payloads, false, data, true)?;
    Ok(false)
}

/// Initiator, main mode message 4: KE and Nr; send IDii, HASH_I.
pub(super) fn main_i4(
    p: &mut Phase1,
    env: &mut Env<'_>,
    repr: &Repr,
    data: &[u8],
) -> Result<bool, Fail> {
    let got = plain_payloads(repr, data)?;
    p.g_xr = need(got.ke.clone(), "KE")?;
    p.nr = need(got.nonce.clone(), "NONCE")?;
    p.derive_keys(env)?;
    p.state = P1State::AwaitId;
    nat::detect(p, env, &got);
    nat::float(p, env);
    // ident_ir3mx: ID, [CERT], SIG (or HASH), then the initiator's CR.
    let mut payloads = p.my_proof(env, true)?;
    payloads.extend(p.cert_requests(env));
    p.send(env, payloads, true, data, true)?;
    Ok(false)
}

/// Responder, main mode message 5: check IDii and HASH_I; send IDir, HASH_R.
pub(super) fn main_r5(
    p: &mut Phase1,
    env: &mut Env<'_>,
    repr: &Repr,
    data: &[u8],
) -> Result<bool, Fail> {
    let got = p.open(repr)?;
    authenticate_peer(p, env, &got)?;
    let payloads = p.my_proof(env, true)?;
    p.send(env, payloads, true, data, false)?;
    let lifetime = p.chosen.map_or(DEFAULT_LIFETIME_SECS, |c| c.lifetime_secs);
    p.establish(env, lifetime);
    Ok(true)
}

/// Initiator, main mode message 6: check IDir and HASH_R.
pub(super) fn main_i6(p: &mut Phase1, env: &mut Env<'_>, repr: &Repr) -> Result<bool, Fail> {
    let got = p.open(repr)?;
    authenticate_peer(p, env, &got)?;
    let lifetime = p.chosen.map_or(DEFAULT_LIFETIME_SECS, |c| c.lifetime_secs);
    p.establish(env, lifetime);
    Ok(true)
}
