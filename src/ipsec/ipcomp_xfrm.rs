//! IPComp at the engine's xfrm points: the bundle's IPComp step on
//! output, IPComp and the IP-in-IP of IPComp tunnels on input, and what
//! the inbound policy check asks of them (Linux `xfrm_policy.c`).

use smoltcp::time::Instant;

use super::IpsecEngine;
use super::ipcomp::{self, InputError, Sent};
use super::packet::Wrap;
use super::spec::{IpcompTemplate, Level, Mode};
use crate::kernel::Datagram;
use crate::kernel::counters::DropReason;
use crate::kernel::hook::{PacketMeta, SecPathEntry, Verdict};
use crate::wire::ip::protocol;

impl IpsecEngine {
    /// Applies the bundle's IPComp step (Linux `xfrm_tmpl_resolve_one`
    /// for an IPPROTO_COMP template). Without an SA a `use` step passes
    /// the datagram on as it is; otherwise it is dropped. (PF_KEY's
    /// ACQUIRE here names ESP and AH SAs only, so none is raised.)
    pub(super) fn apply_ipcomp(
        &mut self,
        now: Instant,
        t: &IpcompTemplate,
        datagram: &mut Datagram,
    ) -> Result<(), DropReason> {
        let h = datagram.ipv4().copied().ok_or(DropReason::Malformed)?;
        let ends = match (t.mode, t.endpoints) {
            (Mode::Tunnel, Some(ends)) => ends,
            (Mode::Tunnel, None) => return Err(DropReason::NoSa),
            _ => (h.src, h.dst),
        };
        let reqid = match t.level {
            Level::Unique(id) => id,
            _ => None,
        };
        let Some(key) = self.ipcomp.outbound(ends, t.mode, reqid) else {
            return match t.level {
                Level::Use => Ok(()),
                _ => Err(DropReason::NoSa),
            };
        };
        let wrap = match t.mode {
            Mode::Tunnel => Wrap::Tunnel {
                src: ends.0,
                dst: ends.1,
                ident: self.next_tunnel_ident(),
            },
            _ => Wrap::Transport,
        };
        let sa = self.ipcomp.get_mut(&key).ok_or(DropReason::NoSa)?;
        match ipcomp::encapsulate(&sa.spec, datagram, &wrap).map_err(DropReason::from)? {
            Sent::Compressed => sa.counters.compressed += 1,
            Sent::Uncompressed => sa.counters.uncompressed += 1,
        }
        self.ipcomp.used(key, datagram.bytes().len(), now);
        Ok(())
    }

    /// An IPComp packet for this node (RFC 3173 §3.3): its SA is the
    /// destination's with the CPI as SPI (Linux `xfrm_parse_spi`).
    pub(super) fn decompress(
        &mut self,
        now: Instant,
        meta: &mut PacketMeta,
        datagram: &mut Datagram,
    ) -> Verdict {
        let Some(outer) = datagram.ipv4().copied() else {
            return Verdict::Drop(DropReason::Malformed);
        };
        let Ok(header) = crate::wire::ipcomp::Repr::parse_bytes(datagram.payload()) else {
            return Verdict::Drop(DropReason::Malformed);
        };
        let key = (datagram.dst(), u32::from(header.cpi));
        let Some(sa) = self.ipcomp.get_mut(&key) else {
            return Verdict::Drop(DropReason::UnknownSpi);
        };
        let tunnel = match ipcomp::decapsulate(&sa.spec, datagram) {
            Ok(tunnel) => tunnel,
            Err(InputError::Malformed) => return Verdict::Drop(DropReason::Malformed),
            Err(InputError::Decompress(_)) => {
                sa.counters.decompress_failures += 1;
                return Verdict::Drop(DropReason::Decompress);
            }
        };
        let reqid = sa.spec.reqid;
        self.ipcomp.used(key, outer.total_len(), now);
        meta.sec_path.push(SecPathEntry {
            protocol: protocol::IPCOMP,
            spi: key.1,
            tunnel,
            src: outer.src.into(),
            dst: outer.dst.into(),
            reqid,
        });
        Verdict::Reinject
    }

    /// IP in IP from the far end of an IPComp tunnel SA: what it sent
    /// uncompressed. Linux takes it through the tunnel's IP-in-IP state
    /// (`xfrm4_tunnel`, SPI = the outer source address); None when no
    /// IPComp tunnel runs between the outer addresses.
    pub(super) fn uncompressed_tunnel(
        &mut self,
        now: Instant,
        meta: &mut PacketMeta,
        datagram: &mut Datagram,
    ) -> Option<Verdict> {
        let outer = datagram.ipv4().copied()?;
        let sa = self.ipcomp.tunnel_between(outer.src, outer.dst)?;
        let (key, reqid) = (sa.key(), sa.spec.reqid);
        if ipcomp::decapsulate_ipip(datagram).is_err() {
            return Some(Verdict::Drop(DropReason::Malformed));
        }
        self.ipcomp.used(key, outer.total_len(), now);
        meta.sec_path.push(SecPathEntry {
            protocol: protocol::IPIP,
            spi: u32::from(outer.src),
            tunnel: true,
            src: outer.src.into(),
            dst: outer.dst.into(),
            reqid,
        });
        Some(Verdict::Reinject)
    }
}

/// Linux `xfrm_state_ok` for an IPComp template: the IPComp SA itself,
/// or — for an optional (`use`) tunnel template — the tunnel's IP-in-IP
/// state (`xfrm_state_kern(x)`: `tmpl->optional` and the same addresses).
pub(super) fn ipcomp_satisfied_by(t: &IpcompTemplate, e: &SecPathEntry) -> bool {
    let ends_ok = t
        .endpoints
        .is_none_or(|(s, d)| (e.src, e.dst) == (s.into(), d.into()));
    if e.protocol == protocol::IPIP {
        return e.tunnel && t.level == Level::Use && t.mode == Mode::Tunnel && ends_ok;
    }
    let reqid_ok = match t.level {
        Level::Unique(Some(r)) => e.reqid == r,
        _ => true,
    };
    e.protocol == protocol::IPCOMP
        && reqid_ok
        && match t.mode {
            Mode::Tunnel => e.tunnel && ends_ok,
            Mode::Transport => !e.tunnel,
            Mode::Any => true,
        }
}

/// Linux `xfrm_policy_ok`: an optional (`use`) step need not have been
/// applied; a required one must be in the packet's security path.
pub(super) fn ipcomp_applied(t: &IpcompTemplate, meta: &PacketMeta) -> bool {
    t.level == Level::Use || meta.sec_path.iter().any(|e| ipcomp_satisfied_by(t, e))
}
