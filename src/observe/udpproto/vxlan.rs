//! print-vxlan.c vxlan_print (RFC 7348) as `tcpdump -n` prints it without
//! `-e`: flags and VNI, then on a continuation line the inner Ethernet
//! frame (print-ether.c ether_common_print). Reproduced for inner frames
//! cut short and for Ethertypes tcpdump has neither a printer nor a name
//! for (its source and destination, `ethertype Unknown`, the hex dump);
//! 802.3 lengths (LLC), VLAN tags and known Ethertypes are left to
//! [`reproduced`].
#![forbid(unsafe_code)]

use std::fmt::Write as _;

use super::bittok;
use super::text::hex_and_ascii_print;
use crate::observe::tcpdump::{Cap, Res};

/// print-vxlan.c VXLAN_HDR_LEN.
const HEADER_LEN: usize = 8;

/// print-vxlan.c vxlan_flags.
const FLAGS: &[(u32, &str)] = &[(0x08, "I")];

/// print-ether.c ETHER_HDRLEN: destination, source, length/type.
const ETHER_HDRLEN: usize = 14;

/// print-ether.c MAX_ETHERNET_LENGTH_VAL: up to this the field is an
/// 802.3 length and an LLC header follows.
const MAX_ETHERNET_LENGTH_VAL: u16 = 1500;

/// ethertype.h values above MAX_ETHERNET_LENGTH_VAL that print-ether.c
/// names in ethertype_values, decodes in ethertype_print, or handles in
/// ether_common_print (MACsec, the VLAN tags, jumbo frames, Arista).
const KNOWN_ETHERTYPES: &[u16] = &[
    0x0600, 0x0707, 0x0800, 0x0806, 0x1000, 0x1111, 0x3c12, 0x3c13, 0x6001, 0x6002, 0x6003, 0x6004,
    0x6007, 0x6558, 0x8035, 0x8038, 0x803c, 0x803e, 0x805b, 0x805c, 0x809b, 0x80f3, 0x8100, 0x8137,
    0x86dd, 0x8808, 0x8809, 0x880b, 0x8847, 0x8848, 0x8863, 0x8864, 0x886f, 0x8870, 0x888e, 0x8899,
    0x88a2, 0x88a8, 0x88ca, 0x88cc, 0x88e5, 0x88f7, 0x8902, 0x893a, 0x8947, 0x894f, 0x9000, 0x9100,
    0x9200, 0xabcd, 0xd28b, 0xfefe,
];

/// Whether vxlan_print stops in the VXLAN header or before the inner
/// frame's length/type, or the inner frame has an Ethertype that
/// ether_common_print only dumps in hex.
pub(super) fn reproduced(payload: &[u8]) -> bool {
    match Cap(payload).be16(HEADER_LEN + 12) {
        Ok(kind) => kind > MAX_ETHERNET_LENGTH_VAL && !KNOWN_ETHERTYPES.contains(&kind),
        Err(_) => true,
    }
}

/// print-vxlan.c vxlan_print: `VXLAN, flags [..] (0x..), vni N`, then the
/// inner frame after a newline.
pub(super) fn print(out: &mut String, p: Cap, len: usize) -> Res {
    out.push_str("VXLAN");
    if len < HEADER_LEN {
        out.push_str(" (invalid)");
        return Ok(());
    }
    let flags = p.u8(0)?;
    let names = bittok(FLAGS, u32::from(flags), "").unwrap_or_else(|| "invalid".into());
    let vni = u32::from_be_bytes([0, p.u8(4)?, p.u8(5)?, p.u8(6)?]);
    // `vni %u\n`: the inner frame goes on a continuation line.
    let _ = writeln!(out, ", flags [{names}] (0x{flags:02x}), vni {vni}");
    // ND_TCHECK_1 of the second reserved byte.
    p.u8(7)?;
    ether(out, p.from(HEADER_LEN), len - HEADER_LEN);
    Ok(())
}

/// print-ether.c ether_common_print without `-e`, for a frame of `length`
/// bytes whose Ethertype has no printer: `SRC > DST, ethertype Unknown
/// (0x....), length N: ` and the rest in hex and ASCII.
fn ether(out: &mut String, frame: Cap, length: usize) {
    let caplen = frame.len();
    if length < caplen {
        let _ = write!(out, "[length {length} < caplen {caplen}] (invalid)");
        return;
    }
    let Ok(header) = frame.bytes::<ETHER_HDRLEN>(0) else {
        out.push_str(" [|ether]");
        return;
    };
    let kind = u16::from_be_bytes([header[12], header[13]]);
    // ether_addresses_print(ndo, src.addr, dst.addr)
    let _ = write!(
        out,
        "{} > {}, ethertype Unknown (0x{kind:04x}), length {length}: ",
        mac(&header[6..12]),
        mac(&header[..6])
    );
    hex_and_ascii_print(out, "\n\t", frame.from(ETHER_HDRLEN).0);
}

/// addrtoname.c etheraddr_string with `-n`: `xx:xx:xx:xx:xx:xx`.
fn mac(addr: &[u8]) -> String {
    let octets: Vec<String> = addr.iter().map(|b| format!("{b:02x}")).collect();
    octets.join(":")
}

#[cfg(test)]
mod tests {
    use super::super::flow_datagram;
    use super::*;

    fn text(p: &[u8]) -> String {
        crate::observe::printed::printed_marked(print, p, "vxlan")
    }

    // Expected strings are what tcpdump 4.99.3 printed after the ports.
    #[test]
    fn flow_datagrams_print_the_inner_frame_in_hex() {
        assert_eq!(
            text(&flow_datagram(84, 0, 48)),
            "VXLAN, flags [invalid] (0x00), vni 12640254\n\
             f6:15:34:53:72:91 > 3c:5b:7a:99:b8:d7, ethertype Unknown (0xb0cf), length 40: \n\
             \t0x0000:  ee0d 2c4b 6a89 a8c7 e605 2443 6281 a0bf  ..,Kj.....$Cb...\n\
             \t0x0010:  defd 1c3b 5a79 98b7 d6f5                 ...;Zy...."
        );
        assert!(reproduced(&flow_datagram(84, 0, 48)));
        assert_eq!(text(&flow_datagram(0, 0, 7)), "VXLAN (invalid)");
        assert_eq!(
            text(&flow_datagram(0, 1, 20)),
            "VXLAN, flags [invalid] (0x00), vni 8626881\n [|ether]"
        );
    }

    #[test]
    fn a_bare_ethernet_header_and_the_i_flag() {
        let mut p = vec![8, 0, 0, 0, 0, 0, 42, 0];
        p.extend(0..14);
        assert_eq!(
            text(&p),
            "VXLAN, flags [I] (0x08), vni 42\n\
             06:07:08:09:0a:0b > 00:01:02:03:04:05, ethertype Unknown (0x0c0d), length 14: "
        );
    }

    /// 802.3 lengths (LLC) and Ethertypes with a printer or a name, such
    /// as IPv4, are not reproduced.
    #[test]
    fn llc_and_known_ethertypes_are_not_reproduced() {
        let mut p = [0; 22];
        assert!(!reproduced(&p));
        p[20..].copy_from_slice(&[0x08, 0x00]);
        assert!(!reproduced(&p));
        p[20..].copy_from_slice(&[0x05, 0xdd]);
        assert!(reproduced(&p));
    }
}
