//! SA payloads: what racoon offers from its `remote { proposal { } }` and
//! `sainfo { }` sections, and how a responder picks one (racoon's
//! `proposal_check`).
//!
//! Phase 1 offers are one ISAKMP proposal with one transform per
//! `proposal { }` (RFC 2409 §5: "only one proposal ... multiple
//! transforms"). Phase 2 offers are one proposal per protocol with every
//! `encryption_algorithm` × `authentication_algorithm` combination as a
//! transform, in the order written (encryption first, as racoon lists
//! them). AH+ESP bundles and IPComp are not negotiated.
//!
//! [`isakmp`] holds phase 1's offers and choice, [`ipsec`] phase 2's;
//! this module the transforms and what both check alike.

mod ipsec;
mod isakmp;

pub use ipsec::{Chosen, accepted_ipsec, choose_ipsec, ipsec_offer, ipsec_reply, ipsec_transforms};
pub use isakmp::{accepted_isakmp, choose_isakmp, isakmp_offer};

use super::natt::Version;
use crate::config::racoon::{self as conf, ProposalCheck};
use crate::crypto::dh::DhGroup;
use crate::crypto::ikev1::{IkeCipher, Prf};
use crate::crypto::{AuthAlg, EncAlg};
use crate::ipsec::spec::{IpsecProto, Mode};
use crate::wire::isakmp::AuthenticationMethod;
use crate::wire::isakmp::{LifeType, TransformRepr};

/// One phase 1 transform (RFC 2409 Appendix A), pre-shared keys only.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IsakmpTransform {
    /// Pre-shared keys or RSA signatures (RFC 2409 Appendix A values 1, 3).
    pub auth: AuthenticationMethod,
    pub cipher: IkeCipher,
    pub prf: Prf,
    pub group: DhGroup,
    pub lifetime_secs: u64,
    /// Our end of XAuth after phase 1, from our own proposal
    /// (`xauth_psk_*`, `xauth_rsa_*`); None for the peer's transforms.
    pub xauth: Option<crate::ike::v1::cfg::XauthRole>,
}

/// One phase 2 transform (RFC 2407 §4.5).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IpsecTransform {
    pub proto: IpsecProto,
    /// ESP's cipher and key length in bytes; None for AH.
    pub enc: Option<(EncAlg, usize)>,
    pub auth: Option<AuthAlg>,
    pub mode: Mode,
    pub lifetime_secs: u64,
    /// PFS group (RFC 2409 §5.5); None: no KE payload.
    pub pfs: Option<DhGroup>,
    /// ESP in UDP (RFC 3947 §5.3), in the code points of this NAT-T
    /// version.
    pub udp: Option<Version>,
    /// An IPCOMP protocol with IPCOMP_DEFLATE rides in the same proposal
    /// (RFC 2407 §4.4.5; racoon's `set_proposal_from_policy` adds it for
    /// a policy with an ipcomp step).
    pub ipcomp: bool,
}

/// A lifetime the responder agreed to: the one to install, and whether it
/// is our own in place of a longer one offered (`claim`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct AgreedLifetime {
    secs: u64,
    claimed: bool,
}

/// racoon's `proposal_check` on a phase 2 lifetime (proposal.c
/// `cmpsaprop_alloc`): `obey` takes the peer's; `strict` a shorter or
/// equal one; `claim` too, and answers a longer one with our own (a
/// RESPONDER-LIFETIME follows); `exact` only an equal one. A refusal is
/// given in racoon's words.
fn agree_lifetime(check: ProposalCheck, theirs: u64, ours: u64) -> Result<AgreedLifetime, String> {
    let peer = AgreedLifetime {
        secs: theirs,
        claimed: false,
    };
    match check {
        ProposalCheck::Obey => Ok(peer),
        ProposalCheck::Strict | ProposalCheck::Claim if theirs <= ours => Ok(peer),
        ProposalCheck::Claim => Ok(AgreedLifetime {
            secs: ours,
            claimed: true,
        }),
        ProposalCheck::Strict => Err(format!("long lifetime proposed: my:{ours} peer:{theirs}")),
        ProposalCheck::Exact if theirs == ours => Ok(peer),
        ProposalCheck::Exact => Err(format!("lifetime mismatched: my:{ours} peer:{theirs}")),
    }
}

/// racoon's `proposal_check` on a key length, in bits (remoteconf.c
/// `checkisakmpsa` in phase 1, proposal.c `cmpsatrns` in phase 2): `obey`
/// takes any length, `strict` and `claim` refuse a shorter key than ours,
/// `exact` any other. A refusal is given in `cmpsatrns`'s words.
fn agree_key_length(check: ProposalCheck, theirs: usize, ours: usize) -> Result<(), String> {
    match check {
        ProposalCheck::Obey => Ok(()),
        ProposalCheck::Strict | ProposalCheck::Claim if theirs < ours => Err(format!(
            "low key length proposed, mine:{ours} peer:{theirs}."
        )),
        ProposalCheck::Exact if theirs != ours => {
            Err(format!("key length mismatched, mine:{ours} peer:{theirs}."))
        }
        _ => Ok(()),
    }
}

/// racoon's `proposal_check` on the PFS group (proposal.c
/// `cmpsaprop_alloc`, `prop_pfs_check`): `strict` and `claim` refuse only
/// a group that differs from ours when we have one, `exact` any difference.
fn agree_pfs(
    check: ProposalCheck,
    theirs: Option<DhGroup>,
    ours: Option<DhGroup>,
) -> Result<(), String> {
    let ok = match check {
        ProposalCheck::Obey => true,
        ProposalCheck::Exact => theirs == ours,
        ProposalCheck::Strict | ProposalCheck::Claim => ours.is_none() || theirs == ours,
    };
    let id = |g: Option<DhGroup>| g.map_or(0, DhGroup::id);
    ok.then_some(())
        .ok_or_else(|| format!("pfs group mismatched: my:{} peer:{}", id(ours), id(theirs)))
}

/// The crypto module's group for a racoon.conf group.
pub fn dh_group(group: conf::DhGroup) -> Option<DhGroup> {
    DhGroup::from_id(group.number())
}

/// The longest lifetime taken from a peer: a LifeDuration can be eight
/// bytes long, and timers must not overflow.
const MAX_LIFETIME_SECS: u64 = u32::MAX as u64;

/// A 16-bit attribute: `Some(None)` when absent, `None` (refuse the
/// transform) when its value does not fit in 16 bits, so that no larger
/// value is read as a smaller code.
fn short(t: &TransformRepr, kind: impl Into<u16>) -> Option<Option<u16>> {
    match t.attribute(kind) {
        None => Some(None),
        Some(a) => u16::try_from(a.as_u64()?).ok().map(Some),
    }
}

fn life_seconds(t: &TransformRepr, kind: impl Into<u16>, value: impl Into<u16>) -> Option<u64> {
    match short(t, kind)?.map(LifeType::from) {
        None => Some(conf::DEFAULT_LIFETIME_SECS),
        Some(LifeType::Seconds) => t.value(value).map(|v| v.min(MAX_LIFETIME_SECS)),
        // Kilobyte lifetimes are not implemented: such a transform is refused.
        Some(_) => None,
    }
}

fn clamp_u32(v: u64) -> u32 {
    u32::try_from(v).unwrap_or(u32::MAX)
}
