//! print-domain.c domain_print (RFC 1035, RFC 6762 for mDNS) as
//! `tcpdump -n` prints it without `-v`: the header as id, flags and
//! counts, the questions of a query, the answers of a response, and the
//! message length. Names are printed with `fqdn_print`'s rules, pattern
//! bytes included (compression pointers, bit labels, escapes).
//!
//! Offsets are from the start of the DNS message (`bp`); the captured
//! bytes end at tcpdump's `ndo_snapend`. `Ok(None)` is a printer
//! returning NULL, `Err(Truncated)` a `longjmp`; both end the packet
//! with ` [|domain]` where tcpdump goes to `trunc`.
#![forbid(unsafe_code)]

use std::fmt::Write as _;

mod edns;
mod names;
mod records;
mod tables;
#[cfg(test)]
mod tests;

use crate::observe::tcpdump::{Cap, Res, Truncated};
use names::skip_name;
pub(super) use records::ipv6_text;
use records::{answer, question};
use tables::{OPCODES, RCODES};

/// RFC 1035 4.1.1: the header is 12 bytes.
const HEADER_LEN: usize = 12;
/// nameser.h: label types in the two top bits of a length byte.
const TYPE_MASK: u8 = 0xc0;
const TYPE_INDIR: u8 = 0xc0;
const TYPE_RESERVED: u8 = 0x80;
const TYPE_EDNS0: u8 = 0x40;
const EDNS0_ELT_BITLABEL: u8 = 0x01;
/// nameser.h MAXCDNAME.
const MAXCDNAME: usize = 255;
/// nameser.h C_IN, and mDNS's QU / cache-flush bit (RFC 6762 5.4, 10.2).
const C_IN: u16 = 1;
const C_QU: u16 = 0x8000;
const C_CACHE_FLUSH: u16 = 0x8000;
/// nameser.h IQUERY.
const IQUERY: u16 = 1;

/// nameser.h record types the printer treats specially.
const T_A: u16 = 1;
const T_NS: u16 = 2;
const T_CNAME: u16 = 5;
const T_PTR: u16 = 12;
const T_MX: u16 = 15;
const T_TXT: u16 = 16;
const T_AAAA: u16 = 28;
const T_SRV: u16 = 33;
const T_A6: u16 = 38;
const T_DNAME: u16 = 39;
const T_OPT: u16 = 41;
const T_UNSPECA: u16 = 104;
const T_URI: u16 = 256;

/// A printer's `const u_char *` result: `None` is NULL.
type At = Res<Option<usize>>;

/// The message being printed: its captured bytes and whether it is mDNS.
#[derive(Clone, Copy)]
struct Message<'a> {
    m: Cap<'a>,
    mdns: bool,
}

/// RFC 1035 4.1.1 header fields.
struct Header {
    id: u16,
    flags: u16,
    qd: u32,
    an: u32,
    ns: u32,
    ar: u32,
}

/// print-domain.c domain_print over UDP (`is_mdns` for port 5353).
pub(super) fn print(out: &mut String, p: Cap, length: usize, mdns: bool) -> Res {
    message(out, Message { m: p, mdns }, length)
}

/// print-domain.c domain_print over TCP: the RFC 1035 4.2.2 length
/// prefix must equal the rest of the segment, then a space and the
/// message as over UDP.
pub(in crate::observe) fn print_over_tcp(out: &mut String, p: Cap, length: usize) -> Res {
    let Some(length) = length.checked_sub(2) else {
        let _ = write!(out, " [DNS over TCP: length {length} < 2] (invalid)");
        return Ok(());
    };
    let prefix = p.be16(0)?;
    if usize::from(prefix) != length {
        let _ = write!(
            out,
            " [prefix length({prefix}) != length({length})] (invalid)"
        );
        return Ok(());
    }
    out.push(' ');
    let dns = Message {
        m: p.from(2),
        mdns: false,
    };
    message(out, dns, length)
}

/// print-domain.c domain_print after the TCP prefix.
fn message(out: &mut String, dns: Message, length: usize) -> Res {
    if length < HEADER_LEN {
        let _ = write!(out, "domain [length {length} < {HEADER_LEN}] (invalid)");
        return Ok(());
    }
    dns.m.need(0, HEADER_LEN)?;
    let h = Header {
        id: dns.m.be16(0)?,
        flags: dns.m.be16(2)?,
        qd: u32::from(dns.m.be16(4)?),
        an: u32::from(dns.m.be16(6)?),
        ns: u32::from(dns.m.be16(8)?),
        ar: u32::from(dns.m.be16(10)?),
    };
    let rcode = extended_rcode(dns.m, &h)?;
    let printed = if h.flags & 0x8000 != 0 {
        response(out, dns, &h, rcode)?
    } else {
        query(out, dns, &h)?
    };
    if !printed {
        return Err(Truncated);
    }
    let _ = write!(out, " ({length})");
    Ok(())
}

/// domain_print's first loops: the RCODE with the high bits an OPT
/// record carries in its TTL (RFC 6891 6.1.3), found by skipping every
/// record before it.
fn extended_rcode(m: Cap, h: &Header) -> Res<u16> {
    let rcode = h.flags & 0x000f;
    let end = m.len();
    let mut cp = HEADER_LEN;
    for _ in 0..h.qd {
        let Some(next) = skip_name(m, cp) else {
            return Ok(rcode);
        };
        cp = next + 4;
        if cp >= end {
            return Ok(rcode);
        }
    }
    for _ in 0..h.an + h.ns {
        let Some(next) = skip_name(m, cp) else {
            return Ok(rcode);
        };
        cp = next + 8;
        if cp + 2 > end {
            return Ok(rcode);
        }
        cp += 2 + usize::from(m.be16(cp)?);
        if cp >= end {
            return Ok(rcode);
        }
    }
    for _ in 0..h.ar {
        let Some(next) = skip_name(m, cp) else {
            return Ok(rcode);
        };
        cp = next;
        if cp + 2 > end {
            return Ok(rcode);
        }
        let rtype = m.be16(cp)?;
        cp += 4;
        if cp + 1 > end {
            return Ok(rcode);
        }
        if rtype == T_OPT {
            return Ok(rcode | (u16::from(m.u8(cp)?) << 4));
        }
        cp += 4;
        if cp + 2 > end {
            return Ok(rcode);
        }
        cp += 2 + usize::from(m.be16(cp)?);
        if cp >= end {
            return Ok(rcode);
        }
    }
    Ok(rcode)
}

/// print-domain.c ns_rcode.
fn rcode_name(rcode: u16) -> String {
    RCODES
        .get(usize::from(rcode))
        .map_or_else(|| format!(" Resp{}", rcode & 0xfff), |s| (*s).to_string())
}

/// domain_print for a query: id, opcode, RD `+`, CD `%`, odd bits,
/// unusual counts, then each question (`ns_qprint`). `false` where
/// tcpdump goes to `trunc`.
fn query(out: &mut String, dns: Message, h: &Header) -> Res<bool> {
    let opcode = (h.flags >> 11) & 0xf;
    let rd = if h.flags & 0x0100 != 0 { "+" } else { "" };
    let cd = if h.flags & 0x0010 != 0 { "%" } else { "" };
    let _ = write!(out, "{}{}{rd}{cd}", h.id, OPCODES[usize::from(opcode)]);
    if h.flags & 0x6cf != 0 {
        let _ = write!(out, " [b2&3=0x{:x}]", h.flags);
    }
    if opcode == IQUERY {
        if h.qd != 0 {
            let _ = write!(out, " [{}q]", h.qd);
        }
        if h.an != 1 {
            let _ = write!(out, " [{}a]", h.an);
        }
    } else {
        if h.an != 0 {
            let _ = write!(out, " [{}a]", h.an);
        }
        if h.qd != 1 {
            let _ = write!(out, " [{}q]", h.qd);
        }
    }
    if h.ns != 0 {
        let _ = write!(out, " [{}n]", h.ns);
    }
    if h.ar != 0 {
        let _ = write!(out, " [{}au]", h.ar);
    }
    let mut cp = HEADER_LEN;
    let mut left = h.qd;
    while left > 0 && (left == h.qd || cp < dns.m.len()) {
        match question(out, dns, cp)? {
            Some(next) => cp = next,
            None => return Ok(false),
        }
        left -= 1;
    }
    Ok(left == 0)
}

/// domain_print for a response: id, opcode, RCODE, AA `*`, no RA `-`,
/// TC `|`, AD `$`, the question count if not 1, the section counts and
/// each answer (`ns_rprint`). `false` where tcpdump goes to `trunc`.
fn response(out: &mut String, dns: Message, h: &Header, rcode: u16) -> Res<bool> {
    let f = h.flags;
    let _ = write!(
        out,
        "{}{}{}{}{}{}{}",
        h.id,
        OPCODES[usize::from((f >> 11) & 0xf)],
        rcode_name(rcode),
        if f & 0x0400 != 0 { "*" } else { "" },
        if f & 0x0080 != 0 { "" } else { "-" },
        if f & 0x0200 != 0 { "|" } else { "" },
        if f & 0x0020 != 0 { "$" } else { "" },
    );
    if h.qd != 1 {
        let _ = write!(out, " [{}q]", h.qd);
    }
    let mut cp = HEADER_LEN;
    for i in 0..h.qd {
        if i != 0 {
            out.push(',');
        }
        match skip_name(dns.m, cp) {
            Some(next) => cp = next + 4,
            None => return Ok(false),
        }
    }
    let _ = write!(out, " {}/{}/{}", h.an, h.ns, h.ar);
    let mut left = h.an;
    while left > 0 && (left == h.an || cp < dns.m.len()) {
        if left != h.an {
            out.push(',');
        }
        match answer(out, dns, cp)? {
            Some(next) => cp = next,
            None => return Ok(false),
        }
        left -= 1;
    }
    Ok(left == 0)
}
