//! Configuration messages on the wire: isakmp_cfg.c `isakmp_cfg_send`
//! (HDR*, HASH(1), ATTR) and the receiving half of `isakmp_cfg_r`.

use super::CfgIv;
use crate::crypto::ikev1;
use crate::ike::v1::env::Env;
use crate::ike::v1::message;
use crate::ike::v1::phase1::Phase1;
use crate::wire::isakmp::{CfgRepr, ExchangeType, PayloadRepr, PayloadType, Repr, payloads};

impl Phase1 {
    /// `isakmp_cfg_newiv`: phase 2's IV rule (`oakley_newiv2`) for the
    /// message ID that opens a configuration exchange.
    fn cfg_newiv(&mut self, msgid: u32) -> Option<&mut CfgIv> {
        let keys = self.keys.as_ref()?;
        let iv = ikev1::phase2_iv(keys.prf, keys.cipher.cipher(), &self.iv, msgid);
        self.cfg.ivm = Some(CfgIv {
            msgid,
            iv: iv.clone(),
            ive: iv,
        });
        self.cfg.ivm.as_mut()
    }

    /// `isakmp_cfg_send`: a REQUEST or SET opens an exchange
    /// (`new_exchange`) under a new message ID; a REPLY or ACK answers
    /// under the one received. Sent once.
    pub(crate) fn send_cfg(&mut self, env: &mut Env<'_>, attr: CfgRepr, new_exchange: bool) {
        if !self.established() || self.keys.is_none() {
            let line = "ISAKMP mode config exchange with immature phase 1";
            env.log.error(env.now, line);
            return;
        }
        let msgid = if new_exchange {
            let msgid = env.message_id();
            self.cfg_newiv(msgid);
            msgid
        } else {
            self.cfg.msgid
        };
        match self.seal_cfg(msgid, attr) {
            Ok(bytes) => {
                env.send(self.local, self.peer, bytes);
            }
            Err(e) => env
                .log
                .error(env.now, format!("cannot build mode config: {e}")),
        }
    }

    fn seal_cfg(&mut self, msgid: u32, attr: CfgRepr) -> Result<Vec<u8>, String> {
        let (Some(keys), Some(ivm)) = (&self.keys, &mut self.cfg.ivm) else {
            return Err("no IV for this exchange".into());
        };
        let header = message::Header {
            cky_i: self.cky_i,
            cky_r: self.cky_r,
            exchange: ExchangeType::Transaction,
            message_id: msgid,
        };
        let all = message::hashed(vec![PayloadRepr::Attribute(attr)], |b| {
            ikev1::informational_hash(keys.prf, &keys.skeyid_a, msgid, &[b])
        })
        .map_err(|e| e.to_string())?;
        let (bytes, next) =
            message::sealed(header, &all, &keys.cipher, &ivm.ive).map_err(|e| e.to_string())?;
        ivm.iv = next;
        Ok(bytes)
    }

    /// `isakmp_cfg_r`: decrypts (a new IV when no exchange is under way
    /// or the message ID changed), checks a HASH that comes before the
    /// ATTR payload, and returns that payload. A message without HASH is
    /// taken as racoon takes it.
    pub(crate) fn open_cfg(&mut self, env: &mut Env<'_>, repr: &Repr) -> Option<CfgRepr> {
        let same = self
            .cfg
            .ivm
            .as_ref()
            .is_some_and(|ivm| ivm.msgid == repr.message_id);
        if !same && self.cfg_newiv(repr.message_id).is_none() {
            env.drop_datagram("cfg-undecryptable", || "failed to decrypt message".into());
            return None;
        }
        let (keys, ivm) = (self.keys.as_ref()?, self.cfg.ivm.as_mut()?);
        let Some(opened) = message::open(repr, &keys.cipher, &ivm.iv) else {
            env.drop_datagram("cfg-undecryptable", || "failed to decrypt message".into());
            return None;
        };
        let attr = attribute_payload(keys, repr.message_id, opened.first, &opened.plaintext);
        ivm.ive = opened.next_iv;
        match attr {
            Ok(attr) => Some(attr),
            Err(why) => {
                env.drop_datagram("cfg-malformed", || why);
                None
            }
        }
    }
}

/// The ATTR payload of a decrypted body, the HASH before it checked
/// against `prf(SKEYID_a, M-ID | ATTR)`.
fn attribute_payload(
    keys: &crate::ike::v1::phase1::Keys,
    msgid: u32,
    first: PayloadType,
    plaintext: &[u8],
) -> Result<CfgRepr, String> {
    let mut hash: Option<Vec<u8>> = None;
    for raw in payloads(first, plaintext) {
        let raw = raw.map_err(|e| format!("Short payload: {e}"))?;
        match raw.payload_type {
            PayloadType::Hash => hash = Some(raw.body().to_vec()),
            PayloadType::Attribute => {
                if let Some(h) = &hash {
                    let check =
                        ikev1::informational_hash(keys.prf, &keys.skeyid_a, msgid, &[raw.bytes]);
                    if !ikev1::hashes_match(&check, h) {
                        return Err("Hash verification failed".into());
                    }
                }
                let parsed = PayloadRepr::parse(raw.payload_type, raw.body());
                return match parsed {
                    Ok(PayloadRepr::Attribute(a)) => Ok(a),
                    _ => Err("malformed attribute payload".into()),
                };
            }
            // isakmp_cfg_r: "Unexpected next payload", skipped.
            _ => {}
        }
    }
    Err("mode config message without an attribute payload".into())
}
