//! Distinguished names as racoon reads, compares and prints them:
//! `eay_str2asn1dn` (racoon.conf's `asn1dn "C=DE, O=Example, CN=moon"`),
//! `eay_cmp_asn1dn` (with its `*` wildcard), OpenSSL's
//! `X509_NAME_oneline` (`/C=DE/O=Example/CN=moon`, the verify callbacks'
//! `SubjectName:`), and OpenSSL's subject-name hash (`X509_NAME_hash`,
//! the `xxxxxxxx.0` names of a hash directory), all over the DER of the
//! Name (RFC 5280 §4.1.2.4).

use der::asn1::{Any, ObjectIdentifier};
use der::{Decode, Encode, Header, Length, Tag};
use x509_cert::attr::AttributeTypeAndValue;
use x509_cert::name::{Name, RelativeDistinguishedName};

use super::PkiError;

/// The DER of an X.509 Name: what an ID_DER_ASN1_DN payload carries and
/// what racoon compares.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DistinguishedName {
    der: Vec<u8>,
}

/// One attribute of a name: its RDN's index (OpenSSL's `set`), its type,
/// and its value's tag and content octets.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NameEntry {
    pub set: usize,
    pub oid: ObjectIdentifier,
    /// The value's identifier octet (0x0c UTF8String, 0x13 PrintableString, ...).
    pub tag: u8,
    pub value: Vec<u8>,
    /// The value's whole DER (tag, length, content).
    pub encoded: Vec<u8>,
}

/// How OpenSSL may encode a string attribute it builds from text
/// (crypto/asn1/tbl_standard.h), for the attributes racoon users write.
#[derive(Clone, Copy, PartialEq, Eq)]
enum StringKind {
    /// DIRSTRING_TYPE under racoon's default mask: UTF8String.
    Directory,
    Printable,
    Ia5,
}

/// An attribute type: OID, OpenSSL's short and long names, its string
/// kind and size limits in characters (tbl_standard.h; 0 = no bound).
struct AttributeName {
    oid: &'static str,
    short: &'static str,
    long: &'static str,
    kind: StringKind,
    min: usize,
    max: usize,
}

const fn attr(
    oid: &'static str,
    short: &'static str,
    long: &'static str,
    kind: StringKind,
    min: usize,
    max: usize,
) -> AttributeName {
    AttributeName {
        oid,
        short,
        long,
        kind,
        min,
        max,
    }
}

use StringKind::{Directory, Ia5, Printable};

/// The attributes OpenSSL names (crypto/objects/objects.txt) that DNs in
/// IPsec setups use.
const ATTRIBUTES: &[AttributeName] = &[
    attr("2.5.4.3", "CN", "commonName", Directory, 1, 64),
    attr("2.5.4.4", "SN", "surname", Directory, 1, 32768),
    attr("2.5.4.5", "serialNumber", "serialNumber", Printable, 1, 64),
    attr("2.5.4.6", "C", "countryName", Printable, 2, 2),
    attr("2.5.4.7", "L", "localityName", Directory, 1, 128),
    attr("2.5.4.8", "ST", "stateOrProvinceName", Directory, 1, 128),
    attr("2.5.4.9", "street", "streetAddress", Directory, 0, 0),
    attr("2.5.4.10", "O", "organizationName", Directory, 1, 64),
    attr("2.5.4.11", "OU", "organizationalUnitName", Directory, 1, 64),
    attr("2.5.4.12", "title", "title", Directory, 0, 0),
    attr("2.5.4.13", "description", "description", Directory, 0, 0),
    attr("2.5.4.17", "postalCode", "postalCode", Directory, 0, 0),
    attr("2.5.4.41", "name", "name", Directory, 1, 32768),
    attr("2.5.4.42", "GN", "givenName", Directory, 1, 32768),
    attr("2.5.4.43", "initials", "initials", Directory, 1, 32768),
    attr("2.5.4.46", "dnQualifier", "dnQualifier", Printable, 0, 0),
    attr("2.5.4.65", "pseudonym", "pseudonym", Directory, 0, 0),
    attr(
        "0.9.2342.19200300.100.1.1",
        "UID",
        "userId",
        Directory,
        0,
        0,
    ),
    attr(
        "0.9.2342.19200300.100.1.25",
        "DC",
        "domainComponent",
        Ia5,
        1,
        0,
    ),
    attr(
        "1.2.840.113549.1.9.1",
        "emailAddress",
        "emailAddress",
        Ia5,
        1,
        128,
    ),
    attr(
        "1.2.840.113549.1.9.2",
        "unstructuredName",
        "unstructuredName",
        Directory,
        1,
        0,
    ),
];

const UTF8_STRING: u8 = 0x0c;
const PRINTABLE_STRING: u8 = 0x13;
const T61_STRING: u8 = 0x14;
const IA5_STRING: u8 = 0x16;
const VISIBLE_STRING: u8 = 0x1a;
const GENERAL_STRING: u8 = 0x1b;
const UNIVERSAL_STRING: u8 = 0x1c;
const BMP_STRING: u8 = 0x1e;

fn by_oid(oid: &ObjectIdentifier) -> Option<&'static AttributeName> {
    let text = oid.to_string();
    ATTRIBUTES.iter().find(|a| a.oid == text)
}

impl DistinguishedName {
    /// A Name from its DER, checked to decode.
    pub fn from_der(der: &[u8]) -> Result<Self, PkiError> {
        Name::from_der(der).map_err(|e| PkiError::new(format!("not a DN: {e}")))?;
        Ok(DistinguishedName { der: der.to_vec() })
    }

    pub(crate) fn from_der_unchecked(der: Vec<u8>) -> Self {
        DistinguishedName { der }
    }

    pub fn der(&self) -> &[u8] {
        &self.der
    }

    /// The attributes in order, each with its RDN's index.
    pub fn entries(&self) -> Result<Vec<NameEntry>, PkiError> {
        let name =
            Name::from_der(&self.der).map_err(|e| PkiError::new(format!("not a DN: {e}")))?;
        let mut out = Vec::new();
        for (set, rdn) in name.iter_rdn().enumerate() {
            for atv in rdn.iter() {
                let encoded = atv.value.to_der()?;
                out.push(NameEntry {
                    set,
                    oid: atv.oid,
                    tag: encoded.first().copied().unwrap_or_default(),
                    value: atv.value.value().to_vec(),
                    encoded,
                });
            }
        }
        Ok(out)
    }

    /// OpenSSL's `X509_NAME_oneline` into racoon's 256-byte buffer
    /// (`cb_check_cert_local`): `/C=DE/O=Example/CN=moon`, `+` before
    /// another attribute of the same RDN, `\/` and `\+` escaped, bytes
    /// outside ' '..'~' as `\xHH`; attributes that no longer fit are left
    /// off.
    pub fn oneline(&self) -> String {
        match self.entries() {
            Ok(entries) => oneline(&entries, 255),
            Err(_) => String::new(),
        }
    }

    /// `C=DE, O=Example, CN=moon`: the attributes as `X509_NAME_print`
    /// joins them.
    pub fn text(&self) -> String {
        let entries = self.entries().unwrap_or_default();
        entries
            .iter()
            .map(|e| format!("{}={}", short_name(&e.oid), escaped_value(e)))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// OpenSSL's canonical encoding (crypto/x509/x_name.c
    /// `x509_name_canon`): each string converted to UTF8String, leading
    /// and trailing whitespace removed, inner runs of whitespace made one
    /// space, ASCII lowercased; the RDN SETs concatenated without the
    /// outer SEQUENCE. An empty name has an empty encoding.
    pub fn canonical(&self) -> Result<Vec<u8>, PkiError> {
        canonical(&self.entries()?)
    }

    /// OpenSSL's `X509_NAME_hash` (`X509_NAME_hash_ex`): the first four
    /// bytes of SHA-1 over the canonical encoding, little-endian: the
    /// `%08x` of a hash directory's `xxxxxxxx.0` and `xxxxxxxx.r0` names.
    pub fn hash(&self) -> Result<u32, PkiError> {
        use sha1::Digest;
        let digest = sha1::Sha1::digest(self.canonical()?);
        Ok(u32::from_le_bytes([
            digest[0], digest[1], digest[2], digest[3],
        ]))
    }
}

/// [`DistinguishedName::hash`] of `dn`.
pub fn name_hash(dn: &DistinguishedName) -> Result<u32, PkiError> {
    dn.hash()
}

fn short_name(oid: &ObjectIdentifier) -> String {
    by_oid(oid).map_or_else(|| oid.to_string(), |a| a.short.to_string())
}

/// The bytes OpenSSL's `X509_NAME_oneline` prints of a value: a
/// GeneralString of UCS-4-like zero-padded bytes shows its low bytes only.
fn shown_bytes(e: &NameEntry) -> Vec<u8> {
    let v = &e.value;
    if e.tag == GENERAL_STRING && v.len().is_multiple_of(4) {
        let padded = v.iter().enumerate().all(|(i, b)| i % 4 == 3 || *b == 0);
        if padded {
            return v.iter().skip(3).step_by(4).copied().collect();
        }
    }
    v.clone()
}

fn escaped_value(e: &NameEntry) -> String {
    let mut out = String::new();
    for b in shown_bytes(e) {
        match b {
            b'/' | b'+' => {
                out.push('\\');
                out.push(b as char);
            }
            b' '..=b'~' => out.push(b as char),
            _ => out.push_str(&format!("\\x{b:02X}")),
        }
    }
    out
}

fn oneline(entries: &[NameEntry], room: usize) -> String {
    let mut out = String::new();
    let mut previous_set = None;
    for e in entries {
        let piece = format!("{}={}", short_name(&e.oid), escaped_value(e));
        if out.len() + 1 + piece.len() > room {
            break;
        }
        out.push(if previous_set == Some(e.set) {
            '+'
        } else {
            '/'
        });
        out.push_str(&piece);
        previous_set = Some(e.set);
    }
    out
}

/// The string types `asn1_string_canon` converts (ASN1_MASK_CANON).
fn is_canonicalized(tag: u8) -> bool {
    matches!(
        tag,
        UTF8_STRING
            | BMP_STRING
            | UNIVERSAL_STRING
            | PRINTABLE_STRING
            | T61_STRING
            | IA5_STRING
            | VISIBLE_STRING
    )
}

/// `ASN1_STRING_to_UTF8`: the value's characters as UTF-8 bytes.
fn to_utf8(tag: u8, value: &[u8]) -> Result<Vec<u8>, PkiError> {
    let bad = || PkiError::new("a DN string that does not decode in its type");
    let chars: Vec<char> = match tag {
        UTF8_STRING => std::str::from_utf8(value)
            .map_err(|_| bad())?
            .chars()
            .collect(),
        BMP_STRING => {
            if !value.len().is_multiple_of(2) {
                return Err(bad());
            }
            let units: Vec<u16> = value
                .chunks_exact(2)
                .map(|c| u16::from_be_bytes([c[0], c[1]]))
                .collect();
            char::decode_utf16(units)
                .collect::<Result<_, _>>()
                .map_err(|_| bad())?
        }
        UNIVERSAL_STRING => {
            if !value.len().is_multiple_of(4) {
                return Err(bad());
            }
            value
                .chunks_exact(4)
                .map(|c| {
                    char::from_u32(u32::from_be_bytes([c[0], c[1], c[2], c[3]])).ok_or_else(bad)
                })
                .collect::<Result<_, _>>()?
        }
        // PrintableString, T61String, IA5String, VisibleString: one byte
        // a character (T61 read as Latin-1, as OpenSSL does).
        _ => value.iter().map(|b| char::from(*b)).collect(),
    };
    Ok(chars.into_iter().collect::<String>().into_bytes())
}

/// OpenSSL's `ossl_isspace`: space, \t, \n, \v, \f, \r.
fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

/// `asn1_string_canon` on UTF-8 bytes.
fn canon_text(utf8: &[u8]) -> Vec<u8> {
    let start = utf8
        .iter()
        .position(|b| !is_space(*b))
        .unwrap_or(utf8.len());
    let end = utf8
        .iter()
        .rposition(|b| !is_space(*b))
        .map_or(start, |i| i + 1);
    let mut out = Vec::with_capacity(end - start);
    let mut in_space = false;
    for &b in &utf8[start..end] {
        if b.is_ascii() && is_space(b) {
            if !in_space {
                out.push(b' ');
            }
            in_space = true;
            continue;
        }
        in_space = false;
        out.push(if b.is_ascii() {
            b.to_ascii_lowercase()
        } else {
            b
        });
    }
    out
}

fn der_tlv(tag: u8, content: &[u8]) -> Result<Vec<u8>, PkiError> {
    let tag = Tag::from_der(&[tag])?;
    let mut out = Header::new(tag, Length::try_from(content.len())?).to_der()?;
    out.extend_from_slice(content);
    Ok(out)
}

/// DER of one AttributeTypeAndValue with the value's DER given.
fn atv_der(oid: &ObjectIdentifier, value_der: &[u8]) -> Result<Vec<u8>, PkiError> {
    let mut body = oid.to_der()?;
    body.extend_from_slice(value_der);
    der_tlv(0x30, &body)
}

/// OpenSSL's DER SET OF order (`der_cmp`): bytewise on the common
/// length, then the shorter first.
fn der_set(mut items: Vec<Vec<u8>>) -> Result<Vec<u8>, PkiError> {
    items.sort_by(|a, b| {
        let n = a.len().min(b.len());
        a[..n].cmp(&b[..n]).then(a.len().cmp(&b.len()))
    });
    der_tlv(0x31, &items.concat())
}

fn group_by_set(entries: &[NameEntry]) -> Vec<Vec<&NameEntry>> {
    let mut groups: Vec<Vec<&NameEntry>> = Vec::new();
    for e in entries {
        match groups.last_mut() {
            Some(g) if g[0].set == e.set => g.push(e),
            _ => groups.push(vec![e]),
        }
    }
    groups
}

fn canonical(entries: &[NameEntry]) -> Result<Vec<u8>, PkiError> {
    let mut out = Vec::new();
    for rdn in group_by_set(entries) {
        let mut items = Vec::new();
        for e in rdn {
            let item = if is_canonicalized(e.tag) {
                let text = canon_text(&to_utf8(e.tag, &e.value)?);
                atv_der(&e.oid, &der_tlv(UTF8_STRING, &text)?)?
            } else {
                atv_der(&e.oid, &e.encoded)?
            };
            items.push(item);
        }
        out.extend(der_set(items)?);
    }
    Ok(out)
}

/// racoon's `eay_cmp_asn1dn`: equal when, attribute by attribute, a
/// value `*` on either side matches any value of the same type (both are
/// then set aside), and what remains compares equal as OpenSSL's
/// `X509_NAME_cmp` does (canonical encodings byte for byte). An error
/// when either is not a DN ("eay_cmp_asn1dn: first dn not a dn").
pub fn cmp_asn1dn(a: &DistinguishedName, b: &DistinguishedName) -> Result<bool, PkiError> {
    let mut a = a
        .entries()
        .map_err(|_| PkiError::new("eay_cmp_asn1dn: first dn not a dn"))?;
    let mut b = b
        .entries()
        .map_err(|_| PkiError::new("eay_cmp_asn1dn: second dn not a dn"))?;
    let mut idx = 0;
    while idx < a.len() {
        let Some(eb) = b.get(idx) else {
            return Ok(false);
        };
        let ea = &a[idx];
        let star = |e: &NameEntry| e.value == b"*";
        if star(ea) || star(eb) {
            if ea.oid != eb.oid {
                return Ok(false);
            }
            a.remove(idx);
            b.remove(idx);
            continue;
        }
        idx += 1;
    }
    Ok(canonical(&a)? == canonical(&b)?)
}

/// racoon's `eay_str2asn1dn`: `C=DE, O=Example, CN=moon` (or with `/`
/// between attributes) to the DER of a Name, one RDN per attribute, as
/// OpenSSL's `X509_NAME_add_entry_by_txt` with `MBSTRING_ASC` builds it
/// under racoon's UTF8String default mask: C, serialNumber and
/// dnQualifier as PrintableString, emailAddress and DC as IA5String,
/// the rest as UTF8String; a value of exactly `*` as PrintableString.
/// RFC 2253 escapes `\,` `\=` `\+` `\<` `\>` `\#` `\;` `\\` and `\HH`;
/// spaces after a separator are skipped, none elsewhere.
pub fn str2asn1dn(text: &str) -> Result<DistinguishedName, PkiError> {
    let mut rdns = Vec::new();
    for (field, value) in split_fields(text.as_bytes())? {
        let atv = attribute(&field, &value)?;
        let mut rdn = RelativeDistinguishedName::default();
        rdn.insert(atv)?;
        rdns.push(rdn);
    }
    DistinguishedName::from_der(&rdns.to_der()?)
}

/// The (field, value) pairs of racoon's parsing loop, each cut at a NUL
/// as the C strings it passes on are.
/// A DN text's (field, value) byte strings.
type Fields = Vec<(Vec<u8>, Vec<u8>)>;

fn split_fields(buf: &[u8]) -> Result<Fields, PkiError> {
    let invalid = || PkiError::new(format!("invalid DN `{}`", String::from_utf8_lossy(buf)));
    let mut pairs = Vec::new();
    let (mut field, mut value): (Vec<u8>, Option<Vec<u8>>) = (Vec::new(), None);
    let mut i = 0;
    while i < buf.len() {
        let c = buf[i];
        if c == b'=' && value.is_none() {
            value = Some(Vec::new());
            i += 1;
            continue;
        }
        let target = value.as_mut().unwrap_or(&mut field);
        match c {
            b'\\' => {
                let (byte, used) = unescape(&buf[i..]).ok_or_else(invalid)?;
                target.push(byte);
                i += used;
                continue;
            }
            b',' | b'/' => {
                let v = value.take().ok_or_else(invalid)?;
                pairs.push((cut_at_nul(std::mem::take(&mut field)), cut_at_nul(v)));
                while buf.get(i + 1) == Some(&b' ') {
                    i += 1;
                }
            }
            b => target.push(b),
        }
        i += 1;
    }
    let v = value.ok_or_else(invalid)?;
    pairs.push((cut_at_nul(field), cut_at_nul(v)));
    Ok(pairs)
}

fn cut_at_nul(mut s: Vec<u8>) -> Vec<u8> {
    if let Some(n) = s.iter().position(|b| *b == 0) {
        s.truncate(n);
    }
    s
}

/// One escape at the start of `s` (which begins with `\`): the byte and
/// how many input bytes it took. The hex pair is read as `strtol(.., 16)`
/// reads it, so it must be all hex (after optional spaces or a `+`).
fn unescape(s: &[u8]) -> Option<(u8, usize)> {
    let next = *s.get(1)?;
    if b"\\,=+<>#;".contains(&next) {
        return Some((next, 2));
    }
    let pair = s.get(1..3)?;
    let text = std::str::from_utf8(pair).ok()?;
    let digits = text.trim_start().trim_start_matches('+');
    if digits.is_empty() {
        return None;
    }
    u8::from_str_radix(digits, 16).ok().map(|b| (b, 3))
}

fn lookup_field(
    field: &str,
) -> Result<(ObjectIdentifier, Option<&'static AttributeName>), PkiError> {
    if let Some(a) = ATTRIBUTES
        .iter()
        .find(|a| a.short == field || a.long == field)
    {
        let oid = ObjectIdentifier::new(a.oid).map_err(|e| PkiError::new(e.to_string()))?;
        return Ok((oid, Some(a)));
    }
    let oid = ObjectIdentifier::new(field)
        .map_err(|_| PkiError::new(format!("unknown DN field `{field}`")))?;
    Ok((oid, by_oid(&oid)))
}

/// OpenSSL's `is_printable` (PrintableString, X.680 §41.4).
fn is_printable(c: u8) -> bool {
    c.is_ascii_alphanumeric() || b" '()+,-./:=?".contains(&c)
}

fn attribute(field: &[u8], value: &[u8]) -> Result<AttributeTypeAndValue, PkiError> {
    let field_text = String::from_utf8_lossy(field).into_owned();
    let shown = format!("{field_text}={}", String::from_utf8_lossy(value));
    let fail = |why: &str| PkiError::new(format!("Invalid DN field: {shown} ({why})"));
    let (oid, known) = lookup_field(&field_text).map_err(|e| fail(&e.reason))?;
    if value == b"*" {
        return Ok(AttributeTypeAndValue {
            oid,
            value: Any::new(Tag::PrintableString, value.to_vec())?,
        });
    }
    let (kind, min, max) = known.map_or((Directory, 0, 0), |a| (a.kind, a.min, a.max));
    // MBSTRING_ASC: one byte is one character (Latin-1).
    let chars = value.len();
    if chars < min {
        return Err(fail("string too short"));
    }
    if max > 0 && chars > max {
        return Err(fail("string too long"));
    }
    let (tag, bytes) = match kind {
        Printable if value.iter().all(|c| is_printable(*c)) => {
            (Tag::PrintableString, value.to_vec())
        }
        Ia5 if value.is_ascii() => (Tag::Ia5String, value.to_vec()),
        Printable | Ia5 => return Err(fail("invalid character for its string type")),
        Directory => {
            let latin1: String = value.iter().map(|b| char::from(*b)).collect();
            (Tag::Utf8String, latin1.into_bytes())
        }
    };
    Ok(AttributeTypeAndValue {
        oid,
        value: Any::new(tag, bytes)?,
    })
}

#[cfg(test)]
#[path = "dn_tests.rs"]
mod tests;
