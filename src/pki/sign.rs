//! The IKEv1 RSA signature as racoon makes it (RFC 2409 §5.1): HASH_I or
//! HASH_R itself, PKCS#1 v1.5 type 1 padded and raised to the private
//! exponent, with no DigestInfo around it. racoon's `eay_get_x509sign`
//! → `eay_pkey_sign` calls `EVP_PKEY_sign` with `RSA_PKCS1_PADDING` and
//! no signature digest (formerly `RSA_private_encrypt`), and
//! `eay_check_x509sign` → `eay_pkey_verify` recovers the data with
//! `EVP_PKEY_verify_recover` and compares it with the hash.

use rsa::{Pkcs1v15Sign, PublicKey as RsaPublicKey};

use super::PkiError;
use super::cert::PrivateKey;

/// The signature of `hash` (racoon's `eay_get_x509sign`): as long as the
/// modulus. racoon refuses an empty input ("eay_pkey_sign: empty input
/// rejected"); a hash longer than the modulus less 11 bytes cannot be
/// padded (RFC 8017 §9.2 step 3).
pub fn rsa_sign(key: &PrivateKey, hash: &[u8]) -> Result<Vec<u8>, PkiError> {
    if hash.is_empty() {
        return Err(PkiError::new("eay_pkey_sign: empty input rejected"));
    }
    // Without an RNG the rsa crate signs without blinding: the same key
    // and hash always give the same bytes (PKCS#1 v1.5 is deterministic).
    key.0
        .sign(Pkcs1v15Sign::new_unprefixed(), hash)
        .map_err(|e| PkiError::new(format!("EVP_PKEY_sign failed: {e}")))
}

/// Checks `sig` over `hash` with the peer's key (racoon's
/// `eay_check_x509sign`). A signature shorter than the modulus is read
/// as a number, as OpenSSL's `BN_bin2bn` reads it, so leading zero
/// bytes may be missing; a longer one is refused.
pub fn rsa_verify(key: &RsaPublicKey, hash: &[u8], sig: &[u8]) -> Result<(), PkiError> {
    use rsa::traits::PublicKeyParts;
    let k = key.size();
    if sig.len() > k {
        return Err(PkiError::new(
            "EVP_PKEY_verify_recover failed: data greater than mod len",
        ));
    }
    let mut padded = vec![0u8; k - sig.len()];
    padded.extend_from_slice(sig);
    key.verify(Pkcs1v15Sign::new_unprefixed(), hash, &padded)
        .map_err(|_| PkiError::new("Signature verification failed"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A 1024-bit key made with `openssl genrsa -traditional -out kat.key 1024`.
    const KEY: &str = include_str!("testdata/kat-rsa1024.key");

    /// The 20 bytes 00 01 .. 13, a SHA-1-sized HASH_I.
    fn hash() -> Vec<u8> {
        (0u8..20).collect()
    }

    /// Known answer from OpenSSL for racoon's `eay_pkey_sign` (raw
    /// PKCS#1 v1.5 type 1, no DigestInfo):
    /// `openssl pkeyutl -sign -inkey kat.key -in hash.bin -pkeyopt rsa_padding_mode:pkcs1`
    /// (and `openssl rsautl -sign -pkcs` gives the same bytes), OpenSSL 3.0.19.
    const OPENSSL_SIG: &str = "9f6089196b9be818fc44689f0d36310f56518c3d66ea6f8f4f469ada5b7d8131a5d6dec59ec73808f5fde107c0fd6eb7409c3a2015fabf9262a750c8080cfca110342a58f2b2c6ffc2142964a9e85a0e6f787d09120f05605014744810a9eef04ce91609eb46775b6767713cba0b2f06f2669efe4b2c7907f9a26dc2206cf0ef";

    fn hex(s: &str) -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }

    /// crypto_openssl.c `eay_pkey_sign`: the signature equals OpenSSL's.
    #[test]
    fn signs_like_openssl_raw_pkcs1() {
        let key = PrivateKey::parse(KEY.as_bytes()).unwrap();
        let sig = rsa_sign(&key, &hash()).unwrap();
        assert_eq!(sig, hex(OPENSSL_SIG));
    }

    /// crypto_openssl.c `eay_pkey_verify`: OpenSSL's signature verifies,
    /// a changed hash or signature does not, leading zeros may be dropped.
    #[test]
    fn verifies_and_refuses() {
        let key = PrivateKey::parse(KEY.as_bytes()).unwrap().public_key();
        let sig = hex(OPENSSL_SIG);
        assert!(rsa_verify(&key, &hash(), &sig).is_ok());
        let mut other = hash();
        other[0] ^= 1;
        assert!(rsa_verify(&key, &other, &sig).is_err());
        let mut bad = sig.clone();
        bad[10] ^= 1;
        assert!(rsa_verify(&key, &hash(), &bad).is_err());
        assert!(rsa_verify(&key, &hash(), &[sig.clone(), vec![0]].concat()).is_err());
        assert!(rsa_verify(&key, &hash(), &[]).is_err());
    }

    /// `eay_pkey_sign` refuses an empty input; an over-long one cannot be padded.
    #[test]
    fn refuses_empty_and_overlong_input() {
        let key = PrivateKey::parse(KEY.as_bytes()).unwrap();
        assert!(rsa_sign(&key, &[]).is_err());
        assert!(rsa_sign(&key, &[7u8; 118]).is_err());
        assert!(rsa_sign(&key, &[7u8; 117]).is_ok());
    }
}
