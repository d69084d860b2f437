//! The Attribute payload of mode_cfg and XAuth (draft-dukes-ike-mode-cfg-02
//! section 3.2): a type (REQUEST, REPLY, SET, ACK), a reserved byte, an
//! identifier, then data attributes in RFC 2408 section 3.3's TV/TLV form.

use super::{CfgType, Error, PayloadType, SaAttribute, be_u16};

/// Byte ranges of the body (after the generic header).
mod field {
    pub const TYPE: usize = 0;
    pub const IDENTIFIER: core::ops::Range<usize> = 2..4;
    pub const ATTRIBUTES: usize = 4;
}

/// An Attribute payload.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CfgRepr {
    pub kind: CfgType,
    /// Pairs a REPLY or ACK with its REQUEST or SET.
    pub identifier: u16,
    pub attributes: Vec<SaAttribute>,
}

impl CfgRepr {
    pub(super) fn parse(body: &[u8]) -> Result<CfgRepr, Error> {
        let fixed = body
            .get(..field::ATTRIBUTES)
            .ok_or(Error::PayloadTooShort {
                payload: PayloadType::Attribute,
                length: u16::try_from(body.len() + 4).unwrap_or(u16::MAX),
                minimum: 4 + field::ATTRIBUTES,
            })?;
        let attributes = SaAttribute::parse_list(&body[field::ATTRIBUTES..])?;
        Ok(CfgRepr {
            kind: CfgType::from(fixed[field::TYPE]),
            identifier: be_u16(&fixed[field::IDENTIFIER]),
            attributes,
        })
    }

    pub(super) fn body_len(&self) -> usize {
        field::ATTRIBUTES + self.attributes.iter().map(SaAttribute::len).sum::<usize>()
    }

    pub(super) fn emit_body(&self, out: &mut Vec<u8>) -> Result<(), Error> {
        // RESERVED is zero (section 3.2).
        out.extend_from_slice(&[self.kind.into(), 0]);
        out.extend_from_slice(&self.identifier.to_be_bytes());
        out.extend_from_slice(&SaAttribute::emit_list(&self.attributes)?);
        Ok(())
    }

    /// The first attribute of `attribute_type`.
    pub fn get(&self, attribute_type: impl Into<u16>) -> Option<&SaAttribute> {
        let t = attribute_type.into();
        self.attributes.iter().find(|a| a.attribute_type == t)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::isakmp::{CfgAttribute, PayloadRepr};

    /// racoon `xauth_sendreq`: REQUEST with XAUTH_TYPE 0 (generic, TV) and
    /// empty XAUTH_USER_NAME and XAUTH_USER_PASSWORD (TLV, length 0).
    const XAUTH_REQUEST: [u8; 16] = [
        0x01, 0x00, 0x12, 0x34, // REQUEST, reserved, identifier 0x1234
        0xc0, 0x88, 0x00, 0x00, // XAUTH_TYPE (TV) = generic
        0x40, 0x89, 0x00, 0x00, // XAUTH_USER_NAME, length 0
        0x40, 0x8a, 0x00, 0x00, // XAUTH_USER_PASSWORD, length 0
    ];

    fn request() -> CfgRepr {
        CfgRepr {
            kind: CfgType::Request,
            identifier: 0x1234,
            attributes: vec![
                SaAttribute::basic(CfgAttribute::XauthType, 0u16),
                SaAttribute::variable(CfgAttribute::XauthUserName, vec![]),
                SaAttribute::variable(CfgAttribute::XauthUserPassword, vec![]),
            ],
        }
    }

    #[test]
    fn deconstruct() {
        let repr = CfgRepr::parse(&XAUTH_REQUEST).unwrap();
        assert_eq!(repr.kind, CfgType::Request);
        assert_eq!(repr.identifier, 0x1234);
        assert_eq!(repr.attributes.len(), 3);
        assert_eq!(
            repr.get(CfgAttribute::XauthType)
                .and_then(SaAttribute::as_u64),
            Some(0)
        );
    }

    #[test]
    fn construct_and_check_len() {
        let repr = request();
        let mut out = Vec::new();
        repr.emit_body(&mut out).unwrap();
        assert_eq!(out, XAUTH_REQUEST);
        assert_eq!(repr.body_len(), XAUTH_REQUEST.len());
    }

    #[test]
    fn parse_as_payload() {
        let payload = PayloadRepr::parse(PayloadType::Attribute, &XAUTH_REQUEST).unwrap();
        assert_eq!(payload, PayloadRepr::Attribute(request()));
        assert_eq!(payload.payload_type(), PayloadType::Attribute);
    }

    #[test]
    fn short_or_cut_bodies_are_refused() {
        for len in 0..XAUTH_REQUEST.len() {
            let cut = &XAUTH_REQUEST[..len];
            // Cut between whole attributes it parses to fewer of them.
            if len >= 4 && len % 4 == 0 {
                assert!(CfgRepr::parse(cut).is_ok());
            } else {
                assert!(CfgRepr::parse(cut).is_err(), "{len}");
            }
        }
    }
}
