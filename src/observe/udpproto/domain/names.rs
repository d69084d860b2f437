//! print-domain.c name printing: ns_nskip, labellen, blabel_print and
//! fqdn_print over the message's captured bytes.
#![forbid(unsafe_code)]

use std::fmt::Write as _;

use super::{At, EDNS0_ELT_BITLABEL, MAXCDNAME, TYPE_EDNS0, TYPE_INDIR, TYPE_MASK, TYPE_RESERVED};
use crate::observe::tcpdump::{Cap, Res};
use crate::observe::udpproto::print_n;

/// print-domain.c ns_nskip: the offset after the name at `cp`, `None`
/// where it is not captured or has an unknown label type.
pub(super) fn skip_name(m: Cap, mut cp: usize) -> Option<usize> {
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
pub(super) fn bit_length(count: u8) -> usize {
    match count {
        0 => 256,
        n => usize::from(n),
    }
}

/// print-domain.c labellen: the length `fqdn_print` steps over for the
/// label at `cp` (the whole byte for a pointer); `None` after printing
/// why for an unknown type.
pub(super) fn label_len(out: &mut String, m: Cap, cp: usize) -> Option<usize> {
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
pub(super) fn bit_label(out: &mut String, m: Cap, cp: usize) -> Res<bool> {
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
pub(super) fn print_name(out: &mut String, m: Cap, cp: usize, base: usize) -> At {
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
