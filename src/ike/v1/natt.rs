//! NAT traversal in IKE (RFC 3947) as racoon does it with `nat_traversal
//! on|force`: vendor IDs announce it (RFC 3947's and those of the drafts
//! racoon and strongSwan still send), NAT-D payloads find out who is
//! behind a NAT, and the exchange floats to port 4500, where ESP then
//! travels in UDP (RFC 3948) and the side behind the NAT sends keepalives.

use std::net::SocketAddrV4;

use smoltcp::time::Instant;

use crate::crypto::ikev1::Prf;
use crate::wire::isakmp::{EncapsulationMode, IdType, NatOaRepr, PayloadRepr};

/// The NAT-T dialect both ends speak, best first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Version {
    Rfc3947,
    Draft03,
    /// draft-ietf-ipsec-nat-t-ike-02, hashed with a trailing newline (a
    /// typo in the draft that implementations kept).
    Draft02Newline,
    Draft02,
}

impl Version {
    const ALL: [Version; 4] = [
        Version::Rfc3947,
        Version::Draft03,
        Version::Draft02Newline,
        Version::Draft02,
    ];

    /// The text whose MD5 is the vendor ID (RFC 3947 §3.1).
    fn text(self) -> &'static str {
        match self {
            Version::Rfc3947 => "RFC 3947",
            Version::Draft03 => "draft-ietf-ipsec-nat-t-ike-03",
            Version::Draft02Newline => "draft-ietf-ipsec-nat-t-ike-02\n",
            Version::Draft02 => "draft-ietf-ipsec-nat-t-ike-02",
        }
    }

    pub fn vendor_id(self) -> Vec<u8> {
        Prf::HmacMd5.hash(&[self.text().as_bytes()])
    }

    pub fn name(self) -> &'static str {
        match self {
            Version::Rfc3947 => "RFC 3947",
            Version::Draft03 => "draft-ietf-ipsec-nat-t-ike-03",
            Version::Draft02Newline => "draft-ietf-ipsec-nat-t-ike-02\\n",
            Version::Draft02 => "draft-ietf-ipsec-nat-t-ike-02",
        }
    }

    fn rfc(self) -> bool {
        self == Version::Rfc3947
    }

    /// A NAT-D payload: type 20 (RFC) or 130 (drafts).
    pub fn nat_d(self, hash: Vec<u8>) -> PayloadRepr {
        if self.rfc() {
            PayloadRepr::NatD(hash)
        } else {
            PayloadRepr::NatDDraft(hash)
        }
    }

    /// A NAT-OA payload (RFC 3947 §5.2) with an IPv4 address.
    pub fn nat_oa(self, addr: std::net::Ipv4Addr) -> PayloadRepr {
        let oa = NatOaRepr {
            id_type: IdType::Ipv4Addr,
            address: addr.octets().to_vec(),
        };
        if self.rfc() {
            PayloadRepr::NatOa(oa)
        } else {
            PayloadRepr::NatOaDraft(oa)
        }
    }

    /// The Encapsulation Mode of a UDP-encapsulated SA (RFC 3947 §5.3:
    /// 3 and 4; the drafts used 61443 and 61444).
    pub fn udp_mode(self, tunnel: bool) -> EncapsulationMode {
        match (self.rfc(), tunnel) {
            (true, true) => EncapsulationMode::UdpTunnel,
            (true, false) => EncapsulationMode::UdpTransport,
            (false, true) => EncapsulationMode::UdpTunnelDraft,
            (false, false) => EncapsulationMode::UdpTransportDraft,
        }
    }
}

/// The vendor IDs racoon sends with `nat_traversal on`.
pub fn vendor_ids() -> Vec<PayloadRepr> {
    Version::ALL
        .iter()
        .map(|v| PayloadRepr::VendorId(v.vendor_id()))
        .collect()
}

/// The NAT-T version a vendor ID announces.
pub fn recognise(vid: &[u8]) -> Option<Version> {
    Version::ALL.into_iter().find(|v| v.vendor_id() == vid)
}

/// RFC 3947 §3.2: HASH = HASH(CKY-I | CKY-R | IP | Port), with the hash
/// of the phase 1 PRF.
pub fn nat_d_hash(prf: Prf, cky_i: &[u8; 8], cky_r: &[u8; 8], at: SocketAddrV4) -> Vec<u8> {
    prf.hash(&[cky_i, cky_r, &at.ip().octets(), &at.port().to_be_bytes()])
}

/// What NAT-T found for one ISAKMP SA.
#[derive(Clone, Debug, Default)]
pub struct NattState {
    /// The version both ends announced (None: no NAT-T).
    pub version: Option<Version>,
    /// This end is behind a NAT (its address was changed on the way).
    pub local_behind: bool,
    /// The peer is behind a NAT.
    pub peer_behind: bool,
    /// The exchange moved to port 4500.
    pub floated: bool,
    /// `nat_traversal force` on our side, with NAT-T agreed.
    pub forced: bool,
    /// When this end (behind a NAT) sends its next keepalive.
    pub keepalive: Option<Instant>,
}

impl NattState {
    pub fn nat_between(&self) -> bool {
        self.local_behind || self.peer_behind
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vendor_ids_are_the_published_ones() {
        // RFC 3947 §3.1 and the drafts' values as racoon lists them.
        let hex = |v: Version| crate::ike::log::hex(&v.vendor_id());
        assert_eq!(hex(Version::Rfc3947), "4a131c81070358455c5728f20e95452f");
        assert_eq!(hex(Version::Draft03), "7d9419a65310ca6f2c179d9215529d56");
        assert_eq!(hex(Version::Draft02), "cd60464335df21f87cfdb2fc68b6a448");
        assert_eq!(
            hex(Version::Draft02Newline),
            "90cb80913ebb696e086381b5ec427b1f"
        );
        assert_eq!(
            recognise(&Version::Draft03.vendor_id()),
            Some(Version::Draft03)
        );
    }
}
