//! Identities: phase 1 ID payloads from `my_identifier`, the peer's ID
//! checked against `peers_identifier`, the psk.txt key racoon looks up,
//! and phase 2 IDs from policy selectors (RFC 2407 §4.6.2).

use std::net::Ipv4Addr;

use crate::config::psk::PskId;
use crate::config::racoon::{Identifier, SaInfoId, UpperProto};
use crate::ipsec::spec::{Selector, Upper};
use crate::net::Prefix;
use crate::wire::ip::Cidr;
use crate::wire::isakmp::{IdType, IdentificationRepr};

/// The phase 1 ID payload for `my_identifier` with `local` as the address
/// of `address` without one. None for identity types vpnlab does not
/// implement (the racoon.conf parser warned).
pub fn phase1_id(id: &Identifier, local: Ipv4Addr) -> Option<IdentificationRepr> {
    phase1_id_with_cert(id, local, None)
}

/// [`phase1_id`], where `asn1dn` without a DN is the subject of our
/// certificate (`cert_subject`, DER; ipsec_doi.c `ipsecdoi_setid1`) and
/// with one the DN racoon's `eay_str2asn1dn` makes of the text.
pub fn phase1_id_with_cert(
    id: &Identifier,
    local: Ipv4Addr,
    cert_subject: Option<&[u8]>,
) -> Option<IdentificationRepr> {
    let (id_type, data) = match id {
        Identifier::Address(addr) => (IdType::Ipv4Addr, addr.unwrap_or(local).octets().to_vec()),
        Identifier::Fqdn(name) => (IdType::Fqdn, name.as_bytes().to_vec()),
        Identifier::UserFqdn(name) => (IdType::UserFqdn, name.as_bytes().to_vec()),
        Identifier::Asn1Dn(Some(text)) => (
            IdType::DerAsn1Dn,
            crate::pki::str2asn1dn(text).ok()?.der().to_vec(),
        ),
        Identifier::Asn1Dn(None) => (IdType::DerAsn1Dn, cert_subject?.to_vec()),
        _ => return None,
    };
    // RFC 2407 §4.6.2: in phase 1 the protocol and port are 0 or UDP/500;
    // racoon sends UDP/500.
    Some(IdentificationRepr {
        id_type,
        protocol: 17,
        port: 500,
        data,
    })
}

/// Whether the peer's phase 1 ID is one of `peers_identifier`.
pub fn matches(id: &IdentificationRepr, allowed: &Identifier, peer: Ipv4Addr) -> bool {
    match allowed {
        Identifier::Address(addr) => id.as_ipv4() == Some(addr.unwrap_or(peer)),
        Identifier::Fqdn(name) => id.id_type == IdType::Fqdn && id.data == name.as_bytes(),
        Identifier::UserFqdn(name) => id.id_type == IdType::UserFqdn && id.data == name.as_bytes(),
        // racoon's `ipsecdoi_checkid1` with `eay_cmp_asn1dn`: `*` in the
        // configured DN matches any value of that attribute.
        Identifier::Asn1Dn(Some(text)) => {
            let theirs = crate::pki::DistinguishedName::from_der(&id.data);
            let ours = crate::pki::str2asn1dn(text);
            let same = theirs.and_then(|t| ours.and_then(|o| crate::pki::cmp_asn1dn(&t, &o)));
            id.id_type == IdType::DerAsn1Dn && same.unwrap_or(false)
        }
        // Without a DN the certificate check (oakley_check_certid) is
        // the comparison.
        Identifier::Asn1Dn(None) => id.id_type == IdType::DerAsn1Dn,
        _ => false,
    }
}

/// The name racoon's `getpskbyname` looks up for an ID (FQDN and
/// USER_FQDN), None for address IDs.
pub fn psk_name(id: &IdentificationRepr) -> Option<PskId> {
    let name = String::from_utf8(id.data.clone()).ok()?;
    match id.id_type {
        IdType::Fqdn => Some(PskId::Fqdn(name)),
        IdType::UserFqdn => Some(PskId::UserFqdn(name)),
        _ => None,
    }
}

/// An ID for logs: `192.168.1.5`, `gw.example.com`, `10.0.0.0/24`.
pub fn describe(id: &IdentificationRepr) -> String {
    match (id.id_type, id.data.as_slice()) {
        (IdType::Ipv4Addr, [a, b, c, d]) => Ipv4Addr::new(*a, *b, *c, *d).to_string(),
        (IdType::Ipv4AddrSubnet, [a, b, c, d, m @ ..]) => {
            let mask = m.iter().fold(0u32, |acc, b| acc << 8 | u32::from(*b));
            format!("{}/{}", Ipv4Addr::new(*a, *b, *c, *d), mask.count_ones())
        }
        (IdType::Fqdn | IdType::UserFqdn, name) => String::from_utf8_lossy(name).into_owned(),
        (IdType::DerAsn1Dn, der) => crate::pki::DistinguishedName::from_der(der)
            .map_or_else(|_| "ID_DER_ASN1_DN".into(), |dn| dn.text()),
        (kind, _) => format!("{kind}"),
    }
}

fn upper_number(upper: Upper) -> u8 {
    match upper {
        Upper::Any => 0,
        Upper::Protocol(p) => p,
    }
}

/// A phase 2 ID for one side of a policy selector: ID_IPV4_ADDR for a
/// host, ID_IPV4_ADDR_SUBNET otherwise (racoon's `ipsecdoi_sockaddr2id`).
pub fn phase2_id(prefix: Cidr, port: Option<u16>, upper: Upper) -> IdentificationRepr {
    let mut id = IdentificationRepr::prefix(prefix);
    id.protocol = upper_number(upper);
    id.port = port.unwrap_or(0);
    id
}

/// A phase 2 ID as a prefix, port and protocol; None for other ID types.
pub fn id_prefix(id: &IdentificationRepr) -> Option<(Cidr, Option<u16>, Upper)> {
    let prefix = match (id.id_type, id.data.as_slice()) {
        (IdType::Ipv4Addr, [a, b, c, d]) => Prefix::new(Ipv4Addr::new(*a, *b, *c, *d), 32),
        (IdType::Ipv4AddrSubnet, [a, b, c, d, m0, m1, m2, m3]) => {
            let mask = u32::from_be_bytes([*m0, *m1, *m2, *m3]);
            if mask.leading_ones() != mask.count_ones() {
                return None;
            }
            Prefix::new(Ipv4Addr::new(*a, *b, *c, *d), mask.count_ones() as u8)
        }
        _ => return None,
    };
    let upper = match id.protocol {
        0 => Upper::Any,
        p => Upper::Protocol(p),
    };
    Some((prefix.into(), (id.port != 0).then_some(id.port), upper))
}

/// The selector of traffic from the `src` ID to the `dst` ID.
pub fn selector(src: &IdentificationRepr, dst: &IdentificationRepr) -> Option<Selector> {
    let (src, src_port, upper) = id_prefix(src)?;
    let (dst, dst_port, _) = id_prefix(dst)?;
    Some(Selector {
        src,
        dst,
        src_port,
        dst_port,
        upper,
    })
}

/// Whether an `sainfo` side matches an ID (racoon.conf(5): exactly, not
/// as a filter).
pub fn sainfo_matches(side: &SaInfoId, prefix: Cidr, port: Option<u16>, upper: Upper) -> bool {
    match side {
        SaInfoId::Anonymous => true,
        SaInfoId::Address {
            prefix: p,
            port: want_port,
            proto,
        } => {
            let proto_ok = match proto {
                UpperProto::Any => upper == Upper::Any,
                UpperProto::Number(n) => upper == Upper::Protocol(*n),
            };
            let p = Cidr::from(*p);
            p.network() == prefix.network() && p.len == prefix.len && *want_port == port && proto_ok
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phase2_ids_round_trip() {
        let net = Prefix::new(Ipv4Addr::new(10, 1, 0, 0), 16).into();
        let id = phase2_id(net, None, Upper::Protocol(6));
        assert_eq!(id_prefix(&id), Some((net, None, Upper::Protocol(6))));
        assert_eq!(describe(&id), "10.1.0.0/16");
        let host = phase2_id(
            Prefix::new(Ipv4Addr::new(192, 168, 1, 5), 32).into(),
            Some(80),
            Upper::Any,
        );
        assert_eq!(host.id_type, IdType::Ipv4Addr);
        assert_eq!(id_prefix(&host).unwrap().1, Some(80));
    }

    #[test]
    fn peers_identifier_checks() {
        let fqdn = phase1_id(&Identifier::Fqdn("gw.example".into()), Ipv4Addr::LOCALHOST).unwrap();
        assert!(matches(
            &fqdn,
            &Identifier::Fqdn("gw.example".into()),
            Ipv4Addr::LOCALHOST
        ));
        assert!(!matches(
            &fqdn,
            &Identifier::UserFqdn("gw.example".into()),
            Ipv4Addr::LOCALHOST
        ));
        assert_eq!(psk_name(&fqdn), Some(PskId::Fqdn("gw.example".into())));
    }
}
