//! What setkey (or native YAML) says: security policies and SAs as
//! configuration, before they are installed in a node's SPD and SAD.

use std::fmt;
use std::net::Ipv4Addr;

use crate::crypto::{AuthAlg, EncAlg};
use crate::wire::ip::Cidr;

/// Policy direction (RFC 4301 §4.4.1; Linux adds `fwd` for forwarded traffic).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Direction {
    In,
    Out,
    Fwd,
}

/// What a policy does with matching traffic (RFC 4301 §4.4.1: PROTECT, DISCARD, BYPASS).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    Ipsec,
    Discard,
    None,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum IpsecProto {
    /// RFC 4303, IP protocol 50.
    Esp,
    /// RFC 4302, IP protocol 51.
    Ah,
}

impl IpsecProto {
    pub fn ip_protocol(self) -> u8 {
        match self {
            IpsecProto::Esp => 50,
            IpsecProto::Ah => 51,
        }
    }
    pub fn name(self) -> &'static str {
        match self {
            IpsecProto::Esp => "esp",
            IpsecProto::Ah => "ah",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Mode {
    Transport,
    Tunnel,
    /// setkey's default for SAs (`-m any`); Linux treats it as transport.
    Any,
}

impl Mode {
    pub fn name(self) -> &'static str {
        match self {
            Mode::Transport => "transport",
            Mode::Tunnel => "tunnel",
            Mode::Any => "any",
        }
    }
}

/// How strictly a template must be satisfied (setkey's `level`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    /// Use the system default (KAME: `require` for our purposes).
    Default,
    /// Protect if an SA exists; otherwise send in plaintext.
    Use,
    /// An SA is required; without one the packet is dropped.
    Require,
    /// Like require, with an SA bound to this policy (optional reqid).
    Unique(Option<u32>),
}

/// One protocol/mode step of an SA bundle: `esp/tunnel/A-B/require`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Template {
    pub proto: IpsecProto,
    pub mode: Mode,
    /// Tunnel endpoints (source, destination); empty in transport mode.
    pub endpoints: Option<(Ipv4Addr, Ipv4Addr)>,
    pub level: Level,
}

/// Upper-layer protocol of a selector.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Upper {
    Any,
    Protocol(u8),
}

/// Traffic selector: addresses with prefixes, ports (`[any]` = None),
/// protocol (RFC 4301 §4.4.1.1). The prefixes are [`Cidr`]s, so that
/// selectors of another IP version fit the same type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Selector {
    pub src: Cidr,
    pub dst: Cidr,
    pub src_port: Option<u16>,
    pub dst_port: Option<u16>,
    pub upper: Upper,
}

impl Selector {
    /// The same traffic the other way (an `out` policy's `in` twin).
    pub fn reversed(&self) -> Selector {
        Selector {
            src: self.dst,
            dst: self.src,
            src_port: self.dst_port,
            dst_port: self.src_port,
            upper: self.upper,
        }
    }
}

/// One SPD entry as configured (`spdadd … -P dir action templates;`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PolicySpec {
    pub selector: Selector,
    pub dir: Direction,
    pub action: Action,
    /// Applied in order on output: the first is innermost (ESP before AH).
    pub templates: Vec<Template>,
    /// Linux priority: lower values win; default 0 (setkey `prio`).
    pub priority: i32,
}

/// SA lifetime limits (setkey `-lh` hard, `-ls` soft): seconds and bytes; 0 = none.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Lifetime {
    pub seconds: u64,
    pub bytes: u64,
}

/// One SA as configured (`add src dst proto spi options algorithms;`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SaSpec {
    pub src: Ipv4Addr,
    pub dst: Ipv4Addr,
    pub proto: IpsecProto,
    pub spi: u32,
    pub mode: Mode,
    /// `-u reqid` (0: none).
    pub reqid: u32,
    /// `-r size`: replay window in packets (0 disables the check).
    pub replay_window: u32,
    /// ESP encryption; None for AH.
    pub enc: Option<(EncAlg, Vec<u8>)>,
    /// Integrity (AH always, ESP optional).
    pub auth: Option<(AuthAlg, Vec<u8>)>,
    pub hard: Lifetime,
    pub soft: Lifetime,
    /// ESP in UDP (RFC 3948): the source and destination ports of the UDP
    /// header around every packet of this SA. Only the key daemon sets it
    /// (PF_KEY's NAT-T extensions; setkey has no syntax for it).
    pub encap: Option<UdpEncap>,
}

/// The UDP ports of a UDP-encapsulated ESP SA (RFC 3948 §2.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UdpEncap {
    pub sport: u16,
    pub dport: u16,
}

/// IPComp's compression algorithms (RFC 3173 §3.3; setkey `-C calgo`).
/// vpnlab implements DEFLATE (RFC 2394); setkey's `oui` and `lzs` are
/// refused where they are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CompAlg {
    /// RFC 2394: raw DEFLATE (RFC 1951), no zlib header, each datagram
    /// compressed on its own (RFC 3173 §2.1).
    Deflate,
}

impl CompAlg {
    /// The name setkey reads and `setkey -D` prints (libipsec `str_alg_comp`).
    pub fn setkey_name(self) -> &'static str {
        match self {
            CompAlg::Deflate => "deflate",
        }
    }

    /// The well-known CPI (RFC 3173 §3.3, IANA's IPCOMP transform IDs:
    /// DEFLATE is 2), also `SADB_X_CALG_DEFLATE`, the number PF_KEY
    /// carries in `sadb_sa_encrypt`.
    pub fn well_known_cpi(self) -> u16 {
        match self {
            CompAlg::Deflate => 2,
        }
    }

    /// Linux `xfrm_algo.c` `calg_list`: payloads shorter than this are sent
    /// uncompressed (`.uinfo.comp.threshold = 90` for deflate).
    pub fn threshold(self) -> usize {
        match self {
            CompAlg::Deflate => 90,
        }
    }
}

/// One IPComp SA as configured (`add src dst ipcomp SPI -C deflate [-R];`,
/// RFC 3173 §4). It is kept apart from [`SaSpec`]: an IPComp SA has no
/// keys, sequence numbers, replay window or integrity, and its wire index
/// is a 16-bit CPI.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IpcompSpec {
    pub src: Ipv4Addr,
    pub dst: Ipv4Addr,
    /// The SA's SPI as PF_KEY holds it (`sadb_sa_spi`). Linux sends its
    /// low 16 bits as the CPI (`ipcomp_output`: `htons((u16)ntohl(spi))`)
    /// and finds an inbound SA by the CPI widened back (`xfrm_parse_spi`),
    /// so it is at most 0xffff.
    pub spi: u32,
    pub mode: Mode,
    /// `-u reqid` (0: none).
    pub reqid: u32,
    pub alg: CompAlg,
}

impl IpcompSpec {
    /// The CPI on the wire (RFC 3173 §2.2). setkey's `-R` asks KAME to
    /// send the SPI as is instead of the well-known CPI; Linux af_key
    /// ignores `sadb_sa_flags` (`/* x->algo.flags = sa->sadb_sa_flags; */`)
    /// and always sends the SPI, as here.
    pub fn cpi(&self) -> u16 {
        (self.spi & 0xffff) as u16
    }
}

/// The IPComp step of an SA bundle (`ipcomp/tunnel/A-B/use`). It is the
/// innermost step: applied first on output, before the policy's ESP or AH
/// [`Template`]s (RFC 3173 §3: compression before encryption; racoon
/// always writes it first, and Linux applies templates in order).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IpcompTemplate {
    pub mode: Mode,
    /// Tunnel endpoints (source, destination); empty in transport mode.
    pub endpoints: Option<(Ipv4Addr, Ipv4Addr)>,
    pub level: Level,
}

impl fmt::Display for Direction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Direction::In => "in",
            Direction::Out => "out",
            Direction::Fwd => "fwd",
        })
    }
}
