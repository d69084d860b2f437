//! print-domain.c ns_qprint and ns_rprint without `-v`: questions, and
//! answers with their RDATA.
#![forbid(unsafe_code)]

use std::fmt::Write as _;
use std::net::{Ipv4Addr, Ipv6Addr};

use super::edns::edns_option;
use super::names::{print_name, skip_name};
use super::tables::{CLASSES, TYPES};
use super::{
    At, C_CACHE_FLUSH, C_IN, C_QU, Message, T_A, T_A6, T_AAAA, T_CNAME, T_DNAME, T_MX, T_NS, T_OPT,
    T_PTR, T_SRV, T_TXT, T_UNSPECA, T_URI,
};
use crate::observe::tcpdump::{Res, Truncated};
use crate::observe::udpproto::{print_n, tok};

/// tok2str with a formatted default.
pub(super) fn name_or(
    table: &[(u32, &'static str)],
    value: u16,
    default: impl Fn(u16) -> String,
) -> String {
    tok(table, u32::from(value)).map_or_else(|| default(value), str::to_string)
}

/// print-domain.c ns_qprint: ` TYPE[ CLASS][ (QU|QM)]? NAME`.
pub(super) fn question(out: &mut String, dns: Message, np: usize) -> At {
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
pub(super) fn answer(out: &mut String, dns: Message, cp: usize) -> At {
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
pub(super) struct Rdata<'a> {
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
pub(in crate::observe::udpproto) fn ipv6_text(a: &[u8; 16]) -> String {
    let addr = Ipv6Addr::from(*a);
    let words = addr.segments();
    if words[..6].iter().all(|&w| w == 0) && words[6] != 0 {
        let v4 = Ipv4Addr::new(a[12], a[13], a[14], a[15]);
        return format!("::{v4}");
    }
    addr.to_string()
}
