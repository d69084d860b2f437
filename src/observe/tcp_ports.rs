//! print-tcp.c `tcp_print`'s choice of payload printer by port, as
//! tcpdump 4.99 makes it with `-n` and no `-T`, and the printers that
//! print only their protocol's name without `-v`.

use super::txtproto::{FTP, HTTP, RTSP, SMTP, TextProtocol, WHOIS};

/// What tcpdump 4.99 prints after a TCP segment's `length N`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TcpDecoder {
    /// util-print.c txtproto_print.
    Text(TextProtocol),
    /// print-ssh.c ssh_print_version.
    Ssh,
    /// print-domain.c domain_print with `over_tcp`.
    Domain,
    /// print-telnet.c telnet_print.
    Telnet,
    /// print-bgp.c bgp_print.
    Bgp,
    /// print-ldp.c ldp_print.
    Ldp,
    /// print-pptp.c pptp_print, for segments without a message body printer.
    Pptp,
    /// print-resp.c resp_print.
    Resp,
    /// print-openflow.c openflow_print.
    OpenFlow,
    /// print-msdp.c msdp_print.
    Msdp,
    /// print-beep.c beep_print.
    Beep,
    /// print-rpki-rtr.c rpki_rtr_print.
    RpkiRtr,
    /// A decoder this module does not reproduce (NFS).
    NotReproduced(u16),
}

/// print-tcp.c tcp_print: the payload decoders in the order tcpdump tests
/// their ports (either port matches), with `-n` and no `-T`.
const TCP_DECODERS: &[(u16, TcpDecoder)] = &[
    (23, TcpDecoder::Telnet),
    (25, TcpDecoder::Text(SMTP)),
    (43, TcpDecoder::Text(WHOIS)),
    (179, TcpDecoder::Bgp),
    (1723, TcpDecoder::Pptp),
    (6379, TcpDecoder::Resp),
    (22, TcpDecoder::Ssh),
    // NetBIOS 139 and SMB 445 (nbt_tcp_print, smb_tcp_print) only with
    // `--enable-smb`, which 4.99 builds lack by default (configure.ac).
    (10288, TcpDecoder::Beep),
    (6633, TcpDecoder::OpenFlow),
    (6653, TcpDecoder::OpenFlow),
    (21, TcpDecoder::Text(FTP)),
    (80, TcpDecoder::Text(HTTP)),
    (8080, TcpDecoder::Text(HTTP)),
    (554, TcpDecoder::Text(RTSP)),
    (8554, TcpDecoder::Text(RTSP)),
    (53, TcpDecoder::Domain),
    (639, TcpDecoder::Msdp),
    (323, TcpDecoder::RpkiRtr),
    (646, TcpDecoder::Ldp),
    (2049, TcpDecoder::NotReproduced(2049)),
];

/// The decoder tcpdump picks for a segment between these ports, if any.
pub fn tcp_decoder(sport: u16, dport: u16) -> Option<TcpDecoder> {
    TCP_DECODERS
        .iter()
        .find(|(p, _)| sport == *p || dport == *p)
        .map(|(_, d)| *d)
}

/// print-bgp.c bgp_print without `-v`: `: BGP`, whatever the payload
/// (the search for the RFC 4271 4.1 marker only runs with `-v`).
pub fn bgp() -> String {
    ": BGP".to_string()
}

/// print-rpki-rtr.c rpki_rtr_print without `-v`: `, RPKI-RTR`, whatever
/// the payload (the PDUs are decoded only with `-v`).
pub fn rpki_rtr() -> String {
    ", RPKI-RTR".to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// tcpdump 4.99.3 printed `: BGP` after `length N` for a pattern
    /// segment and for a KEEPALIVE alike.
    #[test]
    fn bgp_prints_its_name_only() {
        assert_eq!(tcp_decoder(40000, 179), Some(TcpDecoder::Bgp));
        assert_eq!(
            tcp_decoder(80, 179),
            Some(TcpDecoder::Bgp),
            "BGP before HTTP"
        );
        assert_eq!(bgp(), ": BGP");
    }

    /// tcpdump 4.99.3 printed `, RPKI-RTR` after `length N` for pattern
    /// segments to port 323.
    #[test]
    fn rpki_rtr_prints_its_name_only() {
        assert_eq!(tcp_decoder(323, 40000), Some(TcpDecoder::RpkiRtr));
        assert_eq!(rpki_rtr(), ", RPKI-RTR");
    }

    /// tcpdump 4.99 is built without `--enable-smb`: NetBIOS and SMB
    /// segments print nothing after `length N`, and are not warned.
    #[test]
    fn netbios_and_smb_are_not_decoded() {
        assert_eq!(tcp_decoder(40000, 139), None);
        assert_eq!(tcp_decoder(445, 40000), None);
    }
}
