//! print-udp.c udp_print's checks on the payload around its port table:
//! NFS before it, AppleTalk, PTP and SOME/IP after it, and, for printers
//! reproduced only for some payloads, which datagrams stay warned.
#![forbid(unsafe_code)]

use super::super::tcpdump::Cap;
use super::ports::UdpDecoder::{
    self, Ahcp, Aodv, Babel, Geneve, L2tp, Lisp, Lwres, NotReproduced, Ripng, Vxlan, Zep,
};
use super::{ahcp, aodv, babel, geneve, l2tp, lisp, lwres, ripng, vxlan, zep};

/// print-udp.c: NFS over UDP (2049) is recognised from the RPC direction
/// word (call 0 to the server, reply 1 from it), before any port.
pub(super) fn sunrpc_decoder(sport: u16, dport: u16, payload: &[u8]) -> Option<UdpDecoder> {
    let direction = Cap(payload).be32(4).ok()?;
    ((dport == 2049 && direction == 0) || (sport == 2049 && direction == 1))
        .then_some(NotReproduced("nfs"))
}

/// The printer the port table chose, or `NotReproduced` under its name
/// when this module reproduces it for other payloads only.
pub(super) fn for_payload(decoder: UdpDecoder, payload: &[u8]) -> UdpDecoder {
    let reproduced = match decoder {
        Geneve => geneve::reproduced(payload),
        Vxlan => vxlan::reproduced(payload),
        Ripng => ripng::reproduced(payload),
        L2tp => l2tp::reproduced(payload),
        Ahcp => ahcp::reproduced(payload),
        Babel => babel::reproduced(payload),
        Lisp => lisp::reproduced(payload),
        Lwres => lwres::reproduced(payload),
        Aodv => aodv::reproduced(payload),
        Zep => zep::reproduced(payload),
        _ => true,
    };
    if reproduced {
        decoder
    } else {
        NotReproduced(super::protocol(decoder))
    }
}

/// print-udp.c after the port table: AppleTalk DDP in UDP (appletalk.h
/// atalk_port) when byte 2 is lapDDP, then PTP and SOME/IP.
pub(super) fn after_ports(sport: u16, dport: u16, payload: &[u8]) -> Option<UdpDecoder> {
    let atalk =
        |p: u16| (16512..16640).contains(&p) || (200..328).contains(&p) || (768..896).contains(&p);
    if payload.get(2) == Some(&2) && (atalk(sport) || atalk(dport)) {
        return Some(NotReproduced("llap"));
    }
    [(319, "ptp"), (320, "ptp"), (30490, "someip")]
        .iter()
        .find(|(p, _)| sport == *p || dport == *p)
        .map(|(_, name)| NotReproduced(name))
}

#[cfg(test)]
mod tests {
    use super::super::udp_decoder;
    use super::*;

    #[test]
    fn payloads_tcpdump_decodes_further_are_warned() {
        assert_eq!(udp_decoder(40000, 654, &[0]), Some(Aodv));
        assert_eq!(udp_decoder(654, 40000, &[1]), Some(NotReproduced("aodv")));
        assert_eq!(udp_decoder(40000, 921, &[0; 27]), Some(Lwres));
        assert_eq!(
            udp_decoder(40000, 921, &[0; 28]),
            Some(NotReproduced("lwres"))
        );
        assert_eq!(udp_decoder(40000, 17754, b"E"), Some(Zep));
        assert_eq!(udp_decoder(40000, 17754, b"EX"), Some(NotReproduced("zep")));
    }
}
