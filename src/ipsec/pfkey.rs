//! The kernel's key-management interface, the PF_KEY way (RFC 2367): the
//! requests a key daemon or setkey sends to the IPsec engine, the replies
//! and errors it answers with, and the messages it sends on its own
//! (ACQUIRE, EXPIRE, and what other requests changed).
//!
//! A key daemon sees nothing else of the engine: it holds a
//! `&mut dyn` [`KeyKernel`] while it handles a datagram, an event or a
//! timer, as racoon holds its PF_KEY socket (and strongSwan its
//! `kernel_ipsec_t`); the node hands it the [`Event`]s.

use std::net::Ipv4Addr;

use smoltcp::time::Instant;

use super::sad::SaKey;
use super::spec::{
    Direction, IpcompSpec, IpcompTemplate, IpsecProto, Mode, PolicySpec, SaSpec, Selector,
};

/// One request to the kernel's key management (PF_KEY, RFC 2367 §2.3 and
/// KAME's SADB_X_SPD* extensions). setkey's commands are these requests.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Request {
    /// SADB_FLUSH: empty the SAD (or only its ESP or AH SAs); setkey
    /// `flush [proto];`. `Flush(None)` (SADB_SATYPE_UNSPEC) empties the
    /// IPComp SAs too.
    Flush(Option<IpsecProto>),
    /// The same requests for IPComp SAs (SADB_X_SATYPE_IPCOMP).
    Ipcomp(IpcompRequest),
    /// SADB_X_SPDFLUSH; setkey `spdflush;`.
    SpdFlush,
    /// SADB_GETSPI (RFC 2367 §3.1.1): reserve an SPI in `range` for the
    /// SA from `src` to `dst` that an UPDATE will fill in (a larval SA);
    /// answered with [`Reply::Spi`].
    GetSpi {
        src: Ipv4Addr,
        dst: Ipv4Addr,
        proto: IpsecProto,
        mode: Mode,
        reqid: u32,
        range: SpiRange,
    },
    /// SADB_UPDATE (RFC 2367 §3.1.2): the SA whose SPI GETSPI reserved,
    /// now with its keys.
    Update(SaSpec),
    /// SADB_ADD; setkey `add src dst proto spi [extensions] algorithms;`.
    Add(SaSpec),
    /// SADB_DELETE; setkey `delete src dst proto spi;`.
    Delete {
        src: Ipv4Addr,
        dst: Ipv4Addr,
        proto: IpsecProto,
        spi: u32,
    },
    /// SADB_DELETE of every SPI between two addresses; setkey `deleteall src dst proto;`.
    DeleteAll {
        src: Ipv4Addr,
        dst: Ipv4Addr,
        proto: IpsecProto,
    },
    /// SADB_GET; setkey `get src dst proto spi;`; answered with [`Reply::Sa`].
    Get {
        src: Ipv4Addr,
        dst: Ipv4Addr,
        proto: IpsecProto,
        spi: u32,
    },
    /// SADB_X_SPDADD; setkey `spdadd src_range dst_range upperspec policy;`.
    ///
    /// setkey(8) on Linux runs in "RFC mode" by default and installs a
    /// `fwd` policy next to every `in` policy: `config::setkey::kernel_requests` gives
    /// both; the command itself is given exactly as written.
    SpdAdd(PolicySpec),
    /// SADB_X_SPDADD of a policy whose bundle starts with an IPComp step
    /// (`-P out ipsec ipcomp/tunnel/A-B/use esp/transport//require;`):
    /// `ipcomp` is applied first on output, then `policy`'s templates.
    /// SPDGET and SPDDUMP answer with `policy` alone.
    SpdAddWithIpcomp {
        policy: PolicySpec,
        ipcomp: IpcompTemplate,
    },
    /// SADB_X_SPDDELETE; setkey `spddelete src_range dst_range upperspec -P dir;`.
    SpdDelete { selector: Selector, dir: Direction },
    /// SADB_X_SPDGET of the policy for exactly `selector` in `dir` (KAME
    /// names it by policy ID, Linux's XFRM_MSG_GETPOLICY by selector and
    /// direction, as here); answered with [`Reply::Policy`]. racoon reads
    /// its copy of the SPD (`getsp`) where this asks the kernel.
    SpdGet { selector: Selector, dir: Direction },
    /// SADB_DUMP; setkey `dump [proto];`; answered with [`Reply::Sas`].
    Dump(Option<IpsecProto>),
    /// SADB_X_SPDDUMP; setkey `spddump;`; answered with [`Reply::Policies`].
    SpdDump,
}

impl Request {
    /// The policy an SPDADD adds (with or without an IPComp step).
    pub fn added_policy(&self) -> Option<&PolicySpec> {
        match self {
            Request::SpdAdd(policy) | Request::SpdAddWithIpcomp { policy, .. } => Some(policy),
            _ => None,
        }
    }
}

/// PF_KEY requests for SADB_X_SATYPE_IPCOMP SAs. A key daemon installs
/// the IPComp SA it negotiated (RFC 2407 §4.4.1: the CPI is its SPI) with
/// [`IpcompRequest::Add`], as it installs an ESP SA with [`Request::Add`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum IpcompRequest {
    /// SADB_ADD; setkey `add src dst ipcomp spi -C deflate [-R];`.
    Add(IpcompSpec),
    /// SADB_DELETE; setkey `delete src dst ipcomp spi;`.
    Delete {
        src: Ipv4Addr,
        dst: Ipv4Addr,
        spi: u32,
    },
    /// setkey `deleteall src dst ipcomp;`.
    DeleteAll { src: Ipv4Addr, dst: Ipv4Addr },
    /// SADB_GET; setkey `get src dst ipcomp spi;`; answered with [`Reply::IpcompSa`].
    Get {
        src: Ipv4Addr,
        dst: Ipv4Addr,
        spi: u32,
    },
    /// SADB_FLUSH of the IPComp SAs; setkey `flush ipcomp;`.
    Flush,
    /// SADB_DUMP of the IPComp SAs; setkey `dump ipcomp;`; answered with [`Reply::IpcompSas`].
    Dump,
    /// SADB_GETSPI with SADB_X_SATYPE_IPCOMP: a CPI in `range` free for
    /// `dst` (racoon asks for 0x100 to 0xffff, pfkey.c `pk_sendgetspi`);
    /// answered with [`Reply::Spi`]. vpnlab reserves no larval IPComp
    /// SA: the ADD that follows takes the CPI.
    GetCpi { dst: Ipv4Addr, range: SpiRange },
    /// The IPComp step of the policy for `selector` in `dir` (part of
    /// SADB_X_SPDGET's answer on Linux, where the step is one of the
    /// policy's templates); answered with [`Reply::IpcompStep`].
    PolicyStep { selector: Selector, dir: Direction },
}

/// SADB_EXT_SPIRANGE: the SPIs a GETSPI may return, both ends included.
/// With `min == max` the kernel gives exactly that SPI or refuses
/// (Linux `xfrm_alloc_spi`, KAME `key_do_getnewspi`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SpiRange {
    pub min: u32,
    pub max: u32,
}

impl SpiRange {
    /// The one SPI `spi`.
    pub fn exactly(spi: u32) -> SpiRange {
        SpiRange { min: spi, max: spi }
    }
}

/// The kernel's answer to a request that succeeded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reply {
    /// The request was carried out.
    Done,
    /// GETSPI: the SPI reserved.
    Spi(u32),
    /// GET: the SA as installed.
    Sa(SaSpec),
    /// SPDGET: the policy as installed (`unique` templates carry the
    /// reqid the kernel gave them).
    Policy(PolicySpec),
    /// DUMP: the SAs, in SAD order.
    Sas(Vec<SaSpec>),
    /// SPDDUMP: the policies, in the order they were added.
    Policies(Vec<PolicySpec>),
    /// GET of an IPComp SA.
    IpcompSa(IpcompSpec),
    /// DUMP of the IPComp SAs, in SAD order.
    IpcompSas(Vec<IpcompSpec>),
    /// The IPComp step of a policy (None: the policy has none).
    IpcompStep(Option<IpcompTemplate>),
}

/// Why the kernel refused a request: the `sadb_msg_errno` of its answer,
/// with what setkey would print.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Errno {
    /// EEXIST: "File exists".
    Exists(String),
    /// ENOENT (ESRCH for SAs on Linux): "No such file or directory".
    NotFound(String),
    /// EINVAL: keys of the wrong length, too many transforms, an SPI
    /// range without a usable SPI.
    Invalid(String),
}

impl std::fmt::Display for Errno {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Errno::Exists(m) | Errno::NotFound(m) | Errno::Invalid(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for Errno {}

/// A kernel request for SAs (PF_KEY SADB_ACQUIRE): an `ipsec` policy
/// matched and no SA was there.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Acquire {
    pub at: Instant,
    /// The SA's endpoints: the tunnel's, or the packet's in transport mode.
    pub src: Ipv4Addr,
    pub dst: Ipv4Addr,
    pub proto: IpsecProto,
    pub mode: Mode,
    /// The selector of the `out` policy that asked for the SA; the key
    /// daemon proposes it as the phase 2 identities.
    pub selector: Selector,
    /// The template's `unique:N` reqid the SA must carry (0: none).
    pub reqid: u32,
}

/// A message the kernel sends its key daemon unasked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    /// SADB_ACQUIRE (RFC 2367 §3.1.6).
    Acquire(Acquire),
    /// SADB_EXPIRE (RFC 2367 §3.1.7): the SA reached its soft lifetime
    /// (it is dying, still used) or its hard one (it is gone).
    Expire { sa: SaKey, hard: bool },
    /// An ADD or UPDATE put the SA in the SAD (the kernel echoes both to
    /// every PF_KEY socket).
    Added(SaKey),
    /// A DELETE or DELETEALL took the SA out of the SAD.
    Deleted(SaKey),
    /// SADB_FLUSH emptied the SAD (of one protocol's SAs, or all).
    Flushed(Option<IpsecProto>),
}

/// The kernel as a key daemon reaches it: one request at a time, each
/// answered at once (PF_KEY's reply to the sender). strongSwan's
/// `kernel_ipsec_t` has a method per request; here the requests are
/// values, the same ones setkey's commands parse into.
pub trait KeyKernel {
    fn request(&mut self, now: Instant, request: Request) -> Result<Reply, Errno>;
}
