//! Informational messages the ISAKMP SA sends (isakmp_inf.c): a notify
//! in the clear before phase 1 is up (`isakmp_info_send_n1`), encrypted
//! ones after (`isakmp_info_send_common`), DELETE of an IPsec SA
//! (`isakmp_info_send_d2`).

use std::net::SocketAddrV4;

use super::{ipsec_protocol, isakmp_notify};
use crate::crypto::ikev1;
use crate::ike::IkeEvent;
use crate::ike::daemon::Datagram;
use crate::ike::v1::env::Env;
use crate::ike::v1::message;
use crate::ike::v1::phase1::Phase1;
use crate::ipsec::spec::IpsecProto;
use crate::wire::isakmp::{DeleteRepr, Doi, ExchangeType, NotifyType, PayloadRepr};

impl Phase1 {
    /// A notification in the clear with message ID 0 (phase 1 not
    /// established).
    pub(crate) fn send_plain_notify(&self, env: &mut Env<'_>, kind: NotifyType) {
        let header = self.header(ExchangeType::Informational, 0);
        match message::plain(header, vec![isakmp_notify(self, kind, Vec::new())]) {
            Ok(bytes) => {
                env.out.push_back(Datagram {
                    from: self.local,
                    to: self.peer,
                    data: bytes,
                });
                self.sent(env, kind.to_string());
                let line = format!("sendto Information notify: {kind} to {}", self.peer.ip());
                env.log.info(env.now, line);
            }
            Err(e) => env.log.error(env.now, format!("cannot build notify: {e}")),
        }
    }

    /// An encrypted Informational message (RFC 2409 §5.7: HASH(1) =
    /// prf(SKEYID_a, M-ID | N/D)) under a new message ID and its own IV.
    pub(crate) fn send_protected(&self, env: &mut Env<'_>, payload: PayloadRepr) {
        let Some(keys) = &self.keys else {
            return;
        };
        let message_id = env.message_id();
        let iv = ikev1::phase2_iv(keys.prf, keys.cipher.cipher(), &self.iv, message_id);
        let header = self.header(ExchangeType::Informational, message_id);
        let what = match &payload {
            PayloadRepr::Notification(n) => n.message_type.to_string(),
            PayloadRepr::Delete(_) => "DELETE".to_string(),
            _ => "Informational".to_string(),
        };
        let sealed = message::hashed(vec![payload], |b| {
            ikev1::informational_hash(keys.prf, &keys.skeyid_a, message_id, &[b])
        })
        .and_then(|payloads| message::sealed(header, &payloads, &keys.cipher, &iv));
        match sealed {
            Ok((bytes, _)) => {
                env.out.push_back(Datagram {
                    from: self.local,
                    to: self.peer,
                    data: bytes,
                });
                self.sent(env, what);
            }
            Err(e) => env
                .log
                .error(env.now, format!("cannot build informational: {e}")),
        }
    }

    /// Notes what an Informational said, for the report (see
    /// [`IkeEvent::InformationalSent`]).
    fn sent(&self, env: &mut Env<'_>, what: String) {
        env.log.event(IkeEvent::InformationalSent {
            at: env.now,
            to: self.peer,
            what,
        });
    }

    /// A notification about this ISAKMP SA, encrypted (an error, or
    /// INITIAL-CONTACT).
    pub(crate) fn send_notify(&self, env: &mut Env<'_>, kind: NotifyType) {
        self.send_protected(env, isakmp_notify(self, kind, Vec::new()));
        let line = format!("sendto Information notify: {kind} to {}", self.peer.ip());
        env.log.info(env.now, line);
    }

    /// DELETE of our inbound SA `spi` (the peer's outbound), told to the
    /// IKE endpoint `peer`.
    pub(crate) fn send_delete(
        &self,
        env: &mut Env<'_>,
        peer: SocketAddrV4,
        proto: IpsecProto,
        spi: u32,
    ) {
        let delete = PayloadRepr::Delete(DeleteRepr {
            doi: Doi::Ipsec,
            protocol: ipsec_protocol(proto),
            spi_size: 4,
            spis: vec![spi.to_be_bytes().to_vec()],
        });
        self.send_protected(env, delete);
        let name = proto.name().to_uppercase();
        let line = format!("sendto Information delete: {name} spi={spi}(0x{spi:x}) to {peer}");
        env.log.info(env.now, line);
    }

    /// isakmp_inf.c `isakmp_info_send_d1`: DELETE of this ISAKMP SA, its
    /// cookie pair as the SPI.
    pub(crate) fn send_delete_isakmp(&self, env: &mut Env<'_>) {
        let mut spi = self.cky_i.to_vec();
        spi.extend_from_slice(&self.cky_r);
        let delete = PayloadRepr::Delete(DeleteRepr {
            doi: Doi::Ipsec,
            protocol: crate::wire::isakmp::ProtocolId::Isakmp,
            spi_size: 16,
            spis: vec![spi],
        });
        self.send_protected(env, delete);
        let line = format!(
            "sendto Information delete: ISAKMP spi:{} to {}",
            self.spi_text(),
            self.peer
        );
        env.log.info(env.now, line);
    }

    /// DELETE of our inbound IPComp SA: racoon's `isakmp_info_send_d2`
    /// sends one Informational per protocol of the bundle, IPCOMP with
    /// its 2-byte CPI (the SPI's low bytes) after ESP's.
    pub(crate) fn send_delete_ipcomp(&self, env: &mut Env<'_>, peer: SocketAddrV4, cpi: u16) {
        let delete = PayloadRepr::Delete(DeleteRepr {
            doi: Doi::Ipsec,
            protocol: crate::wire::isakmp::ProtocolId::IpComp,
            spi_size: 2,
            spis: vec![cpi.to_be_bytes().to_vec()],
        });
        self.send_protected(env, delete);
        let line = format!("sendto Information delete: IPCOMP spi={cpi}(0x{cpi:x}) to {peer}");
        env.log.info(env.now, line);
    }
}
