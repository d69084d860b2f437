//! print-beep.c beep_print (RFC 3080, TCP 10288) as `tcpdump -n` prints
//! it: ` BEEP` and the frame keyword the segment starts with, or
//! ` BEEP (payload or undecoded)`. Nothing is ever truncated.
#![forbid(unsafe_code)]

/// beep_print's tests in order: the four bytes `strncmp` compares (the
/// literal and its NUL, so "MSG" and "END" match only when a NUL
/// follows) and what is printed.
const KEYWORDS: [(&[u8; 4], &str); 7] = [
    (b"MSG\0", " BEEP MSG"),
    (b"RPY ", " BEEP RPY"),
    (b"ERR ", " BEEP ERR"),
    (b"ANS ", " BEEP ANS"),
    (b"NUL ", " BEEP NUL"),
    (b"SEQ ", " BEEP SEQ"),
    (b"END\0", " BEEP END"),
];

/// print-beep.c l_strnstart: the first four captured bytes of a segment
/// of at least four bytes equal `keyword` up to its first NUL.
fn starts_with(p: &[u8], len: usize, keyword: &[u8; 4]) -> bool {
    let Some(head) = p.get(..4) else {
        return false;
    };
    if len < 4 {
        return false;
    }
    for (&k, &c) in keyword.iter().zip(head) {
        if k != c {
            return false;
        }
        if k == 0 {
            break;
        }
    }
    true
}

/// print-beep.c beep_print: `len` is the TCP payload length, `p` the
/// captured payload.
pub(super) fn print(p: &[u8], len: usize) -> String {
    KEYWORDS
        .iter()
        .find(|(keyword, _)| starts_with(p, len, keyword))
        .map_or(" BEEP (payload or undecoded)", |(_, text)| text)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(p: &[u8]) -> String {
        print(p, p.len())
    }

    // Expected strings are what tcpdump 4.99.3 printed after `length N`
    // for a TCP segment to port 10288 with the same payload.
    #[test]
    fn frame_keywords_as_tcpdump_compares_them() {
        assert_eq!(text(b"RPY 1 2 . 3 4\r\n"), " BEEP RPY");
        assert_eq!(text(b"SEQ "), " BEEP SEQ");
        assert_eq!(text(b"MSG\0x"), " BEEP MSG");
        assert_eq!(text(b"MSG 0 1 . 0 0\r\n"), " BEEP (payload or undecoded)");
        assert_eq!(text(b"END\r\n"), " BEEP (payload or undecoded)");
        assert_eq!(text(b"END\0"), " BEEP END");
        assert_eq!(text(b"RPY"), " BEEP (payload or undecoded)");
        assert_eq!(
            text(&[0x9c, 0xbb, 0xda, 0xf9]),
            " BEEP (payload or undecoded)"
        );
    }
}
