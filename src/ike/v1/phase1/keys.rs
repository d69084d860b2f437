//! The ISAKMP SA's key schedule from the pre-shared key (RFC 2409 §5),
//! its HASH_I and HASH_R, and how its messages are sent and opened
//! (encrypted past the key exchange, RFC 2409 Appendix B).

use smoltcp::time::Duration;

use super::payloads::{Received, id_body, read};
use super::{Keys, P1State, Phase1};
use crate::config::psk::PskId;
use crate::config::racoon::{ExchangeMode, Remote};
use crate::crypto::dh::DhPrivate;
use crate::crypto::ikev1::{self, MessageCipher, Phase1Keys, Phase1Public};
use crate::ike::v1::env::{Env, Fail, IsakmpKey};
use crate::ike::v1::message;
use crate::ike::{FailReason, IkeEvent, Side, identity};
use crate::wire::isakmp::{IdentificationRepr, NotifyType, PayloadRepr, Repr};

impl Phase1 {
    pub(super) fn public(&self) -> Phase1Public<'_> {
        Phase1Public {
            g_xi: &self.g_xi,
            g_xr: &self.g_xr,
            cky_i: self.cky_i,
            cky_r: self.cky_r,
        }
    }

    /// SKEYID and its chain (RFC 2409 §5): from the peer's pre-shared
    /// key, or for signatures from the nonces and g^xy.
    pub(super) fn derive_keys(&mut self, env: &mut Env<'_>) -> Result<(), Fail> {
        let t = self.chosen.ok_or_else(|| Fail::malformed("no transform"))?;
        let psk = match self.sig_keys() {
            true => None,
            false => Some(self.find_psk(env)?),
        };
        let dh = self.dh.as_ref().ok_or_else(|| Fail::malformed("no DH"))?;
        let peer_public = match self.side {
            Side::Initiator => &self.g_xr,
            Side::Responder => &self.g_xi,
        };
        let g_xy = dh.shared(peer_public).map_err(Fail::malformed)?;
        let skeyid = match psk {
            Some(psk) => ikev1::skeyid_psk(t.prf, &psk, &self.ni, &self.nr),
            None => ikev1::skeyid_sig(t.prf, &self.ni, &self.nr, &g_xy),
        };
        let k = Phase1Keys::new(t.prf, t.cipher, skeyid, &g_xy, &self.public());
        let cipher = MessageCipher::new(t.cipher, &k.enc_key).map_err(Fail::malformed)?;
        env.records.isakmp_keys.push(IsakmpKey {
            cookie: self.cky_i,
            key: k.enc_key.clone(),
            cipher: t.cipher,
            side: self.side,
        });
        self.iv = k.iv;
        self.keys = Some(Keys {
            prf: t.prf,
            cipher,
            skeyid: k.skeyid,
            skeyid_d: k.skeyid_d,
            skeyid_a: k.skeyid_a,
        });
        Ok(())
    }

    /// racoon's `oakley_skeyid`: outside main mode (aggressive and base)
    /// the key for the peer's FQDN or USER_FQDN ID, else the key for its
    /// address.
    pub(super) fn find_psk(&self, env: &mut Env<'_>) -> Result<Vec<u8>, Fail> {
        let by_name = match (self.mode, &self.peer_id) {
            (ExchangeMode::Aggressive | ExchangeMode::Base, Some(id)) => identity::psk_name(id),
            _ => None,
        };
        let found = by_name
            .and_then(|name| env.psk.lookup(&name))
            .or_else(|| env.psk.lookup(&PskId::Address(*self.peer.ip())));
        found.map(<[u8]>::to_vec).ok_or_else(|| {
            Fail::new(
                FailReason::NoPsk,
                None,
                format!("couldn't find the pskey for {}.", self.peer.ip()),
            )
        })
    }

    pub(super) fn my_hash(&self) -> Vec<u8> {
        let Some(k) = &self.keys else {
            return Vec::new();
        };
        let id_b = id_body(&self.my_id);
        match self.side {
            Side::Initiator => ikev1::hash_i(k.prf, &k.skeyid, &self.public(), &self.sai_b, &id_b),
            Side::Responder => ikev1::hash_r(k.prf, &k.skeyid, &self.public(), &self.sai_b, &id_b),
        }
    }

    /// The HASH_I or HASH_R the peer's must equal, over its ID payload.
    pub(super) fn peer_hash(&self, id: &IdentificationRepr) -> Result<Vec<u8>, Fail> {
        let k = self
            .keys
            .as_ref()
            .ok_or_else(|| Fail::malformed("no keys"))?;
        let id_b = id_body(id);
        Ok(match self.side {
            Side::Initiator => ikev1::hash_r(k.prf, &k.skeyid, &self.public(), &self.sai_b, &id_b),
            Side::Responder => ikev1::hash_i(k.prf, &k.skeyid, &self.public(), &self.sai_b, &id_b),
        })
    }

    /// Checks the peer's HASH_I or HASH_R over its ID payload.
    pub(super) fn check_peer_hash(&self, id: &IdentificationRepr, hash: &[u8]) -> Result<(), Fail> {
        let expected = self.peer_hash(id)?;
        if ikev1::hashes_match(&expected, hash) {
            Ok(())
        } else {
            Err(auth_failed(self))
        }
    }

    /// `verify_identifier on`: the peer's ID must be a `peers_identifier`.
    pub(super) fn check_peer_id(
        &self,
        remote: &Remote,
        id: &IdentificationRepr,
    ) -> Result<(), Fail> {
        let ok = !remote.verify_identifier
            || remote
                .peers_identifiers
                .iter()
                .any(|allowed| identity::matches(id, allowed, *self.peer.ip()));
        if ok {
            Ok(())
        } else {
            Err(Fail::new(
                FailReason::InvalidId,
                Some(NotifyType::InvalidIdInformation),
                format!("unexpected peer identifier {}", identity::describe(id)),
            ))
        }
    }

    pub(super) fn new_dh(
        &mut self,
        env: &mut Env<'_>,
        group: crate::crypto::dh::DhGroup,
    ) -> Vec<u8> {
        let dh = DhPrivate::generate(group, &mut *env.rng);
        let public = dh.public();
        self.dh = Some(dh);
        public
    }

    /// Sends `payloads` (encrypted once keys exist past the KE exchange)
    /// in answer to `answered`; `await_reply` arms retransmission.
    pub(super) fn send(
        &mut self,
        env: &mut Env<'_>,
        payloads: Vec<PayloadRepr>,
        encrypt: bool,
        answered: &[u8],
        await_reply: bool,
    ) -> Result<(), Fail> {
        let header = self.header(self.exchange(), 0);
        let bytes = if encrypt {
            let k = self
                .keys
                .as_ref()
                .ok_or_else(|| Fail::malformed("no keys"))?;
            let (bytes, next_iv) =
                message::sealed(header, &payloads, &k.cipher, &self.iv).map_err(Fail::malformed)?;
            self.iv = next_iv;
            bytes
        } else {
            message::plain(header, payloads).map_err(Fail::malformed)?
        };
        let d = env.send(self.local, self.peer, bytes);
        let timer = env.timer;
        let digest = self
            .retry
            .sent(answered, d, await_reply.then_some((env.now, &timer)));
        env.answered(digest, self.serial);
        env.timer_at(self.retry.resend_at);
        Ok(())
    }

    /// Decrypts a phase 1 message with the running IV.
    pub(super) fn open(&mut self, repr: &Repr) -> Result<Received, Fail> {
        let k = self
            .keys
            .as_ref()
            .ok_or_else(|| Fail::malformed("no keys"))?;
        let opened = message::open(repr, &k.cipher, &self.iv).ok_or_else(|| auth_failed(self))?;
        // Garbage after decryption means the keys differ: the pre-shared
        // keys, as everything else was authenticated by the exchange.
        let received = read(opened.first, &opened.plaintext).map_err(|_| auth_failed(self))?;
        self.iv = opened.next_iv;
        Ok(received)
    }

    pub(super) fn establish(&mut self, env: &mut Env<'_>, lifetime: u64) {
        self.state = P1State::Established;
        self.retry.settle();
        let lifetime = lifetime.max(1);
        self.expires = Some(env.now + Duration::from_secs(lifetime));
        env.timer_at(self.expires);
        env.log.info(
            env.now,
            format!(
                "ISAKMP-SA established {} spi:{}",
                self.names(),
                self.spi_text()
            ),
        );
        env.log.event(IkeEvent::Phase1Established {
            at: env.now,
            peer: *self.peer.ip(),
        });
        let remote = &env.conf.remotes[self.remote];
        if self.dpd.peer_supports && remote.dpd_delay_secs > 0 {
            self.dpd.next = Some(env.now + Duration::from_secs(remote.dpd_delay_secs));
            env.timer_at(self.dpd.next);
        }
        // racoon `ph1_main`: with rekeying, `isakmp_ph1dying` runs at
        // PFKEY_SOFT_LIFETIME_RATE (80%) of the lifetime, then
        // `isakmp_ph1expire` at its end; without, only the expiry.
        if self.rekey_enabled(remote) {
            self.dying_at = Some(env.now + Duration::from_millis(lifetime * 800));
            env.timer_at(self.dying_at);
        }
        // RFC 3948 §2.3: keepalives hold the NAT's mapping. racoon's
        // `natt_keepalive_add_ph1` queues them on both ends once either
        // NAT_DETECTED bit is set, not only on the end behind the NAT.
        let keepalive = env.conf.timer.natt_keepalive_secs;
        if self.natt.nat_between() && self.natt.floated && keepalive > 0 {
            self.natt.keepalive = Some(env.now + Duration::from_secs(keepalive));
            env.timer_at(self.natt.keepalive);
        }
    }
}

pub(crate) fn auth_failed(p: &Phase1) -> Fail {
    Fail::new(
        FailReason::AuthenticationFailed,
        Some(NotifyType::InvalidHashInformation),
        format!(
            "HASH mismatch or undecryptable message from {}: the pre-shared keys differ",
            p.peer.ip()
        ),
    )
}
