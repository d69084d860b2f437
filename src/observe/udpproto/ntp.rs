//! print-ntp.c ntp_print (RFC 5905) without `-v`: version, mode and length.
#![forbid(unsafe_code)]

use std::fmt::Write as _;

use crate::observe::tcpdump::{Cap, Res};

/// print-ntp.c ntp_mode_values (RFC 5905 section 7.3, the 3-bit mode).
const MODES: [&str; 8] = [
    "unspecified",
    "symmetric active",
    "symmetric passive",
    "Client",
    "Server",
    "Broadcast",
    "Control Message",
    "Reserved",
];

/// print-ntp.c ntp_print: `NTPvV, MODE, length N` from the first byte
/// (LI 2 bits, VN 3 bits, Mode 3 bits).
pub(super) fn print(out: &mut String, p: Cap, len: usize) -> Res {
    let status = p.u8(0)?;
    let version = (status & 0x38) >> 3;
    let _ = write!(out, "NTPv{version}");
    let mode = MODES[usize::from(status & 0x07)];
    let _ = write!(out, ", {mode}, length {len}");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(p: &[u8]) -> (String, bool) {
        crate::observe::printed::printed(print, p)
    }

    // Expected strings are what tcpdump 4.99.3 printed after the ports.
    #[test]
    fn version_and_mode_from_the_first_byte() {
        assert_eq!(
            text(&[0, 0, 0, 2, 0x25]),
            ("NTPv0, unspecified, length 5".into(), false)
        );
        assert_eq!(
            text(&[0x34, 0x53]),
            ("NTPv6, Server, length 2".into(), false)
        );
        assert_eq!(
            text(&[0x23; 48]),
            ("NTPv4, Client, length 48".into(), false)
        );
        assert_eq!(text(&[]), (String::new(), true));
    }
}
