//! The algorithms vpnlab implements, with the names setkey(8) uses, the
//! key lengths each accepts, and the exact strings of Wireshark's ESP SA
//! table (they are case sensitive).

/// ESP encryption transforms.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EncAlg {
    /// RFC 2410.
    Null,
    /// RFC 2405.
    DesCbc,
    /// RFC 2451.
    TripleDesCbc,
    /// RFC 3602, 128/192/256-bit keys.
    AesCbc,
    /// RFC 3686: the key is followed by a 4-byte nonce.
    AesCtr,
    /// RFC 2451: Blowfish, 40- to 448-bit keys.
    BlowfishCbc,
    /// RFC 2451 and RFC 2144: CAST-128 (CAST5), 40- to 128-bit keys.
    Cast128Cbc,
    /// Twofish in CBC (Linux `twofish`), 128-, 192- or 256-bit keys.
    TwofishCbc,
    /// RFC 4312: Camellia, 128-, 192- or 256-bit keys.
    CamelliaCbc,
    /// RFC 4106 with an 8-byte ICV (transform 18): the key is followed by
    /// a 4-byte salt.
    AesGcm8,
    /// RFC 4106 with a 12-byte ICV (transform 19).
    AesGcm12,
    /// RFC 4106 with a 16-byte ICV (transform 20): the key is followed by a 4-byte salt.
    AesGcm16,
}

/// Integrity transforms for AH and ESP (truncated HMACs).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AuthAlg {
    Null,
    /// RFC 2403: HMAC-MD5-96.
    HmacMd5,
    /// RFC 2404: HMAC-SHA-1-96.
    HmacSha1,
    /// RFC 4868: HMAC-SHA-256-128.
    HmacSha256,
    /// RFC 4868: HMAC-SHA-384-192.
    HmacSha384,
    /// RFC 4868: HMAC-SHA-512-256.
    HmacSha512,
    /// RFC 2857: HMAC-RIPEMD-160-96.
    HmacRipemd160,
}

/// Blowfish keys from 5 to 56 bytes (RFC 2451 §2.2: 40 to 448 bits).
const BLOWFISH_KEY_LENS: [usize; 52] = {
    let mut lens = [0; 52];
    let mut i = 0;
    while i < 52 {
        lens[i] = i + 5;
        i += 1;
    }
    lens
};

/// Names setkey knows but vpnlab does not implement: a clear error, never
/// a silent substitute.
pub const UNSUPPORTED_ENC: &[&str] = &["des-deriv", "des-32iv", "null-aes-gmac"];
pub const UNSUPPORTED_AUTH: &[&str] = &["keyed-md5", "keyed-sha1", "aes-xcbc-mac", "tcp-md5"];

impl EncAlg {
    pub const ALL: [EncAlg; 12] = [
        EncAlg::Null,
        EncAlg::DesCbc,
        EncAlg::TripleDesCbc,
        EncAlg::AesCbc,
        EncAlg::AesCtr,
        EncAlg::BlowfishCbc,
        EncAlg::Cast128Cbc,
        EncAlg::TwofishCbc,
        EncAlg::CamelliaCbc,
        EncAlg::AesGcm8,
        EncAlg::AesGcm12,
        EncAlg::AesGcm16,
    ];

    /// setkey's `-E` names (ipsec-tools), with the aliases Linux users write.
    pub fn from_setkey(name: &str) -> Option<EncAlg> {
        Some(match name {
            "null" => EncAlg::Null,
            "des-cbc" => EncAlg::DesCbc,
            "3des-cbc" => EncAlg::TripleDesCbc,
            "aes-cbc" | "rijndael-cbc" => EncAlg::AesCbc,
            "aes-ctr" | "rijndael-ctr" => EncAlg::AesCtr,
            "blowfish-cbc" => EncAlg::BlowfishCbc,
            "cast128-cbc" => EncAlg::Cast128Cbc,
            "twofish-cbc" => EncAlg::TwofishCbc,
            "camellia-cbc" => EncAlg::CamelliaCbc,
            "aes-gcm-8" | "rijndael-gcm-8" => EncAlg::AesGcm8,
            "aes-gcm-12" | "rijndael-gcm-12" => EncAlg::AesGcm12,
            "aes-gcm-16" | "rijndael-gcm-16" | "aes-gcm" => EncAlg::AesGcm16,
            _ => return None,
        })
    }

    pub fn setkey_name(self) -> &'static str {
        match self {
            EncAlg::Null => "null",
            EncAlg::DesCbc => "des-cbc",
            EncAlg::TripleDesCbc => "3des-cbc",
            EncAlg::AesCbc => "aes-cbc",
            EncAlg::AesCtr => "aes-ctr",
            EncAlg::BlowfishCbc => "blowfish-cbc",
            EncAlg::Cast128Cbc => "cast128-cbc",
            EncAlg::TwofishCbc => "twofish-cbc",
            EncAlg::CamelliaCbc => "camellia-cbc",
            EncAlg::AesGcm8 => "aes-gcm-8",
            EncAlg::AesGcm12 => "aes-gcm-12",
            EncAlg::AesGcm16 => "aes-gcm-16",
        }
    }

    /// Key lengths in bytes that setkey accepts (including nonce or salt).
    pub fn key_lens(self) -> &'static [usize] {
        match self {
            EncAlg::Null => &[0],
            EncAlg::DesCbc => &[8],
            EncAlg::TripleDesCbc => &[24],
            EncAlg::AesCbc | EncAlg::TwofishCbc | EncAlg::CamelliaCbc => &[16, 24, 32],
            // Linux's limits: blowfish 40 to 448 bits, cast5 40 to 128.
            EncAlg::BlowfishCbc => &BLOWFISH_KEY_LENS,
            EncAlg::Cast128Cbc => &[5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16],
            EncAlg::AesCtr | EncAlg::AesGcm8 | EncAlg::AesGcm12 | EncAlg::AesGcm16 => &[20, 28, 36],
        }
    }

    /// Bytes of IV carried in each ESP packet.
    pub fn iv_len(self) -> usize {
        match self {
            EncAlg::Null => 0,
            EncAlg::AesCbc | EncAlg::TwofishCbc | EncAlg::CamelliaCbc => 16,
            _ => 8,
        }
    }

    /// The payload (through Next Header) is padded to a multiple of this
    /// (RFC 4303 §2.4: at least 4).
    pub fn block_len(self) -> usize {
        match self {
            EncAlg::DesCbc | EncAlg::TripleDesCbc | EncAlg::BlowfishCbc | EncAlg::Cast128Cbc => 8,
            EncAlg::AesCbc | EncAlg::TwofishCbc | EncAlg::CamelliaCbc => 16,
            _ => 4,
        }
    }

    /// ICV produced by the cipher itself (combined mode), in bytes.
    pub fn aead_icv_len(self) -> usize {
        match self {
            EncAlg::AesGcm8 => 8,
            EncAlg::AesGcm12 => 12,
            EncAlg::AesGcm16 => 16,
            _ => 0,
        }
    }

    pub fn is_aead(self) -> bool {
        self.aead_icv_len() > 0
    }

    /// Wireshark's ESP SA table string for this algorithm; `None` for
    /// the one Wireshark 4.0 does not decrypt (Camellia), whose SAs are
    /// left out of `esp_sa` (a row it cannot read spoils the whole table).
    pub fn wireshark_name(self) -> Option<&'static str> {
        Some(match self {
            EncAlg::Null => "NULL",
            EncAlg::DesCbc => "DES-CBC [RFC2405]",
            EncAlg::TripleDesCbc => "TripleDES-CBC [RFC2451]",
            EncAlg::AesCbc => "AES-CBC [RFC3602]",
            EncAlg::AesCtr => "AES-CTR [RFC3686]",
            EncAlg::BlowfishCbc => "BLOWFISH-CBC [RFC2451]",
            EncAlg::Cast128Cbc => "CAST5-CBC [RFC2144]",
            EncAlg::TwofishCbc => "TWOFISH-CBC",
            EncAlg::CamelliaCbc => return None,
            EncAlg::AesGcm8 => "AES-GCM with 8 octet ICV [RFC4106]",
            EncAlg::AesGcm12 => "AES-GCM with 12 octet ICV [RFC4106]",
            EncAlg::AesGcm16 => "AES-GCM with 16 octet ICV [RFC4106]",
        })
    }
}

impl AuthAlg {
    pub const ALL: [AuthAlg; 7] = [
        AuthAlg::Null,
        AuthAlg::HmacMd5,
        AuthAlg::HmacSha1,
        AuthAlg::HmacSha256,
        AuthAlg::HmacSha384,
        AuthAlg::HmacSha512,
        AuthAlg::HmacRipemd160,
    ];

    /// setkey's `-A` names.
    pub fn from_setkey(name: &str) -> Option<AuthAlg> {
        Some(match name {
            "null" => AuthAlg::Null,
            "hmac-md5" => AuthAlg::HmacMd5,
            "hmac-sha1" => AuthAlg::HmacSha1,
            "hmac-sha256" | "hmac-sha2-256" => AuthAlg::HmacSha256,
            "hmac-sha384" | "hmac-sha2-384" => AuthAlg::HmacSha384,
            "hmac-sha512" | "hmac-sha2-512" => AuthAlg::HmacSha512,
            "hmac-ripemd160" => AuthAlg::HmacRipemd160,
            _ => return None,
        })
    }

    pub fn setkey_name(self) -> &'static str {
        match self {
            AuthAlg::Null => "null",
            AuthAlg::HmacMd5 => "hmac-md5",
            AuthAlg::HmacSha1 => "hmac-sha1",
            AuthAlg::HmacSha256 => "hmac-sha256",
            AuthAlg::HmacSha384 => "hmac-sha384",
            AuthAlg::HmacSha512 => "hmac-sha512",
            AuthAlg::HmacRipemd160 => "hmac-ripemd160",
        }
    }

    /// Key length in bytes (RFC 2403, 2404, 4868: the hash's output size).
    pub fn key_lens(self) -> &'static [usize] {
        match self {
            AuthAlg::Null => &[0],
            AuthAlg::HmacMd5 => &[16],
            AuthAlg::HmacSha1 | AuthAlg::HmacRipemd160 => &[20],
            AuthAlg::HmacSha256 => &[32],
            AuthAlg::HmacSha384 => &[48],
            AuthAlg::HmacSha512 => &[64],
        }
    }

    /// Truncated ICV length in bytes.
    pub fn icv_len(self) -> usize {
        match self {
            AuthAlg::Null => 0,
            AuthAlg::HmacMd5 | AuthAlg::HmacSha1 | AuthAlg::HmacRipemd160 => 12,
            AuthAlg::HmacSha256 => 16,
            AuthAlg::HmacSha384 => 24,
            AuthAlg::HmacSha512 => 32,
        }
    }

    /// Wireshark's ESP SA table string for this algorithm.
    pub fn wireshark_name(self) -> &'static str {
        match self {
            AuthAlg::Null => "NULL",
            AuthAlg::HmacMd5 => "HMAC-MD5-96 [RFC2403]",
            AuthAlg::HmacSha1 => "HMAC-SHA-1-96 [RFC2404]",
            AuthAlg::HmacSha256 => "HMAC-SHA-256-128 [RFC4868]",
            AuthAlg::HmacSha384 => "HMAC-SHA-384-192 [RFC4868]",
            AuthAlg::HmacSha512 => "HMAC-SHA-512-256 [RFC4868]",
            // Wireshark 4.0's own spelling.
            AuthAlg::HmacRipemd160 => "MAC-RIPEMD-160-96 [RFC2857]",
        }
    }
}
