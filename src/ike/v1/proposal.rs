//! SA payloads: what racoon offers from its `remote { proposal { } }` and
//! `sainfo { }` sections, and how a responder picks one (racoon's
//! `proposal_check`).
//!
//! Phase 1 offers are one ISAKMP proposal with one transform per
//! `proposal { }` (RFC 2409 §5: "only one proposal ... multiple
//! transforms"). Phase 2 offers are one proposal per protocol with every
//! `encryption_algorithm` × `authentication_algorithm` combination as a
//! transform, in the order written (encryption first, as racoon lists
//! them). AH+ESP bundles and IPComp are not negotiated.

use super::natt::Version;
use crate::config::racoon::{self as conf, ProposalCheck};
use crate::crypto::dh::DhGroup;
use crate::crypto::ikev1::{IkeCipher, Prf};
use crate::crypto::{AuthAlg, EncAlg};
use crate::ipsec::spec::{IpsecProto, Mode};
use crate::wire::isakmp::{
    AuthenticationAlgorithm, AuthenticationMethod, Doi, EncapsulationMode, LifeType,
    Phase1Attribute as P1, Phase2Attribute as P2, ProposalRepr, ProtocolId, SaAttribute, SaRepr,
    TransformRepr, situation, transform_id,
};

/// One phase 1 transform (RFC 2409 Appendix A), pre-shared keys only.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IsakmpTransform {
    pub cipher: IkeCipher,
    pub prf: Prf,
    pub group: DhGroup,
    pub lifetime_secs: u64,
}

/// One phase 2 transform (RFC 2407 §4.5).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IpsecTransform {
    pub proto: IpsecProto,
    /// ESP's cipher and key length in bytes; None for AH.
    pub enc: Option<(EncAlg, usize)>,
    pub auth: Option<AuthAlg>,
    pub mode: Mode,
    pub lifetime_secs: u64,
    /// PFS group (RFC 2409 §5.5); None: no KE payload.
    pub pfs: Option<DhGroup>,
    /// ESP in UDP (RFC 3947 §5.3), in the code points of this NAT-T
    /// version.
    pub udp: Option<Version>,
}

/// A lifetime the responder agreed to: the one to install, and whether it
/// is our own in place of a longer one offered (`claim`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct AgreedLifetime {
    secs: u64,
    claimed: bool,
}

/// racoon's `proposal_check` on a phase 2 lifetime (proposal.c
/// `cmpsaprop_alloc`): `obey` takes the peer's; `strict` a shorter or
/// equal one; `claim` too, and answers a longer one with our own (a
/// RESPONDER-LIFETIME follows); `exact` only an equal one. A refusal is
/// given in racoon's words.
fn agree_lifetime(check: ProposalCheck, theirs: u64, ours: u64) -> Result<AgreedLifetime, String> {
    let peer = AgreedLifetime {
        secs: theirs,
        claimed: false,
    };
    match check {
        ProposalCheck::Obey => Ok(peer),
        ProposalCheck::Strict | ProposalCheck::Claim if theirs <= ours => Ok(peer),
        ProposalCheck::Claim => Ok(AgreedLifetime {
            secs: ours,
            claimed: true,
        }),
        ProposalCheck::Strict => Err(format!("long lifetime proposed: my:{ours} peer:{theirs}")),
        ProposalCheck::Exact if theirs == ours => Ok(peer),
        ProposalCheck::Exact => Err(format!("lifetime mismatched: my:{ours} peer:{theirs}")),
    }
}

/// racoon's `proposal_check` on the PFS group (proposal.c
/// `cmpsaprop_alloc`, `prop_pfs_check`): `strict` and `claim` refuse only
/// a group that differs from ours when we have one, `exact` any difference.
fn agree_pfs(
    check: ProposalCheck,
    theirs: Option<DhGroup>,
    ours: Option<DhGroup>,
) -> Result<(), String> {
    let ok = match check {
        ProposalCheck::Obey => true,
        ProposalCheck::Exact => theirs == ours,
        ProposalCheck::Strict | ProposalCheck::Claim => ours.is_none() || theirs == ours,
    };
    let id = |g: Option<DhGroup>| g.map_or(0, DhGroup::id);
    ok.then_some(())
        .ok_or_else(|| format!("pfs group mismatched: my:{} peer:{}", id(ours), id(theirs)))
}

/// The crypto module's group for a racoon.conf group.
pub fn dh_group(group: conf::DhGroup) -> Option<DhGroup> {
    DhGroup::from_id(group.number())
}

/// The longest lifetime taken from a peer: a LifeDuration can be eight
/// bytes long, and timers must not overflow.
const MAX_LIFETIME_SECS: u64 = u32::MAX as u64;

/// A 16-bit attribute: `Some(None)` when absent, `None` (refuse the
/// transform) when its value does not fit in 16 bits, so that no larger
/// value is read as a smaller code.
fn short(t: &TransformRepr, kind: impl Into<u16>) -> Option<Option<u16>> {
    match t.attribute(kind) {
        None => Some(None),
        Some(a) => u16::try_from(a.as_u64()?).ok().map(Some),
    }
}

fn life_seconds(t: &TransformRepr, kind: impl Into<u16>, value: impl Into<u16>) -> Option<u64> {
    match short(t, kind)?.map(LifeType::from) {
        None => Some(conf::DEFAULT_LIFETIME_SECS),
        Some(LifeType::Seconds) => t.value(value).map(|v| v.min(MAX_LIFETIME_SECS)),
        // Kilobyte lifetimes are not implemented: such a transform is refused.
        Some(_) => None,
    }
}

impl IsakmpTransform {
    /// The transform a `proposal { }` offers; None for algorithms vpnlab
    /// does not implement (racoon.conf's parser warned about them).
    pub fn from_config(p: &conf::Proposal, remote: &conf::Remote) -> Option<IsakmpTransform> {
        if !p.authentication_method.is_supported() {
            return None;
        }
        let bits = match p.encryption {
            conf::Cipher::Aes { bits } => Some(bits),
            _ => None,
        };
        Some(IsakmpTransform {
            cipher: IkeCipher::from_racoon_name(p.encryption.name(), bits)?,
            prf: Prf::from_racoon_name(p.hash.name())?,
            group: dh_group(p.dh_group)?,
            lifetime_secs: p.lifetime(remote),
        })
    }

    fn to_transform(self, number: u8) -> TransformRepr {
        let mut attributes = vec![
            SaAttribute::basic(P1::LifeType, LifeType::Seconds),
            SaAttribute::number(P1::LifeDuration, clamp_u32(self.lifetime_secs)),
            SaAttribute::basic(P1::EncryptionAlgorithm, self.cipher.enc_id()),
        ];
        if let Some(bits) = self.cipher.key_bits() {
            attributes.push(SaAttribute::basic(P1::KeyLength, bits));
        }
        attributes.extend([
            SaAttribute::basic(P1::HashAlgorithm, self.prf.hash_id()),
            SaAttribute::basic(P1::AuthenticationMethod, AuthenticationMethod::PreSharedKey),
            SaAttribute::basic(P1::GroupDescription, self.group.id()),
        ]);
        TransformRepr {
            number,
            transform_id: transform_id::KEY_IKE,
            attributes,
        }
    }

    /// Reads a KEY_IKE transform; None if it asks for anything vpnlab
    /// does not implement.
    pub fn from_transform(t: &TransformRepr) -> Option<IsakmpTransform> {
        if t.transform_id != transform_id::KEY_IKE {
            return None;
        }
        let method = short(t, P1::AuthenticationMethod)??;
        if AuthenticationMethod::from(method) != AuthenticationMethod::PreSharedKey {
            return None;
        }
        let key_bits = short(t, P1::KeyLength)?;
        Some(IsakmpTransform {
            cipher: IkeCipher::from_attributes(short(t, P1::EncryptionAlgorithm)??, key_bits)?,
            prf: Prf::from_hash_id(short(t, P1::HashAlgorithm)??)?,
            group: DhGroup::from_id(short(t, P1::GroupDescription)??)?,
            lifetime_secs: life_seconds(t, P1::LifeType, P1::LifeDuration)?,
        })
    }

    /// ipsec_doi.c `get_ph1approvalx`: in phase 1 `claim` is `strict` (a
    /// longer lifetime skips the transform; there is no phase 1
    /// RESPONDER-LIFETIME).
    fn agrees(&self, ours: &IsakmpTransform, check: ProposalCheck) -> Option<IsakmpTransform> {
        let same = (self.cipher, self.prf, self.group) == (ours.cipher, ours.prf, ours.group);
        let check = match check {
            ProposalCheck::Claim => ProposalCheck::Strict,
            other => other,
        };
        let lifetime_secs = agree_lifetime(check, self.lifetime_secs, ours.lifetime_secs)
            .ok()?
            .secs;
        same.then_some(IsakmpTransform {
            lifetime_secs,
            ..*self
        })
    }
}

fn clamp_u32(v: u64) -> u32 {
    u32::try_from(v).unwrap_or(u32::MAX)
}

/// The initiator's phase 1 SA payload.
pub fn isakmp_offer(transforms: &[IsakmpTransform]) -> SaRepr {
    let transforms = transforms
        .iter()
        .zip(1u8..)
        .map(|(t, n)| t.to_transform(n))
        .collect();
    SaRepr {
        doi: Doi::Ipsec,
        situation: situation::SIT_IDENTITY_ONLY,
        proposals: vec![ProposalRepr {
            number: 1,
            protocol: ProtocolId::Isakmp,
            spi: Vec::new(),
            transforms,
        }],
    }
}

/// Responder: the first of the initiator's transforms that one of ours
/// accepts, and the SA payload that answers with it.
pub fn choose_isakmp(
    offer: &SaRepr,
    ours: &[IsakmpTransform],
    check: ProposalCheck,
) -> Option<(IsakmpTransform, SaRepr)> {
    let proposal = offer
        .proposals
        .iter()
        .find(|p| p.protocol == ProtocolId::Isakmp)?;
    proposal.transforms.iter().find_map(|t| {
        let theirs = IsakmpTransform::from_transform(t)?;
        let chosen = ours.iter().find_map(|o| theirs.agrees(o, check))?;
        let reply = SaRepr {
            proposals: vec![ProposalRepr {
                transforms: vec![chosen.to_transform(t.number)],
                ..proposal.clone()
            }],
            ..offer.clone()
        };
        Some((chosen, reply))
    })
}

/// Initiator: the transform the responder chose, if it is one we offered
/// (a shorter lifetime is taken, RFC 2409 §4.5 lets a responder lower it).
pub fn accepted_isakmp(reply: &SaRepr, offered: &[IsakmpTransform]) -> Option<IsakmpTransform> {
    let [proposal] = reply.proposals.as_slice() else {
        return None;
    };
    let [t] = proposal.transforms.as_slice() else {
        return None;
    };
    let chosen = IsakmpTransform::from_transform(t)?;
    offered
        .iter()
        .find_map(|o| chosen.agrees(o, ProposalCheck::Strict))
}

// ---------------------------------------------------------------------------
// Phase 2
// ---------------------------------------------------------------------------

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
        let same = (
            self.proto,
            self.enc,
            self.auth,
            self.mode,
            self.udp.is_some(),
        ) == (
            ours.proto,
            ours.enc,
            ours.auth,
            ours.mode,
            ours.udp.is_some(),
        );
        if !same {
            return Err(None);
        }
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

    fn p1(cipher: IkeCipher, lifetime_secs: u64) -> IsakmpTransform {
        IsakmpTransform {
            cipher,
            prf: Prf::HmacSha1,
            group: DhGroup::Modp1024,
            lifetime_secs,
        }
    }

    #[test]
    fn phase1_offer_round_trips_and_is_chosen() {
        let ours = [
            p1(IkeCipher::AesCbc256, 3600),
            p1(IkeCipher::TripleDesCbc, 3600),
        ];
        let offer = isakmp_offer(&[
            p1(IkeCipher::DesCbc, 3600),
            p1(IkeCipher::TripleDesCbc, 1800),
        ]);
        let (chosen, reply) = choose_isakmp(&offer, &ours, ProposalCheck::Strict).unwrap();
        assert_eq!(chosen, p1(IkeCipher::TripleDesCbc, 1800));
        assert_eq!(reply.proposals[0].transforms[0].number, 2);
        let offered = [
            p1(IkeCipher::DesCbc, 3600),
            p1(IkeCipher::TripleDesCbc, 1800),
        ];
        assert_eq!(accepted_isakmp(&reply, &offered), Some(chosen));
    }

    #[test]
    fn huge_lifetimes_from_the_wire_are_capped() {
        let mut offer = isakmp_offer(&[p1(IkeCipher::AesCbc128, 600)]);
        let t = &mut offer.proposals[0].transforms[0];
        t.attributes
            .retain(|a| a.attribute_type != u16::from(P1::LifeDuration));
        t.attributes
            .push(SaAttribute::variable(P1::LifeDuration, vec![0xff; 8]));
        let (chosen, _) = choose_isakmp(
            &offer,
            &[p1(IkeCipher::AesCbc128, 600)],
            ProposalCheck::Obey,
        )
        .unwrap();
        assert_eq!(chosen.lifetime_secs, u64::from(u32::MAX));
    }

    #[test]
    fn proposal_check_on_lifetimes() {
        let ours = [p1(IkeCipher::AesCbc128, 600)];
        let offer = isakmp_offer(&[p1(IkeCipher::AesCbc128, 1200)]);
        assert!(choose_isakmp(&offer, &ours, ProposalCheck::Strict).is_none());
        assert!(choose_isakmp(&offer, &ours, ProposalCheck::Exact).is_none());
        let obey = choose_isakmp(&offer, &ours, ProposalCheck::Obey).unwrap();
        assert_eq!(obey.0.lifetime_secs, 1200);
        // ipsec_doi.c `get_ph1approvalx`: claim is strict in phase 1.
        assert!(choose_isakmp(&offer, &ours, ProposalCheck::Claim).is_none());
    }

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
