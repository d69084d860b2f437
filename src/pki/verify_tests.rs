use super::*;
use crate::pki::certid::{CertIdFailure, PeerId, check_certid};
use crate::pki::generate::tests::{DAY, request};
use crate::pki::generate::{GeneratedPki, generate};

fn pki(intermediate: bool) -> GeneratedPki {
    generate(&request(5, intermediate)).unwrap()
}

/// The `path certificate` folder as racoon users make it with
/// `openssl x509 -hash`: `<hash>.0` for CAs, `<hash>.r0` for CRLs.
fn store(p: &GeneratedPki) -> CertStore {
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    let mut put_ca = |c: &X509Certificate, crl: &Crl| {
        let h = c.subject().hash().unwrap();
        files.push((format!("{h:08x}.0"), c.to_pem().into_bytes()));
        files.push((format!("{h:08x}.r0"), crl.to_pem().into_bytes()));
    };
    put_ca(&p.ca.cert, &p.ca_crl);
    if let (Some(i), Some(crl)) = (&p.intermediate, &p.intermediate_crl) {
        put_ca(&i.cert, crl);
    }
    let mut s = CertStore::new();
    s.add_hash_dir(files.iter().map(|(n, b)| (n.as_str(), b.as_slice())));
    assert!(s.skipped.is_empty(), "{:?}", s.skipped);
    s
}

fn check(p: &GeneratedPki, s: &CertStore, name: &str, now: u64) -> Verification {
    check_x509cert(&p.cert(name).unwrap().cert, s, now, Side::Remote)
}

fn failure(v: &Verification) -> (VerifyErrorCode, usize) {
    let e = v.result.as_ref().unwrap_err();
    (e.code, e.depth)
}

/// crypto_openssl.c `eay_check_x509cert`: a good chain passes, with and
/// without an intermediate.
#[test]
fn good_chains_pass() {
    for intermediate in [false, true] {
        let p = pki(intermediate);
        let v = check(&p, &store(&p), "moon", DAY);
        assert_eq!(v.result, Ok(()), "{:?}", v.lines);
        assert!(v.lines.is_empty());
    }
}

/// `cb_check_cert_remote` lines: "unable to get local issuer
/// certificate(20)" with no CA, "certificate has expired(10)",
/// "certificate is not yet valid(9)", "certificate revoked(23)" from the
/// CRL (RFC 5280 §6.3), each at depth 0 with racoon's SubjectName.
#[test]
fn racoon_reasons() {
    let p = pki(false);
    let s = store(&p);
    let v = check_x509cert(
        &p.cert("moon").unwrap().cert,
        &CertStore::new(),
        DAY,
        Side::Remote,
    );
    assert_eq!(
        failure(&v),
        (VerifyErrorCode::UnableToGetIssuerCertLocally, 0)
    );
    assert_eq!(
        v.lines[0].text,
        "unable to get local issuer certificate(20) at depth:0 SubjectName:/C=DE/O=Example/CN=moon"
    );
    let v = check(&p, &s, "moon", 400 * DAY);
    assert_eq!(failure(&v), (VerifyErrorCode::CrlHasExpired, 0));
    let mut late = s.clone();
    late.crls.clear();
    let v = check(&p, &late, "moon", 400 * DAY);
    assert_eq!(failure(&v), (VerifyErrorCode::CertHasExpired, 0));
    assert_eq!(
        v.lines[0].text.split(" at").next(),
        Some("unable to get certificate CRL(3)")
    );
    assert!(v.lines[0].warning, "a missing CRL is a warning");
    assert!(
        v.lines
            .last()
            .unwrap()
            .text
            .starts_with("certificate has expired(10) at depth:0")
    );
    let mut early = p.clone();
    early.certs[0] = generate(&{
        let mut r = request(5, false);
        r.certs[0].not_before = 2 * DAY;
        r
    })
    .unwrap()
    .certs[0]
        .clone();
    let v = check(&early, &s, "moon", DAY);
    assert_eq!(failure(&v), (VerifyErrorCode::CertNotYetValid, 0));
    let v = check(&p, &s, "sun", DAY);
    assert_eq!(failure(&v), (VerifyErrorCode::CertRevoked, 0));
    assert!(
        v.lines[0]
            .text
            .starts_with("certificate revoked(23) at depth:0 SubjectName:/C=DE/O=Example/CN=sun")
    );
}

/// A certificate whose signature does not verify: "certificate
/// signature failure(7)"; the CA's own certificate checks itself.
#[test]
fn bad_signature_and_self_signed() {
    let p = pki(true);
    let s = store(&p);
    let mut der = p.cert("moon").unwrap().cert.der().to_vec();
    let last = der.len() - 1;
    der[last] ^= 1;
    let tampered = X509Certificate::from_der(&der).unwrap();
    let v = check_x509cert(&tampered, &s, DAY, Side::Remote);
    assert_eq!(failure(&v), (VerifyErrorCode::CertSignatureFailure, 0));
    assert_eq!(
        check_x509cert(&p.ca.cert, &s, DAY, Side::Remote).result,
        Ok(())
    );
    // A self-signed certificate not in the store: error 18, which the
    // local callback lets pass with a warning.
    let v = check_x509cert(&p.ca.cert, &CertStore::new(), DAY, Side::Remote);
    assert_eq!(failure(&v), (VerifyErrorCode::DepthZeroSelfSignedCert, 0));
    let v = check_x509cert(&p.ca.cert, &CertStore::new(), DAY, Side::Local);
    assert_eq!(v.result, Ok(()));
    assert!(
        v.lines
            .iter()
            .any(|l| l.warning && l.text.starts_with("self-signed certificate(18)"))
    );
}

/// The intermediate alone in the store: "unable to get issuer
/// certificate(2)" at depth 1; a CA under a wrong hash name is not found.
#[test]
fn incomplete_chains_and_hash_names() {
    let p = pki(true);
    let mut s = CertStore::new();
    s.add_cert(p.intermediate.as_ref().unwrap().cert.clone());
    let v = check(&p, &s, "moon", DAY);
    assert_eq!(failure(&v), (VerifyErrorCode::UnableToGetIssuerCert, 1));
    let mut wrong = CertStore::new();
    let pem = p.ca.cert.to_pem();
    wrong.add_hash_dir([("00000000.0", pem.as_bytes()), ("ca.pem", pem.as_bytes())]);
    assert_eq!(wrong.certs().len(), 0);
    assert_eq!(wrong.skipped.len(), 1);
}

/// oakley.c `oakley_check_certid`: each ID type against the certificate.
#[test]
fn certid_like_racoon() {
    let p = pki(false);
    let moon = &p.cert("moon").unwrap().cert;
    let subject = moon.subject();
    let id = |id_type, data| PeerId { id_type, data };
    let ok = |i: PeerId<'_>| check_certid(&i, moon, true, true).result;
    assert_eq!(ok(id(9, subject.der())), Ok(()));
    assert_eq!(ok(id(1, &[192, 168, 0, 4])), Ok(()));
    assert_eq!(ok(id(2, b"moon.example.org")), Ok(()));
    assert_eq!(ok(id(3, b"moon@example.org")), Ok(()));
    let sun = p.cert("sun").unwrap().cert.subject();
    let c = check_certid(&id(9, sun.der()), moon, true, true);
    assert_eq!(c.errors, ["Invalid ID length in phase 1."]);
    let mut other = subject.der().to_vec();
    let last = other.len() - 1;
    other[last] ^= 0x20;
    let c = check_certid(&id(9, &other), moon, true, true);
    assert_eq!(c.errors, ["ID mismatched with ASN1 SubjectName."]);
    assert_eq!(c.result, Err(CertIdFailure::InvalidIdInformation));
    assert_eq!(
        check_certid(&id(9, &other), moon, true, false).result,
        Ok(())
    );
    let c = check_certid(&id(1, &[10, 0, 0, 1]), moon, true, true);
    assert_eq!(c.errors, ["ID mismatched with subjectAltName."]);
    let c = check_certid(&id(2, b"mars.example.org"), moon, true, false);
    assert_eq!(
        (c.errors[0].as_str(), c.result),
        ("ID mismatched.", Err(CertIdFailure::InvalidIdInformation))
    );
    let c = check_certid(&id(11, b"key"), moon, true, true);
    assert_eq!(c.errors, ["Inpropper ID type passed: KEY_ID."]);
    assert_eq!(
        check_certid(&id(11, b"key"), moon, false, true).result,
        Ok(())
    );
    let c = check_certid(&id(1, &[1, 2, 3, 4]), &p.ca.cert, true, true);
    assert_eq!(
        (c.errors[0].as_str(), c.result),
        (
            "failed to get subjectAltName",
            Err(CertIdFailure::InvalidCertificate)
        )
    );
}

/// Nothing panics on a cut or damaged certificate.
#[test]
fn damaged_input_is_an_error() {
    let p = pki(false);
    let der = p.cert("moon").unwrap().cert.der().to_vec();
    for n in 0..der.len() {
        assert!(X509Certificate::from_der(&der[..n]).is_err());
        let mut d = der.clone();
        d[n] ^= 0x55;
        if let Ok(c) = X509Certificate::from_der(&d) {
            let _ = (c.subject().oneline(), c.alt_names(), c.public_key());
            let _ = check_x509cert(&c, &store(&p), DAY, Side::Remote);
        }
    }
    assert!(
        X509Certificate::parse(b"-----BEGIN CERTIFICATE-----\nzz\n-----END CERTIFICATE-----\n")
            .is_err()
    );
    assert!(PrivateKey::parse(b"junk").is_err());
    for pem in [
        &b"-----BEGIN "[..],
        b"-----BEGIN CERTIFICATE",
        b"-----BEGIN CERTIFICATE-----\n",
        b"x -----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----",
        b"-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n",
        b"\xff\xfe-----BEGIN X509 CRL-----",
    ] {
        assert!(X509Certificate::parse(pem).is_err());
        assert!(PrivateKey::parse(pem).is_err());
        assert!(Crl::parse(pem).is_err());
    }
    assert!(crate::pki::cert::parse_plain_rsa(": PUB 0sAQ==").is_err());
    assert!(Crl::parse(&der).is_err());
}

/// RFC 5280 §5.2.1: each CRL names its issuer's key, so that OpenSSL's
/// `crl_akid_check` takes it (checked with `openssl verify -CApath DIR
/// -crl_check_all`, OpenSSL 3.0.19, on `examples/pki_dump.rs`'s output:
/// moon OK, sun "certificate revoked"); a CRL naming another key is
/// not this issuer's CRL.
#[test]
fn crls_name_their_issuers_key() {
    let p = pki(true);
    let sub = &p.intermediate.as_ref().unwrap().cert;
    let crl = p.intermediate_crl.as_ref().unwrap();
    let ski = sub
        .inner()
        .tbs_certificate()
        .get_extension::<SubjectKeyIdentifier>()
        .unwrap()
        .unwrap()
        .1;
    assert_eq!(crl.authority_key_id().unwrap(), ski.0.as_bytes());
    let mut s = store(&p);
    s.crls.retain(|c| c.issuer() != sub.subject());
    // Without the sub CA's CRL moon's check warns and passes:
    // `cb_check_cert_remote` lets X509_V_ERR_UNABLE_TO_GET_CRL pass.
    let v = check(&p, &s, "moon", DAY);
    assert_eq!(v.result, Ok(()));
    assert!(
        v.lines[0]
            .text
            .starts_with("unable to get certificate CRL(3) at depth:0")
    );
}
