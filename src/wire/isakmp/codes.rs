//! Code points of ISAKMP (RFC 2408), the IKEv1 Oakley attributes (RFC 2409
//! Appendix A) and the IPsec DOI (RFC 2407). A value the enum does not name
//! becomes `Unknown(n)`: a parser never fails on an unknown code point, the
//! caller decides (RFC 2408 section 5 lists which notify to answer with).

use core::fmt;

/// Declares a code-point enum with an `Unknown` catch-all, conversions both
/// ways and the RFC's name for each value (used by `Display`).
macro_rules! code_points {
    (
        $(#[$meta:meta])*
        pub enum $name:ident($ty:ty) {
            $( $(#[$vmeta:meta])* $variant:ident = $value:literal => $text:literal, )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )+
            /// A value this enum does not name.
            Unknown($ty),
        }

        impl From<$ty> for $name {
            fn from(value: $ty) -> Self {
                match value {
                    $( $value => Self::$variant, )+
                    other => Self::Unknown(other),
                }
            }
        }

        impl From<$name> for $ty {
            fn from(value: $name) -> Self {
                match value {
                    $( $name::$variant => $value, )+
                    $name::Unknown(other) => other,
                }
            }
        }

        impl $name {
            /// The name the RFC gives this value, if it is a named one.
            #[must_use]
            pub fn name(self) -> Option<&'static str> {
                match self {
                    $( Self::$variant => Some($text), )+
                    Self::Unknown(_) => None,
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                match self.name() {
                    Some(text) => f.write_str(text),
                    None => write!(f, "{}", <$ty>::from(*self)),
                }
            }
        }
    };
}

code_points! {
    /// Next Payload types (RFC 2408 section 3.1; NAT-T payloads from RFC
    /// 3947 section 3 and the numbers the drafts used before it).
    pub enum PayloadType(u8) {
        None = 0 => "NONE",
        SecurityAssociation = 1 => "SA",
        Proposal = 2 => "P",
        Transform = 3 => "T",
        KeyExchange = 4 => "KE",
        Identification = 5 => "ID",
        Certificate = 6 => "CERT",
        CertificateRequest = 7 => "CR",
        Hash = 8 => "HASH",
        Signature = 9 => "SIG",
        Nonce = 10 => "NONCE",
        Notification = 11 => "N",
        Delete = 12 => "D",
        VendorId = 13 => "VID",
        /// draft-dukes-ike-mode-cfg-02 section 3.2: mode_cfg and XAuth.
        Attribute = 14 => "ATTR",
        /// RFC 3947 section 3.2.
        NatD = 20 => "NAT-D",
        /// RFC 3947 section 5.2.
        NatOa = 21 => "NAT-OA",
        /// draft-ietf-ipsec-nat-t-ike-02/03 number of NAT-D.
        NatDDraft = 130 => "NAT-D (draft)",
        /// draft-ietf-ipsec-nat-t-ike-02/03 number of NAT-OA.
        NatOaDraft = 131 => "NAT-OA (draft)",
    }
}

code_points! {
    /// Exchange types (RFC 2408 section 3.1, RFC 2409 sections 5.5 and 6).
    pub enum ExchangeType(u8) {
        None = 0 => "NONE",
        Base = 1 => "Base",
        /// Main Mode in IKEv1.
        IdentityProtection = 2 => "Identity Protection",
        AuthenticationOnly = 3 => "Authentication Only",
        Aggressive = 4 => "Aggressive",
        Informational = 5 => "Informational",
        /// draft-dukes-ike-mode-cfg-02 section 3.1 (racoon's
        /// ISAKMP_ETYPE_CFG).
        Transaction = 6 => "Transaction",
        /// RFC 2409 section 5.5.
        QuickMode = 32 => "Quick Mode",
        /// RFC 2409 section 6.
        NewGroupMode = 33 => "New Group Mode",
    }
}

code_points! {
    /// Domains of Interpretation (RFC 2408 section 3.4; RFC 2407 section 4.2).
    pub enum Doi(u32) {
        Isakmp = 0 => "ISAKMP",
        Ipsec = 1 => "IPSEC",
    }
}

code_points! {
    /// Protocol identifiers of the IPsec DOI (RFC 2407 section 4.4.1).
    pub enum ProtocolId(u8) {
        /// Used in notifications and deletes that carry no protocol.
        Reserved = 0 => "RESERVED",
        Isakmp = 1 => "PROTO_ISAKMP",
        IpsecAh = 2 => "PROTO_IPSEC_AH",
        IpsecEsp = 3 => "PROTO_IPSEC_ESP",
        IpComp = 4 => "PROTO_IPCOMP",
    }
}

code_points! {
    /// Identification types (RFC 2407 section 4.6.2.1).
    pub enum IdType(u8) {
        Ipv4Addr = 1 => "ID_IPV4_ADDR",
        Fqdn = 2 => "ID_FQDN",
        UserFqdn = 3 => "ID_USER_FQDN",
        Ipv4AddrSubnet = 4 => "ID_IPV4_ADDR_SUBNET",
        Ipv6Addr = 5 => "ID_IPV6_ADDR",
        Ipv6AddrSubnet = 6 => "ID_IPV6_ADDR_SUBNET",
        Ipv4AddrRange = 7 => "ID_IPV4_ADDR_RANGE",
        Ipv6AddrRange = 8 => "ID_IPV6_ADDR_RANGE",
        DerAsn1Dn = 9 => "ID_DER_ASN1_DN",
        DerAsn1Gn = 10 => "ID_DER_ASN1_GN",
        KeyId = 11 => "ID_KEY_ID",
    }
}

code_points! {
    /// Notify message types: errors (RFC 2408 section 3.14.1), status
    /// types of the IPsec DOI (RFC 2407 section 4.6.3) and of DPD (RFC 3706
    /// section 5).
    pub enum NotifyType(u16) {
        InvalidPayloadType = 1 => "INVALID-PAYLOAD-TYPE",
        DoiNotSupported = 2 => "DOI-NOT-SUPPORTED",
        SituationNotSupported = 3 => "SITUATION-NOT-SUPPORTED",
        InvalidCookie = 4 => "INVALID-COOKIE",
        InvalidMajorVersion = 5 => "INVALID-MAJOR-VERSION",
        InvalidMinorVersion = 6 => "INVALID-MINOR-VERSION",
        InvalidExchangeType = 7 => "INVALID-EXCHANGE-TYPE",
        InvalidFlags = 8 => "INVALID-FLAGS",
        InvalidMessageId = 9 => "INVALID-MESSAGE-ID",
        InvalidProtocolId = 10 => "INVALID-PROTOCOL-ID",
        InvalidSpi = 11 => "INVALID-SPI",
        InvalidTransformId = 12 => "INVALID-TRANSFORM-ID",
        AttributesNotSupported = 13 => "ATTRIBUTES-NOT-SUPPORTED",
        NoProposalChosen = 14 => "NO-PROPOSAL-CHOSEN",
        BadProposalSyntax = 15 => "BAD-PROPOSAL-SYNTAX",
        PayloadMalformed = 16 => "PAYLOAD-MALFORMED",
        InvalidKeyInformation = 17 => "INVALID-KEY-INFORMATION",
        InvalidIdInformation = 18 => "INVALID-ID-INFORMATION",
        InvalidCertEncoding = 19 => "INVALID-CERT-ENCODING",
        InvalidCertificate = 20 => "INVALID-CERTIFICATE",
        CertTypeUnsupported = 21 => "CERT-TYPE-UNSUPPORTED",
        InvalidCertAuthority = 22 => "INVALID-CERT-AUTHORITY",
        InvalidHashInformation = 23 => "INVALID-HASH-INFORMATION",
        AuthenticationFailed = 24 => "AUTHENTICATION-FAILED",
        InvalidSignature = 25 => "INVALID-SIGNATURE",
        AddressNotification = 26 => "ADDRESS-NOTIFICATION",
        NotifySaLifetime = 27 => "NOTIFY-SA-LIFETIME",
        CertificateUnavailable = 28 => "CERTIFICATE-UNAVAILABLE",
        UnsupportedExchangeType = 29 => "UNSUPPORTED-EXCHANGE-TYPE",
        UnequalPayloadLengths = 30 => "UNEQUAL-PAYLOAD-LENGTHS",
        /// RFC 2408 section 3.14.1.
        Connected = 16384 => "CONNECTED",
        /// RFC 2407 section 4.6.3.1.
        ResponderLifetime = 24576 => "RESPONDER-LIFETIME",
        /// RFC 2407 section 4.6.3.2.
        ReplayStatus = 24577 => "REPLAY-STATUS",
        /// RFC 2407 section 4.6.3.3.
        InitialContact = 24578 => "INITIAL-CONTACT",
        /// RFC 3706 section 5.
        RUThere = 36136 => "R-U-THERE",
        /// RFC 3706 section 5.
        RUThereAck = 36137 => "R-U-THERE-ACK",
    }
}

impl NotifyType {
    /// Error types are 1..=16383 (RFC 2408 section 3.14.1).
    #[must_use]
    pub fn is_error(self) -> bool {
        (1..16384).contains(&u16::from(self))
    }
}

code_points! {
    /// Phase 1 SA attribute classes (RFC 2409 Appendix A).
    pub enum Phase1Attribute(u16) {
        EncryptionAlgorithm = 1 => "Encryption Algorithm",
        HashAlgorithm = 2 => "Hash Algorithm",
        AuthenticationMethod = 3 => "Authentication Method",
        GroupDescription = 4 => "Group Description",
        GroupType = 5 => "Group Type",
        GroupPrime = 6 => "Group Prime/Irreducible Polynomial",
        GroupGeneratorOne = 7 => "Group Generator One",
        GroupGeneratorTwo = 8 => "Group Generator Two",
        GroupCurveA = 9 => "Group Curve A",
        GroupCurveB = 10 => "Group Curve B",
        LifeType = 11 => "Life Type",
        LifeDuration = 12 => "Life Duration",
        Prf = 13 => "PRF",
        KeyLength = 14 => "Key Length",
        FieldSize = 15 => "Field Size",
        GroupOrder = 16 => "Group Order",
    }
}

code_points! {
    /// Phase 2 SA attribute types of the IPsec DOI (RFC 2407 section 4.5;
    /// 11 from RFC 4304).
    pub enum Phase2Attribute(u16) {
        SaLifeType = 1 => "SA Life Type",
        SaLifeDuration = 2 => "SA Life Duration",
        GroupDescription = 3 => "Group Description",
        EncapsulationMode = 4 => "Encapsulation Mode",
        AuthenticationAlgorithm = 5 => "Authentication Algorithm",
        KeyLength = 6 => "Key Length",
        KeyRounds = 7 => "Key Rounds",
        CompressDictionarySize = 8 => "Compress Dictionary Size",
        CompressPrivateAlgorithm = 9 => "Compress Private Algorithm",
        ExtendedSequenceNumber = 11 => "Extended (64-bit) Sequence Number",
    }
}

code_points! {
    /// Phase 1 encryption algorithms (RFC 2409 Appendix A; AES from RFC
    /// 3602 section 5).
    pub enum EncryptionAlgorithm(u16) {
        DesCbc = 1 => "DES-CBC",
        IdeaCbc = 2 => "IDEA-CBC",
        BlowfishCbc = 3 => "Blowfish-CBC",
        Rc5Cbc = 4 => "RC5-R16-B64-CBC",
        TripleDesCbc = 5 => "3DES-CBC",
        CastCbc = 6 => "CAST-CBC",
        AesCbc = 7 => "AES-CBC",
    }
}

code_points! {
    /// Phase 1 hash algorithms (RFC 2409 Appendix A; SHA-2 from RFC 4868).
    pub enum HashAlgorithm(u16) {
        Md5 = 1 => "MD5",
        Sha1 = 2 => "SHA",
        Tiger = 3 => "Tiger",
        Sha2_256 = 4 => "SHA2-256",
        Sha2_384 = 5 => "SHA2-384",
        Sha2_512 = 6 => "SHA2-512",
    }
}

code_points! {
    /// Phase 1 authentication methods (RFC 2409 Appendix A).
    pub enum AuthenticationMethod(u16) {
        PreSharedKey = 1 => "pre-shared key",
        DssSignatures = 2 => "DSS signatures",
        RsaSignatures = 3 => "RSA signatures",
        RsaEncryption = 4 => "Encryption with RSA",
        RevisedRsaEncryption = 5 => "Revised encryption with RSA",
        // draft-ietf-ipsec-isakmp-hybrid-auth-05 and racoon's oakley.h
        // (`OAKLEY_ATTR_AUTH_METHOD_*`): XAuth after phase 1.
        HybridInitRsa = 64221 => "HybridInitRSA",
        HybridRespRsa = 64222 => "HybridRespRSA",
        XauthInitPreShared = 65001 => "XAUTHInitPreShared",
        XauthRespPreShared = 65002 => "XAUTHRespPreShared",
        XauthInitRsa = 65005 => "XAUTHInitRSA",
        XauthRespRsa = 65006 => "XAUTHRespRSA",
    }
}

code_points! {
    /// Group descriptions (RFC 2409 section 6 and Appendix A; RFC 3526).
    /// Phase 1 and phase 2 (PFS) share these numbers.
    pub enum GroupDescription(u16) {
        Modp768 = 1 => "modp768",
        Modp1024 = 2 => "modp1024",
        Ec2n155 = 3 => "ec2n155",
        Ec2n185 = 4 => "ec2n185",
        Modp1536 = 5 => "modp1536",
        Modp2048 = 14 => "modp2048",
        Modp3072 = 15 => "modp3072",
        Modp4096 = 16 => "modp4096",
        Modp6144 = 17 => "modp6144",
        Modp8192 = 18 => "modp8192",
    }
}

code_points! {
    /// Life types of phase 1 (RFC 2409 Appendix A) and phase 2 (RFC 2407
    /// section 4.5): the same two values.
    pub enum LifeType(u16) {
        Seconds = 1 => "seconds",
        Kilobytes = 2 => "kilobytes",
    }
}

code_points! {
    /// Encapsulation modes (RFC 2407 section 4.5; UDP-encapsulated modes
    /// from RFC 3947 section 5.1 and the draft numbers 61443/61444).
    pub enum EncapsulationMode(u16) {
        Tunnel = 1 => "Tunnel",
        Transport = 2 => "Transport",
        UdpTunnel = 3 => "UDP-Encapsulated-Tunnel",
        UdpTransport = 4 => "UDP-Encapsulated-Transport",
        UdpTunnelDraft = 61443 => "UDP-Encapsulated-Tunnel (draft)",
        UdpTransportDraft = 61444 => "UDP-Encapsulated-Transport (draft)",
    }
}

code_points! {
    /// Phase 2 authentication algorithms (RFC 2407 section 4.5; SHA-2 from
    /// RFC 4868 section 2.4).
    pub enum AuthenticationAlgorithm(u16) {
        HmacMd5 = 1 => "HMAC-MD5",
        HmacSha = 2 => "HMAC-SHA",
        DesMac = 3 => "DES-MAC",
        Kpdk = 4 => "KPDK",
        HmacSha2_256 = 5 => "HMAC-SHA2-256",
        HmacSha2_384 = 6 => "HMAC-SHA2-384",
        HmacSha2_512 = 7 => "HMAC-SHA2-512",
    }
}

/// Transform identifiers. Their meaning depends on the proposal's protocol
/// (RFC 2407 section 4.4), so they stay plain numbers with named constants.
pub mod transform_id {
    /// The only ISAKMP transform (RFC 2407 section 4.4.2).
    pub const KEY_IKE: u8 = 1;
    /// AH transforms (RFC 2407 section 4.4.3; SHA-2 from RFC 4868).
    pub const AH_MD5: u8 = 2;
    pub const AH_SHA: u8 = 3;
    pub const AH_DES: u8 = 4;
    pub const AH_SHA2_256: u8 = 5;
    pub const AH_SHA2_384: u8 = 6;
    pub const AH_SHA2_512: u8 = 7;
    /// ESP transforms (RFC 2407 section 4.4.4; AES from RFC 3602).
    pub const ESP_DES_IV64: u8 = 1;
    pub const ESP_DES: u8 = 2;
    pub const ESP_3DES: u8 = 3;
    pub const ESP_RC5: u8 = 4;
    pub const ESP_IDEA: u8 = 5;
    pub const ESP_CAST: u8 = 6;
    pub const ESP_BLOWFISH: u8 = 7;
    pub const ESP_3IDEA: u8 = 8;
    pub const ESP_DES_IV32: u8 = 9;
    pub const ESP_RC4: u8 = 10;
    pub const ESP_NULL: u8 = 11;
    pub const ESP_AES: u8 = 12;
    /// IPComp transforms (RFC 2407 section 4.4.5).
    pub const IPCOMP_OUI: u8 = 1;
    pub const IPCOMP_DEFLATE: u8 = 2;
    pub const IPCOMP_LZS: u8 = 3;
}

/// Situation bits of the IPsec DOI (RFC 2407 section 4.2).
pub mod situation {
    pub const SIT_IDENTITY_ONLY: u32 = 0x01;
    pub const SIT_SECRECY: u32 = 0x02;
    pub const SIT_INTEGRITY: u32 = 0x04;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_u8_code_point_round_trips() {
        for n in 0..=u8::MAX {
            assert_eq!(u8::from(PayloadType::from(n)), n);
            assert_eq!(u8::from(ExchangeType::from(n)), n);
            assert_eq!(u8::from(ProtocolId::from(n)), n);
            assert_eq!(u8::from(IdType::from(n)), n);
        }
    }

    #[test]
    fn every_u16_code_point_round_trips() {
        for n in 0..=u16::MAX {
            assert_eq!(u16::from(NotifyType::from(n)), n);
            assert_eq!(u16::from(Phase1Attribute::from(n)), n);
            assert_eq!(u16::from(Phase2Attribute::from(n)), n);
            assert_eq!(u16::from(EncapsulationMode::from(n)), n);
            assert_eq!(u16::from(GroupDescription::from(n)), n);
        }
    }

    #[test]
    fn names_and_unknowns() {
        assert_eq!(PayloadType::from(130), PayloadType::NatDDraft);
        assert_eq!(ExchangeType::from(32), ExchangeType::QuickMode);
        assert_eq!(ExchangeType::from(77), ExchangeType::Unknown(77));
        assert_eq!(NotifyType::from(36136).to_string(), "R-U-THERE");
        assert_eq!(NotifyType::from(14).to_string(), "NO-PROPOSAL-CHOSEN");
        assert_eq!(NotifyType::from(999).to_string(), "999");
        assert!(NotifyType::PayloadMalformed.is_error());
        assert!(!NotifyType::InitialContact.is_error());
        assert_eq!(
            EncapsulationMode::from(61444),
            EncapsulationMode::UdpTransportDraft
        );
        assert_eq!(Doi::from(1), Doi::Ipsec);
    }
}

code_points! {
    /// The kind of an Attribute payload (draft-dukes-ike-mode-cfg-02
    /// section 3.2).
    pub enum CfgType(u8) {
        Request = 1 => "ISAKMP_CFG_REQUEST",
        Reply = 2 => "ISAKMP_CFG_REPLY",
        Set = 3 => "ISAKMP_CFG_SET",
        Ack = 4 => "ISAKMP_CFG_ACK",
    }
}

code_points! {
    /// Configuration attributes: mode_cfg (draft-dukes-ike-mode-cfg-02
    /// section 3.3), XAuth (draft-beaulieu-ike-xauth-02 section 6.1) and
    /// Cisco Unity's, as racoon's isakmp_cfg.h, isakmp_xauth.h and
    /// isakmp_unity.h number them.
    pub enum CfgAttribute(u16) {
        InternalIp4Address = 1 => "INTERNAL_IP4_ADDRESS",
        InternalIp4Netmask = 2 => "INTERNAL_IP4_NETMASK",
        InternalIp4Dns = 3 => "INTERNAL_IP4_DNS",
        InternalIp4Nbns = 4 => "INTERNAL_IP4_NBNS",
        InternalAddressExpiry = 5 => "INTERNAL_ADDRESS_EXPIRY",
        InternalIp4Dhcp = 6 => "INTERNAL_IP4_DHCP",
        ApplicationVersion = 7 => "APPLICATION_VERSION",
        InternalIp4Subnet = 13 => "INTERNAL_IP4_SUBNET",
        SupportedAttributes = 14 => "SUPPORTED_ATTRIBUTES",
        XauthType = 16520 => "XAUTH_TYPE",
        XauthUserName = 16521 => "XAUTH_USER_NAME",
        XauthUserPassword = 16522 => "XAUTH_USER_PASSWORD",
        XauthPasscode = 16523 => "XAUTH_PASSCODE",
        XauthMessage = 16524 => "XAUTH_MESSAGE",
        XauthChallenge = 16525 => "XAUTH_CHALLENGE",
        XauthDomain = 16526 => "XAUTH_DOMAIN",
        XauthStatus = 16527 => "XAUTH_STATUS",
        XauthNextPin = 16528 => "XAUTH_NEXT_PIN",
        XauthAnswer = 16529 => "XAUTH_ANSWER",
        UnityBanner = 28672 => "UNITY_BANNER",
        UnitySavePasswd = 28673 => "UNITY_SAVE_PASSWD",
        UnityDefDomain = 28674 => "UNITY_DEF_DOMAIN",
        UnitySplitDnsName = 28675 => "UNITY_SPLITDNS_NAME",
        UnitySplitInclude = 28676 => "UNITY_SPLIT_INCLUDE",
        UnityNattPort = 28677 => "UNITY_NATT_PORT",
        UnityLocalLan = 28678 => "UNITY_LOCAL_LAN",
        UnityPfs = 28679 => "UNITY_PFS",
        UnityFwType = 28680 => "UNITY_FW_TYPE",
        UnityBackupServers = 28681 => "UNITY_BACKUP_SERVERS",
        UnityDdnsHostname = 28682 => "UNITY_DDNS_HOSTNAME",
    }
}
