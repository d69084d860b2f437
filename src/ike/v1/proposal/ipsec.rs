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

/// An `sainfo` cipher as the kernel algorithm and its key length in
/// bytes (racoon's `encklen`, 128 bits by default for the variable ones).
fn esp_cipher(c: conf::Cipher) -> Option<(EncAlg, usize)> {
    let bytes = |bits: u16| usize::from(bits / 8);
    match c {
        conf::Cipher::Des => Some((EncAlg::DesCbc, 8)),
        conf::Cipher::TripleDes => Some((EncAlg::TripleDesCbc, 24)),
        conf::Cipher::Aes { bits } => Some((EncAlg::AesCbc, bytes(bits))),
        conf::Cipher::Blowfish { bits } => Some((EncAlg::BlowfishCbc, bytes(bits))),
        conf::Cipher::Cast128 { bits } => Some((EncAlg::Cast128Cbc, bytes(bits))),
        conf::Cipher::Camellia { bits } => Some((EncAlg::CamelliaCbc, bytes(bits))),
        conf::Cipher::Twofish { bits } => Some((EncAlg::TwofishCbc, bytes(bits))),
        conf::Cipher::Null => Some((EncAlg::Null, 0)),
        _ => None,
    }
}

fn integrity(a: conf::IntegrityAlg) -> Option<Option<AuthAlg>> {
    match a {
        conf::IntegrityAlg::HmacMd5 => Some(Some(AuthAlg::HmacMd5)),
        conf::IntegrityAlg::HmacSha1 => Some(Some(AuthAlg::HmacSha1)),
        conf::IntegrityAlg::HmacSha256 => Some(Some(AuthAlg::HmacSha256)),
        conf::IntegrityAlg::HmacSha384 => Some(Some(AuthAlg::HmacSha384)),
        conf::IntegrityAlg::HmacSha512 => Some(Some(AuthAlg::HmacSha512)),
        conf::IntegrityAlg::NonAuth => Some(None),
        conf::IntegrityAlg::Kpdk => None,
    }
}

/// ESP transform IDs beyond RFC 2407 §4.4.4: Camellia 22 (RFC 4312 as
/// IANA lists it), Twofish 253 (racoon's ipsec_doi.h `IPSECDOI_ESP_TWOFISH`,
/// Linux's `SADB_X_EALG_TWOFISHCBC`).
const ESP_CAMELLIA: u8 = 22;
const ESP_TWOFISH: u8 = 253;

/// The key length in bytes a received ESP transform means: its Key
/// Length attribute, or what racoon's key-length function gives for 0
/// (pfkey.c `keylen_ealg`: blowfish 448 bits, cast and camellia 128).
/// Twofish without one gets 0 bits from `eay_twofish_keylen`, a key
/// Linux refuses, so vpnlab refuses the transform instead.
fn esp_received(id: u8, key_len: Option<usize>) -> Option<(EncAlg, usize)> {
    let (enc, default) = match id {
        transform_id::ESP_DES => (EncAlg::DesCbc, 8),
        transform_id::ESP_3DES => (EncAlg::TripleDesCbc, 24),
        transform_id::ESP_AES => (EncAlg::AesCbc, 16),
        transform_id::ESP_BLOWFISH => (EncAlg::BlowfishCbc, 56),
        transform_id::ESP_CAST => (EncAlg::Cast128Cbc, 16),
        ESP_CAMELLIA => (EncAlg::CamelliaCbc, 16),
        ESP_TWOFISH => (EncAlg::TwofishCbc, 0),
        transform_id::ESP_NULL => (EncAlg::Null, 0),
        _ => return None,
    };
    let fixed = matches!(enc, EncAlg::DesCbc | EncAlg::TripleDesCbc | EncAlg::Null);
    let len = match key_len {
        Some(_) if fixed => return None,
        Some(n) => n,
        None => default,
    };
    enc.key_lens().contains(&len).then_some((enc, len))
}

/// Every transform an `sainfo` allows for `proto` in `mode`, bundled
/// with IPComp when the policy has an ipcomp step. racoon takes the IPCOMP
/// transforms from `compression_algorithm` (proposal.c
/// `set_satrnsbysainfo`); Linux and vpnlab have deflate only, so without
/// it there is nothing to offer ("failed to get algorithms").
pub fn ipsec_transforms(
    sainfo: &conf::SaInfo,
    proto: IpsecProto,
    mode: Mode,
    ipcomp: bool,
) -> Vec<IpsecTransform> {
    if ipcomp && !sainfo.compression.contains(&conf::Compression::Deflate) {
        return Vec::new();
    }
    let pfs = sainfo.pfs_group.and_then(dh_group);
    let base = IpsecTransform {
        proto,
        enc: None,
        auth: None,
        mode,
        lifetime_secs: sainfo.lifetime_secs,
        pfs,
        udp: None,
        ipcomp,
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
        EncAlg::BlowfishCbc => Some(transform_id::ESP_BLOWFISH),
        EncAlg::Cast128Cbc => Some(transform_id::ESP_CAST),
        EncAlg::CamelliaCbc => Some(ESP_CAMELLIA),
        EncAlg::TwofishCbc => Some(ESP_TWOFISH),
        EncAlg::Null => Some(transform_id::ESP_NULL),
        _ => None,
    }
}

fn auth_attribute(auth: AuthAlg) -> Option<AuthenticationAlgorithm> {
    match auth {
        AuthAlg::HmacMd5 => Some(AuthenticationAlgorithm::HmacMd5),
        AuthAlg::HmacSha1 => Some(AuthenticationAlgorithm::HmacSha),
        AuthAlg::HmacSha256 => Some(AuthenticationAlgorithm::HmacSha2_256),
        AuthAlg::HmacSha384 => Some(AuthenticationAlgorithm::HmacSha2_384),
        AuthAlg::HmacSha512 => Some(AuthenticationAlgorithm::HmacSha2_512),
        _ => None,
    }
}

fn ah_transform_id(auth: AuthAlg) -> Option<u8> {
    match auth {
        AuthAlg::HmacMd5 => Some(transform_id::AH_MD5),
        AuthAlg::HmacSha1 => Some(transform_id::AH_SHA),
        AuthAlg::HmacSha256 => Some(transform_id::AH_SHA2_256),
        AuthAlg::HmacSha384 => Some(transform_id::AH_SHA2_384),
        AuthAlg::HmacSha512 => Some(transform_id::AH_SHA2_512),
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
    /// What every protocol of the bundle carries (ipsec_doi.c
    /// `setph2proposal0`): life type and duration, the PFS group, the
    /// encapsulation mode.
    fn bundle_attributes(self) -> Vec<SaAttribute> {
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
        attributes
    }

    fn to_transform(self, number: u8) -> Option<TransformRepr> {
        let id = match (self.proto, self.enc, self.auth) {
            (IpsecProto::Esp, Some((enc, _)), _) => esp_transform_id(enc)?,
            (IpsecProto::Ah, _, Some(auth)) => ah_transform_id(auth)?,
            _ => return None,
        };
        let mut attributes = self.bundle_attributes();
        if let Some(auth) = self.auth {
            attributes.push(SaAttribute::basic(
                P2::AuthenticationAlgorithm,
                auth_attribute(auth)?,
            ));
        }
        // racoon sends its `encklen` whenever it is not 0 (ipsec_doi.c
        // `setph2proposal0`): every cipher with a variable key.
        if let Some((enc, len)) = self.enc
            && enc.key_lens().len() > 1
        {
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
                AuthenticationAlgorithm::HmacSha2_384 => AuthAlg::HmacSha384,
                AuthenticationAlgorithm::HmacSha2_512 => AuthAlg::HmacSha512,
                _ => return None,
            }),
        };
        let key_len = t.value(P2::KeyLength).map(|b| (b / 8) as usize);
        let (proto, enc) = match proto {
            ProtocolId::IpsecEsp => {
                let enc = esp_received(t.transform_id, key_len)?;
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
            ipcomp: false,
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
            self.ipcomp,
        ) == (
            ours.proto,
            cipher(ours),
            ours.auth,
            ours.mode,
            ours.udp.is_some(),
            ours.ipcomp,
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
/// SPI (RFC 2408 §3.5) and every transform; with IPComp, the IPCOMP
/// protocol under the same proposal number after it, with our CPI (RFC
/// 2407 §4.4.5: a 2-byte SPI), as racoon orders a bundle's protocols
/// (proposal.c `inssaprotorev`: the policy's last step first).
pub fn ipsec_offer(transforms: &[IpsecTransform], spi: u32, cpi: Option<u16>) -> Option<SaRepr> {
    let first = transforms.first()?;
    let protocol = match first.proto {
        IpsecProto::Esp => ProtocolId::IpsecEsp,
        IpsecProto::Ah => ProtocolId::IpsecAh,
    };
    let numbered = transforms.iter().zip(1u8..);
    let transforms = numbered
        .map(|(t, n)| t.to_transform(n))
        .collect::<Option<Vec<_>>>()?;
    let mut proposals = vec![ProposalRepr {
        number: 1,
        protocol,
        spi: spi.to_be_bytes().to_vec(),
        transforms,
    }];
    if first.ipcomp {
        proposals.push(ProposalRepr {
            number: 1,
            protocol: ProtocolId::IpComp,
            spi: cpi?.to_be_bytes().to_vec(),
            transforms: vec![first.to_ipcomp_transform(1)],
        });
    }
    Some(SaRepr::ipsec(proposals))
}

impl IpsecTransform {
    /// IPCOMP_DEFLATE with the bundle's lifetime, PFS group and mode
    /// (ipsec_doi.c `setph2proposal0`: no authentication or key length).
    fn to_ipcomp_transform(self, number: u8) -> TransformRepr {
        let attributes = self.bundle_attributes();
        TransformRepr {
            number,
            transform_id: transform_id::IPCOMP_DEFLATE,
            attributes,
        }
    }
}

/// The IPComp half of a bundle choice: the peer's CPI and the number of
/// the IPCOMP transform taken.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IpcompChoice {
    pub peer_cpi: u16,
    pub transform_number: u8,
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
    /// With IPComp in the bundle.
    pub ipcomp: Option<IpcompChoice>,
}

fn proposal_spi(p: &ProposalRepr) -> Option<u32> {
    Some(u32::from_be_bytes(p.spi.as_slice().try_into().ok()?))
}

/// An IPCOMP protocol's CPI: 2 bytes, or 4 holding at most 0xffff
/// (proposal.c `cmpsaprop_alloc`: "IPComp SPI size promoted from 16bit
/// to 32bit").
fn proposal_cpi(p: &ProposalRepr) -> Option<u16> {
    match p.spi.as_slice() {
        [a, b] => Some(u16::from_be_bytes([*a, *b])),
        [0, 0, a, b] => Some(u16::from_be_bytes([*a, *b])),
        _ => None,
    }
}

/// One proposal number's protocols: the ESP or AH one and, in a bundle,
/// its IPCOMP one with a deflate transform (RFC 2408 §3.5: payloads with
/// the same number are one proposal).
struct Bundle<'a> {
    main: &'a ProposalRepr,
    ipcomp: Option<IpcompChoice>,
}

/// The proposals of `sa` as bundles; a number whose protocols vpnlab
/// cannot pair (two ESPs, an IPCOMP alone, IPCOMP without deflate) is
/// left out.
fn bundles(sa: &SaRepr) -> Vec<Bundle<'_>> {
    let mut numbers: Vec<u8> = sa.proposals.iter().map(|p| p.number).collect();
    numbers.dedup();
    numbers
        .into_iter()
        .filter_map(|n| {
            let parts: Vec<&ProposalRepr> = sa.proposals.iter().filter(|p| p.number == n).collect();
            let comp = |p: &&ProposalRepr| p.protocol == ProtocolId::IpComp;
            let (comps, mains): (Vec<&ProposalRepr>, Vec<&ProposalRepr>) =
                parts.into_iter().partition(comp);
            let [main] = mains.as_slice() else {
                return None;
            };
            let ipcomp = match comps.as_slice() {
                [] => None,
                [c] => Some(IpcompChoice {
                    peer_cpi: proposal_cpi(c)?,
                    transform_number: c
                        .transforms
                        .iter()
                        .find(|t| t.transform_id == transform_id::IPCOMP_DEFLATE)?
                        .number,
                }),
                _ => return None,
            };
            Some(Bundle { main, ipcomp })
        })
        .collect()
}

/// Responder: the first initiator transform one of ours accepts, with
/// IPComp in the bundle exactly when ours has it. Refused, it gives
/// racoon's reasons for the transforms whose algorithms matched.
pub fn choose_ipsec(
    offer: &SaRepr,
    ours: &[IpsecTransform],
    check: ProposalCheck,
) -> Result<Chosen, Vec<String>> {
    let mut why = Vec::new();
    for b in bundles(offer) {
        let p = b.main;
        let Some(peer_spi) = proposal_spi(p) else {
            continue;
        };
        for t in &p.transforms {
            let Some(mut theirs) = IpsecTransform::from_transform(p.protocol, t) else {
                continue;
            };
            theirs.ipcomp = b.ipcomp.is_some();
            for o in ours {
                match theirs.agrees(o, check) {
                    Ok((transform, claimed)) => {
                        return Ok(Chosen {
                            transform,
                            peer_spi,
                            numbers: (p.number, t.number),
                            offered_lifetime: theirs.lifetime_secs,
                            claimed,
                            ipcomp: b.ipcomp,
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
/// as it was offered, with our CPI for its IPCOMP.
pub fn ipsec_reply(chosen: &Chosen, spi: u32, cpi: Option<u16>) -> Option<SaRepr> {
    let echoed = IpsecTransform {
        lifetime_secs: chosen.offered_lifetime,
        ..chosen.transform
    };
    let mut sa = ipsec_offer(&[echoed], spi, cpi)?;
    for proposal in &mut sa.proposals {
        proposal.number = chosen.numbers.0;
    }
    sa.proposals.first_mut()?.transforms.first_mut()?.number = chosen.numbers.1;
    if let (Some(c), Some(p)) = (chosen.ipcomp, sa.proposals.get_mut(1)) {
        p.transforms.first_mut()?.number = c.transform_number;
    }
    Some(sa)
}

/// Initiator: the responder's choice, if it is one we offered.
pub fn accepted_ipsec(reply: &SaRepr, offered: &[IpsecTransform]) -> Option<Chosen> {
    let [b] = bundles(reply).try_into().ok()?;
    let p = b.main;
    let [t] = p.transforms.as_slice() else {
        return None;
    };
    let mut theirs = IpsecTransform::from_transform(p.protocol, t)?;
    theirs.ipcomp = b.ipcomp.is_some();
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
        ipcomp: b.ipcomp,
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
            ipcomp: false,
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
            None,
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
        let longer = ipsec_offer(
            &[esp((EncAlg::AesCbc, 32), AuthAlg::HmacSha1, None)],
            1,
            None,
        )
        .unwrap();
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
            None,
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
        let reply = ipsec_reply(&chosen, 0x5678, None).unwrap();
        let back = accepted_ipsec(
            &reply,
            &[esp(aes, AuthAlg::HmacSha1, Some(DhGroup::Modp1024))],
        )
        .unwrap();
        assert_eq!(back.peer_spi, 0x5678);
    }

    /// The ESP transforms racoon's `ipsec_encdef` and `ipsec_hmacdef` add
    /// beyond DES/3DES/AES (ipsec_doi.h numbers; a Key Length attribute
    /// for every variable-key cipher, ipsec_doi.c `setph2proposal0`) go
    /// on the wire and come back as the same transform.
    #[test]
    fn more_esp_transforms_round_trip() {
        for (enc, auth, id, key_bits) in [
            ((EncAlg::BlowfishCbc, 56), AuthAlg::HmacSha512, 7, Some(448)),
            ((EncAlg::Cast128Cbc, 16), AuthAlg::HmacSha384, 6, Some(128)),
            (
                (EncAlg::CamelliaCbc, 24),
                AuthAlg::HmacSha256,
                22,
                Some(192),
            ),
            ((EncAlg::TwofishCbc, 32), AuthAlg::HmacSha1, 253, Some(256)),
            ((EncAlg::Null, 0), AuthAlg::HmacMd5, 11, None),
        ] {
            let t = esp(enc, auth, None).to_transform(1).unwrap();
            assert_eq!(t.transform_id, id);
            assert_eq!(t.value(P2::KeyLength), key_bits);
            let back = IpsecTransform::from_transform(ProtocolId::IpsecEsp, &t).unwrap();
            assert_eq!((back.enc, back.auth), (Some(enc), Some(auth)));
        }
    }

    /// pfkey.c `keylen_ealg`: a received transform without Key Length
    /// gets racoon's default for 0 bits (blowfish 448, cast 128); twofish
    /// would get 0 bits, which Linux refuses, so it is refused here.
    #[test]
    fn absent_esp_key_length_is_racoons_default() {
        assert_eq!(esp_received(7, None), Some((EncAlg::BlowfishCbc, 56)));
        assert_eq!(esp_received(6, None), Some((EncAlg::Cast128Cbc, 16)));
        assert_eq!(esp_received(22, None), Some((EncAlg::CamelliaCbc, 16)));
        assert_eq!(esp_received(253, None), None);
        assert_eq!(esp_received(3, Some(24)), None);
        assert_eq!(esp_received(6, Some(17)), None);
    }

    /// RFC 2407 §4.4.5 and racoon's `set_proposal_from_policy`: with an
    /// ipcomp step the proposal is ESP and IPCOMP under one number, the
    /// IPCOMP one with a 2-byte CPI and IPCOMP_DEFLATE; the responder
    /// takes it only if its own policy has IPComp too, echoes both with
    /// its CPI, and the initiator reads the peer's CPI from the reply.
    #[test]
    fn ipcomp_rides_in_the_same_proposal() {
        let aes = (EncAlg::AesCbc, 16);
        let with = |t: IpsecTransform| IpsecTransform { ipcomp: true, ..t };
        let ours = [with(esp(aes, AuthAlg::HmacSha1, None))];
        let offer = ipsec_offer(&ours, 0x1234, Some(0x4321)).unwrap();
        let parts: Vec<(u8, ProtocolId, usize)> = offer
            .proposals
            .iter()
            .map(|p| (p.number, p.protocol, p.spi.len()))
            .collect();
        assert_eq!(
            parts,
            [(1, ProtocolId::IpsecEsp, 4), (1, ProtocolId::IpComp, 2)]
        );
        assert_eq!(
            offer.proposals[1].transforms[0].transform_id,
            transform_id::IPCOMP_DEFLATE
        );
        let plain = [esp(aes, AuthAlg::HmacSha1, None)];
        assert!(choose_ipsec(&offer, &plain, ProposalCheck::Strict).is_err());
        let chosen = choose_ipsec(&offer, &ours, ProposalCheck::Strict).unwrap();
        assert_eq!(chosen.ipcomp.map(|c| c.peer_cpi), Some(0x4321));
        let reply = ipsec_reply(&chosen, 0x5678, Some(0x0abc)).unwrap();
        let back = accepted_ipsec(&reply, &ours).unwrap();
        assert_eq!(
            (back.peer_spi, back.ipcomp.map(|c| c.peer_cpi)),
            (0x5678, Some(0x0abc))
        );
        let plain_offer = ipsec_offer(&plain, 1, None).unwrap();
        assert!(choose_ipsec(&plain_offer, &ours, ProposalCheck::Strict).is_err());
    }
}
