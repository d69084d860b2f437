//! print-syslog.c syslog_print (RFC 3164, RFC 5424) without `-v`.
#![forbid(unsafe_code)]

use std::fmt::Write as _;

use crate::observe::tcpdump::{Cap, Res};

/// print-syslog.c SYSLOG_MAX_DIGITS: the PRI has at most three digits.
const MAX_DIGITS: usize = 3;

/// print-syslog.c syslog_severity_values.
const SEVERITIES: [&str; 8] = [
    "emergency",
    "alert",
    "critical",
    "error",
    "warning",
    "notice",
    "info",
    "debug",
];

/// print-syslog.c syslog_facility_values.
const FACILITIES: [&str; 24] = [
    "kernel", "user", "mail", "daemon", "auth", "syslog", "lpr", "news", "uucp", "cron",
    "authpriv", "ftp", "ntp", "security", "console", "cron", "local0", "local1", "local2",
    "local3", "local4", "local5", "local6", "local7",
];

/// print-syslog.c syslog_print: `SYSLOG FACILITY.SEVERITY, length: N` for
/// a message starting `<PRI>`, ` (invalid)` for anything else.
pub(super) fn print(out: &mut String, p: Cap, len: usize) -> Res {
    if p.u8(0)? != b'<' {
        out.push_str(" (invalid)");
        return Ok(());
    }
    let mut at = 1;
    let mut pri: u16 = 0;
    while at <= MAX_DIGITS {
        let c = p.u8(at)?;
        if !c.is_ascii_digit() {
            break;
        }
        pri = pri * 10 + u16::from(c - b'0');
        at += 1;
    }
    if p.u8(at)? != b'>' {
        out.push_str(" (invalid)");
        return Ok(());
    }
    let (facility, severity) = ((pri & 0x03f8) >> 3, pri & 0x0007);
    out.push_str("SYSLOG ");
    match FACILITIES.get(usize::from(facility)) {
        Some(name) => out.push_str(name),
        None => {
            let _ = write!(out, "unknown ({facility})");
        }
    }
    let severity = SEVERITIES[usize::from(severity)];
    let _ = write!(out, ".{severity}, length: {len}");
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
    fn pri_names_facility_and_severity() {
        assert_eq!(text(&[0, 0, 0, 1, 0x04]), (" (invalid)".into(), false));
        assert_eq!(
            text(b"<34>Oct 11 22:14:15 su"),
            ("SYSLOG auth.critical, length: 22".into(), false)
        );
        assert_eq!(
            text(b"<999>x"),
            ("SYSLOG unknown (124).debug, length: 6".into(), false)
        );
        assert_eq!(text(b"<12"), (String::new(), true));
        assert_eq!(text(b"<1234>"), (" (invalid)".into(), false));
    }
}
