//! Message-level tests: racoon-style main mode, quick mode and
//! informational messages built by hand, cut at every length, and fuzzed.

use super::*;
use proptest::prelude::*;
use std::net::Ipv4Addr;

const I_COOKIE: [u8; 8] = [0x5f, 0x1e, 0x7c, 0x3a, 0x91, 0x02, 0xbe, 0x44];
const R_COOKIE: [u8; 8] = [0x0d, 0xf2, 0x66, 0x18, 0xa4, 0x73, 0x29, 0xc5];

/// RFC 3947 NAT-T, draft-ietf-ipsec-nat-t-ike-02\n and DPD (RFC 3706)
/// vendor IDs, as racoon sends them in main mode message 1.
const VID_RFC3947: [u8; 16] = [
    0x4a, 0x13, 0x1c, 0x81, 0x07, 0x03, 0x58, 0x45, 0x5c, 0x57, 0x28, 0xf2, 0x0e, 0x95, 0x45, 0x2f,
];
const VID_DPD: [u8; 16] = [
    0xaf, 0xca, 0xd7, 0x13, 0x68, 0xa1, 0xf1, 0xc9, 0x6b, 0x86, 0x96, 0xfc, 0x77, 0x57, 0x01, 0x00,
];

/// Main mode message 1 written out from RFC 2408 section 3 and RFC 2409
/// Appendix A: HDR, SA (3DES/MD5/PSK/modp1024/28800 s), VID, VID.
const MAIN_MODE_1: [u8; 120] = [
    0x5f, 0x1e, 0x7c, 0x3a, 0x91, 0x02, 0xbe, 0x44, // initiator cookie
    0, 0, 0, 0, 0, 0, 0, 0, // responder cookie: none yet
    1, 0x10, 2, 0, // next SA, version 1.0, Identity Protection, no flags
    0, 0, 0, 0, // message id 0
    0, 0, 0, 120, // length
    13, 0, 0, 52, // SA payload, next VID
    0, 0, 0, 1, 0, 0, 0, 1, // DOI IPsec, SIT_IDENTITY_ONLY
    0, 0, 0, 40, 1, 1, 0, 1, // proposal #1 ISAKMP, one transform
    0, 0, 0, 32, 1, 1, 0, 0, // transform #1 KEY_IKE
    0x80, 1, 0, 5, 0x80, 2, 0, 1, 0x80, 3, 0, 1, 0x80, 4, 0, 2, // 3DES MD5 PSK modp1024
    0x80, 11, 0, 1, 0x80, 12, 0x70, 0x80, // seconds, 28800
    13, 0, 0, 20, // VID, next VID
    0x4a, 0x13, 0x1c, 0x81, 0x07, 0x03, 0x58, 0x45, 0x5c, 0x57, 0x28, 0xf2, 0x0e, 0x95, 0x45, 0x2f,
    0, 0, 0, 20, // VID, last
    0xaf, 0xca, 0xd7, 0x13, 0x68, 0xa1, 0xf1, 0xc9, 0x6b, 0x86, 0x96, 0xfc, 0x77, 0x57, 0x01, 0x00,
];

fn phase1_sa() -> SaRepr {
    let attributes = vec![
        SaAttribute::basic(
            Phase1Attribute::EncryptionAlgorithm,
            EncryptionAlgorithm::TripleDesCbc,
        ),
        SaAttribute::basic(Phase1Attribute::HashAlgorithm, HashAlgorithm::Md5),
        SaAttribute::basic(
            Phase1Attribute::AuthenticationMethod,
            AuthenticationMethod::PreSharedKey,
        ),
        SaAttribute::basic(
            Phase1Attribute::GroupDescription,
            GroupDescription::Modp1024,
        ),
        SaAttribute::basic(Phase1Attribute::LifeType, LifeType::Seconds),
        SaAttribute::number(Phase1Attribute::LifeDuration, 28800),
    ];
    let transform = TransformRepr {
        number: 1,
        transform_id: transform_id::KEY_IKE,
        attributes,
    };
    SaRepr::ipsec(vec![ProposalRepr {
        number: 1,
        protocol: ProtocolId::Isakmp,
        spi: vec![],
        transforms: vec![transform],
    }])
}

fn message(responder: [u8; 8], exchange_type: ExchangeType, message_id: u32, body: Body) -> Repr {
    Repr {
        initiator_cookie: I_COOKIE,
        responder_cookie: responder,
        exchange_type,
        flags: Flags(0),
        message_id,
        body,
    }
}

/// Main mode messages 1 to 4 (plaintext) of a racoon-to-racoon exchange.
fn main_mode_plain() -> Vec<Repr> {
    let sa = PayloadRepr::SecurityAssociation(phase1_sa());
    let vids = [
        PayloadRepr::VendorId(VID_RFC3947.to_vec()),
        PayloadRepr::VendorId(VID_DPD.to_vec()),
    ];
    let ke = |seed: u8| PayloadRepr::KeyExchange((0..128u8).map(|i| i ^ seed).collect());
    let nonce = |seed: u8| PayloadRepr::Nonce(vec![seed; 16]);
    let natd = |seed: u8| PayloadRepr::NatD(vec![seed; 16]);
    let first: Vec<_> = [sa.clone()].into_iter().chain(vids.clone()).collect();
    let second: Vec<_> = [sa].into_iter().chain(vids).collect();
    vec![
        message(
            [0; 8],
            ExchangeType::IdentityProtection,
            0,
            Body::Payloads(first),
        ),
        message(
            R_COOKIE,
            ExchangeType::IdentityProtection,
            0,
            Body::Payloads(second),
        ),
        message(
            R_COOKIE,
            ExchangeType::IdentityProtection,
            0,
            Body::Payloads(vec![ke(1), nonce(2), natd(3), natd(4)]),
        ),
        message(
            R_COOKIE,
            ExchangeType::IdentityProtection,
            0,
            Body::Payloads(vec![ke(5), nonce(6), natd(7), natd(8)]),
        ),
    ]
}

/// The decrypted body of main mode message 5: ID, HASH_I, INITIAL-CONTACT.
fn main_mode_5_plaintext() -> Vec<PayloadRepr> {
    let mut id = IdentificationRepr::ipv4(Ipv4Addr::new(192, 168, 1, 5));
    id.protocol = 17;
    id.port = 500;
    let mut spi = I_COOKIE.to_vec();
    spi.extend_from_slice(&R_COOKIE);
    let contact = NotificationRepr {
        doi: Doi::Ipsec,
        protocol: ProtocolId::Isakmp,
        spi,
        message_type: NotifyType::InitialContact,
        data: vec![],
    };
    vec![
        PayloadRepr::Identification(id),
        PayloadRepr::Hash(vec![0x11; 16]),
        PayloadRepr::Notification(contact),
    ]
}

/// Quick mode message 1 plaintext: HASH(1), SA (ESP 3DES/HMAC-MD5,
/// transport, PFS modp768), Ni, KE, IDci, IDcr.
fn quick_mode_1_plaintext() -> Vec<PayloadRepr> {
    let attributes = vec![
        SaAttribute::basic(Phase2Attribute::SaLifeType, LifeType::Seconds),
        SaAttribute::number(Phase2Attribute::SaLifeDuration, 3600),
        SaAttribute::basic(
            Phase2Attribute::EncapsulationMode,
            EncapsulationMode::Transport,
        ),
        SaAttribute::basic(
            Phase2Attribute::AuthenticationAlgorithm,
            AuthenticationAlgorithm::HmacMd5,
        ),
        SaAttribute::basic(Phase2Attribute::GroupDescription, GroupDescription::Modp768),
    ];
    let esp = TransformRepr {
        number: 1,
        transform_id: transform_id::ESP_3DES,
        attributes,
    };
    let proposal = ProposalRepr {
        number: 1,
        protocol: ProtocolId::IpsecEsp,
        spi: vec![0x0a, 0xbc, 0xde, 0xf0],
        transforms: vec![esp],
    };
    vec![
        PayloadRepr::Hash(vec![0x22; 16]),
        PayloadRepr::SecurityAssociation(SaRepr::ipsec(vec![proposal])),
        PayloadRepr::Nonce(vec![0x33; 16]),
        PayloadRepr::KeyExchange(vec![0x44; 96]),
        PayloadRepr::Identification(IdentificationRepr::ipv4(Ipv4Addr::new(192, 168, 1, 5))),
        PayloadRepr::Identification(IdentificationRepr::ipv4(Ipv4Addr::new(192, 168, 2, 5))),
    ]
}

fn delete_informational_plaintext() -> Vec<PayloadRepr> {
    let delete = DeleteRepr {
        doi: Doi::Ipsec,
        protocol: ProtocolId::IpsecEsp,
        spi_size: 4,
        spis: vec![vec![0x0a, 0xbc, 0xde, 0xf0]],
    };
    vec![
        PayloadRepr::Hash(vec![0x55; 16]),
        PayloadRepr::Delete(delete),
    ]
}

fn encrypted(exchange_type: ExchangeType, message_id: u32, plaintext: &[PayloadRepr]) -> Repr {
    // Stand-in "ciphertext": the plaintext padded to the 3DES block size,
    // as the daemon would hand it to the cipher.
    let mut ciphertext = Vec::new();
    emit_payloads(plaintext, &mut ciphertext).expect("emit");
    ciphertext.resize(ciphertext.len().div_ceil(8) * 8, 0);
    let next_payload = plaintext
        .first()
        .map_or(PayloadType::None, PayloadRepr::payload_type);
    let mut repr = message(
        R_COOKIE,
        exchange_type,
        message_id,
        Body::Encrypted {
            next_payload,
            ciphertext,
        },
    );
    repr.flags = Flags(Flags::ENCRYPTION);
    repr
}

fn all_messages() -> Vec<Repr> {
    let mut all = main_mode_plain();
    all.push(encrypted(
        ExchangeType::IdentityProtection,
        0,
        &main_mode_5_plaintext(),
    ));
    all.push(encrypted(
        ExchangeType::QuickMode,
        0x8a3c_51e2,
        &quick_mode_1_plaintext(),
    ));
    all.push(encrypted(
        ExchangeType::Informational,
        0x1234_5678,
        &delete_informational_plaintext(),
    ));
    all
}

fn bytes_of(repr: &Repr) -> Vec<u8> {
    let bytes = repr.to_bytes().expect("emit");
    assert_eq!(bytes.len(), repr.buffer_len());
    bytes
}

#[test]
fn deconstruct_main_mode_1() {
    let packet = Packet::new_checked(&MAIN_MODE_1[..]).expect("valid");
    assert_eq!(packet.initiator_cookie(), I_COOKIE);
    assert_eq!(packet.responder_cookie(), [0; 8]);
    assert_eq!(packet.next_payload(), PayloadType::SecurityAssociation);
    assert_eq!(packet.version(), VERSION_1_0);
    assert_eq!(packet.exchange_type(), ExchangeType::IdentityProtection);
    assert_eq!(packet.flags(), Flags(0));
    assert_eq!(packet.message_id(), 0);
    assert_eq!(packet.length(), 120);
    assert_eq!(packet.body().len(), 92);
    let kinds: Vec<_> = payloads(packet.next_payload(), packet.body())
        .map(|p| p.map(|p| (p.payload_type, p.bytes.len())))
        .collect();
    assert_eq!(
        kinds,
        [
            Ok((PayloadType::SecurityAssociation, 52)),
            Ok((PayloadType::VendorId, 20)),
            Ok((PayloadType::VendorId, 20))
        ]
    );
}

#[test]
fn construct_main_mode_1() {
    let repr = &main_mode_plain()[0];
    assert_eq!(bytes_of(repr), MAIN_MODE_1);
    let mut buffer = [0xff; 128];
    assert_eq!(repr.emit(&mut buffer), Ok(120));
    assert_eq!(buffer[..120], MAIN_MODE_1);
    assert_eq!(
        repr.emit(&mut [0; 119]),
        Err(Error::BufferTooSmall {
            needed: 120,
            available: 119
        })
    );
}

#[test]
fn parse_main_mode_1() {
    assert_eq!(
        Repr::parse_bytes(&MAIN_MODE_1),
        Ok(main_mode_plain().remove(0))
    );
}

#[test]
fn every_message_round_trips() {
    for repr in all_messages() {
        assert_eq!(Repr::parse_bytes(&bytes_of(&repr)), Ok(repr));
    }
}

#[test]
fn encrypted_body_is_exposed_then_parsed() {
    let plaintext = quick_mode_1_plaintext();
    let bytes = bytes_of(&encrypted(ExchangeType::QuickMode, 0x8a3c_51e2, &plaintext));
    let packet = Packet::new_checked(&bytes[..]).expect("valid");
    assert!(packet.flags().encryption());
    assert_eq!(packet.next_payload(), PayloadType::Hash);
    let Ok(Repr {
        body: Body::Encrypted {
            next_payload,
            ciphertext,
        },
        ..
    }) = Repr::parse(&packet)
    else {
        panic!("expected an encrypted body");
    };
    assert_eq!(ciphertext, packet.body());
    // The "decrypted" body carries padding after the chain: ignored.
    assert_eq!(parse_payloads(next_payload, &ciphertext), Ok(plaintext));
}

#[test]
fn hash_covers_raw_payload_bytes() {
    // Quick mode HASH(1) is computed over the message after the HASH
    // payload (RFC 2409 section 5.5): raw payloads give those bytes.
    let mut body = Vec::new();
    emit_payloads(&quick_mode_1_plaintext(), &mut body).expect("emit");
    let raw: Vec<_> = payloads(PayloadType::Hash, &body)
        .collect::<Result<_, _>>()
        .expect("chain");
    assert_eq!(raw[0].body(), [0x22; 16]);
    let after_hash = raw[0].bytes.len();
    assert_eq!(
        raw[1..].iter().map(|p| p.bytes.len()).sum::<usize>(),
        body.len() - after_hash
    );
}

#[test]
fn header_errors() {
    assert_eq!(
        Packet::new_checked(&MAIN_MODE_1[..27]).err(),
        Some(Error::Truncated)
    );
    let mut short = MAIN_MODE_1;
    short[27] = 27;
    assert_eq!(
        Packet::new_checked(&short[..]).err(),
        Some(Error::BadMessageLength {
            length: 27,
            available: 120
        })
    );
    let mut long = MAIN_MODE_1;
    long[26] = 1;
    assert_eq!(
        Packet::new_checked(&long[..]).err(),
        Some(Error::BadMessageLength {
            length: 376,
            available: 120
        })
    );
    let mut version = MAIN_MODE_1;
    version[17] = 0x20;
    assert_eq!(
        Repr::parse_bytes(&version),
        Err(Error::BadVersion { major: 2, minor: 0 })
    );
    version[17] = 0x11;
    assert_eq!(
        Repr::parse_bytes(&version),
        Err(Error::BadVersion { major: 1, minor: 1 })
    );
    // Bytes after the length field are not part of the message.
    let mut padded = MAIN_MODE_1.to_vec();
    padded.extend_from_slice(&[0; 5]);
    assert_eq!(Repr::parse_bytes(&padded), Ok(main_mode_plain().remove(0)));
}

#[test]
fn chain_errors() {
    let below_header = [0, 0, 0, 3];
    assert_eq!(
        parse_payloads(PayloadType::Nonce, &below_header),
        Err(Error::PayloadTooShort {
            payload: PayloadType::Nonce,
            length: 3,
            minimum: 4
        })
    );
    let beyond = [0, 0, 0, 9, 1, 2];
    assert_eq!(
        parse_payloads(PayloadType::Nonce, &beyond),
        Err(Error::ChainBeyondMessage {
            payload: PayloadType::Nonce,
            length: 9,
            remaining: 6
        })
    );
    let dangling = [13, 0, 0, 4];
    assert_eq!(
        parse_payloads(PayloadType::Nonce, &dangling),
        Err(Error::ChainBeyondMessage {
            payload: PayloadType::VendorId,
            length: 0,
            remaining: 0
        })
    );
    let endless: Vec<u8> = [13, 0, 0, 4].repeat(MAX_PAYLOADS + 1);
    assert_eq!(
        parse_payloads(PayloadType::VendorId, &endless),
        Err(Error::TooManyPayloads {
            limit: MAX_PAYLOADS
        })
    );
    assert_eq!(parse_payloads(PayloadType::None, &[1, 2, 3]), Ok(vec![]));
    let unknown = [0, 0, 0, 5, 9];
    assert_eq!(
        parse_payloads(PayloadType::Unknown(200), &unknown),
        Ok(vec![PayloadRepr::Unknown {
            payload_type: PayloadType::Unknown(200),
            body: vec![9]
        }])
    );
}

#[test]
fn every_cut_fails_cleanly() {
    for repr in all_messages() {
        let bytes = bytes_of(&repr);
        for cut in 0..bytes.len() {
            let prefix = &bytes[..cut];
            assert!(Repr::parse_bytes(prefix).is_err(), "cut at {cut}");
            // The same prefix with a length field that agrees with it.
            if cut >= HEADER_LEN
                && !repr.flags.encryption()
                && matches!(repr.body, Body::Payloads(_))
            {
                let mut lying = prefix.to_vec();
                lying[24..28].copy_from_slice(&u32::try_from(cut).expect("small").to_be_bytes());
                assert!(Repr::parse_bytes(&lying).is_err(), "lying length {cut}");
            }
        }
    }
}

#[test]
fn every_cut_plaintext_fails_cleanly() {
    for plaintext in [
        main_mode_5_plaintext(),
        quick_mode_1_plaintext(),
        delete_informational_plaintext(),
    ] {
        let mut body = Vec::new();
        emit_payloads(&plaintext, &mut body).expect("emit");
        assert_eq!(body.len(), payloads_len(&plaintext));
        let first = plaintext[0].payload_type();
        assert_eq!(parse_payloads(first, &body).as_ref(), Ok(&plaintext));
        for cut in 0..body.len() {
            assert!(parse_payloads(first, &body[..cut]).is_err(), "cut at {cut}");
        }
    }
}

#[test]
fn emit_sets_encryption_flag_from_body() {
    let mut repr = main_mode_plain().remove(0);
    repr.flags = Flags(Flags::ENCRYPTION | Flags::COMMIT);
    let bytes = bytes_of(&repr);
    assert_eq!(bytes[19], Flags::COMMIT);
    let commit = Packet::new_checked(&bytes[..]).expect("valid").flags();
    assert!(commit.commit() && !commit.encryption() && !commit.auth_only());
}

fn seeds() -> Vec<Vec<u8>> {
    all_messages().iter().map(bytes_of).collect()
}

/// Parses `bytes` every way this module offers; only panics matter.
fn parse_everything(bytes: &[u8]) {
    let _ = Repr::parse_bytes(bytes);
    if let Ok(packet) = Packet::new_checked(bytes) {
        let _ = parse_payloads(packet.next_payload(), packet.body());
        let _ = (
            packet.initiator_cookie(),
            packet.message_id(),
            packet.exchange_type(),
        );
    }
    for first in [1u8, 5, 11, 12, 21, 131] {
        let _ = parse_payloads(PayloadType::from(first), bytes);
        let _ = payloads(PayloadType::from(first), bytes).count();
    }
    let unchecked = Packet::new_unchecked(bytes);
    let _ = (
        unchecked.body(),
        unchecked.length(),
        unchecked.responder_cookie(),
    );
}

fn arb_payload() -> impl Strategy<Value = PayloadRepr> {
    let bytes = || proptest::collection::vec(any::<u8>(), 0..40);
    let attribute = (
        0u16..0x8000,
        prop_oneof![
            any::<u16>().prop_map(AttributeValue::Basic),
            bytes().prop_map(AttributeValue::Variable)
        ],
    )
        .prop_map(|(attribute_type, value)| SaAttribute {
            attribute_type,
            value,
        });
    let transform = (
        any::<u8>(),
        any::<u8>(),
        proptest::collection::vec(attribute, 0..5),
    )
        .prop_map(|(number, transform_id, attributes)| TransformRepr {
            number,
            transform_id,
            attributes,
        });
    let proposal = (
        any::<u8>(),
        any::<u8>(),
        proptest::collection::vec(any::<u8>(), 0..8),
        proptest::collection::vec(transform, 1..4),
    )
        .prop_map(|(number, p, spi, transforms)| ProposalRepr {
            number,
            protocol: ProtocolId::from(p),
            spi,
            transforms,
        });
    prop_oneof![
        proptest::collection::vec(proposal, 1..3)
            .prop_map(|p| PayloadRepr::SecurityAssociation(SaRepr::ipsec(p))),
        bytes().prop_map(PayloadRepr::Nonce),
        bytes().prop_map(PayloadRepr::KeyExchange),
        (any::<u8>(), any::<u8>(), any::<u16>(), bytes()).prop_map(|(t, protocol, port, data)| {
            PayloadRepr::Identification(IdentificationRepr {
                id_type: IdType::from(t),
                protocol,
                port,
                data,
            })
        }),
        (
            any::<u16>(),
            proptest::collection::vec(any::<u8>(), 0..17),
            bytes()
        )
            .prop_map(
                |(t, spi, data)| PayloadRepr::Notification(NotificationRepr {
                    doi: Doi::Ipsec,
                    protocol: ProtocolId::Isakmp,
                    spi,
                    message_type: NotifyType::from(t),
                    data
                })
            ),
        (1u8..17, 0usize..4).prop_map(|(spi_size, n)| PayloadRepr::Delete(DeleteRepr {
            doi: Doi::Ipsec,
            protocol: ProtocolId::IpsecEsp,
            spi_size,
            spis: vec![vec![7; usize::from(spi_size)]; n]
        })),
        bytes().prop_map(PayloadRepr::NatD),
        bytes().prop_map(|address| PayloadRepr::NatOaDraft(NatOaRepr {
            id_type: IdType::Ipv4Addr,
            address
        })),
    ]
}

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
        parse_everything(&bytes);
    }

    #[test]
    fn arbitrary_header_then_bytes_never_panic(np in any::<u8>(), len in 0u32..300, tail in proptest::collection::vec(any::<u8>(), 0..200)) {
        let mut bytes = vec![0u8; HEADER_LEN];
        bytes[16] = np;
        bytes[17] = VERSION_1_0;
        bytes[24..28].copy_from_slice(&len.to_be_bytes());
        bytes.extend_from_slice(&tail);
        parse_everything(&bytes);
    }

    #[test]
    fn mutated_messages_never_panic(which in 0usize..7, edits in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..6), cut in any::<usize>()) {
        let mut bytes = seeds()[which].clone();
        for (at, value) in edits {
            let len = bytes.len();
            bytes[at % len] = value;
        }
        bytes.truncate(cut % (bytes.len() + 1));
        parse_everything(&bytes);
    }

    #[test]
    fn arbitrary_reprs_round_trip(chain in proptest::collection::vec(arb_payload(), 0..6), msgid in any::<u32>()) {
        let repr = message(R_COOKIE, ExchangeType::QuickMode, msgid, Body::Payloads(chain));
        let bytes = bytes_of(&repr);
        prop_assert_eq!(Repr::parse_bytes(&bytes), Ok(repr));
    }
}
