//! Base Mode (RFC 2408 §4.8) with pre-shared keys as racoon's
//! isakmp_base.c runs it, one function per message received. All four
//! messages are in the clear; the responder's key exchange comes last, so
//! the initiator's HASH_I covers only its own KE
//! ([`ikev1::hash_i_base`]) and HASH_R is main mode's.

use super::keys::auth_failed;
use super::payloads::{id_body, need, plain_payloads, vendor_ids};
use super::steps::{accept_reply, choose, no_proposal};
use super::{P1State, Phase1, nat};
use crate::config::racoon::DEFAULT_LIFETIME_SECS;
use crate::crypto::ikev1;
use crate::ike::v1::env::{Env, Fail};
use crate::wire::isakmp::{PayloadRepr, Repr};

/// Responder, base message 1 (`base_r1recv`, `base_r1send`): choose a
/// transform, take IDii and Ni; answer SA, IDir, Nr, then the NAT-T
/// vendor ID and, if the peer sent its own, DPD's.
pub(super) fn base_r1(
    p: &mut Phase1,
    env: &mut Env<'_>,
    repr: &Repr,
    data: &[u8],
) -> Result<bool, Fail> {
    let got = plain_payloads(repr, data)?;
    let reply = choose(p, env, &got)?;
    refuse_signatures(p)?;
    let remote = &env.conf.remotes[p.remote];
    p.ni = need(got.nonce, "NONCE")?;
    let id = need(got.id, "ID")?;
    p.check_peer_id(remote, &id)?;
    p.peer_id = Some(id);
    p.nr = env.nonce(remote.nonce_size);
    p.state = P1State::AwaitBaseHash;
    let mut payloads = vec![
        PayloadRepr::SecurityAssociation(reply),
        PayloadRepr::Identification(p.my_id.clone()),
        PayloadRepr::Nonce(p.nr.clone()),
    ];
    payloads.extend(nat::chosen_vendor_id(p));
    if p.dpd.peer_supports {
        payloads.extend(vendor_ids(remote));
    }
    p.send(env, payloads, false, data, true)?;
    Ok(false)
}

/// Initiator, base message 2 (`base_i2recv`, `base_i2send`): the
/// responder's choice, IDir and Nr; send KE and HASH_I (SKEYID needs no
/// DH with pre-shared keys) and the NAT-D payloads.
pub(super) fn base_i2(
    p: &mut Phase1,
    env: &mut Env<'_>,
    repr: &Repr,
    data: &[u8],
) -> Result<bool, Fail> {
    let got = plain_payloads(repr, data)?;
    let chosen = accept_reply(p, env, repr, &got)?;
    refuse_signatures(p)?;
    p.nr = need(got.nonce.clone(), "NONCE")?;
    let id = need(got.id.clone(), "ID")?;
    p.check_peer_id(&env.conf.remotes[p.remote], &id)?;
    p.peer_id = Some(id);
    p.g_xi = p.new_dh(env, chosen.group);
    let psk = p.find_psk(env)?;
    let skeyid = ikev1::skeyid_psk(chosen.prf, &psk, &p.ni, &p.nr);
    let hash = base_hash_i(p, chosen.prf, &skeyid);
    p.state = P1State::AwaitBaseKe;
    let mut payloads = vec![
        PayloadRepr::KeyExchange(p.g_xi.clone()),
        PayloadRepr::Hash(hash),
    ];
    payloads.extend(nat::nat_d_payloads(p));
    p.send(env, payloads, false, data, true)?;
    Ok(false)
}

/// Responder, base message 3 (`base_r2recv`, `base_r2send`): the
/// initiator's KE; our KE, the keys, HASH_I checked; answer KE, HASH_R
/// and NAT-D. The ISAKMP SA is up once that is sent.
pub(super) fn base_r3(
    p: &mut Phase1,
    env: &mut Env<'_>,
    repr: &Repr,
    data: &[u8],
) -> Result<bool, Fail> {
    let got = plain_payloads(repr, data)?;
    let chosen = p.chosen.ok_or_else(|| Fail::malformed("no transform"))?;
    p.g_xi = need(got.ke.clone(), "KE")?;
    if p.g_xi.len() != chosen.group.prime_len() {
        return Err(no_proposal(p.peer));
    }
    p.g_xr = p.new_dh(env, chosen.group);
    p.derive_keys(env)?;
    nat::detect(p, env, &got);
    let skeyid = p
        .keys
        .as_ref()
        .map(|k| k.skeyid.clone())
        .unwrap_or_default();
    let expected = base_hash_i(p, chosen.prf, &skeyid);
    if !ikev1::hashes_match(&expected, need(got.hash.as_ref(), "HASH")?) {
        return Err(auth_failed(p));
    }
    let mut payloads = vec![
        PayloadRepr::KeyExchange(p.g_xr.clone()),
        PayloadRepr::Hash(p.my_hash()),
    ];
    payloads.extend(nat::nat_d_payloads(p));
    p.send(env, payloads, false, data, false)?;
    p.establish(env, chosen.lifetime_secs);
    Ok(true)
}

/// Initiator, base message 4 (`base_i3recv`): the responder's KE and
/// HASH_R (main mode's, `oakley_ph1hash_common`); the keys; ports float
/// to 4500 if a NAT was detected.
pub(super) fn base_i4(
    p: &mut Phase1,
    env: &mut Env<'_>,
    repr: &Repr,
    data: &[u8],
) -> Result<bool, Fail> {
    let got = plain_payloads(repr, data)?;
    p.g_xr = need(got.ke.clone(), "KE")?;
    nat::detect(p, env, &got);
    p.derive_keys(env)?;
    let id = p.peer_id.clone().ok_or_else(|| Fail::malformed("no ID"))?;
    p.check_peer_hash(&id, need(got.hash.as_ref(), "HASH")?)?;
    nat::float(p, env);
    let lifetime = p.chosen.map_or(DEFAULT_LIFETIME_SECS, |c| c.lifetime_secs);
    p.establish(env, lifetime);
    Ok(true)
}

/// HASH_I over the initiator's KE and IDii: ours on the initiator, the
/// peer's on the responder.
fn base_hash_i(p: &Phase1, prf: ikev1::Prf, skeyid: &[u8]) -> Vec<u8> {
    let idii = match p.side {
        crate::ike::Side::Initiator => Some(&p.my_id),
        crate::ike::Side::Responder => p.peer_id.as_ref(),
    };
    let idii_b = idii.map(id_body).unwrap_or_default();
    ikev1::hash_i_base(prf, skeyid, &p.g_xi, (p.cky_i, p.cky_r), &p.sai_b, &idii_b)
}

/// Base mode with RSA signatures (`oakley_ph1hash_base_r`, SIG in
/// messages 3 and 4) is not implemented: the exchange stops with a clear
/// reason.
fn refuse_signatures(p: &Phase1) -> Result<(), Fail> {
    if p.signs() {
        return Err(Fail::new(
            crate::ike::FailReason::NoConfig,
            None,
            "base mode with rsasig is not implemented by vpnlab (pre_shared_key is)",
        ));
    }
    Ok(())
}
