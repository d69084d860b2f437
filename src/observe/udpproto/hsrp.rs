//! print-hsrp.c hsrp_print (RFC 2281) without `-v`: version, op code,
//! state, group and virtual address, printed field by field.
#![forbid(unsafe_code)]

use std::fmt::Write as _;

use super::tok;
use crate::observe::tcpdump::{Cap, Res};

/// print-hsrp.c struct hsrp offsets (RFC 2281 section 5.1).
const OP_CODE: usize = 1;
const STATE: usize = 2;
const GROUP: usize = 6;
const RESERVED: usize = 7;
const VIRTUAL_ADDRESS: usize = 16;

/// print-hsrp.c op_code_str, by op code.
const OP_CODES: [&str; 3] = ["hello", "coup", "resign"];

/// print-hsrp.c states.
const STATES: &[(u32, &str)] = &[
    (0, "initial"),
    (1, "learn"),
    (2, "listen"),
    (4, "speak"),
    (8, "standby"),
    (16, "active"),
];

/// print-hsrp.c hsrp_print: `HSRPvV`, and for version 0
/// `-OP LEN: state=S group=G [reserved=R!] addr=A`. tcpdump prints each
/// field as it reads it, so a short datagram shows the fields before the
/// missing byte and then ` [|hsrp]`.
pub(super) fn print(out: &mut String, p: Cap, len: usize) -> Res {
    let version = p.u8(0)?;
    let _ = write!(out, "HSRPv{version}");
    if version != 0 {
        return Ok(());
    }
    out.push('-');
    let op = p.u8(OP_CODE)?;
    match OP_CODES.get(usize::from(op)) {
        Some(name) => {
            let _ = write!(out, "{name} ");
        }
        None => {
            let _ = write!(out, "unknown ({op}) ");
        }
    }
    let _ = write!(out, "{len}: ");
    let state = p.u8(STATE)?;
    match tok(STATES, u32::from(state)) {
        Some(name) => {
            let _ = write!(out, "state={name} ");
        }
        None => {
            let _ = write!(out, "state=Unknown ({state}) ");
        }
    }
    let _ = write!(out, "group={} ", p.u8(GROUP)?);
    let reserved = p.u8(RESERVED)?;
    if reserved != 0 {
        let _ = write!(out, "[reserved={reserved}!] ");
    }
    let _ = write!(out, "addr={}", p.ip(VIRTUAL_ADDRESS)?);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::flow_datagram;
    use super::*;

    fn text(p: &[u8]) -> (String, bool) {
        crate::observe::printed::printed(print, p)
    }

    // Expected strings are what tcpdump 4.99.3 printed after the ports.
    #[test]
    fn fields_up_to_the_missing_byte() {
        let hello = [
            0, 0, 16, 3, 10, 100, 1, 0, b'c', b'i', b's', b'c', b'o', 0, 0, 0, 192, 0, 2, 1,
        ];
        assert_eq!(
            text(&hello),
            (
                "HSRPv0-hello 20: state=active group=1 addr=192.0.2.1".into(),
                false
            )
        );
        assert_eq!(
            text(&flow_datagram(0, 0, 300)),
            (
                "HSRPv0-hello 300: state=initial group=186 [reserved=217!] addr=240.15.46.77"
                    .into(),
                false
            )
        );
        assert_eq!(
            text(&flow_datagram(0, 0, 7)),
            ("HSRPv0-hello 7: state=initial group=186 ".into(), true)
        );
        assert_eq!(
            text(&[0, 7, 3]),
            ("HSRPv0-unknown (7) 3: state=Unknown (3) ".into(), true)
        );
        assert_eq!(text(&[0]), ("HSRPv0-".into(), true));
        assert_eq!(text(&[0x9c, 0]), ("HSRPv156".into(), false));
    }
}
