//! The sending side of the node kernel: datagrams from the local stack,
//! the ICMP errors the kernel originates, and fragmentation onto the
//! outgoing link.

use std::net::Ipv4Addr;

use smoltcp::time::Instant;

use super::counters::DropReason;
use super::datagram::Datagram;
use super::frag;
use super::hook::{HookContext, PacketMeta, Rewrite, Routed, Verdict};
use super::ip::{Actions, Kernel, Transmit, run_hooks};
use super::mss;
use super::route::NextHop;
use crate::wire::frag::Repr as Fragment;
use crate::wire::icmp::{self, Message};
use crate::wire::ip::protocol;
use crate::wire::ipv4;

/// ICMP messages the kernel originates (RFC 792).
#[derive(Clone, Copy, Debug)]
pub(super) enum IcmpError {
    NetUnreachable,
    /// Fragmentation needed and DF set, with the next-hop MTU (RFC 1191 §4).
    FragNeeded(u16),
    TtlExceeded,
}

impl IcmpError {
    fn message(self) -> Message {
        match self {
            IcmpError::NetUnreachable => Message::DstUnreachable {
                code: 0,
                next_hop_mtu: 0,
            },
            IcmpError::FragNeeded(mtu) => Message::DstUnreachable {
                code: 4,
                next_hop_mtu: mtu,
            },
            IcmpError::TtlExceeded => Message::TimeExceeded { code: 0 },
        }
    }
}

const DEFAULT_TTL: u8 = 64;
/// RFC 1812 §4.3.2.3: an ICMP error quotes as much of the original as
/// fits in 576 bytes (with the 20-byte IP and 8-byte ICMP headers).
const MAX_QUOTE: usize = 576 - 28;

impl Kernel {
    fn take_ident(&mut self) -> u16 {
        self.next_ident = self.next_ident.wrapping_add(1);
        self.next_ident
    }

    /// A packet from the local stack: its header parsed once here, then
    /// numbered, routed, run through the output hooks and fragmented for
    /// the outgoing link.
    pub fn send_local(&mut self, now: Instant, packet: Vec<u8>, out: &mut Actions) {
        let Ok(mut datagram) = Datagram::parse(packet) else {
            return self.counters.drop(DropReason::Malformed);
        };
        // smoltcp sends every datagram with identification 0 and DF set. Give
        // each its own identification, and clear DF: nodes run with path MTU
        // discovery off (Linux `ip_no_pmtu_disc=1`), because smoltcp does not
        // act on ICMP "fragmentation needed"; routers fragment instead.
        let ident = self.take_ident();
        datagram.rewrite_ipv4(|h| {
            h.frag = Fragment {
                ident,
                dont_frag: false,
                ..h.frag
            }
        });
        let routed_dst = datagram.header.dst;
        let Some(hop) = self.routes.lookup(routed_dst) else {
            return self.counters.drop(DropReason::NoRoute);
        };
        self.fix_local_source(&mut datagram);
        let mtu = self.ifaces[hop.iface].mtu;
        mss::clamp(&mut datagram, mtu.saturating_sub(40).min(65535) as u16);
        let ctx = HookContext {
            now,
            iface: hop.iface,
        };
        match run_hooks(&mut self.hooks, &ctx, &mut datagram, |hook, c, d| {
            hook.output(c, d)
        }) {
            Verdict::Accept => {}
            Verdict::Drop(reason) => return self.counters.drop(reason),
            Verdict::Reinject => return self.counters.drop(DropReason::Policy),
        }
        let routed = Routed {
            now,
            in_iface: None,
            out_iface: hop.iface,
        };
        let meta = PacketMeta::default();
        if let Rewrite::Drop(reason) = self.postrouting(&routed, &mut datagram, &meta) {
            return self.counters.drop(reason);
        }
        self.emit(datagram, hop, routed_dst, true, out);
    }

    /// smoltcp's ICMP sockets cannot be bound to an address and take the
    /// first interface's for any off-link destination; Linux gives an
    /// unbound socket the route's preferred source.
    fn fix_local_source(&self, datagram: &mut Datagram) {
        let h = datagram.header;
        let echo = h.protocol == protocol::ICMP
            && !datagram.is_later_fragment()
            && icmp::message_type(datagram.payload()) == Some(icmp::kind::ECHO_REQUEST);
        if !echo {
            return;
        }
        if let Some(src) = self.preferred_source(h.dst).filter(|s| *s != h.src) {
            datagram.rewrite_ipv4(|h| h.src = src);
        }
    }

    /// Routes again if a hook changed the destination, then fragments.
    pub(super) fn emit(
        &mut self,
        datagram: Datagram,
        hop: NextHop,
        routed_dst: Ipv4Addr,
        local: bool,
        out: &mut Actions,
    ) {
        let dst = datagram.header.dst;
        let hop = if dst == routed_dst {
            hop
        } else {
            match self.routes.lookup(dst) {
                Some(hop) => hop,
                None => return self.counters.drop(DropReason::NoRoute),
            }
        };
        let mtu = self.ifaces[hop.iface].mtu;
        if datagram.header.total_len() <= mtu {
            // What `frag::fragment` does with a datagram that fits, without
            // the list of pieces (an allocation per packet).
            self.counters.sent += 1;
            out.transmit.push(Transmit {
                iface: hop.iface,
                next_hop: hop.next_hop,
                packet: datagram.bytes,
            });
            return;
        }
        let mut pieces = Vec::new();
        if frag::fragment(datagram, mtu, local, &mut pieces).is_err() {
            return self.counters.drop(DropReason::FragNeeded);
        }
        if pieces.len() > 1 {
            self.counters.fragments_created += pieces.len() as u64;
        }
        for packet in pieces {
            self.counters.sent += 1;
            out.transmit.push(Transmit {
                iface: hop.iface,
                next_hop: hop.next_hop,
                packet,
            });
        }
    }

    /// Sends an ICMP error about `offending` (whose header arrived as `h`)
    /// back to its source (RFC 792), from the address of the interface it
    /// arrived on. Never about an ICMP error, a non-first fragment or a
    /// non-unicast source (RFC 1812 §4.3.2.7).
    pub(super) fn icmp_error(
        &mut self,
        now: Instant,
        in_iface: usize,
        offending: &[u8],
        h: &ipv4::Repr,
        kind: IcmpError,
        out: &mut Actions,
    ) {
        let about_error = h.protocol == protocol::ICMP
            && offending
                .get(h.header_len()..)
                .and_then(icmp::message_type)
                .is_some_and(icmp::is_error);
        let unicast = crate::wire::ip::Address::from(h.src).is_unicast();
        if h.frag.offset > 0 || !unicast || about_error {
            return;
        }
        let quoted = offending
            .get(..h.total_len().min(MAX_QUOTE))
            .unwrap_or(offending);
        let message = icmp::Repr {
            message: kind.message(),
            data: quoted,
        }
        .to_bytes();
        let src = self.ifaces[in_iface].address.addr;
        let header = ipv4::Repr {
            frag: Fragment::whole(self.take_ident(), false),
            ..ipv4::Repr::new(src, h.src, protocol::ICMP, DEFAULT_TTL, message.len())
        };
        let Ok(mut datagram) = Datagram::new(header, &message) else {
            return;
        };
        let Some(hop) = self.routes.lookup(h.src) else {
            return;
        };
        self.counters.icmp_errors_sent += 1;
        let ctx = HookContext {
            now,
            iface: hop.iface,
        };
        if run_hooks(&mut self.hooks, &ctx, &mut datagram, |hook, c, d| {
            hook.output(c, d)
        }) == Verdict::Accept
        {
            self.emit(datagram, hop, h.src, true, out);
        }
    }
}
