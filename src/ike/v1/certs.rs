//! racoon's X.509 material for `authentication_method rsasig`, read from
//! the node's files when the daemon starts: per `remote`, our certificate
//! and key (`certificate_type x509`), the peer's certificate
//! (`peers_certfile`) and the CA named in CERT_REQ (`ca_type`); for all,
//! the CA certificates and CRLs of `path certificate` under their OpenSSL
//! hash names (racoon's X509_STORE with `X509_LOOKUP_hash_dir`).

use crate::config::racoon::{RacoonConf, Remote};
use crate::pki::{CertStore, PrivateKey, X509Certificate};

/// One `remote`'s certificates and key; a file that is missing or does
/// not parse leaves its slot empty and a line in `problems`.
#[derive(Default)]
pub(crate) struct RemoteCerts {
    pub my_cert: Option<X509Certificate>,
    pub my_key: Option<PrivateKey>,
    pub peers_cert: Option<X509Certificate>,
    pub ca_cert: Option<X509Certificate>,
    pub problems: Vec<String>,
}

/// Every remote's [`RemoteCerts`], in racoon.conf order, and the store.
#[derive(Default)]
pub(crate) struct Certs {
    pub remotes: Vec<RemoteCerts>,
    pub store: CertStore,
    /// The Unix time at simulated time zero.
    pub epoch: u64,
}

impl Certs {
    /// A slot per remote, all empty: a daemon built without the node's
    /// files.
    pub(crate) fn none(conf: &RacoonConf) -> Certs {
        Certs {
            remotes: conf
                .remotes
                .iter()
                .map(|_| RemoteCerts::default())
                .collect(),
            ..Certs::default()
        }
    }

    /// Reads what `conf` names from `file` (a node's file by path).
    pub(crate) fn load<'a>(
        conf: &RacoonConf,
        file: impl Fn(&str) -> Option<&'a str>,
        dir_files: &[(&'a str, &'a str)],
        epoch: u64,
    ) -> Certs {
        let mut store = CertStore::default();
        if let Some(dir) = &conf.paths.certificate {
            let prefix = format!("{}/", dir.trim_end_matches('/'));
            let in_dir = dir_files.iter().filter_map(|(path, text)| {
                let name = path.strip_prefix(prefix.as_str())?;
                (!name.contains('/')).then_some((name, text.as_bytes()))
            });
            store.add_hash_dir(in_dir);
        }
        let remotes = conf
            .remotes
            .iter()
            .map(|r| RemoteCerts::load(conf, r, &file))
            .collect();
        Certs {
            remotes,
            store,
            epoch,
        }
    }
}

impl RemoteCerts {
    fn load<'a>(conf: &RacoonConf, r: &Remote, file: &impl Fn(&str) -> Option<&'a str>) -> Self {
        let mut out = RemoteCerts::default();
        let mut read = |name: &str, what: &str| {
            let path = conf.cert_path(name);
            match file(&path) {
                Some(text) => Some(text.as_bytes()),
                None => {
                    out.problems
                        .push(format!("failed to get {what}: {path}: no such file"));
                    None
                }
            }
        };
        let my = r.certs.x509.as_ref();
        let my_cert = my.and_then(|(c, _)| read(c, "my certificate"));
        let my_key = my.and_then(|(_, k)| read(k, "private key"));
        let peers = r
            .certs
            .peers_certfile
            .as_ref()
            .and_then(|f| read(f, "peer's certificate"));
        let ca = r
            .certs
            .ca_file
            .as_ref()
            .and_then(|f| read(f, "CA certificate"));
        let mut problems = std::mem::take(&mut out.problems);
        let mut cert = |bytes: Option<&[u8]>, what: &str| {
            bytes.and_then(|b| match X509Certificate::parse(b) {
                Ok(c) => Some(c),
                Err(e) => {
                    problems.push(format!("failed to read {what}: {}", e.reason));
                    None
                }
            })
        };
        out.my_cert = cert(my_cert, "my certificate");
        out.peers_cert = cert(peers, "peer's certificate");
        out.ca_cert = cert(ca, "CA certificate");
        out.my_key = my_key.and_then(|b| match PrivateKey::parse(b) {
            Ok(k) => Some(k),
            Err(e) => {
                problems.push(format!("failed to get private key: {}", e.reason));
                None
            }
        });
        out.problems = problems;
        out
    }
}
