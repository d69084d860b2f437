//! `setkey -f` scripts (ipsec-tools 0.8 setkey(8) syntax, as used on Linux
//! 2.6+) parsed into typed [`Request`]s.
//!
//! The grammar follows ipsec-tools' `src/setkey/parse.y` and `token.l`, and
//! for the `-P` policy text libipsec's `policy_parse.y` / `policy_token.l`.
//! A tokenizer records the line and column (1-based, in characters) of
//! every token; a recursive-descent parser turns the tokens into
//! statements. Every error points at the offending token and says what was
//! expected.
//!
//! Differences from real setkey, all deliberate:
//! - a backslash at the end of a line (trailing blanks allowed) continues
//!   the line; setkey's lexer has no such rule, but scripts in the wild
//!   (the 2003 Linux IPsec article among them) use it;
//! - `#` comments are allowed everywhere, also inside the `-P` policy;
//! - `esp` and `ah` are accepted as upperspec (setkey lexes them as
//!   protocol keywords and rejects them there; `50` and `51` work in both);
//! - `-E null ""` and `-A null ""` are accepted as well as a bare `null`;
//! - `-r` above 255 and `unique:N` above 16383 are errors, where PF_KEY
//!   and Linux would silently truncate or replace the number;
//! - everything setkey can express but vpnlab does not implement (IPv6,
//!   host names, TCP-MD5, ESP-in-UDP, security contexts, tagged
//!   policies, IPComp lifetimes, ...) is an error that names the feature,
//!   never ignored;
//! - IPComp (`ipcomp` SAs, `-C deflate [-R]`, `ipcomp/...` templates) is
//!   read by [`ipcomp`]; an IPComp step must come first in its bundle, and
//!   an IPComp SPI must fit 16 bits.

mod ipcomp;

use std::net::Ipv4Addr;

use super::lexer::{Cursor, Pos, Rules, Tok, error_at as error, tokenize};
use crate::crypto::alg::{UNSUPPORTED_AUTH, UNSUPPORTED_ENC};
use crate::crypto::{AuthAlg, EncAlg};
use crate::ipsec::pfkey::{IpcompRequest, Request};
use crate::ipsec::spec::{
    Action, Direction, IpcompTemplate, IpsecProto, Level, Lifetime, Mode, PolicySpec, SaSpec,
    Selector, Template, Upper,
};
use crate::net::{MAX_CONFIG_SECS, Prefix};

/// A script that does not parse: where (1-based line and column, columns
/// counted in characters) and what was expected there.
pub type SetkeyError = super::ConfigError;

/// The kernel requests setkey on Linux sends for one command. It runs in
/// RFC mode by default (setkey.c `f_rfcmode = 1` under HAVE_POLICY_FWD):
/// parse.y `setkeymsg_spdaddr` sends every `spdadd` and `spddelete` of an
/// `in` policy a second time as `fwd`, with the first template's `unique`
/// level turned into `require` (reqid 0). So a gateway's `in` policy
/// covers forwarded traffic too, as on a real Linux box.
pub fn kernel_requests(command: Request) -> Vec<Request> {
    let fwd = match &command {
        Request::SpdAdd(p) if p.dir == Direction::In => {
            let mut fwd = p.clone();
            fwd.dir = Direction::Fwd;
            if let Some(t) = fwd.templates.first_mut() {
                t.level = fwd_level(t.level);
            }
            Some(Request::SpdAdd(fwd))
        }
        // The IPComp step is the first template.
        Request::SpdAddWithIpcomp { policy, ipcomp } if policy.dir == Direction::In => {
            let mut fwd = policy.clone();
            fwd.dir = Direction::Fwd;
            let ipcomp = IpcompTemplate {
                level: fwd_level(ipcomp.level),
                ..*ipcomp
            };
            Some(Request::SpdAddWithIpcomp {
                policy: fwd,
                ipcomp,
            })
        }
        Request::SpdDelete {
            selector,
            dir: Direction::In,
        } => Some(Request::SpdDelete {
            selector: *selector,
            dir: Direction::Fwd,
        }),
        _ => None,
    };
    std::iter::once(command).chain(fwd).collect()
}

/// parse.y `setkeymsg_spdaddr`: the `fwd` twin's first template trades
/// `unique` for `require`.
fn fwd_level(level: Level) -> Level {
    match level {
        Level::Unique(_) => Level::Require,
        other => other,
    }
}

/// A command with the position of its first word.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Statement {
    pub line: u32,
    pub column: u32,
    pub command: Request,
}

/// Parses a whole `setkey -f` script. `exit`, `quit` and `bye` end it, as
/// in setkey: nothing after them is read.
pub fn parse(text: &str) -> Result<Vec<Statement>, SetkeyError> {
    let (tokens, end) = tokenize(text, &RULES)?;
    let cur = Cursor {
        tokens,
        pos: 0,
        end,
        end_name: "the end of the script",
    };
    Parser { cur }.script()
}

// ---------------------------------------------------------------------------
// Tokens
// ---------------------------------------------------------------------------

fn is_word_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '.' | ':' | '-' | '_' | '%' | ',')
}

/// token.l's tokens: words, quoted strings, `/ [ ] + ;`, `#` comments, and
/// backslash continuations.
const RULES: Rules = Rules {
    word_char: is_word_char,
    punctuation: &['/', '[', ']', '+', ';'],
    continuation: true,
};

// ---------------------------------------------------------------------------
// Parser: helpers
// ---------------------------------------------------------------------------

/// The statement parser: the shared token cursor plus setkey's grammar.
struct Parser {
    cur: Cursor,
}

impl std::ops::Deref for Parser {
    type Target = Cursor;
    fn deref(&self) -> &Cursor {
        &self.cur
    }
}

impl std::ops::DerefMut for Parser {
    fn deref_mut(&mut self) -> &mut Cursor {
        &mut self.cur
    }
}

impl Parser {
    fn expect_semi(&mut self) -> Result<(), SetkeyError> {
        self.expect(Tok::Punct(';'), "`;` to end the statement")
            .map(|_| ())
    }
}

/// A decimal number (setkey's DECSTRING: digits only).
fn decimal(text: &str) -> Option<u64> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// A decimal or `0x` hexadecimal number (setkey's SPI syntax).
fn dec_or_hex(text: &str) -> Option<u64> {
    match text.strip_prefix("0x").or_else(|| text.strip_prefix("0X")) {
        Some(hex) if !hex.is_empty() && hex.bytes().all(|b| b.is_ascii_hexdigit()) => {
            u64::from_str_radix(hex, 16).ok()
        }
        Some(_) => None,
        None => decimal(text),
    }
}

/// An IPv4 address in dotted-quad form. setkey would also resolve host
/// names and accept IPv6; vpnlab does neither.
fn ipv4(text: &str, pos: Pos) -> Result<Ipv4Addr, SetkeyError> {
    if text.contains(':') {
        return Err(error(pos, format!("IPv6 is not supported yet: `{text}`")));
    }
    text.parse().map_err(|_| {
        error(
            pos,
            format!("expected an IPv4 address like 192.168.1.5, found `{text}` (vpnlab does not resolve host names)"),
        )
    })
}

/// "1 byte", "20 bytes".
fn bytes(n: usize) -> String {
    if n == 1 {
        "1 byte".to_string()
    } else {
        format!("{n} bytes")
    }
}

/// "no key", "16 bytes", "16, 24 or 32 bytes".
fn byte_lens(lens: &[usize]) -> String {
    if lens == [0] {
        return "no key".to_string();
    }
    // A run of every length in between (blowfish's 5 to 56) reads as one.
    if let (Some(first), Some(last)) = (lens.first(), lens.last()) {
        if lens.len() > 3 && lens.windows(2).all(|w| w[1] == w[0] + 1) {
            return format!("{first} to {last} bytes");
        }
    }
    let names: Vec<String> = lens.iter().map(|l| l.to_string()).collect();
    match names.split_last() {
        Some((last, [])) => format!("{last} bytes"),
        Some((last, rest)) => format!("{} or {last} bytes", rest.join(", ")),
        None => "no key".to_string(),
    }
}

// ---------------------------------------------------------------------------
// Statements
// ---------------------------------------------------------------------------

impl Parser {
    fn script(mut self) -> Result<Vec<Statement>, SetkeyError> {
        let mut statements = Vec::new();
        while self.peek().is_some() {
            match self.statement()? {
                Some(statement) => statements.push(statement),
                None => break,
            }
        }
        Ok(statements)
    }

    /// One statement; None for `exit` (setkey stops reading there).
    fn statement(&mut self) -> Result<Option<Statement>, SetkeyError> {
        let (word, pos) = self.word("a command (add, delete, spdadd, flush, ...)")?;
        let command = match word.as_str() {
            "add" => self.add()?,
            "delete" => self.delete_or_get(false)?,
            "get" => self.delete_or_get(true)?,
            "deleteall" => self.deleteall()?,
            "flush" => match self.optional_proto_then_semi()? {
                Some(SaType::Ipcomp) => Request::Ipcomp(IpcompRequest::Flush),
                Some(SaType::Ipsec(p)) => Request::Flush(Some(p)),
                None => Request::Flush(None),
            },
            "dump" => match self.optional_proto_then_semi()? {
                Some(SaType::Ipcomp) => Request::Ipcomp(IpcompRequest::Dump),
                Some(SaType::Ipsec(p)) => Request::Dump(Some(p)),
                None => Request::Dump(None),
            },
            "spdadd" => self.spdadd()?,
            "spddelete" => self.spddelete()?,
            "spdflush" => self.bare(Request::SpdFlush)?,
            "spddump" => self.bare(Request::SpdDump)?,
            "exit" | "quit" | "bye" => {
                self.expect_semi()?;
                return Ok(None);
            }
            _ => return Err(unknown_command(&word, pos)),
        };
        Ok(Some(Statement {
            line: pos.line,
            column: pos.column,
            command,
        }))
    }

    fn bare(&mut self, command: Request) -> Result<Request, SetkeyError> {
        self.expect_semi()?;
        Ok(command)
    }
}

fn unknown_command(word: &str, pos: Pos) -> SetkeyError {
    let message = match word {
        "getspi" => {
            "`getspi` is not supported by vpnlab (manual keying uses add with an explicit SPI)"
                .to_string()
        }
        "spdupdate" => {
            "`spdupdate` is not supported by vpnlab yet; use spddelete then spdadd".to_string()
        }
        "update" => {
            "unknown command `update` (ipsec-tools 0.8 setkey has none); use delete then add"
                .to_string()
        }
        _ => format!(
            "unknown command `{word}`: expected add, delete, deleteall, get, flush, dump, \
             spdadd, spddelete, spdflush, spddump or exit"
        ),
    };
    error(pos, message)
}

// ---------------------------------------------------------------------------
// SAD commands
// ---------------------------------------------------------------------------

/// PF_KEY's SA types that setkey names (parse.y `protocol_spec`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum SaType {
    Ipsec(IpsecProto),
    /// SADB_X_SATYPE_IPCOMP.
    Ipcomp,
}

/// The `-m -r -u -f -lh -ls -bh -bs` extensions of an SA.
#[derive(Clone, Debug)]
struct SaExtensions {
    mode: Mode,
    reqid: u32,
    replay_window: u32,
    hard: Lifetime,
    soft: Lifetime,
}

impl Default for SaExtensions {
    /// setkey's `parse_init()`: mode `any`, no reqid, replay window 0 (no
    /// replay check — setkey's default, unlike racoon's), no lifetimes.
    fn default() -> Self {
        SaExtensions {
            mode: Mode::Any,
            reqid: 0,
            replay_window: 0,
            hard: Lifetime::default(),
            soft: Lifetime::default(),
        }
    }
}

const EXTENSION_OPTIONS: &[&str] = &["-m", "-r", "-u", "-f", "-lh", "-ls", "-bh", "-bs", "-ctx"];

impl Parser {
    /// `add [-4n] src dst proto spi [extensions] algorithms;`
    fn add(&mut self) -> Result<Request, SetkeyError> {
        self.address_flags()?;
        let src = self.sa_address("a source address")?;
        let dst = self.sa_address("a destination address")?;
        let proto = match self.sa_type()? {
            (SaType::Ipsec(proto), _) => proto,
            (SaType::Ipcomp, _) => return self.add_ipcomp(src, dst),
        };
        let spi = self.spi()?;
        let ext = self.extensions()?;
        let (enc, auth) = self.algorithms(proto)?;
        self.expect_semi_after_algorithms()?;
        Ok(Request::Add(SaSpec {
            encap: None,
            src,
            dst,
            proto,
            spi,
            mode: ext.mode,
            reqid: ext.reqid,
            replay_window: ext.replay_window,
            enc,
            auth,
            hard: ext.hard,
            soft: ext.soft,
        }))
    }

    /// `delete|get [-4n] src dst proto spi [extensions];` — setkey accepts
    /// (and the kernel ignores) extensions here; `-m` draws "mode is
    /// obsolete". They are checked and dropped.
    fn delete_or_get(&mut self, get: bool) -> Result<Request, SetkeyError> {
        self.address_flags()?;
        let src = self.sa_address("a source address")?;
        let dst = self.sa_address("a destination address")?;
        let proto = match self.sa_type()? {
            (SaType::Ipsec(proto), _) => proto,
            (SaType::Ipcomp, _) => return self.ipcomp_by_spi((src, dst), get),
        };
        let spi = self.spi()?;
        self.extensions()?;
        self.expect_semi()?;
        Ok(if get {
            Request::Get {
                src,
                dst,
                proto,
                spi,
            }
        } else {
            Request::Delete {
                src,
                dst,
                proto,
                spi,
            }
        })
    }

    /// `deleteall [-4n] src dst proto;` (parse.y: plain addresses, no ports).
    fn deleteall(&mut self) -> Result<Request, SetkeyError> {
        self.address_flags()?;
        let src = self.sa_address("a source address")?;
        let dst = self.sa_address("a destination address")?;
        let (sa_type, _) = self.sa_type()?;
        self.expect_semi()?;
        Ok(match sa_type {
            SaType::Ipsec(proto) => Request::DeleteAll { src, dst, proto },
            SaType::Ipcomp => Request::Ipcomp(IpcompRequest::DeleteAll { src, dst }),
        })
    }

    /// `flush [proto];` and `dump [proto];`
    fn optional_proto_then_semi(&mut self) -> Result<Option<SaType>, SetkeyError> {
        if self.peek_is(&Tok::Punct(';')) {
            self.next();
            return Ok(None);
        }
        if self.peek_word().is_none() {
            return Err(
                self.expected("`;` to end the statement (or a protocol: esp, ah or ipcomp)")
            );
        }
        let (sa_type, _) = self.sa_type()?;
        self.expect_semi()?;
        Ok(Some(sa_type))
    }

    /// token.l: `{hyphen}[n46][n46]*` after the command word: `-4` and
    /// `-n` restrict name resolution, which vpnlab never does anyway.
    fn address_flags(&mut self) -> Result<(), SetkeyError> {
        while let Some(w) = self.peek_word() {
            let Some(flags) = w.strip_prefix('-') else {
                return Ok(());
            };
            if flags.is_empty() || !flags.chars().all(|c| matches!(c, '4' | '6' | 'n')) {
                return Ok(());
            }
            if flags.contains('6') {
                return Err(error(self.here(), "IPv6 is not supported yet (`-6`)"));
            }
            self.next();
        }
        Ok(())
    }

    /// An SA endpoint: an IPv4 address. setkey allows `[port]` here only
    /// for esp-udp (NAT traversal), which vpnlab does not support yet.
    fn sa_address(&mut self, what: &str) -> Result<Ipv4Addr, SetkeyError> {
        let (text, pos) = self.word(what)?;
        let addr = ipv4(&text, pos)?;
        if self.peek_is(&Tok::Punct('[')) {
            return Err(error(
                self.here(),
                "ports on SA addresses (for esp-udp, NAT traversal) are not supported yet",
            ));
        }
        if self.peek_is(&Tok::Punct('/')) {
            return Err(error(self.here(), "an SA address takes no prefix length"));
        }
        Ok(addr)
    }

    /// setkey's protocol_spec: `esp`, `ah` or `ipcomp`.
    fn sa_type(&mut self) -> Result<(SaType, Pos), SetkeyError> {
        let (word, pos) = self.word("a protocol (esp, ah or ipcomp)")?;
        match word.as_str() {
            "esp" => Ok((SaType::Ipsec(IpsecProto::Esp), pos)),
            "ah" => Ok((SaType::Ipsec(IpsecProto::Ah), pos)),
            "ipcomp" => Ok((SaType::Ipcomp, pos)),
            "esp-old" | "ah-old" | "esp-udp" | "tcp" => Err(error(
                pos,
                format!("protocol `{word}` is not supported by vpnlab (only esp, ah and ipcomp)"),
            )),
            _ => Err(error(
                pos,
                format!("expected a protocol (esp, ah or ipcomp), found `{word}`"),
            )),
        }
    }

    /// A decimal or `0x` SPI. setkey(8): "SPI values between 0 and 255 are
    /// reserved for future use by IANA and cannot be used" (RFC 4303 §2.1
    /// reserves 1–255; 0 means "no SA" and never appears on the wire).
    fn spi(&mut self) -> Result<u32, SetkeyError> {
        let (word, pos) = self.word("an SPI (decimal or 0x hexadecimal)")?;
        let value = dec_or_hex(&word).ok_or_else(|| {
            error(
                pos,
                format!("expected an SPI (decimal or 0x hexadecimal), found `{word}`"),
            )
        })?;
        let spi = u32::try_from(value)
            .map_err(|_| error(pos, format!("SPI `{word}` does not fit in 32 bits")))?;
        if spi <= 255 {
            return Err(error(
                pos,
                format!("SPI {spi} is reserved: SPIs 0 to 255 cannot be used (RFC 4303 §2.1)"),
            ));
        }
        Ok(spi)
    }

    /// setkey's extension_spec: any number of extensions, the last of a
    /// kind winning, as in setkey.
    fn extensions(&mut self) -> Result<SaExtensions, SetkeyError> {
        let mut ext = SaExtensions::default();
        while let Some(option) = self.peek_word().filter(|w| EXTENSION_OPTIONS.contains(w)) {
            let option = option.to_string();
            let pos = self.here();
            self.next();
            self.extension(&option, pos, &mut ext)?;
        }
        Ok(ext)
    }

    /// `-lh`/`-ls` seconds, at most [`MAX_CONFIG_SECS`] so that expiry
    /// times never wrap.
    fn lifetime_secs(&mut self, pos: Pos, option: &str) -> Result<u64, SetkeyError> {
        let secs = self.number_u64(&format!("seconds after {option}"))?;
        if secs > MAX_CONFIG_SECS {
            return Err(error(
                pos,
                format!("{option} {secs}: at most {MAX_CONFIG_SECS} seconds"),
            ));
        }
        Ok(secs)
    }

    fn extension(
        &mut self,
        option: &str,
        pos: Pos,
        ext: &mut SaExtensions,
    ) -> Result<(), SetkeyError> {
        match option {
            "-m" => ext.mode = self.sa_mode()?,
            "-r" => ext.replay_window = self.replay_window()?,
            "-u" => ext.reqid = self.number_u32("a reqid after -u")?,
            "-f" => self.pad_option()?,
            "-lh" => ext.hard.seconds = self.lifetime_secs(pos, "-lh")?,
            "-ls" => ext.soft.seconds = self.lifetime_secs(pos, "-ls")?,
            "-bh" => ext.hard.bytes = self.number_u64("bytes after -bh")?,
            "-bs" => ext.soft.bytes = self.number_u64("bytes after -bs")?,
            _ => {
                return Err(error(
                    pos,
                    "security contexts (`-ctx`, SELinux labels) are not supported by vpnlab",
                ));
            }
        }
        Ok(())
    }

    /// `-m transport|tunnel|any` (default `any`).
    fn sa_mode(&mut self) -> Result<Mode, SetkeyError> {
        let (word, pos) = self.word("a mode after -m (transport, tunnel or any)")?;
        match word.as_str() {
            "transport" => Ok(Mode::Transport),
            "tunnel" => Ok(Mode::Tunnel),
            "any" => Ok(Mode::Any),
            _ => Err(error(
                pos,
                format!("expected a mode after -m (transport, tunnel or any), found `{word}`"),
            )),
        }
    }

    /// `-r size`: the window in packets, as Linux reads it. PF_KEY carries
    /// it in one byte (RFC 2367 `sadb_sa_replay`), so setkey would silently
    /// truncate anything above 255; that is an error here.
    fn replay_window(&mut self) -> Result<u32, SetkeyError> {
        let pos = self.here();
        let size = self.number_u32("a replay window size after -r")?;
        if size > 255 {
            return Err(error(
                pos,
                format!(
                    "replay window {size} is too large: PF_KEY carries 0 to 255 (RFC 2367 sadb_sa_replay)"
                ),
            ));
        }
        Ok(size)
    }

    /// `-f zero-pad|random-pad|seq-pad|nocyclic-seq`. Linux (af_key.c
    /// `pfkey_msg2xfrm_state`) ignores these flags: its ESP always pads
    /// with 1, 2, 3, … (RFC 4303 §2.4) and never lets the sequence number
    /// cycle. vpnlab does the same, so the options are accepted and need
    /// no field.
    fn pad_option(&mut self) -> Result<(), SetkeyError> {
        let what = "zero-pad, random-pad, seq-pad or nocyclic-seq after -f";
        let (word, pos) = self.word(what)?;
        match word.as_str() {
            "zero-pad" | "random-pad" | "seq-pad" | "nocyclic-seq" => Ok(()),
            _ => Err(error(pos, format!("expected {what}, found `{word}`"))),
        }
    }

    fn number_u64(&mut self, what: &str) -> Result<u64, SetkeyError> {
        let (word, pos) = self.word(what)?;
        decimal(&word).ok_or_else(|| {
            error(
                pos,
                format!("expected {what} (a decimal number), found `{word}`"),
            )
        })
    }

    fn number_u32(&mut self, what: &str) -> Result<u32, SetkeyError> {
        let pos = self.here();
        let value = self.number_u64(what)?;
        u32::try_from(value).map_err(|_| {
            error(
                pos,
                format!("{value} is too large: expected {what} below 2^32"),
            )
        })
    }

    /// After the algorithms only `;` may follow; extensions misplaced
    /// there get a clearer message (parse.y: extensions come first).
    fn expect_semi_after_algorithms(&mut self) -> Result<(), SetkeyError> {
        if let Some(w) = self.peek_word().filter(|w| EXTENSION_OPTIONS.contains(w)) {
            return Err(error(
                self.here(),
                format!(
                    "`{w}` must come before the algorithms (-E/-A): setkey(8) takes extensions first"
                ),
            ));
        }
        self.expect_semi()
    }
}

// ---------------------------------------------------------------------------
// Algorithms and keys
// ---------------------------------------------------------------------------

type Algorithms = (Option<(EncAlg, Vec<u8>)>, Option<(AuthAlg, Vec<u8>)>);

impl Parser {
    /// parse.y algorithm_spec: `-E ealgo key [-A aalgo key]` (ESP) or
    /// `-A aalgo key` (AH); `-C` is IPComp.
    fn algorithms(&mut self, proto: IpsecProto) -> Result<Algorithms, SetkeyError> {
        let mut enc = None;
        let mut auth = None;
        let mut auth_pos = None;
        if self.peek_word() == Some("-E") {
            let pos = self.here();
            self.next();
            if proto == IpsecProto::Ah {
                return Err(error(
                    pos,
                    "AH does not encrypt: it takes only -A aalgo key",
                ));
            }
            enc = Some(self.enc_alg()?);
        }
        if self.peek_word() == Some("-A") {
            auth_pos = Some(self.here());
            self.next();
            auth = Some(self.auth_alg()?);
        }
        match self.peek_word() {
            Some("-E") => {
                return Err(error(
                    self.here(),
                    "-E must come before -A (setkey(8) grammar)",
                ));
            }
            Some("-C") => {
                return Err(error(
                    self.here(),
                    format!(
                        "{} takes no -C: compression is an SA of its own (add src dst ipcomp spi -C deflate;)",
                        proto.name().to_uppercase()
                    ),
                ));
            }
            _ => {}
        }
        check_algorithms(proto, &enc, auth_pos, self)?;
        Ok((enc, auth))
    }

    /// `-E ealgo key`: the name, then the key (optional for `null`).
    fn enc_alg(&mut self) -> Result<(EncAlg, Vec<u8>), SetkeyError> {
        let (name, pos) = self.word("an encryption algorithm after -E")?;
        if UNSUPPORTED_ENC.contains(&name.as_str()) {
            return Err(error(
                pos,
                format!("encryption algorithm `{name}` is not supported by vpnlab"),
            ));
        }
        let alg = EncAlg::from_setkey(&name).ok_or_else(|| {
            let known: Vec<&str> = EncAlg::ALL.iter().map(|a| a.setkey_name()).collect();
            error(
                pos,
                format!(
                    "unknown encryption algorithm `{name}`: expected one of {}",
                    known.join(", ")
                ),
            )
        })?;
        let key = self.key(&name, alg == EncAlg::Null, alg.key_lens())?;
        Ok((alg, key))
    }

    /// `-A aalgo key`: the name, then the key (optional for `null`).
    fn auth_alg(&mut self) -> Result<(AuthAlg, Vec<u8>), SetkeyError> {
        let (name, pos) = self.word("an authentication algorithm after -A")?;
        if UNSUPPORTED_AUTH.contains(&name.as_str()) {
            return Err(error(
                pos,
                format!("authentication algorithm `{name}` is not supported by vpnlab"),
            ));
        }
        let alg = AuthAlg::from_setkey(&name).ok_or_else(|| {
            let known: Vec<&str> = AuthAlg::ALL.iter().map(|a| a.setkey_name()).collect();
            error(
                pos,
                format!(
                    "unknown authentication algorithm `{name}`: expected one of {}",
                    known.join(", ")
                ),
            )
        })?;
        let key = self.key(&name, alg == AuthAlg::Null, alg.key_lens())?;
        Ok((alg, key))
    }

    /// A key: `0x` and an even number of hex digits, or a quoted string
    /// taken as raw bytes. Its length must be one the algorithm accepts;
    /// it is never truncated or padded.
    fn key(&mut self, alg: &str, optional: bool, lens: &[usize]) -> Result<Vec<u8>, SetkeyError> {
        let pos = self.here();
        let key = match self.peek().map(|t| &t.tok) {
            Some(Tok::Quoted(s)) => Some(s.as_bytes().to_vec()),
            Some(Tok::Word(w)) if w.starts_with("0x") || w.starts_with("0X") => {
                Some(hex_key(w, pos)?)
            }
            _ => None,
        };
        let key = match key {
            Some(key) => {
                self.next();
                key
            }
            None if optional => Vec::new(),
            None => return Err(self.expected(&format!("a key for {alg} (0x… hex or \"string\")"))),
        };
        if !lens.contains(&key.len()) {
            return Err(error(
                pos,
                format!(
                    "key for {alg} is {}; {alg} needs {}",
                    bytes(key.len()),
                    byte_lens(lens)
                ),
            ));
        }
        Ok(key)
    }
}

/// `0x` followed by hex digits, two per byte.
fn hex_key(word: &str, pos: Pos) -> Result<Vec<u8>, SetkeyError> {
    let digits = word.get(2..).unwrap_or("");
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(error(
            pos,
            format!("expected a hex key (0x and hex digits), found `{word}`"),
        ));
    }
    if digits.len() % 2 != 0 {
        return Err(error(
            pos,
            format!(
                "hex key has an odd number of digits ({}): write two per byte",
                digits.len()
            ),
        ));
    }
    Ok(digits
        .as_bytes()
        .chunks_exact(2)
        .map(|pair| match pair {
            [hi, lo] => (hex_value(*hi) << 4) | hex_value(*lo),
            _ => 0, // chunks_exact(2) yields only pairs
        })
        .collect())
}

/// Value of an ASCII hex digit (already checked by the caller).
fn hex_value(b: u8) -> u8 {
    match b {
        b'0'..=b'9' => b - b'0',
        b'a'..=b'f' => b - b'a' + 10,
        b'A'..=b'F' => b - b'A' + 10,
        _ => 0,
    }
}

/// What each protocol requires: AH integrity (-A), ESP a cipher (-E; Linux
/// esp_init_state refuses an ESP SA without one), and a combined-mode
/// cipher no separate integrity (RFC 4106 §8 provides its own ICV).
fn check_algorithms(
    proto: IpsecProto,
    enc: &Option<(EncAlg, Vec<u8>)>,
    auth_pos: Option<Pos>,
    parser: &Parser,
) -> Result<(), SetkeyError> {
    match (proto, enc, auth_pos) {
        (IpsecProto::Ah, _, None) => {
            Err(parser.expected("-A aalgo key (AH needs an authentication algorithm)"))
        }
        (IpsecProto::Esp, None, Some(pos)) => Err(error(
            pos,
            "ESP needs -E ealgo key before -A (use -E null for integrity only)",
        )),
        (IpsecProto::Esp, None, None) => {
            Err(parser.expected("-E ealgo key (ESP needs an encryption algorithm)"))
        }
        (IpsecProto::Esp, Some((alg, _)), Some(pos)) if alg.is_aead() => Err(error(
            pos,
            format!(
                "{} carries its own integrity check: remove -A",
                alg.setkey_name()
            ),
        )),
        _ => Ok(()),
    }
}

// ---------------------------------------------------------------------------
// SPD commands
// ---------------------------------------------------------------------------

/// /etc/protocols names setkey resolves with getprotobyname(3), plus its
/// own `icmp6` and `ip4`. Linux treats protocol 0 and 255 as "any".
#[rustfmt::skip]
const PROTOCOLS: &[(&str, u8)] = &[
    ("ip", 0), ("icmp", 1), ("igmp", 2), ("ggp", 3), ("ipencap", 4), ("ip4", 4),
    ("st", 5), ("tcp", 6), ("egp", 8), ("igp", 9), ("pup", 12), ("udp", 17),
    ("hmp", 20), ("xns-idp", 22), ("rdp", 27), ("iso-tp4", 29), ("dccp", 33), ("xtp", 36),
    ("ddp", 37), ("idpr-cmtp", 38), ("ipv6", 41), ("ipv6-route", 43), ("ipv6-frag", 44), ("idrp", 45),
    ("rsvp", 46), ("gre", 47), ("esp", 50), ("ah", 51), ("skip", 57), ("ipv6-icmp", 58),
    ("icmp6", 58), ("ipv6-nonxt", 59), ("ipv6-opts", 60), ("rspf", 73), ("vmtp", 81), ("eigrp", 88),
    ("ospf", 89), ("ax.25", 93), ("ipip", 94), ("etherip", 97), ("encap", 98), ("pim", 103),
    ("ipcomp", 108), ("vrrp", 112), ("l2tp", 115), ("isis", 124), ("sctp", 132), ("fc", 133),
    ("mobility-header", 135), ("udplite", 136), ("mpls-in-ip", 137), ("manet", 138), ("hip", 139), ("shim6", 140),
    ("wesp", 141), ("rohc", 142),
];

/// Linux af_key `pfkey_proto_to_xfrm`: IPSEC_ULPROTO_ANY (255) becomes 0,
/// and a selector protocol of 0 matches everything.
fn upper_from_number(n: u8) -> Upper {
    if n == 0 || n == 255 {
        Upper::Any
    } else {
        Upper::Protocol(n)
    }
}

/// What follows the selector: `-P dir …` and, for spdadd, the rest.
struct PolicyBody {
    priority: i32,
    action: Action,
    /// The bundle's IPComp step, written first.
    ipcomp: Option<IpcompTemplate>,
    templates: Vec<Template>,
}

impl Parser {
    /// `spdadd [-4n] src_range dst_range upperspec -P dir [prio …] action [templates];`
    fn spdadd(&mut self) -> Result<Request, SetkeyError> {
        if self.peek_word() == Some("tagged") {
            return Err(error(
                self.here(),
                "`spdadd tagged` (PF tags) is not supported by vpnlab",
            ));
        }
        let selector = self.selector()?;
        let (dir, body) = self.policy()?;
        let Some(body) = body else {
            return Err(
                self.expected("a policy action (discard, none or ipsec) after the direction")
            );
        };
        self.expect_semi()?;
        let policy = PolicySpec {
            selector,
            dir,
            action: body.action,
            templates: body.templates,
            priority: body.priority,
        };
        Ok(match body.ipcomp {
            Some(ipcomp) => Request::SpdAddWithIpcomp { policy, ipcomp },
            None => Request::SpdAdd(policy),
        })
    }

    /// `spddelete [-4n] src_range dst_range upperspec -P dir [policy];` —
    /// the kernel finds the policy by selector and direction; a full policy
    /// after the direction is allowed (parse.y) and checked, then dropped.
    fn spddelete(&mut self) -> Result<Request, SetkeyError> {
        let selector = self.selector()?;
        let (dir, _) = self.policy()?;
        self.expect_semi()?;
        Ok(Request::SpdDelete { selector, dir })
    }

    fn selector(&mut self) -> Result<Selector, SetkeyError> {
        self.address_flags()?;
        let (src, src_port) = self.range("a source address range")?;
        let (dst, dst_port) = self.range("a destination address range")?;
        let upper = self.upper()?;
        self.upper_extras()?;
        Ok(Selector {
            src: src.into(),
            dst: dst.into(),
            src_port,
            dst_port,
            upper,
        })
    }

    /// `address[/prefixlen][[port]]`; no prefix means /32, `[any]` or
    /// `[0]` or no port means any port.
    fn range(&mut self, what: &str) -> Result<(Prefix, Option<u16>), SetkeyError> {
        let (text, pos) = self.word(what)?;
        let addr = ipv4(&text, pos)?;
        let mut len = 32;
        if self.peek_is(&Tok::Punct('/')) {
            self.next();
            let (word, pos) = self.word("a prefix length after `/`")?;
            len = decimal(&word)
                .and_then(|l| u8::try_from(l).ok())
                .filter(|l| *l <= 32)
                .ok_or_else(|| {
                    error(
                        pos,
                        format!("expected a prefix length from 0 to 32, found `{word}`"),
                    )
                })?;
        }
        let port = if self.peek_is(&Tok::Punct('[')) {
            self.port()?
        } else {
            None
        };
        Ok((Prefix::new(addr, len), port))
    }

    /// `[port]` or `[any]`.
    fn port(&mut self) -> Result<Option<u16>, SetkeyError> {
        self.expect(Tok::Punct('['), "`[`")?;
        let (word, pos) = self.word("a port number or any")?;
        let port = if word == "any" {
            None
        } else {
            let port = decimal(&word)
                .and_then(|p| u16::try_from(p).ok())
                .ok_or_else(|| {
                    error(
                        pos,
                        format!("expected a port number (0 to 65535) or any, found `{word}`"),
                    )
                })?;
            (port != 0).then_some(port)
        };
        self.expect(Tok::Punct(']'), "`]` after the port")?;
        Ok(port)
    }

    /// setkey's upper_spec: `any`, a protocol number, or a protocol name.
    fn upper(&mut self) -> Result<Upper, SetkeyError> {
        let what = "an upper-layer protocol (any, tcp, udp, icmp, … or a number)";
        let (word, pos) = self.word(what)?;
        if word == "any" {
            return Ok(Upper::Any);
        }
        if let Some(n) = decimal(&word) {
            let n = u8::try_from(n)
                .map_err(|_| error(pos, format!("protocol number {n} is above 255")))?;
            return Ok(upper_from_number(n));
        }
        let lower = word.to_ascii_lowercase();
        PROTOCOLS
            .iter()
            .find(|(name, _)| *name == lower)
            .map(|(_, n)| upper_from_number(*n))
            .ok_or_else(|| error(pos, format!("expected {what}, found `{word}`")))
    }

    /// setkey's upper_misc_spec (ICMP `type,code` or a GRE key, numbers
    /// or dotted quads) and
    /// context_spec (`-ctx`): not supported.
    fn upper_extras(&mut self) -> Result<(), SetkeyError> {
        match self.peek_word() {
            Some("-ctx") => Err(error(
                self.here(),
                "security contexts (`-ctx`, SELinux labels) are not supported by vpnlab",
            )),
            Some(w)
                if w.bytes()
                    .all(|b| b.is_ascii_digit() || b == b',' || b == b'.') =>
            {
                Err(error(
                    self.here(),
                    format!("ICMP type/code and GRE key selectors (`{w}`) are not supported yet"),
                ))
            }
            _ => Ok(()),
        }
    }

    /// `-P dir [prio spec] action templates…`, up to (not including) `;`.
    /// The body is None for a bare `-P dir` (allowed by libipsec).
    fn policy(&mut self) -> Result<(Direction, Option<PolicyBody>), SetkeyError> {
        if self.peek_word() != Some("-P") {
            return Err(self.expected("-P and a policy direction"));
        }
        self.next();
        let dir = self.direction()?;
        if self.peek_is(&Tok::Punct(';')) {
            return Ok((dir, None));
        }
        let priority = self.priority()?;
        let action = self.action()?;
        let (ipcomp, templates) = self.templates(action)?;
        Ok((
            dir,
            Some(PolicyBody {
                priority,
                action,
                ipcomp,
                templates,
            }),
        ))
    }

    fn direction(&mut self) -> Result<Direction, SetkeyError> {
        let (word, pos) = self.word("a direction (in, out or fwd) after -P")?;
        match word.as_str() {
            "in" => Ok(Direction::In),
            "out" => Ok(Direction::Out),
            "fwd" => Ok(Direction::Fwd),
            _ => Err(error(
                pos,
                format!("expected a direction (in, out or fwd) after -P, found `{word}`"),
            )),
        }
    }

    /// `discard`, `none` or `ipsec`. libipsec also knows `bypass` and
    /// `entrust`, which Linux af_key rejects (EINVAL).
    fn action(&mut self) -> Result<Action, SetkeyError> {
        let what = "a policy action (discard, none or ipsec)";
        let (word, pos) = self.word(what)?;
        match word.as_str() {
            "discard" => Ok(Action::Discard),
            "none" => Ok(Action::None),
            "ipsec" => Ok(Action::Ipsec),
            "bypass" | "entrust" => Err(error(
                pos,
                format!("policy action `{word}` is not supported on Linux"),
            )),
            _ => Err(error(pos, format!("expected {what}, found `{word}`"))),
        }
    }
}

// ---------------------------------------------------------------------------
// Priorities
// ---------------------------------------------------------------------------

const PRIORITY_USAGE: &str =
    "a priority after prio: a number, or low, def or high with an optional + or - offset";

/// Words that can make up a priority: `10`, `-`, `-10`, `def`, `high-5`.
fn is_priority_part(word: &str) -> bool {
    word.bytes().all(|b| b.is_ascii_digit() || b == b'-')
        || ["low", "def", "high"]
            .iter()
            .any(|base| word.starts_with(base))
}

/// setkey(8)'s priority bases, as offsets from `def`: `low` is -2^30 and
/// `high` +2^30 in the man page's "higher is earlier" terms.
const PRIORITY_BASE: i64 = 1 << 30;

impl Parser {
    /// `prio|priority offset` or `prio|priority base {+,-} offset`.
    ///
    /// setkey(8) counts "higher priority = earlier in the SPD"; the kernel
    /// stores 0x80000000 minus that, and lower kernel values win. vpnlab's
    /// [`PolicySpec::priority`] is the kernel value minus 0x80000000, so it
    /// is the man page's number negated: `prio def` is 0, `prio 10` is -10,
    /// `prio high` is -2^30, `prio low` is 2^30.
    fn priority(&mut self) -> Result<i32, SetkeyError> {
        if !matches!(self.peek_word(), Some("prio" | "priority")) {
            return Ok(0);
        }
        self.next();
        let pos = self.here();
        let mut text = String::new();
        while let Some(token) = self.peek() {
            match &token.tok {
                Tok::Word(w) if is_priority_part(w) => text.push_str(w),
                Tok::Punct('+') => text.push('+'),
                _ => break,
            }
            self.next();
        }
        if text.is_empty() {
            return Err(self.expected(PRIORITY_USAGE));
        }
        let man_value = man_priority(&text).map_err(|m| error(pos, m))?;
        i32::try_from(-man_value)
            .map_err(|_| error(pos, format!("priority `{text}` is out of range")))
    }
}

/// The priority in setkey(8)'s terms (higher = earlier), from the words
/// after `prio` run together: `10`, `-10`, `def`, `high+5`, `low-3`.
fn man_priority(text: &str) -> Result<i64, String> {
    let bases = [("low", -PRIORITY_BASE), ("def", 0), ("high", PRIORITY_BASE)];
    let (base, rest) = bases
        .iter()
        .find_map(|(name, value)| text.strip_prefix(name).map(|rest| (Some(*value), rest)))
        .unwrap_or((None, text));
    let bad = || format!("expected {PRIORITY_USAGE}, found `{text}`");
    let (negative, digits) = match rest.strip_prefix('-') {
        Some(d) => (true, d),
        None => (
            false,
            rest.strip_prefix('+')
                .filter(|_| base.is_some())
                .unwrap_or(rest),
        ),
    };
    if base.is_some() && rest.is_empty() {
        return Ok(base.unwrap_or(0));
    }
    let offset = decimal(digits)
        .and_then(|d| i64::try_from(d).ok())
        .ok_or_else(bad)?;
    let (value, limit) = match (base, negative) {
        // setkey(8): "up to 1073741824 for positive offsets, and up to
        // 1073741823 for negative offsets".
        (Some(b), false) => (b + offset, PRIORITY_BASE),
        (Some(b), true) => (b - offset, PRIORITY_BASE - 1),
        // "offset is an integer in the range from -2147483647 to 2147483648".
        (None, false) => (offset, 1 << 31),
        (None, true) => (-offset, (1 << 31) - 1),
    };
    if offset > limit {
        return Err(format!(
            "priority offset in `{text}` is out of range (at most {limit})"
        ));
    }
    Ok(value)
}

// ---------------------------------------------------------------------------
// Templates
// ---------------------------------------------------------------------------

/// A template's mode, tunnel endpoints and level.
type TemplateRest = (Mode, Option<(Ipv4Addr, Ipv4Addr)>, Level);

fn is_level_word(word: &str) -> bool {
    matches!(word, "default" | "use" | "require" | "unique") || word.starts_with("unique:")
}

/// Linux af_key: a `unique:N` reqid above IPSEC_MANUAL_REQID_MAX is
/// silently replaced by one the kernel picks.
const MANUAL_REQID_MAX: u64 = crate::ipsec::spd::MANUAL_REQID_MAX as u64;

impl Parser {
    /// The `protocol/mode/src-dst/level` rules after the action: at least
    /// one after `ipsec`, none after `discard` or `none`.
    fn templates(
        &mut self,
        action: Action,
    ) -> Result<(Option<IpcompTemplate>, Vec<Template>), SetkeyError> {
        let mut ipcomp = None;
        let mut templates = Vec::new();
        while self.peek().is_some() && !self.peek_is(&Tok::Punct(';')) {
            if action != Action::Ipsec {
                return Err(error(
                    self.here(),
                    format!(
                        "expected `;`: only ipsec policies take templates, found {}",
                        self.describe_next()
                    ),
                ));
            }
            if self.peek_word() == Some("ipcomp") {
                let pos = self.here();
                if ipcomp.is_some() || !templates.is_empty() {
                    return Err(ipcomp::misplaced_ipcomp(pos));
                }
                self.next();
                ipcomp = Some(self.ipcomp_template()?);
                continue;
            }
            templates.push(self.template()?);
        }
        if action == Action::Ipsec && templates.is_empty() && ipcomp.is_none() {
            return Err(self.expected("a template like esp/transport//require after ipsec"));
        }
        Ok((ipcomp, templates))
    }

    fn describe_next(&self) -> String {
        self.peek()
            .map_or("the end of the script".to_string(), |t| t.tok.describe())
    }

    /// libipsec policy_parse.y `rule`: `proto/mode/src-dst/level`,
    /// `proto/mode/src-dst[/]`, `proto/mode//level`, `proto/mode[/]`.
    fn template(&mut self) -> Result<Template, SetkeyError> {
        let (proto, _) = self.template_proto()?;
        let (mode, endpoints, level) = self.template_rest(proto.name())?;
        Ok(finish_template(proto, mode, endpoints, level))
    }

    /// A template after its protocol word `proto`: `/mode[/src-dst][/level]`.
    /// libipsec `rule_check`: tunnel mode needs endpoints.
    fn template_rest(&mut self, proto: &str) -> Result<TemplateRest, SetkeyError> {
        self.expect(
            Tok::Punct('/'),
            "`/` and a mode (too few arguments in the template)",
        )?;
        let (mode, mode_pos) = self.template_mode()?;
        let mut endpoints = None;
        let mut level = Level::Default;
        if self.peek_is(&Tok::Punct('/')) {
            self.next();
            if self.peek_is(&Tok::Punct('/')) {
                self.next();
                level = self.level()?;
            } else if self.peek_word().is_some_and(is_level_word) {
                return Err(self.expected(
                    "src-dst addresses or `/` before the level (as in esp/transport//require)",
                ));
            } else if self.peek_word().is_some_and(|w| !is_template_start(w)) {
                endpoints = Some(self.endpoints()?);
                if self.peek_is(&Tok::Punct('/')) {
                    self.next();
                    if self.peek_word().is_some_and(is_level_word) {
                        level = self.level()?;
                    }
                }
            }
        }
        if mode == Mode::Tunnel && endpoints.is_none() {
            return Err(error(
                mode_pos,
                format!("tunnel mode needs endpoints: {proto}/tunnel/src-dst/level"),
            ));
        }
        Ok((mode, endpoints, level))
    }

    fn template_proto(&mut self) -> Result<(IpsecProto, Pos), SetkeyError> {
        let what = "a template protocol/mode/src-dst/level (esp or ah first)";
        let (word, pos) = self.word(what)?;
        match word.as_str() {
            "esp" => Ok((IpsecProto::Esp, pos)),
            "ah" => Ok((IpsecProto::Ah, pos)),
            _ => Err(error(pos, format!("expected {what}, found `{word}`"))),
        }
    }

    fn template_mode(&mut self) -> Result<(Mode, Pos), SetkeyError> {
        let (word, pos) = self.word("a template mode (transport or tunnel)")?;
        match word.as_str() {
            "transport" => Ok((Mode::Transport, pos)),
            "tunnel" => Ok((Mode::Tunnel, pos)),
            _ => Err(error(
                pos,
                format!("expected a template mode (transport or tunnel), found `{word}`"),
            )),
        }
    }

    /// `src-dst`: two IPv4 addresses joined by `-`.
    fn endpoints(&mut self) -> Result<(Ipv4Addr, Ipv4Addr), SetkeyError> {
        let (word, pos) = self.word("tunnel endpoints src-dst")?;
        if self.peek_is(&Tok::Punct('[')) {
            return Err(error(
                self.here(),
                "ports in tunnel endpoints (ESP in UDP, NAT traversal) are not supported yet",
            ));
        }
        if word == "me-any" || word == "any-me" {
            return Err(error(
                pos,
                format!("`{word}` endpoints are not supported by vpnlab"),
            ));
        }
        let Some((src, dst)) = word.split_once('-') else {
            return Err(error(
                pos,
                format!("expected tunnel endpoints src-dst, found `{word}`"),
            ));
        };
        let src = ipv4(src, pos)?;
        let dst = ipv4(dst, pos.right(word.len() - dst.len()))?;
        Ok((src, dst))
    }

    /// `default`, `use`, `require`, `unique` or `unique:reqid`.
    fn level(&mut self) -> Result<Level, SetkeyError> {
        let what = "a level (default, use, require or unique[:id])";
        let (word, pos) = self.word(what)?;
        match word.as_str() {
            "default" => Ok(Level::Default),
            "use" => Ok(Level::Use),
            "require" => Ok(Level::Require),
            "unique" => Ok(Level::Unique(None)),
            _ => match word.strip_prefix("unique:") {
                Some(id) => unique_reqid(id, pos),
                None => Err(error(pos, format!("expected {what}, found `{word}`"))),
            },
        }
    }
}

fn is_template_start(word: &str) -> bool {
    matches!(word, "esp" | "ah" | "ipcomp")
}

/// `unique:N`: 0 means "kernel picks", like plain `unique` (Linux af_key).
fn unique_reqid(id: &str, pos: Pos) -> Result<Level, SetkeyError> {
    match decimal(id) {
        Some(0) => Ok(Level::Unique(None)),
        Some(n) if n <= MANUAL_REQID_MAX => Ok(Level::Unique(u32::try_from(n).ok())),
        _ => Err(error(
            pos,
            format!(
                "unique:{id}: the reqid must be a number from 1 to {MANUAL_REQID_MAX} (Linux IPSEC_MANUAL_REQID_MAX)"
            ),
        )),
    }
}

/// Transport-mode endpoints are dropped: Linux (xfrm_tmpl_resolve_one)
/// uses the packet's own addresses in transport mode.
fn finish_template(
    proto: IpsecProto,
    mode: Mode,
    endpoints: Option<(Ipv4Addr, Ipv4Addr)>,
    level: Level,
) -> Template {
    Template {
        proto,
        mode,
        endpoints: if mode == Mode::Tunnel {
            endpoints
        } else {
            None
        },
        level,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const MD5_KEY: &str = "0xdf84cd88405b8faed89031e4118e6cf6";
    const DES3_KEY: &str = "0x78bab1a6380fa764e4be09da2e13d65076d503cf3089ea82";

    /// The first script of "IPsec on Linux 2.6" (Sys Admin, September 2003),
    /// exactly as printed: both code blocks, with the trailing blanks after
    /// some backslashes and semicolons.
    const ARTICLE_MANUAL: &str = concat!(
        "#!/usr/sbin/setkey -f\n",
        "#\n",
        "# File /etc/ipsec.conf\n",
        "\n",
        "# delete the SAD and SPD\n",
        "flush;\n",
        "spdflush;\n",
        "\n",
        "# manually keyed AH connection\n",
        "# add <IP> <IP> <protocol> <SPI> -A <algorithm> <key>\n",
        "add 192.168.1.5 192.168.2.5 ah 0x300 -A hmac-md5 \\\n",
        "    0xdf84cd88405b8faed89031e4118e6cf6;\n",
        "add 192.168.2.5 192.168.1.5 ah 0x400 -A hmac-md5 \\\n",
        "    0xdf84cd88405b8faed89031e4118e6cf6;\n",
        "\n",
        "# manually keyed ESP connection\n",
        "# add <IP> <IP> <protocol> <SPI> -E <algorithm> <key>\n",
        "add 192.168.1.5 192.168.2.5 esp 0x301 -E 3des-cbc \\  \n",
        " 0x78bab1a6380fa764e4be09da2e13d65076d503cf3089ea82;  \n",
        "add 192.168.2.5 192.168.1.5 esp 0x401 -E 3des-cbc \\  \n",
        " 0x78bab1a6380fa764e4be09da2e13d65076d503cf3089ea82;  \n",
        "  \n",
        "# Security policies define when to use which SA  \n",
        "spdadd 192.168.1.5 192.168.2.5 any -P out ipsec  \n",
        "      esp/transport//require  \n",
        "      ah/transport//require;  \n",
        "  \n",
        "spdadd 192.168.2.5 192.168.1.5 any -P in ipsec  \n",
        "      esp/transport//require  \n",
        "      ah/transport//require;\n",
    );

    /// The same article's policies for racoon, both code blocks.
    const ARTICLE_RACOON: &str = concat!(
        "#!/usr/sbin/setkey -f\n",
        "#\n",
        "# Flush the SAD and SPD\n",
        "flush;\n",
        "spdflush;\n",
        "\n",
        "# Security policies for racoon\n",
        "spdadd 192.168.1.5 192.168.2.5 any -P out ipsec\n",
        "esp/transport//require;  \n",
        "  \n",
        "spdadd 192.168.2.5 192.168.1.5 any -P in ipsec  \n",
        "esp/transport//require;\n",
    );

    /// The article's script on one line per statement (the brief's form).
    const ARTICLE_COMPACT: &str = concat!(
        "flush;\n",
        "spdflush;\n",
        "add 192.168.1.5 192.168.2.5 ah 0x300 -A hmac-md5 0xdf84cd88405b8faed89031e4118e6cf6;\n",
        "add 192.168.2.5 192.168.1.5 ah 0x400 -A hmac-md5 0xdf84cd88405b8faed89031e4118e6cf6;\n",
        "add 192.168.1.5 192.168.2.5 esp 0x301 -E 3des-cbc 0x78bab1a6380fa764e4be09da2e13d65076d503cf3089ea82;\n",
        "add 192.168.2.5 192.168.1.5 esp 0x401 -E 3des-cbc 0x78bab1a6380fa764e4be09da2e13d65076d503cf3089ea82;\n",
        "spdadd 192.168.1.5 192.168.2.5 any -P out ipsec esp/transport//require ah/transport//require;\n",
        "spdadd 192.168.2.5 192.168.1.5 any -P in ipsec esp/transport//require ah/transport//require;\n",
    );

    fn ip(text: &str) -> Ipv4Addr {
        text.parse().unwrap()
    }

    fn hex(text: &str) -> Vec<u8> {
        hex_key(text, Pos { line: 1, column: 1 }).unwrap()
    }

    fn commands(text: &str) -> Vec<Request> {
        match parse(text) {
            Ok(statements) => statements.into_iter().map(|s| s.command).collect(),
            Err(e) => panic!("{text:?} failed: {e}"),
        }
    }

    fn one(text: &str) -> Request {
        let mut all = commands(text);
        assert_eq!(all.len(), 1, "{text}");
        all.remove(0)
    }

    fn sa(text: &str) -> SaSpec {
        match one(text) {
            Request::Add(sa) => sa,
            other => panic!("not an add: {other:?}"),
        }
    }

    fn policy(text: &str) -> PolicySpec {
        match one(text) {
            Request::SpdAdd(p) => p,
            other => panic!("not an spdadd: {other:?}"),
        }
    }

    fn host(addr: &str) -> Prefix {
        Prefix::new(ip(addr), 32)
    }

    fn transport(proto: IpsecProto, level: Level) -> Template {
        Template {
            proto,
            mode: Mode::Transport,
            endpoints: None,
            level,
        }
    }

    fn ah_sa(src: &str, dst: &str, spi: u32) -> SaSpec {
        SaSpec {
            encap: None,
            src: ip(src),
            dst: ip(dst),
            proto: IpsecProto::Ah,
            spi,
            mode: Mode::Any,
            reqid: 0,
            replay_window: 0,
            enc: None,
            auth: Some((AuthAlg::HmacMd5, hex(MD5_KEY))),
            hard: Lifetime::default(),
            soft: Lifetime::default(),
        }
    }

    fn esp_sa(src: &str, dst: &str, spi: u32) -> SaSpec {
        SaSpec {
            encap: None,
            proto: IpsecProto::Esp,
            enc: Some((EncAlg::TripleDesCbc, hex(DES3_KEY))),
            auth: None,
            ..ah_sa(src, dst, spi)
        }
    }

    fn bundle_policy(src: &str, dst: &str, dir: Direction) -> PolicySpec {
        PolicySpec {
            selector: Selector {
                src: host(src).into(),
                dst: host(dst).into(),
                src_port: None,
                dst_port: None,
                upper: Upper::Any,
            },
            dir,
            action: Action::Ipsec,
            templates: vec![
                transport(IpsecProto::Esp, Level::Require),
                transport(IpsecProto::Ah, Level::Require),
            ],
            priority: 0,
        }
    }

    fn article_commands() -> Vec<Request> {
        vec![
            Request::Flush(None),
            Request::SpdFlush,
            Request::Add(ah_sa("192.168.1.5", "192.168.2.5", 0x300)),
            Request::Add(ah_sa("192.168.2.5", "192.168.1.5", 0x400)),
            Request::Add(esp_sa("192.168.1.5", "192.168.2.5", 0x301)),
            Request::Add(esp_sa("192.168.2.5", "192.168.1.5", 0x401)),
            Request::SpdAdd(bundle_policy("192.168.1.5", "192.168.2.5", Direction::Out)),
            Request::SpdAdd(bundle_policy("192.168.2.5", "192.168.1.5", Direction::In)),
        ]
    }

    // -- the article ---------------------------------------------------------

    #[test]
    fn article_manual_keying_script() {
        assert_eq!(commands(ARTICLE_MANUAL), article_commands());
        let positions: Vec<(u32, u32)> = parse(ARTICLE_MANUAL)
            .unwrap()
            .iter()
            .map(|s| (s.line, s.column))
            .collect();
        assert_eq!(
            positions,
            [
                (6, 1),
                (7, 1),
                (11, 1),
                (13, 1),
                (18, 1),
                (20, 1),
                (24, 1),
                (28, 1)
            ]
        );
    }

    #[test]
    fn article_script_on_single_lines() {
        assert_eq!(commands(ARTICLE_COMPACT), article_commands());
    }

    #[test]
    fn article_racoon_policies() {
        let esp_only = |src: &str, dst: &str, dir| PolicySpec {
            templates: vec![transport(IpsecProto::Esp, Level::Require)],
            ..bundle_policy(src, dst, dir)
        };
        assert_eq!(
            commands(ARTICLE_RACOON),
            vec![
                Request::Flush(None),
                Request::SpdFlush,
                Request::SpdAdd(esp_only("192.168.1.5", "192.168.2.5", Direction::Out)),
                Request::SpdAdd(esp_only("192.168.2.5", "192.168.1.5", Direction::In)),
            ]
        );
    }

    // -- SAD commands and options --------------------------------------------

    #[test]
    fn sa_defaults_match_setkey() {
        let sa = sa("add 10.0.0.1 10.0.0.2 esp 256 -E null;");
        assert_eq!(sa.spi, 256);
        assert_eq!(sa.mode, Mode::Any);
        assert_eq!((sa.reqid, sa.replay_window), (0, 0));
        assert_eq!(
            (sa.hard, sa.soft),
            (Lifetime::default(), Lifetime::default())
        );
        assert_eq!(sa.enc, Some((EncAlg::Null, Vec::new())));
        assert_eq!(sa.auth, None);
    }

    #[test]
    fn sa_extensions() {
        let sa = sa(
            "add -4n 10.0.0.1 10.0.0.2 esp 0x1000 -m tunnel -r 32 -u 7 -f seq-pad \
                     -lh 3600 -ls 3000 -bh 1000000 -bs 900000 -E null -A null;",
        );
        assert_eq!(sa.mode, Mode::Tunnel);
        assert_eq!((sa.replay_window, sa.reqid), (32, 7));
        assert_eq!(
            sa.hard,
            Lifetime {
                seconds: 3600,
                bytes: 1_000_000
            }
        );
        assert_eq!(
            sa.soft,
            Lifetime {
                seconds: 3000,
                bytes: 900_000
            }
        );
        assert_eq!(sa.auth, Some((AuthAlg::Null, Vec::new())));
    }

    #[test]
    fn sa_modes_and_last_option_wins() {
        let base = "add 10.0.0.1 10.0.0.2 esp 0x1000";
        assert_eq!(
            sa(&format!("{base} -m transport -E null;")).mode,
            Mode::Transport
        );
        assert_eq!(sa(&format!("{base} -m any -E null;")).mode, Mode::Any);
        assert_eq!(
            sa(&format!("{base} -m tunnel -m transport -E null;")).mode,
            Mode::Transport
        );
    }

    #[test]
    fn pad_options_are_accepted_as_linux_ignores_them() {
        for option in ["zero-pad", "random-pad", "seq-pad", "nocyclic-seq"] {
            let sa = sa(&format!(
                "add 10.0.0.1 10.0.0.2 esp 0x1000 -f {option} -E null;"
            ));
            assert_eq!(sa.enc, Some((EncAlg::Null, Vec::new())));
        }
    }

    #[test]
    fn keys_hex_and_quoted() {
        let sa = sa(
            "add 10.0.0.1 10.0.0.2 esp 4096 -E aes-cbc \"0123456789abcdef\" \
                     -A hmac-sha1 0X00112233445566778899AABBCCDDEEFF00112233;",
        );
        assert_eq!(sa.enc, Some((EncAlg::AesCbc, b"0123456789abcdef".to_vec())));
        let (alg, key) = sa.auth.unwrap();
        assert_eq!(alg, AuthAlg::HmacSha1);
        assert_eq!(key[..3], [0x00, 0x11, 0x22]);
        assert_eq!(key.len(), 20);
    }

    #[test]
    fn algorithm_aliases_and_aead() {
        let key20 = format!("0x{}", "ab".repeat(20));
        let gcm = sa(&format!(
            "add 10.0.0.1 10.0.0.2 esp 0x1000 -E rijndael-gcm-16 {key20};"
        ));
        assert_eq!(gcm.enc.map(|(a, _)| a), Some(EncAlg::AesGcm16));
        let sa2 = sa(&format!(
            "add 10.0.0.1 10.0.0.2 ah 0x1000 -A hmac-sha2-256 0x{};",
            "01".repeat(32)
        ));
        assert_eq!(sa2.auth.map(|(a, _)| a), Some(AuthAlg::HmacSha256));
    }

    #[test]
    fn null_cipher_takes_an_empty_string_too() {
        let sa = sa("add 10.0.0.1 10.0.0.2 esp 0x1000 -E null \"\" -A null \"\";");
        assert_eq!(sa.enc, Some((EncAlg::Null, Vec::new())));
        assert_eq!(sa.auth, Some((AuthAlg::Null, Vec::new())));
    }

    #[test]
    fn delete_get_deleteall_flush_dump() {
        let (src, dst) = (ip("10.0.0.1"), ip("10.0.0.2"));
        assert_eq!(
            commands(
                "delete 10.0.0.1 10.0.0.2 esp 0x301; get -n 10.0.0.1 10.0.0.2 ah 1000 -m any;\n\
                 deleteall 10.0.0.1 10.0.0.2 esp; flush esp; flush ah; dump; dump esp; spddump;"
            ),
            vec![
                Request::Delete {
                    src,
                    dst,
                    proto: IpsecProto::Esp,
                    spi: 0x301
                },
                Request::Get {
                    src,
                    dst,
                    proto: IpsecProto::Ah,
                    spi: 1000
                },
                Request::DeleteAll {
                    src,
                    dst,
                    proto: IpsecProto::Esp
                },
                Request::Flush(Some(IpsecProto::Esp)),
                Request::Flush(Some(IpsecProto::Ah)),
                Request::Dump(None),
                Request::Dump(Some(IpsecProto::Esp)),
                Request::SpdDump,
            ]
        );
    }

    #[test]
    fn exit_ends_the_script() {
        assert_eq!(
            commands("flush; exit; this is never read"),
            vec![Request::Flush(None)]
        );
        assert_eq!(commands("spdflush;\nquit;"), vec![Request::SpdFlush]);
        assert_eq!(commands("bye;"), vec![]);
        assert_eq!(commands("  # only a comment\n"), vec![]);
    }

    // -- SPD commands ---------------------------------------------------------

    #[test]
    fn tunnel_templates() {
        let p = policy(
            "spdadd 10.0.1.0/24 10.0.2.0/24 any -P out ipsec esp/tunnel/192.168.1.5-192.168.2.5/require;",
        );
        assert_eq!(p.selector.src, Prefix::new(ip("10.0.1.0"), 24).into());
        assert_eq!(p.selector.dst, Prefix::new(ip("10.0.2.0"), 24).into());
        assert_eq!(
            p.templates,
            [Template {
                proto: IpsecProto::Esp,
                mode: Mode::Tunnel,
                endpoints: Some((ip("192.168.1.5"), ip("192.168.2.5"))),
                level: Level::Require,
            }]
        );
    }

    #[test]
    fn template_forms_and_levels() {
        let templates = |rules: &str| {
            policy(&format!(
                "spdadd 10.0.0.1 10.0.0.2 any -P out ipsec {rules};"
            ))
            .templates
        };
        let tunnel = |level| Template {
            proto: IpsecProto::Esp,
            mode: Mode::Tunnel,
            endpoints: Some((ip("1.2.3.4"), ip("5.6.7.8"))),
            level,
        };
        assert_eq!(
            templates("esp/tunnel/1.2.3.4-5.6.7.8"),
            [tunnel(Level::Default)]
        );
        assert_eq!(
            templates("esp/tunnel/1.2.3.4-5.6.7.8/"),
            [tunnel(Level::Default)]
        );
        assert_eq!(
            templates("esp/tunnel/1.2.3.4-5.6.7.8/use"),
            [tunnel(Level::Use)]
        );
        assert_eq!(
            templates("esp/tunnel/1.2.3.4-5.6.7.8/unique"),
            [tunnel(Level::Unique(None))]
        );
        assert_eq!(
            templates("esp/tunnel/1.2.3.4-5.6.7.8/unique:5"),
            [tunnel(Level::Unique(Some(5)))]
        );
        assert_eq!(
            templates("esp/tunnel/1.2.3.4-5.6.7.8/unique:0"),
            [tunnel(Level::Unique(None))]
        );
        assert_eq!(
            templates("ah/transport"),
            [transport(IpsecProto::Ah, Level::Default)]
        );
        assert_eq!(
            templates("ah/transport/"),
            [transport(IpsecProto::Ah, Level::Default)]
        );
        assert_eq!(
            templates("ah/transport//default"),
            [transport(IpsecProto::Ah, Level::Default)]
        );
        // Linux ignores transport-mode endpoints (xfrm_tmpl_resolve_one).
        assert_eq!(
            templates("esp/transport/1.2.3.4-5.6.7.8/require"),
            [transport(IpsecProto::Esp, Level::Require)]
        );
    }

    #[test]
    fn bundles_keep_their_order() {
        let p = policy(
            "spdadd 10.0.1.0/24 10.0.2.0/24 any -P in ipsec\n\
             \tesp/transport//require ah/transport//use\n\
             \tesp/tunnel/1.2.3.4-5.6.7.8 ah/tunnel/1.2.3.4-5.6.7.8/unique:3;",
        );
        let kinds: Vec<(IpsecProto, Mode, Level)> = p
            .templates
            .iter()
            .map(|t| (t.proto, t.mode, t.level))
            .collect();
        assert_eq!(
            kinds,
            [
                (IpsecProto::Esp, Mode::Transport, Level::Require),
                (IpsecProto::Ah, Mode::Transport, Level::Use),
                (IpsecProto::Esp, Mode::Tunnel, Level::Default),
                (IpsecProto::Ah, Mode::Tunnel, Level::Unique(Some(3))),
            ]
        );
    }

    #[test]
    fn ports_and_upper_protocols() {
        let p = policy(
            "spdadd 10.0.11.41/32[21] 10.0.11.33/32[any] tcp -P out ipsec esp/transport//use;",
        );
        assert_eq!((p.selector.src_port, p.selector.dst_port), (Some(21), None));
        assert_eq!(p.selector.upper, Upper::Protocol(6));
        let upper = |u: &str| {
            policy(&format!(
                "spdadd 0.0.0.0/0[0] 10.0.0.0/8[65535] {u} -P fwd none;"
            ))
            .selector
        };
        assert_eq!(upper("udp").dst_port, Some(65535));
        assert_eq!(upper("udp").src_port, None);
        assert_eq!(upper("icmp").upper, Upper::Protocol(1));
        assert_eq!(upper("gre").upper, Upper::Protocol(47));
        assert_eq!(upper("ipencap").upper, Upper::Protocol(4));
        assert_eq!(upper("esp").upper, Upper::Protocol(50));
        assert_eq!(upper("ah").upper, Upper::Protocol(51));
        assert_eq!(upper("UDP").upper, Upper::Protocol(17));
        assert_eq!(upper("132").upper, Upper::Protocol(132));
        assert_eq!(upper("255").upper, Upper::Any);
        assert_eq!(upper("0").upper, Upper::Any);
        assert_eq!(upper("any").upper, Upper::Any);
        assert_eq!(upper("any").src, Prefix::DEFAULT.into());
    }

    #[test]
    fn actions() {
        assert_eq!(
            policy("spdadd 10.0.0.1 10.0.0.2 any -P out discard;").action,
            Action::Discard
        );
        let p = policy("spdadd 10.0.0.1 10.0.0.2 any -P fwd none;");
        assert_eq!(
            (p.action, p.dir, p.templates.len()),
            (Action::None, Direction::Fwd, 0)
        );
    }

    /// setkey.c `f_rfcmode` + parse.y `setkeymsg_spdaddr`: an `in` policy
    /// is sent again as `fwd`, its first `unique` template as `require`;
    /// `spddelete` of an `in` policy deletes the `fwd` one too.
    #[test]
    fn rfc_mode_adds_a_fwd_policy_to_every_in_policy() {
        let add = policy(
            "spdadd 10.2.0.0/24 10.1.0.0/24 any -P in ipsec esp/tunnel/2.2.2.2-1.1.1.1/unique:7 ah/transport//unique;",
        );
        let requests = kernel_requests(Request::SpdAdd(add.clone()));
        let [Request::SpdAdd(first), Request::SpdAdd(fwd)] = &requests[..] else {
            panic!("expected two spdadds: {requests:?}");
        };
        assert_eq!(first, &add);
        assert_eq!(fwd.dir, Direction::Fwd);
        assert_eq!(fwd.templates[0].level, Level::Require);
        assert_eq!(fwd.templates[1].level, Level::Unique(None));
        let out = policy("spdadd 10.1.0.0/24 10.2.0.0/24 any -P out none;");
        assert_eq!(kernel_requests(Request::SpdAdd(out)).len(), 1);
        let delete = Request::SpdDelete {
            selector: add.selector,
            dir: Direction::In,
        };
        assert_eq!(
            kernel_requests(delete)[1],
            Request::SpdDelete {
                selector: add.selector,
                dir: Direction::Fwd
            }
        );
    }

    #[test]
    fn priorities() {
        let prio = |spec: &str| {
            policy(&format!("spdadd 10.0.0.1 10.0.0.2 any -P out {spec} none;")).priority
        };
        assert_eq!(prio(""), 0);
        assert_eq!(prio("prio def"), 0);
        assert_eq!(prio("prio 10"), -10);
        assert_eq!(prio("priority -10"), 10);
        assert_eq!(prio("prio high"), -(1 << 30));
        assert_eq!(prio("prio low"), 1 << 30);
        assert_eq!(prio("prio def + 5"), -5);
        assert_eq!(prio("prio def+5"), -5);
        assert_eq!(prio("prio def - 5"), 5);
        assert_eq!(prio("prio def -5"), 5);
        assert_eq!(prio("prio high + 1073741824"), i32::MIN);
        assert_eq!(prio("prio low - 1073741823"), i32::MAX);
        assert_eq!(prio("prio 2147483648"), i32::MIN);
        assert_eq!(prio("prio -2147483647"), i32::MAX);
        let p = policy("spdadd 10.0.0.1 10.0.0.2 any -P in prio 100 ipsec esp/transport//require;");
        assert_eq!((p.priority, p.templates.len()), (-100, 1));
    }

    #[test]
    fn spddelete_with_and_without_policy() {
        let selector = Selector {
            src: Prefix::new(ip("10.0.1.0"), 24).into(),
            dst: host("10.0.2.1").into(),
            src_port: None,
            dst_port: Some(80),
            upper: Upper::Protocol(6),
        };
        let expected = Request::SpdDelete {
            selector,
            dir: Direction::Out,
        };
        assert_eq!(
            one("spddelete 10.0.1.0/24 10.0.2.1[80] tcp -P out;"),
            expected
        );
        assert_eq!(
            one("spddelete -n 10.0.1.0/24 10.0.2.1[80] tcp -P out ipsec esp/transport//require;"),
            expected
        );
    }

    // -- lexical details ------------------------------------------------------

    #[test]
    fn comments_and_continuations() {
        let text = "# leading comment\n\
                    flush; # trailing comment\n\
                    spdadd 10.0.0.1 10.0.0.2 any # comment inside a statement\n\
                    \x20 -P out ipsec # and inside the policy\n\
                    \x20 esp/transport//require;\n\
                    add 10.0.0.1 \\\n 10.0.0.2 \\ \t\r\n esp 0x1000 -E null;\r\n\
                    spdflush;";
        let statements = parse(text).unwrap();
        let at: Vec<(u32, u32)> = statements.iter().map(|s| (s.line, s.column)).collect();
        assert_eq!(at, [(2, 1), (3, 1), (6, 1), (9, 1)]);
        assert!(matches!(statements[1].command, Request::SpdAdd(_)));
    }

    #[test]
    fn several_statements_per_line_and_split_words() {
        let all = commands("flush;spdflush ;\n\nspddump\n;");
        assert_eq!(
            all,
            vec![Request::Flush(None), Request::SpdFlush, Request::SpdDump]
        );
    }

    // -- errors ---------------------------------------------------------------

    /// (script, line, column, part of the message)
    #[rustfmt::skip]
    const ERRORS: &[(&str, u32, u32, &str)] = &[
        // lexical
        ("flush; @", 1, 8, "unexpected character `@`"),
        ("flush \\ ;", 1, 7, "backslash"),
        ("add 10.0.0.1 10.0.0.2 ah 0x300 -A hmac-md5 \"abc", 1, 44, "unterminated quoted string"),
        ("flush; # ünïcödé\nflush; ü", 2, 8, "unexpected character `ü`"),
        // commands and statement structure
        (";", 1, 1, "expected a command"),
        ("flush;\n  update 1.2.3.4;", 2, 3, "unknown command `update`"),
        ("frobnicate;", 1, 1, "unknown command `frobnicate`"),
        ("getspi 10.0.0.1 10.0.0.2 esp 0x1000;", 1, 1, "`getspi` is not supported"),
        ("spdupdate 10.0.0.1 10.0.0.2 any -P out none;", 1, 1, "`spdupdate` is not supported"),
        ("flush", 1, 6, "expected `;` to end the statement (or a protocol: esp, ah or ipcomp), found the end of the script"),
        ("flush foo;", 1, 7, "expected a protocol (esp, ah or ipcomp), found `foo`"),
        ("spdflush spddump;", 1, 10, "expected `;` to end the statement, found `spddump`"),
        ("exit", 1, 5, "expected `;`"),
        ("add 10.0.0.1", 1, 13, "expected a destination address, found the end of the script"),
        // addresses
        ("add ::1 ::2 esp 0x1000 -E null;", 1, 5, "IPv6 is not supported yet"),
        ("add -6 10.0.0.1 10.0.0.2 esp 0x1000 -E null;", 1, 5, "IPv6 is not supported yet"),
        ("add host.example 10.0.0.2 esp 0x1000 -E null;", 1, 5, "expected an IPv4 address"),
        ("add 10.0.0.1[500] 10.0.0.2 esp 0x1000 -E null;", 1, 13, "ports on SA addresses"),
        ("add 10.0.0.1/24 10.0.0.2 esp 0x1000 -E null;", 1, 13, "no prefix length"),
        // protocols and SPIs
        ("add 10.0.0.1 10.0.0.2 foo 0x300 -E null;", 1, 23, "expected a protocol (esp, ah or ipcomp), found `foo`"),
        ("add 10.0.0.1 10.0.0.2 esp-old 0x300 -E null;", 1, 23, "`esp-old` is not supported"),
        ("flush tcp;", 1, 7, "`tcp` is not supported"),
        ("delete 10.0.0.1 10.0.0.2 esp;", 1, 29, "expected an SPI"),
        ("add 10.0.0.1 10.0.0.2 esp zz -E null;", 1, 27, "expected an SPI"),
        ("add 10.0.0.1 10.0.0.2 esp 0x100000000 -E null;", 1, 27, "does not fit in 32 bits"),
        ("add 10.0.0.1 10.0.0.2 esp 255 -E null;", 1, 27, "SPI 255 is reserved"),
        ("add 10.0.0.1 10.0.0.2 esp 0 -E null;", 1, 27, "SPI 0 is reserved"),
        // extensions
        ("add 10.0.0.1 10.0.0.2 esp 0x300 -m foo -E null;", 1, 36, "expected a mode after -m"),
        ("add 10.0.0.1 10.0.0.2 esp 0x300 -r 256 -E null;", 1, 36, "replay window 256 is too large"),
        ("add 10.0.0.1 10.0.0.2 esp 0x300 -r 0x10 -E null;", 1, 36, "decimal number"),
        ("add 10.0.0.1 10.0.0.2 esp 0x300 -u 4294967296 -E null;", 1, 36, "too large"),
        ("add 10.0.0.1 10.0.0.2 esp 0x300 -f foo-pad -E null;", 1, 36, "zero-pad, random-pad, seq-pad or nocyclic-seq"),
        ("add 10.0.0.1 10.0.0.2 esp 0x300 -ctx 1 1 \"x\" -E null;", 1, 33, "security contexts"),
        ("add 10.0.0.1 10.0.0.2 esp 0x300 -E null -m tunnel;", 1, 41, "must come before the algorithms"),
        // algorithms
        ("add 10.0.0.1 10.0.0.2 esp 0x300 -E foo 0x00;", 1, 36, "unknown encryption algorithm `foo`"),
        ("add 10.0.0.1 10.0.0.2 esp 0x300 -E des-deriv 0x00;", 1, 36, "`des-deriv` is not supported by vpnlab"),
        ("add 10.0.0.1 10.0.0.2 esp 0x300 -E blowfish-cbc 0x00;", 1, 49, "key for blowfish-cbc is 1 byte; blowfish-cbc needs 5 to 56 bytes"),
        ("add 10.0.0.1 10.0.0.2 ah 0x300 -A foo 0x00;", 1, 35, "unknown authentication algorithm `foo`"),
        ("add 10.0.0.1 10.0.0.2 ah 0x300 -A aes-xcbc-mac 0x00;", 1, 35, "`aes-xcbc-mac` is not supported by vpnlab"),
        ("add 10.0.0.1 10.0.0.2 ah 0x300;", 1, 31, "AH needs an authentication algorithm"),
        ("add 10.0.0.1 10.0.0.2 ah 0x300 -E null;", 1, 32, "AH does not encrypt"),
        ("add 10.0.0.1 10.0.0.2 esp 0x300;", 1, 32, "ESP needs an encryption algorithm"),
        ("add 10.0.0.1 10.0.0.2 esp 0x300 -A hmac-md5 0xdf84cd88405b8faed89031e4118e6cf6;", 1, 33, "ESP needs -E"),
        ("add 10.0.0.1 10.0.0.2 esp 0x300 -E aes-gcm-16 0x0000000000000000000000000000000000000000 \
          -A hmac-sha1 0x0000000000000000000000000000000000000000;", 1, 90, "aes-gcm-16 carries its own integrity check"),
        ("add 10.0.0.1 10.0.0.2 esp 0x300 -A null -E null;", 1, 41, "-E must come before -A"),
        ("add 10.0.0.1 10.0.0.2 esp 0x300 -C deflate;", 1, 33, "ESP takes no -C: compression is an SA of its own"),
        ("add 10.0.0.1 10.0.0.2 esp 0x300 -E null -C deflate;", 1, 41, "ESP takes no -C"),
        // IPComp SAs
        ("add 10.0.0.1 10.0.0.2 ipcomp 0x1000 -C lzs;", 1, 40, "compression algorithm `lzs` is not supported by vpnlab: only deflate"),
        ("add 10.0.0.1 10.0.0.2 ipcomp 0x1000 -C oui -R;", 1, 40, "`oui` is not supported by vpnlab: only deflate"),
        ("add 10.0.0.1 10.0.0.2 ipcomp 0x1000 -C zstd;", 1, 40, "unknown compression algorithm `zstd`: expected deflate"),
        ("add 10.0.0.1 10.0.0.2 ipcomp 0x1000;", 1, 36, "expected -C deflate (an IPComp SA needs a compression algorithm)"),
        ("add 10.0.0.1 10.0.0.2 ipcomp 0x1000 -C;", 1, 39, "expected a compression algorithm after -C"),
        ("add 10.0.0.1 10.0.0.2 ipcomp 0x1000 -E null;", 1, 37, "IPComp takes -C calgo [-R], not -E"),
        ("add 10.0.0.1 10.0.0.2 ipcomp 0x1000 -A hmac-md5 0x00;", 1, 37, "not -A"),
        ("add 10.0.0.1 10.0.0.2 ipcomp 0x10000 -C deflate;", 1, 30, "does not fit the 16-bit CPI"),
        ("add 10.0.0.1 10.0.0.2 ipcomp 2 -C deflate;", 1, 30, "SPI 2 is reserved"),
        ("add 10.0.0.1 10.0.0.2 ipcomp 0x1000 -r 4 -C deflate;", 1, 37, "-r does not apply to IPComp"),
        ("add 10.0.0.1 10.0.0.2 ipcomp 0x1000 -lh 60 -C deflate;", 1, 37, "`-lh` is not supported on IPComp SAs"),
        ("add 10.0.0.1 10.0.0.2 ipcomp 0x1000 -C deflate -R -R;", 1, 51, "expected `;`"),
        ("add 10.0.0.1 10.0.0.2 ipcomp 0x1000 -C deflate -m tunnel;", 1, 48, "must come before the algorithms"),
        ("delete 10.0.0.1 10.0.0.2 ipcomp;", 1, 32, "expected an SPI"),
        // keys
        ("add 10.0.0.1 10.0.0.2 ah 0x300 -A hmac-md5 0xZZ;", 1, 44, "expected a hex key"),
        ("add 10.0.0.1 10.0.0.2 ah 0x300 -A hmac-md5 0x123;", 1, 44, "odd number of digits (3)"),
        ("add 10.0.0.1 10.0.0.2 ah 0x300 -A hmac-md5;", 1, 43, "expected a key for hmac-md5"),
        ("add 10.0.0.1 10.0.0.2 ah 0x300 -A hmac-md5 0x0011;", 1, 44, "key for hmac-md5 is 2 bytes; hmac-md5 needs 16 bytes"),
        ("add 10.0.0.1 10.0.0.2 esp 0x300 -E aes-cbc \"short\";", 1, 44, "key for aes-cbc is 5 bytes; aes-cbc needs 16, 24 or 32 bytes"),
        ("add 10.0.0.1 10.0.0.2 esp 0x300 -E null 0x00;", 1, 41, "key for null is 1 byte; null needs no key"),
        ("flush;\nadd 10.0.0.1 10.0.0.2 \\\n  esp 0x100 -E des-cbc 0x00;", 3, 24, "key for des-cbc is 1 byte; des-cbc needs 8 bytes"),
        // columns count characters, not bytes
        ("add 10.0.0.1 10.0.0.2 ah 0x300 -A hmac-md5 \"éééééééé\" -m tunnel;", 1, 55, "must come before the algorithms"),
        // selectors
        ("spdadd tagged \"x\" -P out none;", 1, 8, "`spdadd tagged`"),
        ("spdadd 10.0.0.0/33 10.0.0.0/8 any -P out none;", 1, 17, "prefix length from 0 to 32"),
        ("spdadd 10.0.0.0/8[http] 10.0.0.0/8 any -P out none;", 1, 19, "port number"),
        ("spdadd 10.0.0.0/8[80 10.0.0.0/8 any -P out none;", 1, 22, "expected `]` after the port"),
        ("spdadd 10.0.0.1 10.0.0.2 foo -P out none;", 1, 26, "expected an upper-layer protocol"),
        ("spdadd 10.0.0.1 10.0.0.2 300 -P out none;", 1, 26, "above 255"),
        ("spdadd 10.0.0.1 10.0.0.2 icmp 8,0 -P out none;", 1, 31, "ICMP type/code"),
        ("spdadd 10.0.0.1 10.0.0.2 any -ctx 1 1 \"x\" -P out none;", 1, 30, "security contexts"),
        // policies
        ("spdadd 10.0.0.1 10.0.0.2 any out none;", 1, 30, "expected -P"),
        ("spdadd 10.0.0.1 10.0.0.2 any -P up none;", 1, 33, "expected a direction"),
        ("spdadd 10.0.0.1 10.0.0.2 any -P out;", 1, 36, "expected a policy action"),
        ("spdadd 10.0.0.1 10.0.0.2 any -P out allow;", 1, 37, "expected a policy action"),
        ("spdadd 10.0.0.1 10.0.0.2 any -P out bypass;", 1, 37, "not supported on Linux"),
        ("spdadd 10.0.0.1 10.0.0.2 any -P out ipsec;", 1, 42, "expected a template"),
        ("spdadd 10.0.0.1 10.0.0.2 any -P out none esp/transport//require;", 1, 42, "only ipsec policies take templates"),
        ("spdadd 10.0.0.1 10.0.0.2 any -P out prio foo none;", 1, 42, "expected a priority"),
        ("spdadd 10.0.0.1 10.0.0.2 any -P out prio none;", 1, 42, "expected a priority"),
        ("spdadd 10.0.0.1 10.0.0.2 any -P out prio def + 1073741825 none;", 1, 42, "out of range"),
        ("spdadd 10.0.0.1 10.0.0.2 any -P out prio +5 none;", 1, 42, "expected a priority"),
        ("spdadd 10.0.0.1 10.0.0.2 any -P out prio 10 esp/transport//use;", 1, 45, "expected a policy action (discard, none or ipsec), found `esp`"),
        ("spdadd 10.0.0.1 10.0.0.2 any -P out prio def-x none;", 1, 42, "found `def-x`"),
        // templates
        ("spdadd 10.0.0.1 10.0.0.2 any -P out ipsec foo/transport//require;", 1, 43, "expected a template"),
        ("spdadd 10.0.0.1 10.0.0.2 any -P out ipsec esp/transport//require ipcomp/transport//use;", 1, 66, "IPComp only as the first (innermost) step"),
        ("spdadd 10.0.0.1 10.0.0.2 any -P out ipsec ipcomp/transport//use ipcomp/transport//use;", 1, 65, "IPComp only as the first"),
        ("spdadd 10.0.0.1 10.0.0.2 any -P out ipsec ipcomp/tunnel//use;", 1, 50, "tunnel mode needs endpoints: ipcomp/tunnel/src-dst/level"),
        ("spdadd 10.0.0.1 10.0.0.2 any -P out ipsec ipcomp/beet//use;", 1, 50, "expected a template mode"),
        ("spdadd 10.0.0.1 10.0.0.2 any -P out ipsec esp;", 1, 46, "too few arguments"),
        ("spdadd 10.0.0.1 10.0.0.2 any -P out ipsec esp/beet//require;", 1, 47, "expected a template mode"),
        ("spdadd 10.0.0.1 10.0.0.2 any -P out ipsec esp/tunnel//require;", 1, 47, "tunnel mode needs endpoints"),
        ("spdadd 10.0.0.1 10.0.0.2 any -P out ipsec esp/tunnel;", 1, 47, "tunnel mode needs endpoints"),
        ("spdadd 10.0.0.1 10.0.0.2 any -P out ipsec esp/tunnel/1.2.3.4/require;", 1, 54, "src-dst"),
        ("spdadd 10.0.0.1 10.0.0.2 any -P out ipsec esp/tunnel/1.2.3.4-1.2.3/require;", 1, 62, "expected an IPv4 address"),
        ("spdadd 10.0.0.1 10.0.0.2 any -P out ipsec esp/tunnel/::1-::2/require;", 1, 54, "IPv6 is not supported yet"),
        ("spdadd 10.0.0.1 10.0.0.2 any -P out ipsec esp/tunnel/1.2.3.4[4500]-5.6.7.8[4500]/require;", 1, 61, "ports in tunnel endpoints"),
        ("spdadd 10.0.0.1 10.0.0.2 any -P out ipsec esp/tunnel/me-any/require;", 1, 54, "`me-any`"),
        ("spdadd 10.0.0.1 10.0.0.2 any -P out ipsec esp/transport//must;", 1, 58, "expected a level"),
        ("spdadd 10.0.0.1 10.0.0.2 any -P out ipsec esp/transport//unique:99999;", 1, 58, "from 1 to 16383"),
        ("spdadd 10.0.0.1 10.0.0.2 any -P out ipsec esp/transport/require;", 1, 57, "src-dst addresses or `/` before the level"),
        ("spdadd 10.0.0.1 10.0.0.2 any -P out ipsec esp/transport//;", 1, 58, "expected a level"),
        ("spddelete 10.0.0.1 10.0.0.2 any;", 1, 32, "expected -P"),
    ];

    #[test]
    fn every_error_points_at_its_token() {
        let mut wrong = Vec::new();
        for (script, line, column, message) in ERRORS {
            match parse(script) {
                Ok(statements) => wrong.push(format!("{script:?} parsed: {statements:?}")),
                Err(e)
                    if (e.line, e.column) != (*line, *column) || !e.message.contains(message) =>
                {
                    wrong.push(format!(
                        "{script:?}: got {e}, wanted {line}:{column} {message:?}"
                    ));
                }
                Err(_) => {}
            }
        }
        assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    }

    #[test]
    fn error_display() {
        let e = parse("flush;\nspdflush").unwrap_err();
        assert_eq!(
            e.to_string(),
            "line 2, column 9: expected `;` to end the statement, found the end of the script"
        );
    }

    #[test]
    fn every_cut_of_the_article_fails_cleanly_or_parses() {
        let chars: Vec<char> = ARTICLE_MANUAL.chars().collect();
        let lines = u32::try_from(ARTICLE_MANUAL.lines().count()).unwrap() + 1;
        for cut in 0..=chars.len() {
            let text: String = chars[..cut].iter().collect();
            if let Err(e) = parse(&text) {
                assert!(
                    e.line >= 1 && e.line <= lines && e.column >= 1,
                    "cut {cut}: {e}"
                );
            }
        }
    }

    const SCRIPTS: &[&str] = &[
        ARTICLE_MANUAL,
        ARTICLE_RACOON,
        ARTICLE_COMPACT,
        "spdadd 10.0.1.0/24[80] 10.0.2.0/24[any] tcp -P out prio def + 5 ipsec \
         esp/tunnel/1.2.3.4-5.6.7.8/unique:3 ah/transport//use;\n\
         add 10.0.0.1 10.0.0.2 esp 0x1000 -m tunnel -r 32 -u 3 -f random-pad -lh 60 \
         -E aes-cbc \"0123456789abcdef\" -A hmac-sha1 \"01234567890123456789\";\n\
         spddelete 10.0.1.0/24 10.0.2.0/24 any -P in; deleteall 10.0.0.1 10.0.0.2 esp;",
    ];

    proptest! {
        #[test]
        fn arbitrary_text_never_panics(text in any::<String>()) {
            let _ = parse(&text);
        }

        #[test]
        fn setkey_alphabet_never_panics(text in "[a-z0-9 ./;:+\\[\\]\\-#\"\\\\\n\t]{0,300}") {
            if let Err(e) = parse(&text) {
                prop_assert!(e.line >= 1 && e.column >= 1);
            }
        }

        #[test]
        fn cuts_and_splices_of_valid_scripts_never_panic(
            which in 0..SCRIPTS.len(),
            start in 0usize..2000,
            len in 0usize..2000,
            insert in "[ -~\n]{0,8}",
        ) {
            let chars: Vec<char> = SCRIPTS[which].chars().collect();
            let start = start.min(chars.len());
            let end = start.saturating_add(len).min(chars.len());
            let cut: String = chars[..start].iter().chain(chars[end..].iter()).collect();
            let spliced: String = chars[..start].iter().copied().chain(insert.chars()).chain(chars[end..].iter().copied()).collect();
            let _ = parse(&cut);
            let _ = parse(&spliced);
        }

        #[test]
        fn token_soup_never_panics(words in proptest::collection::vec(proptest::sample::select(vec![
            "add", "spdadd", "spddelete", "delete", "get", "flush", "dump", "esp", "ah", "any",
            "10.0.0.1", "10.0.0.0/8", "[80]", "[any]", "0x300", "300", "-m", "tunnel", "transport",
            "-E", "-A", "null", "aes-cbc", "hmac-md5", "\"0123456789abcdef\"", "-P", "out", "in",
            "ipsec", "none", "discard", "prio", "def", "+", "-", "5", "esp/tunnel/1.2.3.4-5.6.7.8/require",
            "ah/transport//use", "/", ";", "\\\n", "#c\n", "-r", "-u", "-lh", "-f", "seq-pad",
        ]), 0..40)) {
            let _ = parse(&words.join(" "));
        }
    }
}
