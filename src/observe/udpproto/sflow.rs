//! print-sflow.c sflow_print without `-v`: the datagram header line
//! (RFC 3176 / sFlow version 5), which is all tcpdump prints before
//! decoding samples under `-v`.
#![forbid(unsafe_code)]

use std::fmt::Write as _;

use super::domain::ipv6_text;
use crate::observe::tcpdump::{Cap, Res};

/// sizeof(struct sflow_datagram_t) and sizeof(struct sflow_v6_datagram_t):
/// version, IP version, agent address, agent id, seqnum, uptime, samples.
const V4_HEADER: usize = 28;
const V6_HEADER: usize = 40;

/// print-sflow.c sflow_print: the header checks, then
/// `sFlowv5, IPv4 agent A, agent-id N, length L` (IPv6 for any IP
/// version other than 1).
pub(super) fn print(out: &mut String, p: Cap, len: usize) -> Res {
    let ip_version = p.be32(4)?;
    if (len < V4_HEADER && ip_version == 1) || (len < V6_HEADER && ip_version == 2) {
        let version = p.be32(0)?;
        let _ = write!(
            out,
            "sFlowv{version} [length {len} < {V4_HEADER}] (invalid)"
        );
        return Ok(());
    }
    p.need(0, V4_HEADER)?;
    let version = p.be32(0)?;
    if version != 5 {
        let _ = write!(out, "sFlow version {version} packet not supported");
        return Ok(());
    }
    let (family, agent, agent_id) = if ip_version == 1 {
        ("IPv4", p.ip(8)?.to_string(), p.be32(12)?)
    } else {
        ("IPv6", ipv6_text(&p.bytes::<16>(8)?), p.be32(24)?)
    };
    let _ = write!(
        out,
        "sFlowv{version}, {family} agent {agent}, agent-id {agent_id}, length {len}"
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::flow_datagram;
    use super::*;

    fn text(p: &[u8]) -> String {
        crate::observe::printed::printed_marked(print, p, "sflow")
    }

    // Expected strings are what tcpdump 4.99.3 printed after the ports.
    #[test]
    fn header_lines_print_as_tcpdump_does() {
        assert_eq!(text(&flow_datagram(0, 0, 7)), " [|sflow]");
        assert_eq!(text(&flow_datagram(0, 0, 27)), " [|sflow]");
        assert_eq!(
            text(&flow_datagram(0, 3, 28)),
            "sFlow version 3 packet not supported"
        );
        assert_eq!(
            text(&flow_datagram(0, 5, 28)),
            "sFlowv5, IPv6 agent 1b3a:5978:97b6:d5f4:1332:5170:8fae:cdec, \
             agent-id 187320680, length 28"
        );
        assert_eq!(
            text(&flow_datagram(1, 5, 100)),
            "sFlowv5, IPv6 agent 2847:6685:a4c3:e201:203f:5e7d:9cbb:daf9, \
             agent-id 406279797, length 100"
        );
        assert_eq!(
            text(&[0, 0, 0, 5, 0, 0, 0, 2, 0]),
            "sFlowv5 [length 9 < 28] (invalid)"
        );
        assert_eq!(
            text(&[0, 0, 0, 5, 0, 0, 0, 1]),
            "sFlowv5 [length 8 < 28] (invalid)"
        );
    }
}
