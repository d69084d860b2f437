//! A node's IPsec data plane: its SPD and SAD, and what happens to a
//! packet on output, forward and input (RFC 4301 §5.1, §5.2), the way the
//! Linux xfrm layer does it.

use rand_chacha::ChaCha8Rng;
use rand_core::RngCore;
use smoltcp::time::Instant;

use super::ipcomp_sad::IpcompSad;
use super::ipcomp_xfrm::{ipcomp_applied, ipcomp_satisfied_by};
use super::keying::Keying;
use super::packet::{IpsecError, Wrap};
use super::pfkey::Acquire;
use super::sad::{SaKey, Sad};
use super::spd::{MAX_BUNDLE, PacketSelector, Spd};
use super::spec::{Action, Direction, IpsecProto, Level, Mode, Selector, Template};
use super::{ah, esp, udp_encap};
use crate::kernel::Datagram;
use crate::kernel::counters::DropReason;
use crate::kernel::hook::{PacketMeta, SecPathEntry, Verdict};
use crate::wire::ip::protocol;
use crate::wire::udp_encap::{PORT_ISAKMP, PORT_NATT};
use crate::wire::{ah as ah_layout, esp as esp_layout};

pub struct IpsecEngine {
    pub spd: Spd,
    pub sad: Sad,
    /// The SAD's IPComp SAs.
    pub ipcomp: IpcompSad,
    /// What the key daemon is to read, and what its requests reserved.
    pub(super) keying: Keying,
    /// A key daemon runs: its IKE traffic (UDP 500 and 4500) bypasses the
    /// SPD, as racoon's sockets carry bypass policies.
    pub ike_bypass: bool,
    /// The key daemon listens on UDP 4500 for NAT traversal: ESP in UDP
    /// arriving there is decapsulated (RFC 3948 §2.2).
    pub udp_encap: bool,
    rng: ChaCha8Rng,
    next_ident: u16,
}

impl From<IpsecError> for DropReason {
    fn from(e: IpsecError) -> DropReason {
        match e {
            IpsecError::Malformed => DropReason::Malformed,
            IpsecError::UnknownSpi => DropReason::UnknownSpi,
            IpsecError::Replay => DropReason::Replay,
            IpsecError::Integrity => DropReason::Integrity,
            IpsecError::BadPadding => DropReason::BadPadding,
            IpsecError::SeqOverflow => DropReason::SeqOverflow,
        }
    }
}

fn proto_of(ip_protocol: u8) -> Option<IpsecProto> {
    match ip_protocol {
        protocol::ESP => Some(IpsecProto::Esp),
        protocol::AH => Some(IpsecProto::Ah),
        _ => None,
    }
}

/// The SPI of an ESP or AH packet whose fixed header is there.
fn spi_of(proto: IpsecProto, packet: &[u8]) -> Option<u32> {
    match proto {
        IpsecProto::Esp => esp_layout::Packet::new_checked(packet)
            .ok()
            .map(|p| p.spi()),
        IpsecProto::Ah => ah_layout::Packet::new_checked(packet).ok().map(|p| p.spi()),
    }
}

impl IpsecEngine {
    pub fn new(mut rng: ChaCha8Rng) -> IpsecEngine {
        let next_ident = rng.next_u32() as u16;
        IpsecEngine {
            spd: Spd::default(),
            sad: Sad::default(),
            ipcomp: IpcompSad::default(),
            keying: Keying::default(),
            ike_bypass: false,
            udp_encap: false,
            rng,
            next_ident,
        }
    }

    pub fn next_timer(&self) -> Option<Instant> {
        self.sad.next_expiry()
    }

    pub fn on_timer(&mut self, now: Instant) {
        self.sad.expire(now);
    }

    /// A locally generated datagram (policy direction `out`).
    pub fn output(&mut self, now: Instant, datagram: &mut Datagram) -> Verdict {
        self.protect(now, datagram)
    }

    /// A datagram being forwarded: its `fwd` policy must be satisfied by
    /// how it arrived, then its `out` policy protects it.
    pub fn forward(&mut self, now: Instant, meta: &PacketMeta, datagram: &mut Datagram) -> Verdict {
        // Both checks match the same selector: it is read once.
        let sel = PacketSelector::of(datagram);
        match self.check_selector(Direction::Fwd, meta, &sel) {
            Verdict::Accept => self.protect_selector(now, datagram, &sel),
            other => other,
        }
    }

    /// A datagram for this node: ESP and AH are undone (and the result
    /// reinjected, its header parsed); anything else must satisfy its `in`
    /// policy.
    pub fn input(
        &mut self,
        now: Instant,
        meta: &mut PacketMeta,
        datagram: &mut Datagram,
    ) -> Verdict {
        if self.udp_encap && udp_encap::esp_in_udp(datagram).is_some() {
            if udp_encap::unwrap(datagram).is_err() {
                return Verdict::Drop(DropReason::Malformed);
            }
            return self.decapsulate(now, IpsecProto::Esp, meta, datagram, true);
        }
        match datagram.protocol() {
            protocol::IPCOMP => return self.decompress(now, meta, datagram),
            protocol::IPIP => {
                if let Some(verdict) = self.uncompressed_tunnel(now, meta, datagram) {
                    return verdict;
                }
            }
            _ => {}
        }
        match proto_of(datagram.protocol()) {
            Some(proto) => self.decapsulate(now, proto, meta, datagram, false),
            None => self.check_inbound(Direction::In, meta, datagram),
        }
    }

    /// The IP identification of the next tunnel's outer header.
    pub(super) fn next_tunnel_ident(&mut self) -> u16 {
        self.next_ident = self.next_ident.wrapping_add(1);
        self.next_ident
    }

    fn decapsulate(
        &mut self,
        now: Instant,
        proto: IpsecProto,
        meta: &mut PacketMeta,
        datagram: &mut Datagram,
        in_udp: bool,
    ) -> Verdict {
        let Some(outer) = datagram.ipv4().copied() else {
            return Verdict::Drop(DropReason::Malformed);
        };
        let Some(spi) = spi_of(proto, datagram.payload()) else {
            return Verdict::Drop(DropReason::Malformed);
        };
        let key: SaKey = (datagram.dst(), proto, spi);
        let Some(sa) = self.sad.get_mut(&key) else {
            return Verdict::Drop(DropReason::UnknownSpi);
        };
        // RFC 3948 §3.1: ESP in UDP only for SAs negotiated so, and back.
        if sa.spec.encap.is_some() != in_udp {
            return Verdict::Drop(DropReason::PolicyMismatch);
        }
        let result = match proto {
            // ESP works in the datagram's buffer; AH builds a new one.
            IpsecProto::Esp => esp::decapsulate(sa, datagram),
            IpsecProto::Ah => ah::decapsulate(sa, datagram),
        };
        let reqid = sa.spec.reqid;
        match result {
            Ok(tunnel) => {
                if in_udp && !tunnel {
                    udp_encap::fix_transport_checksum(datagram);
                }
                self.sad.used(key, outer.total_len(), now);
                meta.sec_path.push(SecPathEntry {
                    protocol: proto.ip_protocol(),
                    spi,
                    tunnel,
                    src: outer.src.into(),
                    dst: outer.dst.into(),
                    reqid,
                });
                Verdict::Reinject
            }
            Err(e) => {
                match e {
                    IpsecError::Replay => sa.counters.replay_drops += 1,
                    IpsecError::Integrity | IpsecError::BadPadding => {
                        sa.counters.integrity_failures += 1
                    }
                    _ => {}
                }
                Verdict::Drop(e.into())
            }
        }
    }

    /// The key daemon's own traffic: UDP from or to the ISAKMP or NAT-T port.
    fn bypasses(&self, sel: &PacketSelector) -> bool {
        const IKE_PORTS: [u16; 2] = [PORT_ISAKMP, PORT_NATT];
        self.ike_bypass
            && sel.protocol == protocol::UDP
            && sel
                .ports
                .is_some_and(|(s, d)| IKE_PORTS.contains(&s) || IKE_PORTS.contains(&d))
    }

    /// RFC 4301 §5.2: after IPsec processing, the packet must have been
    /// protected the way its policy says.
    fn check_inbound(&mut self, dir: Direction, meta: &PacketMeta, datagram: &Datagram) -> Verdict {
        let sel = PacketSelector::of(datagram);
        self.check_selector(dir, meta, &sel)
    }

    /// [`IpsecEngine::check_inbound`] for the datagram with selector `sel`.
    fn check_selector(
        &mut self,
        dir: Direction,
        meta: &PacketMeta,
        sel: &PacketSelector,
    ) -> Verdict {
        let sel = *sel;
        if self.bypasses(&sel) {
            return Verdict::Accept;
        }
        // Linux `__xfrm_policy_check`: what came out of a tunnel needs a
        // policy, and a template for each tunnel state it went through.
        let mut tunnels = meta.sec_path.iter().filter(|e| e.tunnel);
        let Some(policy) = self.spd.lookup(dir, &sel) else {
            return match tunnels.next() {
                Some(_) => Verdict::Drop(DropReason::NoPolicy),
                None => Verdict::Accept,
            };
        };
        let templates = &policy.spec.templates;
        let ipcomp = policy.ipcomp;
        let satisfied = match policy.spec.action {
            Action::Discard => return Verdict::Drop(DropReason::PolicyDiscard),
            Action::None => tunnels.next().is_none(),
            Action::Ipsec => {
                templates
                    .iter()
                    .all(|t| t.level == Level::Use || applied(t, meta))
                    && ipcomp.is_none_or(|c| ipcomp_applied(&c, meta))
                    && tunnels.all(|e| {
                        templates.iter().any(|t| satisfies(t, e))
                            || ipcomp.is_some_and(|c| ipcomp_satisfied_by(&c, e))
                    })
            }
        };
        if satisfied {
            Verdict::Accept
        } else {
            Verdict::Drop(DropReason::PolicyMismatch)
        }
    }

    /// RFC 4301 §5.1: look up the `out` policy and apply its SA bundle,
    /// templates in order (the first innermost).
    fn protect(&mut self, now: Instant, datagram: &mut Datagram) -> Verdict {
        let sel = PacketSelector::of(datagram);
        self.protect_selector(now, datagram, &sel)
    }

    /// [`IpsecEngine::protect`] for `datagram`, whose selector is `sel`.
    fn protect_selector(
        &mut self,
        now: Instant,
        datagram: &mut Datagram,
        sel: &PacketSelector,
    ) -> Verdict {
        let sel = *sel;
        if self.bypasses(&sel) {
            return Verdict::Accept;
        }
        let Some(policy) = self.spd.lookup(Direction::Out, &sel) else {
            return Verdict::Accept;
        };
        match policy.spec.action {
            Action::Discard => return Verdict::Drop(DropReason::PolicyDiscard),
            Action::None => return Verdict::Accept,
            Action::Ipsec => {}
        }
        // Copied out of the SPD (no allocation) so the SAD can be changed.
        let selector = policy.spec.selector;
        let ipcomp = policy.ipcomp;
        let mut bundle = [None; MAX_BUNDLE];
        for (slot, t) in bundle.iter_mut().zip(&policy.spec.templates) {
            *slot = Some(*t);
        }
        // The IPComp step is innermost: compression comes before
        // encryption (RFC 3173 §3; Linux applies templates in order).
        if let Some(t) = ipcomp {
            if let Err(reason) = self.apply_ipcomp(now, &t, datagram) {
                return Verdict::Drop(reason);
            }
        }
        for t in bundle.iter().flatten() {
            if let Err(reason) = self.apply_template(now, t, &selector, datagram) {
                return Verdict::Drop(reason);
            }
        }
        Verdict::Accept
    }

    fn apply_template(
        &mut self,
        now: Instant,
        t: &Template,
        selector: &Selector,
        datagram: &mut Datagram,
    ) -> Result<(), DropReason> {
        let h = datagram.ipv4().copied().ok_or(DropReason::Malformed)?;
        let (src, dst) = match (t.mode, t.endpoints) {
            (Mode::Tunnel, Some(ends)) => ends,
            (Mode::Tunnel, None) => return Err(DropReason::NoSa),
            _ => (h.src, h.dst),
        };
        let reqid = match t.level {
            Level::Unique(id) => id,
            _ => None,
        };
        let Some(key) = self.sad.outbound(src, dst, t.proto, t.mode, reqid) else {
            // Linux maps `default` to a required template; `use` passes in clear.
            if t.level == Level::Use {
                return Ok(());
            }
            self.acquire(Acquire {
                at: now,
                src,
                dst,
                proto: t.proto,
                mode: t.mode,
                selector: *selector,
                reqid: reqid.unwrap_or(0),
            });
            return Err(DropReason::NoSa);
        };
        let wrap = match t.mode {
            Mode::Tunnel => Wrap::Tunnel {
                src,
                dst,
                ident: self.next_tunnel_ident(),
            },
            _ => Wrap::Transport,
        };
        let Some(sa) = self.sad.get_mut(&key) else {
            return Err(DropReason::NoSa);
        };
        let encap = sa.spec.encap;
        match t.proto {
            // ESP works in the datagram's buffer; AH builds a new one.
            IpsecProto::Esp => esp::encapsulate(sa, datagram, &wrap, &mut self.rng),
            IpsecProto::Ah => ah::encapsulate(sa, datagram, &wrap),
        }
        .map_err(DropReason::from)?;
        if let (Some(encap), IpsecProto::Esp) = (encap, t.proto) {
            udp_encap::wrap(datagram, encap).map_err(DropReason::from)?;
        }
        self.sad.used(key, datagram.bytes().len(), now);
        Ok(())
    }
}

/// Whether a template was satisfied by one of the transforms the packet went through.
fn applied(t: &Template, meta: &PacketMeta) -> bool {
    meta.sec_path.iter().any(|e| satisfies(t, e))
}

/// Linux `xfrm_state_ok`: protocol, mode, tunnel endpoints and, for a
/// `unique` template, the reqid.
fn satisfies(t: &Template, e: &SecPathEntry) -> bool {
    let reqid_ok = match t.level {
        Level::Unique(Some(r)) => e.reqid == r,
        _ => true,
    };
    reqid_ok
        && e.protocol == t.proto.ip_protocol()
        && match t.mode {
            Mode::Tunnel => {
                e.tunnel
                    && t.endpoints
                        .is_none_or(|(s, d)| (e.src, e.dst) == (s.into(), d.into()))
            }
            Mode::Transport => !e.tunnel,
            Mode::Any => true,
        }
}
