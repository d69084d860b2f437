//! Base Mode (RFC 2408 §4.8) as racoon's isakmp_base.c runs it, one
//! function per message received. All four messages are in the clear;
//! the responder's key exchange comes last, so the initiator's HASH_I
//! covers only its own KE. With pre-shared keys HASH_I is
//! [`ikev1::hash_i_base`] and HASH_R main mode's; with RSA signatures
//! both are keyed by a hash of the nonces and cover the initiator's ID
//! ([`ikev1::hash_i_base_sig`], [`ikev1::hash_r_base_sig`]), each signed
//! and sent as [CERT,] SIG.

use super::keys::auth_failed;
use super::payloads::{dpd_echo, id_body, need, plain_payloads, xauth_echo};
use super::steps::{accept_reply, choose, no_proposal};
use super::{P1State, Phase1, nat};
use crate::config::racoon::DEFAULT_LIFETIME_SECS;
use crate::crypto::ikev1;
use crate::ike::FailReason;
use crate::ike::v1::env::{Env, Fail};
use crate::wire::isakmp::{PayloadRepr, Repr};

/// Responder, base message 1 (`base_r1recv`, `base_r1send`): choose a
/// transform, take IDii and Ni; answer SA, IDir, Nr, then the NAT-T
/// vendor ID, XAuth's and Unity's if the peer sent them, and DPD's if
/// the peer sent its own.
pub(super) fn base_r1(
    p: &mut Phase1,
    env: &mut Env<'_>,
    repr: &Repr,
    data: &[u8],
) -> Result<bool, Fail> {
    let got = plain_payloads(repr, data)?;
    let reply = choose(p, env, &got)?;
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
    payloads.extend(xauth_echo(p, env));
    payloads.extend(dpd_echo(p, env));
    p.send(env, payloads, false, data, true)?;
    Ok(false)
}

/// Initiator, base message 2 (`base_i2recv`, `base_i2send`): the
/// responder's choice, IDir and Nr; send KE and HASH_I (SKEYID needs no
/// DH with pre-shared keys), or [CERT,] SIG, and the NAT-D payloads.
pub(super) fn base_i2(
    p: &mut Phase1,
    env: &mut Env<'_>,
    repr: &Repr,
    data: &[u8],
) -> Result<bool, Fail> {
    let got = plain_payloads(repr, data)?;
    let chosen = accept_reply(p, env, repr, &got)?;
    p.nr = need(got.nonce.clone(), "NONCE")?;
    let id = need(got.id.clone(), "ID")?;
    p.check_peer_id(&env.conf.remotes[p.remote], &id)?;
    p.peer_id = Some(id);
    p.g_xi = p.new_dh(env, chosen.group);
    let mut payloads = vec![PayloadRepr::KeyExchange(p.g_xi.clone())];
    if p.sig_keys() {
        // base_i2send: no SKEYID yet; HASH_I is keyed by the nonces. A
        // hybrid client sends it unsigned.
        let hash = base_sig_hash_i(p, chosen.prf);
        match p.i_sign() {
            true => payloads.extend(p.signed(env, &hash)?),
            false => payloads.push(PayloadRepr::Hash(hash)),
        }
    } else {
        let psk = p.find_psk(env)?;
        let skeyid = ikev1::skeyid_psk(chosen.prf, &psk, &p.ni, &p.nr);
        payloads.push(PayloadRepr::Hash(base_hash_i(p, chosen.prf, &skeyid)));
    }
    p.state = P1State::AwaitBaseKe;
    payloads.extend(nat::nat_d_payloads(p));
    p.send(env, payloads, false, data, true)?;
    Ok(false)
}

/// Responder, base message 3 (`base_r2recv`, `base_r2send`): the
/// initiator's KE; our KE, the keys, HASH_I (or its SIG) checked; answer
/// KE, HASH_R (or [CERT,] SIG) and NAT-D. The ISAKMP SA is up once that
/// is sent.
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
    let id = p.peer_id.clone().ok_or_else(|| Fail::malformed("no ID"))?;
    let mut payloads = vec![PayloadRepr::KeyExchange(p.g_xr.clone())];
    if p.sig_keys() {
        // base_r2send: a hybrid client has no HASH_R to send ("invalid
        // authentication method").
        if !p.i_sign() {
            return Err(Fail::new(
                FailReason::NoConfig,
                None,
                "invalid authentication method 64221",
            ));
        }
        match p.hybrid_server() {
            true => p.accept_hybrid_client(env)?,
            false => {
                let expected = base_sig_hash_i(p, chosen.prf);
                p.check_peer_signature_over(env, &id, &got, &expected)?;
            }
        }
        payloads.extend(p.signed(env, &base_sig_hash_r(p, chosen.prf))?);
    } else {
        let skeyid = p.keys.as_ref().map(|k| k.skeyid.clone());
        let expected = base_hash_i(p, chosen.prf, &skeyid.unwrap_or_default());
        if !ikev1::hashes_match(&expected, need(got.hash.as_ref(), "HASH")?) {
            return Err(auth_failed(p));
        }
        payloads.push(PayloadRepr::Hash(p.my_hash()));
    }
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
    match p.chosen {
        Some(t) if p.peer_signs() => {
            let expected = base_sig_hash_r(p, t.prf);
            p.check_peer_signature_over(env, &id, &got, &expected)?;
        }
        _ if p.hybrid_server() => p.accept_hybrid_client(env)?,
        _ => p.check_peer_hash(&id, need(got.hash.as_ref(), "HASH")?)?,
    }
    nat::float(p, env);
    let lifetime = p.chosen.map_or(DEFAULT_LIFETIME_SECS, |c| c.lifetime_secs);
    p.establish(env, lifetime);
    Ok(true)
}

/// HASH_I over the initiator's KE and IDii: ours on the initiator, the
/// peer's on the responder.
fn base_hash_i(p: &Phase1, prf: ikev1::Prf, skeyid: &[u8]) -> Vec<u8> {
    ikev1::hash_i_base(
        prf,
        skeyid,
        &p.g_xi,
        (p.cky_i, p.cky_r),
        &p.sai_b,
        &idii_body(p),
    )
}

/// The initiator's ID payload body: ours on the initiator, the peer's on
/// the responder.
fn idii_body(p: &Phase1) -> Vec<u8> {
    let idii = match p.side {
        crate::ike::Side::Initiator => Some(&p.my_id),
        crate::ike::Side::Responder => p.peer_id.as_ref(),
    };
    idii.map(id_body).unwrap_or_default()
}

fn base_sig_hash_i(p: &Phase1, prf: ikev1::Prf) -> Vec<u8> {
    let nonces = (p.ni.as_slice(), p.nr.as_slice());
    ikev1::hash_i_base_sig(
        prf,
        nonces,
        &p.g_xi,
        (p.cky_i, p.cky_r),
        &p.sai_b,
        &idii_body(p),
    )
}

fn base_sig_hash_r(p: &Phase1, prf: ikev1::Prf) -> Vec<u8> {
    let nonces = (p.ni.as_slice(), p.nr.as_slice());
    let publics = (p.g_xi.as_slice(), p.g_xr.as_slice());
    ikev1::hash_r_base_sig(
        prf,
        nonces,
        publics,
        (p.cky_i, p.cky_r),
        &p.sai_b,
        &idii_body(p),
    )
}
