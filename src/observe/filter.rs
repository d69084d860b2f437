//! The packet filter of `packets:` expectations: protocol, addresses and
//! whether the packet is an IP fragment.

use crate::wire::ip::{Address, protocol};
use crate::wire::{frag, ipv4, udp};

/// What a `packets:` expectation can select on, read from one packet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PacketSummary {
    pub protocol: u8,
    pub src: Address,
    pub dst: Address,
    pub fragment: bool,
    /// UDP source and destination ports, from an unfragmented datagram or
    /// the first fragment of one.
    pub udp_ports: Option<(u16, u16)>,
    /// The IP identification (which fragments belong together).
    pub ident: u16,
}

impl PacketSummary {
    /// Reads the IPv4 header of a packet on a link (the kernel sends none
    /// whose lengths do not check); `None` for anything else.
    pub fn of(packet: &[u8]) -> Option<PacketSummary> {
        let p = ipv4::Packet::new_checked(packet).ok()?;
        if p.version() != 4 {
            return None;
        }
        let fragment = frag::Repr::parse(&p);
        let first = fragment.offset == 0;
        let udp_ports = match p.protocol() {
            protocol::UDP if first => udp::ports(p.payload()),
            _ => None,
        };
        Some(PacketSummary {
            protocol: p.protocol(),
            src: p.src_addr().into(),
            dst: p.dst_addr().into(),
            fragment: fragment.is_fragment(),
            udp_ports,
            ident: fragment.ident,
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
    pub src: Option<Address>,
    pub dst: Option<Address>,
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
        let header = ipv4::Repr {
            frag: frag::Repr {
                ident: 1,
                dont_frag: false,
                more_frags: true,
                offset: 0,
            },
            ..ipv4::Repr::new(
                "1.1.1.1".parse().unwrap(),
                "2.2.2.2".parse().unwrap(),
                1,
                64,
                0,
            )
        };
        let p = header.to_header().unwrap();
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
