use super::*;
use crate::pki::cert::{Crl, X509Certificate};

const MOON: &str = include_str!("testdata/moon-ca.pem");
const MIXED: &str = include_str!("testdata/mixed.pem");
const UTF8: &str = include_str!("testdata/utf8.pem");
const MOON_CRL: &str = include_str!("testdata/moon.crl");

fn subject(pem: &str) -> DistinguishedName {
    X509Certificate::parse(pem.as_bytes()).unwrap().subject()
}

fn dn(text: &str) -> DistinguishedName {
    str2asn1dn(text).unwrap()
}

/// OpenSSL's `X509_NAME_hash` (x_name.c `x509_name_canon`, x509_cmp.c
/// `X509_NAME_hash_ex`). Known answers printed by OpenSSL 3.0.19's
/// `openssl x509 -hash -noout -in F` for certificates made with
/// `openssl req -x509 -new -key kat.key [-utf8] -subj S`:
/// S = `/C=DE/O=Example/CN=moon` → 3e166ba1;
/// `/C=de/O=  Example   Org  /OU=Gate+CN=Sun  Gateway/emailAddress=Sun@Example.ORG`
/// (spaces, case, a two-valued RDN) → a6d7e6fa;
/// `/CN=Müller Straße/O=ÄÖÜ` (non-ASCII UTF-8) → 9ebc7b01;
/// and `openssl crl -hash -noout -in moon.crl` (from `openssl ca -gencrl`
/// with the first certificate) → 3e166ba1.
#[test]
fn subject_hash_matches_openssl() {
    assert_eq!(subject(MOON).hash().unwrap(), 0x3e16_6ba1);
    assert_eq!(subject(MIXED).hash().unwrap(), 0xa6d7_e6fa);
    assert_eq!(subject(UTF8).hash().unwrap(), 0x9ebc_7b01);
    let crl = Crl::parse(MOON_CRL.as_bytes()).unwrap();
    assert_eq!(crl.issuer().hash().unwrap(), 0x3e16_6ba1);
    // racoon's own DN text encodes as `openssl req` does, so hashes alike.
    assert_eq!(dn("C=DE, O=Example, CN=moon").hash().unwrap(), 0x3e16_6ba1);
}

/// crypto_openssl.c `eay_str2asn1dn`: C as PrintableString, O and CN as
/// UTF8String under racoon's `B_ASN1_UTF8STRING` mask, one RDN each: the
/// same DER as OpenSSL's `req -subj` (whose default string_mask is
/// utf8only) puts in a certificate.
#[test]
fn racoon_dn_text_encodes_like_the_certificate() {
    assert_eq!(dn("C=DE, O=Example, CN=moon"), subject(MOON));
    assert_eq!(dn("C=DE/O=Example/CN=moon"), subject(MOON));
    // Spaces after a separator are skipped; none elsewhere.
    assert_eq!(dn("C=DE,    O=Example,CN=moon"), subject(MOON));
    assert_ne!(dn("C=DE, O=Example, CN=moon "), subject(MOON));
    let email = dn("CN=x, emailAddress=a@b.c").entries().unwrap();
    assert_eq!(email[1].tag, 0x16, "emailAddress is an IA5String");
    let star = dn("C=DE, CN=*").entries().unwrap();
    assert_eq!(star[1].tag, 0x13, "`*` is a PrintableString");
}

/// `eay_str2asn1dn` escapes (RFC 2253 §2.4) and its refusals.
#[test]
fn racoon_dn_text_escapes_and_errors() {
    let e = dn(r"CN=a\,b\=c\41").entries().unwrap();
    assert_eq!(e[0].value, b"a,b=cA");
    assert_eq!(dn("commonName=moon"), dn("CN=moon"));
    assert_eq!(dn("2.5.4.3=moon"), dn("CN=moon"));
    for bad in [
        "",
        "CN",
        "/C=DE",
        "C=DE, ",
        "C=DEU",
        "C=D",
        "XX=1",
        r"CN=\4",
        r"CN=\zz",
        "CN=",
        "C=D!",
        "emailAddress=\u{e9}",
    ] {
        assert!(str2asn1dn(bad).is_err(), "{bad:?} must be refused");
    }
    let err = str2asn1dn("C=DEU").unwrap_err();
    assert!(err.reason.starts_with("Invalid DN field: C=DEU"), "{err}");
}

/// `eay_cmp_asn1dn`: `*` matches any value of the same attribute type;
/// the rest compares as `X509_NAME_cmp` (canonical: case and spaces).
#[test]
fn compares_with_wildcards_like_racoon() {
    let moon = subject(MOON);
    let eq = |a: &DistinguishedName, b: &DistinguishedName| cmp_asn1dn(a, b).unwrap();
    assert!(eq(&dn("C=DE, O=Example, CN=*"), &moon));
    assert!(eq(&moon, &dn("C=DE, O=Example, CN=*")));
    assert!(eq(&dn("C=*, O=*, CN=*"), &moon));
    assert!(eq(&dn("C=DE, O=example, CN=MOON"), &moon));
    assert!(eq(&dn("C=DE, O=  Example , CN=moon"), &moon));
    assert!(!eq(&dn("C=DE, O=Other, CN=*"), &moon));
    assert!(!eq(&dn("C=DE, O=Example, OU=*"), &moon), "type must match");
    assert!(!eq(&dn("C=DE, O=Example"), &moon));
    assert!(!eq(&dn("C=DE, O=Example, CN=moon, OU=x"), &moon));
    let junk = DistinguishedName::from_der_unchecked(vec![0x30, 0x03, 0x01]);
    assert!(cmp_asn1dn(&junk, &moon).is_err());
}

/// OpenSSL's `X509_NAME_oneline` as racoon's verify callbacks print it.
#[test]
fn oneline_like_openssl() {
    assert_eq!(subject(MOON).oneline(), "/C=DE/O=Example/CN=moon");
    assert_eq!(
        subject(MIXED).oneline(),
        "/C=de/O=  Example   Org  /OU=Gate+CN=Sun  Gateway/emailAddress=Sun@Example.ORG"
    );
    assert_eq!(
        subject(UTF8).oneline(),
        r"/CN=M\xC3\xBCller Stra\xC3\x9Fe/O=\xC3\x84\xC3\x96\xC3\x9C"
    );
    assert!(str2asn1dn(r"CN=a/b").is_err(), "`/` separates attributes");
    assert_eq!(dn(r"CN=a\+b").oneline(), r"/CN=a\+b");
    assert_eq!(subject(MOON).text(), "C=DE, O=Example, CN=moon");
    let long = dn(&format!(
        "O={}, OU={}, CN=end",
        "o".repeat(60),
        "u".repeat(60)
    ));
    assert!(long.oneline().len() <= 255);
}

/// Nothing panics on any input: every prefix of a name's DER and odd texts.
#[test]
fn never_panics() {
    let der = subject(MIXED).der().to_vec();
    for n in 0..der.len() {
        let cut = DistinguishedName::from_der_unchecked(der[..n].to_vec());
        let _ = (
            cut.oneline(),
            cut.text(),
            cut.hash(),
            cmp_asn1dn(&cut, &cut),
        );
        let mut flipped = der.clone();
        flipped[n] ^= 0xff;
        let f = DistinguishedName::from_der_unchecked(flipped);
        let _ = (f.oneline(), f.hash(), cmp_asn1dn(&f, &f));
    }
    for text in [
        "\\",
        "=",
        ",,,",
        "a=b\\",
        "=\\00",
        "CN=\\00x",
        "CN=\u{1F600}",
        "CN=*,*",
    ] {
        let _ = str2asn1dn(text);
    }
}
