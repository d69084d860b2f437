//! The Security Association payload and what nests in it: Proposal,
//! Transform and SA attributes (RFC 2408 sections 3.3 to 3.6; IPsec DOI
//! situation RFC 2407 section 4.6.1).

use super::{
    Doi, Error, GENERIC_HEADER_LEN, MAX_PROPOSALS, PayloadType, ProtocolId, RawPayload, be_u16,
    be_u32, emit_generic, situation, split_payload,
};

/// Byte ranges inside the bodies (after the generic header).
mod field {
    pub type Field = core::ops::Range<usize>;

    /// SA payload (RFC 2408 section 3.4).
    pub const SA_DOI: Field = 0..4;
    pub const SA_SITUATION: Field = 4..8;
    pub const SA_PROPOSALS: usize = 8;

    /// Proposal payload (RFC 2408 section 3.5).
    pub const P_NUMBER: usize = 0;
    pub const P_PROTOCOL: usize = 1;
    pub const P_SPI_SIZE: usize = 2;
    pub const P_TRANSFORMS: usize = 3;
    pub const P_SPI: usize = 4;

    /// Transform payload (RFC 2408 section 3.6).
    pub const T_NUMBER: usize = 0;
    pub const T_ID: usize = 1;
    pub const T_ATTRIBUTES: usize = 4;

    /// Data attribute (RFC 2408 section 3.3).
    pub const A_TYPE: Field = 0..2;
    pub const A_VALUE: Field = 2..4;
    pub const A_TLV_VALUE: usize = 4;
}

/// Attribute Format bit: set for TV (Type/Value, 2-byte value), clear for
/// TLV (RFC 2408 section 3.3).
const ATTRIBUTE_FORMAT_TV: u16 = 0x8000;

/// The value of an SA attribute.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum AttributeValue {
    /// TV form (AF = 1): a two-byte value.
    Basic(u16),
    /// TLV form (AF = 0): a variable-length value.
    Variable(Vec<u8>),
}

/// One SA attribute. `attribute_type` is 15 bits (the AF bit is the form
/// of `value`); its meaning depends on the phase: [`super::Phase1Attribute`]
/// for ISAKMP proposals, [`super::Phase2Attribute`] for AH/ESP/IPComp.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SaAttribute {
    pub attribute_type: u16,
    pub value: AttributeValue,
}

impl SaAttribute {
    /// A TV attribute, e.g. `SaAttribute::basic(Phase1Attribute::HashAlgorithm, HashAlgorithm::Md5)`.
    pub fn basic(attribute_type: impl Into<u16>, value: impl Into<u16>) -> SaAttribute {
        SaAttribute {
            attribute_type: attribute_type.into(),
            value: AttributeValue::Basic(value.into()),
        }
    }

    /// A TLV attribute.
    pub fn variable(attribute_type: impl Into<u16>, value: Vec<u8>) -> SaAttribute {
        SaAttribute {
            attribute_type: attribute_type.into(),
            value: AttributeValue::Variable(value),
        }
    }

    /// A number in the shortest form racoon uses: TV when it fits two
    /// bytes, else a four-byte TLV (life durations, RFC 2409 Appendix A
    /// class 12 "V").
    pub fn number(attribute_type: impl Into<u16>, value: u32) -> SaAttribute {
        match u16::try_from(value) {
            Ok(short) => SaAttribute::basic(attribute_type, short),
            Err(_) => SaAttribute::variable(attribute_type, value.to_be_bytes().to_vec()),
        }
    }

    /// The value as a number: TV, or a TLV of at most 8 bytes.
    #[must_use]
    pub fn as_u64(&self) -> Option<u64> {
        match &self.value {
            AttributeValue::Basic(v) => Some(u64::from(*v)),
            AttributeValue::Variable(bytes) if bytes.len() <= 8 => {
                Some(bytes.iter().fold(0, |acc, b| (acc << 8) | u64::from(*b)))
            }
            AttributeValue::Variable(_) => None,
        }
    }

    /// A run of attributes, as the data of a RESPONDER-LIFETIME notify
    /// carries them (RFC 2407 §4.6.3.1).
    pub fn parse_list(mut bytes: &[u8]) -> Result<Vec<SaAttribute>, Error> {
        let mut out = Vec::new();
        while !bytes.is_empty() {
            let (a, rest) = SaAttribute::parse(bytes)?;
            out.push(a);
            bytes = rest;
        }
        Ok(out)
    }

    /// The bytes of a run of attributes.
    pub fn emit_list(attributes: &[SaAttribute]) -> Result<Vec<u8>, Error> {
        let mut out = Vec::new();
        for a in attributes {
            a.emit(&mut out)?;
        }
        Ok(out)
    }

    pub(super) fn len(&self) -> usize {
        match &self.value {
            AttributeValue::Basic(_) => 4,
            AttributeValue::Variable(v) => 4usize.saturating_add(v.len()),
        }
    }

    /// Reads one attribute off the front of `bytes`.
    fn parse(bytes: &[u8]) -> Result<(SaAttribute, &[u8]), Error> {
        let beyond = Error::FieldBeyondPayload {
            payload: PayloadType::Transform,
            field: "SA attribute",
        };
        let head = bytes.get(..field::A_TLV_VALUE).ok_or(beyond)?;
        let raw_type = be_u16(head.get(field::A_TYPE).unwrap_or(&[]));
        let raw_value = be_u16(head.get(field::A_VALUE).unwrap_or(&[]));
        let attribute_type = raw_type & !ATTRIBUTE_FORMAT_TV;
        if raw_type & ATTRIBUTE_FORMAT_TV != 0 {
            let rest = bytes.get(field::A_TLV_VALUE..).unwrap_or(&[]);
            return Ok((
                SaAttribute {
                    attribute_type,
                    value: AttributeValue::Basic(raw_value),
                },
                rest,
            ));
        }
        let end = field::A_TLV_VALUE + usize::from(raw_value);
        let value = bytes.get(field::A_TLV_VALUE..end).ok_or(beyond)?.to_vec();
        let rest = bytes.get(end..).unwrap_or(&[]);
        Ok((
            SaAttribute {
                attribute_type,
                value: AttributeValue::Variable(value),
            },
            rest,
        ))
    }

    fn emit(&self, out: &mut Vec<u8>) -> Result<(), Error> {
        if self.attribute_type & ATTRIBUTE_FORMAT_TV != 0 {
            return Err(Error::Unrepresentable("attribute type"));
        }
        match &self.value {
            AttributeValue::Basic(v) => {
                out.extend_from_slice(&(self.attribute_type | ATTRIBUTE_FORMAT_TV).to_be_bytes());
                out.extend_from_slice(&v.to_be_bytes());
            }
            AttributeValue::Variable(v) => {
                let len = u16::try_from(v.len())
                    .map_err(|_| Error::Unrepresentable("attribute length"))?;
                out.extend_from_slice(&self.attribute_type.to_be_bytes());
                out.extend_from_slice(&len.to_be_bytes());
                out.extend_from_slice(v);
            }
        }
        Ok(())
    }
}

/// A Transform payload (RFC 2408 section 3.6).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TransformRepr {
    pub number: u8,
    /// Meaning depends on the protocol (see [`super::transform_id`]).
    pub transform_id: u8,
    pub attributes: Vec<SaAttribute>,
}

impl TransformRepr {
    /// The first attribute of this type.
    pub fn attribute(&self, attribute_type: impl Into<u16>) -> Option<&SaAttribute> {
        let wanted = attribute_type.into();
        self.attributes.iter().find(|a| a.attribute_type == wanted)
    }

    /// The numeric value of the first attribute of this type.
    pub fn value(&self, attribute_type: impl Into<u16>) -> Option<u64> {
        self.attribute(attribute_type).and_then(SaAttribute::as_u64)
    }

    fn parse(body: &[u8]) -> Result<TransformRepr, Error> {
        let fixed = body.get(..field::T_ATTRIBUTES).ok_or(too_short(
            PayloadType::Transform,
            body,
            field::T_ATTRIBUTES,
        ))?;
        let mut attributes = Vec::new();
        let mut rest = body.get(field::T_ATTRIBUTES..).unwrap_or(&[]);
        // Each attribute consumes at least 4 bytes, so this loop ends.
        while !rest.is_empty() {
            let (attribute, after) = SaAttribute::parse(rest)?;
            attributes.push(attribute);
            rest = after;
        }
        Ok(TransformRepr {
            number: fixed.get(field::T_NUMBER).copied().unwrap_or(0),
            transform_id: fixed.get(field::T_ID).copied().unwrap_or(0),
            attributes,
        })
    }

    fn body_len(&self) -> usize {
        self.attributes
            .iter()
            .map(SaAttribute::len)
            .fold(field::T_ATTRIBUTES, usize::saturating_add)
    }

    fn emit_body(&self, out: &mut Vec<u8>) -> Result<(), Error> {
        // RESERVED2 is zero (RFC 2408 section 3.6).
        out.extend_from_slice(&[self.number, self.transform_id, 0, 0]);
        self.attributes.iter().try_for_each(|a| a.emit(out))
    }
}

/// A Proposal payload (RFC 2408 section 3.5).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ProposalRepr {
    pub number: u8,
    pub protocol: ProtocolId,
    /// Empty for phase 1 (RFC 2409 section 5: the cookies are the SPI);
    /// four bytes for AH/ESP, two for IPComp CPIs (RFC 2407 section 4.4.5).
    pub spi: Vec<u8>,
    pub transforms: Vec<TransformRepr>,
}

impl ProposalRepr {
    fn parse(body: &[u8]) -> Result<ProposalRepr, Error> {
        let fixed =
            body.get(..field::P_SPI)
                .ok_or(too_short(PayloadType::Proposal, body, field::P_SPI))?;
        let at = |i: usize| fixed.get(i).copied().unwrap_or(0);
        let spi_end = field::P_SPI + usize::from(at(field::P_SPI_SIZE));
        let spi = body
            .get(field::P_SPI..spi_end)
            .ok_or(Error::FieldBeyondPayload {
                payload: PayloadType::Proposal,
                field: "SPI",
            })?
            .to_vec();
        let declared = at(field::P_TRANSFORMS);
        let transforms = parse_transforms(body.get(spi_end..).unwrap_or(&[]))?;
        // RFC 2408 section 3.5: "# of Transforms" must match the chain.
        if transforms.len() != usize::from(declared) {
            return Err(Error::TransformCountMismatch {
                declared,
                found: transforms.len(),
            });
        }
        Ok(ProposalRepr {
            number: at(field::P_NUMBER),
            protocol: ProtocolId::from(at(field::P_PROTOCOL)),
            spi,
            transforms,
        })
    }

    fn body_len(&self) -> usize {
        let transforms = self
            .transforms
            .iter()
            .map(|t| GENERIC_HEADER_LEN.saturating_add(t.body_len()));
        transforms.fold(
            field::P_SPI.saturating_add(self.spi.len()),
            usize::saturating_add,
        )
    }

    fn emit_body(&self, out: &mut Vec<u8>) -> Result<(), Error> {
        let spi_size =
            u8::try_from(self.spi.len()).map_err(|_| Error::Unrepresentable("SPI size"))?;
        // RFC 2408 section 3.5: a proposal carries one or more transforms.
        let count = match u8::try_from(self.transforms.len()) {
            Ok(0) => return Err(Error::Unrepresentable("proposal without transforms")),
            Ok(n) => n,
            Err(_) => return Err(Error::Unrepresentable("number of transforms")),
        };
        out.extend_from_slice(&[self.number, self.protocol.into(), spi_size, count]);
        out.extend_from_slice(&self.spi);
        for (i, transform) in self.transforms.iter().enumerate() {
            // RFC 2408 section 3.6: next payload is 3 (more) or 0 (last).
            let next = if i + 1 < self.transforms.len() {
                PayloadType::Transform
            } else {
                PayloadType::None
            };
            emit_generic(out, next, |out| transform.emit_body(out))?;
        }
        Ok(())
    }
}

/// A Security Association payload (RFC 2408 section 3.4).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SaRepr {
    pub doi: Doi,
    /// For the IPsec DOI, [`situation::SIT_IDENTITY_ONLY`] (RFC 2407
    /// section 4.2).
    pub situation: u32,
    pub proposals: Vec<ProposalRepr>,
}

impl SaRepr {
    /// The usual IPsec DOI, identity-only SA.
    pub fn ipsec(proposals: Vec<ProposalRepr>) -> SaRepr {
        SaRepr {
            doi: Doi::Ipsec,
            situation: situation::SIT_IDENTITY_ONLY,
            proposals,
        }
    }

    pub(super) fn parse(body: &[u8]) -> Result<SaRepr, Error> {
        let kind = PayloadType::SecurityAssociation;
        let fixed =
            body.get(..field::SA_PROPOSALS)
                .ok_or(too_short(kind, body, field::SA_PROPOSALS))?;
        let doi = Doi::from(be_u32(fixed.get(field::SA_DOI).unwrap_or(&[])));
        let situation = be_u32(fixed.get(field::SA_SITUATION).unwrap_or(&[]));
        // RFC 2407 section 4.6.1: secrecy and integrity situations add
        // labelled-domain fields before the proposals.
        let labelled = situation::SIT_SECRECY | situation::SIT_INTEGRITY;
        if doi == Doi::Ipsec && situation & labelled != 0 {
            return Err(Error::UnsupportedSituation(situation));
        }
        let proposals = parse_proposals(body.get(field::SA_PROPOSALS..).unwrap_or(&[]))?;
        Ok(SaRepr {
            doi,
            situation,
            proposals,
        })
    }

    pub(super) fn body_len(&self) -> usize {
        let proposals = self
            .proposals
            .iter()
            .map(|p| GENERIC_HEADER_LEN.saturating_add(p.body_len()));
        proposals.fold(field::SA_PROPOSALS, usize::saturating_add)
    }

    pub(super) fn emit_body(&self, out: &mut Vec<u8>) -> Result<(), Error> {
        // RFC 2408 section 3.4: proposals follow the situation; none is
        // not a valid SA payload.
        if self.proposals.is_empty() {
            return Err(Error::Unrepresentable("SA without proposals"));
        }
        out.extend_from_slice(&u32::from(self.doi).to_be_bytes());
        out.extend_from_slice(&self.situation.to_be_bytes());
        for (i, proposal) in self.proposals.iter().enumerate() {
            // RFC 2408 section 3.5: next payload is 2 (more) or 0 (last).
            let next = if i + 1 < self.proposals.len() {
                PayloadType::Proposal
            } else {
                PayloadType::None
            };
            emit_generic(out, next, |out| proposal.emit_body(out))?;
        }
        Ok(())
    }
}

/// The error for a body shorter than its fixed fields.
fn too_short(payload: PayloadType, body: &[u8], fixed: usize) -> Error {
    let length = u16::try_from(body.len().saturating_add(GENERIC_HEADER_LEN)).unwrap_or(u16::MAX);
    Error::PayloadTooShort {
        payload,
        length,
        minimum: GENERIC_HEADER_LEN + fixed,
    }
}

/// Walks a chain of `kind` payloads inside `container` (Proposals in an
/// SA, Transforms in a Proposal), calling `each` on every body; the chain
/// must fill the container exactly.
fn nested_chain<'a>(
    container: PayloadType,
    kind: PayloadType,
    mut bytes: &'a [u8],
    limit: usize,
    mut each: impl FnMut(RawPayload<'a>) -> Result<(), Error>,
) -> Result<(), Error> {
    let mut count = 0;
    let mut next = kind;
    while next != PayloadType::None {
        if count >= limit {
            return Err(Error::TooManyPayloads { limit });
        }
        if next != kind {
            return Err(Error::UnexpectedPayload {
                inside: container,
                found: next,
            });
        }
        let (raw, rest) = split_payload(kind, bytes)?;
        each(raw)?;
        count += 1;
        next = raw.next_payload;
        bytes = rest;
    }
    if bytes.is_empty() {
        Ok(())
    } else {
        Err(Error::TrailingBytes {
            payload: container,
            extra: bytes.len(),
        })
    }
}

fn parse_proposals(bytes: &[u8]) -> Result<Vec<ProposalRepr>, Error> {
    let mut proposals = Vec::new();
    nested_chain(
        PayloadType::SecurityAssociation,
        PayloadType::Proposal,
        bytes,
        MAX_PROPOSALS,
        |raw| {
            proposals.push(ProposalRepr::parse(raw.body())?);
            Ok(())
        },
    )?;
    Ok(proposals)
}

fn parse_transforms(bytes: &[u8]) -> Result<Vec<TransformRepr>, Error> {
    let mut transforms = Vec::new();
    // The "# of Transforms" field is one byte: at most 255.
    nested_chain(
        PayloadType::Proposal,
        PayloadType::Transform,
        bytes,
        usize::from(u8::MAX),
        |raw| {
            transforms.push(TransformRepr::parse(raw.body())?);
            Ok(())
        },
    )?;
    Ok(transforms)
}

#[cfg(test)]
mod tests {
    use super::super::{
        AuthenticationMethod, EncapsulationMode, EncryptionAlgorithm, GroupDescription,
        HashAlgorithm, LifeType, Phase1Attribute as P1, Phase2Attribute as P2, transform_id,
    };
    use super::*;

    /// A racoon-style phase 1 SA: 3DES/MD5/PSK/modp1024, 28800 s.
    pub(crate) fn phase1_sa() -> SaRepr {
        SaRepr::ipsec(vec![ProposalRepr {
            number: 1,
            protocol: ProtocolId::Isakmp,
            spi: vec![],
            transforms: vec![TransformRepr {
                number: 1,
                transform_id: transform_id::KEY_IKE,
                attributes: vec![
                    SaAttribute::basic(P1::EncryptionAlgorithm, EncryptionAlgorithm::TripleDesCbc),
                    SaAttribute::basic(P1::HashAlgorithm, HashAlgorithm::Md5),
                    SaAttribute::basic(
                        P1::AuthenticationMethod,
                        AuthenticationMethod::PreSharedKey,
                    ),
                    SaAttribute::basic(P1::GroupDescription, GroupDescription::Modp1024),
                    SaAttribute::basic(P1::LifeType, LifeType::Seconds),
                    SaAttribute::number(P1::LifeDuration, 28800),
                ],
            }],
        }])
    }

    /// The same SA payload body written out by hand from RFC 2408
    /// sections 3.3 to 3.6 and RFC 2409 Appendix A.
    const PHASE1_SA_BODY: [u8; 48] = [
        0, 0, 0, 1, // DOI: IPsec
        0, 0, 0, 1, // situation: SIT_IDENTITY_ONLY
        0, 0, 0, 40, // proposal: last, length 40
        1, 1, 0, 1, // #1, PROTO_ISAKMP, no SPI, one transform
        0, 0, 0, 32, // transform: last, length 32
        1, 1, 0, 0, // #1, KEY_IKE, reserved
        0x80, 1, 0, 5, // encryption 3DES-CBC
        0x80, 2, 0, 1, // hash MD5
        0x80, 3, 0, 1, // auth pre-shared key
        0x80, 4, 0, 2, // group modp1024
        0x80, 11, 0, 1, // life type seconds
        0x80, 12, 0x70, 0x80, // life duration 28800
    ];

    fn emit(sa: &SaRepr) -> Vec<u8> {
        let mut out = Vec::new();
        sa.emit_body(&mut out).expect("emit");
        out
    }

    #[test]
    fn phase1_sa_matches_hand_encoding() {
        assert_eq!(emit(&phase1_sa()), PHASE1_SA_BODY);
        assert_eq!(phase1_sa().body_len(), PHASE1_SA_BODY.len());
        assert_eq!(SaRepr::parse(&PHASE1_SA_BODY), Ok(phase1_sa()));
    }

    #[test]
    fn phase2_bundle_with_long_lifetime_round_trips() {
        let transform = TransformRepr {
            number: 1,
            transform_id: transform_id::ESP_AES,
            attributes: vec![
                SaAttribute::basic(P2::SaLifeType, LifeType::Kilobytes),
                SaAttribute::number(P2::SaLifeDuration, 4_608_000),
                SaAttribute::basic(P2::EncapsulationMode, EncapsulationMode::UdpTransportDraft),
                SaAttribute::basic(P2::AuthenticationAlgorithm, 2u16),
                SaAttribute::basic(P2::KeyLength, 128u16),
                SaAttribute::basic(P2::GroupDescription, GroupDescription::Modp768),
            ],
        };
        let sa = SaRepr::ipsec(vec![
            ProposalRepr {
                number: 1,
                protocol: ProtocolId::IpsecAh,
                spi: vec![0, 0, 3, 0],
                transforms: vec![TransformRepr {
                    number: 1,
                    transform_id: transform_id::AH_MD5,
                    attributes: vec![],
                }],
            },
            ProposalRepr {
                number: 1,
                protocol: ProtocolId::IpsecEsp,
                spi: vec![0, 0, 3, 1],
                transforms: vec![
                    transform.clone(),
                    TransformRepr {
                        number: 2,
                        ..transform
                    },
                ],
            },
            ProposalRepr {
                number: 1,
                protocol: ProtocolId::IpComp,
                spi: vec![0x12, 0x34],
                transforms: vec![TransformRepr {
                    number: 1,
                    transform_id: transform_id::IPCOMP_DEFLATE,
                    attributes: vec![],
                }],
            },
        ]);
        let bytes = emit(&sa);
        assert_eq!(bytes.len(), sa.body_len());
        let parsed = SaRepr::parse(&bytes).expect("parse");
        assert_eq!(parsed, sa);
        let esp = &parsed.proposals[1].transforms[0];
        assert_eq!(esp.value(P2::SaLifeDuration), Some(4_608_000));
        assert_eq!(esp.value(P2::KeyLength), Some(128));
        assert_eq!(
            EncapsulationMode::from(
                u16::try_from(esp.value(P2::EncapsulationMode).unwrap_or(0)).unwrap_or(0)
            ),
            EncapsulationMode::UdpTransportDraft
        );
    }

    #[test]
    fn cut_sa_fails_cleanly() {
        for cut in 0..PHASE1_SA_BODY.len() {
            assert!(
                SaRepr::parse(&PHASE1_SA_BODY[..cut]).is_err(),
                "cut at {cut}"
            );
        }
    }

    #[test]
    fn structural_errors_are_named() {
        let mut wrong_count = PHASE1_SA_BODY;
        wrong_count[15] = 2;
        assert_eq!(
            SaRepr::parse(&wrong_count),
            Err(Error::TransformCountMismatch {
                declared: 2,
                found: 1
            })
        );
        let mut wrong_next = PHASE1_SA_BODY;
        wrong_next[8] = 5;
        assert_eq!(
            SaRepr::parse(&wrong_next),
            Err(Error::UnexpectedPayload {
                inside: PayloadType::SecurityAssociation,
                found: PayloadType::Identification
            })
        );
        let mut trailing = PHASE1_SA_BODY.to_vec();
        trailing.extend_from_slice(&[0, 0]);
        assert_eq!(
            SaRepr::parse(&trailing),
            Err(Error::TrailingBytes {
                payload: PayloadType::SecurityAssociation,
                extra: 2
            })
        );
        let mut secrecy = PHASE1_SA_BODY;
        secrecy[7] = 3;
        assert_eq!(SaRepr::parse(&secrecy), Err(Error::UnsupportedSituation(3)));
        let mut long_attr = PHASE1_SA_BODY;
        long_attr[40] = 0; // life duration as TLV of length 0x7080
        assert_eq!(
            SaRepr::parse(&long_attr),
            Err(Error::FieldBeyondPayload {
                payload: PayloadType::Transform,
                field: "SA attribute"
            })
        );
        let mut spi = PHASE1_SA_BODY;
        spi[14] = 200;
        assert!(matches!(
            SaRepr::parse(&spi),
            Err(Error::FieldBeyondPayload { field: "SPI", .. })
        ));
    }

    #[test]
    fn unrepresentable_values_are_refused() {
        let mut sa = phase1_sa();
        sa.proposals[0].spi = vec![0; 300];
        assert_eq!(
            sa.emit_body(&mut Vec::new()),
            Err(Error::Unrepresentable("SPI size"))
        );
        let mut sa = phase1_sa();
        sa.proposals[0].transforms[0]
            .attributes
            .push(SaAttribute::basic(0x8001u16, 1u16));
        assert_eq!(
            sa.emit_body(&mut Vec::new()),
            Err(Error::Unrepresentable("attribute type"))
        );
        let mut sa = phase1_sa();
        sa.proposals[0].transforms[0]
            .attributes
            .push(SaAttribute::variable(6u16, vec![0; 70_000]));
        assert!(sa.emit_body(&mut Vec::new()).is_err());
        let mut sa = phase1_sa();
        sa.proposals[0].transforms.clear();
        assert_eq!(
            sa.emit_body(&mut Vec::new()),
            Err(Error::Unrepresentable("proposal without transforms"))
        );
        assert_eq!(
            SaRepr::ipsec(vec![]).emit_body(&mut Vec::new()),
            Err(Error::Unrepresentable("SA without proposals"))
        );
    }

    #[test]
    fn attribute_numbers() {
        assert_eq!(
            SaAttribute::number(12u16, 0xffff).value,
            AttributeValue::Basic(0xffff)
        );
        assert_eq!(
            SaAttribute::number(12u16, 0x1_0000).value,
            AttributeValue::Variable(vec![0, 1, 0, 0])
        );
        assert_eq!(SaAttribute::variable(12u16, vec![1; 9]).as_u64(), None);
    }
}
