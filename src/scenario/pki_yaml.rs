//! The scenario's `pki:` section: a CA, an optional intermediate CA and
//! certificates for nodes, made deterministically from the scenario's
//! seed (`pki::generate`) and written into the nodes' `files:` where
//! their racoon.conf reads them: the certificate and key
//! (`certificate_type x509 "moon.pem" "moon.key"`), and the CA
//! certificates and CRLs under OpenSSL's hash names `<hash>.0` and
//! `<hash>.r0` in the `path certificate` folder.
//!
//! ```yaml
//! epoch: 1767225600            # the wall-clock second at simulated time zero
//! pki:
//!   ca: { dn: "C=DE, O=Example, CN=Example CA" }
//!   certs:
//!     - { node: moon, dn: "C=DE, O=Example, CN=moon", san: [ "ip:192.168.1.5" ] }
//!     - { node: sun, dn: "C=DE, O=Example, CN=sun", revoked: true }
//! ```
//!
//! Times are offsets from the scenario's `epoch`: `valid_from: -1h`,
//! `valid_until: 8760h`.

use std::net::IpAddr;

use serde::{Deserialize, Deserializer, de};

use super::located::{Located, Pos};
use super::model::Scenario;
use super::units::parse_span;
use crate::pki::generate::{CertRequest, GeneratedPki, PkiRequest, SanRequest, generate};

/// Where racoon users keep certificates (`path certificate "/etc/racoon/certs"`).
pub const DEFAULT_CERT_DIR: &str = "/etc/racoon/certs";

/// A signed offset from the scenario's epoch: `0s`, `-1h`, `8760h`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Offset(pub i64);

impl<'de> Deserialize<'de> for Offset {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        let (sign, body) = match text.trim().strip_prefix('-') {
            Some(rest) => (-1, rest),
            None => (1, text.trim()),
        };
        let span = parse_span(body).map_err(de::Error::custom)?;
        Ok(Offset(sign * (span.0.total_micros() / 1_000_000) as i64))
    }
}

fn default_from() -> Located<Offset> {
    Located::new(Offset(0))
}

fn default_until() -> Located<Offset> {
    // Ten years.
    Located::new(Offset(10 * 365 * 86_400))
}

fn default_bits() -> Located<usize> {
    Located::new(crate::pki::generate::DEFAULT_KEY_BITS)
}

/// A CA (or the intermediate): `{ dn, key_size, valid_from, valid_until }`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CaSpec {
    pub dn: Located<String>,
    #[serde(default = "default_bits")]
    pub key_size: Located<usize>,
    #[serde(default = "default_from")]
    pub valid_from: Located<Offset>,
    #[serde(default = "default_until")]
    pub valid_until: Located<Offset>,
    /// The intermediate only: listed in the CA's CRL.
    #[serde(default)]
    pub revoked: bool,
}

/// A node's certificate and where its files go.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NodeCertSpec {
    pub node: Located<String>,
    pub dn: Located<String>,
    /// `ip:192.168.1.5`, `dns:moon.example.org`, `email:moon@example.org`.
    #[serde(default)]
    pub san: Vec<Located<String>>,
    #[serde(default = "default_bits")]
    pub key_size: Located<usize>,
    #[serde(default = "default_from")]
    pub valid_from: Located<Offset>,
    #[serde(default = "default_until")]
    pub valid_until: Located<Offset>,
    #[serde(default)]
    pub revoked: bool,
    /// Default `/etc/racoon/certs/<node>.pem`.
    #[serde(default)]
    pub cert: Option<Located<String>>,
    /// Default `/etc/racoon/certs/<node>.key`.
    #[serde(default)]
    pub key: Option<Located<String>>,
    /// The `path certificate` folder for `<hash>.0` and `<hash>.r0`;
    /// default `/etc/racoon/certs`.
    #[serde(default)]
    pub ca_dir: Option<Located<String>>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PkiSpec {
    pub ca: Located<CaSpec>,
    #[serde(default)]
    pub intermediate: Option<Located<CaSpec>>,
    #[serde(default)]
    pub certs: Vec<Located<NodeCertSpec>>,
    /// The CRLs' nextUpdate (thisUpdate is the epoch); default 30 days.
    #[serde(default)]
    pub crl_valid_for: Option<Located<Offset>>,
}

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
    let mut certs = Vec::new();
    for c in &spec.certs {
        if !s.nodes.contains_key(c.node.as_str()) {
            p.push((
                c.node.pos,
                format!(
                    "pki: unknown node `{}`; expected one of the scenario's nodes",
                    c.node.value
                ),
            ));
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
    let mut cas = vec![(&pki.ca.cert, &pki.ca_crl)];
    if let (Some(i), Some(crl)) = (&pki.intermediate, &pki.intermediate_crl) {
        cas.push((&i.cert, crl));
    }
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
    for (index, c) in spec.certs.iter().enumerate() {
        let files = match node_files(c, &pki, index) {
            Ok(f) => f,
            Err(e) => {
                p.push((c.pos, e));
                continue;
            }
        };
        let Some(node) = s.nodes.get_mut(c.node.as_str()) else {
            continue;
        };
        for (path, text) in files {
            if let Some(old) = node.files.get(&path) {
                if old.pos != c.pos && !path.ends_with(".0") && !path.ends_with(".r0") {
                    p.push((
                        c.pos,
                        format!("pki: node `{}` already has a file `{path}`", c.node.value),
                    ));
                    continue;
                }
            }
            node.value.files.insert(
                path,
                Located {
                    value: text,
                    pos: c.pos,
                },
            );
        }
    }
    p
}

#[cfg(test)]
#[path = "pki_yaml_tests.rs"]
mod tests;
