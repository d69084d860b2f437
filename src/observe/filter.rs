//! The packet filter of `packets:` expectations: protocol, addresses and
//! whether the packet is an IP fragment.

use std::net::Ipv4Addr;

/// What a `packets:` expectation can select on, read from one packet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PacketSummary {
    pub protocol: u8,
    pub src: Ipv4Addr,
    pub dst: Ipv4Addr,
    pub fragment: bool,
    /// UDP source and destination ports, from an unfragmented datagram or
    /// the first fragment of one.
    pub udp_ports: Option<(u16, u16)>,
    /// The IP identification (which fragments belong together).
    pub ident: u16,
}

impl PacketSummary {
    /// Reads the IPv4 header; `None` for anything that is not IPv4.
    pub fn of(packet: &[u8]) -> Option<PacketSummary> {
        if packet.len() < 20 || packet[0] >> 4 != 4 {
            return None;
        }
        let flags = u16::from_be_bytes([packet[6], packet[7]]);
        let fragment = flags & 0x3fff != 0;
        let first = flags & 0x1fff == 0;
        let header_len = usize::from(packet[0] & 0x0f) * 4;
        let udp_ports = match packet.get(header_len..header_len + 4) {
            Some(&[a, b, c, d]) if packet[9] == 17 && first => {
                Some((u16::from_be_bytes([a, b]), u16::from_be_bytes([c, d])))
            }
            _ => None,
        };
        Some(PacketSummary {
            protocol: packet[9],
            src: Ipv4Addr::new(packet[12], packet[13], packet[14], packet[15]),
            dst: Ipv4Addr::new(packet[16], packet[17], packet[18], packet[19]),
            fragment,
            udp_ports,
            ident: u16::from_be_bytes([packet[4], packet[5]]),
        })
    }
}

/// Protocol names accepted in filters (IANA protocol numbers).
pub fn protocol_number(name: &str) -> Option<u8> {
    match name.to_ascii_lowercase().as_str() {
        "icmp" => Some(1),
        "tcp" => Some(6),
        "udp" => Some(17),
        "gre" => Some(47),
        "esp" => Some(50),
        "ah" => Some(51),
        other => other.parse().ok(),
    }
}

#[derive(Clone, Debug, Default)]
pub struct Filter {
    pub protocol: Option<u8>,
    pub src: Option<Ipv4Addr>,
    pub dst: Option<Ipv4Addr>,
    pub fragment: Option<bool>,
}

impl Filter {
    pub fn matches(&self, p: &PacketSummary) -> bool {
        self.protocol.is_none_or(|x| x == p.protocol)
            && self.src.is_none_or(|x| x == p.src)
            && self.dst.is_none_or(|x| x == p.dst)
            && self.fragment.is_none_or(|x| x == p.fragment)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_numbers() {
        assert_eq!(protocol_number("ESP"), Some(50));
        assert_eq!(protocol_number("132"), Some(132));
        assert_eq!(protocol_number("sctp?"), None);
    }

    #[test]
    fn filter_matches_fields() {
        let mut p = crate::wire::ipv4::build_header(
            "1.1.1.1".parse().unwrap(),
            "2.2.2.2".parse().unwrap(),
            1,
            64,
            1,
            0,
        )
        .to_vec();
        p[6] = 0x20; // MF
        let s = PacketSummary::of(&p).unwrap();
        assert!(s.fragment);
        let f = Filter {
            protocol: Some(1),
            src: Some("1.1.1.1".parse().unwrap()),
            ..Filter::default()
        };
        assert!(f.matches(&s));
        assert!(
            !Filter {
                fragment: Some(false),
                ..Filter::default()
            }
            .matches(&s)
        );
        assert_eq!(PacketSummary::of(&[0x60; 40]), None);
    }
}
