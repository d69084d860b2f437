//! RSA signature authentication (RFC 2409 §5.1; racoon's `rsasig`): our
//! ID, CERT and SIG (isakmp_ident.c `ident_ir3mx`, `oakley_getsign`), the
//! CERT_REQ we send (`oakley_append_rmconf_cr`), and the check of the
//! peer's (oakley.c `oakley_validate_auth`: certificate chain and CRLs,
//! ID against the certificate, then the signature over HASH_I/HASH_R).

use super::Phase1;
use super::payloads::{Received, need};
use crate::ike::FailReason;
use crate::ike::v1::cfg::XauthRole;
use crate::ike::v1::env::{Env, Fail};
use crate::pki::verify::Side as CertSide;
use crate::pki::{PeerId, X509Certificate, check_certid, check_x509cert, rsa_sign, rsa_verify};
use crate::wire::isakmp::{
    AuthenticationMethod, CertificateRepr, IdentificationRepr, NotifyType, PayloadRepr,
};

/// RFC 2408 §3.9: Certificate Encoding 4, X.509 Certificate - Signature.
const CERT_X509_SIGN: u8 = 4;

fn cert_fail(notify: NotifyType, message: impl Into<String>) -> Fail {
    Fail::new(FailReason::Certificate, Some(notify), message)
}

impl Phase1 {
    /// Whether SKEYID is made the signature way (oakley.c
    /// `oakley_skeyid`): every RSA method, hybrid RSA included.
    pub(super) fn sig_keys(&self) -> bool {
        self.chosen.is_some_and(|t| {
            matches!(
                t.auth,
                AuthenticationMethod::RsaSignatures
                    | AuthenticationMethod::XauthInitRsa
                    | AuthenticationMethod::HybridInitRsa
            )
        })
    }

    /// Whether the chosen method is hybrid RSA
    /// (draft-ietf-ipsec-isakmp-hybrid-auth-05 §3.2): only the XAuth
    /// server signs; the client sends a HASH and proves itself by XAuth.
    fn hybrid(&self) -> bool {
        self.chosen
            .is_some_and(|t| t.auth == AuthenticationMethod::HybridInitRsa)
    }

    /// Whether we send [CERT,] SIG (isakmp_ident.c `ident_ir3mx`):
    /// everyone who makes signature keys but a hybrid client.
    pub(super) fn i_sign(&self) -> bool {
        self.sig_keys() && !self.hybrid_as(XauthRole::Client)
    }

    /// Whether the peer must send SIG (`oakley_validate_auth`): everyone
    /// but the client of a hybrid server.
    pub(super) fn peer_signs(&self) -> bool {
        self.sig_keys() && !self.hybrid_server()
    }

    /// Whether we are a hybrid server, who checks no proof of the client
    /// in phase 1.
    pub(super) fn hybrid_server(&self) -> bool {
        self.hybrid_as(XauthRole::Server)
    }

    fn hybrid_as(&self, role: XauthRole) -> bool {
        self.hybrid() && self.xauth_role() == Some(role)
    }

    /// `oakley_validate_auth`, `HYBRID_RSA_R`: the client's HASH is not
    /// checked (XAuth will authenticate it) but it must have sent the
    /// XAuth VID, else SITUATION-NOT-SUPPORTED.
    pub(super) fn accept_hybrid_client(&self, env: &mut Env<'_>) -> Result<(), Fail> {
        if !self.cfg.peer_xauth {
            return Err(Fail::new(
                FailReason::XauthFailed,
                Some(NotifyType::SituationNotSupported),
                "No SIG was passed, hybrid auth is enabled, but peer is no Xauth compliant",
            ));
        }
        env.log
            .info(env.now, "No SIG was passed, but hybrid auth is enabled");
        Ok(())
    }

    /// Our ID and its proof: HASH with pre-shared keys and as a hybrid
    /// client; with signatures ID, CERT (with `send_cert`) and SIG, the
    /// RSA signature of our HASH.
    /// Aggressive message 3 carries the proof without the ID (`with_id`).
    pub(super) fn my_proof(&self, env: &Env<'_>, with_id: bool) -> Result<Vec<PayloadRepr>, Fail> {
        let id = with_id.then(|| PayloadRepr::Identification(self.my_id.clone()));
        if !self.i_sign() {
            return Ok(id
                .into_iter()
                .chain([PayloadRepr::Hash(self.my_hash())])
                .collect());
        }
        let mut out: Vec<PayloadRepr> = id.into_iter().collect();
        out.extend(self.signed(env, &self.my_hash())?);
        Ok(out)
    }

    /// [CERT,] SIG over `hash` (`oakley_getsign`): with `send_cert`, our
    /// certificate first.
    pub(super) fn signed(&self, env: &Env<'_>, hash: &[u8]) -> Result<Vec<PayloadRepr>, Fail> {
        let certs = &env.certs.remotes[self.remote];
        let no_cert = || Fail::new(FailReason::NoConfig, None, "no cert defined.");
        let key = certs.my_key.as_ref().ok_or_else(no_cert)?;
        let sig =
            rsa_sign(key, hash).map_err(|e| Fail::new(FailReason::NoConfig, None, e.reason))?;
        let mut out = Vec::new();
        let send_cert = env.conf.remotes[self.remote].certs.send_cert;
        if let (true, Some(cert)) = (send_cert, &certs.my_cert) {
            out.push(PayloadRepr::Certificate(CertificateRepr {
                encoding: CERT_X509_SIGN,
                data: cert.der().to_vec(),
            }));
        }
        out.push(PayloadRepr::Signature(sig));
        Ok(out)
    }

    /// `oakley_append_rmconf_cr`: when the peer signs (`oakley_needcr`:
    /// a hybrid client asks, its server does not) and `send_cr`, a CR
    /// naming the issuer of `peers_certfile`, else the subject of
    /// `ca_type`'s CA; none if neither is configured.
    pub(super) fn cert_requests(&self, env: &Env<'_>) -> Vec<PayloadRepr> {
        let remote = &env.conf.remotes[self.remote];
        let certs = &env.certs.remotes[self.remote];
        if !self.peer_signs() || !remote.certs.send_cr {
            return Vec::new();
        }
        let dn = match (&certs.peers_cert, &certs.ca_cert) {
            (Some(peer), _) => peer.issuer(),
            (None, Some(ca)) => ca.subject(),
            (None, None) => return Vec::new(),
        };
        vec![PayloadRepr::CertificateRequest(CertificateRepr {
            encoding: CERT_X509_SIGN,
            data: dn.der().to_vec(),
        })]
    }

    /// `oakley_validate_auth` for RSA signatures: the peer's certificate
    /// (`peers_certfile` in place of the one it sent), its chain checked
    /// at simulated time under `verify_cert`, its names against the ID,
    /// then the SIG over the HASH we expect.
    pub(super) fn check_peer_signature(
        &self,
        env: &mut Env<'_>,
        id: &IdentificationRepr,
        got: &Received,
    ) -> Result<(), Fail> {
        let expected = self.peer_hash(id)?;
        self.check_peer_signature_over(env, id, got, &expected)
    }

    /// [`Phase1::check_peer_signature`] with the HASH the SIG must sign
    /// given (base mode's differ from main mode's).
    pub(super) fn check_peer_signature_over(
        &self,
        env: &mut Env<'_>,
        id: &IdentificationRepr,
        got: &Received,
        expected: &[u8],
    ) -> Result<(), Fail> {
        let sig = need(got.sig.as_ref(), "SIG")?;
        let cert = self.peer_certificate(env, got)?;
        let remote = &env.conf.remotes[self.remote];
        let (verify_cert, verify_id) = (remote.certs.verify_cert, remote.verify_identifier);
        if verify_cert && env.certs.remotes[self.remote].peers_cert.is_none() {
            self.verify_chain(env, &cert)?;
        } else if !verify_cert {
            env.log
                .warning(env.now, "CERT validation disabled by configuration");
        }
        let peer_id = PeerId {
            id_type: u8::from(id.id_type),
            data: &id.data,
        };
        let check = check_certid(&peer_id, &cert, verify_cert, verify_id);
        for line in &check.errors {
            env.log.error(env.now, line.clone());
        }
        if let Err(failure) = check.result {
            let notify = NotifyType::from(failure.notify_type());
            return Err(cert_fail(
                notify,
                "peer's ID does not match its certificate",
            ));
        }
        let key = cert
            .public_key()
            .map_err(|e| cert_fail(NotifyType::InvalidCertificate, e.reason))?;
        rsa_verify(&key, expected, sig).map_err(|_| {
            Fail::new(
                FailReason::AuthenticationFailed,
                Some(NotifyType::InvalidSignature),
                "Invalid SIG.",
            )
        })
    }

    fn peer_certificate(&self, env: &Env<'_>, got: &Received) -> Result<X509Certificate, Fail> {
        if let Some(cert) = &env.certs.remotes[self.remote].peers_cert {
            return Ok(cert.clone());
        }
        let missing = || {
            Fail::new(
                FailReason::Certificate,
                None,
                "no peer's CERT payload found.",
            )
        };
        let cert = got.cert.as_ref().ok_or_else(missing)?;
        if cert.encoding != CERT_X509_SIGN {
            let line = format!("peers_cert certtype {} was not expected", cert.encoding);
            return Err(cert_fail(NotifyType::InvalidCertEncoding, line));
        }
        X509Certificate::from_der(&cert.data)
            .map_err(|e| cert_fail(NotifyType::InvalidCertificate, e.reason))
    }

    /// `eay_check_x509cert` against `path certificate` and `ca_type`'s CA,
    /// its callback's lines logged; a refusal is "the peer's certificate
    /// is not verified." with INVALID-CERT-AUTHORITY.
    fn verify_chain(&self, env: &mut Env<'_>, cert: &X509Certificate) -> Result<(), Fail> {
        let mut store = env.certs.store.clone();
        if let Some(ca) = &env.certs.remotes[self.remote].ca_cert {
            store.add_cert(ca.clone());
        }
        let now = env.certs.epoch + env.now.secs() as u64;
        let checked = check_x509cert(cert, &store, now, CertSide::Remote);
        for line in &checked.lines {
            if line.warning {
                env.log.warning(env.now, line.text.clone());
            } else {
                env.log.error(env.now, line.text.clone());
            }
        }
        checked.result.map_err(|_| {
            cert_fail(
                NotifyType::InvalidCertAuthority,
                "the peer's certificate is not verified.",
            )
        })
    }
}
