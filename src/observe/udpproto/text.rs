//! util-print.c's text helpers and netdissect.h's token tables, as the
//! UDP printers use them.
#![forbid(unsafe_code)]

use std::fmt::Write as _;

use super::super::tcpdump::{Cap, Res};

/// util-print.c fn_print_char: a byte as tcpdump shows it in text,
/// `M-` for the high bit and `^` for control characters.
pub(in crate::observe) fn print_char(out: &mut String, c: u8) {
    let mut c = c;
    if !c.is_ascii() {
        c &= 0x7f;
        out.push_str("M-");
    }
    if !(0x20..0x7f).contains(&c) {
        c ^= 0x40;
        out.push('^');
    }
    out.push(char::from(c));
}

/// util-print.c nd_printztn: the NUL-terminated string at `p` within `n`
/// bytes; the bytes it took with its NUL, or 0 when no NUL came first.
pub(super) fn print_zt(out: &mut String, p: Cap, n: usize) -> Res<usize> {
    for i in 0..n.min(p.len()) {
        match p.u8(i)? {
            0 => return Ok(i + 1),
            c => print_char(out, c),
        }
    }
    Ok(0)
}

/// util-print.c nd_printn: `n` bytes as text; `true` when they were not
/// all captured.
pub(super) fn print_n(out: &mut String, p: Cap, n: usize) -> bool {
    for i in 0..n {
        match p.u8(i) {
            Ok(c) => print_char(out, c),
            Err(_) => return true,
        }
    }
    false
}

/// netdissect.h tok2str: the name of `value` in `table`, or `None`.
pub(super) fn tok(table: &[(u32, &'static str)], value: u32) -> Option<&'static str> {
    table.iter().find(|(v, _)| *v == value).map(|(_, s)| *s)
}

/// util-print.c bittok2str (`sep` ", ") and bittok2str_nosep (""): the
/// names of the bits of `value` in `table`; `None` when none matched.
pub(super) fn bittok(table: &[(u32, &'static str)], value: u32, sep: &str) -> Option<String> {
    let names: Vec<&str> = table
        .iter()
        .filter(|(bits, _)| *bits != 0 && value & bits == *bits)
        .map(|(_, name)| *name)
        .collect();
    (!names.is_empty()).then(|| names.join(sep))
}

/// print-ascii.c hex_print_with_offset (offset 0) on captured bytes: a line
/// `IDENT0x%04x: ` per 16 bytes, then ` %02x%02x` per pair and ` %02x`
/// for an odd last byte.
pub(in super::super) fn hex_print(out: &mut String, ident: &str, bytes: &[u8]) {
    for (i, line) in bytes.chunks(16).enumerate() {
        let _ = write!(out, "{ident}0x{:04x}: ", i * 16);
        for pair in line.chunks(2) {
            match pair {
                [a, b] => {
                    let _ = write!(out, " {a:02x}{b:02x}");
                }
                [a] => {
                    let _ = write!(out, " {a:02x}");
                }
                _ => {}
            }
        }
    }
}

/// print-ascii.c hex_and_ascii_print (offset 0) on captured bytes: per 16
/// bytes a line `IDENT0x%04x: `, the hex of the pairs padded to 40
/// columns, two blanks and the bytes as ASCII (`.` unless graphic).
pub(in super::super) fn hex_and_ascii_print(out: &mut String, ident: &str, bytes: &[u8]) {
    for (i, line) in bytes.chunks(16).enumerate() {
        let mut hex = String::new();
        hex_print(&mut hex, "", line);
        let hex = hex.strip_prefix("0x0000: ").unwrap_or(&hex);
        let ascii: String = line
            .iter()
            .map(|&c| {
                if c > 0x20 && c <= 0x7e {
                    char::from(c)
                } else {
                    '.'
                }
            })
            .collect();
        let _ = write!(out, "{ident}0x{:04x}: {hex:<40}  {ascii}", i * 16);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_escapes_like_fn_print_char() {
        let mut s = String::new();
        for c in [b'a', 0x01, 0x7f, 0xe1, 0x9b] {
            print_char(&mut s, c);
        }
        assert_eq!(s, "a^A^?M-aM-^[");
    }

    // Expected strings are what tcpdump 4.99.3 printed for RIPv0.
    #[test]
    fn hex_lines_of_sixteen_bytes() {
        let mut s = String::new();
        hex_print(&mut s, "\n\t", &[]);
        assert_eq!(s, "");
        let bytes: Vec<u8> = (0..19).collect();
        hex_print(&mut s, "\n\t", &bytes);
        assert_eq!(
            s,
            "\n\t0x0000:  0001 0203 0405 0607 0809 0a0b 0c0d 0e0f\n\t0x0010:  1011 12"
        );
    }
}
