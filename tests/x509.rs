//! racoon's `rsasig` against certificates made by the scenario's `pki:`
//! section: each case edits scenarios/ike-x509-roadwarriors.yaml (moon,
//! carol with a good certificate, dave revoked), replaces its
//! expectations and runs it; every expectation must hold.

mod common;

fn base() -> String {
    common::edited::scenario_text("ike-x509-roadwarriors.yaml")
}

fn holds(edits: &[(&str, &str)], expect: &str) {
    common::edited::holds(&base(), edits, expect);
}

const CAROL_CERT: &str =
    r#"{ node: carol, dn: "C=CH, O=strongSwan Project, CN=carol@strongswan.org", key_size: 1024 }"#;

/// crypto_openssl.c `cb_check_cert_remote`: X509_V_ERR_CERT_HAS_EXPIRED
/// (10) is not forgiven for a peer's certificate; oakley.c
/// `oakley_validate_auth` then logs "the peer's certificate is not
/// verified." and answers INVALID-CERT-AUTHORITY.
#[test]
fn an_expired_certificate_is_refused() {
    let expired = CAROL_CERT.replace(" }", ", valid_from: -48h, valid_until: -1h }");
    holds(
        &[(CAROL_CERT, &expired)],
        "  - log: { node: moon, matches: 'certificate has expired\\(10\\) at depth:0' }\n  \
         - log: { node: carol, matches: 'INVALID-CERT-AUTHORITY' }\n  \
         - ike: { node: moon, event: ipsec-sa, peer: 192.168.0.100, count: 0 }\n",
    );
}

/// The same callback with X509_V_ERR_CERT_NOT_YET_VALID (9), against
/// simulated time counted from the scenario's `epoch`.
#[test]
fn a_certificate_not_yet_valid_is_refused() {
    let early = CAROL_CERT.replace(" }", ", valid_from: 1h }");
    holds(
        &[(CAROL_CERT, &early)],
        "  - log: { node: moon, matches: 'certificate is not yet valid\\(9\\)' }\n  \
         - ike: { node: moon, event: ipsec-sa, peer: 192.168.0.100, count: 0 }\n",
    );
}

/// X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY (20): moon's `path
/// certificate` holds no CA (its own files are named by absolute path,
/// racoon's `getpathname`).
#[test]
fn an_unknown_ca_is_refused() {
    holds(
        &[
            (
                "      path certificate \"/etc/racoon/certs\";\n      remote anonymous {",
                "      path certificate \"/etc/racoon/empty\";\n      remote anonymous {",
            ),
            (
                "certificate_type x509 \"moon.pem\" \"moon.key\";",
                "certificate_type x509 \"/etc/racoon/certs/moon.pem\" \"/etc/racoon/certs/moon.key\";",
            ),
        ],
        "  - log: { node: moon, matches: 'unable to get local issuer certificate\\(20\\)' }\n  \
         - ike: { node: moon, event: ipsec-sa, peer: 192.168.0.100, count: 0 }\n",
    );
}

/// oakley.c `oakley_check_certid`: an ID_DER_ASN1_DN that is not the
/// certificate's subject, byte for byte, is "ID mismatched with ASN1
/// SubjectName." (moon's `peers_identifier` wildcard still takes it; a
/// DN of another length is "Invalid ID length in phase 1." first).
#[test]
fn an_id_that_is_not_the_certificate_subject_is_refused() {
    holds(
        &[(
            "certificate_type x509 \"carol.pem\" \"carol.key\";\n          my_identifier asn1dn;",
            "certificate_type x509 \"carol.pem\" \"carol.key\";\n          my_identifier asn1dn \"C=CH, O=strongSwan Project, CN=carol@strongswan.net\";",
        )],
        "  - log: { node: moon, matches: 'ID mismatched with ASN1 SubjectName' }\n  \
         - ike: { node: moon, event: ipsec-sa, peer: 192.168.0.100, count: 0 }\n",
    );
}

/// crypto_openssl.c `eay_check_x509sign`: a SIG made with another key
/// than the certificate's does not verify: "Invalid SIG.",
/// INVALID-SIGNATURE.
#[test]
fn a_signature_by_another_key_is_refused() {
    let second = format!(
        "{CAROL_CERT}\n    - {{ node: carol, dn: \"C=CH, O=strongSwan Project, CN=other\", key_size: 1024, cert: /etc/racoon/certs/other.pem, key: /etc/racoon/certs/other.key }}"
    );
    holds(
        &[
            (CAROL_CERT, &second),
            (
                "certificate_type x509 \"carol.pem\" \"carol.key\";",
                "certificate_type x509 \"carol.pem\" \"other.key\";",
            ),
        ],
        "  - log: { node: moon, matches: 'Invalid SIG\\.' }\n  \
         - log: { node: carol, matches: 'INVALID-SIGNATURE' }\n  \
         - ike: { node: moon, event: ipsec-sa, peer: 192.168.0.100, count: 0 }\n",
    );
}

/// `verify_cert off`: the chain is not checked (a revoked certificate
/// passes) and racoon warns "CERT validation disabled by configuration";
/// the signature still must verify.
#[test]
fn verify_cert_off_accepts_a_revoked_certificate_with_a_warning() {
    holds(
        &[(
            "          verify_identifier on;\n          passive on;",
            "          verify_identifier on;\n          verify_cert off;\n          passive on;",
        )],
        "  - log: { node: moon, matches: 'WARNING: CERT validation disabled by configuration' }\n  \
         - ike: { node: moon, event: ipsec-sa, peer: 192.168.0.200, count: 1 }\n  \
         - ping: { flow: dave-ping, replies: 4 }\n",
    );
}

/// Aggressive mode with signatures (RFC 2409 §5.1, isakmp_agg.c): the
/// responder's CERT and SIG ride in message 2, the initiator's in message
/// 3.
#[test]
fn aggressive_mode_with_signatures() {
    let mut edits = Vec::new();
    let text = base();
    let n = text.matches("exchange_mode main;").count();
    for _ in 0..n {
        edits.push(("exchange_mode main;", "exchange_mode aggressive;"));
    }
    holds(
        &edits,
        "  - ike: { node: moon, event: ipsec-sa, peer: 192.168.0.100, count: 1 }\n  \
         - ping: { flow: carol-ping, replies: 4 }\n  \
         - log: { node: moon, matches: 'certificate revoked' }\n  \
         - trace: { link: lan, matches: 'isakmp: phase 1 I agg$' }\n",
    );
}

/// Base mode with signatures (isakmp_base.c `base_i2send`,
/// `base_r2send`): KE, CERT, SIG in messages 3 and 4, HASH_I and HASH_R
/// keyed by a hash of the nonces (oakley.c `oakley_ph1hash_base_i`,
/// `oakley_ph1hash_base_r`); the revoked certificate is still refused.
#[test]
fn base_mode_with_signatures() {
    let mut edits = Vec::new();
    let text = base();
    let n = text.matches("exchange_mode main;").count();
    for _ in 0..n {
        edits.push(("exchange_mode main;", "exchange_mode base;"));
    }
    holds(
        &edits,
        "  - ike: { node: moon, event: ipsec-sa, peer: 192.168.0.100, count: 1 }\n  \
         - ping: { flow: carol-ping, replies: 4 }\n  \
         - log: { node: moon, matches: 'certificate revoked' }\n  \
         - ike: { node: moon, event: ipsec-sa, peer: 192.168.0.200, count: 0 }\n  \
         - trace: { link: lan, matches: 'isakmp: phase 1 R base$' }\n",
    );
}

/// oakley.c `oakley_getsign`: without its private key racoon cannot sign
/// ("no cert defined."); the missing file is named when racoon.conf is
/// loaded.
#[test]
fn a_missing_key_file_is_named_and_stops_the_exchange() {
    holds(
        &[(
            "certificate_type x509 \"moon.pem\" \"moon.key\";",
            "certificate_type x509 \"moon.pem\" \"missing.key\";",
        )],
        "  - log: { node: moon, matches: 'ERROR: failed to get private key: /etc/racoon/certs/missing.key: no such file' }\n  \
         - log: { node: moon, matches: 'ERROR: no cert defined\\.' }\n  \
         - ike: { node: moon, event: ipsec-sa, count: 0 }\n",
    );
}

/// cfparse.y `cert_spec` with `load_x509`: racoon will not start on a
/// racoon.conf whose certificate cannot be loaded ("failed to load
/// certificate"), so the scenario is refused with the node and file.
#[test]
fn a_missing_certificate_file_refuses_the_scenario() {
    let text = base().replace("\"moon.pem\" \"moon.key\"", "\"nomoon.pem\" \"moon.key\"");
    let Err(err) = vpnlab::scenario::load_str(std::path::Path::new("x.yaml"), &text) else {
        panic!("a scenario with a missing certificate loaded");
    };
    let err = err.to_string();
    assert!(
        err.contains("failed to load certificate \"nomoon.pem\": `/etc/racoon/certs/nomoon.pem` is not under `files`"),
        "{err}"
    );
}
