//! Phase 2 SA payloads (RFC 2407 §4.5, RFC 2409 §5.5): the transforms an
//! `sainfo` allows, the initiator's offer carrying its inbound SPI, the
//! responder's choice under `proposal_check` (lifetime and PFS group),
//! the initiator's check of the answer.

use super::{
    IpsecTransform, agree_key_length, agree_lifetime, agree_pfs, clamp_u32, dh_group, life_seconds,
    short,
};
use crate::config::racoon::{self as conf, ProposalCheck};
use crate::crypto::dh::DhGroup;
use crate::crypto::{AuthAlg, EncAlg};
use crate::ike::v1::natt::Version;
use crate::ipsec::spec::{IpsecProto, Mode};
use crate::wire::isakmp::{
    AuthenticationAlgorithm, EncapsulationMode, LifeType, Phase2Attribute as P2, ProposalRepr,
    ProtocolId, SaAttribute, SaRepr, TransformRepr, transform_id,
};

fn esp_cipher(c: conf::Cipher) -> Option<(EncAlg, usize)> {
    match c {
        conf::Cipher::Des => Some((EncAlg::DesCbc, 8)),
        conf::Cipher::TripleDes => Some((EncAlg::TripleDesCbc, 24)),
        conf::Cipher::Aes { bits } => Some((EncAlg::AesCbc, usize::from(bits / 8))),
        _ => None,
    }
}

fn integrity(a: conf::IntegrityAlg) -> Option<Option<AuthAlg>> {
    match a {
        conf::IntegrityAlg::HmacMd5 => Some(Some(AuthAlg::HmacMd5)),
        conf::IntegrityAlg::HmacSha1 => Some(Some(AuthAlg::HmacSha1)),
        conf::IntegrityAlg::HmacSha256 => Some(Some(AuthAlg::HmacSha256)),
        conf::IntegrityAlg::NonAuth => Some(None),
        _ => None,
    }
}

/// Every transform an `sainfo` allows for `proto` in `mode`.
pub fn ipsec_transforms(
    sainfo: &conf::SaInfo,
    proto: IpsecProto,
    mode: Mode,
) -> Vec<IpsecTransform> {
    let pfs = sainfo.pfs_group.and_then(dh_group);
    let base = IpsecTransform {
        proto,
        enc: None,
        auth: None,
        mode,
        lifetime_secs: sainfo.lifetime_secs,
        pfs,
        udp: None,
    };
    let auths = sainfo.authentication.iter().filter_map(|a| integrity(*a));
    match proto {
        IpsecProto::Ah => auths
            .flatten()
            .map(|auth| IpsecTransform {
                auth: Some(auth),
                ..base
            })
            .collect(),
        IpsecProto::Esp => {
            let auths: Vec<Option<AuthAlg>> = auths.collect();
            sainfo
                .encryption
                .iter()
                .filter_map(|c| esp_cipher(*c))
                .flat_map(|enc| {
                    auths.iter().map(move |auth| IpsecTransform {
                        enc: Some(enc),
                        auth: *auth,
                        ..base
                    })
                })
                .collect()
        }
    }
}

fn esp_transform_id(enc: EncAlg) -> Option<u8> {
    match enc {
        EncAlg::DesCbc => Some(transform_id::ESP_DES),
        EncAlg::TripleDesCbc => Some(transform_id::ESP_3DES),
        EncAlg::AesCbc => Some(transform_id::ESP_AES),
        _ => None,
    }
}

fn auth_attribute(auth: AuthAlg) -> Option<AuthenticationAlgorithm> {
    match auth {
        AuthAlg::HmacMd5 => Some(AuthenticationAlgorithm::HmacMd5),
        AuthAlg::HmacSha1 => Some(AuthenticationAlgorithm::HmacSha),
        AuthAlg::HmacSha256 => Some(AuthenticationAlgorithm::HmacSha2_256),
        _ => None,
    }
}

fn ah_transform_id(auth: AuthAlg) -> Option<u8> {
    match auth {
        AuthAlg::HmacMd5 => Some(transform_id::AH_MD5),
        AuthAlg::HmacSha1 => Some(transform_id::AH_SHA),
        AuthAlg::HmacSha256 => Some(transform_id::AH_SHA2_256),
        _ => None,
    }
}

fn encapsulation(mode: Mode, udp: Option<Version>) -> EncapsulationMode {
    let tunnel = mode == Mode::Tunnel;
    match (udp, tunnel) {
        (Some(v), _) => v.udp_mode(tunnel),
        (None, true) => EncapsulationMode::Tunnel,
        (None, false) => EncapsulationMode::Transport,
    }
}

impl IpsecTransform {
    fn to_transform(self, number: u8) -> Option<TransformRepr> {
        let id = match (self.proto, self.enc, self.auth) {
            (IpsecProto::Esp, Some((enc, _)), _) => esp_transform_id(enc)?,
            (IpsecProto::Ah, _, Some(auth)) => ah_transform_id(auth)?,
            _ => return None,
        };
        let mut attributes = vec![
            SaAttribute::basic(P2::SaLifeType, LifeType::Seconds),
            SaAttribute::number(P2::SaLifeDuration, clamp_u32(self.lifetime_secs)),
        ];
        if let Some(group) = self.pfs {
            attributes.push(SaAttribute::basic(P2::GroupDescription, group.id()));
        }
        attributes.push(SaAttribute::basic(
            P2::EncapsulationMode,
            encapsulation(self.mode, self.udp),
        ));
        if let Some(auth) = self.auth {
            attributes.push(SaAttribute::basic(
                P2::AuthenticationAlgorithm,
                auth_attribute(auth)?,
            ));
        }
        if let Some((EncAlg::AesCbc, len)) = self.enc {
            attributes.push(SaAttribute::basic(P2::KeyLength, (len * 8) as u16));
        }
        Some(TransformRepr {
            number,
            transform_id: id,
            attributes,
        })
    }

    /// Reads an ESP or AH transform; None for what vpnlab does not
    /// implement.
    pub fn from_transform(proto: ProtocolId, t: &TransformRepr) -> Option<IpsecTransform> {
        let auth = match short(t, P2::AuthenticationAlgorithm)? {
            None => None,
            Some(v) => Some(match AuthenticationAlgorithm::from(v) {
                AuthenticationAlgorithm::HmacMd5 => AuthAlg::HmacMd5,
                AuthenticationAlgorithm::HmacSha => AuthAlg::HmacSha1,
                AuthenticationAlgorithm::HmacSha2_256 => AuthAlg::HmacSha256,
                _ => return None,
            }),
        };
        let key_len = t.value(P2::KeyLength).map(|b| (b / 8) as usize);
        let (proto, enc) = match proto {
            ProtocolId::IpsecEsp => {
                let enc = match (t.transform_id, key_len) {
                    (transform_id::ESP_DES, None) => (EncAlg::DesCbc, 8),
                    (transform_id::ESP_3DES, None) => (EncAlg::TripleDesCbc, 24),
                    (transform_id::ESP_AES, None) => (EncAlg::AesCbc, 16),
                    (transform_id::ESP_AES, Some(n @ (16 | 24 | 32))) => (EncAlg::AesCbc, n),
                    _ => return None,
                };
                (IpsecProto::Esp, Some(enc))
            }
            ProtocolId::IpsecAh if auth.is_some() => (IpsecProto::Ah, None),
            _ => return None,
        };
        // RFC 2407 §4.5 leaves an absent mode to the DOI; racoon reads it
        // as transport, and so does vpnlab.
        let encapsulation = short(t, P2::EncapsulationMode)?
            .map_or(EncapsulationMode::Transport, EncapsulationMode::from);
        let (mode, udp) = match encapsulation {
            EncapsulationMode::Tunnel => (Mode::Tunnel, None),
            EncapsulationMode::Transport => (Mode::Transport, None),
            EncapsulationMode::UdpTunnel => (Mode::Tunnel, Some(Version::Rfc3947)),
            EncapsulationMode::UdpTransport => (Mode::Transport, Some(Version::Rfc3947)),
            EncapsulationMode::UdpTunnelDraft => (Mode::Tunnel, Some(Version::Draft03)),
            EncapsulationMode::UdpTransportDraft => (Mode::Transport, Some(Version::Draft03)),
            EncapsulationMode::Unknown(_) => return None,
        };
        let pfs = match short(t, P2::GroupDescription)? {
            None => None,
            Some(g) => Some(DhGroup::from_id(g)?),
        };
        Some(IpsecTransform {
            proto,
            enc,
            auth,
            mode,
            lifetime_secs: life_seconds(t, P2::SaLifeType, P2::SaLifeDuration)?,
            pfs,
            udp,
        })
    }

    /// This (the initiator's) transform judged against one of ours: the
    /// transform to install and whether its lifetime is claimed; `Err(None)`
    /// when the algorithms differ, `Err(Some(why))` when racoon's checks
    /// refuse it.
    fn agrees(
        &self,
        ours: &IpsecTransform,
        check: ProposalCheck,
    ) -> Result<(IpsecTransform, bool), Option<String>> {
        // proposal.c `cmpsatrns`: the transform ID and authentication
        // alone must be equal; the key length is `proposal_check`'s.
        let cipher = |t: &IpsecTransform| t.enc.map(|(alg, _)| alg);
        let same = (
            self.proto,
            cipher(self),
            self.auth,
            self.mode,
            self.udp.is_some(),
        ) == (
            ours.proto,
            cipher(ours),
            ours.auth,
            ours.mode,
            ours.udp.is_some(),
        );
        if !same {
            return Err(None);
        }
        let bits = |t: &IpsecTransform| t.enc.map_or(0, |(_, len)| len * 8);
        agree_key_length(check, bits(self), bits(ours))?;
        let lifetime = agree_lifetime(check, self.lifetime_secs, ours.lifetime_secs)?;
        agree_pfs(check, self.pfs, ours.pfs)?;
        let transform = IpsecTransform {
            lifetime_secs: lifetime.secs,
            udp: ours.udp.or(self.udp),
            ..*self
        };
        Ok((transform, lifetime.claimed))
    }
}

/// The initiator's phase 2 SA payload: one proposal carrying our inbound
/// SPI (RFC 2408 §3.5) and every transform.
pub fn ipsec_offer(transforms: &[IpsecTransform], spi: u32) -> Option<SaRepr> {
    let protocol = match transforms.first()?.proto {
        IpsecProto::Esp => ProtocolId::IpsecEsp,
        IpsecProto::Ah => ProtocolId::IpsecAh,
    };
    let transforms = transforms
        .iter()
        .zip(1u8..)
        .map(|(t, n)| t.to_transform(n))
        .collect::<Option<Vec<_>>>()?;
    Some(SaRepr::ipsec(vec![ProposalRepr {
        number: 1,
        protocol,
        spi: spi.to_be_bytes().to_vec(),
        transforms,
    }]))
}

/// A phase 2 choice: the transform and the peer's SPI.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Chosen {
    /// What is installed (with `claim`, our lifetime).
    pub transform: IpsecTransform,
    pub peer_spi: u32,
    /// The proposal and transform numbers, echoed in the reply.
    pub numbers: (u8, u8),
    /// The lifetime the initiator offered: the reply echoes its transform
    /// unchanged (racoon's `quick_r2send`).
    pub offered_lifetime: u64,
    /// `claim` put our shorter lifetime in place of the offered one: the
    /// reply carries a RESPONDER-LIFETIME notify with it.
    pub claimed: bool,
}

fn proposal_spi(p: &ProposalRepr) -> Option<u32> {
    Some(u32::from_be_bytes(p.spi.as_slice().try_into().ok()?))
}

/// Responder: the first initiator transform one of ours accepts. Only
/// single-protocol proposals are considered. Refused, it gives racoon's
/// reasons for the transforms whose algorithms matched.
pub fn choose_ipsec(
    offer: &SaRepr,
    ours: &[IpsecTransform],
    check: ProposalCheck,
) -> Result<Chosen, Vec<String>> {
    let mut why = Vec::new();
    for p in &offer.proposals {
        let Some(peer_spi) = proposal_spi(p) else {
            continue;
        };
        for t in &p.transforms {
            let Some(theirs) = IpsecTransform::from_transform(p.protocol, t) else {
                continue;
            };
            for o in ours {
                match theirs.agrees(o, check) {
                    Ok((transform, claimed)) => {
                        return Ok(Chosen {
                            transform,
                            peer_spi,
                            numbers: (p.number, t.number),
                            offered_lifetime: theirs.lifetime_secs,
                            claimed,
                        });
                    }
                    Err(Some(reason)) if !why.contains(&reason) => why.push(reason),
                    Err(_) => {}
                }
            }
        }
    }
    Err(why)
}

/// The responder's answer to a phase 2 offer: the initiator's transform
/// as it was offered.
pub fn ipsec_reply(chosen: &Chosen, spi: u32) -> Option<SaRepr> {
    let echoed = IpsecTransform {
        lifetime_secs: chosen.offered_lifetime,
        ..chosen.transform
    };
    let mut sa = ipsec_offer(&[echoed], spi)?;
    let proposal = sa.proposals.first_mut()?;
    proposal.number = chosen.numbers.0;
    proposal.transforms.first_mut()?.number = chosen.numbers.1;
    Some(sa)
}

/// Initiator: the responder's choice, if it is one we offered.
pub fn accepted_ipsec(reply: &SaRepr, offered: &[IpsecTransform]) -> Option<Chosen> {
    let [p] = reply.proposals.as_slice() else {
        return None;
    };
    let [t] = p.transforms.as_slice() else {
        return None;
    };
    let theirs = IpsecTransform::from_transform(p.protocol, t)?;
    // The PFS group must be the one offered: our KE went out with it.
    let transform = offered
        .iter()
        .filter(|o| o.pfs == theirs.pfs)
        .find_map(|o| theirs.agrees(o, ProposalCheck::Strict).ok())?
        .0;
    Some(Chosen {
        transform,
        peer_spi: proposal_spi(p)?,
        numbers: (p.number, t.number),
        offered_lifetime: transform.lifetime_secs,
        claimed: false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::racoon::ProposalCheck;
    use crate::crypto::dh::DhGroup;
    use crate::crypto::{AuthAlg, EncAlg};
    use crate::ipsec::spec::{IpsecProto, Mode};

    fn esp(enc: (EncAlg, usize), auth: AuthAlg, pfs: Option<DhGroup>) -> IpsecTransform {
        IpsecTransform {
            proto: IpsecProto::Esp,
            enc: Some(enc),
            auth: Some(auth),
            mode: Mode::Tunnel,
            lifetime_secs: 3600,
            pfs,
            udp: None,
        }
    }

    /// proposal.c `cmpsatrns`: `obey` takes a shorter AES key, `strict`
    /// and `claim` refuse it ("low key length proposed"), `exact` wants
    /// ours; `cmpsaprop_alloc` installs the peer's (`tr1->encklen`).
    #[test]
    fn phase2_key_lengths_follow_proposal_check() {
        let offer = ipsec_offer(
            &[esp((EncAlg::AesCbc, 16), AuthAlg::HmacSha1, None)],
            0x1234,
        )
        .unwrap();
        let ours = [esp((EncAlg::AesCbc, 32), AuthAlg::HmacSha1, None)];
        let obey = choose_ipsec(&offer, &ours, ProposalCheck::Obey).unwrap();
        assert_eq!(obey.transform.enc, Some((EncAlg::AesCbc, 16)));
        assert_eq!(
            choose_ipsec(&offer, &ours, ProposalCheck::Strict),
            Err(vec![
                "low key length proposed, mine:256 peer:128.".to_string()
            ])
        );
        assert!(choose_ipsec(&offer, &ours, ProposalCheck::Claim).is_err());
        assert_eq!(
            choose_ipsec(&offer, &ours, ProposalCheck::Exact),
            Err(vec![
                "key length mismatched, mine:256 peer:128.".to_string()
            ])
        );
        let longer = ipsec_offer(&[esp((EncAlg::AesCbc, 32), AuthAlg::HmacSha1, None)], 1).unwrap();
        let ours = [esp((EncAlg::AesCbc, 16), AuthAlg::HmacSha1, None)];
        let strict = choose_ipsec(&longer, &ours, ProposalCheck::Strict).unwrap();
        assert_eq!(strict.transform.enc, Some((EncAlg::AesCbc, 32)));
    }

    #[test]
    fn phase2_choice_and_pfs() {
        let aes = (EncAlg::AesCbc, 16);
        let offer = ipsec_offer(
            &[esp(aes, AuthAlg::HmacSha1, Some(DhGroup::Modp1024))],
            0x1234,
        )
        .unwrap();
        let ours = [esp(aes, AuthAlg::HmacSha1, None)];
        let chosen = choose_ipsec(&offer, &ours, ProposalCheck::Strict).unwrap();
        assert_eq!(chosen.peer_spi, 0x1234);
        assert_eq!(chosen.transform.pfs, Some(DhGroup::Modp1024));
        let ours_pfs = [esp(aes, AuthAlg::HmacSha1, Some(DhGroup::Modp768))];
        assert_eq!(
            choose_ipsec(&offer, &ours_pfs, ProposalCheck::Strict),
            Err(vec!["pfs group mismatched: my:1 peer:2".to_string()])
        );
        let reply = ipsec_reply(&chosen, 0x5678).unwrap();
        let back = accepted_ipsec(
            &reply,
            &[esp(aes, AuthAlg::HmacSha1, Some(DhGroup::Modp1024))],
        )
        .unwrap();
        assert_eq!(back.peer_spi, 0x5678);
    }
}
