//! print-zep.c zep_print (ZigBee Encapsulation Protocol, UDP 17754) as
//! `tcpdump -n` prints it without `-v`, for datagrams without the "EX"
//! preamble. ZEP v1 and v2 headers, and the 802.15.4 frames tcpdump
//! decodes after them, are not reproduced: [`reproduced`] tells `ports`
//! which datagrams to warn about.
#![forbid(unsafe_code)]

use super::text::print_char;
use crate::observe::tcpdump::{Cap, Res};

/// print-zep.c: the Preamble Code, "must be EX".
const PREAMBLE: &[u8; 2] = b"EX";

/// Whether [`print`] prints what tcpdump prints for `payload`: all but
/// datagrams starting with the preamble.
pub(super) fn reproduced(payload: &[u8]) -> bool {
    !payload.starts_with(PREAMBLE)
}

/// print-zep.c zep_print: `ZEP`, then for a wrong preamble its two bytes
/// (fn_print_char) in ` [Preamble Code: ..]` and ` (invalid)`; each byte
/// read past the capture ends in ` [|zep]`.
pub(super) fn print(out: &mut String, p: Cap) -> Res {
    out.push_str("ZEP");
    // `GET_U_1(bp) != 'E' || GET_U_1(bp + 1) != 'X'` reads byte 1 only
    // after an 'E'; `ports` warns about (and never prints) the datagrams
    // that pass.
    if p.u8(0)? == PREAMBLE[0] && p.u8(1)? == PREAMBLE[1] {
        return Ok(());
    }
    out.push_str(" [Preamble Code: ");
    print_char(out, p.u8(0)?);
    print_char(out, p.u8(1)?);
    out.push_str("] (invalid)");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::flow_datagram;
    use super::*;

    fn text(p: &[u8]) -> (String, bool) {
        crate::observe::printed::printed_short(print, p)
    }

    // Expected strings are what tcpdump 4.99.3 printed after the ports.
    #[test]
    fn flow_datagrams_have_no_preamble() {
        assert_eq!(
            text(&flow_datagram(0, 0, 48)),
            ("ZEP [Preamble Code: ^@^@] (invalid)".into(), false)
        );
        assert_eq!(
            text(&flow_datagram(0, 5, 3)),
            ("ZEP [Preamble Code: #B] (invalid)".into(), false)
        );
        assert_eq!(
            text(&flow_datagram(0, 3, 1)),
            ("ZEP [Preamble Code: ^U".into(), true)
        );
        assert_eq!(text(&[]), ("ZEP".into(), true));
        assert_eq!(text(b"E"), ("ZEP".into(), true));
        assert!(!reproduced(b"EX\x02"));
    }
}
