//! print-resp.c resp_print (the REdis Serialization Protocol on TCP 6379)
//! as `tcpdump -n` prints it: `: RESP`, then each item's text in quotes
//! (`empty`, `null`, ... for the special lengths), until the segment's
//! length is used up; every error ends the packet with ` [|resp]`.
//!
//! Arrays print nothing of their own: resp_print_bulk_array parses its
//! elements one after another from where its header ends, with the same
//! remaining length, so an array only adds to the number of items that
//! must follow. [`print`] keeps that count instead of recursing, which
//! keeps deeply nested arrays off the stack.
#![forbid(unsafe_code)]

use super::tcpdump::{Cap, Res, Truncated};
use super::udpproto::print_char;

/// What resp_get_length returns besides a length.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Length {
    /// `-1`: null.
    Null,
    /// `-3`: more than INT_MAX.
    TooLarge,
    /// `-4`: negative and not -1.
    Negative,
    /// `-5`: no digit, or no CRLF after the digits.
    Invalid,
    Value(u32),
}

/// The segment being parsed: tcpdump's `bp`, the captured bytes up to
/// `ndo_snapend`, and `length`, what is left of the TCP payload length.
struct Cursor<'a> {
    cap: Cap<'a>,
    at: usize,
    left: usize,
}

impl Cursor<'_> {
    /// `GET_U_1(bp + off)`: a byte past the capture `longjmp`s.
    fn byte(&self, off: usize) -> Res<u8> {
        self.cap.u8(self.at + off)
    }

    fn skip(&mut self, n: usize) {
        self.at += n;
        self.left = self.left.saturating_sub(n);
    }

    /// FIND_CRLF: the offset of the next `\r\n` within the length.
    fn find_crlf(&self, from: usize) -> Res<usize> {
        let mut off = from;
        loop {
            // LCHECK2(_len, 2); ND_TCHECK_2(_ptr)
            if self.left < off + 2 {
                return Err(Truncated);
            }
            if self.byte(off)? == b'\r' && self.byte(off + 1)? == b'\n' {
                return Ok(off);
            }
            off += 1;
        }
    }

    /// CONSUME_CR_OR_LF from `off`: the offset after any `\r` and `\n`;
    /// the data must not end before one was seen.
    fn past_cr_or_lf(&self, from: usize) -> Res<usize> {
        let mut off = from;
        loop {
            let end = self.left == off || !self.cap.has(self.at + off, 1);
            if end {
                return if off > from { Ok(off) } else { Err(Truncated) };
            }
            if !matches!(self.byte(off)?, b'\r' | b'\n') {
                return Ok(off);
            }
            off += 1;
        }
    }

    /// FIND_CR_OR_LF from `off`.
    fn find_cr_or_lf(&self, from: usize) -> Res<usize> {
        let mut off = from;
        loop {
            if self.left <= off {
                return Err(Truncated);
            }
            if matches!(self.byte(off)?, b'\r' | b'\n') {
                return Ok(off);
            }
            off += 1;
        }
    }

    /// RESP_PRINT_SEGMENT: `n` bytes from `off` as text in quotes.
    fn print_segment(&self, out: &mut String, off: usize, n: usize) -> Res {
        out.push_str(" \"");
        for i in off..off + n {
            // nd_printn stops at ndo_snapend and the macro `goto trunc`s.
            print_char(out, self.byte(i)?);
        }
        out.push('"');
        Ok(())
    }

    /// resp_get_length, then GET_LENGTH's advance to where it stopped.
    fn length(&mut self) -> Res<Length> {
        let (consumed, length) = self.read_length()?;
        self.skip(consumed);
        Ok(length)
    }

    /// resp_get_length: the bytes it took and what it found; `Err` for
    /// its `-2` (truncated).
    fn read_length(&self) -> Res<(usize, Length)> {
        if self.left == 0 {
            return Err(Truncated);
        }
        let neg = self.byte(0)? == b'-';
        let mut off = usize::from(neg);
        let (mut result, mut too_large, mut saw_digit) = (0u32, false, false);
        loop {
            if self.left == off {
                return Err(Truncated);
            }
            let c = self.byte(off)?;
            if !c.is_ascii_digit() {
                if !saw_digit {
                    return Ok((off + 1, Length::Invalid));
                }
                break;
            }
            match result.checked_mul(10).map(|r| r + u32::from(c - b'0')) {
                Some(r) if r <= i32::MAX as u32 => result = r,
                _ => too_large = true,
            }
            off += 1;
            saw_digit = true;
        }
        if self.byte(off)? != b'\r' {
            return Ok((off + 1, Length::Invalid));
        }
        off += 1;
        if self.left == off {
            return Err(Truncated);
        }
        if self.byte(off)? != b'\n' {
            return Ok((off + 1, Length::Invalid));
        }
        off += 1;
        let length = match (neg, too_large) {
            (true, false) if result == 1 => Length::Null,
            (true, _) => Length::Negative,
            (false, true) => Length::TooLarge,
            (false, false) => Length::Value(result),
        };
        Ok((off, length))
    }
}

/// print-resp.c resp_print: what tcpdump prints after `length N` for a
/// segment payload `p` of TCP length `len`.
pub(super) fn print(out: &mut String, p: Cap, len: usize) -> Res {
    out.push_str(": RESP");
    let mut c = Cursor {
        cap: p,
        at: 0,
        left: len,
    };
    // Items still owed to the arrays whose headers were parsed.
    let mut owed: u64 = 0;
    while c.left > 0 || owed > 0 {
        // resp_parse: LCHECK2(length, 1)
        if c.left == 0 {
            return Err(Truncated);
        }
        owed = owed.saturating_sub(1) + parse_item(out, &mut c)?;
    }
    Ok(())
}

/// resp_parse for one item, dispatched on its first byte; the elements an
/// array header announces.
fn parse_item(out: &mut String, c: &mut Cursor) -> Res<u64> {
    match c.byte(0)? {
        b'+' | b'-' | b':' => string_error_integer(out, c)?,
        b'$' => bulk_string(out, c)?,
        b'*' => return bulk_array(out, c),
        _ => inline(out, c)?,
    }
    Ok(0)
}

/// resp_print_string_error_integer: `+OK\r\n`, `-ERR ...\r\n`, `:12\r\n`.
fn string_error_integer(out: &mut String, c: &mut Cursor) -> Res {
    let crlf = c.find_crlf(1)?;
    c.print_segment(out, 1, crlf - 1)?;
    c.skip(crlf + 2);
    Ok(())
}

/// resp_print_bulk_string: `$<length>\r\n<bytes>` and the next CRLF.
fn bulk_string(out: &mut String, c: &mut Cursor) -> Res {
    c.skip(1);
    match c.length()? {
        Length::Value(0) => out.push_str(" empty"),
        Length::Value(n) => {
            let n = n as usize;
            // LCHECK2(length_cur, string_len); ND_TCHECK_LEN(bp, string_len)
            if c.left < n || !c.cap.has(c.at, n) {
                return Err(Truncated);
            }
            c.print_segment(out, 0, n)?;
            c.skip(n);
        }
        special => {
            print_special(out, special);
            return Ok(());
        }
    }
    let crlf = c.find_crlf(0)?;
    c.skip(crlf + 2);
    Ok(())
}

/// resp_print_bulk_array: `*<count>\r\n`; the count of elements to parse.
fn bulk_array(out: &mut String, c: &mut Cursor) -> Res<u64> {
    c.skip(1);
    match c.length()? {
        Length::Value(0) => out.push_str(" empty"),
        Length::Value(n) => return Ok(u64::from(n)),
        special => print_special(out, special),
    }
    Ok(0)
}

/// The `switch (string_len)` of the bulk printers, for lengths below 0.
fn print_special(out: &mut String, length: Length) {
    out.push_str(match length {
        Length::Null => " null",
        Length::TooLarge => " length too large",
        Length::Negative => " length negative and not -1",
        Length::Invalid | Length::Value(_) => " invalid",
    });
}

/// resp_print_inline: a line ended by `\r`, `\n` or both, after any
/// leading ones.
fn inline(out: &mut String, c: &mut Cursor) -> Res {
    let start = c.past_cr_or_lf(0)?;
    let end = c.find_cr_or_lf(start)?;
    c.print_segment(out, start, end - start)?;
    let next = c.past_cr_or_lf(end)?;
    c.skip(next);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(p: &[u8]) -> String {
        crate::observe::printed::printed_marked(print, p, "resp")
    }

    /// Stream bytes of a TCP flow: `payload::fill` from offset 0.
    fn stream(key: u8, len: usize) -> Vec<u8> {
        (0..len)
            .map(|i| (i as u8).wrapping_mul(31).wrapping_add(key))
            .collect()
    }

    const LINE_OF_KEY_5: &str = r#" "^E$CbM-^AM- M-?M-^M-}^\;ZyM-^XM-7M-VM-u^T3RqM-^PM-/M-NM-m^L+JiM-^HM-'M-FM-e^D#BaM-^@M-^_M->M-]M-|^[:YxM-^WM-6M-UM-t^S2QpM-^OM-.M-MM-l^K*IhM-^GM-&M-EM-d^C"A`^?M-^^M-=M-\M-{^Z9XwM-^VM-5M-TM-s^R1PoM-^NM--M-LM-k""#;

    // Expected strings are what tcpdump 4.99.3 printed after `length N`.
    #[test]
    fn flow_segments_print_inline_lines() {
        assert_eq!(text(&stream(0, 40)), ": RESP [|resp]");
        assert_eq!(text(&stream(5, 92)), format!(": RESP{LINE_OF_KEY_5}"));
        assert_eq!(
            text(&stream(5, 100)),
            format!(": RESP{LINE_OF_KEY_5} [|resp]")
        );
        assert_eq!(text(b"\r\n\r\n"), ": RESP [|resp]");
    }

    #[test]
    fn arrays_strings_and_special_lengths() {
        assert_eq!(
            text(b"*2\r\n$4\r\nINCR\r\n$1\r\nz\r\nPING\r\n"),
            r#": RESP "INCR" "z" "PING""#
        );
        assert_eq!(
            text(b"*3\r\n$-1\r\n$0\r\n\r\n*-1\r\n"),
            ": RESP null empty null"
        );
        assert_eq!(
            text(b"$-2\r\n$99999999999\r\n:12x\r\n$x"),
            r#": RESP length negative and not -1 length too large "12x" invalid"#
        );
        assert_eq!(text(b"*2\r\n+OK\r\n"), r#": RESP "OK" [|resp]"#);
    }

    #[test]
    fn a_short_capture_truncates_even_when_the_length_is_used_up() {
        let mut out = String::new();
        assert!(print(&mut out, Cap(b"+OK\r\n"), 9).is_err());
        assert_eq!(out, r#": RESP "OK""#);
    }
}
