//! Certificates, RSA private keys and CRLs, from PEM or DER, as racoon
//! reads them: `eay_get_x509cert` (PEM `CERTIFICATE`), `eay_get_pkcs1privkey`
//! (`PEM_read_PrivateKey`: PKCS#1 `RSA PRIVATE KEY` or PKCS#8 `PRIVATE
//! KEY`), and the CRLs of the `path certificate` hash directory. Only the
//! fields racoon looks at are exposed (RFC 5280 §4.1, §5.1).

use std::net::IpAddr;

use der::asn1::ObjectIdentifier;
use der::referenced::OwnedToRef;
use der::{Decode, Encode};
use rsa::pkcs1::DecodeRsaPrivateKey;
use rsa::pkcs8::DecodePrivateKey;
use rsa::{PrivateKey as RsaPrivateKey, PublicKey as RsaPublicKey};
use x509_cert::Certificate;
use x509_cert::crl::CertificateList;
use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::ext::pkix::{BasicConstraints, SubjectAltName};
use x509_cert::time::Time;

use super::PkiError;
use super::dn::DistinguishedName;

/// The PEM blocks of `text` with the label wanted, in order, decoded.
/// Text around the blocks is skipped, as OpenSSL's `PEM_read_bio` skips
/// it (a file from `openssl x509 -text` starts with the dump).
fn pem_blocks(text: &[u8], labels: &[&str]) -> Result<Vec<(String, Vec<u8>)>, PkiError> {
    let text = std::str::from_utf8(text).map_err(|_| PkiError::new("PEM text is not UTF-8"))?;
    let mut blocks = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("-----BEGIN ") {
        let block = &rest[start..];
        let label_end = block[11..]
            .find("-----")
            .ok_or_else(|| PkiError::new("PEM BEGIN line without its closing dashes"))?;
        let label = &block[11..11 + label_end];
        let end_line = format!("-----END {label}-----");
        let end = block
            .find(&end_line)
            .ok_or_else(|| PkiError::new(format!("PEM block `{label}` has no END line")))?;
        let whole = &block[..end + end_line.len()];
        rest = &block[end + end_line.len()..];
        if labels.contains(&label) {
            let (_, der) = der::pem::decode_vec(whole.as_bytes())
                .map_err(|e| PkiError::new(format!("PEM block `{label}`: {e}")))?;
            blocks.push((label.to_string(), der));
        }
    }
    Ok(blocks)
}

fn looks_like_pem(bytes: &[u8]) -> bool {
    bytes.windows(11).any(|w| w == b"-----BEGIN ")
}

/// The DER inside `bytes`: the first PEM block with one of `labels`, or
/// `bytes` itself when it is not PEM.
fn der_of(bytes: &[u8], labels: &[&str], what: &str) -> Result<(String, Vec<u8>), PkiError> {
    if !looks_like_pem(bytes) {
        return Ok((String::new(), bytes.to_vec()));
    }
    pem_blocks(bytes, labels)?
        .into_iter()
        .next()
        .ok_or_else(|| PkiError::new(format!("no PEM block of {what} ({})", labels.join(", "))))
}

/// PEM labels OpenSSL's `PEM_read_X509` takes (`pem_check_suffix`).
const CERT_LABELS: [&str; 2] = ["CERTIFICATE", "X509 CERTIFICATE"];

/// A name in a subjectAltName (RFC 5280 §4.2.1.6), in the order written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AltName {
    Dns(String),
    Email(String),
    Uri(String),
    /// The iPAddress octets: 4 for IPv4, 16 for IPv6, or what was sent.
    Ip(Vec<u8>),
    /// otherName, x400Address, directoryName, ediPartyName, registeredID:
    /// racoon's `eay_get_x509subjectaltname` reads none of them.
    Other,
}

/// One X.509 certificate and its DER encoding.
#[derive(Clone, Debug)]
pub struct X509Certificate {
    der: Vec<u8>,
    cert: Certificate,
}

impl PartialEq for X509Certificate {
    fn eq(&self, other: &Self) -> bool {
        self.der == other.der
    }
}

impl X509Certificate {
    /// Reads a certificate from PEM (the first `CERTIFICATE` block) or DER.
    pub fn parse(bytes: &[u8]) -> Result<Self, PkiError> {
        let (_, der) = der_of(bytes, &CERT_LABELS, "a certificate")?;
        Self::from_der(&der)
    }

    /// Every certificate of a PEM file, in order (a CA file may hold several).
    pub fn parse_all(bytes: &[u8]) -> Result<Vec<Self>, PkiError> {
        if !looks_like_pem(bytes) {
            return Ok(vec![Self::from_der(bytes)?]);
        }
        pem_blocks(bytes, &CERT_LABELS)?
            .into_iter()
            .map(|(_, der)| Self::from_der(&der))
            .collect()
    }

    pub fn from_der(der: &[u8]) -> Result<Self, PkiError> {
        let cert = Certificate::from_der(der)
            .map_err(|e| PkiError::new(format!("not an X.509 certificate: {e}")))?;
        Ok(X509Certificate {
            der: der.to_vec(),
            cert,
        })
    }

    /// The DER encoding: the data of a CERT payload with encoding 4
    /// (X.509 Certificate - Signature, RFC 2408 §3.9), as racoon's
    /// `eay_get_x509cert` puts it after its type byte.
    pub fn der(&self) -> &[u8] {
        &self.der
    }

    pub fn to_pem(&self) -> String {
        pem_string("CERTIFICATE", &self.der)
    }

    pub fn inner(&self) -> &Certificate {
        &self.cert
    }

    pub fn subject(&self) -> DistinguishedName {
        name_of(self.cert.tbs_certificate().subject())
    }

    pub fn issuer(&self) -> DistinguishedName {
        name_of(self.cert.tbs_certificate().issuer())
    }

    /// The serial number's content octets (big-endian two's complement).
    pub fn serial(&self) -> &[u8] {
        self.cert.tbs_certificate().serial_number().as_bytes()
    }

    /// notBefore, seconds since the Unix epoch.
    pub fn not_before(&self) -> u64 {
        unix_secs(&self.cert.tbs_certificate().validity().not_before)
    }

    /// notAfter, seconds since the Unix epoch.
    pub fn not_after(&self) -> u64 {
        unix_secs(&self.cert.tbs_certificate().validity().not_after)
    }

    /// The RSA public key of subjectPublicKeyInfo.
    pub fn public_key(&self) -> Result<RsaPublicKey, PkiError> {
        let spki = self.cert.tbs_certificate().subject_public_key_info();
        RsaPublicKey::try_from(spki.owned_to_ref())
            .map_err(|e| PkiError::new(format!("not an RSA public key: {e}")))
    }

    /// The names of the subjectAltName extension in order; None without
    /// the extension.
    pub fn alt_names(&self) -> Result<Option<Vec<AltName>>, PkiError> {
        let found = self
            .cert
            .tbs_certificate()
            .get_extension::<SubjectAltName>()
            .map_err(|e| PkiError::new(format!("malformed subjectAltName: {e}")))?;
        Ok(found.map(|(_, san)| san.0.iter().map(alt_name).collect()))
    }

    /// basicConstraints cA (RFC 5280 §4.2.1.9).
    pub fn is_ca(&self) -> bool {
        matches!(
            self.cert.tbs_certificate().get_extension::<BasicConstraints>(),
            Ok(Some((_, bc))) if bc.ca
        )
    }

    /// The DER of tbsCertificate, which the issuer signed.
    pub fn tbs_der(&self) -> Result<Vec<u8>, PkiError> {
        Ok(self.cert.tbs_certificate().to_der()?)
    }

    pub fn signature_algorithm(&self) -> ObjectIdentifier {
        self.cert.signature_algorithm().oid
    }

    pub fn signature(&self) -> &[u8] {
        self.cert.signature().raw_bytes()
    }
}

fn alt_name(name: &GeneralName) -> AltName {
    match name {
        GeneralName::DnsName(s) => AltName::Dns(s.to_string()),
        GeneralName::Rfc822Name(s) => AltName::Email(s.to_string()),
        GeneralName::UniformResourceIdentifier(s) => AltName::Uri(s.to_string()),
        GeneralName::IpAddress(ip) => AltName::Ip(ip.as_bytes().to_vec()),
        _ => AltName::Other,
    }
}

impl AltName {
    /// An iPAddress of 4 or 16 octets as an address.
    pub fn ip(&self) -> Option<IpAddr> {
        match self {
            AltName::Ip(b) => match b.len() {
                4 => <[u8; 4]>::try_from(b.as_slice()).ok().map(IpAddr::from),
                16 => <[u8; 16]>::try_from(b.as_slice()).ok().map(IpAddr::from),
                _ => None,
            },
            _ => None,
        }
    }
}

pub(crate) fn name_of(name: &x509_cert::name::Name) -> DistinguishedName {
    // Encoding a name that was decoded cannot fail but for lengths past
    // what DER holds; an empty name stands in then and matches nothing.
    DistinguishedName::from_der_unchecked(name.to_der().unwrap_or_default())
}

pub(crate) fn unix_secs(t: &Time) -> u64 {
    t.to_unix_duration().as_secs()
}

pub(crate) fn pem_string(label: &str, der: &[u8]) -> String {
    // Base64 of any byte string is well formed; a failure here could only
    // be an output length overflow.
    der::pem::encode_string(label, der::pem::LineEnding::LF, der).unwrap_or_default()
}

/// An RSA private key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PrivateKey(pub RsaPrivateKey);

impl PrivateKey {
    /// Reads PEM `RSA PRIVATE KEY` (PKCS#1, RFC 8017 appendix A.1.2) or
    /// `PRIVATE KEY` (PKCS#8, RFC 5208), or DER of either, as OpenSSL's
    /// `PEM_read_PrivateKey` in racoon's `eay_get_pkcs1privkey` does.
    pub fn parse(bytes: &[u8]) -> Result<Self, PkiError> {
        const LABELS: [&str; 3] = ["RSA PRIVATE KEY", "PRIVATE KEY", "ENCRYPTED PRIVATE KEY"];
        let (label, der) = der_of(bytes, &LABELS, "a private key")?;
        let pkcs1 = || RsaPrivateKey::from_pkcs1_der(&der).map_err(|e| e.to_string());
        let pkcs8 = || RsaPrivateKey::from_pkcs8_der(&der).map_err(|e| e.to_string());
        let key = match label.as_str() {
            "RSA PRIVATE KEY" => pkcs1(),
            "PRIVATE KEY" => pkcs8(),
            "ENCRYPTED PRIVATE KEY" => Err(
                "encrypted keys are not supported (racoon reads keys without a passphrase)".into(),
            ),
            _ => pkcs1().or_else(|_| pkcs8()),
        };
        key.map(PrivateKey)
            .map_err(|e| PkiError::new(format!("not an RSA private key: {e}")))
    }

    pub fn public_key(&self) -> RsaPublicKey {
        self.0.to_public_key()
    }

    /// PEM `RSA PRIVATE KEY` (PKCS#1), as `openssl genrsa` of OpenSSL 1.x wrote.
    pub fn to_pkcs1_pem(&self) -> Result<String, PkiError> {
        use rsa::pkcs1::EncodeRsaPrivateKey;
        self.0
            .to_pkcs1_pem(der::pem::LineEnding::LF)
            .map(|s| s.to_string())
            .map_err(|e| PkiError::new(format!("cannot encode the key: {e}")))
    }
}

/// racoon's `certificate_type plain_rsa` and `peers_certfile plain_rsa`
/// read FreeS/WAN `ipsec.secrets`-style keys (`: RSA { Modulus: 0x...
/// }`, `: PUB 0sAQ...`, with address selectors; `prsa_par.y`,
/// `rsalist.c`). vpnlab does not read that format yet.
pub fn parse_plain_rsa(_text: &str) -> Result<RsaPrivateKey, PkiError> {
    Err(PkiError::new(
        "plain_rsa keys (racoon's prsa_par.y format, `: RSA { Modulus: ... }`) are not supported; use certificate_type x509",
    ))
}

/// A certificate revocation list (RFC 5280 §5).
#[derive(Clone, Debug)]
pub struct Crl {
    der: Vec<u8>,
    crl: CertificateList,
}

impl Crl {
    /// Reads PEM `X509 CRL` or DER.
    pub fn parse(bytes: &[u8]) -> Result<Self, PkiError> {
        let (_, der) = der_of(bytes, &["X509 CRL"], "a CRL")?;
        let crl = CertificateList::from_der(&der)
            .map_err(|e| PkiError::new(format!("not an X.509 CRL: {e}")))?;
        Ok(Crl { der, crl })
    }

    pub fn der(&self) -> &[u8] {
        &self.der
    }

    pub fn to_pem(&self) -> String {
        pem_string("X509 CRL", &self.der)
    }

    pub fn issuer(&self) -> DistinguishedName {
        name_of(&self.crl.tbs_cert_list.issuer)
    }

    pub fn this_update(&self) -> u64 {
        unix_secs(&self.crl.tbs_cert_list.this_update)
    }

    pub fn next_update(&self) -> Option<u64> {
        self.crl.tbs_cert_list.next_update.as_ref().map(unix_secs)
    }

    /// Whether `serial` (content octets) is listed.
    pub fn revokes(&self, serial: &[u8]) -> bool {
        self.crl
            .tbs_cert_list
            .revoked_certificates
            .iter()
            .flatten()
            .any(|r| r.serial_number.as_bytes() == serial)
    }

    pub fn tbs_der(&self) -> Result<Vec<u8>, PkiError> {
        Ok(self.crl.tbs_cert_list.to_der()?)
    }

    /// The keyIdentifier of the authorityKeyIdentifier extension (RFC
    /// 5280 §5.2.1), when present.
    pub fn authority_key_id(&self) -> Option<Vec<u8>> {
        use x509_cert::ext::pkix::AuthorityKeyIdentifier;
        let ext = self
            .crl
            .tbs_cert_list
            .crl_extensions
            .iter()
            .flatten()
            .find(|e| e.extn_id == <AuthorityKeyIdentifier as der::oid::AssociatedOid>::OID)?;
        let aki = AuthorityKeyIdentifier::from_der(ext.extn_value.as_bytes()).ok()?;
        aki.key_identifier.map(|k| k.as_bytes().to_vec())
    }

    pub fn signature_algorithm(&self) -> ObjectIdentifier {
        self.crl.signature_algorithm.oid
    }

    pub fn signature(&self) -> &[u8] {
        self.crl.signature.raw_bytes()
    }
}
