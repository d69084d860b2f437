//! psk.txt, racoon's pre-shared key file (`path pre_shared_key`), read the
//! way ipsec-tools 0.8 `getpsk()` (src/racoon/localconf.c) reads it.
//!
//! Each line is `IDENTIFIER SECRET`:
//! - a line whose first character is `#` is a comment; `#` anywhere else
//!   is part of the identifier or the secret;
//! - the identifier runs up to the first white space (C `isspace`: space,
//!   tab, CR, LF, VT, FF) and is an IPv4 address, an FQDN, a user@FQDN,
//!   or `*`, which matches every peer;
//! - the secret is everything after the white space that follows the
//!   identifier up to the end of the line: it may contain spaces, and
//!   trailing blanks (and the CR of a CRLF file) are part of it, exactly
//!   as in racoon (a warning points them out);
//! - a secret starting with `0x` is hexadecimal: racoon's `str2val` takes
//!   hex digits, skips white space between them, and needs an even,
//!   non-zero number of digits;
//! - lookups compare the identifier as a string, exactly and case
//!   sensitively; the first line that matches (or is `*`) wins.
//!
//! Differences from racoon, all deliberate:
//! - a malformed hexadecimal secret is a [`ParseError`] here; racoon only
//!   fails when that peer's key is looked up, and then finds no key at all;
//! - lines racoon skips without a word (an identifier without a secret, a
//!   line starting with white space, whose identifier is therefore empty
//!   and never matches) give a [`Warning`]; so do later lines for an
//!   identifier that already has a secret, which racoon never reads;
//! - racoon reads at most 1023 characters per line (`fgets` into 1024
//!   bytes) and takes the rest as another line; here a line is a line.

use std::net::Ipv4Addr;

pub use super::racoon::{ParseError, Warning};

/// A peer identity to look up: what racoon passes to `getpsk()`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PskId {
    /// The peer's address (racoon's `getpskbyaddr`, the main mode case),
    /// written in dotted-quad form as `getnameinfo` prints it.
    Address(Ipv4Addr),
    /// An ID_FQDN payload's data (`getpskbyname`).
    Fqdn(String),
    /// An ID_USER_FQDN payload's data (`getpskbyname`).
    UserFqdn(String),
}

impl PskId {
    /// The string racoon compares against the first column.
    fn key(&self) -> String {
        match self {
            PskId::Address(ip) => ip.to_string(),
            PskId::Fqdn(name) | PskId::UserFqdn(name) => name.clone(),
        }
    }
}

/// One `IDENTIFIER SECRET` line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PskEntry {
    /// 1-based line number.
    pub line: u32,
    /// The first column, as written.
    pub identifier: String,
    /// The key: the rest of the line's bytes, or the decoded `0x` hex.
    pub secret: Vec<u8>,
}

/// A parsed psk.txt.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PskFile {
    /// Entries in file order.
    pub entries: Vec<PskEntry>,
    /// Lines racoon reads differently from what they seem to say.
    pub warnings: Vec<Warning>,
}

impl PskFile {
    /// The secret for `id`: the first entry whose identifier is `*` or
    /// equals `id`'s string (localconf.c getpsk).
    pub fn lookup(&self, id: &PskId) -> Option<&[u8]> {
        let key = id.key();
        self.entries
            .iter()
            .find(|e| e.identifier == "*" || e.identifier == key)
            .map(|e| e.secret.as_slice())
    }
}

/// C `isspace` in the C locale.
fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r' | '\x0b' | '\x0c')
}

/// Parses a whole psk.txt.
pub fn parse(text: &str) -> Result<PskFile, ParseError> {
    let mut file = PskFile::default();
    for (index, line) in text.split('\n').enumerate() {
        let number = u32::try_from(index).map_or(u32::MAX, |i| i.saturating_add(1));
        read_line(&mut file, line, number)?;
    }
    Ok(file)
}

fn warning(line: u32, column: usize, message: String) -> Warning {
    Warning {
        line,
        column: u32::try_from(column).unwrap_or(u32::MAX),
        message,
    }
}

/// One line (without its `\n`).
fn read_line(file: &mut PskFile, line: &str, number: u32) -> Result<(), ParseError> {
    if line.starts_with('#') || line.chars().all(is_space) {
        return Ok(());
    }
    let chars: Vec<char> = line.chars().collect();
    let id_end = chars
        .iter()
        .position(|c| is_space(*c))
        .unwrap_or(chars.len());
    let identifier: String = chars.get(..id_end).unwrap_or_default().iter().collect();
    if identifier.is_empty() {
        let message = "the line starts with white space: racoon reads an empty identifier, so this line never matches".to_string();
        file.warnings.push(warning(number, 1, message));
        return Ok(());
    }
    let secret_start = chars
        .iter()
        .skip(id_end)
        .position(|c| !is_space(*c))
        .map(|offset| id_end + offset);
    let Some(secret_start) = secret_start else {
        let message = format!("`{identifier}` has no secret after it; racoon ignores this line");
        file.warnings.push(warning(number, 1, message));
        return Ok(());
    };
    let secret_text: String = chars
        .get(secret_start..)
        .unwrap_or_default()
        .iter()
        .collect();
    let secret = secret_bytes(&secret_text, number, secret_start + 1)?;
    note_trailing_space(file, &secret_text, number, chars.len());
    note_duplicate(file, &identifier, number);
    file.entries.push(PskEntry {
        line: number,
        identifier,
        secret,
    });
    Ok(())
}

/// The key bytes: `0x` hex (racoon's str2val) or the text itself.
fn secret_bytes(text: &str, line: u32, column: usize) -> Result<Vec<u8>, ParseError> {
    let Some(hex) = text.strip_prefix("0x") else {
        return Ok(text.as_bytes().to_vec());
    };
    let fail = |offset: usize, message: String| ParseError {
        line,
        column: u32::try_from(column + offset).unwrap_or(u32::MAX),
        message,
    };
    let mut digits = Vec::new();
    for (i, c) in hex.chars().enumerate() {
        match c.to_digit(16) {
            Some(d) => digits.push(d as u8),
            None if is_space(c) => {}
            None => {
                return Err(fail(
                    i + 2,
                    format!(
                        "unexpected `{}` in a 0x hexadecimal secret: expected hex digits (racoon would find no key for this peer)",
                        c.escape_debug()
                    ),
                ));
            }
        }
    }
    if digits.is_empty() || digits.len() % 2 != 0 {
        return Err(fail(
            0,
            format!(
                "a 0x hexadecimal secret needs an even, non-zero number of hex digits, found {} (racoon would find no key for this peer)",
                digits.len()
            ),
        ));
    }
    // chunks_exact(2) yields slices of exactly two digits.
    Ok(digits.chunks_exact(2).map(|p| (p[0] << 4) | p[1]).collect())
}

fn note_trailing_space(file: &mut PskFile, secret: &str, line: u32, line_chars: usize) {
    if secret.starts_with("0x") || !secret.ends_with(is_space) {
        return;
    }
    let trailing = secret.chars().rev().take_while(|c| is_space(*c)).count();
    let message = format!(
        "the secret ends with {trailing} white space character(s) (a CR if the file has CRLF line ends); racoon keeps them as part of the key"
    );
    file.warnings
        .push(warning(line, line_chars + 1 - trailing, message));
}

fn note_duplicate(file: &mut PskFile, identifier: &str, line: u32) {
    if let Some(first) = file.entries.iter().find(|e| e.identifier == identifier) {
        let message = format!(
            "`{identifier}` already has a secret on line {}; racoon uses the first and never reads this one",
            first.line
        );
        file.warnings.push(warning(line, 1, message));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The psk.txt of the 2003 Linux IPsec article, as printed there.
    const ARTICLE: &str = "# IPv4 addresses
192.168.2.5          bad simple psk
5.0.0.1             0xe10bd52b0529b54aac97db63462850f3
# USER_FQDN
ralf@spenneberg.net kfaizeafasdf
# FQDN
www.spenneberg.net  This PSK identifies a fully qualified domain name
";

    fn ok(text: &str) -> PskFile {
        match parse(text) {
            Ok(file) => file,
            Err(e) => panic!("unexpected error {e} in:\n{text}"),
        }
    }

    fn addr(a: u8, b: u8, c: u8, d: u8) -> PskId {
        PskId::Address(Ipv4Addr::new(a, b, c, d))
    }

    #[test]
    fn article_file() {
        let file = ok(ARTICLE);
        assert!(file.warnings.is_empty(), "{:?}", file.warnings);
        assert_eq!(file.entries.len(), 4);
        assert_eq!(file.entries[0].line, 2);
        assert_eq!(
            file.lookup(&addr(192, 168, 2, 5)),
            Some(&b"bad simple psk"[..])
        );
        assert_eq!(
            file.lookup(&addr(5, 0, 0, 1)),
            Some(
                &[
                    0xe1, 0x0b, 0xd5, 0x2b, 0x05, 0x29, 0xb5, 0x4a, 0xac, 0x97, 0xdb, 0x63, 0x46,
                    0x28, 0x50, 0xf3
                ][..]
            )
        );
        assert_eq!(
            file.lookup(&PskId::UserFqdn("ralf@spenneberg.net".into())),
            Some(&b"kfaizeafasdf"[..])
        );
        assert_eq!(
            file.lookup(&PskId::Fqdn("www.spenneberg.net".into())),
            Some(&b"This PSK identifies a fully qualified domain name"[..])
        );
        assert_eq!(file.lookup(&addr(192, 168, 2, 6)), None);
        assert_eq!(
            file.lookup(&PskId::Fqdn("WWW.spenneberg.net".into())),
            None,
            "case sensitive"
        );
    }

    #[test]
    fn identifiers_are_compared_as_strings() {
        let file = ok("192.168.002.005 padded\nralf@spenneberg.net by-name\n");
        assert_eq!(
            file.lookup(&addr(192, 168, 2, 5)),
            None,
            "getnameinfo prints 192.168.2.5"
        );
        // racoon's getpskbyname does not look at the ID type.
        assert_eq!(
            file.lookup(&PskId::Fqdn("ralf@spenneberg.net".into())),
            Some(&b"by-name"[..])
        );
    }

    #[test]
    fn first_match_and_wildcard() {
        let file = ok("10.0.0.1 first\n10.0.0.1 second\n* anyone\n10.0.0.2 late\n");
        assert_eq!(file.lookup(&addr(10, 0, 0, 1)), Some(&b"first"[..]));
        assert_eq!(file.lookup(&addr(10, 0, 0, 3)), Some(&b"anyone"[..]));
        assert_eq!(
            file.lookup(&addr(10, 0, 0, 2)),
            Some(&b"anyone"[..]),
            "`*` comes first"
        );
        let w = &file.warnings;
        assert_eq!(w.len(), 1);
        assert_eq!((w[0].line, w[0].column), (2, 1));
        assert!(w[0].message.contains("already has a secret on line 1"));
    }

    #[test]
    fn comments_only_in_the_first_column() {
        let file = ok("# comment\n10.0.0.1 pass # not a comment\n\n   \n");
        assert_eq!(
            file.lookup(&addr(10, 0, 0, 1)),
            Some(&b"pass # not a comment"[..])
        );
        assert!(file.warnings.is_empty());
        let file = ok("  # indented\n");
        assert!(file.entries.is_empty());
        assert_eq!((file.warnings[0].line, file.warnings[0].column), (1, 1));
        assert!(file.warnings[0].message.contains("starts with white space"));
    }

    #[test]
    fn trailing_white_space_is_kept_as_racoon_does() {
        let file = ok("10.0.0.1\tsecret  \r\n10.0.0.2 0x0a0b \r\n");
        assert_eq!(file.lookup(&addr(10, 0, 0, 1)), Some(&b"secret  \r"[..]));
        assert_eq!(file.lookup(&addr(10, 0, 0, 2)), Some(&[0x0a, 0x0b][..]));
        let w = &file.warnings;
        assert_eq!(w.len(), 1, "{w:?}");
        assert_eq!((w[0].line, w[0].column), (1, 16));
        assert!(w[0].message.contains("ends with 3 white space"));
    }

    #[test]
    fn identifier_without_secret_is_skipped_with_a_warning() {
        let file = ok("10.0.0.1\n10.0.0.2   \n");
        assert!(file.entries.is_empty());
        assert_eq!(file.warnings.len(), 2);
        assert_eq!((file.warnings[1].line, file.warnings[1].column), (2, 1));
        assert!(file.warnings[0].message.contains("has no secret"));
    }

    #[test]
    fn hex_secrets_follow_str2val() {
        let file = ok("a 0xA0b1\nb 0x 01 02\nc 0Xff\nd 0x\u{b}ff\n");
        assert_eq!(
            file.lookup(&PskId::Fqdn("a".into())),
            Some(&[0xa0, 0xb1][..])
        );
        assert_eq!(file.lookup(&PskId::Fqdn("b".into())), Some(&[1, 2][..]));
        assert_eq!(
            file.lookup(&PskId::Fqdn("c".into())),
            Some(&b"0Xff"[..]),
            "only 0x is hex"
        );
        assert_eq!(file.lookup(&PskId::Fqdn("d".into())), Some(&[0xff][..]));
    }

    #[test]
    fn bad_hex_secrets_are_errors() {
        let e = parse("# keys\n10.0.0.1  0xabc\n").unwrap_err();
        assert_eq!((e.line, e.column), (2, 11));
        assert!(
            e.message
                .contains("even, non-zero number of hex digits, found 3")
        );
        let e = parse("10.0.0.1 0x").unwrap_err();
        assert_eq!((e.line, e.column), (1, 10));
        let e = parse("10.0.0.1 0xfg").unwrap_err();
        assert_eq!((e.line, e.column), (1, 13));
        assert!(e.message.contains("unexpected `g`"));
        let e = parse("é 0xzz").unwrap_err();
        assert_eq!((e.line, e.column), (1, 5), "columns count characters");
    }

    #[test]
    fn last_line_without_newline() {
        let file = ok("10.0.0.1 last");
        assert_eq!(file.lookup(&addr(10, 0, 0, 1)), Some(&b"last"[..]));
        assert_eq!(ok(""), PskFile::default());
    }

    mod robustness {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            #[test]
            fn arbitrary_text_never_panics(text in "\\PC{0,200}") {
                let _ = parse(&text);
            }

            #[test]
            fn psk_like_text_never_panics(text in "[0-9a-fx# \t\r\n.@*]{0,120}") {
                if let Ok(file) = parse(&text) {
                    for e in &file.entries {
                        prop_assert!(!e.identifier.is_empty());
                    }
                }
            }

            #[test]
            fn cuts_of_the_article_never_panic(cut in 0usize..=ARTICLE.len()) {
                let end = (0..=cut).rev().find(|i| ARTICLE.is_char_boundary(*i)).unwrap_or(0);
                let _ = parse(&ARTICLE[..end]);
            }
        }
    }
}
