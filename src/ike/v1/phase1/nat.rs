//! Phase 1's part of NAT traversal (RFC 3947 §3, §4): which version both
//! ends announced, NAT-D payloads out and in, and the float to port 4500.

use std::net::{Ipv4Addr, SocketAddrV4};

use super::Phase1;
use super::payloads::Received;
use crate::config::racoon::{NatTraversal, Remote};
use crate::ike::IkeEvent;
use crate::ike::v1::env::Env;
use crate::ike::v1::natt::{self, Version};
use crate::wire::isakmp::PayloadRepr;
use crate::wire::udp_encap::PORT_NATT;

/// The NAT-T vendor IDs of our first message: all of them when
/// `nat_traversal` is on or forced.
pub(super) fn offered_vendor_ids(remote: &Remote) -> Vec<PayloadRepr> {
    if remote.nat_traversal == NatTraversal::Off {
        Vec::new()
    } else {
        natt::vendor_ids()
    }
}

/// The responder's answer: the one version it chose.
pub(super) fn chosen_vendor_id(p: &Phase1) -> Vec<PayloadRepr> {
    p.natt
        .version
        .map(|v| PayloadRepr::VendorId(v.vendor_id()))
        .into_iter()
        .collect()
}

/// The best NAT-T version the peer announced, if we do NAT-T at all.
pub(super) fn agree(p: &mut Phase1, env: &mut Env<'_>, got: &Received) {
    if env.conf.remotes[p.remote].nat_traversal == NatTraversal::Off {
        return;
    }
    if let Some(v) = got.natt_version {
        env.log
            .info(env.now, format!("received Vendor ID: {}", v.name()));
        p.natt.version = Some(v);
        p.natt.forced = env.conf.remotes[p.remote].nat_traversal == NatTraversal::Force;
    }
}

/// The NAT-D hash of `at`. Under `nat_traversal force` racoon hashes a
/// zero address with the real port (nattraversal.c `natt_hash_addr`), so
/// that the peer sees a NAT whatever the path.
fn hash(p: &Phase1, at: SocketAddrV4) -> Option<Vec<u8>> {
    if p.natt.forced {
        real_hash(p, SocketAddrV4::new(Ipv4Addr::UNSPECIFIED, at.port()))
    } else {
        real_hash(p, at)
    }
}

fn real_hash(p: &Phase1, at: SocketAddrV4) -> Option<Vec<u8>> {
    let prf = p.chosen?.prf;
    Some(natt::nat_d_hash(prf, &p.cky_i, &p.cky_r, at))
}

/// RFC 3947 §3.2: the first NAT-D is the peer's address and port as we
/// send to them, the next our own: the ends of the message that carries
/// them (after a float, port 4500: racoon's `agg_i2send` hashes the
/// floated `iph1->remote` and `iph1->local`).
pub(super) fn nat_d_payloads(p: &Phase1) -> Vec<PayloadRepr> {
    let (Some(v), Some(theirs), Some(ours)) = (p.natt.version, hash(p, p.peer), hash(p, p.local))
    else {
        return Vec::new();
    };
    vec![v.nat_d(theirs), v.nat_d(ours)]
}

/// Compares the peer's NAT-D payloads with the ends of the message that
/// carried them, as seen here (racoon `agg_r2recv` after `isakmp_main`
/// took the message's addresses; `ident_*recv`): a mismatch in the first
/// means we are behind a NAT, in the others that the peer is. Under
/// `force`, racoon's `natt_compare_addr_hash` compares nothing and leaves
/// both NAT flags set.
pub(super) fn detect(p: &mut Phase1, env: &mut Env<'_>, got: &Received) {
    let (local, peer) = (p.local, p.peer);
    let (Some(_), Some((first, rest))) = (p.natt.version, got.nat_d.split_first()) else {
        return;
    };
    let forced = p.natt.forced;
    p.natt.local_behind = forced || real_hash(p, local).as_ref() != Some(first);
    p.natt.peer_behind = forced || !rest.iter().any(|h| Some(h) == real_hash(p, peer).as_ref());
    let who = match (p.natt.local_behind, p.natt.peer_behind) {
        (false, false) => {
            return env
                .log
                .info(env.now, "NAT-D payloads match: no NAT detected.");
        }
        (true, false) => "ME",
        (false, true) => "PEER",
        (true, true) => "ME PEER",
    };
    env.log.info(env.now, format!("NAT detected: {who}"));
    env.log.event(IkeEvent::NatDetected {
        at: env.now,
        peer: *p.peer.ip(),
        local_behind: p.natt.local_behind,
        peer_behind: p.natt.peer_behind,
    });
}

/// RFC 3947 §4: with a NAT between the ends (which `force` on either
/// end makes both see) the initiator moves to port 4500 from its next
/// message on (nattraversal.c `natt_float_ports`).
pub(super) fn float(p: &mut Phase1, env: &mut Env<'_>) {
    if p.natt.version.is_none() || !p.natt.nat_between() || p.natt.floated {
        return;
    }
    p.local.set_port(PORT_NATT);
    p.peer.set_port(PORT_NATT);
    moved(p, env);
}

/// The peer floated (or its NAT mapped it anew): follow it, as racoon's
/// `isakmp_main` does: only when both ends announced NAT-T and the ports
/// have not changed yet for this ISAKMP SA (`NAT_PORTS_CHANGED`), so at
/// most once. The caller undoes it if the message is not accepted.
fn follow(p: &mut Phase1, env: &mut Env<'_>, local: SocketAddrV4, peer: SocketAddrV4) {
    if (p.local, p.peer) == (local, peer) || p.natt.version.is_none() || p.natt.floated {
        return;
    }
    p.local = local;
    p.peer = peer;
    moved(p, env);
}

fn moved(p: &mut Phase1, env: &mut Env<'_>) {
    p.natt.floated = true;
    env.log.info(
        env.now,
        format!("NAT-T: ports changed to: {}<->{}", p.local, p.peer),
    );
    env.log.event(IkeEvent::Floated {
        at: env.now,
        peer: *p.peer.ip(),
    });
}

/// Whether UDP encapsulation is used for this ISAKMP SA's phase 2 SAs
/// (ipsec_doi.c `ipsecdoi_setph2proposal`: when NAT_DETECTED).
pub fn udp_encapsulation(p: &Phase1) -> Option<Version> {
    p.natt.version.filter(|_| p.natt.nat_between())
}

/// What a followed float changed, to put back if its message is refused.
pub(crate) struct FloatUndo {
    ends: (SocketAddrV4, SocketAddrV4),
    floated: bool,
}

impl Phase1 {
    /// racoon's `isakmp_main` runs its float block for every exchange on
    /// an ISAKMP SA, Quick Mode and Informational too: [`follow`] a
    /// message from `peer` to `local`, with what to undo.
    pub(crate) fn follow_float(
        &mut self,
        env: &mut Env<'_>,
        (local, peer): (SocketAddrV4, SocketAddrV4),
    ) -> FloatUndo {
        let undo = FloatUndo {
            ends: (self.local, self.peer),
            floated: self.natt.floated,
        };
        follow(self, env, local, peer);
        undo
    }

    /// The message that made [`Self::follow_float`] move was not taken.
    pub(crate) fn undo_float(&mut self, undo: FloatUndo) {
        (self.local, self.peer) = undo.ends;
        self.natt.floated = undo.floated;
    }
}
