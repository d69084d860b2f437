//! How an ISAKMP SA begins: the initiator's first message (isakmp.c
//! `isakmp_ph1begin_i`) and the responder's new exchange for a first
//! message from an unknown initiator (`isakmp_ph1begin_r`).

use std::net::SocketAddrV4;

use super::payloads::offer_vendor_ids;
use super::{Phase1, mode_name, remote_for};
use crate::config::racoon::ExchangeMode;
use crate::ike::Side;
use crate::ike::identity::phase1_id_with_cert;
use crate::ike::log::endpoint;
use crate::ike::v1::cfg::XauthRole;
use crate::ike::v1::env::{Env, Fail};
use crate::ike::v1::proposal::{self, IsakmpTransform};
use crate::wire::isakmp::{ExchangeType, PayloadRepr, Repr};

impl Phase1 {
    /// `isakmp_ph1begin_i`: a new ISAKMP SA with the peer of `remote`,
    /// its first message sent. None, with the reason logged, if the
    /// configuration offers nothing usable.
    pub(crate) fn initiate(
        env: &mut Env<'_>,
        remote_index: usize,
        (local, peer): (SocketAddrV4, SocketAddrV4),
    ) -> Option<Phase1> {
        let remote = &env.conf.remotes[remote_index];
        let mode = *remote.exchange_modes.first()?;
        let offered: Vec<IsakmpTransform> = remote
            .proposals
            .iter()
            .filter_map(|p| IsakmpTransform::from_config(p, remote))
            .collect();
        let Some(my_id) = my_phase1_id(env, remote_index, *local.ip()) else {
            env.log
                .error(env.now, "my_identifier: identity type not supported");
            return None;
        };
        if offered.is_empty() {
            let line = format!("no usable proposal or exchange mode for {}", peer.ip());
            env.log.error(env.now, line);
            return None;
        }
        let serial = env.next_serial();
        let cookies = (env.random(), [0; 8]);
        let ends = (local, peer);
        let mut p = Phase1::new(
            serial,
            Side::Initiator,
            mode,
            ends,
            remote_index,
            cookies,
            my_id,
        );
        p.offered = offered;
        let line = format!(
            "initiate new phase 1 negotiation: {}<=>{}",
            endpoint(local),
            endpoint(peer)
        );
        env.log.info(env.now, line);
        env.log
            .info(env.now, format!("begin {} mode.", mode_name(mode)));
        match p.send_first(env) {
            Ok(()) => Some(p),
            Err(fail) => {
                env.log.error(env.now, fail.message);
                None
            }
        }
    }

    /// The initiator's first message: SA (in Aggressive Mode also KE, Ni
    /// and IDii; in Base Mode IDii and Ni, `base_i1send`), then the DPD
    /// and NAT-T vendor IDs.
    fn send_first(&mut self, env: &mut Env<'_>) -> Result<(), Fail> {
        let remote = &env.conf.remotes[self.remote];
        let sa = proposal::isakmp_offer(&self.offered);
        let mut sa_body = Vec::new();
        let _ = PayloadRepr::SecurityAssociation(sa.clone()).emit_body(&mut sa_body);
        self.sai_b = sa_body;
        let mut payloads = vec![PayloadRepr::SecurityAssociation(sa)];
        if self.mode == ExchangeMode::Base {
            self.ni = env.nonce(remote.nonce_size);
            payloads.extend([
                PayloadRepr::Identification(self.my_id.clone()),
                PayloadRepr::Nonce(self.ni.clone()),
            ]);
        }
        if let (ExchangeMode::Aggressive, Some(first)) = (self.mode, self.offered.first().copied())
        {
            let public = self.new_dh(env, first.group);
            self.g_xi = public.clone();
            self.ni = env.nonce(remote.nonce_size);
            payloads.extend([
                PayloadRepr::KeyExchange(public),
                PayloadRepr::Nonce(self.ni.clone()),
                PayloadRepr::Identification(self.my_id.clone()),
            ]);
        }
        let xauth_client = self.offered.first().and_then(|t| t.xauth) == Some(XauthRole::Client);
        let base = self.mode == ExchangeMode::Base;
        payloads.extend(offer_vendor_ids(remote, xauth_client, base));
        self.send(env, payloads, false, &[], true)
    }

    /// `isakmp_ph1begin_r`: the responder's ISAKMP SA for a first message
    /// from `from` to `to`, before that message is handled. None if no
    /// `remote` takes the peer in that mode (the datagram is dropped and
    /// counted).
    pub(crate) fn respond(
        env: &mut Env<'_>,
        (from, to): (SocketAddrV4, SocketAddrV4),
        repr: &Repr,
    ) -> Option<Phase1> {
        let Some(remote_index) = remote_for(&env.conf.remotes, *from.ip()) else {
            env.drop_datagram("no-remote", || {
                format!(
                    "couldn't find configuration for {}, packet dropped",
                    from.ip()
                )
            });
            return None;
        };
        let remote = &env.conf.remotes[remote_index];
        let mode = match repr.exchange_type {
            ExchangeType::Aggressive => ExchangeMode::Aggressive,
            ExchangeType::Base => ExchangeMode::Base,
            _ => ExchangeMode::Main,
        };
        if !remote.exchange_modes.contains(&mode) {
            env.drop_datagram("exchange-mode", || {
                let name = mode_name(mode);
                format!("{name} mode is not acceptable for {}", from.ip())
            });
            return None;
        }
        let my_id = my_phase1_id(env, remote_index, *to.ip())?;
        let serial = env.next_serial();
        let cookies = (repr.initiator_cookie, env.random());
        let ends = (to, from);
        let mut p = Phase1::new(
            serial,
            Side::Responder,
            mode,
            ends,
            remote_index,
            cookies,
            my_id,
        );
        p.expires = Some(env.now + env.timer.negotiation);
        env.timer_at(p.expires);
        let line = format!(
            "respond new phase 1 negotiation: {}<=>{}",
            endpoint(to),
            endpoint(from)
        );
        env.log.info(env.now, line);
        env.log
            .info(env.now, format!("begin {} mode.", mode_name(mode)));
        Some(p)
    }
}

/// `my_identifier` of the remote, `asn1dn` without a DN taken from our
/// certificate's subject (ipsec_doi.c `ipsecdoi_setid1`).
fn my_phase1_id(
    env: &Env<'_>,
    remote: usize,
    local: std::net::Ipv4Addr,
) -> Option<crate::wire::isakmp::IdentificationRepr> {
    let subject = env.certs.remotes[remote]
        .my_cert
        .as_ref()
        .map(|c| c.subject().der().to_vec());
    let id = &env.conf.remotes[remote].my_identifier;
    phase1_id_with_cert(id, local, subject.as_deref())
}
