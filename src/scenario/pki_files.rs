//! The `pki:` section made real: the certificates, keys, CA files and
//! CRLs that [`super::pki_yaml`] describes, generated from the seed
//! (`pki::generate`) and written into the nodes' `files:`.

use std::net::IpAddr;

use super::located::{Located, Pos};
use super::model::Scenario;
use super::pki_yaml::{CaSpec, DEFAULT_CERT_DIR, NodeCertSpec, Offset, PkiSpec};
use crate::pki::generate::{CertRequest, GeneratedPki, PkiRequest, SanRequest, generate};

type Problems = Vec<(Pos, String)>;

fn secs(epoch: u64, at: &Located<Offset>, what: &str, p: &mut Problems) -> u64 {
    match epoch.checked_add_signed(at.0) {
        Some(t) => t,
        None => {
            p.push((at.pos, format!("pki: {what} falls before 1970 (the scenario's epoch is {epoch}); expected a later time")));
            0
        }
    }
}

fn san(item: &Located<String>, p: &mut Problems) -> Option<SanRequest> {
    let parsed = match item.split_once(':') {
        Some(("ip", a)) => a.trim().parse::<IpAddr>().ok().map(SanRequest::Ip),
        Some(("dns", d)) if d.is_ascii() && !d.is_empty() => Some(SanRequest::Dns(d.trim().into())),
        Some(("email", e)) if e.is_ascii() && !e.is_empty() => {
            Some(SanRequest::Email(e.trim().into()))
        }
        _ => None,
    };
    if parsed.is_none() {
        p.push((
            item.pos,
            format!(
                "pki: subjectAltName `{}`: expected `ip:ADDRESS`, `dns:NAME` or `email:ADDRESS`",
                item.value
            ),
        ));
    }
    parsed
}

fn request(name: &str, ca: &CaSpec, epoch: u64, p: &mut Problems) -> CertRequest {
    CertRequest {
        name: name.to_string(),
        dn: ca.dn.value.clone(),
        san: Vec::new(),
        key_bits: ca.key_size.value,
        not_before: secs(epoch, &ca.valid_from, "valid_from", p),
        not_after: secs(epoch, &ca.valid_until, "valid_until", p),
        revoked: ca.revoked,
    }
}

fn check_request(req: &CertRequest, dn: &Located<String>, bits: &Located<usize>, p: &mut Problems) {
    if let Err(e) = crate::pki::dn::str2asn1dn(&req.dn) {
        p.push((
            dn.pos,
            format!("pki: {e}; expected a DN like \"C=DE, O=Example, CN=moon\""),
        ));
    }
    if !(512..=8192).contains(&bits.value) || !bits.value.is_multiple_of(8) {
        p.push((
            bits.pos,
            format!(
                "pki: key_size {} must be a multiple of 8 from 512 to 8192 (bits)",
                bits.value
            ),
        ));
    }
    if req.not_after < req.not_before {
        p.push((dn.pos, "pki: valid_until is before valid_from".to_string()));
    }
}

/// The generation request of `spec`, or the located problems in it.
fn pki_request(s: &Scenario, spec: &PkiSpec) -> Result<PkiRequest, Problems> {
    let mut p = Problems::new();
    let ca = request("ca", &spec.ca, s.epoch, &mut p);
    check_request(&ca, &spec.ca.dn, &spec.ca.key_size, &mut p);
    let intermediate = spec.intermediate.as_ref().map(|i| {
        let r = request("intermediate", i, s.epoch, &mut p);
        check_request(&r, &i.dn, &i.key_size, &mut p);
        r
    });
    let unknown = |node: &Located<String>| {
        (
            node.pos,
            format!(
                "pki: unknown node `{}`; expected one of the scenario's nodes",
                node.value
            ),
        )
    };
    for node in &spec.trusted_by {
        if !s.nodes.contains_key(node.as_str()) {
            p.push(unknown(node));
        }
    }
    let mut certs = Vec::new();
    for c in &spec.certs {
        if !s.nodes.contains_key(c.node.as_str()) {
            p.push(unknown(&c.node));
        }
        let r = CertRequest {
            // The key is made from the seed and this name: a node with
            // two certificates gets two keys.
            name: format!("node:{}:{}", c.node.value, c.dn.value),
            dn: c.dn.value.clone(),
            san: c.san.iter().filter_map(|i| san(i, &mut p)).collect(),
            key_bits: c.key_size.value,
            not_before: secs(s.epoch, &c.valid_from, "valid_from", &mut p),
            not_after: secs(s.epoch, &c.valid_until, "valid_until", &mut p),
            revoked: c.revoked,
        };
        check_request(&r, &c.dn, &c.key_size, &mut p);
        certs.push(r);
    }
    let crl_for = spec
        .crl_valid_for
        .as_ref()
        .map_or(30 * 86_400, |o| o.0.max(0) as u64);
    if !p.is_empty() {
        return Err(p);
    }
    Ok(PkiRequest {
        seed: s.seed,
        ca,
        intermediate,
        certs,
        crl_this_update: s.epoch,
        crl_next_update: s.epoch.saturating_add(crl_for),
        key_dir: None,
    })
}

/// The files of one node's certificate: (path, PEM text).
fn node_files(
    spec: &NodeCertSpec,
    pki: &GeneratedPki,
    index: usize,
) -> Result<Vec<(String, String)>, String> {
    let issued = pki.certs.get(index).ok_or("pki: certificate missing")?;
    let dir = spec
        .ca_dir
        .as_ref()
        .map_or(DEFAULT_CERT_DIR, |d| d.as_str())
        .trim_end_matches('/');
    let node = spec.node.as_str();
    let cert = spec
        .cert
        .as_ref()
        .map_or(format!("{dir}/{node}.pem"), |c| c.value.clone());
    let key = spec
        .key
        .as_ref()
        .map_or(format!("{dir}/{node}.key"), |k| k.value.clone());
    let key_pem = issued.key.to_pkcs1_pem().map_err(|e| e.reason)?;
    let mut files = vec![(cert, issued.cert.to_pem()), (key, key_pem)];
    files.extend(ca_files(pki, dir)?);
    Ok(files)
}

/// The CA certificates and CRLs under OpenSSL's hash names in `dir`
/// (`<hash>.0`, `<hash>.r0`: how racoon's `eay_check_x509cert` finds
/// them in `path certificate`).
fn ca_files(pki: &GeneratedPki, dir: &str) -> Result<Vec<(String, String)>, String> {
    let mut cas = vec![(&pki.ca.cert, &pki.ca_crl)];
    if let (Some(i), Some(crl)) = (&pki.intermediate, &pki.intermediate_crl) {
        cas.push((&i.cert, crl));
    }
    let mut files = Vec::new();
    for (ca, crl) in cas {
        let hash = ca.subject().hash().map_err(|e| e.reason)?;
        files.push((format!("{dir}/{hash:08x}.0"), ca.to_pem()));
        files.push((format!("{dir}/{hash:08x}.r0"), crl.to_pem()));
    }
    Ok(files)
}

/// Makes the scenario's PKI and writes its files into the nodes'
/// `files:`; problems point at the `pki:` entries. Keys are kept for
/// the process only ([`apply_with_key_dir`] keeps them on disk too).
pub fn apply(s: &mut Scenario) -> Problems {
    apply_with_key_dir(s, None)
}

/// [`apply`], with generated keys also kept in `key_dir` (a capture
/// folder), so that a later run reads them instead of making them again.
pub fn apply_with_key_dir(s: &mut Scenario, key_dir: Option<&std::path::Path>) -> Problems {
    let Some(spec) = s.pki.clone() else {
        return Problems::new();
    };
    let req = match pki_request(s, &spec) {
        Ok(r) => PkiRequest {
            key_dir: key_dir.map(|d| d.to_path_buf()),
            ..r
        },
        Err(p) => return p,
    };
    let pki = match generate(&req) {
        Ok(pki) => pki,
        Err(e) => return vec![(spec.ca.pos, format!("pki: {e}"))],
    };
    let mut p = Problems::new();
    let certs = spec.certs.iter().enumerate().map(|(index, c)| {
        let files = node_files(c, &pki, index);
        (&c.node, c.pos, files)
    });
    let trust = spec.trusted_by.iter().map(|node| {
        let files = ca_files(&pki, DEFAULT_CERT_DIR);
        (node, node.pos, files)
    });
    for (name, pos, files) in certs.chain(trust) {
        let files = match files {
            Ok(f) => f,
            Err(e) => {
                p.push((pos, e));
                continue;
            }
        };
        let Some(node) = s.nodes.get_mut(name.as_str()) else {
            continue;
        };
        for (path, text) in files {
            if let Some(old) = node.files.get(&path) {
                if old.pos != pos && !path.ends_with(".0") && !path.ends_with(".r0") {
                    p.push((
                        pos,
                        format!("pki: node `{}` already has a file `{path}`", name.value),
                    ));
                    continue;
                }
            }
            node.value.files.insert(path, Located { value: text, pos });
        }
    }
    p
}

#[cfg(test)]
#[path = "pki_yaml_tests.rs"]
mod tests;
