//! The IKEv1 key schedule and message protection of RFC 2409 as pure
//! functions: the negotiated PRF and hash ([`Prf`]), SKEYID and its
//! descendants (§5), the Appendix B key expansion, HASH_I/HASH_R (§5),
//! the Quick Mode and Informational hashes (§5.5, §5.7), KEYMAT (§5.5),
//! the phase 1 and phase 2 IVs (Appendix B) and CBC encryption of ISAKMP
//! payloads with racoon-compatible padding ([`MessageCipher`]).
//!
//! Byte-string arguments follow RFC 2409 §3.2: `_b` means the body of a
//! payload without its generic header (`ni_b`, `sai_b`, `idii_b`); a
//! "payload" argument is the payload with its generic header, as it
//! appears in the message. Message IDs are written big-endian, as in the
//! ISAKMP header (RFC 2408 §3.1). Nothing here panics on any input.

use std::fmt;

use hmac::{Hmac, KeyInit, Mac};
use md5::Md5;
use sha1::Sha1;
use sha2::{Digest, Sha256, Sha384, Sha512};
use subtle::ConstantTimeEq;

use super::alg::EncAlg;
use super::transform::{Cipher, CryptoError};

// ---------------------------------------------------------------------------
// PRF and hash
// ---------------------------------------------------------------------------

/// The phase 1 PRF: the HMAC of the negotiated hash algorithm (RFC 2409
/// §4: "the HMAC version of the negotiated hash algorithm is used as a
/// pseudo-random function" when no PRF attribute is negotiated, which
/// racoon never does).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Prf {
    /// Hash algorithm 1, MD5 (RFC 2409 Appendix A).
    HmacMd5,
    /// Hash algorithm 2, SHA (RFC 2409 Appendix A).
    HmacSha1,
    /// Hash algorithm 4, SHA2-256 (IANA IPsec registry; RFC 4868 §2.1.1
    /// for HMAC-SHA-256).
    HmacSha256,
    /// Hash algorithm 5, SHA2-384 (racoon `OAKLEY_ATTR_HASH_ALG_SHA2_384`).
    HmacSha384,
    /// Hash algorithm 6, SHA2-512 (racoon `OAKLEY_ATTR_HASH_ALG_SHA2_512`).
    HmacSha512,
}

impl Prf {
    pub const ALL: [Prf; 5] = [
        Prf::HmacMd5,
        Prf::HmacSha1,
        Prf::HmacSha256,
        Prf::HmacSha384,
        Prf::HmacSha512,
    ];

    /// From the phase 1 Hash Algorithm attribute (RFC 2409 Appendix A).
    pub fn from_hash_id(id: u16) -> Option<Prf> {
        Prf::ALL.into_iter().find(|prf| prf.hash_id() == id)
    }

    pub fn hash_id(self) -> u16 {
        match self {
            Prf::HmacMd5 => 1,
            Prf::HmacSha1 => 2,
            Prf::HmacSha256 => 4,
            Prf::HmacSha384 => 5,
            Prf::HmacSha512 => 6,
        }
    }

    /// racoon.conf's `hash_algorithm` names.
    pub fn from_racoon_name(name: &str) -> Option<Prf> {
        Prf::ALL.into_iter().find(|prf| prf.racoon_name() == name)
    }

    pub fn racoon_name(self) -> &'static str {
        match self {
            Prf::HmacMd5 => "md5",
            Prf::HmacSha1 => "sha1",
            Prf::HmacSha256 => "sha256",
            Prf::HmacSha384 => "sha384",
            Prf::HmacSha512 => "sha512",
        }
    }

    /// Output length in bytes of both the PRF and the hash.
    pub fn output_len(self) -> usize {
        match self {
            Prf::HmacMd5 => 16,
            Prf::HmacSha1 => 20,
            Prf::HmacSha256 => 32,
            Prf::HmacSha384 => 48,
            Prf::HmacSha512 => 64,
        }
    }

    /// prf(key, parts[0] | parts[1] | ...): the full, untruncated HMAC
    /// (RFC 2104) with a key of any length.
    pub fn prf(self, key: &[u8], parts: &[&[u8]]) -> Vec<u8> {
        match self {
            Prf::HmacMd5 => hmac::<Md5>(key, parts),
            Prf::HmacSha1 => hmac::<Sha1>(key, parts),
            Prf::HmacSha256 => hmac::<Sha256>(key, parts),
            Prf::HmacSha384 => hmac::<Sha384>(key, parts),
            Prf::HmacSha512 => hmac::<Sha512>(key, parts),
        }
    }

    /// The bare hash of the negotiated algorithm over the concatenation of
    /// `parts`: RFC 2409 Appendix B derives IVs with it, not with the PRF.
    pub fn hash(self, parts: &[&[u8]]) -> Vec<u8> {
        match self {
            Prf::HmacMd5 => digest::<Md5>(parts),
            Prf::HmacSha1 => digest::<Sha1>(parts),
            Prf::HmacSha256 => digest::<Sha256>(parts),
            Prf::HmacSha384 => digest::<Sha384>(parts),
            Prf::HmacSha512 => digest::<Sha512>(parts),
        }
    }
}

impl fmt::Display for Prf {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.racoon_name())
    }
}

fn hmac<D>(key: &[u8], parts: &[&[u8]]) -> Vec<u8>
where
    Hmac<D>: KeyInit + Mac,
    D: hmac::EagerHash,
{
    // RFC 2104 §2 accepts keys of any length and hmac 0.13 never refuses
    // one; should that ever change, an empty output fails every hash
    // comparison and every key-length check downstream instead of panicking.
    let Ok(mut mac) = <Hmac<D> as KeyInit>::new_from_slice(key) else {
        return Vec::new();
    };
    for part in parts {
        mac.update(part);
    }
    mac.finalize().into_bytes().to_vec()
}

fn digest<D: Digest>(parts: &[&[u8]]) -> Vec<u8> {
    let mut hash = D::new();
    for part in parts {
        hash.update(part);
    }
    hash.finalize().to_vec()
}

/// Compares a computed HASH with the one received, in constant time;
/// false on a length mismatch.
pub fn hashes_match(computed: &[u8], received: &[u8]) -> bool {
    computed.ct_eq(received).into()
}

// ---------------------------------------------------------------------------
// Phase 1 encryption algorithms
// ---------------------------------------------------------------------------

/// A phase 1 encryption algorithm with its key size (RFC 2409 Appendix A;
/// AES per RFC 3602 §5.3). All are CBC.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum IkeCipher {
    /// Encryption algorithm 1.
    DesCbc,
    /// Encryption algorithm 5.
    TripleDesCbc,
    /// Encryption algorithm 7 with Key Length 128 (or none, as racoon).
    AesCbc128,
    /// Encryption algorithm 7 with Key Length 192.
    AesCbc192,
    /// Encryption algorithm 7 with Key Length 256.
    AesCbc256,
    /// Encryption algorithm 3, Blowfish-CBC (RFC 2451): 40 to 448 bits.
    Blowfish { bits: u16 },
    /// Encryption algorithm 6, CAST-128-CBC (RFC 2144): 40 to 128 bits.
    Cast128 { bits: u16 },
    /// Encryption algorithm 8, Camellia-CBC (RFC 4312): 128, 192 or 256 bits.
    Camellia { bits: u16 },
}

impl IkeCipher {
    /// One of each kind, the variable-key ciphers at racoon's default
    /// 128 bits (algorithm.c `default_keylen`).
    pub const ALL: [IkeCipher; 8] = [
        IkeCipher::DesCbc,
        IkeCipher::TripleDesCbc,
        IkeCipher::AesCbc128,
        IkeCipher::AesCbc192,
        IkeCipher::AesCbc256,
        IkeCipher::Blowfish { bits: 128 },
        IkeCipher::Cast128 { bits: 128 },
        IkeCipher::Camellia { bits: 128 },
    ];

    /// From the Encryption Algorithm and Key Length attributes (RFC 2409
    /// Appendix A). DES and 3DES have a fixed key and take no Key Length.
    /// Without one the key is what racoon's key-length function gives for
    /// 0 (crypto_openssl.c): `eay_aes_keylen` and `eay_camellia_keylen`
    /// 128, `eay_cast_keylen` 128, `eay_bf_keylen` 448. A length out of
    /// the function's range, or not a multiple of 8 (ipsec_doi.c
    /// `t2isakmpsa`), is refused.
    pub fn from_attributes(enc_id: u16, key_bits: Option<u16>) -> Option<IkeCipher> {
        let variable = |lo: u16, hi: u16, none: u16| {
            let bits = key_bits.unwrap_or(none);
            (bits.is_multiple_of(8) && (lo..=hi).contains(&bits)).then_some(bits)
        };
        let three = matches!(key_bits, None | Some(128 | 192 | 256));
        match (enc_id, key_bits) {
            (1, None) => Some(IkeCipher::DesCbc),
            (5, None) => Some(IkeCipher::TripleDesCbc),
            (7, None | Some(128)) => Some(IkeCipher::AesCbc128),
            (7, Some(192)) => Some(IkeCipher::AesCbc192),
            (7, Some(256)) => Some(IkeCipher::AesCbc256),
            (3, _) => variable(40, 448, 448).map(|bits| IkeCipher::Blowfish { bits }),
            (6, _) => variable(40, 128, 128).map(|bits| IkeCipher::Cast128 { bits }),
            (8, _) if three => Some(IkeCipher::Camellia {
                bits: key_bits.unwrap_or(128),
            }),
            _ => None,
        }
    }

    /// racoon.conf's `encryption_algorithm des | 3des | aes | blowfish |
    /// cast128 | camellia [bits]`.
    pub fn from_racoon_name(name: &str, key_bits: Option<u16>) -> Option<IkeCipher> {
        let id = match name {
            "des" => 1,
            "3des" => 5,
            "aes" => 7,
            "blowfish" => 3,
            "cast128" => 6,
            "camellia" => 8,
            _ => return None,
        };
        IkeCipher::from_attributes(id, key_bits)
    }

    pub fn enc_id(self) -> u16 {
        match self {
            IkeCipher::DesCbc => 1,
            IkeCipher::TripleDesCbc => 5,
            IkeCipher::AesCbc128 | IkeCipher::AesCbc192 | IkeCipher::AesCbc256 => 7,
            IkeCipher::Blowfish { .. } => 3,
            IkeCipher::Cast128 { .. } => 6,
            IkeCipher::Camellia { .. } => 8,
        }
    }

    /// The Key Length attribute to send: every cipher with a variable key
    /// (racoon sends its `encklen`, 128 by default, ipsec_doi.c
    /// `setph1attr`).
    pub fn key_bits(self) -> Option<u16> {
        match self {
            IkeCipher::DesCbc | IkeCipher::TripleDesCbc => None,
            IkeCipher::AesCbc128 => Some(128),
            IkeCipher::AesCbc192 => Some(192),
            IkeCipher::AesCbc256 => Some(256),
            IkeCipher::Blowfish { bits }
            | IkeCipher::Cast128 { bits }
            | IkeCipher::Camellia { bits } => Some(bits),
        }
    }

    pub fn racoon_name(self) -> &'static str {
        match self {
            IkeCipher::DesCbc => "des",
            IkeCipher::TripleDesCbc => "3des",
            IkeCipher::AesCbc128 | IkeCipher::AesCbc192 | IkeCipher::AesCbc256 => "aes",
            IkeCipher::Blowfish { .. } => "blowfish",
            IkeCipher::Cast128 { .. } => "cast128",
            IkeCipher::Camellia { .. } => "camellia",
        }
    }

    /// Key length in bytes.
    pub fn key_len(self) -> usize {
        match self {
            IkeCipher::DesCbc => 8,
            IkeCipher::TripleDesCbc | IkeCipher::AesCbc192 => 24,
            IkeCipher::AesCbc128 => 16,
            IkeCipher::AesCbc256 => 32,
            IkeCipher::Blowfish { bits }
            | IkeCipher::Cast128 { bits }
            | IkeCipher::Camellia { bits } => usize::from(bits / 8),
        }
    }

    /// Whether Wireshark 4.0 can decrypt an ISAKMP SA with it: its IKEv1
    /// decryption knows DES, 3DES and AES only (packet-isakmp.c
    /// `decrypt_payload`).
    pub fn wireshark_decrypts(self) -> bool {
        matches!(
            self,
            IkeCipher::DesCbc
                | IkeCipher::TripleDesCbc
                | IkeCipher::AesCbc128
                | IkeCipher::AesCbc192
                | IkeCipher::AesCbc256
        )
    }

    /// Block length in bytes: the IV length and the padding unit.
    pub fn block_len(self) -> usize {
        self.enc_alg().block_len()
    }

    /// The same CBC transform as ESP uses.
    pub fn enc_alg(self) -> EncAlg {
        match self {
            IkeCipher::DesCbc => EncAlg::DesCbc,
            IkeCipher::TripleDesCbc => EncAlg::TripleDesCbc,
            IkeCipher::AesCbc128 | IkeCipher::AesCbc192 | IkeCipher::AesCbc256 => EncAlg::AesCbc,
            IkeCipher::Blowfish { .. } => EncAlg::BlowfishCbc,
            IkeCipher::Cast128 { .. } => EncAlg::Cast128Cbc,
            IkeCipher::Camellia { .. } => EncAlg::CamelliaCbc,
        }
    }
}

// ---------------------------------------------------------------------------
// Phase 1 key schedule (RFC 2409 §5, Appendix B)
// ---------------------------------------------------------------------------

/// The public values of a phase 1 exchange that its hashes and IV cover.
#[derive(Clone, Copy, Debug)]
pub struct Phase1Public<'a> {
    /// Initiator's KE data, g^xi.
    pub g_xi: &'a [u8],
    /// Responder's KE data, g^xr.
    pub g_xr: &'a [u8],
    /// Initiator cookie (RFC 2408 §3.1).
    pub cky_i: [u8; 8],
    /// Responder cookie.
    pub cky_r: [u8; 8],
}

/// SKEYID_d, SKEYID_a and SKEYID_e (RFC 2409 §5).
#[derive(Clone, PartialEq, Eq)]
pub struct SkeyidChain {
    /// Keys the phase 2 KEYMAT.
    pub skeyid_d: Vec<u8>,
    /// Keys the phase 2 and Informational HASHes.
    pub skeyid_a: Vec<u8>,
    /// Source of the ISAKMP SA's encryption key.
    pub skeyid_e: Vec<u8>,
}

impl fmt::Debug for SkeyidChain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SkeyidChain").finish_non_exhaustive()
    }
}

/// Everything an ISAKMP SA keeps after phase 1 key derivation.
#[derive(Clone, PartialEq, Eq)]
pub struct Phase1Keys {
    pub skeyid: Vec<u8>,
    pub skeyid_d: Vec<u8>,
    pub skeyid_a: Vec<u8>,
    pub skeyid_e: Vec<u8>,
    /// The cipher key, `cipher.key_len()` bytes (Appendix B).
    pub enc_key: Vec<u8>,
    /// The IV of the first encrypted phase 1 message (Appendix B).
    pub iv: Vec<u8>,
}

impl fmt::Debug for Phase1Keys {
    /// Shows no key material.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Phase1Keys").finish_non_exhaustive()
    }
}

impl Phase1Keys {
    /// SKEYID_d/_a/_e, the encryption key and the first IV from SKEYID
    /// (see [`skeyid_psk`]) and g^xy.
    pub fn new(
        prf: Prf,
        cipher: IkeCipher,
        skeyid: Vec<u8>,
        g_xy: &[u8],
        public: &Phase1Public<'_>,
    ) -> Phase1Keys {
        let chain = derive(prf, &skeyid, g_xy, &public.cky_i, &public.cky_r);
        let enc_key = encryption_key(prf, &chain.skeyid_e, cipher.key_len());
        let iv = phase1_iv(prf, cipher, public.g_xi, public.g_xr);
        Phase1Keys {
            skeyid,
            skeyid_d: chain.skeyid_d,
            skeyid_a: chain.skeyid_a,
            skeyid_e: chain.skeyid_e,
            enc_key,
            iv,
        }
    }
}

/// RFC 2409 §5, pre-shared keys: SKEYID = prf(pre-shared-key, Ni_b | Nr_b).
pub fn skeyid_psk(prf: Prf, psk: &[u8], ni_b: &[u8], nr_b: &[u8]) -> Vec<u8> {
    prf.prf(psk, &[ni_b, nr_b])
}

/// RFC 2409 §5:
/// SKEYID_d = prf(SKEYID, g^xy | CKY-I | CKY-R | 0),
/// SKEYID_a = prf(SKEYID, SKEYID_d | g^xy | CKY-I | CKY-R | 1),
/// SKEYID_e = prf(SKEYID, SKEYID_a | g^xy | CKY-I | CKY-R | 2),
/// where 0, 1 and 2 are single octets.
pub fn derive(
    prf: Prf,
    skeyid: &[u8],
    g_xy: &[u8],
    cky_i: &[u8; 8],
    cky_r: &[u8; 8],
) -> SkeyidChain {
    let skeyid_d = prf.prf(skeyid, &[g_xy, cky_i, cky_r, &[0]]);
    let skeyid_a = prf.prf(skeyid, &[&skeyid_d, g_xy, cky_i, cky_r, &[1]]);
    let skeyid_e = prf.prf(skeyid, &[&skeyid_a, g_xy, cky_i, cky_r, &[2]]);
    SkeyidChain {
        skeyid_d,
        skeyid_a,
        skeyid_e,
    }
}

/// RFC 2409 Appendix B: the first `key_len` bytes of SKEYID_e when it is
/// long enough; otherwise of Ka = K1 | K2 | ... with K1 = prf(SKEYID_e, 0)
/// (a single zero octet) and Kn = prf(SKEYID_e, K(n-1)). racoon's
/// `oakley_compute_enckey` does the same.
pub fn encryption_key(prf: Prf, skeyid_e: &[u8], key_len: usize) -> Vec<u8> {
    if key_len <= skeyid_e.len() {
        return skeyid_e[..key_len].to_vec();
    }
    let mut key = Vec::with_capacity(key_len + prf.output_len());
    let mut block = prf.prf(skeyid_e, &[&[0]]);
    while key.len() < key_len && !block.is_empty() {
        key.extend_from_slice(&block);
        block = prf.prf(skeyid_e, &[&block]);
    }
    key.truncate(key_len);
    key
}

/// RFC 2409 §5: HASH_I = prf(SKEYID, g^xi | g^xr | CKY-I | CKY-R | SAi_b |
/// IDii_b). `sai_b` is the initiator's whole SA payload body as sent (both
/// sides hash the initiator's offer, RFC 2409 §5); `idii_b` the
/// initiator's ID payload body.
pub fn hash_i(
    prf: Prf,
    skeyid: &[u8],
    public: &Phase1Public<'_>,
    sai_b: &[u8],
    idii_b: &[u8],
) -> Vec<u8> {
    let parts: [&[u8]; 6] = [
        public.g_xi,
        public.g_xr,
        &public.cky_i,
        &public.cky_r,
        sai_b,
        idii_b,
    ];
    prf.prf(skeyid, &parts)
}

/// RFC 2409 §5: HASH_R = prf(SKEYID, g^xr | g^xi | CKY-R | CKY-I | SAi_b |
/// IDir_b).
pub fn hash_r(
    prf: Prf,
    skeyid: &[u8],
    public: &Phase1Public<'_>,
    sai_b: &[u8],
    idir_b: &[u8],
) -> Vec<u8> {
    let parts: [&[u8]; 6] = [
        public.g_xr,
        public.g_xi,
        &public.cky_r,
        &public.cky_i,
        sai_b,
        idir_b,
    ];
    prf.prf(skeyid, &parts)
}

/// RFC 2409 §5 for signatures: SKEYID = prf(Ni_b | Nr_b, g^xy) (racoon
/// `oakley_skeyid`, the nonces as the key).
pub fn skeyid_sig(prf: Prf, ni_b: &[u8], nr_b: &[u8], g_xy: &[u8]) -> Vec<u8> {
    let key = [ni_b, nr_b].concat();
    prf.prf(&key, &[g_xy])
}

/// Base mode's HASH_I (racoon `oakley_ph1hash_base_i` for pre-shared
/// keys): prf(SKEYID, g^xi | CKY-I | CKY-R | SAi_b | IDii_b). The
/// initiator sends it with its KE, before it has g^xr, so only its own
/// public value is covered. HASH_R is main mode's ([`hash_r`]).
pub fn hash_i_base(
    prf: Prf,
    skeyid: &[u8],
    g_xi: &[u8],
    cookies: ([u8; 8], [u8; 8]),
    sai_b: &[u8],
    idii_b: &[u8],
) -> Vec<u8> {
    prf.prf(skeyid, &[g_xi, &cookies.0, &cookies.1, sai_b, idii_b])
}

/// Base mode's HASH_I with signatures (racoon `oakley_ph1hash_base_i`):
/// prf(hash(Nr_b | Ni_b), g^xi | CKY-I | CKY-R | SAi_b | IDii_b), the key
/// the negotiated hash of the two nonces, responder's first.
pub fn hash_i_base_sig(
    prf: Prf,
    (ni_b, nr_b): (&[u8], &[u8]),
    g_xi: &[u8],
    cookies: ([u8; 8], [u8; 8]),
    sai_b: &[u8],
    idii_b: &[u8],
) -> Vec<u8> {
    let key = prf.hash(&[nr_b, ni_b]);
    prf.prf(&key, &[g_xi, &cookies.0, &cookies.1, sai_b, idii_b])
}

/// Base mode's HASH_R with signatures (racoon `oakley_ph1hash_base_r`):
/// prf(hash(Ni_b | Nr_b), g^xi | g^xr | CKY-I | CKY-R | SAi_b | IDii_b).
/// racoon puts the initiator's ID in it, not the responder's.
pub fn hash_r_base_sig(
    prf: Prf,
    (ni_b, nr_b): (&[u8], &[u8]),
    (g_xi, g_xr): (&[u8], &[u8]),
    cookies: ([u8; 8], [u8; 8]),
    sai_b: &[u8],
    idii_b: &[u8],
) -> Vec<u8> {
    let key = prf.hash(&[ni_b, nr_b]);
    prf.prf(&key, &[g_xi, g_xr, &cookies.0, &cookies.1, sai_b, idii_b])
}

// ---------------------------------------------------------------------------
// IVs (RFC 2409 Appendix B)
// ---------------------------------------------------------------------------

/// RFC 2409 Appendix B: the phase 1 IV is hash(g^xi | g^xr) with the
/// negotiated hash (not the PRF), truncated to the cipher's block. Every
/// hash here is at least as long as every block.
pub fn phase1_iv(prf: Prf, cipher: IkeCipher, g_xi: &[u8], g_xr: &[u8]) -> Vec<u8> {
    truncated(prf.hash(&[g_xi, g_xr]), cipher.block_len())
}

/// RFC 2409 Appendix B: the IV of a phase 2 (Quick Mode) or Informational
/// exchange is hash(last phase 1 CBC output block | M-ID), truncated to
/// the block. `last_phase1_block` is the IV phase 1 ended with, i.e. the
/// last ciphertext block of the final phase 1 message (racoon's
/// `iph1->ivm->iv`, as `oakley_newiv2` uses it).
pub fn phase2_iv(
    prf: Prf,
    cipher: IkeCipher,
    last_phase1_block: &[u8],
    message_id: u32,
) -> Vec<u8> {
    let m_id = message_id.to_be_bytes();
    truncated(prf.hash(&[last_phase1_block, &m_id]), cipher.block_len())
}

/// RFC 2409 Appendix B: within an exchange, each message's IV is the last
/// ciphertext block of the previous message. None if `ciphertext` is
/// shorter than a block.
pub fn next_iv(cipher: IkeCipher, ciphertext: &[u8]) -> Option<Vec<u8>> {
    let start = ciphertext.len().checked_sub(cipher.block_len())?;
    Some(ciphertext[start..].to_vec())
}

fn truncated(mut bytes: Vec<u8>, len: usize) -> Vec<u8> {
    bytes.truncate(len);
    bytes
}

// ---------------------------------------------------------------------------
// Phase 2 and Informational hashes (RFC 2409 §5.5, §5.7)
// ---------------------------------------------------------------------------

/// RFC 2409 §5.5: HASH(1) = prf(SKEYID_a, M-ID | SA | Ni [ | KE ] [ | IDci |
/// IDcr ]): `payloads` are every payload after HASH(1), with their generic
/// headers, in message order, without the encryption padding.
pub fn quick_hash1(prf: Prf, skeyid_a: &[u8], message_id: u32, payloads: &[&[u8]]) -> Vec<u8> {
    prf_after_message_id(prf, skeyid_a, &[], message_id, &[], payloads)
}

/// RFC 2409 §5.5: HASH(2) = prf(SKEYID_a, M-ID | Ni_b | SA | Nr [ | KE ] [ |
/// IDci | IDcr ]): `ni_b` is the initiator's nonce body; `payloads` are
/// every payload after HASH(2) in the responder's message.
pub fn quick_hash2(
    prf: Prf,
    skeyid_a: &[u8],
    message_id: u32,
    ni_b: &[u8],
    payloads: &[&[u8]],
) -> Vec<u8> {
    prf_after_message_id(prf, skeyid_a, &[], message_id, ni_b, payloads)
}

/// RFC 2409 §5.5: HASH(3) = prf(SKEYID_a, 0 | M-ID | Ni_b | Nr_b), where 0
/// is a single octet.
pub fn quick_hash3(
    prf: Prf,
    skeyid_a: &[u8],
    message_id: u32,
    ni_b: &[u8],
    nr_b: &[u8],
) -> Vec<u8> {
    prf_after_message_id(prf, skeyid_a, &[0], message_id, ni_b, &[nr_b])
}

/// RFC 2409 §5.7: HASH(1) of an Informational exchange = prf(SKEYID_a, M-ID
/// | N/D): `payloads` are the Notification or Delete payloads after the
/// HASH, with their generic headers.
pub fn informational_hash(
    prf: Prf,
    skeyid_a: &[u8],
    message_id: u32,
    payloads: &[&[u8]],
) -> Vec<u8> {
    prf_after_message_id(prf, skeyid_a, &[], message_id, &[], payloads)
}

/// prf(SKEYID_a, lead | M-ID | after_id | payloads...).
fn prf_after_message_id(
    prf: Prf,
    skeyid_a: &[u8],
    lead: &[u8],
    message_id: u32,
    after_id: &[u8],
    payloads: &[&[u8]],
) -> Vec<u8> {
    let m_id = message_id.to_be_bytes();
    let mut parts: Vec<&[u8]> = vec![lead, &m_id, after_id];
    parts.extend_from_slice(payloads);
    prf.prf(skeyid_a, &parts)
}

// ---------------------------------------------------------------------------
// KEYMAT (RFC 2409 §5.5)
// ---------------------------------------------------------------------------

/// Protocol-ID of an IPsec SA (RFC 2407 §4.4.1).
pub const PROTO_IPSEC_AH: u8 = 2;
pub const PROTO_IPSEC_ESP: u8 = 3;

/// What KEYMAT is computed over for one SA (one direction).
#[derive(Clone, Copy, Debug)]
pub struct KeymatInput<'a> {
    /// g(qm)^xy when the Quick Mode exchanged KE payloads (PFS).
    pub pfs_g_xy: Option<&'a [u8]>,
    /// [`PROTO_IPSEC_ESP`] or [`PROTO_IPSEC_AH`].
    pub protocol: u8,
    /// The SPI of the SA being keyed: for the inbound SA the one this side
    /// chose, for the outbound SA the peer's (racoon's
    /// `oakley_compute_keymat_x`).
    pub spi: u32,
    /// Initiator's nonce body, whichever side computes.
    pub ni_b: &'a [u8],
    /// Responder's nonce body.
    pub nr_b: &'a [u8],
}

/// RFC 2409 §5.5: KEYMAT = K1 | K2 | ..., cut to `len` bytes, with
/// K1 = prf(SKEYID_d, [ g(qm)^xy | ] protocol | SPI | Ni_b | Nr_b) and
/// Kn = prf(SKEYID_d, K(n-1) | [ g(qm)^xy | ] protocol | SPI | Ni_b | Nr_b).
pub fn keymat(prf: Prf, skeyid_d: &[u8], input: &KeymatInput<'_>, len: usize) -> Vec<u8> {
    let spi = input.spi.to_be_bytes();
    let seed: [&[u8]; 5] = [
        input.pfs_g_xy.unwrap_or_default(),
        &[input.protocol],
        &spi,
        input.ni_b,
        input.nr_b,
    ];
    let mut out = Vec::with_capacity(len + prf.output_len());
    let mut block = prf.prf(skeyid_d, &seed);
    while out.len() < len && !block.is_empty() {
        out.extend_from_slice(&block);
        let mut parts: Vec<&[u8]> = vec![&block];
        parts.extend_from_slice(&seed);
        block = prf.prf(skeyid_d, &parts);
    }
    out.truncate(len);
    out
}

/// The keys of one IPsec SA.
#[derive(Clone, PartialEq, Eq)]
pub struct SaKeys {
    pub enc_key: Vec<u8>,
    pub auth_key: Vec<u8>,
}

impl fmt::Debug for SaKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SaKeys")
            .field("enc_len", &self.enc_key.len())
            .field("auth_len", &self.auth_key.len())
            .finish_non_exhaustive()
    }
}

/// KEYMAT split into the SA's keys: the encryption key from its first
/// bytes, the authentication key from the following ones. RFC 2409 leaves
/// the order implicit; this is the order racoon hands KEYMAT to PF_KEY in,
/// and the one RFC 4306 §2.17 later wrote down for IKEv2.
pub fn sa_keys(
    prf: Prf,
    skeyid_d: &[u8],
    input: &KeymatInput<'_>,
    enc_len: usize,
    auth_len: usize,
) -> SaKeys {
    let mut enc_key = keymat(prf, skeyid_d, input, enc_len.saturating_add(auth_len));
    let auth_key = enc_key.split_off(enc_len.min(enc_key.len()));
    SaKeys { enc_key, auth_key }
}

// ---------------------------------------------------------------------------
// Message encryption (RFC 2408 §3.1, RFC 2409 Appendix B and §5.3)
// ---------------------------------------------------------------------------

/// Pads ISAKMP payloads to a whole number of blocks as racoon does by
/// default (`oakley_do_encrypt` with `padding { exclusive_tail on; }`):
/// 1 to `block_len` bytes, always at least one, all zero except the last,
/// which holds the number of padding bytes before it. This is exactly the
/// layout RFC 2409 §5.3 prescribes and is all zeros but for the last byte,
/// as Appendix B asks. racoon's default `randomize on` fills the zeros
/// with random bytes instead; receivers must not care: racoon (default
/// `strict_check off`), Wireshark and this crate find the end of the
/// payloads by walking the payload chain and ignore what follows.
pub fn pad(payloads: &[u8], block_len: usize) -> Vec<u8> {
    let block_len = block_len.clamp(1, 256);
    let pad_len = block_len - payloads.len() % block_len;
    let mut out = Vec::with_capacity(payloads.len() + pad_len);
    out.extend_from_slice(payloads);
    out.resize(payloads.len() + pad_len, 0);
    if let Some(last) = out.last_mut() {
        // pad_len <= 256, so pad_len - 1 fits a byte.
        *last = u8::try_from(pad_len - 1).unwrap_or(u8::MAX);
    }
    out
}

/// An encrypted message body and the IV for the next message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Encrypted {
    /// What follows the ISAKMP header; the header's Length must count it
    /// (RFC 2408 §3.1).
    pub ciphertext: Vec<u8>,
    /// The last ciphertext block (RFC 2409 Appendix B).
    pub next_iv: Vec<u8>,
}

/// A decrypted message body, padding included, and the IV for the next
/// message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decrypted {
    /// The payloads followed by the sender's padding, which the payload
    /// parser skips (see [`pad`]).
    pub plaintext: Vec<u8>,
    /// The last ciphertext block (RFC 2409 Appendix B).
    pub next_iv: Vec<u8>,
}

/// The ISAKMP SA's cipher with its key scheduled, for every encrypted
/// message of phase 1, phase 2 and Informational exchanges (RFC 2408
/// §3.1: everything after the ISAKMP header is encrypted).
#[derive(Clone)]
pub struct MessageCipher {
    cipher: IkeCipher,
    keyed: Cipher,
}

impl fmt::Debug for MessageCipher {
    /// Shows the algorithm, never the key.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MessageCipher")
            .field("cipher", &self.cipher)
            .finish_non_exhaustive()
    }
}

impl MessageCipher {
    /// `key` must be `cipher.key_len()` bytes (see [`encryption_key`]).
    pub fn new(cipher: IkeCipher, key: &[u8]) -> Result<MessageCipher, CryptoError> {
        if key.len() != cipher.key_len() {
            return Err(CryptoError::BadKeyLength {
                alg: cipher.enc_alg().setkey_name(),
                got: key.len(),
                expected: key_len_list(cipher),
            });
        }
        let keyed = Cipher::new(cipher.enc_alg(), key)?;
        Ok(MessageCipher { cipher, keyed })
    }

    pub fn cipher(&self) -> IkeCipher {
        self.cipher
    }

    /// Pads `payloads` (see [`pad`]) and encrypts them in CBC mode under
    /// `iv` (`BadLength` unless one block long).
    pub fn encrypt(&self, iv: &[u8], payloads: &[u8]) -> Result<Encrypted, CryptoError> {
        let mut buf = pad(payloads, self.cipher.block_len());
        self.keyed.encrypt(iv, &[], &mut buf)?;
        let next_iv = next_iv(self.cipher, &buf).ok_or(CryptoError::BadLength)?;
        Ok(Encrypted {
            ciphertext: buf,
            next_iv,
        })
    }

    /// Decrypts a message body: `BadLength` if it is empty, not a whole
    /// number of blocks, or `iv` is not one block. A wrong key is not
    /// detected here; the HASH payload check finds it.
    pub fn decrypt(&self, iv: &[u8], ciphertext: &[u8]) -> Result<Decrypted, CryptoError> {
        let next_iv = next_iv(self.cipher, ciphertext).ok_or(CryptoError::BadLength)?;
        let mut buf = ciphertext.to_vec();
        self.keyed.decrypt(iv, &[], &mut buf, &[])?;
        Ok(Decrypted {
            plaintext: buf,
            next_iv,
        })
    }
}

/// The key length `cipher` accepts, for error messages: one for the
/// fixed kinds, the algorithm's range for the variable ones (whose
/// negotiated length the caller also fixes).
fn key_len_list(cipher: IkeCipher) -> &'static [usize] {
    match cipher {
        IkeCipher::DesCbc => &[8],
        IkeCipher::TripleDesCbc | IkeCipher::AesCbc192 => &[24],
        IkeCipher::AesCbc128 => &[16],
        IkeCipher::AesCbc256 => &[32],
        IkeCipher::Blowfish { .. } | IkeCipher::Cast128 { .. } | IkeCipher::Camellia { .. } => {
            cipher.enc_alg().key_lens()
        }
    }
}

#[cfg(test)]
mod tests {
    //! Where no published IKEv1 vectors exist, the expected values below
    //! come from an independent Python implementation of the RFC 2409
    //! formulas (stdlib `hmac`/`hashlib` only, written for these tests),
    //! run on these inputs: PSK `bad simple psk`; Ni_b = 10..1f, Nr_b =
    //! 20..2f; g^xi, g^xr and g^xy from strongSwan's modp1024 test vector
    //! (see `dh.rs`); CKY-I 0011223344556677, CKY-R 8899aabbccddeeff;
    //! M-ID 1a2b3c4d; SAi_b, IDii_b, IDir_b and the Quick Mode payloads as
    //! given here. Its core, for the record:
    //!
    //! ```text
    //! skeyid = prf(psk, ni + nr)
    //! d = prf(skeyid, gxy + ci + cr + b'\0'); a = prf(skeyid, d + gxy + ci + cr + b'\1')
    //! e = prf(skeyid, a + gxy + ci + cr + b'\2')
    //! key = e[:n] if n <= len(e) else (K1 = prf(e, b'\0'), Kn = prf(e, Kn-1), ...)[:n]
    //! iv = hash(gxi + gxr)[:block]; iv2 = hash(last_block + mid)[:block]
    //! hash_i = prf(skeyid, gxi + gxr + ci + cr + sai_b + idii_b)
    //! hash_r = prf(skeyid, gxr + gxi + cr + ci + sai_b + idir_b)
    //! hash1 = prf(a, mid + sa + nonce_i + idci + idcr)
    //! hash2 = prf(a, mid + ni + sa + nonce_r + idci + idcr); hash3 = prf(a, b'\0' + mid + ni + nr)
    //! info = prf(a, mid + delete); seed = [gqm +] proto + spi + ni + nr
    //! keymat = (K1 = prf(d, seed), Kn = prf(d, Kn-1 + seed), ...)[:n]
    //! ```
    use super::*;
    use crate::crypto::dh::{DhGroup, DhPrivate};
    use proptest::prelude::*;

    fn hex(s: &str) -> Vec<u8> {
        let digits: Vec<u8> = s.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
        let nibble = |d: u8| (d as char).to_digit(16).expect("hex digit") as u8;
        digits
            .chunks(2)
            .map(|p| nibble(p[0]) << 4 | nibble(p[1]))
            .collect()
    }

    struct Chain {
        prf: Prf,
        cipher: IkeCipher,
        skeyid: &'static str,
        skeyid_d: &'static str,
        skeyid_a: &'static str,
        skeyid_e: &'static str,
        enc_key: &'static str,
        iv: &'static str,
        hash_i: &'static str,
        hash_r: &'static str,
        phase2_iv: &'static str,
    }

    struct Quick {
        prf: Prf,
        hash1: &'static str,
        hash2: &'static str,
        hash3: &'static str,
        info: &'static str,
    }

    const PSK: &[u8] = b"bad simple psk";
    const CKY_I: [u8; 8] = [0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77];
    const CKY_R: [u8; 8] = [0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff];
    const M_ID: u32 = 0x1a2b_3c4d;
    const IDII_B: &str = "011101f4c0a80105";
    const IDIR_B: &str = "011101f4c0a80205";

    fn ni_b() -> Vec<u8> {
        (0x10..0x20).collect()
    }

    fn nr_b() -> Vec<u8> {
        (0x20..0x30).collect()
    }

    /// strongSwan's modp1024 vector: (g^xi, g^xr, g^xy).
    fn modp1024_exchange() -> (Vec<u8>, Vec<u8>, Vec<u8>) {
        let kat = &crate::crypto::dh::tests::STRONGSWAN_KATS[1];
        assert_eq!(kat.group, DhGroup::Modp1024);
        (hex(kat.pub_i), hex(kat.pub_r), hex(kat.shared))
    }

    /// Expected values: the independent Python reference described above.
    const CHAINS: [Chain; 8] = [
        Chain {
            prf: Prf::HmacMd5,
            cipher: IkeCipher::TripleDesCbc,
            skeyid: "8c0113a509dadc4cf1902293a2f334c8",
            skeyid_d: "bfa4ccb56f4c5f78c28335942eacb9a0",
            skeyid_a: "dafb81443a11219e5a46240d0d78424a",
            skeyid_e: "a8078ecf580bc427174bc05d2296a5ba",
            enc_key: "054c4fbfca0229bcee05a4600f97d9ada37ba5efc877a344",
            iv: "3eb5b7bf74622c64",
            hash_i: "fc0184cc885257011f094749c3118cf6",
            hash_r: "3e4f726d916f849f4330f61bf8ffbeaa",
            phase2_iv: "e0cec4977267aa54",
        },
        Chain {
            prf: Prf::HmacSha1,
            cipher: IkeCipher::AesCbc128,
            skeyid: "85326acfd99283023c1d206caec125540d6ceda3",
            skeyid_d: "eb1d11793113f3713f1c3ea1614a47385f91cf5a",
            skeyid_a: "3dc44bc6230c9ba313d96142c39591441ae849f4",
            skeyid_e: "6b69cdc0908fe59ae8b936482ac928a495b49877",
            enc_key: "6b69cdc0908fe59ae8b936482ac928a4",
            iv: "1b0554e3049f485a4c1d39e0b4b23864",
            hash_i: "add36d358d2cd22e458fce048ce10d9ad642250f",
            hash_r: "edc469a2ed54413dd3ffdaa7ecf013f285d8037b",
            phase2_iv: "aae36f72c5a3ae95be198ce203acd3a7",
        },
        Chain {
            prf: Prf::HmacSha256,
            cipher: IkeCipher::AesCbc256,
            skeyid: "b9d2d4254738d089c7517a8e953c6e8f3445f0b9d807733bcca8bc554418def4",
            skeyid_d: "72a0e2ffd63108b2c4d474c9f4e65872ef97dd7c3adc1ee0a2fb4e154a96f8a2",
            skeyid_a: "658b5b15cafec302558d23b9d64a50f9bc05859284fe28d4b49de57136787df9",
            skeyid_e: "797f2f30598c55b84dc0d2c5918f832e6ca739f04d1aa188f4fee0725c9d0c0e",
            enc_key: "797f2f30598c55b84dc0d2c5918f832e6ca739f04d1aa188f4fee0725c9d0c0e",
            iv: "4df1764521ef05bcdcd26c4086305a48",
            hash_i: "4e300b212053c8858c9c560e9795855712c8552aef811764aabb17a84098f830",
            hash_r: "83ba47fd95d879d948660d2702bcf5fa80338a76073cbfed0d64a67bae6abc5f",
            phase2_iv: "b1c8d1cb05e137a743d5cf2ce780f118",
        },
        Chain {
            prf: Prf::HmacMd5,
            cipher: IkeCipher::AesCbc256,
            skeyid: "8c0113a509dadc4cf1902293a2f334c8",
            skeyid_d: "bfa4ccb56f4c5f78c28335942eacb9a0",
            skeyid_a: "dafb81443a11219e5a46240d0d78424a",
            skeyid_e: "a8078ecf580bc427174bc05d2296a5ba",
            enc_key: "054c4fbfca0229bcee05a4600f97d9ada37ba5efc877a344ae4c8f291b7bbb60",
            iv: "3eb5b7bf74622c64cb8769083621c40d",
            hash_i: "fc0184cc885257011f094749c3118cf6",
            hash_r: "3e4f726d916f849f4330f61bf8ffbeaa",
            phase2_iv: "f3bfba5cd2ad7e9a7d368d1fda7fcd8d",
        },
        Chain {
            prf: Prf::HmacSha1,
            cipher: IkeCipher::TripleDesCbc,
            skeyid: "85326acfd99283023c1d206caec125540d6ceda3",
            skeyid_d: "eb1d11793113f3713f1c3ea1614a47385f91cf5a",
            skeyid_a: "3dc44bc6230c9ba313d96142c39591441ae849f4",
            skeyid_e: "6b69cdc0908fe59ae8b936482ac928a495b49877",
            enc_key: "afcd491b6da504d24136ddd7c97edc5f0ad2b6b1604bcd37",
            iv: "1b0554e3049f485a",
            hash_i: "add36d358d2cd22e458fce048ce10d9ad642250f",
            hash_r: "edc469a2ed54413dd3ffdaa7ecf013f285d8037b",
            phase2_iv: "9161e26453141a45",
        },
        Chain {
            prf: Prf::HmacSha1,
            cipher: IkeCipher::AesCbc256,
            skeyid: "85326acfd99283023c1d206caec125540d6ceda3",
            skeyid_d: "eb1d11793113f3713f1c3ea1614a47385f91cf5a",
            skeyid_a: "3dc44bc6230c9ba313d96142c39591441ae849f4",
            skeyid_e: "6b69cdc0908fe59ae8b936482ac928a495b49877",
            enc_key: "afcd491b6da504d24136ddd7c97edc5f0ad2b6b1604bcd37ea6f42b973dee926",
            iv: "1b0554e3049f485a4c1d39e0b4b23864",
            hash_i: "add36d358d2cd22e458fce048ce10d9ad642250f",
            hash_r: "edc469a2ed54413dd3ffdaa7ecf013f285d8037b",
            phase2_iv: "aae36f72c5a3ae95be198ce203acd3a7",
        },
        Chain {
            prf: Prf::HmacMd5,
            cipher: IkeCipher::DesCbc,
            skeyid: "8c0113a509dadc4cf1902293a2f334c8",
            skeyid_d: "bfa4ccb56f4c5f78c28335942eacb9a0",
            skeyid_a: "dafb81443a11219e5a46240d0d78424a",
            skeyid_e: "a8078ecf580bc427174bc05d2296a5ba",
            enc_key: "a8078ecf580bc427",
            iv: "3eb5b7bf74622c64",
            hash_i: "fc0184cc885257011f094749c3118cf6",
            hash_r: "3e4f726d916f849f4330f61bf8ffbeaa",
            phase2_iv: "e0cec4977267aa54",
        },
        Chain {
            prf: Prf::HmacSha256,
            cipher: IkeCipher::AesCbc192,
            skeyid: "b9d2d4254738d089c7517a8e953c6e8f3445f0b9d807733bcca8bc554418def4",
            skeyid_d: "72a0e2ffd63108b2c4d474c9f4e65872ef97dd7c3adc1ee0a2fb4e154a96f8a2",
            skeyid_a: "658b5b15cafec302558d23b9d64a50f9bc05859284fe28d4b49de57136787df9",
            skeyid_e: "797f2f30598c55b84dc0d2c5918f832e6ca739f04d1aa188f4fee0725c9d0c0e",
            enc_key: "797f2f30598c55b84dc0d2c5918f832e6ca739f04d1aa188",
            iv: "4df1764521ef05bcdcd26c4086305a48",
            hash_i: "4e300b212053c8858c9c560e9795855712c8552aef811764aabb17a84098f830",
            hash_r: "83ba47fd95d879d948660d2702bcf5fa80338a76073cbfed0d64a67bae6abc5f",
            phase2_iv: "b1c8d1cb05e137a743d5cf2ce780f118",
        },
    ];

    const QUICK: [Quick; 3] = [
        Quick {
            prf: Prf::HmacMd5,
            hash1: "091943b354cd4bcc48b965962b4b2753",
            hash2: "458073c586d742e2c41c4cd645fc95c0",
            hash3: "8e843265bbc6768deedfc5cc31e180b9",
            info: "43e81d7cae27117373245973db518b22",
        },
        Quick {
            prf: Prf::HmacSha1,
            hash1: "d359c3c4f947298e5ed2620191edccff160dfddd",
            hash2: "10508cd12ef44ba55c3b58c6aea4c24f2bcf881a",
            hash3: "d1d7e3c639e551486ad43b4fdc8949a30e38e739",
            info: "fe6d7a88077f4a720f1d7c0b1ebe1297226f8252",
        },
        Quick {
            prf: Prf::HmacSha256,
            hash1: "b98b75765eb62cb297ef02e82cc60786fcc125e6d868709f14887fec094a9db4",
            hash2: "18e7cf4939f62764130e20fd995c2d034a43662e6c0db5bc9e1526b626938eba",
            hash3: "a206970a292534b07afdac54f609ffd9cb3dd2e961eef9f0d25715861bc74a2a",
            info: "b47ac1abc47d83e207a4178c962b0e7688ce28fb375f7b18e8867f26d6d5e7d9",
        },
    ];

    // 3des-cbc (24) + hmac-md5 (16) under an MD5 PRF: K1 | K2 | K3.
    const KEYMAT_3DES_MD5: &str = concat!(
        "31c35a5cd8ea357d17658ca1924c2fbde37988974761cb829e5616d65411ca73",
        "8019e90f9c9425d9",
    );
    // aes-256-cbc (32) + hmac-sha256 (32) under a SHA-256 PRF: K1 | K2.
    const KEYMAT_AES256_SHA256: &str = concat!(
        "507295ae78cddbc968dd5b3c8182a43c171631c91fdcb286ca0cc66115decee3",
        "2f484c5c91e2bd11aecc6e38e2e88f0f8e4120a514f1147aa0390182f67ed751",
    );
    // The same with PFS: g(qm)^xy is strongSwan's modp768 shared value.
    const KEYMAT_AES256_SHA256_PFS: &str = concat!(
        "7a5e6a3fb63052afa1138b94f4729a8eb48053bb13a42816c27984caadb70c7d",
        "352ef0a0672c7c533ee8c6caa34e4d0395b0e9bc180457de40d90dd78bca3a84",
    );
    // AH with hmac-sha1 (20) under an MD5 PRF: K1 | K2.
    const KEYMAT_AH_SHA1_MD5: &str = "ea5a11767644ab80b1749fd93d60e1039acb1640";

    const SAI_B: &str = "00000001000000010000002c010100010000002401010000800b0001800c708080010005800300018002000180040002";
    const SA_PL: &str = "0a00003400000001000000010000002801030401823456780000001c010c000080010001800270808004000280050001";
    const DEL_PL: &str = "00000010000000010304000100000301";
    const IDCI: &str = "0500000c01000000c0a80105";
    const IDCR: &str = "0000000c01000000c0a80205";

    // RFC 2202 §2 and §3 (cases 1, 2, 6) and RFC 4231 §4.2, §4.3, §4.7
    // (SHA-256, SHA-384 and SHA-512).
    #[test]
    fn prfs_match_rfc2202_and_rfc4231() {
        let jefe: &[u8] = b"what do ya want for nothing?";
        let large: &[u8] = b"Test Using Larger Than Block-Size Key - Hash Key First";
        let cases: [(Prf, usize, usize, [&str; 3]); 5] = [
            (
                Prf::HmacMd5,
                16,
                80,
                [
                    "9294727a3638bb1c13f48ef8158bfc9d",
                    "750c783e6ab0b503eaa86e310a5db738",
                    "6b1ab7fe4bd7bf8f0b62e6ce61b9d0cd",
                ],
            ),
            (
                Prf::HmacSha1,
                20,
                80,
                [
                    "b617318655057264e28bc0b6fb378c8ef146be00",
                    "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79",
                    "aa4ae5e15272d00e95705637ce8a3b55ed402112",
                ],
            ),
            (
                Prf::HmacSha256,
                20,
                131,
                [
                    "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
                    "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
                    "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
                ],
            ),
            (
                Prf::HmacSha384,
                20,
                131,
                [
                    "afd03944d84895626b0825f4ab46907f15f9dadbe4101ec682aa034c7cebc59cfaea9ea9076ede7f4af152e8b2fa9cb6",
                    "af45d2e376484031617f78d2b58a6b1b9c7ef464f5a01b47e42ec3736322445e8e2240ca5e69e2c78b3239ecfab21649",
                    "4ece084485813e9088d2c63a041bc5b44f9ef1012a2b588f3cd11f05033ac4c60c2ef6ab4030fe8296248df163f44952",
                ],
            ),
            (
                Prf::HmacSha512,
                20,
                131,
                [
                    "87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cdedaa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854",
                    "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea2505549758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737",
                    "80b24263c7c1a3ebb71493c1dd7be8b49b46d1f41b4aeec1121b013783f8f3526b56d037e05f2598bd0fd2215d6a1e5295e64f73f63f0aec8b915a985d786598",
                ],
            ),
        ];
        for (prf, key1, key6, [case1, case2, case6]) in cases {
            assert_eq!(prf.prf(&vec![0x0b; key1], &[b"Hi There"]), hex(case1));
            assert_eq!(prf.prf(b"Jefe", &[jefe]), hex(case2));
            assert_eq!(prf.prf(&vec![0xaa; key6], &[large]), hex(case6));
            assert_eq!(prf.prf(b"k", &[]).len(), prf.output_len());
        }
    }

    // RFC 1321 A.5, FIPS 180-2 B.1 / RFC 3174 §7.3 and FIPS 180-2 appendix
    // B.1 for SHA-256: the digests of "abc"; SHA-384 and SHA-512 below.
    #[test]
    fn hashes_match_their_standards() {
        assert_eq!(
            Prf::HmacMd5.hash(&[b"abc"]),
            hex("900150983cd24fb0d6963f7d28e17f72")
        );
        assert_eq!(
            Prf::HmacSha1.hash(&[b"a", b"bc"]),
            hex("a9993e364706816aba3e25717850c26c9cd0d89d")
        );
        assert_eq!(
            Prf::HmacSha256.hash(&[b"ab", b"", b"c"]),
            hex("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        );
        // FIPS 180-2 appendices D.1 and C.1: SHA-384 and SHA-512 of "abc".
        assert_eq!(
            Prf::HmacSha384.hash(&[b"abc"]),
            hex(
                "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7"
            )
        );
        assert_eq!(
            Prf::HmacSha512.hash(&[b"a", b"bc"]),
            hex(
                "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f"
            )
        );
    }

    #[test]
    fn prf_covers_the_concatenation_of_parts() {
        for prf in Prf::ALL {
            let whole = prf.prf(b"key", &[b"g^xy|CKY-I|CKY-R|0"]);
            assert_eq!(prf.prf(b"key", &[b"g^xy", b"|CKY-I|", b"CKY-R|0"]), whole);
            assert_eq!(prf.prf(b"key", &[b"", b"g^xy|CKY-I|CKY-R|0", b""]), whole);
        }
    }

    fn public<'a>(g_xi: &'a [u8], g_xr: &'a [u8]) -> Phase1Public<'a> {
        Phase1Public {
            g_xi,
            g_xr,
            cky_i: CKY_I,
            cky_r: CKY_R,
        }
    }

    // RFC 2409 §5 and Appendix B, against the Python reference.
    #[test]
    fn phase1_chain_matches_the_reference() {
        let (g_xi, g_xr, g_xy) = modp1024_exchange();
        let public = public(&g_xi, &g_xr);
        for case in &CHAINS {
            let (prf, cipher) = (case.prf, case.cipher);
            let what = format!("{prf} {cipher:?}");
            let skeyid = skeyid_psk(prf, PSK, &ni_b(), &nr_b());
            assert_eq!(skeyid, hex(case.skeyid), "{what}");
            let chain = derive(prf, &skeyid, &g_xy, &CKY_I, &CKY_R);
            assert_eq!(chain.skeyid_d, hex(case.skeyid_d), "{what}");
            assert_eq!(chain.skeyid_a, hex(case.skeyid_a), "{what}");
            assert_eq!(chain.skeyid_e, hex(case.skeyid_e), "{what}");
            let enc_key = encryption_key(prf, &chain.skeyid_e, cipher.key_len());
            assert_eq!(enc_key, hex(case.enc_key), "{what}");
            assert_eq!(phase1_iv(prf, cipher, &g_xi, &g_xr), hex(case.iv), "{what}");
            let sai_b = hex(SAI_B);
            let hash = hash_i(prf, &skeyid, &public, &sai_b, &hex(IDII_B));
            assert_eq!(hash, hex(case.hash_i), "{what}");
            let hash = hash_r(prf, &skeyid, &public, &sai_b, &hex(IDIR_B));
            assert_eq!(hash, hex(case.hash_r), "{what}");
            let last: Vec<u8> = (0xf0..=0xff).take(cipher.block_len()).collect();
            assert_eq!(phase2_iv(prf, cipher, &last, M_ID), hex(case.phase2_iv));

            let keys = Phase1Keys::new(prf, cipher, skeyid, &g_xy, &public);
            assert_eq!(keys.skeyid, hex(case.skeyid));
            assert_eq!(keys.skeyid_d, chain.skeyid_d);
            assert_eq!(keys.skeyid_a, chain.skeyid_a);
            assert_eq!(keys.skeyid_e, chain.skeyid_e);
            assert_eq!(keys.enc_key, enc_key);
            assert_eq!(keys.iv, hex(case.iv));
        }
    }

    // RFC 2409 Appendix B: when SKEYID_e is shorter than the key, the key is
    // K1 | K2 | ... and does not start with SKEYID_e; otherwise it is
    // SKEYID_e's prefix.
    #[test]
    fn appendix_b_expands_short_skeyid_e() {
        for (prf, cipher, expands) in [
            (Prf::HmacMd5, IkeCipher::TripleDesCbc, true),
            (Prf::HmacMd5, IkeCipher::AesCbc256, true),
            (Prf::HmacSha1, IkeCipher::TripleDesCbc, true),
            (Prf::HmacSha1, IkeCipher::AesCbc256, true),
            (Prf::HmacMd5, IkeCipher::AesCbc128, false),
            (Prf::HmacSha1, IkeCipher::AesCbc128, false),
            (Prf::HmacSha256, IkeCipher::AesCbc256, false),
            (Prf::HmacMd5, IkeCipher::DesCbc, false),
        ] {
            let skeyid_e = prf.prf(b"SKEYID", &[b"SKEYID_e input"]);
            let key = encryption_key(prf, &skeyid_e, cipher.key_len());
            assert_eq!(key.len(), cipher.key_len());
            if expands {
                let k1 = prf.prf(&skeyid_e, &[&[0]]);
                let k2 = prf.prf(&skeyid_e, &[&k1]);
                assert_eq!(key, [k1, k2].concat()[..cipher.key_len()]);
                assert_ne!(key[..4], skeyid_e[..4]);
            } else {
                assert_eq!(key, skeyid_e[..cipher.key_len()]);
            }
        }
        // Three rounds: 40 bytes from a 16-byte PRF.
        let e = Prf::HmacMd5.prf(b"x", &[]);
        let k1 = Prf::HmacMd5.prf(&e, &[&[0]]);
        let k2 = Prf::HmacMd5.prf(&e, &[&k1]);
        let k3 = Prf::HmacMd5.prf(&e, &[&k2]);
        assert_eq!(
            encryption_key(Prf::HmacMd5, &e, 40),
            [k1, k2, k3].concat()[..40]
        );
        assert!(encryption_key(Prf::HmacMd5, &e, 0).is_empty());
        assert!(encryption_key(Prf::HmacMd5, &[], 0).is_empty());
        assert_eq!(encryption_key(Prf::HmacMd5, &[], 8).len(), 8);
    }

    // RFC 2409 §5.5 and §5.7, against the Python reference.
    #[test]
    fn quick_mode_and_informational_hashes_match_the_reference() {
        let (_, _, g_xy) = modp1024_exchange();
        let nonce_i = [hex("05000014"), ni_b()].concat();
        let nonce_r = [hex("05000014"), nr_b()].concat();
        let (sa, idci, idcr) = (hex(SA_PL), hex(IDCI), hex(IDCR));
        for (case, chain) in QUICK.iter().zip(&CHAINS) {
            let prf = case.prf;
            assert_eq!(prf, chain.prf);
            let skeyid = skeyid_psk(prf, PSK, &ni_b(), &nr_b());
            let a = derive(prf, &skeyid, &g_xy, &CKY_I, &CKY_R).skeyid_a;
            let hash1 = quick_hash1(prf, &a, M_ID, &[&sa, &nonce_i, &idci, &idcr]);
            assert_eq!(hash1, hex(case.hash1), "{prf}");
            let hash2 = quick_hash2(prf, &a, M_ID, &ni_b(), &[&sa, &nonce_r, &idci, &idcr]);
            assert_eq!(hash2, hex(case.hash2), "{prf}");
            let hash3 = quick_hash3(prf, &a, M_ID, &ni_b(), &nr_b());
            assert_eq!(hash3, hex(case.hash3), "{prf}");
            let info = informational_hash(prf, &a, M_ID, &[&hex(DEL_PL)]);
            assert_eq!(info, hex(case.info), "{prf}");
            assert!(hashes_match(&hash3, &hex(case.hash3)));
            assert!(!hashes_match(&hash3, &hash2));
        }
    }

    fn md5_3des_skeyid_d() -> Vec<u8> {
        hex(CHAINS[0].skeyid_d)
    }

    fn sha256_aes256_skeyid_d() -> Vec<u8> {
        hex(CHAINS[2].skeyid_d)
    }

    fn esp_input<'a>(ni: &'a [u8], nr: &'a [u8], pfs: Option<&'a [u8]>) -> KeymatInput<'a> {
        KeymatInput {
            pfs_g_xy: pfs,
            protocol: PROTO_IPSEC_ESP,
            spi: 0x0000_0301,
            ni_b: ni,
            nr_b: nr,
        }
    }

    // RFC 2409 §5.5, against the Python reference.
    #[test]
    fn keymat_matches_the_reference() {
        let (ni, nr) = (ni_b(), nr_b());
        let input = esp_input(&ni, &nr, None);
        let got = keymat(Prf::HmacMd5, &md5_3des_skeyid_d(), &input, 24 + 16);
        assert_eq!(got, hex(KEYMAT_3DES_MD5));
        let keys = sa_keys(Prf::HmacMd5, &md5_3des_skeyid_d(), &input, 24, 16);
        assert_eq!(keys.enc_key, got[..24]);
        assert_eq!(keys.auth_key, got[24..]);

        let got = keymat(Prf::HmacSha256, &sha256_aes256_skeyid_d(), &input, 64);
        assert_eq!(got, hex(KEYMAT_AES256_SHA256));

        let pfs = hex(crate::crypto::dh::tests::STRONGSWAN_KATS[0].shared);
        let with_pfs = esp_input(&ni, &nr, Some(&pfs));
        let got = keymat(Prf::HmacSha256, &sha256_aes256_skeyid_d(), &with_pfs, 64);
        assert_eq!(got, hex(KEYMAT_AES256_SHA256_PFS));

        let ah = KeymatInput {
            protocol: PROTO_IPSEC_AH,
            spi: 0xc0ff_ee01,
            ..input
        };
        let got = keymat(Prf::HmacMd5, &md5_3des_skeyid_d(), &ah, 20);
        assert_eq!(got, hex(KEYMAT_AH_SHA1_MD5));
    }

    #[test]
    fn keymat_is_k1_k2_k3_and_prefix_stable() {
        let (ni, nr) = (ni_b(), nr_b());
        let input = esp_input(&ni, &nr, None);
        let d = md5_3des_skeyid_d();
        let seed = [&[3u8][..], &[0, 0, 3, 1], &ni, &nr].concat();
        let k1 = Prf::HmacMd5.prf(&d, &[&seed]);
        let k2 = Prf::HmacMd5.prf(&d, &[&k1, &seed]);
        let k3 = Prf::HmacMd5.prf(&d, &[&k2, &seed]);
        let long = keymat(Prf::HmacMd5, &d, &input, 48);
        assert_eq!(long, [k1.clone(), k2, k3].concat());
        for len in 0..48 {
            assert_eq!(keymat(Prf::HmacMd5, &d, &input, len), long[..len]);
        }
        // Each direction has its own SPI, hence its own keys.
        let other = KeymatInput {
            spi: 0x0000_0302,
            ..input
        };
        assert_ne!(keymat(Prf::HmacMd5, &d, &other, 16), k1);
        let keys = sa_keys(Prf::HmacMd5, &d, &input, 0, 0);
        assert!(keys.enc_key.is_empty() && keys.auth_key.is_empty());
    }

    // RFC 2409 §5.3 layout, racoon's default pad length (1..=block).
    #[test]
    fn padding_layout() {
        for block in [8usize, 16] {
            for len in 0..=3 * block + 1 {
                let data: Vec<u8> = (1..=255).cycle().take(len).collect();
                let padded = pad(&data, block);
                assert_eq!(padded.len() % block, 0);
                let pad_len = padded.len() - len;
                assert!((1..=block).contains(&pad_len), "{len}/{block}");
                assert_eq!(padded[..len], data[..]);
                let (last, zeros) = padded[len..].split_last().expect("pad");
                assert!(zeros.iter().all(|&b| b == 0));
                assert_eq!(usize::from(*last), pad_len - 1);
            }
        }
        assert_eq!(pad(&[], 8), [0, 0, 0, 0, 0, 0, 0, 7]);
        assert_eq!(
            pad(&[0xaa; 7], 8),
            [0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0]
        );
        // Degenerate block sizes neither panic nor loop.
        assert_eq!(pad(&[1, 2], 0), [1, 2, 0]);
        assert_eq!(pad(&[1, 2], 1), [1, 2, 0]);
        assert_eq!(pad(&[], 1000).len(), 256);
    }

    // RFC 3602 §4 case #1 through the ISAKMP path: the 16-byte payload gets
    // a whole block of padding, and the first block is the RFC's.
    #[test]
    fn aes_cbc_rfc3602_case_1_with_a_padding_block() {
        let cipher = MessageCipher::new(
            IkeCipher::AesCbc128,
            &hex("06a9214036b8a15b512e03d534120006"),
        )
        .expect("key");
        let iv = hex("3dafba429d9eb430b422da802c9fac41");
        let sealed = cipher.encrypt(&iv, b"Single block msg").expect("encrypt");
        assert_eq!(sealed.ciphertext.len(), 32);
        assert_eq!(
            sealed.ciphertext[..16],
            hex("e353779c1079aeb82708942dbe77181a")
        );
        assert_eq!(sealed.next_iv, sealed.ciphertext[16..]);
        let opened = cipher.decrypt(&iv, &sealed.ciphertext).expect("decrypt");
        assert_eq!(&opened.plaintext[..16], b"Single block msg");
        assert_eq!(
            opened.plaintext[16..],
            [0; 15].iter().chain(&[15]).copied().collect::<Vec<_>>()[..]
        );
        assert_eq!(opened.next_iv, sealed.next_iv);
    }

    // RFC 2409 Appendix B: the phase 1 IV encrypts the first message, each
    // message's last block is the next one's IV, in both directions.
    #[test]
    fn encrypt_decrypt_round_trip_with_iv_chaining() {
        let (g_xi, g_xr, _) = modp1024_exchange();
        for cipher in IkeCipher::ALL {
            let key: Vec<u8> = (0..cipher.key_len() as u8).collect();
            let initiator = MessageCipher::new(cipher, &key).expect("key");
            let responder = initiator.clone();
            let mut iv = phase1_iv(Prf::HmacSha1, cipher, &g_xi, &g_xr);
            for len in 0..40 {
                let payloads: Vec<u8> = (0..len as u8).map(|b| b ^ 0x5c).collect();
                let sealed = initiator.encrypt(&iv, &payloads).expect("encrypt");
                assert_eq!(sealed.ciphertext.len() % cipher.block_len(), 0);
                assert!(sealed.ciphertext.len() > payloads.len());
                assert_eq!(
                    next_iv(cipher, &sealed.ciphertext),
                    Some(sealed.next_iv.clone())
                );
                let opened = responder.decrypt(&iv, &sealed.ciphertext).expect("decrypt");
                assert_eq!(opened.plaintext[..len], payloads[..], "{cipher:?} {len}");
                assert_eq!(opened.plaintext, pad(&payloads, cipher.block_len()));
                assert_eq!(opened.next_iv, sealed.next_iv);
                iv = opened.next_iv;
            }
        }
    }

    #[test]
    fn decrypt_rejects_bad_lengths() {
        for cipher in IkeCipher::ALL {
            let mc = MessageCipher::new(cipher, &vec![7; cipher.key_len()]).expect("key");
            let block = cipher.block_len();
            let iv = vec![1; block];
            for len in [0, 1, block - 1, block + 1, 2 * block + 3] {
                assert_eq!(mc.decrypt(&iv, &vec![0; len]), Err(CryptoError::BadLength));
            }
            for iv_len in [0, block - 1, block + 1, 32] {
                let iv = vec![1; iv_len];
                assert_eq!(
                    mc.decrypt(&iv, &vec![0; block]),
                    Err(CryptoError::BadLength)
                );
                assert_eq!(mc.encrypt(&iv, b"x"), Err(CryptoError::BadLength));
            }
        }
    }

    #[test]
    fn message_cipher_wants_the_exact_key_length() {
        for cipher in IkeCipher::ALL {
            for len in (0..=40).filter(|&len| len != cipher.key_len()) {
                let err = MessageCipher::new(cipher, &vec![3; len])
                    .map(|_| ())
                    .unwrap_err();
                assert!(
                    matches!(err, CryptoError::BadKeyLength { got, .. } if got == len),
                    "{cipher:?} {len}"
                );
            }
        }
        // An AES-256 key is not accepted for AES-128 though AES-CBC takes both.
        assert!(MessageCipher::new(IkeCipher::AesCbc128, &[0; 32]).is_err());
    }

    #[test]
    fn next_iv_is_the_last_block() {
        let data: Vec<u8> = (0..24).collect();
        assert_eq!(next_iv(IkeCipher::DesCbc, &data), Some((16..24).collect()));
        assert_eq!(
            next_iv(IkeCipher::AesCbc128, &data),
            Some((8..24).collect())
        );
        assert_eq!(next_iv(IkeCipher::AesCbc128, &data[..15]), None);
        assert_eq!(next_iv(IkeCipher::DesCbc, &[]), None);
    }

    // The whole phase 1 key schedule from two live DH keys: both sides agree.
    #[test]
    fn both_sides_derive_the_same_keys() {
        use rand_chacha::ChaCha20Rng;
        use rand_core::SeedableRng;
        let mut rng = ChaCha20Rng::seed_from_u64(500);
        let i = DhPrivate::generate(DhGroup::Modp1024, &mut rng);
        let r = DhPrivate::generate(DhGroup::Modp1024, &mut rng);
        let (g_xi, g_xr) = (i.public(), r.public());
        let public = public(&g_xi, &g_xr);
        let skeyid = skeyid_psk(Prf::HmacMd5, PSK, &ni_b(), &nr_b());
        let g_xy_i = i.shared(&g_xr).expect("g^xr");
        let g_xy_r = r.shared(&g_xi).expect("g^xi");
        let cipher = IkeCipher::TripleDesCbc;
        let ki = Phase1Keys::new(Prf::HmacMd5, cipher, skeyid.clone(), &g_xy_i, &public);
        let kr = Phase1Keys::new(Prf::HmacMd5, cipher, skeyid, &g_xy_r, &public);
        assert_eq!(ki, kr);
        assert_eq!(ki.enc_key.len(), 24);
        assert_eq!(ki.iv.len(), 8);
        let wrong = skeyid_psk(Prf::HmacMd5, b"wrong psk", &ni_b(), &nr_b());
        let sai_b = hex(SAI_B);
        let good = hash_i(Prf::HmacMd5, &ki.skeyid, &public, &sai_b, &hex(IDII_B));
        let bad = hash_i(Prf::HmacMd5, &wrong, &public, &sai_b, &hex(IDII_B));
        assert!(!hashes_match(&good, &bad));
        // HASH_R is not HASH_I with the roles swapped in the ID only.
        let r_hash = hash_r(Prf::HmacMd5, &ki.skeyid, &public, &sai_b, &hex(IDII_B));
        assert_ne!(good, r_hash);
    }

    #[test]
    fn algorithm_ids_and_racoon_names() {
        for (prf, id, name) in [
            (Prf::HmacMd5, 1, "md5"),
            (Prf::HmacSha1, 2, "sha1"),
            (Prf::HmacSha256, 4, "sha256"),
        ] {
            assert_eq!(Prf::from_hash_id(id), Some(prf));
            assert_eq!(prf.hash_id(), id);
            assert_eq!(Prf::from_racoon_name(name), Some(prf));
            assert_eq!(prf.to_string(), name);
        }
        assert_eq!(Prf::from_hash_id(3), None);
        assert_eq!(Prf::from_racoon_name("sha"), None);
        for (cipher, id, bits, name, key, block) in [
            (IkeCipher::DesCbc, 1, None, "des", 8, 8),
            (IkeCipher::TripleDesCbc, 5, None, "3des", 24, 8),
            (IkeCipher::AesCbc128, 7, Some(128), "aes", 16, 16),
            (IkeCipher::AesCbc192, 7, Some(192), "aes", 24, 16),
            (IkeCipher::AesCbc256, 7, Some(256), "aes", 32, 16),
            (
                IkeCipher::Blowfish { bits: 448 },
                3,
                Some(448),
                "blowfish",
                56,
                8,
            ),
            (
                IkeCipher::Blowfish { bits: 40 },
                3,
                Some(40),
                "blowfish",
                5,
                8,
            ),
            (
                IkeCipher::Cast128 { bits: 128 },
                6,
                Some(128),
                "cast128",
                16,
                8,
            ),
            (
                IkeCipher::Cast128 { bits: 80 },
                6,
                Some(80),
                "cast128",
                10,
                8,
            ),
            (
                IkeCipher::Camellia { bits: 192 },
                8,
                Some(192),
                "camellia",
                24,
                16,
            ),
        ] {
            assert_eq!(IkeCipher::from_attributes(id, bits), Some(cipher));
            assert_eq!(IkeCipher::from_racoon_name(name, bits), Some(cipher));
            assert_eq!((cipher.enc_id(), cipher.key_bits()), (id, bits));
            assert_eq!((cipher.key_len(), cipher.block_len()), (key, block));
            assert_eq!(cipher.racoon_name(), name);
        }
        assert_eq!(
            IkeCipher::from_attributes(7, None),
            Some(IkeCipher::AesCbc128)
        );
        assert_eq!(
            IkeCipher::from_racoon_name("aes", None),
            Some(IkeCipher::AesCbc128)
        );
        for (id, bits) in [
            (1, Some(64)),
            (5, Some(192)),
            (7, Some(64)),
            (2, None),
            (0, None),
            (3, Some(32)),
            (3, Some(456)),
            (3, Some(129)),
            (6, Some(136)),
            (8, Some(64)),
        ] {
            assert_eq!(IkeCipher::from_attributes(id, bits), None);
        }
        assert_eq!(IkeCipher::from_racoon_name("idea", None), None);
    }

    /// racoon `oakley_ph1hash_base_i`: prf(SKEYID, g^xi | CKY-I | CKY-R |
    /// SAi_b | IDii_b). Expected value from Python's `hmac` (SHA-1) over
    /// the same bytes: SKEYID 40..53, g^xi 128 × 0xaa, the test cookies,
    /// SAi_b 000000010000000100000028, IDii_b 01000000c0000201.
    #[test]
    fn base_mode_hash_i_known_answer() {
        let skeyid: Vec<u8> = (0x40..0x54).collect();
        let cookies = (
            hex("0011223344556677").try_into().unwrap(),
            hex("8899aabbccddeeff").try_into().unwrap(),
        );
        let got = hash_i_base(
            Prf::HmacSha1,
            &skeyid,
            &[0xaa; 128],
            cookies,
            &hex("000000010000000100000028"),
            &hex("01000000c0000201"),
        );
        assert_eq!(got, hex("5edbb568f924000f3377f5cbd5a0d82cf42cd2ad"));
    }

    /// racoon `oakley_ph1hash_base_i` and `oakley_ph1hash_base_r` for
    /// signatures: the PRF keyed by SHA-1(Nr | Ni) and SHA-1(Ni | Nr).
    /// Expected values from Python's `hashlib` and `hmac` over the same
    /// bytes: Ni 10..1f, Nr 20..2f, g^xi 128 × 0xaa, g^xr 128 × 0xbb, the
    /// cookies, SAi_b and IDii_b of `base_mode_hash_i_known_answer`.
    #[test]
    fn base_mode_signature_hashes_known_answers() {
        let (ni, nr): (Vec<u8>, Vec<u8>) = ((0x10..0x20).collect(), (0x20..0x30).collect());
        let cookies = (
            hex("0011223344556677").try_into().unwrap(),
            hex("8899aabbccddeeff").try_into().unwrap(),
        );
        let (sa, id) = (hex("000000010000000100000028"), hex("01000000c0000201"));
        let i = hash_i_base_sig(Prf::HmacSha1, (&ni, &nr), &[0xaa; 128], cookies, &sa, &id);
        assert_eq!(i, hex("2c5a97b28ef23b360b4c26144970ffd701917174"));
        let publics: (&[u8], &[u8]) = (&[0xaa; 128], &[0xbb; 128]);
        let r = hash_r_base_sig(Prf::HmacSha1, (&ni, &nr), publics, cookies, &sa, &id);
        assert_eq!(r, hex("7c6f6b2b3bdf1dbc4ef7f2beece2cf9daceb0cad"));
    }

    /// Without a Key Length attribute a variable-key cipher gets what
    /// racoon's key-length function returns for 0 (crypto_openssl.c):
    /// `eay_bf_keylen` 448 bits, `eay_cast_keylen` and
    /// `eay_camellia_keylen` 128.
    #[test]
    fn absent_key_length_is_racoons_default() {
        let none = |id| IkeCipher::from_attributes(id, None);
        assert_eq!(none(3), Some(IkeCipher::Blowfish { bits: 448 }));
        assert_eq!(none(6), Some(IkeCipher::Cast128 { bits: 128 }));
        assert_eq!(none(8), Some(IkeCipher::Camellia { bits: 128 }));
        let wireshark: Vec<bool> = IkeCipher::ALL
            .iter()
            .map(|c| c.wireshark_decrypts())
            .collect();
        assert_eq!(
            wireshark,
            [true, true, true, true, true, false, false, false]
        );
    }

    #[test]
    fn debug_shows_no_keys() {
        let (g_xi, g_xr, g_xy) = modp1024_exchange();
        let keys = Phase1Keys::new(
            Prf::HmacSha1,
            IkeCipher::AesCbc128,
            vec![1; 20],
            &g_xy,
            &public(&g_xi, &g_xr),
        );
        assert_eq!(format!("{keys:?}"), "Phase1Keys { .. }");
        let mc = MessageCipher::new(IkeCipher::DesCbc, &[9; 8]).expect("key");
        assert_eq!(format!("{mc:?}"), "MessageCipher { cipher: DesCbc, .. }");
        let chain = derive(Prf::HmacMd5, b"s", b"g", &CKY_I, &CKY_R);
        assert_eq!(format!("{chain:?}"), "SkeyidChain { .. }");
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(128))]

        // Short, empty and odd inputs: results or errors, never panics.
        #[test]
        fn nothing_panics_on_odd_inputs(
            cipher in proptest::sample::select(IkeCipher::ALL.to_vec()),
            prf in proptest::sample::select(Prf::ALL.to_vec()),
            data in proptest::collection::vec(any::<u8>(), 0..70),
            iv_len in 0usize..20,
            key_len in 0usize..70,
        ) {
            let mc = MessageCipher::new(cipher, &vec![0x42; cipher.key_len()]).expect("key");
            let iv = vec![0x24; iv_len];
            if let Ok(opened) = mc.decrypt(&iv, &data) {
                prop_assert_eq!(opened.plaintext.len(), data.len());
            }
            if let Ok(sealed) = mc.encrypt(&iv, &data) {
                let opened = mc.decrypt(&iv, &sealed.ciphertext).expect("own ciphertext");
                prop_assert_eq!(&opened.plaintext[..data.len()], &data[..]);
            }
            prop_assert_eq!(encryption_key(prf, &data, key_len).len(), key_len);
            let (half, rest) = data.split_at(data.len() / 2);
            let input = KeymatInput { pfs_g_xy: Some(rest), protocol: 3, spi: 1, ni_b: half, nr_b: &[] };
            prop_assert_eq!(keymat(prf, &data, &input, key_len).len(), key_len);
            prop_assert_eq!(phase1_iv(prf, cipher, half, rest).len(), cipher.block_len());
            prop_assert_eq!(phase2_iv(prf, cipher, &data, 7).len(), cipher.block_len());
            let _ = next_iv(cipher, &data);
            let _ = hashes_match(half, rest);
            let _ = MessageCipher::new(cipher, &data);
        }
    }
}
