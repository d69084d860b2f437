//! print-udp.c udp_print's choice of printer: the port table in the order
//! tcpdump tests it (the payload checks around it are in `by_payload`)
//! and each printer's `ndo_protocol`.
#![forbid(unsafe_code)]

use super::{bfd, by_payload};
use crate::wire::udp_encap::{PORT_ISAKMP, PORT_NATT};

/// The printer print-udp.c `udp_print` calls for a datagram.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UdpDecoder {
    /// print-domain.c domain_print (DNS, UDP 53).
    Domain,
    /// print-domain.c domain_print with `is_mdns` (mDNS, UDP 5353).
    MulticastDomain,
    /// print-isakmp.c isakmp_print (UDP 500).
    Isakmp,
    /// print-isakmp.c isakmp_rfc3948_print (UDP 4500).
    IsakmpNatt,
    /// print-tftp.c tftp_print.
    Tftp,
    /// print-bootp.c bootp_print.
    Bootp,
    /// print-ntp.c ntp_print.
    Ntp,
    /// print-snmp.c snmp_print.
    Snmp,
    /// print-rx.c rx_print.
    Rx,
    /// print-syslog.c syslog_print.
    Syslog,
    /// print-radius.c radius_print.
    Radius,
    /// print-bfd.c bfd_print.
    Bfd,
    /// print-sip.c sip_print.
    Sip,
    /// print-hsrp.c hsrp_print.
    Hsrp,
    /// print-geneve.c geneve_print, for inner protocols without a printer.
    Geneve,
    /// print-vxlan.c vxlan_print, for inner frames `vxlan` reproduces.
    Vxlan,
    /// print-dhcp6.c dhcp6_print.
    Dhcp6,
    /// print-rip.c rip_print.
    Rip,
    /// print-ripng.c ripng_print, for datagrams without route entries.
    Ripng,
    /// print-krb.c krb_print.
    Krb,
    /// print-l2tp.c l2tp_print, for datagrams without AVPs or PPP frame.
    L2tp,
    /// print-ldp.c ldp_print.
    Ldp,
    /// print-sflow.c sflow_print.
    Sflow,
    /// print-lmp.c lmp_print.
    Lmp,
    /// print-vqp.c vqp_print.
    Vqp,
    /// print-lspping.c lspping_print.
    Lspping,
    /// print-lwapp.c lwapp_control_print; `ap_ident` (`has_ap_ident`) for
    /// datagrams to the controller port.
    LwappControl { ap_ident: bool },
    /// print-lwapp.c lwapp_data_print.
    LwappData,
    /// print-ahcp.c ahcp_print, for datagrams other than version 1.
    Ahcp,
    /// print-babel.c babel_print, for packets other than version 2.
    Babel,
    /// print-lisp.c lisp_print, for messages other than Map-Register and
    /// Map-Notify.
    Lisp,
    /// print-olsr.c olsr_print over IPv4.
    Olsr,
    /// print-lwres.c lwres_print, for packets other than version 0.
    Lwres,
    /// print-pim.c cisco_autorp_print.
    CiscoAutorp,
    /// print-aodv.c aodv_print, for types without a message body.
    Aodv,
    /// print-hncp.c hncp_print.
    Hncp,
    /// print-zep.c zep_print, for datagrams without the preamble.
    Zep,
    /// A printer this module does not reproduce, by tcpdump's name for it.
    NotReproduced(&'static str),
}

use UdpDecoder::{
    Ahcp, Aodv, Babel, Bfd, Bootp, CiscoAutorp, Dhcp6, Domain, Geneve, Hncp, Hsrp, Isakmp,
    IsakmpNatt, Krb, L2tp, Ldp, Lisp, Lmp, Lspping, LwappControl, LwappData, Lwres,
    MulticastDomain, NotReproduced, Ntp, Olsr, Radius, Rip, Ripng, Rx, Sflow, Sip, Snmp, Syslog,
    Tftp, Vqp, Vxlan, Zep,
};

/// print-udp.c udp_print: the printers chosen when either port matches,
/// in the order tcpdump tests them, from DNS (53) to LWAPP data (12222);
/// `DST` and `SRC` mark the few chosen by one port only.
const EITHER: u8 = 0;
const DST: u8 = 1;
const SRC: u8 = 2;
const RX_PORTS: u16 = 0;
const BY_PORT: &[(u16, u8, UdpDecoder)] = &[
    (53, EITHER, Domain),
    (5353, EITHER, MulticastDomain),
    (525, EITHER, NotReproduced("timed")),
    (69, EITHER, Tftp),
    (68, EITHER, Bootp),
    (67, EITHER, Bootp),
    (520, EITHER, Rip),
    (654, EITHER, Aodv),
    (PORT_ISAKMP, EITHER, Isakmp),
    (PORT_NATT, EITHER, IsakmpNatt),
    (7500, EITHER, NotReproduced("isakmp")),
    (8500, EITHER, NotReproduced("isakmp")),
    (161, EITHER, Snmp),
    (162, EITHER, Snmp),
    (123, EITHER, Ntp),
    (88, EITHER, Krb),
    (750, EITHER, Krb),
    (1701, EITHER, L2tp),
    // NetBIOS 137 and 138 (nbt_udp137_print, nbt_udp138_print) only with
    // `--enable-smb`, which 4.99 builds lack by default (configure.ac).
    (3456, DST, NotReproduced("vat")),
    (2103, EITHER, NotReproduced("zephyr")),
    (2104, EITHER, NotReproduced("zephyr")),
    (RX_PORTS, EITHER, Rx),
    (521, EITHER, Ripng),
    (546, EITHER, Dhcp6),
    (547, EITHER, Dhcp6),
    (5359, EITHER, Ahcp),
    (6696, EITHER, Babel),
    (6697, EITHER, Babel),
    (8231, EITHER, Hncp),
    (4567, DST, NotReproduced("wb")),
    (496, EITHER, CiscoAutorp),
    (1645, EITHER, Radius),
    (1812, EITHER, Radius),
    (1646, EITHER, Radius),
    (1813, EITHER, Radius),
    (1700, EITHER, Radius),
    (3799, EITHER, Radius),
    (1985, DST, Hsrp),
    (921, EITHER, Lwres),
    (646, EITHER, Ldp),
    (698, EITHER, Olsr),
    (3503, EITHER, Lspping),
    (49152, SRC, NotReproduced("bcm_li")),
    (bfd::CONTROL_PORT, DST, Bfd),
    (bfd::MULTIHOP_PORT, DST, Bfd),
    (bfd::LAG_PORT, DST, Bfd),
    (bfd::ECHO_PORT, DST, Bfd),
    (701, EITHER, Lmp),
    (1589, EITHER, Vqp),
    (6343, EITHER, Sflow),
    (12223, DST, LwappControl { ap_ident: true }),
    (12223, SRC, LwappControl { ap_ident: false }),
    (12222, EITHER, LwappData),
    (5060, EITHER, Sip),
    (514, EITHER, Syslog),
    (8472, EITHER, NotReproduced("otv")),
    (4789, EITHER, Vxlan),
    (6081, EITHER, Geneve),
    (4342, EITHER, Lisp),
    (4790, EITHER, NotReproduced("vxlan_gpe")),
    (17754, EITHER, Zep),
    (6635, EITHER, NotReproduced("mpls")),
];

/// print-udp.c udp_print (IPv4, `-n`, no `-T`): the printer for a datagram
/// between these ports whose payload starts with `payload`, if any.
pub fn udp_decoder(sport: u16, dport: u16, payload: &[u8]) -> Option<UdpDecoder> {
    if let Some(nfs) = by_payload::sunrpc_decoder(sport, dport, payload) {
        return Some(nfs);
    }
    let by_port = BY_PORT.iter().find(|(port, which, _)| {
        let on = |p: u16| match *port {
            RX_PORTS => (7000..=7009).contains(&p),
            port => p == port,
        };
        match *which {
            DST => on(dport),
            SRC => on(sport),
            _ => on(sport) || on(dport),
        }
    });
    match by_port {
        Some((_, _, decoder)) => Some(by_payload::for_payload(*decoder, payload)),
        None => by_payload::after_ports(sport, dport, payload),
    }
}

/// tcpdump's `ndo_protocol` while a reproduced printer runs: the name in
/// ` [|name]` when it runs out of captured bytes.
pub fn protocol(decoder: UdpDecoder) -> &'static str {
    match decoder {
        Domain | MulticastDomain => "domain",
        Tftp => "tftp",
        Bootp => "bootp",
        Ntp => "ntp",
        Snmp => "snmp",
        Rx => "rx",
        Syslog => "syslog",
        Radius => "radius",
        Bfd => "bfd",
        Sip => "sip",
        Hsrp => "hsrp",
        Geneve => "geneve",
        Vxlan => "vxlan",
        Dhcp6 => "dhcp6",
        Rip => "rip",
        Ripng => "ripng",
        Krb => "krb",
        L2tp => "l2tp",
        Ldp => "ldp",
        Sflow => "sflow",
        Lmp => "lmp",
        Vqp => "vqp",
        Lspping => "lspping",
        LwappControl { .. } => "lwapp_control",
        LwappData => "lwapp_data",
        Ahcp => "ahcp",
        Babel => "babel",
        Lisp => "lisp",
        Olsr => "olsr",
        Lwres => "lwres",
        CiscoAutorp => "cisco_autorp",
        Aodv => "aodv",
        Hncp => "hncp",
        Zep => "zep",
        Isakmp | IsakmpNatt => "isakmp",
        NotReproduced(name) => name,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// print-udp.c tests DNS before ISAKMP and the rx range after SNMP.
    #[test]
    fn ports_pick_the_printer_tcpdump_picks() {
        assert_eq!(udp_decoder(40000, 69, &[]), Some(Tftp));
        assert_eq!(udp_decoder(68, 67, &[]), Some(Bootp));
        assert_eq!(udp_decoder(53, 500, &[]), Some(Domain));
        assert_eq!(udp_decoder(5353, 5353, &[]), Some(MulticastDomain));
        assert_eq!(udp_decoder(7009, 161, &[]), Some(Snmp));
        assert_eq!(udp_decoder(40000, 7003, &[]), Some(Rx));
        assert_eq!(udp_decoder(3456, 40000, &[]), None, "VAT is by dport");
        assert_eq!(
            udp_decoder(40000, 2049, &[0; 8]),
            Some(NotReproduced("nfs"))
        );
        assert_eq!(udp_decoder(40000, 2049, &[0, 0, 0, 0, 0, 0, 0, 1]), None);
        assert_eq!(udp_decoder(40000, 5001, &[0; 16]), None);
    }

    /// tcpdump 4.99 is built without `--enable-smb`: NetBIOS ports get
    /// the generic line; BFD is chosen by the destination port only.
    #[test]
    fn netbios_is_not_decoded_and_bfd_goes_by_destination() {
        assert_eq!(udp_decoder(137, 137, &[0; 50]), None);
        assert_eq!(udp_decoder(40000, 138, &[0; 50]), None);
        assert_eq!(udp_decoder(40000, 3785, &[]), Some(Bfd));
        assert_eq!(udp_decoder(3784, 40000, &[]), None);
        assert_eq!(udp_decoder(1812, 5060, &[]), Some(Radius));
        assert_eq!(udp_decoder(40000, 6081, &[0, 0, 0, 3]), Some(Geneve));
        assert_eq!(
            udp_decoder(40000, 6081, &[0, 0, 0x08, 0, 0, 0, 0, 0]),
            Some(NotReproduced("geneve")),
            "an inner IPv4 packet"
        );
        assert_eq!(udp_decoder(1985, 40000, &[]), None, "HSRP is by dport");
        assert_eq!(udp_decoder(521, 521, &[0, 0]), Some(Ripng));
        assert_eq!(
            udp_decoder(521, 521, &[2, 1]),
            Some(NotReproduced("ripng")),
            "a version 1 response"
        );
    }
}
