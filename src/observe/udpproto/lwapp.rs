//! print-lwapp.c lwapp_control_print and lwapp_data_print (LWAPP, RFC
//! 5412 draft) as `tcpdump -n` prints them without `-v`: the version
//! check of the transport header, then frame kind, flags and length.
#![forbid(unsafe_code)]

use std::fmt::Write as _;

use super::text::bittok;
use crate::observe::tcpdump::{Cap, Res};

/// `sizeof(struct lwapp_transport_header)`: version/radio/flags byte,
/// fragment id, length and status.
const HEADER_LEN: usize = 6;
/// The AP's MAC address before the header of control frames sent to the
/// controller port (`has_ap_ident`).
const AP_IDENT_LEN: usize = 6;
/// print-lwapp.c LWAPP_VERSION.
const VERSION: u8 = 0;

/// print-lwapp.c lwapp_header_bits_values (the low 3 bits of byte 0).
const HEADER_BITS: &[(u32, &str)] = &[
    (0x01, "Last Fragment Bit"),
    (0x02, "Fragment Bit"),
    (0x04, "Control Bit"),
];

/// print-udp.c: lwapp_control_print with `has_ap_ident` for datagrams to
/// port 12223, without it from 12223.
pub(super) fn print_control(out: &mut String, p: Cap, len: usize, ap_ident: bool) -> Res {
    let header = if ap_ident {
        p.need(0, AP_IDENT_LEN)?;
        p.from(AP_IDENT_LEN)
    } else {
        p
    };
    print_header(out, header, len)
}

/// print-lwapp.c lwapp_data_print: checks 6 bytes (`ND_TCHECK_6`) and a
/// header at the start, then prints like the control frames.
pub(super) fn print_data(out: &mut String, p: Cap, len: usize) -> Res {
    print_header(out, p, len)
}

/// The non-verbose part both printers share: `LWAPP version V packet not
/// supported` or `LWAPPvV, KIND frame, Flags [FLAGS], length LEN`.
fn print_header(out: &mut String, header: Cap, len: usize) -> Res {
    header.need(0, HEADER_LEN)?;
    let first = header.u8(0)?;
    // LWAPP_EXTRACT_VERSION and LWAPP_EXTRACT_CONTROL_BIT.
    let version = (first & 0xc0) >> 6;
    if version != VERSION {
        let _ = write!(out, "LWAPP version {version} packet not supported");
        return Ok(());
    }
    let kind = if first & 0x04 != 0 { "Control" } else { "Data" };
    let flags = bittok(HEADER_BITS, u32::from(first & 0x07), ", ");
    let flags = flags.as_deref().unwrap_or("none");
    let _ = write!(
        out,
        "LWAPPv{version}, {kind} frame, Flags [{flags}], length {len}"
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::flow_datagram;
    use super::*;

    fn control(p: &[u8], ap_ident: bool) -> (String, bool) {
        let mut out = String::new();
        let cut = print_control(&mut out, Cap(p), p.len(), ap_ident).is_err();
        (out, cut)
    }

    fn data(p: &[u8]) -> (String, bool) {
        let mut out = String::new();
        let cut = print_data(&mut out, Cap(p), p.len()).is_err();
        (out, cut)
    }

    // Expected strings are what tcpdump 4.99.3 printed after the ports.
    #[test]
    fn data_frames_of_flow_datagrams() {
        assert_eq!(
            data(&flow_datagram(0, 2, 48)),
            ("LWAPPv0, Data frame, Flags [none], length 48".into(), false)
        );
        assert_eq!(data(&flow_datagram(0, 2, 5)), (String::new(), true));
        assert_eq!(
            data(&[0x47, 0, 0, 0, 0, 0]),
            ("LWAPP version 1 packet not supported".into(), false)
        );
    }

    #[test]
    fn control_frames_skip_the_ap_identity_to_the_controller() {
        let mut p = flow_datagram(0, 2, 48);
        p[6] = 0x07;
        assert_eq!(
            control(&p, true),
            (
                "LWAPPv0, Control frame, Flags [Last Fragment Bit, Fragment Bit, Control Bit], length 48"
                    .into(),
                false
            )
        );
        assert_eq!(
            control(&p, false),
            ("LWAPPv0, Data frame, Flags [none], length 48".into(), false)
        );
        assert_eq!(control(&p[..11], true), (String::new(), true));
        p[6] = 0x80;
        assert_eq!(
            control(&p, true),
            ("LWAPP version 2 packet not supported".into(), false)
        );
    }
}
