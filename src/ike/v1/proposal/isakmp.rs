//! Phase 1 SA payloads (RFC 2409 §5, Appendix A): the initiator's one
//! proposal with a transform per `proposal { }`, the responder's choice
//! under `proposal_check`, the initiator's check of it.

use super::{
    IsakmpTransform, agree_key_length, agree_lifetime, clamp_u32, dh_group, life_seconds, short,
};
use crate::config::racoon::{self as conf, ProposalCheck};
use crate::crypto::dh::DhGroup;
use crate::crypto::ikev1::{IkeCipher, Prf};
use crate::wire::isakmp::{
    AuthenticationMethod, Doi, LifeType, Phase1Attribute as P1, ProposalRepr, ProtocolId,
    SaAttribute, SaRepr, TransformRepr, situation, transform_id,
};

impl IsakmpTransform {
    /// The transform a `proposal { }` offers; None for algorithms vpnlab
    /// does not implement (racoon.conf's parser warned about them).
    pub fn from_config(p: &conf::Proposal, remote: &conf::Remote) -> Option<IsakmpTransform> {
        use crate::ike::v1::cfg::XauthRole::{Client, Server};
        // ipsec_doi.c `setph1attr` sends a server's method as the
        // client's (`isakmpsa_switch_authmethod`): 65001 both ways.
        let (auth, xauth) = match p.authentication_method {
            conf::AuthMethod::PreSharedKey => (AuthenticationMethod::PreSharedKey, None),
            conf::AuthMethod::RsaSig => (AuthenticationMethod::RsaSignatures, None),
            conf::AuthMethod::XauthPskClient => {
                (AuthenticationMethod::XauthInitPreShared, Some(Client))
            }
            conf::AuthMethod::XauthPskServer => {
                (AuthenticationMethod::XauthInitPreShared, Some(Server))
            }
            conf::AuthMethod::XauthRsaClient => (AuthenticationMethod::XauthInitRsa, Some(Client)),
            conf::AuthMethod::XauthRsaServer => (AuthenticationMethod::XauthInitRsa, Some(Server)),
            conf::AuthMethod::HybridRsaClient => {
                (AuthenticationMethod::HybridInitRsa, Some(Client))
            }
            conf::AuthMethod::HybridRsaServer => {
                (AuthenticationMethod::HybridInitRsa, Some(Server))
            }
            _ => return None,
        };
        Some(IsakmpTransform {
            auth,
            cipher: IkeCipher::from_racoon_name(p.encryption.name(), p.encryption.key_bits())?,
            prf: Prf::from_racoon_name(p.hash.name())?,
            group: dh_group(p.dh_group)?,
            lifetime_secs: p.lifetime(remote),
            xauth,
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
            SaAttribute::basic(P1::AuthenticationMethod, self.auth),
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
        let auth = AuthenticationMethod::from(short(t, P1::AuthenticationMethod)??);
        // ipsec_doi.c `check_attr_isakmp`: the `_R` values are refused
        // ("auth method %s isn't supported"); hybrid DSS is not
        // implemented.
        if !matches!(
            auth,
            AuthenticationMethod::PreSharedKey
                | AuthenticationMethod::RsaSignatures
                | AuthenticationMethod::HybridInitRsa
                | AuthenticationMethod::XauthInitPreShared
                | AuthenticationMethod::XauthInitRsa
        ) {
            return None;
        }
        let key_bits = short(t, P1::KeyLength)?;
        Some(IsakmpTransform {
            auth,
            cipher: IkeCipher::from_attributes(short(t, P1::EncryptionAlgorithm)??, key_bits)?,
            prf: Prf::from_hash_id(short(t, P1::HashAlgorithm)??)?,
            group: DhGroup::from_id(short(t, P1::GroupDescription)??)?,
            lifetime_secs: life_seconds(t, P1::LifeType, P1::LifeDuration)?,
            xauth: None,
        })
    }

    /// ipsec_doi.c `get_ph1approvalx`: in phase 1 `claim` is `strict` (a
    /// longer lifetime skips the transform; there is no phase 1
    /// RESPONDER-LIFETIME). remoteconf.c `checkisakmpsa` compares the
    /// cipher without its key length, which `proposal_check` judges
    /// (`obey` takes any); the peer's key length is kept.
    fn agrees(&self, ours: &IsakmpTransform, check: ProposalCheck) -> Option<IsakmpTransform> {
        let same = (self.auth, self.cipher.enc_id(), self.prf, self.group)
            == (ours.auth, ours.cipher.enc_id(), ours.prf, ours.group);
        let check = match check {
            ProposalCheck::Claim => ProposalCheck::Strict,
            other => other,
        };
        let bits = |c: IkeCipher| usize::from(c.key_bits().unwrap_or(0));
        agree_key_length(check, bits(self.cipher), bits(ours.cipher)).ok()?;
        let lifetime_secs = agree_lifetime(check, self.lifetime_secs, ours.lifetime_secs)
            .ok()?
            .secs;
        // ipsec_doi.c `get_ph1approvalx`: the approval is a copy of our
        // proposal, so our own XAuth role goes with it.
        same.then_some(IsakmpTransform {
            lifetime_secs,
            xauth: ours.xauth,
            ..*self
        })
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::racoon::ProposalCheck;
    use crate::crypto::dh::DhGroup;
    use crate::crypto::ikev1::{IkeCipher, Prf};
    use crate::wire::isakmp::{Phase1Attribute as P1, SaAttribute};

    fn p1(cipher: IkeCipher, lifetime_secs: u64) -> IsakmpTransform {
        IsakmpTransform {
            auth: AuthenticationMethod::PreSharedKey,
            cipher,
            prf: Prf::HmacSha1,
            group: DhGroup::Modp1024,
            lifetime_secs,
            xauth: None,
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

    /// remoteconf.c `checkisakmpsa`: the encryption type alone must be
    /// equal; `obey` then takes any key length, `strict` and `claim` one
    /// at least ours, `exact` only ours; the chosen transform keeps the
    /// peer's (`get_ph1approvalx` takes the longer one).
    #[test]
    fn proposal_check_on_key_lengths() {
        let ours = [p1(IkeCipher::AesCbc256, 600)];
        let short_key = isakmp_offer(&[p1(IkeCipher::AesCbc128, 600)]);
        let obey = choose_isakmp(&short_key, &ours, ProposalCheck::Obey).unwrap();
        assert_eq!(obey.0.cipher, IkeCipher::AesCbc128);
        assert!(choose_isakmp(&short_key, &ours, ProposalCheck::Strict).is_none());
        assert!(choose_isakmp(&short_key, &ours, ProposalCheck::Claim).is_none());
        assert!(choose_isakmp(&short_key, &ours, ProposalCheck::Exact).is_none());
        let ours = [p1(IkeCipher::AesCbc128, 600)];
        let long_key = isakmp_offer(&[p1(IkeCipher::AesCbc256, 600)]);
        let strict = choose_isakmp(&long_key, &ours, ProposalCheck::Strict).unwrap();
        assert_eq!(strict.0.cipher, IkeCipher::AesCbc256);
        assert!(choose_isakmp(&long_key, &ours, ProposalCheck::Exact).is_none());
        // Another cipher is never taken.
        let des3 = isakmp_offer(&[p1(IkeCipher::TripleDesCbc, 600)]);
        assert!(choose_isakmp(&des3, &ours, ProposalCheck::Obey).is_none());
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
}
