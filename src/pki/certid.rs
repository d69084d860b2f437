//! racoon's `oakley_check_certid` (oakley.c): the peer's phase 1 ID
//! payload against its certificate. ID_DER_ASN1_DN must be the subject's
//! DER byte for byte; ID_IPV4_ADDR/ID_IPV6_ADDR, ID_FQDN and
//! ID_USER_FQDN must equal the first subjectAltName of the matching kind
//! (iPAddress, dNSName, rfc822Name; `check_typeofcertname`), read in
//! order by `eay_get_x509subjectaltname`.

use super::cert::{AltName, X509Certificate};

/// RFC 2407 §4.6.2.1 identification types.
pub const ID_IPV4_ADDR: u8 = 1;
pub const ID_FQDN: u8 = 2;
pub const ID_USER_FQDN: u8 = 3;
pub const ID_IPV6_ADDR: u8 = 5;
pub const ID_DER_ASN1_DN: u8 = 9;

/// The peer's ID payload: its type and identification data (after the
/// DOI-specific header, RFC 2407 §4.6.2).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PeerId<'a> {
    pub id_type: u8,
    pub data: &'a [u8],
}

/// The notify racoon answers a failed check with (RFC 2408 §3.14.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CertIdFailure {
    /// INVALID-ID-INFORMATION (18).
    InvalidIdInformation,
    /// INVALID-CERTIFICATE (20).
    InvalidCertificate,
}

impl CertIdFailure {
    pub fn notify_type(self) -> u16 {
        match self {
            CertIdFailure::InvalidIdInformation => 18,
            CertIdFailure::InvalidCertificate => 20,
        }
    }
}

/// What the check logged (racoon's ERROR lines) and its verdict; a
/// mismatch with `verify_identifier off` is logged and passes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CertIdCheck {
    pub errors: Vec<String>,
    pub result: Result<(), CertIdFailure>,
}

impl CertIdCheck {
    fn pass() -> Self {
        CertIdCheck {
            errors: Vec::new(),
            result: Ok(()),
        }
    }

    fn fail(line: &str, failure: CertIdFailure) -> Self {
        CertIdCheck {
            errors: vec![line.to_string()],
            result: Err(failure),
        }
    }

    /// A mismatch: an error line, fatal only under `verify_identifier on`.
    fn mismatch(line: &str, verify_identifier: bool) -> Self {
        CertIdCheck {
            errors: vec![line.to_string()],
            result: if verify_identifier {
                Err(CertIdFailure::InvalidIdInformation)
            } else {
                Ok(())
            },
        }
    }
}

/// racoon's `s_ipsecdoi_ident` (strnames.c).
pub fn id_type_name(id_type: u8) -> String {
    match id_type {
        1 => "IPv4_address".into(),
        2 => "FQDN".into(),
        3 => "User_FQDN".into(),
        4 => "IPv4_subnet".into(),
        5 => "IPv6_address".into(),
        6 => "IPv6_subnet".into(),
        7 => "IPv4_address_range".into(),
        8 => "IPv6_address_range".into(),
        9 => "DER_ASN1_DN".into(),
        10 => "DER_ASN1_GN".into(),
        11 => "KEY_ID".into(),
        n => n.to_string(),
    }
}

/// `oakley_check_certid` for a peer whose remote section has
/// `verify_cert` and `verify_identifier` as given.
pub fn check_certid(
    id: &PeerId<'_>,
    cert: &X509Certificate,
    verify_cert: bool,
    verify_identifier: bool,
) -> CertIdCheck {
    if !verify_cert {
        return CertIdCheck::pass();
    }
    match id.id_type {
        ID_DER_ASN1_DN => check_dn(id.data, cert, verify_identifier),
        ID_IPV4_ADDR | ID_IPV6_ADDR => check_address(id.data, cert, verify_identifier),
        ID_FQDN | ID_USER_FQDN => check_name(id, cert),
        other => CertIdCheck::fail(
            &format!("Inpropper ID type passed: {}.", id_type_name(other)),
            CertIdFailure::InvalidIdInformation,
        ),
    }
}

fn check_dn(data: &[u8], cert: &X509Certificate, verify_identifier: bool) -> CertIdCheck {
    let subject = cert.subject();
    if data.len() != subject.der().len() {
        return CertIdCheck::fail(
            "Invalid ID length in phase 1.",
            CertIdFailure::InvalidIdInformation,
        );
    }
    if data != subject.der() {
        return CertIdCheck::mismatch("ID mismatched with ASN1 SubjectName.", verify_identifier);
    }
    CertIdCheck::pass()
}

/// The first subjectAltName `wanted` accepts, as racoon's loop over
/// `eay_get_x509subjectaltname(cert, .., pos)` finds it: no extension,
/// running past the last name, or a name of a kind it cannot read
/// (otherName, directoryName, an iPAddress of odd length) ends the loop
/// with "failed to get subjectAltName".
fn first_alt_name(
    cert: &X509Certificate,
    wanted: fn(&AltName) -> bool,
) -> Result<AltName, CertIdCheck> {
    let failed = || {
        CertIdCheck::fail(
            "failed to get subjectAltName",
            CertIdFailure::InvalidCertificate,
        )
    };
    let names = cert.alt_names().ok().flatten().ok_or_else(failed)?;
    for name in names {
        match &name {
            AltName::Other => return Err(failed()),
            AltName::Ip(b) if b.len() != 4 && b.len() != 16 => return Err(failed()),
            n if wanted(n) => return Ok(name),
            _ => {}
        }
    }
    Err(failed())
}

fn check_address(data: &[u8], cert: &X509Certificate, verify_identifier: bool) -> CertIdCheck {
    let name = match first_alt_name(cert, |n| matches!(n, AltName::Ip(_))) {
        Ok(n) => n,
        Err(check) => return check,
    };
    let AltName::Ip(address) = name else {
        return CertIdCheck::fail(
            "no proper subjectAltName.",
            CertIdFailure::InvalidCertificate,
        );
    };
    // memcmp(id, address, idlen): the ID's length decides.
    if address.get(..data.len()) != Some(data) {
        return CertIdCheck::mismatch("ID mismatched with subjectAltName.", verify_identifier);
    }
    CertIdCheck::pass()
}

fn check_name(id: &PeerId<'_>, cert: &X509Certificate) -> CertIdCheck {
    let wanted: fn(&AltName) -> bool = if id.id_type == ID_FQDN {
        |n| matches!(n, AltName::Dns(_))
    } else {
        |n| matches!(n, AltName::Email(_))
    };
    let text = match first_alt_name(cert, wanted) {
        Ok(AltName::Dns(s) | AltName::Email(s)) => s,
        Ok(_) => {
            return CertIdCheck::fail(
                "no proper subjectAltName.",
                CertIdFailure::InvalidCertificate,
            );
        }
        Err(check) => return check,
    };
    // racoon copies the name as a C string.
    let text = text.split('\0').next().unwrap_or_default();
    if id.data.len() != text.len() {
        return CertIdCheck::fail(
            "Invalid ID length in phase 1.",
            CertIdFailure::InvalidIdInformation,
        );
    }
    if id.data != text.as_bytes() {
        // Fatal whatever verify_identifier says.
        return CertIdCheck::fail("ID mismatched.", CertIdFailure::InvalidIdInformation);
    }
    CertIdCheck::pass()
}
