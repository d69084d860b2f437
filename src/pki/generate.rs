//! A deterministic PKI for scenarios: from a seed and names, RSA keys, a
//! CA, an optional intermediate CA, end-entity certificates and a CRL
//! per CA, all signed sha256WithRSAEncryption (RFC 4055 §5; PKCS#1 v1.5
//! is deterministic), serials derived from the seed. The same request
//! gives the same bytes.

use std::net::IpAddr;
use std::path::PathBuf;
use std::time::Duration;

use der::asn1::{GeneralizedTime, Ia5String, UtcTime};
use der::referenced::OwnedToRef;
use der::{DateTime, Decode, Encode};
use rsa::pkcs1v15::SigningKey;
use sha2::{Digest, Sha256};
use spki::{EncodePublicKey, SubjectPublicKeyInfoOwned};
use x509_cert::builder::profile::BuilderProfile;
use x509_cert::builder::{Builder, CertificateBuilder};
use x509_cert::certificate::TbsCertificate;
use x509_cert::crl::RevokedCert;
use x509_cert::ext::Extension;
use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::ext::pkix::{
    AuthorityKeyIdentifier, BasicConstraints, CrlNumber, KeyUsage, KeyUsages, SubjectAltName,
    SubjectKeyIdentifier,
};
use x509_cert::name::Name;
use x509_cert::serial_number::SerialNumber;
use x509_cert::time::{Time, Validity};

use super::PkiError;
use super::cert::{Crl, PrivateKey, X509Certificate};
use super::dn::str2asn1dn;
use super::keycache;

/// The default RSA modulus size.
pub const DEFAULT_KEY_BITS: usize = 2048;

/// A CA or end-entity certificate to make.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CertRequest {
    /// Names the key and serial (with the seed): `ca`, `moon`, ...
    pub name: String,
    /// The subject as racoon.conf writes DNs: `C=DE, O=Example, CN=moon`.
    pub dn: String,
    pub san: Vec<SanRequest>,
    pub key_bits: usize,
    /// Seconds since the Unix epoch.
    pub not_before: u64,
    pub not_after: u64,
    /// Listed in its issuer's CRL.
    pub revoked: bool,
}

impl CertRequest {
    pub fn new(name: &str, dn: &str, not_before: u64, not_after: u64) -> Self {
        CertRequest {
            name: name.to_string(),
            dn: dn.to_string(),
            san: Vec::new(),
            key_bits: DEFAULT_KEY_BITS,
            not_before,
            not_after,
            revoked: false,
        }
    }
}

/// A subjectAltName entry (RFC 5280 §4.2.1.6).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SanRequest {
    Ip(IpAddr),
    Dns(String),
    Email(String),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PkiRequest {
    pub seed: u64,
    pub ca: CertRequest,
    /// Issues the end-entity certificates when present.
    pub intermediate: Option<CertRequest>,
    pub certs: Vec<CertRequest>,
    /// thisUpdate and nextUpdate of the CRLs.
    pub crl_this_update: u64,
    pub crl_next_update: u64,
    /// Where generated keys are kept between runs (a capture folder).
    pub key_dir: Option<PathBuf>,
}

/// A certificate with its key.
#[derive(Clone, Debug)]
pub struct Issued {
    pub name: String,
    pub cert: X509Certificate,
    pub key: PrivateKey,
}

#[derive(Clone, Debug)]
pub struct GeneratedPki {
    pub ca: Issued,
    pub intermediate: Option<Issued>,
    pub certs: Vec<Issued>,
    /// The CA's CRL (lists a revoked intermediate).
    pub ca_crl: Crl,
    /// The intermediate's CRL, when there is one (lists revoked end entities).
    pub intermediate_crl: Option<Crl>,
}

impl GeneratedPki {
    pub fn cert(&self, name: &str) -> Option<&Issued> {
        self.certs.iter().find(|c| c.name == name)
    }
}

/// Builds the whole PKI of `req`.
pub fn generate(req: &PkiRequest) -> Result<GeneratedPki, PkiError> {
    let dir = req.key_dir.as_deref();
    let key = |r: &CertRequest| keycache::key(req.seed, &r.name, r.key_bits, dir);
    let ca_key = key(&req.ca)?;
    let ca = issue(req.seed, &req.ca, &ca_key, None, true)?;
    let intermediate = match &req.intermediate {
        Some(r) => Some(issue(req.seed, r, &key(r)?, Some(&ca), true)?),
        None => None,
    };
    let issuer = intermediate.as_ref().unwrap_or(&ca);
    let certs = req
        .certs
        .iter()
        .map(|r| issue(req.seed, r, &key(r)?, Some(issuer), false))
        .collect::<Result<Vec<_>, _>>()?;
    let revoked_ee: Vec<&Issued> = req
        .certs
        .iter()
        .zip(&certs)
        .filter(|(r, _)| r.revoked)
        .map(|(_, c)| c)
        .collect();
    let times = (req.crl_this_update, req.crl_next_update);
    let (ca_crl, intermediate_crl) = match (&intermediate, &req.intermediate) {
        (Some(i), Some(r)) => {
            let ca_revoked: Vec<&Issued> = if r.revoked { vec![i] } else { vec![] };
            (
                make_crl(&ca, &ca_revoked, times)?,
                Some(make_crl(i, &revoked_ee, times)?),
            )
        }
        _ => (make_crl(&ca, &revoked_ee, times)?, None),
    };
    Ok(GeneratedPki {
        ca,
        intermediate,
        certs,
        ca_crl,
        intermediate_crl,
    })
}

/// A positive 8-byte serial from the seed and the certificate's name.
fn serial(seed: u64, name: &str) -> Result<SerialNumber, PkiError> {
    let mut h = Sha256::new();
    h.update(b"vpnlab-pki-serial");
    h.update(seed.to_be_bytes());
    h.update(name.as_bytes());
    let mut bytes: [u8; 8] = [0; 8];
    bytes.copy_from_slice(&h.finalize()[..8]);
    // High bit clear (positive), next bit set (no leading zero octet).
    bytes[0] = (bytes[0] & 0x7f) | 0x40;
    SerialNumber::new(&bytes).map_err(|e| PkiError::new(format!("serial: {e}")))
}

/// RFC 5280 §4.1.2.5: UTCTime through 2049, GeneralizedTime after.
fn time(secs: u64) -> Result<Time, PkiError> {
    let dt = DateTime::from_unix_duration(Duration::from_secs(secs))
        .map_err(|e| PkiError::new(format!("time {secs}: {e}")))?;
    Ok(if dt.year() < 2050 {
        Time::UtcTime(UtcTime::from_date_time(dt)?)
    } else {
        Time::GeneralTime(GeneralizedTime::from_date_time(dt))
    })
}

/// The issuer and subject of one certificate; its extensions are added
/// by [`issue`].
struct Names {
    issuer: Name,
    subject: Name,
}

impl BuilderProfile for Names {
    fn get_issuer(&self, _subject: &Name) -> Name {
        self.issuer.clone()
    }

    fn get_subject(&self) -> Name {
        self.subject.clone()
    }

    fn build_extensions(
        &self,
        _spk: spki::SubjectPublicKeyInfoRef<'_>,
        _issuer_spk: spki::SubjectPublicKeyInfoRef<'_>,
        _tbs: &TbsCertificate,
    ) -> x509_cert::builder::Result<Vec<Extension>> {
        Ok(Vec::new())
    }
}

fn spki_of(key: &PrivateKey) -> Result<SubjectPublicKeyInfoOwned, PkiError> {
    let der = key
        .public_key()
        .to_public_key_der()
        .map_err(|e| PkiError::new(format!("public key: {e}")))?;
    Ok(SubjectPublicKeyInfoOwned::from_der(der.as_bytes())?)
}

fn key_identifier(spki: &SubjectPublicKeyInfoOwned) -> Result<SubjectKeyIdentifier, PkiError> {
    SubjectKeyIdentifier::try_from(spki.owned_to_ref())
        .map_err(|e| PkiError::new(format!("key identifier: {e}")))
}

fn general_names(san: &[SanRequest]) -> Result<Vec<GeneralName>, PkiError> {
    san.iter()
        .map(|s| {
            Ok(match s {
                SanRequest::Ip(ip) => GeneralName::from(*ip),
                SanRequest::Dns(d) => GeneralName::DnsName(Ia5String::new(d)?),
                SanRequest::Email(e) => GeneralName::Rfc822Name(Ia5String::new(e)?),
            })
        })
        .collect()
}

fn build_err(e: impl std::fmt::Display) -> PkiError {
    PkiError::new(format!("cannot build the certificate: {e}"))
}

/// Signs one certificate: self-signed when `issuer` is None.
fn issue(
    seed: u64,
    req: &CertRequest,
    key: &PrivateKey,
    issuer: Option<&Issued>,
    ca: bool,
) -> Result<Issued, PkiError> {
    let subject = Name::from_der(str2asn1dn(&req.dn)?.der())?;
    let spki = spki_of(key)?;
    let ski = key_identifier(&spki)?;
    let (issuer_name, issuer_key, aki) = match issuer {
        Some(i) => (
            i.cert.inner().tbs_certificate().subject().clone(),
            &i.key,
            key_identifier(&spki_of(&i.key)?)?,
        ),
        None => (subject.clone(), key, ski.clone()),
    };
    let validity = Validity::new(time(req.not_before)?, time(req.not_after)?);
    let names = Names {
        issuer: issuer_name,
        subject,
    };
    let mut builder = CertificateBuilder::new(names, serial(seed, &req.name)?, validity, spki)
        .map_err(build_err)?;
    builder
        .add_extension(&BasicConstraints {
            ca,
            path_len_constraint: None,
        })
        .map_err(build_err)?;
    let usage = if ca {
        KeyUsages::KeyCertSign | KeyUsages::CRLSign
    } else {
        KeyUsages::DigitalSignature | KeyUsages::KeyEncipherment
    };
    builder.add_extension(&KeyUsage(usage)).map_err(build_err)?;
    builder.add_extension(&ski).map_err(build_err)?;
    builder
        .add_extension(&AuthorityKeyIdentifier {
            key_identifier: Some(aki.0),
            ..Default::default()
        })
        .map_err(build_err)?;
    if !req.san.is_empty() {
        builder
            .add_extension(&SubjectAltName(general_names(&req.san)?))
            .map_err(build_err)?;
    }
    let signer = SigningKey::<Sha256>::new(issuer_key.0.clone());
    let cert = builder
        .build::<_, rsa::pkcs1v15::Signature>(&signer)
        .map_err(build_err)?;
    Ok(Issued {
        name: req.name.clone(),
        cert: X509Certificate::from_der(&cert.to_der()?)?,
        key: key.clone(),
    })
}

/// The CRL `issuer` signs (RFC 5280 §5.1): version 2, thisUpdate,
/// nextUpdate, the revoked serials, a CRL number and an authority key
/// identifier equal to the issuer's subjectKeyIdentifier (§5.2.1).
/// Built here rather than with x509-cert 0.3's `CrlBuilder`, which copies
/// the issuer's own authorityKeyIdentifier: right for a root, wrong for
/// an intermediate, whose CRL OpenSSL then never finds (`crl_akid_check`).
fn make_crl(
    issuer: &Issued,
    revoked: &[&Issued],
    (this_update, next_update): (u64, u64),
) -> Result<Crl, PkiError> {
    use x509_cert::crl::{CertificateList, TbsCertList};
    use x509_cert::ext::ToExtension;
    let entries = revoked
        .iter()
        .map(|r| {
            Ok(RevokedCert {
                serial_number: r.cert.inner().tbs_certificate().serial_number().clone(),
                revocation_date: time(this_update)?,
                crl_entry_extensions: None,
            })
        })
        .collect::<Result<Vec<_>, PkiError>>()?;
    let issuer_name = issuer.cert.inner().tbs_certificate().subject().clone();
    let ski = key_identifier(&spki_of(&issuer.key)?)?;
    let aki = AuthorityKeyIdentifier {
        key_identifier: Some(ski.0),
        ..Default::default()
    };
    let mut extensions = Vec::new();
    let number = CrlNumber::from(der::asn1::Uint::new(&[1])?);
    extensions.push(number.to_extension(&issuer_name, &extensions)?);
    extensions.push(aki.to_extension(&issuer_name, &extensions)?);
    let signature = sha256_with_rsa();
    let tbs = TbsCertList {
        version: x509_cert::certificate::Version::V2,
        signature: signature.clone(),
        issuer: issuer_name,
        this_update: time(this_update)?,
        next_update: Some(time(next_update)?),
        revoked_certificates: (!entries.is_empty()).then_some(entries),
        crl_extensions: Some(extensions),
    };
    let tbs_der = tbs.to_der()?;
    let digest = Sha256::digest(&tbs_der);
    let sig = issuer
        .key
        .0
        .sign(rsa::Pkcs1v15Sign::new::<Sha256>(), &digest)
        .map_err(build_err)?;
    let crl = CertificateList {
        tbs_cert_list: tbs,
        signature_algorithm: signature,
        signature: der::asn1::BitString::from_bytes(&sig)?,
    };
    Crl::parse(&crl.to_der()?)
}

/// sha256WithRSAEncryption with NULL parameters (RFC 4055 §5).
fn sha256_with_rsa() -> spki::AlgorithmIdentifierOwned {
    spki::AlgorithmIdentifierOwned {
        oid: der::asn1::ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.11"),
        parameters: Some(der::asn1::Any::null()),
    }
}

#[cfg(test)]
#[path = "generate_tests.rs"]
pub(crate) mod tests;
