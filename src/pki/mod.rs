//! X.509 for racoon's `authentication_method rsasig`: certificates, RSA
//! keys and CRLs read from PEM or DER ([`cert`]), distinguished names as
//! racoon reads, compares and prints them and OpenSSL's subject-name hash
//! ([`dn`]), the chain check of racoon's `eay_check_x509cert` ([`verify`]),
//! the ID-versus-certificate check of `oakley_check_certid` ([`certid`]),
//! the IKEv1 RSA signature of `eay_get_x509sign` ([`sign`]), and a
//! deterministic PKI for scenarios ([`generate`]).
//!
//! Sits between `crypto` and `config`: imports `net` and `crypto` only.
//! Every input is untrusted: a parse failure is a [`PkiError`] with a
//! reason, never a panic. Time is seconds since the Unix epoch, given by
//! the caller (simulated time), never read from the wall clock.

pub mod cert;
pub mod certid;
pub mod dn;
pub mod generate;
mod keycache;
pub mod sign;
pub mod verify;

pub use cert::{AltName, Crl, PrivateKey, X509Certificate};
pub use certid::{CertIdCheck, PeerId, check_certid};
pub use dn::{DistinguishedName, cmp_asn1dn, name_hash, str2asn1dn};
pub use generate::{CertRequest, GeneratedPki, PkiRequest};
pub use sign::{rsa_sign, rsa_verify};
pub use verify::{CertStore, VerifyError, VerifyErrorCode, check_x509cert};

use std::fmt;

/// Why a certificate, key, CRL or name could not be read or used.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PkiError {
    pub reason: String,
}

impl PkiError {
    pub fn new(reason: impl Into<String>) -> Self {
        PkiError {
            reason: reason.into(),
        }
    }
}

impl fmt::Display for PkiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.reason)
    }
}

impl std::error::Error for PkiError {}

impl From<der::Error> for PkiError {
    fn from(e: der::Error) -> Self {
        PkiError::new(format!("malformed DER: {e}"))
    }
}
