//! print-telnet.c telnet_print (RFC 854, RFC 855) as `tcpdump -n` prints
//! it without `-X`: the commands a segment starts with, in brackets after
//! `length N`. A segment that does not start with IAC prints nothing.
#![forbid(unsafe_code)]

use super::tcpdump::{Cap, Res};

/// RFC 854 command codes.
const IAC: u8 = 255;
const DONT: u8 = 254;
const DO: u8 = 253;
const WONT: u8 = 252;
const WILL: u8 = 251;
const SB: u8 = 250;
const SE: u8 = 240;
/// print-telnet.c TELCMD_FIRST (xEOF).
const TELCMD_FIRST: u8 = 236;

/// print-telnet.c telcmds, from xEOF (236) to IAC (255).
const COMMANDS: [&str; 20] = [
    "EOF", "SUSP", "ABORT", "EOR", "SE", "NOP", "DMARK", "BRK", "IP", "AO", "AYT", "EC", "EL",
    "GA", "SB", "WILL", "WONT", "DO", "DONT", "IAC",
];

/// print-telnet.c telopts (NTELOPTS = 40).
const OPTIONS: [&str; 40] = [
    "BINARY",
    "ECHO",
    "RCP",
    "SUPPRESS GO AHEAD",
    "NAME",
    "STATUS",
    "TIMING MARK",
    "RCTE",
    "NAOL",
    "NAOP",
    "NAOCRD",
    "NAOHTS",
    "NAOHTD",
    "NAOFFD",
    "NAOVTS",
    "NAOVTD",
    "NAOLFD",
    "EXTEND ASCII",
    "LOGOUT",
    "BYTE MACRO",
    "DATA ENTRY TERMINAL",
    "SUPDUP",
    "SUPDUP OUTPUT",
    "SEND LOCATION",
    "TERMINAL TYPE",
    "END OF RECORD",
    "TACACS UID",
    "OUTPUT MARKING",
    "TTYLOC",
    "3270 REGIME",
    "X.3 PAD",
    "NAWS",
    "TSPEED",
    "LFLOW",
    "LINEMODE",
    "XDISPLOC",
    "OLD-ENVIRON",
    "AUTHENTICATION",
    "ENCRYPT",
    "NEW-ENVIRON",
];

/// RFC 2941 AUTHENTICATION and RFC 2946 ENCRYPT options, whose
/// subnegotiation names its first two bytes.
const TELOPT_AUTHENTICATION: u8 = 37;
const TELOPT_ENCRYPT: u8 = 38;

/// print-telnet.c cmds, authcmd, authtype, enccmd and enctype (`None`
/// where tcpdump's table has NULL).
const SUB_COMMANDS: &[Option<&str>] = &[Some("IS"), Some("SEND"), Some("INFO")];
const AUTH_COMMANDS: &[Option<&str>] = &[Some("IS"), Some("SEND"), Some("REPLY"), Some("NAME")];
const AUTH_TYPES: &[Option<&str>] = &[
    Some("NULL"),
    Some("KERBEROS_V4"),
    Some("KERBEROS_V5"),
    Some("SPX"),
    Some("MINK"),
    Some("SRP"),
    Some("RSA"),
    Some("SSL"),
    None,
    None,
    Some("LOKI"),
    Some("SSA"),
    Some("KEA_SJ"),
    Some("KEA_SJ_INTEG"),
    Some("DSS"),
    Some("NTLM"),
];
const ENC_COMMANDS: &[Option<&str>] = &[
    Some("IS"),
    Some("SUPPORT"),
    Some("REPLY"),
    Some("START"),
    Some("END"),
    Some("REQUEST-START"),
    Some("REQUEST-END"),
    Some("END_KEYID"),
    Some("DEC_KEYID"),
];
const ENC_TYPES: &[Option<&str>] = &[
    Some("NULL"),
    Some("DES_CFB64"),
    Some("DES_OFB64"),
    Some("DES3_CFB64"),
    Some("DES3_OFB64"),
    None,
    Some("CAST5_40_CFB64"),
    Some("CAST5_40_OFB64"),
    Some("CAST128_CFB64"),
    Some("CAST128_OFB64"),
];

/// C's `%#x`: `0` for zero, `0x..` otherwise.
fn alt_hex(x: u8) -> String {
    if x == 0 {
        "0".to_string()
    } else {
        format!("{x:#x}")
    }
}

/// print-telnet.c STR_OR_ID.
fn str_or_id(x: u8, table: &[Option<&str>]) -> String {
    match table.get(usize::from(x)) {
        Some(Some(name)) => (*name).to_string(),
        _ => alt_hex(x),
    }
}

/// print-telnet.c telnet_print: ` [telnet CMD, CMD]` for the commands the
/// segment's payload `p` (of length `length`) starts with.
pub(super) fn print(out: &mut String, p: Cap, length: usize) -> Res {
    // u_int arithmetic: a subnegotiation without SE may step past the end.
    let mut length = u32::try_from(length).unwrap_or(u32::MAX);
    let mut sp = 0usize;
    let mut first = true;
    while length > 0 && p.u8(sp)? == IAC {
        let Some(l) = Command::new(p, sp, length).parse(None)? else {
            break;
        };
        out.push_str(if first { " [telnet " } else { ", " });
        Command::new(p, sp, length).parse(Some(out))?;
        first = false;
        sp += l;
        length = length.wrapping_sub(u32::try_from(l).unwrap_or(u32::MAX));
    }
    if !first {
        out.push(']');
    }
    Ok(())
}

/// print-telnet.c telnet_parse: one command at `sp` with `length` bytes
/// left, read with its FETCH macro.
struct Command<'a> {
    p: Cap<'a>,
    sp: usize,
    length: u32,
}

impl<'a> Command<'a> {
    fn new(p: Cap<'a>, sp: usize, length: u32) -> Self {
        Self { p, sp, length }
    }

    /// FETCH: the next byte; `None` at the end of the segment (pktend).
    fn fetch(&mut self) -> Res<Option<u8>> {
        if self.length < 1 {
            return Ok(None);
        }
        let c = self.p.u8(self.sp)?;
        self.sp += 1;
        self.length -= 1;
        Ok(Some(c))
    }

    /// The command's length, printing it into `out` if given; `None`
    /// where telnet_parse returns -1.
    fn parse(mut self, mut out: Option<&mut String>) -> Res<Option<usize>> {
        let osp = self.sp;
        let mut say = |s: &str| {
            if let Some(out) = out.as_deref_mut() {
                out.push_str(s);
            }
        };
        if self.fetch()? != Some(IAC) {
            return Ok(None);
        }
        let Some(c) = self.fetch()? else {
            return Ok(None);
        };
        if c == IAC {
            say("IAC IAC");
            return Ok(Some(self.sp - osp));
        }
        if c < TELCMD_FIRST {
            return Ok(None);
        }
        let command = COMMANDS[usize::from(c - TELCMD_FIRST)];
        if !matches!(c, DONT | DO | WONT | WILL | SB) {
            say(command);
            return Ok(Some(self.sp - osp));
        }
        let Some(x) = self.fetch()? else {
            return Ok(None);
        };
        match OPTIONS.get(usize::from(x)) {
            Some(option) => say(&format!("{command} {option}")),
            None => say(&format!("{command} {}", alt_hex(x))),
        }
        if c != SB {
            return Ok(Some(self.sp - osp));
        }
        let done = self.subnegotiation(x, &mut say)?;
        Ok(done.then(|| self.sp - osp))
    }

    /// `IAC SB x ... IAC SE` after the option byte: the qualifier names,
    /// the other bytes in hex, ` SE`. `false` where telnet_parse returns
    /// -1.
    fn subnegotiation(&mut self, x: u8, say: &mut impl FnMut(&str)) -> Res<bool> {
        let mut p = self.sp;
        while usize::try_from(self.length).unwrap_or(usize::MAX) > p + 1 - self.sp {
            if self.p.u8(p)? == IAC && self.p.u8(p + 1)? == SE {
                break;
            }
            p += 1;
        }
        if self.p.u8(p)? != IAC {
            return Ok(false);
        }
        let names: &[&[Option<&str>]] = match x {
            TELOPT_AUTHENTICATION => &[AUTH_COMMANDS, AUTH_TYPES],
            TELOPT_ENCRYPT => &[ENC_COMMANDS, ENC_TYPES],
            _ => &[SUB_COMMANDS],
        };
        for table in names {
            if p <= self.sp {
                break;
            }
            let Some(c) = self.fetch()? else {
                return Ok(false);
            };
            say(&format!(" {}", str_or_id(c, table)));
        }
        while p > self.sp {
            let Some(b) = self.fetch()? else {
                return Ok(false);
            };
            say(&format!(" {}", alt_hex(b)));
        }
        say(" SE");
        self.sp += 2;
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(p: &[u8]) -> String {
        crate::observe::printed::printed_marked(print, p, "telnet")
    }

    // Expected strings are what tcpdump 4.99.3 printed after `length N`.

    #[test]
    fn negotiation_commands() {
        assert_eq!(text(&[0x9c, 0xff, 0xfb, 1]), "");
        assert_eq!(
            text(&[0xff, 0xfb, 1, 0xff, 0xfd, 3, b'x']),
            " [telnet WILL ECHO, DO SUPPRESS GO AHEAD]"
        );
        assert_eq!(text(&[0xff, 0xff, 0xff, 0xf1]), " [telnet IAC IAC, NOP]");
        assert_eq!(text(&[0xff, 0xfc, 200]), " [telnet WONT 0xc8]");
        assert_eq!(text(&[0xff, 0xfb]), "");
        assert_eq!(text(&[0xff, 0x41]), "");
    }

    #[test]
    fn subnegotiations() {
        assert_eq!(
            text(&[0xff, 0xfa, 24, 0, b'V', b'T', 0xff, 0xf0]),
            " [telnet SB TERMINAL TYPE IS 0x56 0x54 SE]"
        );
        assert_eq!(
            text(&[0xff, 0xfa, 37, 2, 8, 0, 0xff, 0xf0]),
            " [telnet SB AUTHENTICATION REPLY 0x8 0 SE]"
        );
        assert_eq!(
            text(&[0xff, 0xfa, 38, 1, 5, 0xff, 0xf0, 0xff, 0xf9]),
            " [telnet SB ENCRYPT SUPPORT 0x5 SE, GA]"
        );
        // No IAC SE: the last byte is IAC, so tcpdump steps past the end.
        assert_eq!(
            text(&[0xff, 0xfa, 1, 7, 0xff]),
            " [telnet SB ECHO 0x7 SE [|telnet]"
        );
        assert_eq!(text(&[0xff, 0xfa, 1, 7, 8]), "");
    }
}
