//! print-bfd.c bfd_print (RFC 5880, RFC 5881, RFC 5883, RFC 7130)
//! without `-v`: the version, and for BFDv1 control packets the session
//! state and flags.
#![forbid(unsafe_code)]

use std::fmt::Write as _;

use super::{bittok, tok};
use crate::observe::tcpdump::{Cap, Res};

/// udp.h BFD_CONTROL_PORT, BFD_ECHO_PORT, BFD_MULTIHOP_PORT, BFD_LAG_PORT.
pub(super) const CONTROL_PORT: u16 = 3784;
pub(super) const ECHO_PORT: u16 = 3785;
pub(super) const MULTIHOP_PORT: u16 = 4784;
pub(super) const LAG_PORT: u16 = 6784;

/// print-bfd.c struct bfd_header_t: the RFC 5880 4.1 mandatory section.
const HEADER_LEN: usize = 24;

/// print-bfd.c bfd_port_values.
const PORTS: &[(u32, &str)] = &[
    (CONTROL_PORT as u32, "Control"),
    (MULTIHOP_PORT as u32, "Multihop"),
    (LAG_PORT as u32, "Lag"),
];

/// print-bfd.c bfd_v0_flag_values.
const V0_FLAGS: &[(u32, &str)] = &[
    (0x80, "I Hear You"),
    (0x40, "Demand"),
    (0x20, "Poll"),
    (0x10, "Final"),
    (0x08, "Control Plane Independent"),
    (0x04, "Authentication Present"),
    (0x02, "Reserved"),
    (0x01, "Reserved"),
];

/// print-bfd.c bfd_v1_flag_values (RFC 5880 4.1: P F C A D M).
const V1_FLAGS: &[(u32, &str)] = &[
    (0x20, "Poll"),
    (0x10, "Final"),
    (0x08, "Control Plane Independent"),
    (0x04, "Authentication Present"),
    (0x02, "Demand"),
    (0x01, "Multipoint"),
];

/// print-bfd.c bfd_v1_state_values.
const STATES: &[(u32, &str)] = &[(0, "AdminDown"), (1, "Down"), (2, "Init"), (3, "Up")];

/// print-bfd.c bfd_print, called with the destination port: a control
/// packet needs its 24-byte header (else ` [|bfd]`); echo packets print
/// only their length.
pub(super) fn print(out: &mut String, p: Cap, len: usize, dport: u16) -> Res {
    if dport == ECHO_PORT {
        let _ = write!(out, "BFD, Echo, length: {len}");
        return Ok(());
    }
    if ![CONTROL_PORT, MULTIHOP_PORT, LAG_PORT].contains(&dport) {
        let _ = write!(out, "BFD, unknown ({dport}), length: {len}");
        return Ok(());
    }
    p.need(0, HEADER_LEN)?;
    // RFC 5880 4.1: Vers in the top 3 bits, Sta in the top 2 of byte 1.
    let (version, flags) = (p.u8(0)? >> 5, u32::from(p.u8(1)?));
    match version {
        0 => {
            let flags = bittok(V0_FLAGS, flags, ", ").unwrap_or_else(|| "none".into());
            let _ = write!(out, "BFDv0, Control, Flags: [{flags}], length: {len}");
        }
        1 => {
            let port = tok(PORTS, u32::from(dport)).unwrap_or_default();
            let state = (flags & 0xc0) >> 6;
            let state = tok(STATES, state).unwrap_or_default();
            let flags = bittok(V1_FLAGS, flags & 0x3f, ", ").unwrap_or_else(|| "none".into());
            let _ = write!(
                out,
                "BFDv1, {port}, State {state}, Flags: [{flags}], length: {len}"
            );
        }
        v => {
            let _ = write!(out, "BFDv{v}, Control, length: {len}");
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::flow_datagram;
    use super::*;

    fn text(p: &[u8], dport: u16) -> (String, bool) {
        let mut out = String::new();
        let cut = print(&mut out, Cap(p), p.len(), dport).is_err();
        (out, cut)
    }

    // Expected strings are what tcpdump 4.99.3 printed after the ports.
    #[test]
    fn versions_states_and_flags() {
        let mut p = [0u8; 24];
        p[..2].copy_from_slice(&[0x20, 0xc8]);
        assert_eq!(
            text(&p, MULTIHOP_PORT),
            (
                "BFDv1, Multihop, State Up, Flags: [Control Plane Independent], length: 24".into(),
                false
            )
        );
        p[..2].copy_from_slice(&[0x00, 0xc3]);
        assert_eq!(
            text(&p, CONTROL_PORT),
            (
                "BFDv0, Control, Flags: [I Hear You, Demand, Reserved, Reserved], length: 24"
                    .into(),
                false
            )
        );
        p[..2].copy_from_slice(&[0x7f, 0x00]);
        assert_eq!(
            text(&p, LAG_PORT),
            ("BFDv3, Control, length: 24".into(), false)
        );
        assert_eq!(text(&p[..23], CONTROL_PORT), (String::new(), true));
        assert_eq!(
            text(&flow_datagram(3, 7, 24), CONTROL_PORT),
            ("BFDv0, Control, Flags: [none], length: 24".into(), false)
        );
        assert_eq!(text(&[], ECHO_PORT), ("BFD, Echo, length: 0".into(), false));
    }
}
