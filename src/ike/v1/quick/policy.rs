//! The responder's check of a Quick Mode proposal against its SPD: the
//! protocol and mode its `in` policy asks for traffic between the IDs,
//! and the reqids its SAs are bound to; with `generate_policy`, whatever
//! the initiator proposes (isakmp_quick.c `get_proposal_r`).

use smoltcp::time::Instant;

use super::Phase2;
use super::messages::describe_selector;
use crate::config::racoon::{Compression, GeneratePolicy, SaInfo};
use crate::ike::FailReason;
use crate::ike::v1::env::Fail;
use crate::ike::v1::install;
use crate::ipsec::KeyKernel;
use crate::ipsec::spec::{Direction, IpsecProto, Level, Mode, PolicySpec, Selector};
use crate::wire::isakmp::NotifyType;

/// The (protocol, mode) pairs the responder accepts for `p2`'s traffic.
pub(super) fn policy_modes(
    now: Instant,
    p2: &mut Phase2,
    kernel: &mut dyn KeyKernel,
    generate: GeneratePolicy,
    natted: bool,
) -> Result<Vec<(IpsecProto, Mode)>, Fail> {
    let policy = inbound_policy(now, p2, kernel, natted);
    if policy.is_some() {
        let selector = p2.selector.reversed();
        p2.ipcomp = install::has_ipcomp_step(now, kernel, selector, Direction::In);
    }
    match policy.and_then(|p| p.templates.first().copied()) {
        Some(t) => {
            if let Level::Unique(Some(reqid)) = t.level {
                p2.reqid_in = reqid;
            }
            p2.reqid_out = install::policy_reqid(now, kernel, p2.selector, Direction::Out);
            let mode = match t.mode {
                Mode::Tunnel => Mode::Tunnel,
                _ => Mode::Transport,
            };
            Ok(vec![(t.proto, mode)])
        }
        None if generate != GeneratePolicy::Off => Ok(generated(p2, generate)),
        None => Err(Fail::new(
            FailReason::InvalidId,
            Some(NotifyType::InvalidIdInformation),
            format!("no policy found: {}.", describe_selector(&p2.selector)),
        )),
    }
}

/// The `in` policy for the traffic from the peer's side to ours. A peer
/// behind a NAT names its private address; a transport-mode policy
/// names the address its packets arrive from (racoon does the same when
/// NAT-T is in use), and `p2` takes that selector.
fn inbound_policy(
    now: Instant,
    p2: &mut Phase2,
    kernel: &mut dyn KeyKernel,
    natted: bool,
) -> Option<PolicySpec> {
    let mut find = |s: &Selector| install::policy(now, &mut *kernel, s.reversed(), Direction::In);
    if let Some(policy) = find(&p2.selector) {
        return Some(policy);
    }
    if !natted {
        return None;
    }
    let public = Selector {
        dst: crate::net::Prefix::new(p2.peer, 32).into(),
        ..p2.selector
    };
    let policy = find(&public)?;
    p2.selector = public;
    Some(policy)
}

/// `generate_policy`: any protocol in either mode (proposal.c
/// `set_proposal_from_proposal` copies the initiator's). Only `unique`
/// binds the SAs to reqids of their own, so that each peer's SAs serve
/// its own policy even behind one NAT address; `on` and `require` leave
/// reqid 0, and pfkey.c `getsadbpolicy` writes level `require`.
fn generated(p2: &mut Phase2, generate: GeneratePolicy) -> Vec<(IpsecProto, Mode)> {
    p2.generate_policy = true;
    if generate == GeneratePolicy::Unique {
        p2.reqid_in = p2.serial;
        p2.reqid_out = p2.serial;
    }
    [IpsecProto::Esp, IpsecProto::Ah]
        .into_iter()
        .flat_map(|p| [(p, Mode::Transport), (p, Mode::Tunnel)])
        .collect()
}

/// Whether our transforms bundle IPComp: as the policy's step says, or
/// under `generate_policy` as the initiator proposes. racoon copies each
/// of its protocols (`set_proposal_from_proposal`), and
/// `set_satrnsbysainfo` gives an IPCOMP one the sainfo's
/// `compression_algorithm`s (cfparse.y requires one): with deflate among
/// them a deflate bundle can be chosen, without it none can.
pub(super) fn ipcomp_variants(p2: &Phase2, sainfo: &SaInfo) -> Vec<bool> {
    if !p2.generate_policy {
        return vec![p2.ipcomp];
    }
    let mut variants = vec![false];
    if sainfo.compression.contains(&Compression::Deflate) {
        variants.push(true);
    }
    variants
}
