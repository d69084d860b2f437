//! print-domain.c eopt_print: EDNS options of an OPT record (RFC 6891).
#![forbid(unsafe_code)]

use std::fmt::Write as _;
use std::net::Ipv4Addr;

use super::At;
use super::names::print_name;
use super::records::{ipv6_text, name_or};
use super::tables::{DAU_ALGORITHMS, DHU_ALGORITHMS, EDNS_OPTIONS, N3U_ALGORITHMS};
use crate::observe::tcpdump::{Cap, Res, Truncated};

/// print-domain.c eopt_print: `NAME[ DATA]` of the EDNS option at `cp`.
pub(super) fn edns_option(out: &mut String, m: Cap, cp: usize) -> At {
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
pub(super) fn edns_option_data(out: &mut String, m: Cap, code: u16, cp: usize, n: usize) -> Res {
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
pub(super) fn client_subnet(out: &mut String, data: &[u8]) {
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
