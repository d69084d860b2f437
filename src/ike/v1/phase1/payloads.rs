//! What a phase 1 message carries, as the steps read it, and the vendor
//! IDs and ID bodies they send.

use super::{DPD_VENDOR_ID, Phase1, nat};
use crate::config::racoon::Remote;
use crate::ike::v1::cfg::{UNITY_VENDOR_ID, XAUTH_VENDOR_ID};
use crate::ike::v1::env::{Env, Fail};
use crate::wire::isakmp::{
    IdentificationRepr, NotifyType, PayloadRepr, PayloadType, Repr, payloads,
};

pub(super) fn id_body(id: &IdentificationRepr) -> Vec<u8> {
    let mut out = Vec::new();
    // Emitting an ID body cannot fail.
    let _ = PayloadRepr::Identification(id.clone()).emit_body(&mut out);
    out
}

/// The responder's vendor IDs in racoon's order (`ident_r1send`,
/// `agg_r1send`): XAuth's and Unity's if the peer sent them, the NAT-T
/// version it chose, DPD's if the peer sent it too (`dpd_support`;
/// aggressive mode puts it after NAT-D, [`dpd_echo`]).
pub(super) fn reply_vendor_ids(p: &Phase1, env: &mut Env<'_>, dpd: bool) -> Vec<PayloadRepr> {
    let mut vids = xauth_echo(p, env);
    vids.extend(nat::chosen_vendor_id(p));
    if dpd {
        vids.extend(dpd_echo(p, env));
    }
    vids
}

/// XAuth's and Unity's vendor IDs back to a peer that sent them
/// ("Adding xauth VID payload.").
pub(super) fn xauth_echo(p: &Phase1, env: &mut Env<'_>) -> Vec<PayloadRepr> {
    let mut vids = Vec::new();
    if p.cfg.peer_xauth {
        env.log.info(env.now, "Adding xauth VID payload.");
        vids.push(PayloadRepr::VendorId(XAUTH_VENDOR_ID.to_vec()));
    }
    if p.cfg.peer_unity {
        vids.push(PayloadRepr::VendorId(UNITY_VENDOR_ID.to_vec()));
    }
    vids
}

/// DPD's vendor ID when both ends do DPD.
pub(super) fn dpd_echo(p: &Phase1, env: &Env<'_>) -> Vec<PayloadRepr> {
    if p.dpd.peer_supports {
        vendor_ids(&env.conf.remotes[p.remote])
    } else {
        Vec::new()
    }
}

/// The initiator's vendor IDs in racoon's order: NAT-T's, XAuth's and
/// Unity's when the first proposal is an XAuth client's, DPD's
/// (`ident_i1send`, `agg_i1send`); base mode sends NAT-T's last
/// (`base_i1send`).
pub(super) fn offer_vendor_ids(
    remote: &Remote,
    xauth_client: bool,
    base: bool,
) -> Vec<PayloadRepr> {
    let natt = nat::offered_vendor_ids(remote);
    let (mut vids, last) = match base {
        true => (Vec::new(), natt),
        false => (natt, Vec::new()),
    };
    if xauth_client {
        vids.push(PayloadRepr::VendorId(XAUTH_VENDOR_ID.to_vec()));
        vids.push(PayloadRepr::VendorId(UNITY_VENDOR_ID.to_vec()));
    }
    vids.extend(vendor_ids(remote));
    vids.extend(last);
    vids
}

pub(super) fn vendor_ids(remote: &Remote) -> Vec<PayloadRepr> {
    if remote.dpd {
        vec![PayloadRepr::VendorId(DPD_VENDOR_ID.to_vec())]
    } else {
        Vec::new()
    }
}

/// Fields of a received phase 1 message this module reads.
#[derive(Default)]
pub(crate) struct Received {
    pub(crate) sa: Option<crate::wire::isakmp::SaRepr>,
    pub(crate) sa_body: Vec<u8>,
    pub(crate) ke: Option<Vec<u8>>,
    pub(crate) nonce: Option<Vec<u8>>,
    pub(crate) id: Option<IdentificationRepr>,
    pub(crate) hash: Option<Vec<u8>>,
    /// CERT (encoding, data), SIG and CERT_REQ payloads (RFC 2408 §3.9,
    /// §3.10, §3.12).
    pub(crate) cert: Option<crate::wire::isakmp::CertificateRepr>,
    pub(crate) sig: Option<Vec<u8>>,
    pub(crate) cert_requests: Vec<crate::wire::isakmp::CertificateRepr>,
    pub(crate) dpd_vid: bool,
    /// vendorid.c `handle_vendorid`: XAuth's (matched over its 8 bytes,
    /// so a longer one matches too) and Unity's.
    pub(crate) xauth_vid: bool,
    pub(crate) unity_vid: bool,
    pub(crate) initial_contact: bool,
    /// Every notification's type, in message order.
    pub(crate) notifies: Vec<NotifyType>,
    /// The best NAT-T version among the vendor IDs.
    pub(crate) natt_version: Option<crate::ike::v1::natt::Version>,
    /// NAT-D hashes in message order (RFC 3947 §3.2).
    pub(crate) nat_d: Vec<Vec<u8>>,
}

pub(super) fn read(first: PayloadType, body: &[u8]) -> Result<Received, Fail> {
    let mut r = Received::default();
    for raw in payloads(first, body) {
        let raw = raw.map_err(Fail::malformed)?;
        let payload = PayloadRepr::parse(raw.payload_type, raw.body()).map_err(Fail::malformed)?;
        match payload {
            PayloadRepr::SecurityAssociation(sa) => {
                r.sa_body = raw.body().to_vec();
                r.sa = Some(sa);
            }
            PayloadRepr::KeyExchange(k) => r.ke = Some(k),
            PayloadRepr::Nonce(n) => r.nonce = Some(n),
            PayloadRepr::Identification(id) => r.id = Some(id),
            PayloadRepr::Hash(h) => r.hash = Some(h),
            PayloadRepr::Certificate(c) => r.cert = Some(c),
            PayloadRepr::Signature(s) => r.sig = Some(s),
            PayloadRepr::CertificateRequest(c) => r.cert_requests.push(c),
            PayloadRepr::VendorId(v) => {
                r.dpd_vid |= v == DPD_VENDOR_ID;
                r.xauth_vid |= v.starts_with(&XAUTH_VENDOR_ID);
                r.unity_vid |= v == UNITY_VENDOR_ID;
                if let Some(version) = crate::ike::v1::natt::recognise(&v) {
                    r.natt_version = Some(r.natt_version.map_or(version, |b| b.min(version)));
                }
            }
            PayloadRepr::NatD(h) | PayloadRepr::NatDDraft(h) => r.nat_d.push(h),
            PayloadRepr::Notification(n) => {
                r.initial_contact |= n.message_type == NotifyType::InitialContact;
                r.notifies.push(n.message_type);
            }
            _ => {}
        }
    }
    Ok(r)
}

pub(super) fn need<T>(value: Option<T>, what: &str) -> Result<T, Fail> {
    value.ok_or_else(|| Fail::malformed(format!("no {what} payload")))
}

/// The payloads of a plaintext message (`data` passed `Repr::parse`).
pub(super) fn plain_payloads(repr: &Repr, data: &[u8]) -> Result<Received, Fail> {
    if repr.flags.encryption() {
        return Err(Fail::malformed("encrypted where plaintext was expected"));
    }
    let first = PayloadType::from(data.get(16).copied().unwrap_or(0));
    read(first, data.get(28..).unwrap_or(&[]))
}
