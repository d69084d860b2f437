//! tcpdump 4.99's printers for line-oriented TCP protocols, as `tcpdump -n`
//! (no `-v`) prints them: util-print.c `txtproto_print` (FTP, SMTP, WHOIS,
//! HTTP, RTSP) and print-ssh.c `ssh_print_version`. Each takes the
//! captured TCP payload and its length, and returns the text tcpdump
//! appends after `length N`; `Err` carries what was printed before a
//! captured byte was missing (tcpdump's `longjmp`, then ` [|proto]`).
#![forbid(unsafe_code)]

use std::fmt::Write as _;

/// What was printed so far when a needed byte was not captured.
#[derive(Debug, PartialEq, Eq)]
pub struct Cut(pub String);

/// util-print.c MAX_TOKEN.
const MAX_TOKEN: usize = 128;

/// print-http.c httpcmds.
const HTTP_COMMANDS: &[&str] = &[
    "GET",
    "PUT",
    "COPY",
    "HEAD",
    "LOCK",
    "MOVE",
    "POLL",
    "POST",
    "BCOPY",
    "BMOVE",
    "MKCOL",
    "TRACE",
    "LABEL",
    "MERGE",
    "DELETE",
    "SEARCH",
    "UNLOCK",
    "REPORT",
    "UPDATE",
    "NOTIFY",
    "BDELETE",
    "CONNECT",
    "OPTIONS",
    "CHECKIN",
    "PROPFIND",
    "CHECKOUT",
    "CCM_POST",
    "SUBSCRIBE",
    "PROPPATCH",
    "BPROPFIND",
    "BPROPPATCH",
    "UNCHECKOUT",
    "MKACTIVITY",
    "MKWORKSPACE",
    "UNSUBSCRIBE",
    "RPC_CONNECT",
    "VERSION-CONTROL",
    "BASELINE-CONTROL",
];

/// print-rtsp.c rtspcmds.
const RTSP_COMMANDS: &[&str] = &[
    "DESCRIBE",
    "ANNOUNCE",
    "GET_PARAMETER",
    "OPTIONS",
    "PAUSE",
    "PLAY",
    "RECORD",
    "REDIRECT",
    "SETUP",
    "SET_PARAMETER",
    "TEARDOWN",
];

/// print-sip.c sipcmds.
const SIP_COMMANDS: &[&str] = &[
    "ACK",
    "BYE",
    "CANCEL",
    "DO",
    "INFO",
    "INVITE",
    "MESSAGE",
    "NOTIFY",
    "OPTIONS",
    "PRACK",
    "QAUTH",
    "REFER",
    "REGISTER",
    "SPRACK",
    "SUBSCRIBE",
    "UPDATE",
    "PUBLISH",
];

/// A line-oriented protocol: its `ndo_protocol` name and, for HTTP-like
/// ones, the request names that make a payload worth printing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TextProtocol {
    pub name: &'static str,
    commands: Option<&'static [&'static str]>,
}

pub const FTP: TextProtocol = TextProtocol {
    name: "ftp",
    commands: None,
};
pub const SMTP: TextProtocol = TextProtocol {
    name: "smtp",
    commands: None,
};
pub const WHOIS: TextProtocol = TextProtocol {
    name: "whois",
    commands: None,
};
pub const HTTP: TextProtocol = TextProtocol {
    name: "http",
    commands: Some(HTTP_COMMANDS),
};
pub const RTSP: TextProtocol = TextProtocol {
    name: "rtsp",
    commands: Some(RTSP_COMMANDS),
};
/// print-sip.c sip_print, on UDP 5060 (`super::udpproto`).
pub const SIP: TextProtocol = TextProtocol {
    name: "sip",
    commands: Some(SIP_COMMANDS),
};

fn is_print(c: u8) -> bool {
    (0x20..0x7f).contains(&c)
}

/// util-print.c fetch_token: the index after the token and the blanks
/// that follow it, and the token; `None` where tcpdump returns 0.
fn fetch_token(p: &[u8], mut idx: usize, len: usize) -> Result<Option<(usize, String)>, ()> {
    let mut token = String::new();
    while idx < len {
        let c = *p.get(idx).ok_or(())?;
        if !c.is_ascii() {
            return Ok(None);
        }
        if matches!(c, b' ' | b'\t' | b'\r' | b'\n') {
            break;
        }
        if !is_print(c) || token.len() + 2 > MAX_TOKEN + 1 {
            return Ok(None);
        }
        token.push(char::from(c));
        idx += 1;
    }
    if token.is_empty() {
        return Ok(None);
    }
    while idx < len {
        let Some(&c) = p.get(idx) else { break };
        if c == b'\r' || c == b'\n' || !is_print(c) || (c != b' ' && c != b'\t') {
            break;
        }
        idx += 1;
    }
    Ok(Some((idx, token)))
}

/// util-print.c print_txt_line with prefix `": "`, non-verbose: the first
/// line if it is printable text ending in LF or CR-LF; printable text up
/// to the end of the payload is printed followed by ` [|proto]`.
fn first_line(out: &mut String, name: &str, p: &[u8], len: usize) -> Result<(), Cut> {
    let line = |out: &mut String, end: usize| {
        out.push_str(": ");
        out.extend(p[..end].iter().map(|&b| char::from(b)));
    };
    let mut idx = 0;
    while idx < len {
        let Some(&c) = p.get(idx) else {
            return Err(Cut(std::mem::take(out)));
        };
        match c {
            b'\n' => {
                line(out, idx);
                return Ok(());
            }
            b'\r' => {
                if idx + 1 >= len {
                    return Ok(());
                }
                let Some(&next) = p.get(idx + 1) else {
                    return Err(Cut(std::mem::take(out)));
                };
                if next == b'\n' {
                    line(out, idx);
                }
                return Ok(());
            }
            c if !is_print(c) && c != b'\t' => return Ok(()),
            _ => idx += 1,
        }
    }
    line(out, idx);
    // nd_print_trunc: ` [|proto]`, and printing goes on.
    let _ = write!(out, " [|{name}]");
    Ok(())
}

/// util-print.c txtproto_print after print-tcp.c's `": "`: the protocol
/// name in capitals, then the first line when tcpdump shows it.
pub fn txtproto(proto: TextProtocol, p: &[u8], len: usize) -> Result<String, Cut> {
    let cut = |_| Cut(String::new());
    let mut print_this = true;
    if let Some(commands) = proto.commands {
        print_this = false;
        if let Some((idx, token)) = fetch_token(p, 0, len).map_err(cut)? {
            print_this = commands.iter().any(|c| c.eq_ignore_ascii_case(&token));
            // RESP_CODE_SECOND_TOKEN (HTTP, RTSP): "HTTP/1.1 200 OK".
            if let Some((_, code)) = fetch_token(p, idx, len).map_err(cut)? {
                let b = code.as_bytes();
                print_this |= b.len() == 3 && b.iter().all(u8::is_ascii_digit);
            }
        }
    }
    let mut out = format!(": {}", proto.name.to_ascii_uppercase());
    if print_this {
        first_line(&mut out, proto.name, p, len)
            .map_err(|Cut(s)| Cut(format!(": {}{s}", proto.name.to_ascii_uppercase())))?;
    }
    Ok(out)
}

/// print-ssh.c ssh_print_version: `: SSH: SSH-...` for a version line,
/// nothing otherwise.
pub fn ssh_version(p: &[u8], len: usize) -> Result<String, Cut> {
    for (i, want) in b"SSH-".iter().enumerate() {
        match p.get(i) {
            None => return Err(Cut(String::new())),
            Some(c) if c != want => return Ok(String::new()),
            Some(_) => {}
        }
    }
    let mut idx = 4;
    while idx < len {
        let c = *p.get(idx).ok_or(Cut(String::new()))?;
        if c == b'\n' {
            break;
        }
        if c == b'\r' {
            if idx + 1 >= len {
                return Ok(String::new());
            }
            if *p.get(idx + 1).ok_or(Cut(String::new()))? == b'\n' {
                break;
            }
            return Ok(String::new());
        }
        if !is_print(c) {
            return Ok(String::new());
        }
        idx += 1;
    }
    if idx >= len {
        return Ok(String::new());
    }
    let text: String = p[..idx].iter().map(|&b| char::from(b)).collect();
    Ok(format!(": SSH: {text}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::observe::tcp_ports::{TcpDecoder, tcp_decoder};

    fn http() -> TextProtocol {
        HTTP
    }

    // Every expected string below is what tcpdump 4.99 printed after
    // `length N` for a TCP segment with the same payload and ports.

    /// util-print.c txtproto_print: a binary payload shows only the
    /// protocol name; a request line is shown; a response code in the
    /// second token counts as a response.
    #[test]
    fn http_like_lines_as_tcpdump_prints_them() {
        assert_eq!(
            txtproto(http(), &[0x9c, 0xbb, 0xda], 3),
            Ok(": HTTP".into())
        );
        let get = b"GET / HTTP/1.1\r\nHost: x\r\n";
        assert_eq!(
            txtproto(http(), get, get.len()),
            Ok(": HTTP: GET / HTTP/1.1".into())
        );
        let ok = b"HTTP/1.1 200 OK\r\n";
        assert_eq!(
            txtproto(http(), ok, ok.len()),
            Ok(": HTTP: HTTP/1.1 200 OK".into())
        );
        let body = b"hello world\r\n";
        assert_eq!(txtproto(http(), body, body.len()), Ok(": HTTP".into()));
        assert_eq!(
            txtproto(http(), b"GET", 3),
            Ok(": HTTP: GET [|http]".into())
        );
        let play = b"PLAY rtsp://x RTSP/1.0\r\n";
        assert_eq!(
            txtproto(RTSP, play, play.len()),
            Ok(": RTSP: PLAY rtsp://x RTSP/1.0".into())
        );
    }

    /// FTP, SMTP and WHOIS always print their first line; printable text
    /// without a line end is printed and marked truncated.
    #[test]
    fn plain_text_protocols_print_the_first_line() {
        let Some(TcpDecoder::Text(smtp)) = tcp_decoder(25, 80) else {
            panic!("SMTP is tested before HTTP");
        };
        assert_eq!(smtp.name, "smtp");
        assert_eq!(txtproto(smtp, b"220 hi\n", 7), Ok(": SMTP: 220 hi".into()));
        assert_eq!(
            txtproto(smtp, b"EHLO", 4),
            Ok(": SMTP: EHLO [|smtp]".into())
        );
        assert_eq!(txtproto(smtp, &[0, 1], 2), Ok(": SMTP".into()));
        let Some(TcpDecoder::Text(ftp)) = tcp_decoder(40000, 21) else {
            panic!("21 is FTP");
        };
        // A CR as the last byte: the line ends in the next segment.
        assert_eq!(txtproto(ftp, b"USER x\r", 7), Ok(": FTP".into()));
    }

    #[test]
    fn ssh_prints_only_a_version_line() {
        let v = b"SSH-2.0-OpenSSH_9.6\r\n";
        assert_eq!(
            ssh_version(v, v.len()),
            Ok(": SSH: SSH-2.0-OpenSSH_9.6".into())
        );
        assert_eq!(ssh_version(&[0x9c, 1, 2, 3], 4), Ok(String::new()));
    }
}
