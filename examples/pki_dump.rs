//! Writes a generated PKI to a folder as a racoon `path certificate`
//! directory, to check it with the openssl CLI:
//! `cargo run --example pki_dump -- /tmp/pkix` then
//! `openssl verify -CApath /tmp/pkix -crl_check_all /tmp/pkix/moon.pem`.

use vpnlab::pki::generate::{CertRequest, PkiRequest, SanRequest, generate};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::path::PathBuf::from(std::env::args().nth(1).unwrap_or_else(|| "pkix".into()));
    std::fs::create_dir_all(&dir)?;
    let day = 86_400;
    let now = 1_767_225_600;
    let ee = |name: &str, revoked| CertRequest {
        san: vec![SanRequest::Dns(format!("{name}.example.org"))],
        revoked,
        ..CertRequest::new(
            name,
            &format!("C=DE, O=Example, CN={name}"),
            now,
            now + 365 * day,
        )
    };
    let req = PkiRequest {
        seed: 1,
        ca: CertRequest::new(
            "ca",
            "C=DE, O=Example, CN=Example Root CA",
            now,
            now + 3650 * day,
        ),
        intermediate: Some(CertRequest::new(
            "sub",
            "C=DE, O=Example, CN=Example Sub CA",
            now,
            now + 3650 * day,
        )),
        certs: vec![ee("moon", false), ee("sun", true)],
        crl_this_update: now,
        crl_next_update: now + 30 * day,
        key_dir: None,
    };
    let pki = generate(&req)?;
    let mut cas = vec![(&pki.ca.cert, &pki.ca_crl)];
    if let (Some(i), Some(c)) = (&pki.intermediate, &pki.intermediate_crl) {
        cas.push((&i.cert, c));
    }
    for (ca, crl) in cas {
        let h = ca.subject().hash()?;
        std::fs::write(dir.join(format!("{h:08x}.0")), ca.to_pem())?;
        std::fs::write(dir.join(format!("{h:08x}.r0")), crl.to_pem())?;
    }
    for c in &pki.certs {
        std::fs::write(dir.join(format!("{}.pem", c.name)), c.cert.to_pem())?;
        std::fs::write(dir.join(format!("{}.key", c.name)), c.key.to_pkcs1_pem()?)?;
    }
    Ok(())
}
