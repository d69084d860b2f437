//! Informational exchanges (RFC 2408 §4.8, RFC 2409 §5.7): error
//! notifications, DELETE, INITIAL-CONTACT (RFC 2407 §4.6.3.3), and Dead
//! Peer Detection's R-U-THERE / R-U-THERE-ACK (RFC 3706).
//!
//! Before phase 1 is established notifications go in the clear with
//! message ID 0, as racoon's `isakmp_info_send_n1` sends them; after, they
//! are encrypted under an IV of their own and led by HASH(1). An
//! Informational exchange is one message: [`send`] and [`receive`] are
//! the ISAKMP SA's handlers for it, [`dpd`] its DPD state. What a
//! received one does to the daemon's SAs is the daemon's
//! ([`super::dispatch`]).

mod dpd;
mod receive;
mod send;

use crate::ike::FailReason;
use crate::ike::v1::phase1::Phase1;
use crate::ipsec::spec::IpsecProto;
use crate::wire::isakmp::{Doi, NotificationRepr, NotifyType, PayloadRepr, ProtocolId};

fn cookie_spi(p: &Phase1) -> Vec<u8> {
    let mut spi = p.cky_i.to_vec();
    spi.extend_from_slice(&p.cky_r);
    spi
}

/// A notification about the ISAKMP SA `p` (its SPI: the two cookies).
pub(crate) fn isakmp_notify(p: &Phase1, kind: NotifyType, data: Vec<u8>) -> PayloadRepr {
    PayloadRepr::Notification(NotificationRepr {
        doi: Doi::Ipsec,
        protocol: ProtocolId::Isakmp,
        spi: cookie_spi(p),
        message_type: kind,
        data,
    })
}

/// The reason an expectation sees for an error notification.
pub(crate) fn reason_of(kind: NotifyType) -> FailReason {
    match kind {
        NotifyType::NoProposalChosen => FailReason::NoProposalChosen,
        NotifyType::InvalidHashInformation | NotifyType::AuthenticationFailed => {
            FailReason::AuthenticationFailed
        }
        NotifyType::InvalidIdInformation => FailReason::InvalidId,
        NotifyType::PayloadMalformed => FailReason::PayloadMalformed,
        _ => FailReason::PeerNotified,
    }
}

fn ipsec_protocol(proto: IpsecProto) -> ProtocolId {
    match proto {
        IpsecProto::Esp => ProtocolId::IpsecEsp,
        IpsecProto::Ah => ProtocolId::IpsecAh,
    }
}
