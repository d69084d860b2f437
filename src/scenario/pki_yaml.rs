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
//!   trusted_by: [ phone ]      # CA files only (a hybrid_rsa_client)
//! ```
//!
//! Times are offsets from the scenario's `epoch`: `valid_from: -1h`,
//! `valid_until: 8760h`.

use serde::{Deserialize, Deserializer, de};

use super::located::Located;
use super::units::parse_span;

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
    /// Nodes that get only the CA certificates and CRLs, in
    /// `/etc/racoon/certs`: verifiers without a certificate of their own,
    /// such as hybrid RSA clients.
    #[serde(default)]
    pub trusted_by: Vec<Located<String>>,
    /// The CRLs' nextUpdate (thisUpdate is the epoch); default 30 days.
    #[serde(default)]
    pub crl_valid_for: Option<Located<Offset>>,
}
