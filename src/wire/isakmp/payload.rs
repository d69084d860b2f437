//! The payloads of an ISAKMP chain (RFC 2408 sections 3.4 to 3.16, RFC
//! 2407 section 4.6, RFC 3947 sections 3.2 and 5.2). Bodies are what
//! follows the generic payload header.

use std::net::Ipv4Addr;

use crate::wire::ip::Cidr;

use super::{
    Doi, Error, GENERIC_HEADER_LEN, IdType, NotifyType, PayloadType, ProtocolId, SaRepr, be_u16,
    be_u32,
};

/// Byte ranges inside the bodies (after the generic header).
mod field {
    pub type Field = core::ops::Range<usize>;

    /// Identification (RFC 2407 section 4.6.2).
    pub const ID_TYPE: usize = 0;
    pub const ID_PROTOCOL: usize = 1;
    pub const ID_PORT: Field = 2..4;
    pub const ID_DATA: usize = 4;

    /// Certificate and Certificate Request (RFC 2408 sections 3.9, 3.10).
    pub const CERT_ENCODING: usize = 0;
    pub const CERT_DATA: usize = 1;

    /// Notification (RFC 2408 section 3.14).
    pub const N_DOI: Field = 0..4;
    pub const N_PROTOCOL: usize = 4;
    pub const N_SPI_SIZE: usize = 5;
    pub const N_TYPE: Field = 6..8;
    pub const N_SPI: usize = 8;

    /// Delete (RFC 2408 section 3.15).
    pub const D_DOI: Field = 0..4;
    pub const D_PROTOCOL: usize = 4;
    pub const D_SPI_SIZE: usize = 5;
    pub const D_COUNT: Field = 6..8;
    pub const D_SPIS: usize = 8;

    /// NAT-OA (RFC 3947 section 5.2): ID type, three reserved bytes.
    pub const OA_TYPE: usize = 0;
    pub const OA_ADDRESS: usize = 4;
}

/// An Identification payload (RFC 2408 section 3.8 with the IPsec DOI
/// fields of RFC 2407 section 4.6.2).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct IdentificationRepr {
    pub id_type: IdType,
    /// IP protocol (0 = any; phase 1 uses 0 or 17, RFC 2407 section 4.6.2).
    pub protocol: u8,
    /// Port (0 = any; phase 1 uses 0 or 500).
    pub port: u16,
    /// Address, subnet (address + mask), name, ... as the type says.
    pub data: Vec<u8>,
}

impl IdentificationRepr {
    /// ID_IPV4_ADDR with protocol and port "any".
    pub fn ipv4(address: Ipv4Addr) -> IdentificationRepr {
        IdentificationRepr {
            id_type: IdType::Ipv4Addr,
            protocol: 0,
            port: 0,
            data: address.octets().to_vec(),
        }
    }

    /// The ID of an address prefix, as racoon's `ipsecdoi_sockaddr2id`
    /// makes one: ID_IPV4_ADDR for a host, ID_IPV4_ADDR_SUBNET of the
    /// network otherwise (RFC 2407 section 4.6.2.1). Every address is an
    /// IPv4 one today; the IPv6 IDs (section 4.6.2.6) come with IPv6.
    pub fn prefix(prefix: Cidr) -> IdentificationRepr {
        let addr = prefix.addr.as_ipv4().unwrap_or(Ipv4Addr::UNSPECIFIED);
        if prefix.len == prefix.addr.bits() {
            IdentificationRepr::ipv4(addr)
        } else {
            let network = prefix.network().as_ipv4().unwrap_or(Ipv4Addr::UNSPECIFIED);
            IdentificationRepr::ipv4_subnet(network, prefix.len)
        }
    }

    /// ID_IPV4_ADDR_SUBNET: address then mask (RFC 2407 section 4.6.2.5).
    pub fn ipv4_subnet(address: Ipv4Addr, prefix_len: u8) -> IdentificationRepr {
        let mask = u32::MAX
            .checked_shl(32 - u32::from(prefix_len.min(32)))
            .unwrap_or(0);
        let mut data = address.octets().to_vec();
        data.extend_from_slice(&mask.to_be_bytes());
        IdentificationRepr {
            id_type: IdType::Ipv4AddrSubnet,
            protocol: 0,
            port: 0,
            data,
        }
    }

    /// The address of an ID_IPV4_ADDR with four bytes of data.
    pub fn as_ipv4(&self) -> Option<Ipv4Addr> {
        let octets: [u8; 4] = self.data.as_slice().try_into().ok()?;
        (self.id_type == IdType::Ipv4Addr).then(|| Ipv4Addr::from(octets))
    }

    fn parse(body: &[u8]) -> Result<IdentificationRepr, Error> {
        let fixed = fixed(PayloadType::Identification, body, field::ID_DATA)?;
        Ok(IdentificationRepr {
            id_type: IdType::from(byte(fixed, field::ID_TYPE)),
            protocol: byte(fixed, field::ID_PROTOCOL),
            port: be_u16(fixed.get(field::ID_PORT).unwrap_or(&[])),
            data: rest(body, field::ID_DATA).to_vec(),
        })
    }

    fn emit_body(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&[self.id_type.into(), self.protocol]);
        out.extend_from_slice(&self.port.to_be_bytes());
        out.extend_from_slice(&self.data);
    }
}

/// A Certificate or Certificate Request payload, kept raw (RFC 2408
/// sections 3.9 and 3.10): the encoding / certificate type and the data.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CertificateRepr {
    pub encoding: u8,
    pub data: Vec<u8>,
}

impl CertificateRepr {
    fn parse(kind: PayloadType, body: &[u8]) -> Result<CertificateRepr, Error> {
        let fixed = fixed(kind, body, field::CERT_DATA)?;
        Ok(CertificateRepr {
            encoding: byte(fixed, field::CERT_ENCODING),
            data: rest(body, field::CERT_DATA).to_vec(),
        })
    }

    fn emit_body(&self, out: &mut Vec<u8>) {
        out.push(self.encoding);
        out.extend_from_slice(&self.data);
    }
}

/// A Notification payload (RFC 2408 section 3.14).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct NotificationRepr {
    pub doi: Doi,
    pub protocol: ProtocolId,
    /// Empty, or the SPI (16 bytes of cookies for ISAKMP in racoon's
    /// INITIAL-CONTACT and DPD notifies, RFC 3706 section 5).
    pub spi: Vec<u8>,
    pub message_type: NotifyType,
    /// E.g. the sequence number of R-U-THERE (RFC 3706 section 5), the
    /// attributes of RESPONDER-LIFETIME (RFC 2407 section 4.6.3.1).
    pub data: Vec<u8>,
}

impl NotificationRepr {
    fn parse(body: &[u8]) -> Result<NotificationRepr, Error> {
        let fixed = fixed(PayloadType::Notification, body, field::N_SPI)?;
        let spi_end = field::N_SPI + usize::from(byte(fixed, field::N_SPI_SIZE));
        let spi = body
            .get(field::N_SPI..spi_end)
            .ok_or(Error::FieldBeyondPayload {
                payload: PayloadType::Notification,
                field: "SPI",
            })?;
        Ok(NotificationRepr {
            doi: Doi::from(be_u32(fixed.get(field::N_DOI).unwrap_or(&[]))),
            protocol: ProtocolId::from(byte(fixed, field::N_PROTOCOL)),
            spi: spi.to_vec(),
            message_type: NotifyType::from(be_u16(fixed.get(field::N_TYPE).unwrap_or(&[]))),
            data: rest(body, spi_end).to_vec(),
        })
    }

    fn emit_body(&self, out: &mut Vec<u8>) -> Result<(), Error> {
        let spi_size =
            u8::try_from(self.spi.len()).map_err(|_| Error::Unrepresentable("SPI size"))?;
        out.extend_from_slice(&u32::from(self.doi).to_be_bytes());
        out.extend_from_slice(&[self.protocol.into(), spi_size]);
        out.extend_from_slice(&u16::from(self.message_type).to_be_bytes());
        out.extend_from_slice(&self.spi);
        out.extend_from_slice(&self.data);
        Ok(())
    }
}

/// A Delete payload (RFC 2408 section 3.15).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DeleteRepr {
    pub doi: Doi,
    pub protocol: ProtocolId,
    /// Size of every SPI (16 for an ISAKMP SA: both cookies; 4 for AH/ESP).
    pub spi_size: u8,
    pub spis: Vec<Vec<u8>>,
}

impl DeleteRepr {
    fn parse(body: &[u8]) -> Result<DeleteRepr, Error> {
        let kind = PayloadType::Delete;
        let fixed = fixed(kind, body, field::D_SPIS)?;
        let spi_size = byte(fixed, field::D_SPI_SIZE);
        let count = usize::from(be_u16(fixed.get(field::D_COUNT).unwrap_or(&[])));
        let spis = rest(body, field::D_SPIS);
        // "# of SPIs" times "SPI Size" must be exactly what follows; a
        // zero size cannot carry SPIs (and would allow 65535 empty ones).
        if spi_size == 0 && count != 0 {
            return Err(Error::FieldBeyondPayload {
                payload: kind,
                field: "SPIs of size 0",
            });
        }
        let needed = count * usize::from(spi_size);
        if spis.len() < needed {
            return Err(Error::FieldBeyondPayload {
                payload: kind,
                field: "SPIs",
            });
        }
        if spis.len() > needed {
            return Err(Error::TrailingBytes {
                payload: kind,
                extra: spis.len() - needed,
            });
        }
        Ok(DeleteRepr {
            doi: Doi::from(be_u32(fixed.get(field::D_DOI).unwrap_or(&[]))),
            protocol: ProtocolId::from(byte(fixed, field::D_PROTOCOL)),
            spi_size,
            spis: spis
                .chunks(usize::from(spi_size).max(1))
                .map(<[u8]>::to_vec)
                .collect(),
        })
    }

    fn emit_body(&self, out: &mut Vec<u8>) -> Result<(), Error> {
        let count =
            u16::try_from(self.spis.len()).map_err(|_| Error::Unrepresentable("number of SPIs"))?;
        if self
            .spis
            .iter()
            .any(|spi| spi.len() != usize::from(self.spi_size))
        {
            return Err(Error::Unrepresentable("SPI of another size than spi_size"));
        }
        out.extend_from_slice(&u32::from(self.doi).to_be_bytes());
        out.extend_from_slice(&[self.protocol.into(), self.spi_size]);
        out.extend_from_slice(&count.to_be_bytes());
        self.spis.iter().for_each(|spi| out.extend_from_slice(spi));
        Ok(())
    }
}

/// A NAT-OA payload (RFC 3947 section 5.2): original address of a peer.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct NatOaRepr {
    /// ID_IPV4_ADDR or ID_IPV6_ADDR.
    pub id_type: IdType,
    pub address: Vec<u8>,
}

impl NatOaRepr {
    fn parse(kind: PayloadType, body: &[u8]) -> Result<NatOaRepr, Error> {
        let fixed = fixed(kind, body, field::OA_ADDRESS)?;
        Ok(NatOaRepr {
            id_type: IdType::from(byte(fixed, field::OA_TYPE)),
            address: rest(body, field::OA_ADDRESS).to_vec(),
        })
    }

    fn emit_body(&self, out: &mut Vec<u8>) {
        // RESERVED fields are zero (RFC 3947 section 5.2).
        out.extend_from_slice(&[self.id_type.into(), 0, 0, 0]);
        out.extend_from_slice(&self.address);
    }
}

/// One payload of a chain.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum PayloadRepr {
    SecurityAssociation(SaRepr),
    /// Key Exchange data: the DH public value (RFC 2408 section 3.7).
    KeyExchange(Vec<u8>),
    Identification(IdentificationRepr),
    Certificate(CertificateRepr),
    CertificateRequest(CertificateRepr),
    Hash(Vec<u8>),
    Signature(Vec<u8>),
    Nonce(Vec<u8>),
    Notification(NotificationRepr),
    Delete(DeleteRepr),
    VendorId(Vec<u8>),
    /// NAT-D hash (RFC 3947 section 3.2).
    NatD(Vec<u8>),
    /// NAT-D under the draft payload number 130.
    NatDDraft(Vec<u8>),
    NatOa(NatOaRepr),
    /// NAT-OA under the draft payload number 131.
    NatOaDraft(NatOaRepr),
    /// mode_cfg and XAuth attributes (draft-dukes-ike-mode-cfg-02 §3.2).
    Attribute(super::CfgRepr),
    /// A payload type this module does not decode (also Proposal and
    /// Transform outside an SA): its body as received.
    Unknown {
        payload_type: PayloadType,
        body: Vec<u8>,
    },
}

impl PayloadRepr {
    /// The payload type this payload is sent as.
    pub fn payload_type(&self) -> PayloadType {
        match self {
            PayloadRepr::SecurityAssociation(_) => PayloadType::SecurityAssociation,
            PayloadRepr::KeyExchange(_) => PayloadType::KeyExchange,
            PayloadRepr::Identification(_) => PayloadType::Identification,
            PayloadRepr::Certificate(_) => PayloadType::Certificate,
            PayloadRepr::CertificateRequest(_) => PayloadType::CertificateRequest,
            PayloadRepr::Hash(_) => PayloadType::Hash,
            PayloadRepr::Signature(_) => PayloadType::Signature,
            PayloadRepr::Nonce(_) => PayloadType::Nonce,
            PayloadRepr::Notification(_) => PayloadType::Notification,
            PayloadRepr::Delete(_) => PayloadType::Delete,
            PayloadRepr::Attribute(_) => PayloadType::Attribute,
            PayloadRepr::VendorId(_) => PayloadType::VendorId,
            PayloadRepr::NatD(_) => PayloadType::NatD,
            PayloadRepr::NatDDraft(_) => PayloadType::NatDDraft,
            PayloadRepr::NatOa(_) => PayloadType::NatOa,
            PayloadRepr::NatOaDraft(_) => PayloadType::NatOaDraft,
            PayloadRepr::Unknown { payload_type, .. } => *payload_type,
        }
    }

    /// Parses the body (after the generic header) of a payload of `kind`.
    pub fn parse(kind: PayloadType, body: &[u8]) -> Result<PayloadRepr, Error> {
        let raw = || body.to_vec();
        Ok(match kind {
            PayloadType::SecurityAssociation => {
                PayloadRepr::SecurityAssociation(SaRepr::parse(body)?)
            }
            PayloadType::KeyExchange => PayloadRepr::KeyExchange(raw()),
            PayloadType::Identification => {
                PayloadRepr::Identification(IdentificationRepr::parse(body)?)
            }
            PayloadType::Certificate => {
                PayloadRepr::Certificate(CertificateRepr::parse(kind, body)?)
            }
            PayloadType::CertificateRequest => {
                PayloadRepr::CertificateRequest(CertificateRepr::parse(kind, body)?)
            }
            PayloadType::Hash => PayloadRepr::Hash(raw()),
            PayloadType::Signature => PayloadRepr::Signature(raw()),
            PayloadType::Nonce => PayloadRepr::Nonce(raw()),
            PayloadType::Notification => PayloadRepr::Notification(NotificationRepr::parse(body)?),
            PayloadType::Delete => PayloadRepr::Delete(DeleteRepr::parse(body)?),
            PayloadType::Attribute => PayloadRepr::Attribute(super::CfgRepr::parse(body)?),
            PayloadType::VendorId => PayloadRepr::VendorId(raw()),
            PayloadType::NatD => PayloadRepr::NatD(raw()),
            PayloadType::NatDDraft => PayloadRepr::NatDDraft(raw()),
            PayloadType::NatOa => PayloadRepr::NatOa(NatOaRepr::parse(kind, body)?),
            PayloadType::NatOaDraft => PayloadRepr::NatOaDraft(NatOaRepr::parse(kind, body)?),
            other => PayloadRepr::Unknown {
                payload_type: other,
                body: raw(),
            },
        })
    }

    /// Length of the body (without the generic header).
    pub fn body_len(&self) -> usize {
        let n = |fixed: usize, v: &[u8]| fixed.saturating_add(v.len());
        match self {
            PayloadRepr::SecurityAssociation(sa) => sa.body_len(),
            PayloadRepr::Identification(id) => n(field::ID_DATA, &id.data),
            PayloadRepr::Certificate(c) | PayloadRepr::CertificateRequest(c) => {
                n(field::CERT_DATA, &c.data)
            }
            PayloadRepr::Notification(nt) => n(field::N_SPI, &nt.spi).saturating_add(nt.data.len()),
            PayloadRepr::Delete(d) => d
                .spis
                .iter()
                .map(Vec::len)
                .fold(field::D_SPIS, usize::saturating_add),
            PayloadRepr::NatOa(oa) | PayloadRepr::NatOaDraft(oa) => {
                n(field::OA_ADDRESS, &oa.address)
            }
            PayloadRepr::Attribute(cfg) => cfg.body_len(),
            PayloadRepr::KeyExchange(v)
            | PayloadRepr::Hash(v)
            | PayloadRepr::Signature(v)
            | PayloadRepr::Nonce(v)
            | PayloadRepr::VendorId(v)
            | PayloadRepr::NatD(v)
            | PayloadRepr::NatDDraft(v)
            | PayloadRepr::Unknown { body: v, .. } => v.len(),
        }
    }

    /// Appends the body (without the generic header).
    pub fn emit_body(&self, out: &mut Vec<u8>) -> Result<(), Error> {
        match self {
            PayloadRepr::SecurityAssociation(sa) => sa.emit_body(out)?,
            PayloadRepr::Identification(id) => id.emit_body(out),
            PayloadRepr::Certificate(c) | PayloadRepr::CertificateRequest(c) => c.emit_body(out),
            PayloadRepr::Notification(nt) => nt.emit_body(out)?,
            PayloadRepr::Delete(d) => d.emit_body(out)?,
            PayloadRepr::NatOa(oa) | PayloadRepr::NatOaDraft(oa) => oa.emit_body(out),
            PayloadRepr::Attribute(cfg) => cfg.emit_body(out)?,
            PayloadRepr::KeyExchange(v)
            | PayloadRepr::Hash(v)
            | PayloadRepr::Signature(v)
            | PayloadRepr::Nonce(v)
            | PayloadRepr::VendorId(v)
            | PayloadRepr::NatD(v)
            | PayloadRepr::NatDDraft(v)
            | PayloadRepr::Unknown { body: v, .. } => out.extend_from_slice(v),
        }
        Ok(())
    }
}

/// The first `len` bytes of a body, or the error for a payload shorter
/// than its fixed fields.
fn fixed(payload: PayloadType, body: &[u8], len: usize) -> Result<&[u8], Error> {
    body.get(..len).ok_or_else(|| Error::PayloadTooShort {
        payload,
        length: u16::try_from(body.len().saturating_add(GENERIC_HEADER_LEN)).unwrap_or(u16::MAX),
        minimum: GENERIC_HEADER_LEN + len,
    })
}

fn byte(bytes: &[u8], at: usize) -> u8 {
    bytes.get(at).copied().unwrap_or(0)
}

fn rest(bytes: &[u8], from: usize) -> &[u8] {
    bytes.get(from..).unwrap_or(&[])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(payload: &PayloadRepr) -> Vec<u8> {
        let mut body = Vec::new();
        payload.emit_body(&mut body).expect("emit");
        assert_eq!(body.len(), payload.body_len(), "{payload:?}");
        assert_eq!(
            PayloadRepr::parse(payload.payload_type(), &body).as_ref(),
            Ok(payload)
        );
        body
    }

    #[test]
    fn identification_ipv4() {
        let id = PayloadRepr::Identification(IdentificationRepr {
            protocol: 17,
            port: 500,
            ..IdentificationRepr::ipv4(Ipv4Addr::new(192, 168, 1, 5))
        });
        assert_eq!(round_trip(&id), [1, 17, 0x01, 0xf4, 192, 168, 1, 5]);
    }

    #[test]
    fn identification_subnet_and_fqdn() {
        let subnet = IdentificationRepr::ipv4_subnet(Ipv4Addr::new(10, 1, 0, 0), 16);
        assert_eq!(subnet.data, [10, 1, 0, 0, 255, 255, 0, 0]);
        assert_eq!(subnet.as_ipv4(), None);
        round_trip(&PayloadRepr::Identification(subnet));
        let fqdn = IdentificationRepr {
            id_type: IdType::Fqdn,
            protocol: 0,
            port: 0,
            data: b"gw.example.org".to_vec(),
        };
        round_trip(&PayloadRepr::Identification(fqdn));
        let any = IdentificationRepr::ipv4_subnet(Ipv4Addr::UNSPECIFIED, 0);
        assert_eq!(any.data, [0; 8]);
    }

    #[test]
    fn notification_initial_contact_and_dpd() {
        let cookies: Vec<u8> = (1..=16).collect();
        let initial_contact = NotificationRepr {
            doi: Doi::Ipsec,
            protocol: ProtocolId::Isakmp,
            spi: cookies.clone(),
            message_type: NotifyType::InitialContact,
            data: vec![],
        };
        let body = round_trip(&PayloadRepr::Notification(initial_contact));
        assert_eq!(&body[..8], [0, 0, 0, 1, 1, 16, 0x60, 0x02]);
        let r_u_there = NotificationRepr {
            message_type: NotifyType::RUThere,
            spi: cookies,
            data: 7u32.to_be_bytes().to_vec(),
            doi: Doi::Ipsec,
            protocol: ProtocolId::Isakmp,
        };
        round_trip(&PayloadRepr::Notification(r_u_there));
        let no_proposal = NotificationRepr {
            doi: Doi::Ipsec,
            protocol: ProtocolId::IpsecEsp,
            spi: vec![0, 0, 3, 1],
            message_type: NotifyType::NoProposalChosen,
            data: vec![],
        };
        round_trip(&PayloadRepr::Notification(no_proposal));
    }

    #[test]
    fn delete_ipsec_and_isakmp() {
        let esp = DeleteRepr {
            doi: Doi::Ipsec,
            protocol: ProtocolId::IpsecEsp,
            spi_size: 4,
            spis: vec![vec![0, 0, 3, 1], vec![0xc0, 1, 2, 3]],
        };
        assert_eq!(
            round_trip(&PayloadRepr::Delete(esp)),
            [0, 0, 0, 1, 3, 4, 0, 2, 0, 0, 3, 1, 0xc0, 1, 2, 3]
        );
        let isakmp = DeleteRepr {
            doi: Doi::Ipsec,
            protocol: ProtocolId::Isakmp,
            spi_size: 16,
            spis: vec![vec![9; 16]],
        };
        round_trip(&PayloadRepr::Delete(isakmp));
        let none = DeleteRepr {
            doi: Doi::Ipsec,
            protocol: ProtocolId::IpsecAh,
            spi_size: 0,
            spis: vec![],
        };
        round_trip(&PayloadRepr::Delete(none));
    }

    #[test]
    fn delete_length_errors() {
        let kind = PayloadType::Delete;
        assert_eq!(
            PayloadRepr::parse(kind, &[0, 0, 0, 1, 3, 4, 0, 2, 1, 2, 3, 4]),
            Err(Error::FieldBeyondPayload {
                payload: kind,
                field: "SPIs"
            })
        );
        assert_eq!(
            PayloadRepr::parse(kind, &[0, 0, 0, 1, 3, 4, 0, 1, 1, 2, 3, 4, 5]),
            Err(Error::TrailingBytes {
                payload: kind,
                extra: 1
            })
        );
        assert!(PayloadRepr::parse(kind, &[0, 0, 0, 1, 3, 0, 0xff, 0xff]).is_err());
        let bad = DeleteRepr {
            doi: Doi::Ipsec,
            protocol: ProtocolId::IpsecEsp,
            spi_size: 4,
            spis: vec![vec![1, 2]],
        };
        assert!(PayloadRepr::Delete(bad).emit_body(&mut Vec::new()).is_err());
    }

    #[test]
    fn raw_payloads() {
        for payload in [
            PayloadRepr::KeyExchange((0..128).collect()),
            PayloadRepr::Hash(vec![0xaa; 16]),
            PayloadRepr::Signature(vec![1, 2, 3]),
            PayloadRepr::Nonce(vec![0x55; 20]),
            PayloadRepr::VendorId(vec![
                0xaf, 0xca, 0xd7, 0x13, 0x68, 0xa1, 0xf1, 0xc9, 0x6b, 0x86, 0x96, 0xfc, 0x77, 0x57,
                0x01, 0x00,
            ]),
            PayloadRepr::NatD(vec![3; 16]),
            PayloadRepr::NatDDraft(vec![4; 20]),
            PayloadRepr::Certificate(CertificateRepr {
                encoding: 4,
                data: vec![0x30, 0x82],
            }),
            PayloadRepr::CertificateRequest(CertificateRepr {
                encoding: 4,
                data: vec![],
            }),
            PayloadRepr::NatOa(NatOaRepr {
                id_type: IdType::Ipv4Addr,
                address: vec![10, 0, 0, 2],
            }),
            PayloadRepr::NatOaDraft(NatOaRepr {
                id_type: IdType::Ipv4Addr,
                address: vec![10, 0, 0, 3],
            }),
            PayloadRepr::Unknown {
                payload_type: PayloadType::Unknown(99),
                body: vec![1],
            },
            PayloadRepr::Unknown {
                payload_type: PayloadType::Transform,
                body: vec![],
            },
        ] {
            round_trip(&payload);
        }
    }

    #[test]
    fn short_bodies_are_refused() {
        let cases: [(PayloadType, usize); 6] = [
            (PayloadType::Identification, 4),
            (PayloadType::Certificate, 1),
            (PayloadType::Notification, 8),
            (PayloadType::Delete, 8),
            (PayloadType::NatOa, 4),
            (PayloadType::SecurityAssociation, 8),
        ];
        for (kind, fixed) in cases {
            for len in 0..fixed {
                let err = PayloadRepr::parse(kind, &vec![0; len]);
                assert!(
                    matches!(err, Err(Error::PayloadTooShort { minimum, .. }) if minimum == fixed + 4),
                    "{kind:?} {len}"
                );
            }
        }
        let spi_beyond = [0, 0, 0, 1, 3, 4, 0, 14, 1, 2];
        assert_eq!(
            PayloadRepr::parse(PayloadType::Notification, &spi_beyond),
            Err(Error::FieldBeyondPayload {
                payload: PayloadType::Notification,
                field: "SPI"
            })
        );
    }
}
