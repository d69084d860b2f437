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
use std::net::{Ipv4Addr, Ipv6Addr};

use super::{print_n, tok};
use crate::observe::tcpdump::{Cap, Res, Truncated};

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

/// print-domain.c ns_type2str.
const TYPES: &[(u32, &str)] = &[
    (1, "A"),
    (2, "NS"),
    (3, "MD"),
    (4, "MF"),
    (5, "CNAME"),
    (6, "SOA"),
    (7, "MB"),
    (8, "MG"),
    (9, "MR"),
    (10, "NULL"),
    (11, "WKS"),
    (12, "PTR"),
    (13, "HINFO"),
    (14, "MINFO"),
    (15, "MX"),
    (16, "TXT"),
    (17, "RP"),
    (18, "AFSDB"),
    (19, "X25"),
    (20, "ISDN"),
    (21, "RT"),
    (22, "NSAP"),
    (23, "NSAP_PTR"),
    (24, "SIG"),
    (25, "KEY"),
    (26, "PX"),
    (27, "GPOS"),
    (28, "AAAA"),
    (29, "LOC"),
    (30, "NXT"),
    (31, "EID"),
    (32, "NIMLOC"),
    (33, "SRV"),
    (34, "ATMA"),
    (35, "NAPTR"),
    (36, "KX"),
    (37, "CERT"),
    (38, "A6"),
    (39, "DNAME"),
    (40, "SINK"),
    (41, "OPT"),
    (42, "APL"),
    (43, "DS"),
    (44, "SSHFP"),
    (45, "IPSECKEY"),
    (46, "RRSIG"),
    (47, "NSEC"),
    (48, "DNSKEY"),
    (99, "SPF"),
    (100, "UINFO"),
    (101, "UID"),
    (102, "GID"),
    (103, "UNSPEC"),
    (104, "UNSPECA"),
    (249, "TKEY"),
    (250, "TSIG"),
    (251, "IXFR"),
    (252, "AXFR"),
    (253, "MAILB"),
    (254, "MAILA"),
    (255, "ANY"),
    (256, "URI"),
];

/// print-domain.c ns_class2str.
const CLASSES: &[(u32, &str)] = &[(1, "IN"), (3, "CHAOS"), (4, "HS"), (255, "ANY")];

/// print-domain.c edns_opt2str.
const EDNS_OPTIONS: &[(u32, &str)] = &[
    (1, "LLQ"),
    (2, "UL"),
    (3, "NSID"),
    (5, "DAU"),
    (6, "DHU"),
    (7, "N3U"),
    (8, "ECS"),
    (9, "EXPIRE"),
    (10, "COOKIE"),
    (11, "KEEPALIVE"),
    (12, "PADDING"),
    (13, "CHAIN"),
    (14, "KEY-TAG"),
    (16, "CLIENT-TAG"),
    (17, "SERVER-TAG"),
];

/// print-domain.c dau_alg2str, dhu_alg2str and n3u_alg2str.
const DAU_ALGORITHMS: &[(u32, &str)] = &[
    (0, "DELETE"),
    (1, "RSAMD5"),
    (2, "DH"),
    (3, "DS"),
    (5, "RSASHA1"),
    (6, "DSA-NSEC3-SHA1"),
    (7, "RSASHA1-NSEC3-SHA1"),
    (8, "RSASHA256"),
    (10, "RSASHA512"),
    (12, "ECC-GOST"),
    (13, "ECDSAP256SHA256"),
    (14, "ECDSAP384SHA384"),
    (15, "ED25519"),
    (16, "ED448"),
    (252, "INDIRECT"),
    (253, "PRIVATEDNS"),
    (254, "PRIVATEOID"),
];
const DHU_ALGORITHMS: &[(u32, &str)] = &[
    (1, "SHA-1"),
    (2, "SHA-256"),
    (3, "GOST_R_34.11-94"),
    (4, "SHA-384"),
];
const N3U_ALGORITHMS: &[(u32, &str)] = &[(1, "SHA-1")];

/// print-domain.c ns_ops, by opcode.
const OPCODES: [&str; 16] = [
    "",
    " inv_q",
    " stat",
    " op3",
    " notify",
    " update",
    " op6",
    " op7",
    " op8",
    " updateA",
    " updateD",
    " updateDA",
    " updateM",
    " updateMA",
    " zoneInit",
    " zoneRef",
];

/// print-domain.c ns_resp (two entries lack their space in tcpdump).
const RCODES: [&str; 24] = [
    "",
    " FormErr",
    " ServFail",
    " NXDomain",
    " NotImp",
    " Refused",
    " YXDomain",
    " YXRRSet",
    " NXRRSet",
    " NotAuth",
    " NotZone",
    " Resp11",
    " Resp12",
    " Resp13",
    " Resp14",
    " NoChange",
    " BadVers",
    "Resp17",
    " Resp18",
    " Resp19",
    " Resp20",
    "Resp21",
    " Resp22",
    " BadCookie",
];

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

/// print-domain.c ns_nskip: the offset after the name at `cp`, `None`
/// where it is not captured or has an unknown label type.
fn skip_name(m: Cap, mut cp: usize) -> Option<usize> {
    let mut i = m.u8(cp).ok()?;
    cp += 1;
    while i != 0 {
        match i & TYPE_MASK {
            TYPE_INDIR => return Some(cp + 1),
            TYPE_EDNS0 => {
                if i & !TYPE_MASK != EDNS0_ELT_BITLABEL {
                    return None;
                }
                let bitlen = bit_length(m.u8(cp).ok()?);
                cp += 1 + bitlen.div_ceil(8);
            }
            TYPE_RESERVED => return None,
            _ => cp += usize::from(i),
        }
        i = m.u8(cp).ok()?;
        cp += 1;
    }
    Some(cp)
}

/// RFC 2673 3.1: a bit count of 0 means 256.
fn bit_length(count: u8) -> usize {
    match count {
        0 => 256,
        n => usize::from(n),
    }
}

/// print-domain.c labellen: the length `fqdn_print` steps over for the
/// label at `cp` (the whole byte for a pointer); `None` after printing
/// why for an unknown type.
fn label_len(out: &mut String, m: Cap, cp: usize) -> Option<usize> {
    let i = m.u8(cp).ok()?;
    match i & TYPE_MASK {
        TYPE_EDNS0 => {
            let elt = i & !TYPE_MASK;
            if elt != EDNS0_ELT_BITLABEL {
                let _ = write!(out, "<ELT {elt}>");
                return None;
            }
            Some(bit_length(m.u8(cp + 1).ok()?).div_ceil(8) + 1)
        }
        TYPE_RESERVED => {
            out.push_str("<BAD LABEL TYPE>");
            None
        }
        _ => Some(usize::from(i)),
    }
}

/// print-domain.c blabel_print: an RFC 2673 bit label as `\[xHEX/BITS]`.
/// tcpdump reads the bits unchecked, so running out is a `longjmp`.
fn bit_label(out: &mut String, m: Cap, cp: usize) -> Res<bool> {
    let Ok(count) = m.u8(cp) else {
        return Ok(false);
    };
    let bitlen = bit_length(count);
    out.push_str("\\[x");
    let (mut bitp, mut b) = (cp + 1, bitlen);
    while b > 7 {
        let _ = write!(out, "{:02x}", m.u8(bitp)?);
        b -= 8;
        bitp += 1;
    }
    if b > 4 {
        let _ = write!(out, "{:02x}", m.u8(bitp)? & (0xff << (8 - b)));
    } else if b > 0 {
        let _ = write!(out, "{:x}", (m.u8(bitp)? >> 4) & (0x0f << (4 - b)));
    }
    let _ = write!(out, "/{bitlen}]");
    Ok(true)
}

/// print-domain.c fqdn_print: the name at `cp`, labels joined and ended
/// by `.`, following compression pointers that point backwards from
/// `base`; the offset after the name where it was stored.
fn print_name(out: &mut String, m: Cap, cp: usize, base: usize) -> At {
    let Some(mut l) = label_len(out, m, cp) else {
        return Ok(None);
    };
    // (cp - bp) as u_int: negative for a CHAIN option's name.
    let mut max_offset = cp.wrapping_sub(base) as u32;
    let mut i = m.u8(cp)?;
    let mut cp = cp + 1;
    let mut rp = (i & TYPE_MASK != TYPE_INDIR).then_some(cp + l);
    if i == 0 {
        out.push('.');
        return Ok(rp);
    }
    let (mut compress, mut name_chars) = (false, 0usize);
    while i != 0 && cp < m.len() {
        match i & TYPE_MASK {
            TYPE_INDIR => {
                if !compress {
                    rp = Some(cp + 1);
                    compress = true;
                }
                let Ok(low) = m.u8(cp) else {
                    return Ok(None);
                };
                let offset = ((u32::from(i) << 8) | u32::from(low)) & 0x3fff;
                if offset >= max_offset {
                    out.push_str("<BAD PTR>");
                    return Ok(None);
                }
                max_offset = offset;
                cp = base.wrapping_add(offset as usize);
                let Ok(next) = m.u8(cp) else {
                    return Ok(None);
                };
                i = next;
                let Some(len) = label_len(out, m, cp) else {
                    return Ok(None);
                };
                l = len;
                cp += 1;
                continue;
            }
            TYPE_EDNS0 => {
                if i & !TYPE_MASK != EDNS0_ELT_BITLABEL {
                    let _ = write!(out, "<ELT {}>", i & !TYPE_MASK);
                    return Ok(None);
                }
                if !bit_label(out, m, cp)? {
                    return Ok(None);
                }
            }
            TYPE_RESERVED => {
                out.push_str("<BAD LABEL TYPE>");
                return Ok(None);
            }
            _ => {
                let room = MAXCDNAME.saturating_sub(name_chars).min(l);
                if room > 0 && print_n(out, m.from(cp), room) {
                    return Ok(None);
                }
                name_chars += l;
            }
        }
        cp += l;
        if name_chars <= MAXCDNAME {
            out.push('.');
        }
        name_chars += 1;
        let Ok(next) = m.u8(cp) else {
            return Ok(None);
        };
        i = next;
        let Some(len) = label_len(out, m, cp) else {
            return Ok(None);
        };
        l = len;
        cp += 1;
        if !compress {
            rp = rp.map(|r| r + l + 1);
        }
    }
    if name_chars > MAXCDNAME {
        out.push_str("<DOMAIN NAME TOO LONG>");
    }
    Ok(rp)
}

/// tok2str with a formatted default.
fn name_or(table: &[(u32, &'static str)], value: u16, default: impl Fn(u16) -> String) -> String {
    tok(table, u32::from(value)).map_or_else(|| default(value), str::to_string)
}

/// print-domain.c ns_qprint: ` TYPE[ CLASS][ (QU|QM)]? NAME`.
fn question(out: &mut String, dns: Message, np: usize) -> At {
    let m = dns.m;
    let Some(cp) = skip_name(m, np).filter(|&cp| m.has(cp, 4)) else {
        return Ok(None);
    };
    let qtype = m.be16(cp)?;
    let _ = write!(out, " {}", name_or(TYPES, qtype, |t| format!("Type{t}")));
    let qclass = m.be16(cp + 2)?;
    let class = if dns.mdns { qclass & !C_QU } else { qclass };
    if class != C_IN {
        let _ = write!(
            out,
            " {}",
            name_or(CLASSES, class, |c| format!("(Class {c})"))
        );
    }
    if dns.mdns {
        out.push_str(if qclass & C_QU != 0 { " (QU)" } else { " (QM)" });
    }
    out.push_str("? ");
    Ok(print_name(out, m, np, 0)?.map(|rp| rp + 4))
}

/// print-domain.c ns_rprint without `-v`: ` [CLASS ]TYPE DATA` of the
/// record at `cp`; the offset after its RDATA.
fn answer(out: &mut String, dns: Message, cp: usize) -> At {
    let m = dns.m;
    let Some(cp) = skip_name(m, cp).filter(|&cp| m.has(cp, 10)) else {
        return Ok(Some(m.len()));
    };
    let rtype = m.be16(cp)?;
    let raw_class = m.be16(cp + 2)?;
    let class = if dns.mdns {
        raw_class & !C_CACHE_FLUSH
    } else {
        raw_class
    };
    if class != C_IN && rtype != T_OPT {
        let _ = write!(
            out,
            " {}",
            name_or(CLASSES, class, |c| format!("(Class {c})"))
        );
    }
    if dns.mdns && raw_class & C_CACHE_FLUSH != 0 {
        out.push_str(" (Cache flush)");
    }
    let opt_flags = if rtype == T_OPT { m.be16(cp + 6)? } else { 0 };
    let len = usize::from(m.be16(cp + 8)?);
    let (cp, rp) = (cp + 10, cp + 10 + len);
    let _ = write!(out, " {}", name_or(TYPES, rtype, |t| format!("Type{t}")));
    if rp > m.len() {
        return Ok(None);
    }
    let rdata = Rdata { dns, cp, rp, len };
    let printed = match rtype {
        T_OPT => rdata.opt(out, class, opt_flags)?,
        _ => rdata.print(out, rtype)?,
    };
    Ok(printed.then_some(rp))
}

/// One record's RDATA from `cp` to `rp` (`len` bytes).
struct Rdata<'a> {
    dns: Message<'a>,
    cp: usize,
    rp: usize,
    len: usize,
}

impl Rdata<'_> {
    /// ns_rprint's switch on the type, without `-v`; `false` where it
    /// returns NULL.
    fn print(&self, out: &mut String, rtype: u16) -> Res<bool> {
        let (m, cp) = (self.dns.m, self.cp);
        Ok(match rtype {
            T_A => self.address(out, 4),
            T_NS | T_CNAME | T_PTR | T_DNAME => {
                out.push(' ');
                print_name(out, m, cp, 0)?.is_some()
            }
            T_MX => {
                out.push(' ');
                if !m.has(cp, 2) || print_name(out, m, cp + 2, 0)?.is_none() {
                    return Ok(false);
                }
                let _ = write!(out, " {}", m.be16(cp)?);
                true
            }
            T_TXT => self.strings(out)?,
            T_SRV => {
                out.push(' ');
                if !m.has(cp, 6) || print_name(out, m, cp + 6, 0)?.is_none() {
                    return Ok(false);
                }
                let (prio, weight, port) = (m.be16(cp)?, m.be16(cp + 2)?, m.be16(cp + 4)?);
                let _ = write!(out, ":{port} {prio} {weight}");
                true
            }
            T_AAAA => self.address(out, 16),
            T_A6 => self.a6(out)?,
            T_URI => {
                if !m.has(cp, self.len) {
                    return Ok(false);
                }
                let _ = write!(out, " {} {} ", m.be16(cp)?, m.be16(cp + 2)?);
                // (len - 4) as u_int: huge when len < 4.
                let n = self.len.checked_sub(4).unwrap_or(usize::MAX);
                !print_n(out, m.from(cp + 4), n)
            }
            T_UNSPECA => m.has(cp, self.len) && !print_n(out, m.from(cp), self.len),
            // SOA and TSIG (and the rest) show nothing more without -v.
            _ => true,
        })
    }

    /// T_A (`intoa`) and T_AAAA (`addrtostr6`).
    fn address(&self, out: &mut String, len: usize) -> bool {
        let m = self.dns.m;
        let text = if len == 4 {
            m.ip(self.cp).map(|a| a.to_string())
        } else {
            m.bytes::<16>(self.cp).map(|a| ipv6_text(&a))
        };
        match text {
            Ok(text) => {
                let _ = write!(out, " {text}");
                true
            }
            Err(Truncated) => false,
        }
    }

    /// T_TXT: each RFC 1035 character-string in quotes (`ns_cprint`).
    fn strings(&self, out: &mut String) -> Res<bool> {
        let m = self.dns.m;
        let mut cp = self.cp;
        while cp < self.rp {
            out.push_str(" \"");
            let Ok(n) = m.u8(cp) else {
                return Ok(false);
            };
            if print_n(out, m.from(cp + 1), usize::from(n)) {
                return Ok(false);
            }
            cp += 1 + usize::from(n);
            out.push('"');
        }
        Ok(true)
    }

    /// T_A6 (RFC 2874 3.1): prefix length, address suffix, prefix name.
    fn a6(&self, out: &mut String) -> Res<bool> {
        let m = self.dns.m;
        let Ok(pbit) = m.u8(self.cp) else {
            return Ok(false);
        };
        let pbyte = usize::from(pbit & !7) / 8;
        if pbit > 128 {
            let _ = write!(out, " {pbit}(bad plen)");
            return Ok(true);
        }
        if pbit < 128 {
            let mut a = [0u8; 16];
            for (k, byte) in a.iter_mut().enumerate().skip(pbyte) {
                *byte = m.u8(self.cp + 1 + k - pbyte)?;
            }
            let _ = write!(out, " {pbit} {}", ipv6_text(&a));
        }
        if pbit > 0 {
            out.push(' ');
            let name = self.cp + 1 + 16 - pbyte;
            return Ok(print_name(out, m, name, 0)?.is_some());
        }
        Ok(true)
    }

    /// T_OPT (RFC 6891 6.1.2): the UDP size, DO, and the options.
    fn opt(&self, out: &mut String, udp_size: u16, flags: u16) -> Res<bool> {
        let _ = write!(out, " UDPsize={udp_size}");
        if flags & 0x8000 != 0 {
            out.push_str(" DO");
        }
        let mut cp = self.cp;
        if cp < self.rp {
            out.push_str(" [");
            while cp < self.rp {
                match edns_option(out, self.dns.m, cp)? {
                    Some(next) => cp = next,
                    None => return Ok(false),
                }
                if cp < self.rp {
                    out.push(',');
                }
            }
            out.push(']');
        }
        Ok(true)
    }
}

/// addrtostr.c addrtostr6 (BIND's inet_ntop): as Rust prints it, but an
/// IPv4-compatible address (`::a.b.c.d`) keeps its dotted quad.
fn ipv6_text(a: &[u8; 16]) -> String {
    let addr = Ipv6Addr::from(*a);
    let words = addr.segments();
    if words[..6].iter().all(|&w| w == 0) && words[6] != 0 {
        let v4 = Ipv4Addr::new(a[12], a[13], a[14], a[15]);
        return format!("::{v4}");
    }
    addr.to_string()
}

/// print-domain.c eopt_print: `NAME[ DATA]` of the EDNS option at `cp`.
fn edns_option(out: &mut String, m: Cap, cp: usize) -> At {
    let Ok(code) = m.be16(cp) else {
        return Ok(None);
    };
    let _ = write!(
        out,
        "{}",
        name_or(EDNS_OPTIONS, code, |c| format!("Opt{c}"))
    );
    let Ok(data_len) = m.be16(cp + 2) else {
        return Ok(None);
    };
    let (cp, n) = (cp + 4, usize::from(data_len));
    if !m.has(cp, n) {
        return Ok(None);
    }
    if n > 0 {
        out.push(' ');
        edns_option_data(out, m, code, cp, n)?;
    }
    Ok(Some(cp + n))
}

/// eopt_print's switch on the option code (RFC 7871, 7873, 7828, 7314,
/// 7830, 8145, 6975, 7901).
fn edns_option_data(out: &mut String, m: Cap, code: u16, cp: usize, n: usize) -> Res {
    let data = m.0.get(cp..cp + n).ok_or(Truncated)?;
    let algorithms = |out: &mut String, table: &[(u32, &'static str)]| {
        let names: Vec<String> = data
            .iter()
            .map(|&a| name_or(table, u16::from(a), |a| format!("Alg_{a}")))
            .collect();
        out.push_str(&names.join(" "));
    };
    match code {
        8 => client_subnet(out, data),
        10 if n < 8 || (n > 8 && n < 16) || n > 40 => out.push_str(" (invalid)"),
        10 => {
            for (i, b) in data.iter().enumerate() {
                if i == 8 {
                    out.push(' ');
                }
                let _ = write!(out, "{b:02x}");
            }
        }
        11 if n != 2 => out.push_str(" (invalid)"),
        11 => {
            let t = m.be16(cp)?;
            let _ = write!(out, "{}.{} sec", t / 10, t % 10);
        }
        9 if n != 4 => out.push_str(" (invalid)"),
        9 => {
            let _ = write!(out, "{} sec", m.be32(cp)?);
        }
        12 => {
            let _ = write!(out, "({n})");
        }
        14 if !n.is_multiple_of(2) => out.push_str(" (invalid)"),
        14 => {
            let tags: Vec<String> = data
                .chunks(2)
                .map(|t| u16::from_be_bytes([t[0], t.get(1).copied().unwrap_or(0)]).to_string())
                .collect();
            out.push_str(&tags.join(" "));
        }
        5 => algorithms(out, DAU_ALGORITHMS),
        6 => algorithms(out, DHU_ALGORITHMS),
        7 => algorithms(out, N3U_ALGORITHMS),
        // CHAIN: fqdn_print(cp, cp + data_len), its result unused.
        13 => {
            print_name(out, m, cp, cp + n)?;
        }
        _ => data.iter().for_each(|b| {
            let _ = write!(out, "{b:02x}");
        }),
    }
    Ok(())
}

/// print-domain.c print_eopt_ecs (RFC 7871 6): `ADDRESS/SOURCE/SCOPE`.
fn client_subnet(out: &mut String, data: &[u8]) {
    let invalid = |out: &mut String| out.push_str(" (invalid)");
    let [f0, f1, src_len, scope_len, address @ ..] = data else {
        return invalid(out);
    };
    let (family, src, scope) = (
        u16::from_be_bytes([*f0, *f1]),
        usize::from(*src_len),
        usize::from(*scope_len),
    );
    let bits = match family {
        1 => 32,
        2 => 128,
        _ => return invalid(out),
    };
    if address.len() > bits / 8 || src > bits || scope > bits || src.div_ceil(8) != address.len() {
        return invalid(out);
    }
    let mut padded = [0u8; 16];
    padded[..address.len()].copy_from_slice(address);
    let text = if family == 1 {
        Ipv4Addr::new(padded[0], padded[1], padded[2], padded[3]).to_string()
    } else {
        ipv6_text(&padded)
    };
    let _ = write!(out, "{text}/{src}/{scope}");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn udp(p: &[u8], mdns: bool) -> String {
        let mut out = String::new();
        if print(&mut out, Cap(p), p.len(), mdns).is_err() {
            out.push_str(" [|domain]");
        }
        out
    }

    fn tcp(p: &[u8]) -> String {
        let mut out = String::new();
        if print_over_tcp(&mut out, Cap(p), p.len()).is_err() {
            out.push_str(" [|domain]");
        }
        out
    }

    /// A flow datagram as `node::apps::udp` sends it: the pattern of
    /// `payload::fill`, its first 4 bytes replaced by the sequence number.
    fn datagram(flow: usize, seq: u32, size: usize) -> Vec<u8> {
        let key = (seq * 7 + flow as u32 * 13) as u8;
        let mut p: Vec<u8> = (0..size)
            .map(|i| {
                (i as u8)
                    .wrapping_mul(31)
                    .wrapping_add((i >> 8) as u8)
                    .wrapping_add(key)
            })
            .collect();
        if size >= 4 {
            p[..4].copy_from_slice(&seq.to_be_bytes());
        }
        p
    }

    // Expected strings are what tcpdump 4.99.3 printed after the ports.

    #[test]
    fn short_messages_are_invalid() {
        assert_eq!(udp(&[0, 0], false), "domain [length 2 < 12] (invalid)");
        assert_eq!(tcp(&[7]), " [DNS over TCP: length 1 < 2] (invalid)");
        assert_eq!(
            tcp(&[0x12, 0x34, 1, 2]),
            " [prefix length(4660) != length(2)] (invalid)"
        );
        assert_eq!(tcp(&[0, 1, 9]), " domain [length 1 < 12] (invalid)");
    }

    #[test]
    fn queries_print_their_questions() {
        let mut q = vec![0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0];
        q.extend_from_slice(b"\x03www\x07example\x03com\x00\x00\x01\x00\x01");
        assert_eq!(udp(&q, false), "4660+ A? www.example.com. (33)");
        let mut framed = vec![0, 33];
        framed.extend_from_slice(&q);
        assert_eq!(tcp(&framed), " 4660+ A? www.example.com. (33)");
        let n = q.len();
        q[n - 4..].copy_from_slice(&[0, 12, 0x80, 1]);
        assert_eq!(udp(&q, true), "4660+ PTR (QU)? www.example.com. (33)");
        assert_eq!(
            udp(&q, false),
            "4660+ PTR (Class 32769)? www.example.com. (33)"
        );
        assert_eq!(udp(&q[..20], false), "4660+ [|domain]");
    }

    #[test]
    fn responses_print_their_answers() {
        let mut r = vec![0, 7, 0x81, 0x80, 0, 1, 0, 2, 0, 0, 0, 0];
        r.extend_from_slice(b"\x01a\x00\x00\x01\x00\x01");
        r.extend_from_slice(&[0xc0, 12, 0, 5, 0, 1, 0, 0, 0, 60, 0, 4]);
        r.extend_from_slice(b"\x01b\xc0\x0c");
        r.extend_from_slice(&[0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 10, 0, 0, 1]);
        assert_eq!(udp(&r, false), "7 2/0/0 CNAME b.a., A 10.0.0.1 (51)");
        r[3] = 0x03;
        assert_eq!(
            udp(&r, false),
            "7 NXDomain- 2/0/0 CNAME b.a., A 10.0.0.1 (51)"
        );
    }

    /// An OPT record in the additional section carries the high RCODE
    /// bits; without -vv only the counts show. A bit label (RFC 2673).
    #[test]
    fn opt_records_and_bit_labels() {
        let mut r = vec![0, 9, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0];
        r.extend_from_slice(&[0, 41, 0x04, 0xd0, 0, 0, 0x80, 0, 0, 12, 0, 10, 0, 8]);
        r.extend(0..8);
        assert_eq!(udp(&r, false), "9- [0q] 0/0/1 (35)");
        let mut q = vec![0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0];
        q.extend_from_slice(&[0x41, 12, 0xab, 0xcd, 0, 0, 1, 0, 1]);
        assert_eq!(udp(&q, false), "1 A? \\[xabc/12]. (21)");
    }

    /// Flow datagrams: id 0, the sequence number as flags, counts and
    /// names from the pattern.
    #[test]
    fn flow_datagrams_as_tcpdump_prints_them() {
        let cases = [
            (
                (0, 1, 100),
                false,
                "0 [b2&3=0x1] [49632a] [33698q] [65310n] [15708au] [|domain]",
            ),
            (
                (5, 3, 48),
                false,
                "0 [b2&3=0x3] [4143a] [54001q] [20077n] [36011au] Type2087 (Class 18021)? <BAD PTR> [|domain]",
            ),
            ((2, 32768, 300), false, "0- [38581q] [|domain]"),
            ((3, 40000, 1400), false, "0 op3*- [25474q] [|domain]"),
            (
                (1, 0, 1400),
                true,
                "0 [51174a] [35240q] [1316n] [17250au] [|domain]",
            ),
            (
                (0, 7, 100),
                true,
                "0 [b2&3=0x7] [60170a] [44492q] [10568n] [26502au] [|domain]",
            ),
            ((0, 0, 2), false, "domain [length 2 < 12] (invalid)"),
        ];
        for ((flow, seq, size), mdns, want) in cases {
            assert_eq!(
                udp(&datagram(flow, seq, size), mdns),
                want,
                "{flow} {seq} {size}"
            );
        }
    }
}
