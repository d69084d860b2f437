use super::*;
use crate::pki::sign::{rsa_sign, rsa_verify};

pub(crate) const DAY: u64 = 86_400;

/// A small PKI for tests: 1024-bit keys (fast in debug builds), a CA,
/// `moon` and `sun` valid from day 0 to day 365, `sun` revoked.
pub(crate) fn request(seed: u64, intermediate: bool) -> PkiRequest {
    let cert = |name: &str, dn: &str, revoked: bool| CertRequest {
        key_bits: 1024,
        revoked,
        san: vec![
            SanRequest::Ip(format!("192.168.0.{}", name.len()).parse().unwrap()),
            SanRequest::Dns(format!("{name}.example.org")),
            SanRequest::Email(format!("{name}@example.org")),
        ],
        ..CertRequest::new(name, dn, 0, 365 * DAY)
    };
    PkiRequest {
        seed,
        ca: CertRequest {
            key_bits: 1024,
            ..CertRequest::new("ca", "C=DE, O=Example, CN=Example Root CA", 0, 3650 * DAY)
        },
        intermediate: intermediate.then(|| CertRequest {
            key_bits: 1024,
            ..CertRequest::new("sub", "C=DE, O=Example, CN=Example Sub CA", 0, 3650 * DAY)
        }),
        certs: vec![
            cert("moon", "C=DE, O=Example, CN=moon", false),
            cert("sun", "C=DE, O=Example, CN=sun", true),
        ],
        crl_this_update: 0,
        crl_next_update: 30 * DAY,
        key_dir: None,
    }
}

fn pems(pki: &GeneratedPki) -> Vec<String> {
    let mut out = vec![pki.ca.cert.to_pem(), pki.ca_crl.to_pem()];
    for c in pki.certs.iter().chain(&pki.intermediate) {
        out.push(c.cert.to_pem());
        out.push(c.key.to_pkcs1_pem().unwrap());
    }
    out.extend(pki.intermediate_crl.iter().map(|c| c.to_pem()));
    out
}

/// The same seed gives byte-identical PEM; another seed other keys and serials.
#[test]
fn same_seed_same_bytes() {
    let a = generate(&request(7, true)).unwrap();
    let b = generate(&request(7, true)).unwrap();
    assert_eq!(pems(&a), pems(&b));
    let c = generate(&request(8, true)).unwrap();
    assert_ne!(a.ca.cert.der(), c.ca.cert.der());
    assert_ne!(a.ca.cert.serial(), c.ca.cert.serial());
}

/// What racoon reads from a generated certificate (RFC 5280 §4.1.2).
#[test]
fn certificates_carry_the_request() {
    let pki = generate(&request(1, false)).unwrap();
    let moon = pki.cert("moon").unwrap();
    assert_eq!(moon.cert.subject().text(), "C=DE, O=Example, CN=moon");
    assert_eq!(moon.cert.issuer(), pki.ca.cert.subject());
    assert_eq!(
        (moon.cert.not_before(), moon.cert.not_after()),
        (0, 365 * DAY)
    );
    assert!(pki.ca.cert.is_ca() && !moon.cert.is_ca());
    let alt = moon.cert.alt_names().unwrap().unwrap();
    assert_eq!(alt[0], crate::pki::AltName::Ip(vec![192, 168, 0, 4]));
    assert_eq!(alt[1], crate::pki::AltName::Dns("moon.example.org".into()));
    assert_eq!(
        alt[2],
        crate::pki::AltName::Email("moon@example.org".into())
    );
    assert_eq!(moon.cert.public_key().unwrap(), moon.key.public_key());
    assert_eq!(pki.ca.cert.serial().len(), 8);
    assert!(pki.ca_crl.revokes(pki.cert("sun").unwrap().cert.serial()));
    assert!(!pki.ca_crl.revokes(moon.cert.serial()));
    // The PEM reads back to the same certificate and key.
    let again = X509Certificate::parse(moon.cert.to_pem().as_bytes()).unwrap();
    assert_eq!(again, moon.cert);
    let key = PrivateKey::parse(moon.key.to_pkcs1_pem().unwrap().as_bytes()).unwrap();
    assert_eq!(key, moon.key);
    let sig = rsa_sign(&key, &[1; 20]).unwrap();
    assert!(rsa_verify(&again.public_key().unwrap(), &[1; 20], &sig).is_ok());
}

/// Keys are kept on disk under the folder given and read back from there.
#[test]
fn keys_are_cached_on_disk() {
    let dir = std::env::temp_dir().join(format!("vpnlab-pki-keys-{}", std::process::id()));
    let mut req = request(99, false);
    req.key_dir = Some(dir.clone());
    let a = generate(&req).unwrap();
    let files = std::fs::read_dir(&dir).unwrap().count();
    assert_eq!(files, 3, "ca, moon, sun");
    let b = generate(&req).unwrap();
    assert_eq!(pems(&a), pems(&b));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn refuses_bad_requests() {
    let mut req = request(1, false);
    req.certs[0].dn = "C=DEU".into();
    assert!(generate(&req).is_err());
    let mut req = request(1, false);
    req.certs[0].key_bits = 100;
    assert!(generate(&req).is_err());
}
