//! print-snmp.c snmp_print (RFC 1157, RFC 3416; ASN.1 BER per X.690)
//! without `-v` and without libsmi, as far as the version field: the
//! community and PDU of a real SNMP message (`community_print`,
//! `v3msg_print`) are not reproduced. A flow datagram of 4 bytes or more
//! starts with a zero byte, which is no SEQUENCE, so tcpdump stops at
//! `[!init SEQ]` for it.
#![forbid(unsafe_code)]

use std::fmt::Write as _;

use super::print_n;
use crate::observe::tcpdump::{Cap, Res, Truncated};

/// print-snmp.c Universal, Application, Context, Private and Exceptions:
/// the tag names of each class.
const UNIVERSAL: &[&str] = &[
    "U-0",
    "Boolean",
    "Integer",
    "Bitstring",
    "String",
    "Null",
    "ObjID",
    "ObjectDes",
    "U-8",
    "U-9",
    "U-10",
    "U-11",
    "U-12",
    "U-13",
    "U-14",
    "U-15",
    "Sequence",
    "Set",
];
const APPLICATION: &[&str] = &[
    "IpAddress",
    "Counter",
    "Gauge",
    "TimeTicks",
    "Opaque",
    "C-5",
    "Counter64",
];
const CONTEXT: &[&str] = &[
    "GetRequest",
    "GetNextRequest",
    "GetResponse",
    "SetRequest",
    "Trap",
    "GetBulk",
    "Inform",
    "V2Trap",
    "Report",
];
const PRIVATE: &[&str] = &["P-0"];
const EXCEPTIONS: &[&str] = &["noSuchObject", "noSuchInstance", "endOfMibView"];
const CLASSES: [&[&str]; 4] = [UNIVERSAL, APPLICATION, CONTEXT, PRIVATE];

/// print-snmp.c Form, by its initial as tcpdump prints it.
const FORMS: [char; 2] = ['P', 'C'];

/// print-snmp.c defineCLASS puts the literal `"x"` in every class's name.
const CLASS_NAME: &str = "x";

/// print-snmp.c `struct be`: what asn1_parse decoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Value {
    Str,
    Int(i32),
    Oid,
    Null,
    Octet,
    InetAddr,
    Uns(u32),
    Uns64(u64),
    Seq,
    Pdu,
    Exception,
    Any,
}

#[derive(Clone, Copy)]
struct Element<'a> {
    id: u32,
    len: u32,
    value: Value,
    /// The contents, from the byte after the length.
    data: Cap<'a>,
}

/// print-snmp.c snmp_print: a blank, the outer SEQUENCE, the version.
pub(super) fn print(out: &mut String, p: Cap, len: usize) -> Res {
    out.push(' ');
    let Some((outer, count)) = parse(out, p, len)? else {
        return Ok(());
    };
    if outer.value != Value::Seq {
        out.push_str("[!init SEQ]");
        return element(out, &outer);
    }
    if count < len {
        let _ = write!(out, "[{} extra after iSEQ]", len - count);
    }
    let Some((version, _)) = parse(out, outer.data, outer.len as usize)? else {
        return Ok(());
    };
    match version.value {
        Value::Int(0 | 1 | 3) => {}
        Value::Int(v) => {
            let _ = write!(out, "SNMP [version = {v}]");
        }
        _ => {
            out.push_str("[version!=INT]");
            return element(out, &version);
        }
    }
    // community_print and v3msg_print are not reproduced.
    Ok(())
}

/// print-snmp.c asn1_parse: the next element of the `len` bytes at `p`
/// and the bytes it took, or `None` after printing why it is invalid.
fn parse<'a>(out: &mut String, p: Cap<'a>, len: usize) -> Res<Option<(Element<'a>, usize)>> {
    if len < 1 {
        out.push_str("[nothing to parse]");
        return Ok(None);
    }
    let tag = p.u8(0)?;
    let (form, class) = (usize::from((tag & 0x20) >> 5), usize::from(tag >> 6));
    let Some((id, mut hdr)) = tag_id(out, p, len)? else {
        return Ok(None);
    };
    if len <= hdr {
        out.push_str("[no asnlen]");
        return Ok(None);
    }
    let mut asnlen = u32::from(p.u8(hdr)?);
    hdr += 1;
    if asnlen & 0x80 != 0 {
        let octets = (asnlen % 0x80) as usize;
        if len - hdr < octets {
            let _ = write!(out, "[asnlen? {}<{octets}]", len - hdr);
            return Ok(None);
        }
        p.need(hdr, octets)?;
        asnlen = 0;
        for _ in 0..octets {
            asnlen = (asnlen << 8) | u32::from(p.u8(hdr)?);
            hdr += 1;
        }
    }
    let left = len - hdr;
    if (left as u64) < u64::from(asnlen) {
        let _ = write!(out, "[len{left}<asnlen{asnlen}]");
        return Ok(None);
    }
    let names = CLASSES[class];
    let Some(name) = usize::try_from(id).ok().and_then(|i| names.get(i)) else {
        let _ = write!(out, "[id?{}/{CLASS_NAME}/{id}]", FORMS[form]);
        return Ok(None);
    };
    p.need(hdr, asnlen as usize)?;
    let data = p.from(hdr);
    let value = decode(out, (form, class, id), name, data, asnlen)?;
    let Some(value) = value else {
        return Ok(None);
    };
    let element = Element {
        id,
        len: asnlen,
        value,
        data,
    };
    Ok(Some((element, asnlen as usize + hdr)))
}

/// The tag number (X.690 8.1.2, long form when the low 5 bits are all
/// set) and the bytes it took, or `None` after `[Xtagfield?]`.
fn tag_id(out: &mut String, p: Cap, len: usize) -> Res<Option<(u32, usize)>> {
    let id = u32::from(p.u8(0)? & 0x1f);
    if id != 0x1f {
        return Ok(Some((id, 1)));
    }
    let (mut id, mut at) = (0u32, 1);
    while p.u8(at)? & 0x80 != 0 {
        if len <= at {
            out.push_str("[Xtagfield?]");
            return Ok(None);
        }
        id = (id << 7) | u32::from(p.u8(at)? & 0x7f);
        at += 1;
    }
    if len <= at {
        out.push_str("[Xtagfield?]");
        return Ok(None);
    }
    id = (id << 7) | u32::from(p.u8(at)?);
    Ok(Some((id, at + 1)))
}

/// The switch on form, class and id at the end of asn1_parse; unusual
/// tags print their names as they are met.
fn decode(
    out: &mut String,
    (form, class, id): (usize, usize, u32),
    name: &str,
    data: Cap,
    len: u32,
) -> Res<Option<Value>> {
    let value = match (form, class, id) {
        (0, 0, 4) => Value::Str,
        (0, 0, 2) => {
            if len == 0 {
                out.push_str("[asnlen=0]");
                return Ok(None);
            }
            let mut v: i32 = if data.u8(0)? & 0x80 != 0 { -1 } else { 0 };
            for i in 0..len as usize {
                v = (v << 8) | i32::from(data.u8(i)?);
            }
            Value::Int(v)
        }
        (0, 0, 6) => Value::Oid,
        (0, 0, 5) => Value::Null,
        (0, 0, _) => {
            let _ = write!(out, "[P/U/{name}]");
            Value::Octet
        }
        (0, 1, 0) => Value::InetAddr,
        (0, 1, 1..=3) => Value::Uns(unsigned(data, len)? as u32),
        (0, 1, 6) => Value::Uns64(unsigned(data, len)?),
        (0, 1, _) => {
            let _ = write!(out, "[P/A/{name}]");
            Value::Octet
        }
        (0, 2, 0..=2) => Value::Exception,
        (0, 2, _) => Value::Any,
        (0, _, _) => {
            let _ = write!(out, "[P/{CLASS_NAME}/{name}]");
            Value::Octet
        }
        (_, 0, 16) => Value::Seq,
        (_, 2, _) => Value::Pdu,
        (_, 0, _) => {
            let _ = write!(out, "C/U/{name}");
            Value::Octet
        }
        _ => {
            let _ = write!(out, "C/{CLASS_NAME}/{name}");
            Value::Octet
        }
    };
    Ok(Some(value))
}

/// Counter, Gauge, TimeTicks and Counter64: big-endian, wrapping.
fn unsigned(data: Cap, len: u32) -> Res<u64> {
    let mut v: u64 = 0;
    for i in 0..len as usize {
        v = (v << 8).wrapping_add(u64::from(data.u8(i)?));
    }
    Ok(v)
}

/// print-snmp.c asn1_print, with `-n` (OIDs as numbers).
fn element(out: &mut String, e: &Element) -> Res {
    let len = e.len as usize;
    match e.value {
        Value::Octet => {
            e.data.need(0, len)?;
            for i in 0..len {
                let _ = write!(out, "_{:02x}", e.data.u8(i)?);
            }
        }
        Value::Null => {}
        Value::Oid => oid(out, e.data, len)?,
        Value::Int(v) => {
            let _ = write!(out, "{v}");
        }
        Value::Uns(v) => {
            let _ = write!(out, "{v}");
        }
        Value::Uns64(v) => {
            let _ = write!(out, "{v}");
        }
        Value::Str => string(out, e.data, len)?,
        Value::Seq => {
            let _ = write!(out, "Seq({})", e.len);
        }
        Value::InetAddr => {
            if len != 4 {
                out.push_str("[inetaddr len!=4]");
            }
            e.data.need(0, len)?;
            for i in 0..len {
                let dot = if i == 0 { "" } else { "." };
                let _ = write!(out, "{dot}{}", e.data.u8(i)?);
            }
        }
        Value::Exception => {
            let name = EXCEPTIONS.get(e.id as usize).copied().unwrap_or("");
            let _ = write!(out, "[{name}]");
        }
        Value::Pdu => {
            let name = CONTEXT.get(e.id as usize).copied().unwrap_or("");
            let _ = write!(out, "{name}({})", e.len);
        }
        Value::Any => out.push_str("[BE_ANY!?]"),
    }
    Ok(())
}

/// The BE_OID case of asn1_print with `-n`: `.1.3.6...`, the first
/// sub-identifier split into two (X.690 8.19.4).
fn oid(out: &mut String, p: Cap, len: usize) -> Res {
    let (mut o, mut first) = (0u32, true);
    for i in 0..len {
        let b = p.u8(i)?;
        o = (o << 7).wrapping_add(u32::from(b & 0x7f));
        if b & 0x80 != 0 {
            continue;
        }
        if first {
            let s = (o / 40).min(2);
            let _ = write!(out, ".{s}");
            o -= s * 40;
            first = false;
        }
        let _ = write!(out, ".{o}");
        o = 0;
    }
    Ok(())
}

/// print-snmp.c asn1_print_string: quoted when every byte is printable,
/// else hex bytes joined by `_`.
fn string(out: &mut String, p: Cap, len: usize) -> Res {
    p.need(0, len)?;
    let printable = (0..len).all(|i| p.u8(i).is_ok_and(|c| (0x20..0x7f).contains(&c)));
    if printable {
        out.push('"');
        let cut = print_n(out, p, len);
        out.push('"');
        return if cut { Err(Truncated) } else { Ok(()) };
    }
    for i in 0..len {
        let sep = if i == 0 { "" } else { "_" };
        let _ = write!(out, "{sep}{:02x}", p.u8(i)?);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(p: &[u8]) -> (String, bool) {
        crate::observe::printed::printed(print, p)
    }

    // Expected strings are what tcpdump 4.99.3 printed after the ports.

    /// Flow datagrams: a zero tag and length, or a long length form that
    /// the 2-byte datagram cannot hold.
    #[test]
    fn flow_payloads_are_no_sequence() {
        assert_eq!(
            text(&[0, 0, 0, 1, 0x11, 0x30]),
            (" [P/U/U-0][!init SEQ]".into(), false)
        );
        assert_eq!(text(&[0x68, 0x87]), (" [asnlen? 0<7]".into(), false));
        assert_eq!(
            text(&[0, 2, 0xab, 0xcd, 9]),
            (" [P/U/U-0][!init SEQ]_ab_cd".into(), false)
        );
        assert_eq!(text(&[0x30]), (" [no asnlen]".into(), false));
        assert_eq!(text(&[0x30, 0x50, 1]), (" [len1<asnlen80]".into(), false));
    }

    #[test]
    fn sequence_and_version() {
        assert_eq!(
            text(&[0x30, 3, 2, 1, 7]),
            (" SNMP [version = 7]".into(), false)
        );
        assert_eq!(
            text(&[0x30, 3, 4, 1, b'a', 0]),
            (" [1 extra after iSEQ][version!=INT]\"a\"".into(), false)
        );
        assert_eq!(
            text(&[0x06, 3, 0x2b, 6, 1]),
            (" [!init SEQ].1.3.6.1".into(), false)
        );
        assert_eq!(text(&[0x47, 0]), (" [id?P/x/7]".into(), false));
    }
}
