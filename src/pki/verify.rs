//! racoon's `eay_check_x509cert`: the peer's certificate checked against
//! an X509_STORE of the `path certificate` hash directory (and the
//! `ca_type x509` file), with `X509_V_FLAG_CRL_CHECK |
//! X509_V_FLAG_CRL_CHECK_ALL`, in the order OpenSSL 3's `verify_chain`
//! finds problems (crypto/x509/x509_vfy.c): build the chain, check the
//! CA flags, check revocation, then signatures and validity times from
//! the top down (`internal_verify`). The verify callbacks
//! (`cb_check_cert_local`, `cb_check_cert_remote`) log every problem as
//! `<X509_verify_cert_error_string>(<code>) at depth:<d>
//! SubjectName:<oneline>` and let some pass.

use std::fmt;

use der::asn1::ObjectIdentifier;
use rsa::{Pkcs1v15Sign, PublicKey as RsaPublicKey};
use x509_cert::ext::pkix::{
    AuthorityKeyIdentifier, BasicConstraints, KeyUsage, SubjectKeyIdentifier,
};

#[cfg(test)]
use super::cert::PrivateKey;
use super::cert::{Crl, X509Certificate};
use super::dn::DistinguishedName;

/// OpenSSL's `X509_V_ERR_*` codes racoon's checks can meet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VerifyErrorCode {
    UnableToGetIssuerCert = 2,
    UnableToGetCrl = 3,
    UnableToDecodeIssuerPublicKey = 6,
    CertSignatureFailure = 7,
    CrlSignatureFailure = 8,
    CertNotYetValid = 9,
    CertHasExpired = 10,
    CrlNotYetValid = 11,
    CrlHasExpired = 12,
    DepthZeroSelfSignedCert = 18,
    SelfSignedCertInChain = 19,
    UnableToGetIssuerCertLocally = 20,
    CertRevoked = 23,
    InvalidCa = 24,
    PathLengthExceeded = 25,
}

impl VerifyErrorCode {
    /// `X509_verify_cert_error_string` of OpenSSL 3 (crypto/x509/x509_txt.c).
    pub fn text(self) -> &'static str {
        use VerifyErrorCode::*;
        match self {
            UnableToGetIssuerCert => "unable to get issuer certificate",
            UnableToGetCrl => "unable to get certificate CRL",
            UnableToDecodeIssuerPublicKey => "unable to decode issuer public key",
            CertSignatureFailure => "certificate signature failure",
            CrlSignatureFailure => "CRL signature failure",
            CertNotYetValid => "certificate is not yet valid",
            CertHasExpired => "certificate has expired",
            CrlNotYetValid => "CRL is not yet valid",
            CrlHasExpired => "CRL has expired",
            DepthZeroSelfSignedCert => "self-signed certificate",
            SelfSignedCertInChain => "self-signed certificate in certificate chain",
            UnableToGetIssuerCertLocally => "unable to get local issuer certificate",
            CertRevoked => "certificate revoked",
            InvalidCa => "invalid CA certificate",
            PathLengthExceeded => "path length constraint exceeded",
        }
    }

    pub fn code(self) -> i32 {
        self as i32
    }

    /// What the callback lets pass (`ok = 1`, logged as a warning).
    fn tolerated(self, side: Side) -> bool {
        use VerifyErrorCode::*;
        match side {
            // "since we are just checking the certificates, it is ok if
            // they are self signed. But we should still warn the user."
            Side::Local => matches!(
                self,
                CertHasExpired
                    | DepthZeroSelfSignedCert
                    | InvalidCa
                    | PathLengthExceeded
                    | UnableToGetCrl
            ),
            Side::Remote => self == UnableToGetCrl,
        }
    }
}

/// One problem found: what, at which depth of the chain (0 = the
/// certificate checked), and that certificate's subject.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifyError {
    pub code: VerifyErrorCode,
    pub depth: usize,
    pub subject: DistinguishedName,
}

impl fmt::Display for VerifyError {
    /// The callbacks' line: `certificate has expired(10) at depth:0
    /// SubjectName:/C=DE/O=Example/CN=moon`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}({}) at depth:{} SubjectName:{}",
            self.code.text(),
            self.code.code(),
            self.depth,
            self.subject.oneline()
        )
    }
}

/// Which callback racoon installs: `cb_check_cert_local` for its own
/// certificate, `cb_check_cert_remote` for the peer's.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    Local,
    Remote,
}

/// A line for racoon's log, at `plog`'s level.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogLine {
    pub warning: bool,
    pub text: String,
}

/// What `eay_check_x509cert` did: the callback's lines and the verdict.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verification {
    pub lines: Vec<LogLine>,
    /// The first problem the callback did not let pass.
    pub result: Result<(), VerifyError>,
}

/// An X509_STORE: CA certificates and CRLs, by the names OpenSSL's
/// `X509_LOOKUP_hash_dir` finds them under.
#[derive(Clone, Debug, Default)]
pub struct CertStore {
    certs: Vec<X509Certificate>,
    crls: Vec<Crl>,
    /// Files of the directory that could not be used, and why.
    pub skipped: Vec<(String, String)>,
}

/// `<8 hex digits>.<n>` (a certificate) or `<8 hex digits>.r<n>` (a CRL).
fn hash_file_name(name: &str) -> Option<(u32, bool)> {
    let (hash, suffix) = name.split_once('.')?;
    if hash.len() != 8
        || !hash
            .bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
    {
        return None;
    }
    let (crl, n) = match suffix.strip_prefix('r') {
        Some(n) => (true, n),
        None => (false, suffix),
    };
    if n.is_empty() || !n.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some((u32::from_str_radix(hash, 16).ok()?, crl))
}

impl CertStore {
    pub fn new() -> Self {
        CertStore::default()
    }

    /// A trusted certificate (a `ca_type x509` file, or `X509_STORE_add_cert`).
    pub fn add_cert(&mut self, cert: X509Certificate) {
        self.certs.push(cert);
    }

    pub fn add_crl(&mut self, crl: Crl) {
        self.crls.push(crl);
    }

    pub fn certs(&self) -> &[X509Certificate] {
        &self.certs
    }

    pub fn crls(&self) -> &[Crl] {
        &self.crls
    }

    /// The files of a `path certificate` directory (name, content), read
    /// as `X509_LOOKUP_hash_dir` reads them: only `hhhhhhhh.N` (a
    /// certificate whose subject hashes to hhhhhhhh) and `hhhhhhhh.rN` (a
    /// CRL whose issuer does) are looked at; a file under a name its
    /// content does not hash to is never found, as in OpenSSL.
    pub fn add_hash_dir<'a>(&mut self, files: impl IntoIterator<Item = (&'a str, &'a [u8])>) {
        for (name, bytes) in files {
            let Some((hash, is_crl)) = hash_file_name(name) else {
                continue;
            };
            let found = if is_crl {
                Crl::parse(bytes).map(|c| (c.issuer().hash(), Entry::Crl(c)))
            } else {
                X509Certificate::parse(bytes).map(|c| (c.subject().hash(), Entry::Cert(c)))
            };
            match found {
                Ok((Ok(h), entry)) if h == hash => match entry {
                    Entry::Crl(c) => self.crls.push(c),
                    Entry::Cert(c) => self.certs.push(c),
                },
                Ok((Ok(h), _)) => self
                    .skipped
                    .push((name.to_string(), format!("its name hashes to {h:08x}"))),
                Ok((Err(e), _)) | Err(e) => self.skipped.push((name.to_string(), e.reason)),
            }
        }
    }
}

enum Entry {
    Cert(X509Certificate),
    Crl(Crl),
}

fn same_name(a: &DistinguishedName, b: &DistinguishedName) -> bool {
    // X509_NAME_cmp is eay_cmp_asn1dn without wildcards; a `*` value
    // never occurs in a certificate racoon builds a chain from.
    a.canonical()
        .ok()
        .is_some_and(|ca| b.canonical().ok() == Some(ca))
}

fn key_id<T: for<'a> der::Decode<'a> + der::oid::AssociatedOid>(c: &X509Certificate) -> Option<T> {
    c.inner()
        .tbs_certificate()
        .get_extension::<T>()
        .ok()
        .flatten()
        .map(|(_, e)| e)
}

/// OpenSSL's `x509_likely_issued`/`check_issued`: the issuer's subject
/// names the certificate's issuer, and key identifiers agree when both
/// are present (RFC 5280 §4.2.1.1).
fn issued_by(cert: &X509Certificate, issuer: &X509Certificate) -> bool {
    if !same_name(&cert.issuer(), &issuer.subject()) {
        return false;
    }
    let akid = key_id::<AuthorityKeyIdentifier>(cert).and_then(|a| a.key_identifier);
    let skid = key_id::<SubjectKeyIdentifier>(issuer);
    match (akid, skid) {
        (Some(a), Some(s)) => a == s.0,
        _ => true,
    }
}

fn self_signed(cert: &X509Certificate) -> bool {
    issued_by(cert, cert)
}

/// The chain from `cert` up through the store, and the problem that
/// stopped it, as OpenSSL's `build_chain` reports it.
fn build_chain(
    cert: &X509Certificate,
    store: &CertStore,
) -> (Vec<X509Certificate>, Option<VerifyErrorCode>) {
    let mut chain = vec![cert.clone()];
    while chain.len() < 100 {
        let top = &chain[chain.len() - 1];
        if self_signed(top) {
            // A self-signed leaf is trusted only if the store holds it.
            if chain.len() == 1 && !store.certs.iter().any(|c| c == top) {
                return (chain, Some(VerifyErrorCode::DepthZeroSelfSignedCert));
            }
            return (chain, None);
        }
        match store.certs.iter().find(|c| issued_by(top, c)) {
            Some(issuer) if !chain.contains(issuer) => chain.push(issuer.clone()),
            _ => {
                let code = if chain.len() == 1 {
                    VerifyErrorCode::UnableToGetIssuerCertLocally
                } else {
                    VerifyErrorCode::UnableToGetIssuerCert
                };
                return (chain, Some(code));
            }
        }
    }
    (chain, Some(VerifyErrorCode::UnableToGetIssuerCert))
}

/// OpenSSL's `X509_check_ca` (crypto/x509/v3_purp.c `check_ca`).
fn is_ca(cert: &X509Certificate) -> bool {
    if let Some(ku) = key_id::<KeyUsage>(cert) {
        if !ku.key_cert_sign() {
            return false;
        }
        if key_id::<BasicConstraints>(cert).is_none() {
            return true;
        }
    }
    match key_id::<BasicConstraints>(cert) {
        Some(bc) => bc.ca,
        // A version 1 self-signed certificate is a root.
        None => {
            cert.inner().tbs_certificate().version() == x509_cert::certificate::Version::V1
                && self_signed(cert)
        }
    }
}

/// OpenSSL's `check_extensions`: every certificate above the first must
/// be a CA, within the path lengths below it (RFC 5280 §4.2.1.9).
fn check_extensions(chain: &[X509Certificate], found: &mut Vec<(VerifyErrorCode, usize)>) {
    for (depth, cert) in chain.iter().enumerate().skip(1) {
        if !is_ca(cert) {
            found.push((VerifyErrorCode::InvalidCa, depth));
        }
        let limit = key_id::<BasicConstraints>(cert).and_then(|bc| bc.path_len_constraint);
        if limit.is_some_and(|l| depth - 1 > usize::from(l)) {
            found.push((VerifyErrorCode::PathLengthExceeded, depth));
        }
    }
}

/// A CRL for `cert`: issued under its issuer's name, and, when both
/// carry key identifiers, by its issuer's key (OpenSSL's `get_crl_sk`
/// and `crl_akid_check`; RFC 5280 §5.2.1).
fn crl_of(crl: &Crl, cert: &X509Certificate, issuer: &X509Certificate) -> bool {
    if !same_name(&crl.issuer(), &cert.issuer()) {
        return false;
    }
    let ski = key_id::<SubjectKeyIdentifier>(issuer);
    match (crl.authority_key_id(), ski) {
        (Some(a), Some(s)) => a == s.0.as_bytes(),
        _ => true,
    }
}

/// OpenSSL's `check_revocation` with CRL_CHECK_ALL: every certificate of
/// the chain is looked up in a CRL of its issuer (RFC 5280 §6.3).
fn check_revocation(
    chain: &[X509Certificate],
    store: &CertStore,
    now: u64,
    found: &mut Vec<(VerifyErrorCode, usize)>,
) {
    for (depth, cert) in chain.iter().enumerate() {
        let issuer = chain.get(depth + 1).unwrap_or(cert);
        let crl = store.crls.iter().find(|c| crl_of(c, cert, issuer));
        let Some(crl) = crl else {
            found.push((VerifyErrorCode::UnableToGetCrl, depth));
            continue;
        };
        if crl.this_update() > now {
            found.push((VerifyErrorCode::CrlNotYetValid, depth));
        }
        if crl.next_update().is_some_and(|t| t < now) {
            found.push((VerifyErrorCode::CrlHasExpired, depth));
        }
        let signed = issuer
            .public_key()
            .ok()
            .zip(crl.tbs_der().ok())
            .is_some_and(|(key, tbs)| {
                signature_ok(&key, crl.signature_algorithm(), &tbs, crl.signature())
            });
        if !signed {
            found.push((VerifyErrorCode::CrlSignatureFailure, depth));
        }
        if crl.revokes(cert.serial()) {
            found.push((VerifyErrorCode::CertRevoked, depth));
        }
    }
}

/// OpenSSL's `internal_verify`: from the top down, each signature by the
/// certificate above it (a self-signed top is not checked), then each
/// validity period (RFC 5280 §4.1.2.5, §6.1.3 (a)).
fn internal_verify(chain: &[X509Certificate], now: u64, found: &mut Vec<(VerifyErrorCode, usize)>) {
    for depth in (0..chain.len()).rev() {
        let cert = &chain[depth];
        if let Some(issuer) = chain.get(depth + 1) {
            match issuer.public_key() {
                Err(_) => found.push((VerifyErrorCode::UnableToDecodeIssuerPublicKey, depth)),
                Ok(key) => {
                    let ok = cert.tbs_der().is_ok_and(|tbs| {
                        signature_ok(&key, cert.signature_algorithm(), &tbs, cert.signature())
                    });
                    if !ok {
                        found.push((VerifyErrorCode::CertSignatureFailure, depth));
                    }
                }
            }
        }
        if cert.not_before() > now {
            found.push((VerifyErrorCode::CertNotYetValid, depth));
        }
        if cert.not_after() < now {
            found.push((VerifyErrorCode::CertHasExpired, depth));
        }
    }
}

const SHA1_RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.5");
const SHA256_RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.11");
const SHA384_RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.12");
const SHA512_RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.13");
const SHA224_RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.14");

/// RSASSA-PKCS1-v1_5 (RFC 8017 §8.2.2) with the digest the algorithm
/// names (RFC 4055 §5): sha1-, sha224-, sha256-, sha384-, sha512WithRSAEncryption.
pub fn signature_ok(key: &RsaPublicKey, alg: ObjectIdentifier, signed: &[u8], sig: &[u8]) -> bool {
    use sha2::Digest;
    let (scheme, digest) = match alg {
        SHA1_RSA => (
            Pkcs1v15Sign::new::<sha1::Sha1>(),
            sha1::Sha1::digest(signed).to_vec(),
        ),
        SHA224_RSA => (
            Pkcs1v15Sign::new::<sha2::Sha224>(),
            sha2::Sha224::digest(signed).to_vec(),
        ),
        SHA256_RSA => (
            Pkcs1v15Sign::new::<sha2::Sha256>(),
            sha2::Sha256::digest(signed).to_vec(),
        ),
        SHA384_RSA => (
            Pkcs1v15Sign::new::<sha2::Sha384>(),
            sha2::Sha384::digest(signed).to_vec(),
        ),
        SHA512_RSA => (
            Pkcs1v15Sign::new::<sha2::Sha512>(),
            sha2::Sha512::digest(signed).to_vec(),
        ),
        _ => return false,
    };
    key.verify(scheme, &digest, sig).is_ok()
}

/// racoon's `eay_check_x509cert(cert, CApath, CAfile, local)` at `now`
/// (seconds since the Unix epoch): every problem OpenSSL meets goes to
/// the callback, which logs it and lets it pass or stops there.
pub fn check_x509cert(
    cert: &X509Certificate,
    store: &CertStore,
    now: u64,
    side: Side,
) -> Verification {
    let (chain, stop) = build_chain(cert, store);
    let mut found = Vec::new();
    if let Some(code) = stop {
        found.push((code, chain.len() - 1));
    }
    check_extensions(&chain, &mut found);
    check_revocation(&chain, store, now, &mut found);
    internal_verify(&chain, now, &mut found);
    let mut lines = Vec::new();
    for (code, depth) in found {
        let error = VerifyError {
            code,
            depth,
            subject: chain[depth].subject(),
        };
        let tolerated = code.tolerated(side);
        lines.push(LogLine {
            warning: tolerated,
            text: error.to_string(),
        });
        if !tolerated {
            return Verification {
                lines,
                result: Err(error),
            };
        }
    }
    Verification {
        lines,
        result: Ok(()),
    }
}

#[cfg(test)]
#[path = "verify_tests.rs"]
mod tests;
