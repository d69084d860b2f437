//! racoon.conf (ipsec-tools 0.8 racoon.conf(5)) parsed into a typed
//! [`RacoonConf`] that the IKEv1 daemon uses directly.
//!
//! The grammar follows ipsec-tools' `src/racoon/cfparse.y` and
//! `cftoken.l`; the defaults follow `localconf.h`, `remoteconf.c`
//! (`newrmconf`) and `sainfo.c` (`newsainfo`), which is what racoon really
//! does where racoon.conf(5) says otherwise (noted at each field). A
//! tokenizer records the line and column (1-based, in characters) of every
//! token; a recursive-descent parser turns them into sections. Every error
//! points at a token and says what was expected there.
//!
//! What racoon accepts but vpnlab does not implement (plain RSA keys,
//! GSS-API, DSS and hybrid DSS authentication, RADIUS/PAM/LDAP, hook
//! scripts, ciphers racoon 0.8 cannot negotiate, IPv6, ...) is parsed
//! and reported as a [`Warning`] with its position, never ignored
//! silently. What racoon rejects is an error here too: a `remote` without
//! `exchange_mode` or `proposal`, a proposal without one of its four
//! algorithms, an `sainfo` without encryption, authentication or
//! compression algorithms (racoon 0.8 requires all three, which is why
//! every real racoon.conf carries `compression_algorithm deflate;`).
//!
//! Differences from racoon 0.8, all deliberate:
//! - `pfs_group` and `dh_group` also take the modulus sizes 768, 1024,
//!   1536, 2048, 3072, 4096, 6144 and 8192 as names of the MODP groups
//!   1, 2, 5, 14, 15, 16, 17 and 18. KAME's racoon did; racoon 0.8 only
//!   knows the group numbers, but configurations of that era (the 2003
//!   Linux IPsec article among them: `pfs_group 768;`) still circulate;
//! - `lifetime byte` is parsed and ignored with a warning; racoon 0.8
//!   refuses it ("byte lifetime support is deprecated"). `GB` is accepted
//!   as a byte unit beside racoon's `B`, `KB`, `MB` and `TB` (racoon's `TB`
//!   is 2^30 bytes, which is kept);
//! - `include` is an error: vpnlab has no file system to read it from;
//! - `privsep`, `ldapcfg` and `radiuscfg` sections are skipped
//!   as balanced `{ ... }` blocks with one warning each, without checking
//!   their statements;
//! - in a `remote` block only `exchange_mode` takes commas (racoon's lexer
//!   drops commas anywhere in a `remote` block);
//! - values of `fqdn`, `user_fqdn` and `keyid` identifiers must be quoted
//!   (racoon's lexer only lets hexadecimal-looking words through unquoted);
//! - a sainfo ID is `address` or `subnet` with an address, or `fqdn`,
//!   `user_fqdn` or `keyid` with a quoted string (racoon takes any ID type
//!   keyword before an address and ignores it);
//! - `remote ... inherit` copies the parent as racoon does, but
//!   `peers_identifier` in the child is added to the child only (racoon
//!   also adds it to the parent's list, a bug);
//! - racoon's kernel algorithm check (`pk_checkalg`) is not done.

use std::fmt;
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddrV4};

use super::lexer::{Cursor, Pos, Rules, Tok, Token, error_at as error, tokenize};
use crate::net::{MAX_CONFIG_SECS, Prefix};

pub mod mode_cfg;
pub use mode_cfg::ModeCfg;

// ---------------------------------------------------------------------------
// Errors and warnings
// ---------------------------------------------------------------------------

/// A racoon.conf that does not parse: where (1-based line and column,
/// columns counted in characters) and what was expected there.
pub type ParseError = super::ConfigError;

/// Something racoon accepts that vpnlab parses but does not implement,
/// at the position of the statement or value concerned.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Warning {
    pub line: u32,
    pub column: u32,
    pub message: String,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "line {}, column {}: warning: {}",
            self.line, self.column, self.message
        )
    }
}

// ---------------------------------------------------------------------------
// The typed configuration
// ---------------------------------------------------------------------------

/// The IKE port (`PORT_ISAKMP`), used where racoon.conf gives no `[port]`.
pub const PORT_ISAKMP: u16 = 500;

/// racoon's default phase 1 and phase 2 lifetime in seconds
/// (`OAKLEY_ATTR_SA_LD_SEC_DEFAULT`, `IPSECDOI_ATTR_SA_LD_SEC_DEFAULT`):
/// 8 hours.
pub const DEFAULT_LIFETIME_SECS: u64 = 28_800;

/// A whole racoon.conf.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RacoonConf {
    /// `path ...;` statements.
    pub paths: Paths,
    /// `listen { }`.
    pub listen: Listen,
    /// `timer { }`.
    pub timer: Timer,
    /// `padding { }`.
    pub padding: Padding,
    /// `log level;` Default: info. Recorded; vpnlab's log does not filter
    /// by it (a warning says so).
    pub log_level: LogLevel,
    /// `complex_bundle on|off;` Default on (localconf.c). Recorded only.
    pub complex_bundle: bool,
    /// `remote` sections in file order (racoon picks the first match).
    pub remotes: Vec<Remote>,
    /// `sainfo` sections in file order.
    pub sainfos: Vec<SaInfo>,
    /// `mode_cfg { }`: what an XAuth server hands out.
    pub mode_cfg: ModeCfg,
}

impl Default for RacoonConf {
    fn default() -> Self {
        RacoonConf {
            paths: Paths::default(),
            listen: Listen::default(),
            timer: Timer::default(),
            padding: Padding::default(),
            log_level: LogLevel::Info,
            complex_bundle: true,
            remotes: Vec::new(),
            sainfos: Vec::new(),
            mode_cfg: ModeCfg::default(),
        }
    }
}

impl RacoonConf {
    /// The file named by `path pre_shared_key`, where racoon looks up
    /// pre-shared keys (see [`crate::config::psk`]).
    pub fn psk_path(&self) -> Option<&str> {
        self.paths.pre_shared_key.as_deref()
    }

    /// racoon's `getpathname` for LC_PATHTYPE_CERT: an absolute name as
    /// it is, else under `path certificate`.
    pub fn cert_path(&self, name: &str) -> String {
        match (&self.paths.certificate, name.starts_with('/')) {
            (Some(dir), false) => format!("{}/{name}", dir.trim_end_matches('/')),
            _ => name.to_string(),
        }
    }
}

/// `path TYPE "file";` (racoon.conf(5) "Path Specification"). A later
/// statement of the same type replaces an earlier one, as in racoon.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Paths {
    /// `path include`: the directory relative `include` names are read from.
    pub include: Option<String>,
    /// `path pre_shared_key`: the psk.txt file. No default.
    pub pre_shared_key: Option<String>,
    /// `path certificate`: the certificate directory (CA certificates and
    /// CRLs by OpenSSL hash name; relative certificate file names).
    pub certificate: Option<String>,
    /// `path script`: the hook script directory (unused by vpnlab).
    pub script: Option<String>,
    /// `path backupsa`: where `racoon -B` stores SAs (unused by vpnlab).
    pub backupsa: Option<String>,
    /// `path pidfile` (unused by vpnlab).
    pub pidfile: Option<String>,
}

/// `listen { }`. With no `isakmp` address racoon listens on every
/// interface address, port 500.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Listen {
    /// `isakmp ADDR [PORT];` (port 500 if not given), in file order.
    pub isakmp: Vec<SocketAddrV4>,
    /// `isakmp_natt ADDR [PORT];` sockets that also take UDP-encapsulated
    /// ESP (RFC 3948). The port defaults to 500 here too, as in racoon;
    /// NAT-T wants 4500 written out.
    pub isakmp_natt: Vec<SocketAddrV4>,
    /// `strict_address;`: every listen address must be bound. Default off.
    pub strict_address: bool,
    /// `adminsock ...;` (racoonctl's socket; not simulated).
    pub adminsock: Option<AdminSock>,
}

/// `adminsock "path" ["owner" "group" mode];` or `adminsock disabled;`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AdminSock {
    Path {
        path: String,
        owner: Option<String>,
        group: Option<String>,
        mode: Option<u64>,
    },
    Disabled,
}

/// `timer { }`: retransmission and negotiation time limits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Timer {
    /// `counter N;` the maximum number of retransmissions. Default 5.
    pub counter: u32,
    /// `interval N unit;` seconds between retransmissions. Default 10.
    pub interval_secs: u64,
    /// `persend N;` copies of each packet sent at once. Default 1.
    pub persend: u32,
    /// `phase1 N unit;` how long phase 1 may take, in seconds. racoon.conf(5)
    /// says 15; racoon 0.8 really uses 30 (`LC_DEFAULT_RETRY_CHECKPH1`),
    /// which is the default here.
    pub phase1_secs: u64,
    /// `phase2 N unit;` how long phase 2 may take, in seconds. racoon.conf(5)
    /// says 10; racoon 0.8 really uses 30 (`LC_DEFAULT_WAIT_PH2COMPLETE`),
    /// which is the default here.
    pub phase2_secs: u64,
    /// `natt_keepalive N unit;` seconds between NAT-T keepalives (RFC 3948
    /// §2.3); 0 disables them. Default 20.
    pub natt_keepalive_secs: u64,
}

impl Default for Timer {
    fn default() -> Self {
        Timer {
            counter: 5,
            interval_secs: 10,
            persend: 1,
            phase1_secs: 30,
            phase2_secs: 30,
            natt_keepalive_secs: 20,
        }
    }
}

/// `padding { }`: how ISAKMP payloads are padded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Padding {
    /// `randomize on|off;` random pad bytes. Default on.
    pub randomize: bool,
    /// `randomize_length on|off;` random pad length. Default off.
    pub randomize_length: bool,
    /// `maximum_length N;` the longest padding, in bytes, when the length
    /// is random. Default 20.
    pub maximum_length: u32,
    /// `exclusive_tail on|off;` the last pad byte holds the pad length
    /// minus one. Default on.
    pub exclusive_tail: bool,
    /// `strict_check on|off;` check the peer's pad length. Default off.
    pub strict_check: bool,
}

impl Default for Padding {
    fn default() -> Self {
        Padding {
            randomize: true,
            randomize_length: false,
            maximum_length: 20,
            exclusive_tail: true,
            strict_check: false,
        }
    }
}

/// `log level;`
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum LogLevel {
    Error,
    Warning,
    Notify,
    Info,
    Debug,
    Debug2,
}

/// Which peers a `remote` section is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Peer {
    /// `remote anonymous`: any peer no other section matches.
    Anonymous,
    /// `remote ADDR` or `remote_address ADDR`.
    Address(Ipv4Addr),
}

/// A phase 1 exchange (`exchange_mode`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExchangeMode {
    /// Identity Protection (RFC 2409 §5).
    Main,
    /// RFC 2409 §5.
    Aggressive,
    /// Base mode (RFC 2408 §4.8, racoon's isakmp_base.c).
    Base,
}

/// The IPsec DOI situation (RFC 2407 §4.2). Only `identity_only` is
/// implemented.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Situation {
    IdentityOnly,
    Secrecy,
    Integrity,
}

/// An ISAKMP identity (RFC 2407 §4.6.2.1) as written after
/// `my_identifier`, `peers_identifier` or `sainfo ... from`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Identifier {
    /// `address [ADDR]`: ID_IPV4_ADDR; without an address, the local
    /// address of the phase 1 SA (racoon's default `my_identifier`).
    Address(Option<Ipv4Addr>),
    /// `fqdn "name"`: ID_FQDN.
    Fqdn(String),
    /// `user_fqdn "user@name"`: ID_USER_FQDN.
    UserFqdn(String),
    /// `keyid [file] "path"`: ID_KEY_ID read from a file.
    KeyIdFile(String),
    /// `keyid tag "value"`: ID_KEY_ID given inline.
    KeyIdTag(String),
    /// `asn1dn ["dn"]`: ID_DER_ASN1_DN (from the certificate if omitted).
    Asn1Dn(Option<String>),
}

/// `generate_policy` (responder only).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GeneratePolicy {
    /// `off` (default): use the SPD as it is.
    Off,
    /// `on` or `require`: install `require` policies from the initiator's
    /// phase 2 IDs.
    Require,
    /// `unique`: the same with unique reqids.
    Unique,
}

/// `proposal_check`: how a responder treats the initiator's lifetimes, key
/// lengths and PFS group (racoon.conf(5)).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProposalCheck {
    /// Accept the initiator's values.
    Obey,
    /// Accept shorter lifetimes and longer keys; reject otherwise.
    /// racoon's default (remoteconf.c; the issue text says obey, racoon
    /// 0.8 and racoon.conf(5) say strict).
    Strict,
    /// Like strict, but answer a longer lifetime with our own and a
    /// RESPONDER-LIFETIME notify (phase 2).
    Claim,
    /// Lifetimes and key lengths must be equal.
    Exact,
}

/// `nat_traversal` (RFC 3947).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NatTraversal {
    /// Default: NAT-T is neither proposed nor accepted.
    Off,
    /// Used when NAT-D shows a NAT between the peers.
    On,
    /// Used even without a NAT.
    Force,
}

/// `rekey`: renegotiate an expired phase 1 while phase 2 SAs live.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rekey {
    Off,
    /// Only while DPD monitors the peer (default).
    On,
    Force,
}

/// `ike_frag` (IKE fragmentation; not implemented by vpnlab).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IkeFrag {
    Off,
    On,
    Force,
}

/// `remote (ADDR | anonymous | "name") [[PORT]] [inherit PARENT] { }`:
/// phase 1 parameters for a peer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Remote {
    /// Where the section starts (its `remote` keyword).
    pub line: u32,
    pub column: u32,
    /// `remote "name"`: the name of a section in the newer syntax.
    pub name: Option<String>,
    /// The peer: from `remote ADDR` / `remote anonymous` or from
    /// `remote_address`. None for a named section without
    /// `remote_address`.
    pub peer: Option<Peer>,
    /// The peer's IKE port (`[PORT]`), default 500.
    pub port: u16,
    /// `exchange_mode main|aggressive|base[, ...];` required. The first is
    /// used as initiator, all are accepted as responder.
    pub exchange_modes: Vec<ExchangeMode>,
    /// `situation`: default identity_only. (`doi ipsec_doi;` is the only
    /// DOI and is not stored.)
    pub situation: Situation,
    /// `my_identifier`: default `address` (the local address).
    pub my_identifier: Identifier,
    /// `peers_identifier` statements: accepted peer identities.
    pub peers_identifiers: Vec<Identifier>,
    /// `verify_identifier on|off;` check the peer's ID against
    /// `peers_identifiers`. Default off.
    pub verify_identifier: bool,
    /// `lifetime time N unit;` the phase 1 lifetime of proposals that give
    /// none, in seconds. Default 8 hours.
    pub lifetime_secs: u64,
    /// `nonce_size N;` in bytes (RFC 2409 §5: 8 to 256). Default 16.
    pub nonce_size: u32,
    /// `initial_contact on|off;` send INITIAL-CONTACT. Default on.
    pub initial_contact: bool,
    /// `passive on|off;` never initiate. Default off.
    pub passive: bool,
    /// `proposal_check`: default strict.
    pub proposal_check: ProposalCheck,
    /// `generate_policy`: default off.
    pub generate_policy: GeneratePolicy,
    /// `support_proxy on|off;` use phase 2 IDs as SA endpoints. Default off.
    pub support_proxy: bool,
    /// `nat_traversal`: default off.
    pub nat_traversal: NatTraversal,
    /// `dpd on|off;` negotiate DPD (RFC 3706) support. Default on.
    pub dpd: bool,
    /// `dpd_delay N;` seconds between liveness checks; 0 (default) only
    /// negotiates DPD.
    pub dpd_delay_secs: u64,
    /// `dpd_retry N;` seconds to wait for an R-U-THERE-ACK. Default 5.
    pub dpd_retry_secs: u64,
    /// `dpd_maxfail N;` unanswered checks before the peer is dead.
    /// Default 5.
    pub dpd_maxfail: u32,
    /// `rekey`: default on.
    pub rekey: Rekey,
    /// `ph1id N;` links this section to sainfos with `remoteid N`.
    /// Default 0.
    pub ph1id: u32,
    /// `ike_frag`: default off (not implemented; warned when set).
    pub ike_frag: IkeFrag,
    /// Whether `certificate_type` was given (racoon then takes an `asn1dn`
    /// identifier without a value from the certificate).
    pub certificate_type: bool,
    /// The X.509 statements.
    pub certs: CertConfig,
    /// `mode_cfg on|off;` as XAuth client: ask the server for an address
    /// after XAuth (isakmp_cfg.c `isakmp_cfg_getconfig`). Default off.
    pub mode_cfg: bool,
    /// `xauth_login "name";` the XAuth client's login; its password is
    /// the psk.txt entry of that name (localconf.c `getpskbyname`).
    pub xauth_login: Option<String>,
    /// `proposal { }` sections in file order (racoon numbers its
    /// transforms in this order; a child of `inherit` adds its own after
    /// the parent's).
    pub proposals: Vec<Proposal>,
}

impl Remote {
    /// A section with racoon's defaults (remoteconf.c `newrmconf`).
    fn new(pos: Pos) -> Remote {
        Remote {
            line: pos.line,
            column: pos.column,
            name: None,
            peer: None,
            port: PORT_ISAKMP,
            exchange_modes: Vec::new(),
            situation: Situation::IdentityOnly,
            my_identifier: Identifier::Address(None),
            peers_identifiers: Vec::new(),
            verify_identifier: false,
            lifetime_secs: DEFAULT_LIFETIME_SECS,
            nonce_size: 16,
            initial_contact: true,
            passive: false,
            proposal_check: ProposalCheck::Strict,
            generate_policy: GeneratePolicy::Off,
            support_proxy: false,
            nat_traversal: NatTraversal::Off,
            dpd: true,
            dpd_delay_secs: 0,
            dpd_retry_secs: 5,
            dpd_maxfail: 5,
            rekey: Rekey::On,
            ph1id: 0,
            ike_frag: IkeFrag::Off,
            certificate_type: false,
            certs: CertConfig::default(),
            mode_cfg: false,
            xauth_login: None,
            proposals: Vec::new(),
        }
    }
}

/// A remote's X.509 statements (cfparse.y; defaults of remoteconf.c
/// `newrmconf`: `verify_cert`, `send_cert` and `send_cr` on). File names
/// are relative to `path certificate` unless absolute (racoon's
/// `getpathname` with LC_PATHTYPE_CERT).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CertConfig {
    /// `certificate_type x509 "cert" "key"`.
    pub x509: Option<(String, String)>,
    /// `peers_certfile [x509] "file"`: the peer's certificate, used in
    /// place of the one it sends.
    pub peers_certfile: Option<String>,
    /// `ca_type x509 "file"`: the CA named in our CERT_REQ.
    pub ca_file: Option<String>,
    pub verify_cert: bool,
    pub send_cert: bool,
    pub send_cr: bool,
}

impl Default for CertConfig {
    fn default() -> CertConfig {
        CertConfig {
            x509: None,
            peers_certfile: None,
            ca_file: None,
            verify_cert: true,
            send_cert: true,
            send_cr: true,
        }
    }
}

/// `proposal { }`: one phase 1 transform (RFC 2409 Appendix A).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Proposal {
    pub line: u32,
    pub column: u32,
    /// `encryption_algorithm ALG [KEYBITS];` required.
    pub encryption: Cipher,
    /// `hash_algorithm ALG;` required.
    pub hash: Hash,
    /// `authentication_method METHOD;` required.
    pub authentication_method: AuthMethod,
    /// `dh_group GROUP;` required.
    pub dh_group: DhGroup,
    /// `lifetime time N unit;` in seconds; None: the remote's lifetime.
    pub lifetime_secs: Option<u64>,
}

impl Proposal {
    /// The lifetime this proposal offers, in seconds.
    pub fn lifetime(&self, remote: &Remote) -> u64 {
        self.lifetime_secs.unwrap_or(remote.lifetime_secs)
    }
}

/// An encryption algorithm (phase 1 `encryption_algorithm` or a phase 2
/// ESP transform). Key lengths are in bits; where racoon allows them to be
/// omitted the default (128) is filled in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cipher {
    /// RFC 2405.
    Des,
    /// RFC 2451.
    TripleDes,
    /// RFC 3602 (`aes`, `rijndael`): 128, 192 or 256 bits.
    Aes {
        bits: u16,
    },
    Blowfish {
        bits: u16,
    },
    Cast128 {
        bits: u16,
    },
    Camellia {
        bits: u16,
    },
    Twofish {
        bits: u16,
    },
    Rc5 {
        bits: u16,
    },
    Idea,
    ThreeIdea,
    DesIv64,
    DesIv32,
    Rc4,
    /// `null_enc` / `null`: ESP_NULL (RFC 2410).
    Null,
}

impl Cipher {
    /// The racoon.conf name.
    pub fn name(&self) -> &'static str {
        match self {
            Cipher::Des => "des",
            Cipher::TripleDes => "3des",
            Cipher::Aes { .. } => "aes",
            Cipher::Blowfish { .. } => "blowfish",
            Cipher::Cast128 { .. } => "cast128",
            Cipher::Camellia { .. } => "camellia",
            Cipher::Twofish { .. } => "twofish",
            Cipher::Rc5 { .. } => "rc5",
            Cipher::Idea => "idea",
            Cipher::ThreeIdea => "3idea",
            Cipher::DesIv64 => "des_iv64",
            Cipher::DesIv32 => "des_iv32",
            Cipher::Rc4 => "rc4",
            Cipher::Null => "null_enc",
        }
    }

    /// The key length in bits, for the ciphers that take one (128 unless
    /// racoon.conf gave another, cfparse.y with algorithm.c
    /// `default_keylen`).
    pub fn key_bits(&self) -> Option<u16> {
        match *self {
            Cipher::Aes { bits }
            | Cipher::Blowfish { bits }
            | Cipher::Cast128 { bits }
            | Cipher::Camellia { bits }
            | Cipher::Twofish { bits }
            | Cipher::Rc5 { bits } => Some(bits),
            _ => None,
        }
    }

    /// Whether vpnlab's IKE daemon negotiates it in phase 1: all of
    /// racoon's `oakley_encdef` but rc5 and idea, which OpenSSL 3 builds
    /// of racoon lack too.
    pub fn is_supported_in_phase1(&self) -> bool {
        matches!(
            self,
            Cipher::Des
                | Cipher::TripleDes
                | Cipher::Aes { .. }
                | Cipher::Blowfish { .. }
                | Cipher::Cast128 { .. }
                | Cipher::Camellia { .. }
        )
    }

    /// Whether vpnlab's IKE daemon negotiates it for ESP: racoon's
    /// `ipsec_encdef` entries that Linux's af_key also has (no des-iv64,
    /// des-iv32, rc5, idea, 3idea or rc4 there).
    pub fn is_supported_in_phase2(&self) -> bool {
        self.is_supported_in_phase1() || matches!(self, Cipher::Twofish { .. } | Cipher::Null)
    }

    /// Whether racoon offers it in phase 1 (algorithm.c `oakley_encdef`).
    fn is_phase1(&self) -> bool {
        self.is_supported_in_phase1() || matches!(self, Cipher::Rc5 { .. } | Cipher::Idea)
    }
}

/// A phase 1 `hash_algorithm` (RFC 2409 Appendix A, RFC 4868 for SHA-2).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Hash {
    Md5,
    Sha1,
    /// `sha256` / `sha2_256`.
    Sha256,
    Sha384,
    Sha512,
}

impl Hash {
    pub fn name(&self) -> &'static str {
        match self {
            Hash::Md5 => "md5",
            Hash::Sha1 => "sha1",
            Hash::Sha256 => "sha256",
            Hash::Sha384 => "sha384",
            Hash::Sha512 => "sha512",
        }
    }
}

/// A phase 1 `authentication_method` (RFC 2409 Appendix A; hybrid and
/// XAuth methods from draft-ietf-ipsec-isakmp-hybrid-auth).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AuthMethod {
    PreSharedKey,
    RsaSig,
    DssSig,
    RsaEnc,
    RsaRev,
    GssapiKrb,
    HybridRsaServer,
    HybridRsaClient,
    HybridDssServer,
    HybridDssClient,
    XauthPskServer,
    XauthPskClient,
    XauthRsaServer,
    XauthRsaClient,
}

const AUTH_METHODS: [(&str, AuthMethod); 14] = [
    ("pre_shared_key", AuthMethod::PreSharedKey),
    ("rsasig", AuthMethod::RsaSig),
    ("dsssig", AuthMethod::DssSig),
    ("rsaenc", AuthMethod::RsaEnc),
    ("rsarev", AuthMethod::RsaRev),
    ("gssapi_krb", AuthMethod::GssapiKrb),
    ("hybrid_rsa_server", AuthMethod::HybridRsaServer),
    ("hybrid_rsa_client", AuthMethod::HybridRsaClient),
    ("hybrid_dss_server", AuthMethod::HybridDssServer),
    ("hybrid_dss_client", AuthMethod::HybridDssClient),
    ("xauth_psk_server", AuthMethod::XauthPskServer),
    ("xauth_psk_client", AuthMethod::XauthPskClient),
    ("xauth_rsa_server", AuthMethod::XauthRsaServer),
    ("xauth_rsa_client", AuthMethod::XauthRsaClient),
];

impl AuthMethod {
    pub fn name(&self) -> &'static str {
        AUTH_METHODS
            .iter()
            .find(|(_, m)| m == self)
            .map_or("?", |(name, _)| name)
    }

    /// Pre-shared keys and RSA signatures are implemented, each alone
    /// or followed by XAuth, and hybrid RSA (only the server signs).
    pub fn is_supported(&self) -> bool {
        matches!(
            self,
            AuthMethod::PreSharedKey
                | AuthMethod::RsaSig
                | AuthMethod::HybridRsaServer
                | AuthMethod::HybridRsaClient
                | AuthMethod::XauthPskServer
                | AuthMethod::XauthPskClient
                | AuthMethod::XauthRsaServer
                | AuthMethod::XauthRsaClient
        )
    }
}

/// A Diffie-Hellman group (RFC 2409 §6, RFC 3526).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DhGroup {
    /// Group 1.
    Modp768,
    /// Group 2.
    Modp1024,
    /// Group 3 (only reachable as the number 3).
    Ec2n155,
    /// Group 4 (only reachable as the number 4).
    Ec2n185,
    /// Group 5.
    Modp1536,
    /// Group 14.
    Modp2048,
    /// Group 15.
    Modp3072,
    /// Group 16.
    Modp4096,
    /// Group 17.
    Modp6144,
    /// Group 18.
    Modp8192,
}

const DH_GROUPS: [(DhGroup, u16, &str); 10] = [
    (DhGroup::Modp768, 1, "modp768"),
    (DhGroup::Modp1024, 2, "modp1024"),
    (DhGroup::Ec2n155, 3, "ec2n155"),
    (DhGroup::Ec2n185, 4, "ec2n185"),
    (DhGroup::Modp1536, 5, "modp1536"),
    (DhGroup::Modp2048, 14, "modp2048"),
    (DhGroup::Modp3072, 15, "modp3072"),
    (DhGroup::Modp4096, 16, "modp4096"),
    (DhGroup::Modp6144, 17, "modp6144"),
    (DhGroup::Modp8192, 18, "modp8192"),
];

impl DhGroup {
    /// The group number (Group Description attribute, RFC 2409 App. A).
    pub fn number(&self) -> u16 {
        DH_GROUPS
            .iter()
            .find(|(g, _, _)| g == self)
            .map_or(0, |(_, n, _)| *n)
    }

    pub fn name(&self) -> &'static str {
        DH_GROUPS
            .iter()
            .find(|(g, _, _)| g == self)
            .map_or("?", |(_, _, name)| name)
    }

    /// The MODP groups are implemented (1, 2, 5 and 14 to 18); EC2N groups
    /// 3 and 4 are not.
    pub fn is_supported(&self) -> bool {
        !matches!(self, DhGroup::Ec2n155 | DhGroup::Ec2n185)
    }
}

/// A phase 2 `authentication_algorithm` (ESP authentication or AH).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IntegrityAlg {
    /// RFC 2403.
    HmacMd5,
    /// RFC 2404.
    HmacSha1,
    /// RFC 4868 (`hmac_sha256` / `hmac_sha2_256`).
    HmacSha256,
    HmacSha384,
    HmacSha512,
    Kpdk,
    /// `non_auth`: no integrity (ESP only).
    NonAuth,
}

const INTEGRITY_ALGS: [(&str, IntegrityAlg); 10] = [
    ("hmac_md5", IntegrityAlg::HmacMd5),
    ("hmac_sha1", IntegrityAlg::HmacSha1),
    ("hmac_sha256", IntegrityAlg::HmacSha256),
    ("hmac_sha2_256", IntegrityAlg::HmacSha256),
    ("hmac_sha384", IntegrityAlg::HmacSha384),
    ("hmac_sha2_384", IntegrityAlg::HmacSha384),
    ("hmac_sha512", IntegrityAlg::HmacSha512),
    ("hmac_sha2_512", IntegrityAlg::HmacSha512),
    ("kpdk", IntegrityAlg::Kpdk),
    ("non_auth", IntegrityAlg::NonAuth),
];

impl IntegrityAlg {
    pub fn name(&self) -> &'static str {
        INTEGRITY_ALGS
            .iter()
            .find(|(_, a)| a == self)
            .map_or("?", |(name, _)| name)
    }

    /// All but kpdk (RFC 1826 keyed MD5, which Linux lacks) are
    /// implemented; `non_auth` only for ESP.
    pub fn is_supported(&self) -> bool {
        !matches!(self, IntegrityAlg::Kpdk)
    }
}

/// A phase 2 `compression_algorithm` (IPComp, RFC 3173). racoon offers
/// it only where a policy has an ipcomp step.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Compression {
    Deflate,
    Lzs,
    Oui,
}

impl Compression {
    pub fn name(&self) -> &'static str {
        match self {
            Compression::Deflate => "deflate",
            Compression::Lzs => "lzs",
            Compression::Oui => "oui",
        }
    }
}

/// The upper-layer protocol of a sainfo ID (RFC 2407 §4.6.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UpperProto {
    /// `any`.
    Any,
    /// A number or one of racoon's names (icmp 1, tcp 6, udp 17, gre 47,
    /// esp 50, ah 51, icmp6 58, ipcomp 108).
    Number(u8),
}

/// One side of an `sainfo`: which phase 2 ID (RFC 2407 §4.6.2) it matches.
/// IDs match exactly, not as filters (racoon.conf(5)).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SaInfoId {
    /// `anonymous`: any ID.
    Anonymous,
    /// `clientaddr` (remote side only): the peer's address or its mode_cfg
    /// address.
    ClientAddr,
    /// `address|subnet ADDR[/PREFIX] [[PORT]] PROTO`: ID_IPV4_ADDR for a
    /// /32, ID_IPV4_ADDR_SUBNET otherwise (racoon's ipsecdoi_sockaddr2id).
    /// `port` None means any (`[any]`, `[0]` or no port).
    Address {
        prefix: Prefix,
        port: Option<u16>,
        proto: UpperProto,
    },
    /// `address LOW-HIGH [[PORT]] PROTO`: ID_IPV4_ADDR_RANGE (not
    /// implemented; warned).
    Range {
        low: Ipv4Addr,
        high: Ipv4Addr,
        port: Option<u16>,
        proto: UpperProto,
    },
    /// `fqdn|user_fqdn|keyid "value"` (not implemented; warned).
    Named(Identifier),
}

/// `sainfo LOCAL REMOTE [from IDTYPE [ID]] [group "name"] { }`: phase 2
/// parameters. racoon builds every combination of the algorithms listed,
/// for the protocols the SPD asks for (racoon.conf(5)).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SaInfo {
    pub line: u32,
    pub column: u32,
    /// The local ID (source of outbound traffic).
    pub local: SaInfoId,
    /// The remote ID.
    pub remote: SaInfoId,
    /// `from IDTYPE [ID]`: only for peers that authenticated with this
    /// phase 1 ID.
    pub from: Option<Identifier>,
    /// `group "name"`: XAuth group (not implemented; warned).
    pub group: Option<String>,
    /// `pfs_group GROUP;` PFS (RFC 2409 §5.5) with this group; None: no
    /// PFS required, any accepted.
    pub pfs_group: Option<DhGroup>,
    /// `lifetime time N unit;` in seconds. Default 8 hours.
    pub lifetime_secs: u64,
    /// `remoteid N;` only used with the remote whose `ph1id` is N.
    /// Default 0.
    pub remoteid: u32,
    /// `encryption_algorithm LIST;` ESP ciphers in order of preference.
    pub encryption: Vec<Cipher>,
    /// `authentication_algorithm LIST;` ESP/AH integrity in order.
    pub authentication: Vec<IntegrityAlg>,
    /// `compression_algorithm LIST;` (IPComp: kept, offered only for ipcomp policies, which setkey refuses).
    pub compression: Vec<Compression>,
}

/// Parses a whole racoon.conf. Returns the configuration and the warnings
/// for what vpnlab does not implement, or the first error.
pub fn parse(text: &str) -> Result<(RacoonConf, Vec<Warning>), ParseError> {
    let (tokens, end) = tokenize(text, &RULES)?;
    let cur = Cursor {
        tokens,
        pos: 0,
        end,
        end_name: "the end of the file",
    };
    Parser {
        cur,
        warnings: Vec::new(),
        ipv6_remotes: Vec::new(),
    }
    .conf()
}

// ---------------------------------------------------------------------------
// Tokens
// ---------------------------------------------------------------------------

fn is_word_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | ':' | '-' | '%')
}

/// cftoken.l's tokens: words, quoted strings, `{ } ; , [ ] /` and `#` comments.
const RULES: Rules = Rules {
    word_char: is_word_char,
    punctuation: &['{', '}', ';', ',', '[', ']', '/'],
    continuation: false,
};

// ---------------------------------------------------------------------------
// Parser: helpers
// ---------------------------------------------------------------------------

/// The racoon.conf parser: the shared token cursor, racoon's grammar, and
/// the warnings collected so far.
struct Parser {
    cur: Cursor,
    warnings: Vec<Warning>,
    /// IPv6 remotes, which vpnlab cannot use: kept only so that other
    /// remotes can `inherit` from them (cfparse.y looks the parent up by
    /// address, whatever its family).
    ipv6_remotes: Vec<(Ipv6Addr, u16, Remote)>,
}

impl std::ops::Deref for Parser {
    type Target = Cursor;
    fn deref(&self) -> &Cursor {
        &self.cur
    }
}

impl std::ops::DerefMut for Parser {
    fn deref_mut(&mut self) -> &mut Cursor {
        &mut self.cur
    }
}

impl Parser {
    fn warn(&mut self, pos: Pos, message: impl Into<String>) {
        self.warnings.push(Warning {
            line: pos.line,
            column: pos.column,
            message: message.into(),
        });
    }

    fn semi(&mut self) -> Result<(), ParseError> {
        self.expect(Tok::Punct(';'), "`;` to end the statement")
            .map(|_| ())
    }

    fn open(&mut self, section: &str) -> Result<(), ParseError> {
        self.expect(
            Tok::Punct('{'),
            &format!("`{{` to open the {section} section"),
        )
        .map(|_| ())
    }

    /// A decimal number (cftoken.l `decstring`).
    fn number(&mut self, what: &str) -> Result<(u64, Pos), ParseError> {
        let (text, pos) = self.word(what)?;
        match decimal(&text) {
            Some(Ok(n)) => Ok((n, pos)),
            Some(Err(())) => Err(error(pos, format!("number `{text}` is too large"))),
            None => Err(error(pos, format!("expected {what}, found `{text}`"))),
        }
    }

    fn number_u32(&mut self, what: &str) -> Result<u32, ParseError> {
        let (n, pos) = self.number(what)?;
        u32::try_from(n).map_err(|_| error(pos, format!("{n} is too large (at most {})", u32::MAX)))
    }

    /// `on` or `off` (cftoken.l SWITCH).
    fn switch(&mut self) -> Result<bool, ParseError> {
        let (word, pos) = self.word("`on` or `off`")?;
        match word.as_str() {
            "on" => Ok(true),
            "off" => Ok(false),
            _ => Err(error(
                pos,
                format!("expected `on` or `off`, found `{word}`"),
            )),
        }
    }

    /// `on|off;`
    fn switch_stmt(&mut self) -> Result<bool, ParseError> {
        let value = self.switch()?;
        self.semi()?;
        Ok(value)
    }

    /// `N;`
    fn number_stmt(&mut self, what: &str) -> Result<u32, ParseError> {
        let value = self.number_u32(what)?;
        self.semi()?;
        Ok(value)
    }

    /// `N;` a plain number of seconds (dpd_delay, dpd_retry).
    fn seconds_stmt(&mut self) -> Result<u64, ParseError> {
        let (n, pos) = self.number("a number of seconds")?;
        let n = representable(n, pos, &format!("{n}"))?;
        self.semi()?;
        Ok(n)
    }

    /// `N unit` in seconds (cfparse.y `unittype_time`).
    fn duration(&mut self) -> Result<u64, ParseError> {
        let (n, pos) = self.number("a number")?;
        let (unit, unit_pos) = self.word("a time unit (sec, min or hour)")?;
        let Some(scale) = time_unit(&unit) else {
            return Err(error(
                unit_pos,
                format!(
                    "expected a time unit (sec, secs, second, seconds, min, mins, minute, minutes, hour or hours), found `{unit}`"
                ),
            ));
        };
        let secs = n
            .checked_mul(scale)
            .ok_or_else(|| error(pos, format!("{n} {unit} is too long")))?;
        representable(secs, pos, &format!("{n} {unit}"))
    }

    /// `N unit;` in seconds.
    fn duration_stmt(&mut self) -> Result<u64, ParseError> {
        let secs = self.duration()?;
        self.semi()?;
        Ok(secs)
    }

    /// The statements of a `{ }` section up to its `}`: each starts with a
    /// word handed to `statement`.
    fn section<F>(&mut self, what: &str, mut statement: F) -> Result<(), ParseError>
    where
        F: FnMut(&mut Parser, &str, Pos) -> Result<(), ParseError>,
    {
        loop {
            if self.eat(&Tok::Punct('}')) {
                return Ok(());
            }
            let (word, pos) = self.word(&format!("{what} or `}}`"))?;
            statement(self, &word, pos)?;
        }
    }

    /// Skips a balanced `{ ... }` (sections vpnlab does not implement).
    fn skip_section(&mut self, section: &str) -> Result<(), ParseError> {
        self.open(section)?;
        let mut depth = 1usize;
        while depth > 0 {
            match self.peek_tok() {
                Some(Tok::Punct('{')) => depth += 1,
                Some(Tok::Punct('}')) => depth -= 1,
                Some(_) => {}
                None => return Err(self.expected(&format!("`}}` to close the {section} section"))),
            }
            self.advance();
        }
        Ok(())
    }

    /// An optional `[PORT]` (cftoken.l PORT); `any` too where `allow_any`.
    /// None for no port or `[any]`.
    fn optional_port(&mut self, allow_any: bool) -> Result<Option<u16>, ParseError> {
        if !self.eat(&Tok::Punct('[')) {
            return Ok(None);
        }
        let what = if allow_any {
            "a port number or `any`"
        } else {
            "a port number"
        };
        let (text, pos) = self.word(what)?;
        let port =
            if allow_any && text == "any" {
                None
            } else {
                match decimal(&text) {
                    Some(Ok(n)) => Some(u16::try_from(n).map_err(|_| {
                        error(pos, format!("port {n} is out of range (0 to 65535)"))
                    })?),
                    _ => return Err(error(pos, format!("expected {what}, found `{text}`"))),
                }
            };
        self.expect(Tok::Punct(']'), "`]` after the port")?;
        Ok(port)
    }
}

/// Digits only; Some(Err) when they overflow.
fn decimal(text: &str) -> Option<Result<u64, ()>> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(text.parse().map_err(|_| ()))
}

/// cftoken.l: `sec|secs|second|seconds`, `min|mins|minute|minutes`,
/// `hour|hours`.
fn time_unit(word: &str) -> Option<u64> {
    match word {
        "sec" | "secs" | "second" | "seconds" => Some(1),
        "min" | "mins" | "minute" | "minutes" => Some(60),
        "hour" | "hours" => Some(3600),
        _ => None,
    }
}

/// cftoken.l byte units (racoon's `TB` is 1024^3, kept; `GB` is vpnlab's).
fn byte_unit(word: &str) -> Option<u64> {
    match word {
        "B" | "byte" | "bytes" => Some(1),
        "KB" => Some(1 << 10),
        "MB" => Some(1 << 20),
        "GB" | "TB" => Some(1 << 30),
        _ => None,
    }
}

/// An address as racoon reads it (`str2saddr`): IPv4, or IPv6 (None: not
/// supported by vpnlab, the caller warns). Host names are not resolved.
fn address(text: &str, pos: Pos) -> Result<Option<Ipv4Addr>, ParseError> {
    if let Ok(v4) = text.parse::<Ipv4Addr>() {
        return Ok(Some(v4));
    }
    let without_scope = text.split('%').next().unwrap_or(text);
    if text.contains(':') && without_scope.parse::<Ipv6Addr>().is_ok() {
        return Ok(None);
    }
    Err(error(
        pos,
        format!(
            "expected an IPv4 address like 192.168.2.5, found `{text}` (vpnlab does not resolve host names)"
        ),
    ))
}

// ---------------------------------------------------------------------------
// Top level
// ---------------------------------------------------------------------------

const STATEMENTS: &str =
    "a statement (path, include, log, padding, listen, timer, remote, sainfo, ...)";

impl Parser {
    fn conf(mut self) -> Result<(RacoonConf, Vec<Warning>), ParseError> {
        let mut conf = RacoonConf::default();
        while self.peek().is_some() {
            let (word, pos) = self.word(STATEMENTS)?;
            self.statement(&mut conf, &word, pos)?;
        }
        Ok((conf, self.warnings))
    }

    fn statement(&mut self, conf: &mut RacoonConf, word: &str, pos: Pos) -> Result<(), ParseError> {
        match word {
            "path" => self.path(&mut conf.paths),
            "include" => Err(self.include(pos)),
            "log" => {
                conf.log_level = self.log(pos)?;
                Ok(())
            }
            "padding" => self.padding(&mut conf.padding),
            "listen" => self.listen(&mut conf.listen),
            "timer" => self.timer(&mut conf.timer),
            "remote" => self.remote(conf, pos),
            "sainfo" => self.sainfo(conf, pos),
            "complex_bundle" => {
                conf.complex_bundle = self.switch_stmt()?;
                self.warn(
                    pos,
                    "complex_bundle is recorded but vpnlab's IKE daemon does not use it",
                );
                Ok(())
            }
            "mode_cfg" => self.mode_cfg(&mut conf.mode_cfg, pos),
            "privsep" | "ldapcfg" | "radiuscfg" => self.unsupported_section(word, pos),
            "pfkey_buffer" => {
                self.number_stmt("the PF_KEY buffer size")?;
                self.warn(pos, "pfkey_buffer is ignored: vpnlab has no PF_KEY socket");
                Ok(())
            }
            "gss_id_enc" => self.gss_id_enc(pos),
            _ => Err(error(
                pos,
                format!(
                    "unknown statement `{word}`: expected path, include, log, padding, listen, timer, remote, sainfo, privsep, mode_cfg, ldapcfg, radiuscfg, complex_bundle, pfkey_buffer or gss_id_enc"
                ),
            )),
        }
    }

    /// `include "file";` needs a file system vpnlab does not have.
    fn include(&mut self, pos: Pos) -> ParseError {
        match self.quoted("the quoted file name to include") {
            Ok((file, _)) => error(
                pos,
                format!(
                    "include is not supported: put the statements of \"{file}\" into this file"
                ),
            ),
            Err(e) => e,
        }
    }

    fn unsupported_section(&mut self, word: &str, pos: Pos) -> Result<(), ParseError> {
        self.skip_section(word)?;
        let what = match word {
            "privsep" => "privilege separation is not simulated",
            "ldapcfg" => "LDAP (XAuth) is not supported",
            _ => "RADIUS (XAuth) is not supported",
        };
        self.warn(pos, format!("{word} section ignored: {what}"));
        Ok(())
    }

    fn gss_id_enc(&mut self, pos: Pos) -> Result<(), ParseError> {
        let (enc, enc_pos) = self.word("`latin1` or `utf-16le`")?;
        if enc != "latin1" && enc != "utf-16le" {
            return Err(error(
                enc_pos,
                format!("expected `latin1` or `utf-16le`, found `{enc}`"),
            ));
        }
        self.semi()?;
        self.warn(
            pos,
            "gss_id_enc is ignored: GSS-API authentication is not supported",
        );
        Ok(())
    }

    /// `path TYPE "file";`
    fn path(&mut self, paths: &mut Paths) -> Result<(), ParseError> {
        const TYPES: &str =
            "a path type (pre_shared_key, include, certificate, script, backupsa or pidfile)";
        let (kind, pos) = self.word(TYPES)?;
        let slot = match kind.as_str() {
            "include" => &mut paths.include,
            "pre_shared_key" => &mut paths.pre_shared_key,
            "certificate" => &mut paths.certificate,
            "script" => &mut paths.script,
            "backupsa" => &mut paths.backupsa,
            "pidfile" => &mut paths.pidfile,
            _ => return Err(error(pos, format!("expected {TYPES}, found `{kind}`"))),
        };
        let (file, _) = self.quoted("the file name in double quotes")?;
        *slot = Some(file);
        self.semi()
    }

    /// `log LEVEL;`
    fn log(&mut self, pos: Pos) -> Result<LogLevel, ParseError> {
        const LEVELS: &str = "a log level (error, warning, notify, info, debug or debug2)";
        let (word, level_pos) = self.word(LEVELS)?;
        let level = match word.as_str() {
            "error" => LogLevel::Error,
            "warning" => LogLevel::Warning,
            "notify" => LogLevel::Notify,
            "info" => LogLevel::Info,
            "debug" => LogLevel::Debug,
            "debug2" => LogLevel::Debug2,
            _ => {
                return Err(error(
                    level_pos,
                    format!("expected {LEVELS}, found `{word}`"),
                ));
            }
        };
        self.semi()?;
        self.warn(
            pos,
            format!("log {word}: log levels are not implemented; vpnlab's log has racoon's info-level messages"),
        );
        Ok(level)
    }

    /// `padding { }`
    fn padding(&mut self, padding: &mut Padding) -> Result<(), ParseError> {
        self.open("padding")?;
        self.section(
            "a padding statement (randomize, randomize_length, maximum_length, exclusive_tail or strict_check)",
            |p, word, pos| {
                // vpnlab pads as `randomize off; randomize_length off;
                // exclusive_tail on; strict_check off;` would.
                let as_vpnlab = match word {
                    "randomize" => {
                        padding.randomize = p.switch_stmt()?;
                        !padding.randomize
                    }
                    "randomize_length" => {
                        padding.randomize_length = p.switch_stmt()?;
                        !padding.randomize_length
                    }
                    "maximum_length" => {
                        padding.maximum_length = p.number_stmt("a length in bytes")?;
                        false
                    }
                    "exclusive_tail" => {
                        padding.exclusive_tail = p.switch_stmt()?;
                        padding.exclusive_tail
                    }
                    "strict_check" => {
                        padding.strict_check = p.switch_stmt()?;
                        !padding.strict_check
                    }
                    _ => return Err(error(pos, format!("unknown padding statement `{word}`: expected randomize, randomize_length, maximum_length, exclusive_tail or strict_check"))),
                };
                if !as_vpnlab {
                    p.warn(pos, format!("padding {word} is not implemented: vpnlab pads ISAKMP messages with zero bytes and the pad length in the last byte, and does not check the peer's padding"));
                }
                Ok(())
            },
        )
    }

    /// `timer { }`
    fn timer(&mut self, timer: &mut Timer) -> Result<(), ParseError> {
        self.open("timer")?;
        self.section(
            "a timer statement (counter, interval, persend, phase1, phase2 or natt_keepalive)",
            |p, word, pos| {
                match word {
                    "counter" => timer.counter = p.number_stmt("the number of retries")?,
                    "interval" => timer.interval_secs = p.duration_stmt()?,
                    "persend" => {
                        timer.persend = p.number_stmt("the number of packets per send")?;
                        if timer.persend != 1 {
                            p.warn(pos, "persend is not implemented: vpnlab sends one copy of each message");
                        }
                    }
                    "phase1" => timer.phase1_secs = p.duration_stmt()?,
                    "phase2" => {
                        timer.phase2_secs = p.duration_stmt()?;
                        p.warn(pos, "timer phase2 is not implemented: a Quick Mode gives up when its retransmissions (counter, interval) run out");
                    }
                    "natt_keepalive" => timer.natt_keepalive_secs = p.duration_stmt()?,
                    _ => return Err(error(pos, format!("unknown timer statement `{word}`: expected counter, interval, persend, phase1, phase2 or natt_keepalive"))),
                }
                Ok(())
            },
        )
    }

    /// `listen { }`
    fn listen(&mut self, listen: &mut Listen) -> Result<(), ParseError> {
        self.open("listen")?;
        self.section(
            "a listen statement (isakmp, isakmp_natt, adminsock or strict_address)",
            |p, word, pos| {
                match word {
                    "isakmp" => {
                        if let Some(addr) = p.listen_addr(word, pos)? {
                            if addr.port() != PORT_ISAKMP {
                                p.warn(pos, "isakmp on a port other than 500 is not implemented: vpnlab's daemon listens on port 500");
                            }
                            listen.isakmp.push(addr);
                        }
                    }
                    "isakmp_natt" => {
                        if let Some(addr) = p.listen_addr(word, pos)? {
                            listen.isakmp_natt.push(addr);
                        }
                    }
                    "adminsock" => listen.adminsock = Some(p.adminsock(pos)?),
                    "strict_address" => {
                        p.semi()?;
                        listen.strict_address = true;
                    }
                    _ => return Err(error(pos, format!("unknown listen statement `{word}`: expected isakmp, isakmp_natt, adminsock or strict_address"))),
                }
                Ok(())
            },
        )
    }

    /// `ADDR [[PORT]];` after `isakmp` / `isakmp_natt`; None for IPv6.
    fn listen_addr(&mut self, word: &str, pos: Pos) -> Result<Option<SocketAddrV4>, ParseError> {
        let (text, addr_pos) = self.word("an IPv4 address")?;
        let addr = address(&text, addr_pos)?;
        let port = self.optional_port(false)?.unwrap_or(PORT_ISAKMP);
        self.semi()?;
        match addr {
            Some(ip) => Ok(Some(SocketAddrV4::new(ip, port))),
            None => {
                self.warn(pos, format!("{word} {text} ignored: IPv6 is not supported"));
                Ok(None)
            }
        }
    }

    /// `adminsock "path" ["owner" "group" MODE];` | `adminsock disabled;`
    fn adminsock(&mut self, pos: Pos) -> Result<AdminSock, ParseError> {
        let sock = if self.peek_word() == Some("disabled") {
            self.advance();
            AdminSock::Disabled
        } else {
            let (path, _) = self.quoted("the socket path in double quotes or `disabled`")?;
            let (mut owner, mut group, mut mode) = (None, None, None);
            if let Some(Tok::Quoted(_)) = self.peek_tok() {
                owner = Some(self.quoted("the owner")?.0);
                group = Some(self.quoted("the group in double quotes")?.0);
                mode = Some(self.number("the socket mode, like 0600")?.0);
            }
            AdminSock::Path {
                path,
                owner,
                group,
                mode,
            }
        };
        self.semi()?;
        self.warn(
            pos,
            "adminsock is ignored: racoonctl's admin socket is not simulated",
        );
        Ok(sock)
    }
}

// ---------------------------------------------------------------------------
// remote
// ---------------------------------------------------------------------------

/// How a `remote` section names itself or its parent.
#[derive(Clone, Debug, PartialEq, Eq)]
enum RemoteKey {
    Name(String),
    Index { peer: Option<Peer>, port: u16 },
    Ipv6 { addr: Ipv6Addr, port: u16 },
}

impl Parser {
    /// `remote (ADDR | anonymous | "name") [[PORT]] [inherit PARENT] { }`
    /// or `... inherit PARENT;`
    fn remote(&mut self, conf: &mut RacoonConf, pos: Pos) -> Result<(), ParseError> {
        let key = self.remote_key()?;
        let ipv6 = match &key {
            RemoteKey::Ipv6 { addr, port } => Some((*addr, *port)),
            _ => None,
        };
        let inherits = self.peek_word() == Some("inherit");
        let mut remote = if inherits {
            self.advance();
            self.inherited(conf, pos)?
        } else {
            Remote::new(pos)
        };
        match key {
            RemoteKey::Name(name) => {
                if conf
                    .remotes
                    .iter()
                    .any(|r| r.name.as_deref() == Some(name.as_str()))
                {
                    return Err(error(
                        pos,
                        format!("a remote named \"{name}\" already exists"),
                    ));
                }
                remote.name = Some(name);
            }
            RemoteKey::Index { peer, port } => {
                remote.name = None;
                remote.peer = peer;
                remote.port = port;
            }
            RemoteKey::Ipv6 { port, .. } => {
                remote.name = None;
                remote.peer = None;
                remote.port = port;
            }
        }
        // cfparse.y remote_specs_inherit_block: `remote A inherit B;`
        // copies B without changing anything.
        if !(inherits && self.eat(&Tok::Punct(';'))) {
            self.open("remote")?;
            self.section(REMOTE_STATEMENTS, |p, word, at| {
                p.remote_statement(&mut remote, word, at)
            })?;
        }
        self.finish_remote(&remote)?;
        if let Some((addr, port)) = ipv6 {
            self.warn(
                pos,
                "remote section not used: IPv6 is not supported (remotes may still inherit from it)",
            );
            self.ipv6_remotes.push((addr, port, remote));
        } else {
            conf.remotes.push(remote);
        }
        Ok(())
    }

    /// What follows `remote`.
    fn remote_key(&mut self) -> Result<RemoteKey, ParseError> {
        if let Some(Tok::Quoted(_)) = self.peek_tok() {
            let (name, _) = self.quoted("a name")?;
            return Ok(RemoteKey::Name(name));
        }
        let (text, pos) = self.word("an address, `anonymous` or a quoted name")?;
        let v4 = if text == "anonymous" {
            Some(Peer::Anonymous)
        } else {
            address(&text, pos)?.map(Peer::Address)
        };
        let port = self.optional_port(false)?.unwrap_or(PORT_ISAKMP);
        match v4 {
            Some(peer) => Ok(RemoteKey::Index {
                peer: Some(peer),
                port,
            }),
            None => {
                let bare = text.split('%').next().unwrap_or(&text);
                let addr = bare
                    .parse::<Ipv6Addr>()
                    .map_err(|_| error(pos, format!("`{text}` is not an address")))?;
                Ok(RemoteKey::Ipv6 { addr, port })
            }
        }
    }

    /// The parent after `inherit`, copied (cfparse.y: duprmconf_shallow):
    /// by name (`getrmconf_by_name`) or by address (`getrmconf`, where an
    /// address matches with any port if no remote has the same port too).
    fn inherited(&mut self, conf: &RacoonConf, pos: Pos) -> Result<Remote, ParseError> {
        let parent_pos = self.here();
        let key = self.remote_key()?;
        let parent = match &key {
            RemoteKey::Name(name) => conf
                .remotes
                .iter()
                .find(|r| r.name.as_deref() == Some(name.as_str())),
            RemoteKey::Index { peer, port } => {
                let by_address = |exact: bool| {
                    conf.remotes.iter().find(|r| {
                        r.name.is_none() && r.peer == *peer && (!exact || r.port == *port)
                    })
                };
                by_address(true).or_else(|| by_address(false))
            }
            RemoteKey::Ipv6 { addr, port } => {
                let by_address = |exact: bool| {
                    self.ipv6_remotes
                        .iter()
                        .find(|(a, p, _)| a == addr && (!exact || p == port))
                        .map(|(_, _, r)| r)
                };
                by_address(true).or_else(|| by_address(false))
            }
        };
        match parent {
            Some(parent) => Ok(Remote {
                line: pos.line,
                column: pos.column,
                ..parent.clone()
            }),
            None => Err(error(
                parent_pos,
                "the parent of `inherit` must be a remote section defined above",
            )),
        }
    }

    /// cfparse.y process_rmconf and set_isakmp_proposal: what racoon
    /// requires of a finished remote section.
    fn finish_remote(&mut self, remote: &Remote) -> Result<(), ParseError> {
        let pos = Pos {
            line: remote.line,
            column: remote.column,
        };
        if remote.exchange_modes.is_empty() {
            return Err(error(
                pos,
                "remote section has no exchange_mode (racoon requires one, e.g. `exchange_mode main;`)",
            ));
        }
        if remote.proposals.is_empty() {
            return Err(error(
                pos,
                "remote section has no proposal { } (racoon requires at least one)",
            ));
        }
        if remote.my_identifier == Identifier::Asn1Dn(None) && !remote.certificate_type {
            return Err(error(
                pos,
                "my_identifier asn1dn needs the DN in quotes: there is no certificate to take it from",
            ));
        }
        check_aggressive_dh(remote)
    }
}

/// RFC 2409 §5.4: aggressive mode sends KE in the first message, so
/// racoon requires one DH group in all proposals.
fn check_aggressive_dh(remote: &Remote) -> Result<(), ParseError> {
    if !remote.exchange_modes.contains(&ExchangeMode::Aggressive) {
        return Ok(());
    }
    let first = remote.proposals.first().map(|p| p.dh_group);
    match remote.proposals.iter().find(|p| Some(p.dh_group) != first) {
        Some(other) => Err(error(
            Pos {
                line: other.line,
                column: other.column,
            },
            "DH group must be equal in all proposals when aggressive mode is used",
        )),
        None => Ok(()),
    }
}

const REMOTE_STATEMENTS: &str =
    "a remote statement (exchange_mode, proposal, my_identifier, lifetime, ...)";

impl Parser {
    fn remote_statement(&mut self, r: &mut Remote, word: &str, pos: Pos) -> Result<(), ParseError> {
        match word {
            "remote_address" => self.remote_address(r, pos)?,
            "exchange_mode" => r.exchange_modes = self.exchange_modes()?,
            "doi" => self.doi()?,
            "situation" => r.situation = self.situation(pos)?,
            "my_identifier" => r.my_identifier = self.identifier_stmt(word, true)?,
            "peers_identifier" => {
                let id = self.identifier_stmt(word, true)?;
                r.peers_identifiers.push(id);
            }
            "verify_identifier" => r.verify_identifier = self.switch_stmt()?,
            "lifetime" => {
                if let Some(secs) = self.lifetime(pos)? {
                    r.lifetime_secs = secs;
                }
            }
            "nonce_size" => r.nonce_size = self.number_stmt("the nonce size in bytes")?,
            "initial_contact" => r.initial_contact = self.switch_stmt()?,
            "passive" => r.passive = self.switch_stmt()?,
            "proposal_check" => r.proposal_check = self.proposal_check()?,
            "generate_policy" => r.generate_policy = self.generate_policy()?,
            "support_proxy" => {
                r.support_proxy = self.switch_stmt()?;
                if r.support_proxy {
                    self.warn(pos, "support_proxy is not implemented: SA endpoints are always the phase 1 addresses");
                }
            }
            "nat_traversal" => r.nat_traversal = self.nat_traversal()?,
            "dpd" => r.dpd = self.switch_stmt()?,
            "dpd_delay" => r.dpd_delay_secs = self.seconds_stmt()?,
            "dpd_retry" => r.dpd_retry_secs = self.seconds_stmt()?,
            "dpd_maxfail" => r.dpd_maxfail = self.number_stmt("the number of failures")?,
            "rekey" => r.rekey = self.rekey()?,
            "ph1id" => r.ph1id = self.number_stmt("the phase 1 id number")?,
            "ike_frag" => r.ike_frag = self.ike_frag(pos)?,
            "proposal" => r.proposals.push(self.proposal(pos)?),
            "dh_group" => {
                return Err(error(
                    pos,
                    "dh_group cannot be defined here: put it inside proposal { }",
                ));
            }
            "certificate_type" => {
                r.certificate_type = true;
                return self.certificate_type(r, pos);
            }
            "peers_certfile" => return self.peers_certfile(r, pos),
            "ca_type" => r.certs.ca_file = Some(self.ca_type()?),
            "verify_cert" => r.certs.verify_cert = self.switch_stmt()?,
            "send_cert" => r.certs.send_cert = self.switch_stmt()?,
            "send_cr" => r.certs.send_cr = self.switch_stmt()?,
            "mode_cfg" => r.mode_cfg = self.switch_stmt()?,
            "xauth_login" => {
                let login = self.identifier_value()?;
                self.semi()?;
                r.xauth_login = login.map(|(name, _, _)| name);
            }
            _ => return self.remote_unsupported(word, pos),
        }
        Ok(())
    }

    /// `remote_address ADDR [[PORT]];` (named sections).
    fn remote_address(&mut self, r: &mut Remote, pos: Pos) -> Result<(), ParseError> {
        if r.peer.is_some() {
            return Err(error(pos, "remote_address already specified"));
        }
        let (text, addr_pos) = self.word("an IPv4 address")?;
        let addr = address(&text, addr_pos)?;
        r.port = self.optional_port(false)?.unwrap_or(PORT_ISAKMP);
        self.semi()?;
        match addr {
            Some(ip) => r.peer = Some(Peer::Address(ip)),
            None => return Err(error(addr_pos, format!("IPv6 is not supported: `{text}`"))),
        }
        Ok(())
    }

    /// `exchange_mode MODE[, MODE...];`
    fn exchange_modes(&mut self) -> Result<Vec<ExchangeMode>, ParseError> {
        const MODES: &str = "an exchange mode (main, aggressive or base)";
        let mut modes = Vec::new();
        loop {
            let (word, pos) = self.word(MODES)?;
            let mode = match word.as_str() {
                "main" => ExchangeMode::Main,
                "aggressive" => ExchangeMode::Aggressive,
                "base" => ExchangeMode::Base,
                _ => return Err(error(pos, format!("expected {MODES}, found `{word}`"))),
            };
            modes.push(mode);
            if self.eat(&Tok::Punct(';')) {
                return Ok(modes);
            }
            // cftoken.l drops commas in a remote block: they are optional.
            self.eat(&Tok::Punct(','));
        }
    }

    fn doi(&mut self) -> Result<(), ParseError> {
        let (word, pos) = self.word("`ipsec_doi`")?;
        if word != "ipsec_doi" {
            return Err(error(pos, format!("expected `ipsec_doi`, found `{word}`")));
        }
        self.semi()
    }

    fn situation(&mut self, pos: Pos) -> Result<Situation, ParseError> {
        const SITUATIONS: &str = "identity_only, secrecy or integrity";
        let (word, at) = self.word(SITUATIONS)?;
        let situation = match word.as_str() {
            "identity_only" => Situation::IdentityOnly,
            "secrecy" => Situation::Secrecy,
            "integrity" => Situation::Integrity,
            _ => return Err(error(at, format!("expected {SITUATIONS}, found `{word}`"))),
        };
        self.semi()?;
        if situation != Situation::IdentityOnly {
            self.warn(
                pos,
                format!(
                    "situation {word} is not supported; vpnlab uses identity_only (RFC 2407 §4.2)"
                ),
            );
        }
        Ok(situation)
    }

    /// `lifetime time N unit;` (Some) or `lifetime byte N unit;` (None,
    /// with a warning).
    fn lifetime(&mut self, pos: Pos) -> Result<Option<u64>, ParseError> {
        let (kind, at) = self.word("`time` or `byte`")?;
        match kind.as_str() {
            "time" => Ok(Some(self.duration_stmt()?)),
            "byte" => {
                self.byte_amount()?;
                self.semi()?;
                self.warn(pos, "lifetime byte is ignored: racoon 0.8 refuses byte lifetimes (\"byte lifetime support is deprecated\")");
                Ok(None)
            }
            _ => Err(error(
                at,
                format!("expected `time` or `byte`, found `{kind}`"),
            )),
        }
    }

    fn byte_amount(&mut self) -> Result<u64, ParseError> {
        let (n, pos) = self.number("a number")?;
        let (unit, at) = self.word("a byte unit (B, KB, MB or GB)")?;
        let scale = byte_unit(&unit).ok_or_else(|| {
            error(
                at,
                format!("expected a byte unit (B, byte, bytes, KB, MB, GB or TB), found `{unit}`"),
            )
        })?;
        n.checked_mul(scale)
            .ok_or_else(|| error(pos, format!("{n} {unit} is too large")))
    }

    fn proposal_check(&mut self) -> Result<ProposalCheck, ParseError> {
        const LEVELS: &str = "obey, strict, claim or exact";
        let (word, pos) = self.word(LEVELS)?;
        let level = match word.as_str() {
            "obey" => ProposalCheck::Obey,
            "strict" => ProposalCheck::Strict,
            "claim" => ProposalCheck::Claim,
            "exact" => ProposalCheck::Exact,
            _ => return Err(error(pos, format!("expected {LEVELS}, found `{word}`"))),
        };
        self.semi()?;
        Ok(level)
    }

    fn generate_policy(&mut self) -> Result<GeneratePolicy, ParseError> {
        const VALUES: &str = "on, off, require or unique";
        let (word, pos) = self.word(VALUES)?;
        let value = match word.as_str() {
            "off" => GeneratePolicy::Off,
            "on" | "require" => GeneratePolicy::Require,
            "unique" => GeneratePolicy::Unique,
            _ => return Err(error(pos, format!("expected {VALUES}, found `{word}`"))),
        };
        self.semi()?;
        Ok(value)
    }

    /// `on|off|force;` as one of three values.
    fn tristate<T: Copy>(&mut self, values: [T; 3]) -> Result<T, ParseError> {
        let (word, pos) = self.word("on, off or force")?;
        let value = match word.as_str() {
            "off" => values[0],
            "on" => values[1],
            "force" => values[2],
            _ => {
                return Err(error(
                    pos,
                    format!("expected on, off or force, found `{word}`"),
                ));
            }
        };
        self.semi()?;
        Ok(value)
    }

    fn nat_traversal(&mut self) -> Result<NatTraversal, ParseError> {
        self.tristate([NatTraversal::Off, NatTraversal::On, NatTraversal::Force])
    }

    fn rekey(&mut self) -> Result<Rekey, ParseError> {
        self.tristate([Rekey::Off, Rekey::On, Rekey::Force])
    }

    fn ike_frag(&mut self, pos: Pos) -> Result<IkeFrag, ParseError> {
        let value = self.tristate([IkeFrag::Off, IkeFrag::On, IkeFrag::Force])?;
        if value != IkeFrag::Off {
            self.warn(
                pos,
                "ike_frag is not supported: vpnlab sends and accepts unfragmented IKE messages",
            );
        }
        Ok(value)
    }

    /// Statements racoon knows that vpnlab does not implement: checked for
    /// syntax, then warned about.
    fn remote_unsupported(&mut self, word: &str, pos: Pos) -> Result<(), ParseError> {
        let reason = match word {
            "match_empty_cr" => {
                self.switch_stmt()?;
                "vpnlab's racoon sends the CERT it has whatever the CR names"
            }
            "weak_phase1_check" => {
                self.switch_stmt()?;
                "unencrypted DELETE payloads are not told apart from encrypted ones (isakmp_info_recv_d)"
            }
            "esp_frag" => {
                self.number_stmt("the fragment length")?;
                "ESP fragmentation before encapsulation is not supported"
            }
            "script" => self.script()?,
            _ => {
                return Err(error(
                    pos,
                    format!(
                        "unknown remote statement `{word}`: expected exchange_mode, proposal, my_identifier, peers_identifier, verify_identifier, lifetime, passive, generate_policy, proposal_check, nat_traversal, dpd_delay, dpd_retry, dpd_maxfail, initial_contact, nonce_size, support_proxy, remote_address, ..."
                    ),
                ));
            }
        };
        self.warn(pos, format!("{word} is ignored: {reason}"));
        Ok(())
    }

    /// `certificate_type x509 "cert" "key";` | `plain_rsa "key";` (plain
    /// RSA keys are not implemented: warned).
    fn certificate_type(&mut self, r: &mut Remote, at: Pos) -> Result<(), ParseError> {
        let (kind, pos) = self.word("`x509` or `plain_rsa`")?;
        match kind.as_str() {
            "x509" => {
                let (cert, _) = self.quoted("the certificate file in double quotes")?;
                let (key, _) = self.quoted("the private key file in double quotes")?;
                r.certs.x509 = Some((cert, key));
            }
            "plain_rsa" => {
                self.quoted("the private key file in double quotes")?;
                self.warn(at, "certificate_type plain_rsa is ignored: plain RSA keys are not supported (x509 is)");
            }
            _ => {
                return Err(error(
                    pos,
                    format!("expected `x509` or `plain_rsa`, found `{kind}`"),
                ));
            }
        }
        self.semi()
    }

    /// `peers_certfile ("file" | x509 "file" | plain_rsa "file" | dnssec);`
    fn peers_certfile(&mut self, r: &mut Remote, at: Pos) -> Result<(), ParseError> {
        match self.peek_word() {
            Some("dnssec") => {
                self.advance();
                self.warn(
                    at,
                    "peers_certfile dnssec is ignored: DNS CERT records are not supported",
                );
            }
            Some("plain_rsa") => {
                self.advance();
                self.quoted("the public key file in double quotes")?;
                self.warn(at, "peers_certfile plain_rsa is ignored: plain RSA keys are not supported (x509 is)");
            }
            Some("x509") => {
                self.advance();
                r.certs.peers_certfile =
                    Some(self.quoted("the certificate file in double quotes")?.0);
            }
            _ => {
                let (file, _) = self
                    .quoted("the certificate file in double quotes, x509, plain_rsa or dnssec")?;
                r.certs.peers_certfile = Some(file);
            }
        }
        self.semi()
    }

    /// `ca_type x509 "file";`
    fn ca_type(&mut self) -> Result<String, ParseError> {
        let (kind, pos) = self.word("`x509`")?;
        if kind != "x509" {
            return Err(error(pos, format!("expected `x509`, found `{kind}`")));
        }
        let (file, _) = self.quoted("the CA certificate file in double quotes")?;
        self.semi()?;
        Ok(file)
    }

    /// `script "file" phase1_up|phase1_down|phase1_dead;`
    fn script(&mut self) -> Result<&'static str, ParseError> {
        self.quoted("the script file in double quotes")?;
        let (event, pos) = self.word("phase1_up, phase1_down or phase1_dead")?;
        if !matches!(event.as_str(), "phase1_up" | "phase1_down" | "phase1_dead") {
            return Err(error(
                pos,
                format!("expected phase1_up, phase1_down or phase1_dead, found `{event}`"),
            ));
        }
        self.semi()?;
        Ok("hook scripts are not run")
    }
}

// ---------------------------------------------------------------------------
// Identifiers
// ---------------------------------------------------------------------------

impl Parser {
    /// cfparse.y `identifierstring`: nothing, an address-like word or a
    /// quoted string.
    fn identifier_value(&mut self) -> Result<Option<(String, Pos, bool)>, ParseError> {
        match self.peek() {
            Some(Token {
                tok: Tok::Quoted(q),
                pos,
            }) => {
                let value = (q.clone(), *pos, true);
                self.advance();
                Ok(Some(value))
            }
            Some(Token {
                tok: Tok::Word(w),
                pos,
            }) => {
                let value = (w.clone(), *pos, false);
                self.advance();
                Ok(Some(value))
            }
            _ => Ok(None),
        }
    }

    /// `IDTYPE [QUALIFIER] [VALUE];` after my_identifier / peers_identifier.
    fn identifier_stmt(
        &mut self,
        directive: &str,
        qualifiers: bool,
    ) -> Result<Identifier, ParseError> {
        let (id, pos) = self.identifier(qualifiers)?;
        self.semi()?;
        if matches!(id, Identifier::KeyIdFile(_) | Identifier::KeyIdTag(_)) {
            self.warn(pos, format!("{directive}: vpnlab's IKE daemon only implements address, fqdn, user_fqdn and asn1dn identities"));
        }
        // crypto_openssl.c `eay_str2asn1dn`: racoon refuses a DN it
        // cannot read when it loads the configuration.
        if let Identifier::Asn1Dn(Some(text)) = &id
            && let Err(e) = crate::pki::str2asn1dn(text)
        {
            return Err(error(
                pos,
                format!("{directive}: failed to set ID as asn1dn: {}", e.reason),
            ));
        }
        Ok(id)
    }

    fn identifier(&mut self, qualifiers: bool) -> Result<(Identifier, Pos), ParseError> {
        const TYPES: &str = "an identifier type (address, fqdn, user_fqdn, keyid or asn1dn)";
        let (kind, pos) = self.word(TYPES)?;
        let id = match kind.as_str() {
            "address" => Identifier::Address(self.address_value()?),
            "fqdn" => Identifier::Fqdn(
                self.quoted_value("the FQDN in double quotes, like \"host.example.com\"")?,
            ),
            "user_fqdn" => Identifier::UserFqdn(
                self.quoted_value("the user FQDN in double quotes, like \"user@example.com\"")?,
            ),
            "keyid" => self.keyid(qualifiers)?,
            "asn1dn" => Identifier::Asn1Dn(self.identifier_value()?.map(|(v, _, _)| v)),
            _ => return Err(error(pos, format!("expected {TYPES}, found `{kind}`"))),
        };
        Ok((id, pos))
    }

    fn address_value(&mut self) -> Result<Option<Ipv4Addr>, ParseError> {
        match self.identifier_value()? {
            None => Ok(None),
            Some((text, pos, _)) => match address(&text, pos)? {
                Some(ip) => Ok(Some(ip)),
                None => Err(error(pos, format!("IPv6 is not supported: `{text}`"))),
            },
        }
    }

    /// A quoted value (or a bare word made only of the hexadecimal digits,
    /// `:` and `.` racoon's lexer passes unquoted).
    fn quoted_value(&mut self, what: &str) -> Result<String, ParseError> {
        let here = self.here();
        match self.identifier_value()? {
            Some((value, _, true)) => Ok(value),
            Some((value, _, false))
                if value
                    .chars()
                    .all(|c| c.is_ascii_hexdigit() || c == ':' || c == '.') =>
            {
                Ok(value)
            }
            Some((value, pos, false)) => {
                Err(error(pos, format!("expected {what}, found `{value}`")))
            }
            None => {
                let found = self
                    .peek()
                    .map_or("the end of the file".to_string(), |t| t.tok.describe());
                Err(error(here, format!("expected {what}, found {found}")))
            }
        }
    }

    /// `keyid [file] "path"` | `keyid tag "value"`.
    fn keyid(&mut self, qualifiers: bool) -> Result<Identifier, ParseError> {
        let qualifier = match self.peek_word() {
            Some(q @ ("file" | "tag")) if qualifiers => {
                let q = q.to_string();
                self.advance();
                q
            }
            _ => "file".to_string(),
        };
        let value = self.quoted_value("the key id in double quotes")?;
        Ok(if qualifier == "tag" {
            Identifier::KeyIdTag(value)
        } else {
            Identifier::KeyIdFile(value)
        })
    }
}

// ---------------------------------------------------------------------------
// Algorithms
// ---------------------------------------------------------------------------

fn cipher_by_name(word: &str) -> Option<Cipher> {
    Some(match word {
        "des" => Cipher::Des,
        "3des" => Cipher::TripleDes,
        "aes" | "rijndael" => Cipher::Aes { bits: 128 },
        "blowfish" => Cipher::Blowfish { bits: 128 },
        "cast128" => Cipher::Cast128 { bits: 128 },
        "camellia" => Cipher::Camellia { bits: 128 },
        "twofish" => Cipher::Twofish { bits: 128 },
        "rc5" => Cipher::Rc5 { bits: 128 },
        "idea" => Cipher::Idea,
        "3idea" => Cipher::ThreeIdea,
        "des_iv64" => Cipher::DesIv64,
        "des_iv32" => Cipher::DesIv32,
        "rc4" => Cipher::Rc4,
        "null_enc" | "null" => Cipher::Null,
        _ => return None,
    })
}

/// algorithm.c check_keylen: the key lengths racoon allows, in bits.
fn with_key_bits(cipher: Cipher, bits: u64) -> Result<Cipher, String> {
    let ok = |lo: u64, hi: u64| bits.is_multiple_of(8) && (lo..=hi).contains(&bits);
    let three = bits == 128 || bits == 192 || bits == 256;
    let b = u16::try_from(bits).unwrap_or(u16::MAX);
    let (valid, result, range) = match cipher {
        Cipher::Aes { .. } => (three, Cipher::Aes { bits: b }, "128, 192 or 256"),
        Cipher::Camellia { .. } => (three, Cipher::Camellia { bits: b }, "128, 192 or 256"),
        Cipher::Blowfish { .. } => (
            ok(40, 448),
            Cipher::Blowfish { bits: b },
            "40 to 448, a multiple of 8",
        ),
        Cipher::Cast128 { .. } => (
            ok(40, 128),
            Cipher::Cast128 { bits: b },
            "40 to 128, a multiple of 8",
        ),
        Cipher::Twofish { .. } => (
            ok(40, 256),
            Cipher::Twofish { bits: b },
            "40 to 256, a multiple of 8",
        ),
        Cipher::Rc5 { .. } => (
            ok(40, 2040),
            Cipher::Rc5 { bits: b },
            "40 to 2040, a multiple of 8",
        ),
        other => return Err(format!("{} takes no key length", other.name())),
    };
    if valid {
        Ok(result)
    } else {
        Err(format!(
            "invalid key length {bits} for {}: expected {range} bits",
            cipher.name()
        ))
    }
}

const PHASE1_CIPHERS: &str =
    "an encryption algorithm (des, 3des, aes, blowfish, cast128 or camellia)";
const PHASE2_CIPHERS: &str =
    "an encryption algorithm (des, 3des, aes, blowfish, cast128, camellia, twofish, null_enc, ...)";

impl Parser {
    /// `ALG [KEYBITS]` (cfparse.y `algorithm`: ALGORITHMTYPE keylength).
    fn cipher(&mut self, phase1: bool) -> Result<(Cipher, Pos), ParseError> {
        let what = if phase1 {
            PHASE1_CIPHERS
        } else {
            PHASE2_CIPHERS
        };
        let (word, pos) = self.word(what)?;
        let cipher = cipher_by_name(&word)
            .filter(|c| !phase1 || c.is_phase1())
            .ok_or_else(|| error(pos, format!("expected {what}, found `{word}`")))?;
        let Some(Ok(_)) = self.peek_word().and_then(decimal) else {
            return Ok((cipher, pos));
        };
        let (bits, bits_pos) = self.number("a key length")?;
        let cipher = with_key_bits(cipher, bits).map_err(|m| error(bits_pos, m))?;
        Ok((cipher, pos))
    }

    fn hash(&mut self) -> Result<(Hash, Pos), ParseError> {
        const HASHES: &str = "a hash algorithm (md5, sha1, sha256, sha384 or sha512)";
        let (word, pos) = self.word(HASHES)?;
        let hash = match word.as_str() {
            "md5" => Hash::Md5,
            "sha1" => Hash::Sha1,
            "sha256" | "sha2_256" => Hash::Sha256,
            "sha384" | "sha2_384" => Hash::Sha384,
            "sha512" | "sha2_512" => Hash::Sha512,
            _ => return Err(error(pos, format!("expected {HASHES}, found `{word}`"))),
        };
        Ok((hash, pos))
    }

    fn auth_method(&mut self) -> Result<(AuthMethod, Pos), ParseError> {
        const METHODS: &str = "an authentication method (pre_shared_key, rsasig, gssapi_krb, hybrid_rsa_server, xauth_psk_client, ...)";
        let (word, pos) = self.word(METHODS)?;
        let method = AUTH_METHODS
            .iter()
            .find(|(name, _)| *name == word)
            .map(|(_, m)| *m)
            .ok_or_else(|| error(pos, format!("expected {METHODS}, found `{word}`")))?;
        Ok((method, pos))
    }

    /// cfparse.y `dh_group_num`: a name or a group number, plus the modulus
    /// sizes KAME's racoon took (768 = group 1, ...).
    fn dh_group(&mut self) -> Result<(DhGroup, Pos), ParseError> {
        const GROUPS: &str = "a DH group (modp768, modp1024, modp1536, modp2048, ..., or 1, 2, 5, 14, 15, 16, 17, 18)";
        let (word, pos) = self.word(GROUPS)?;
        let by_number = |n: u16| {
            DH_GROUPS
                .iter()
                .find(|(_, num, _)| *num == n)
                .map(|(g, _, _)| *g)
        };
        let group = match decimal(&word) {
            Some(Ok(n)) => match n {
                768 => Some(DhGroup::Modp768),
                1024 => Some(DhGroup::Modp1024),
                1536 => Some(DhGroup::Modp1536),
                2048 => Some(DhGroup::Modp2048),
                3072 => Some(DhGroup::Modp3072),
                4096 => Some(DhGroup::Modp4096),
                6144 => Some(DhGroup::Modp6144),
                8192 => Some(DhGroup::Modp8192),
                n => u16::try_from(n).ok().and_then(by_number),
            },
            Some(Err(())) => None,
            None => DH_GROUPS
                .iter()
                .find(|(_, _, name)| *name == word && !name.starts_with("ec2n"))
                .map(|(g, _, _)| *g),
        };
        let group =
            group.ok_or_else(|| error(pos, format!("expected {GROUPS}, found `{word}`")))?;
        Ok((group, pos))
    }

    /// A comma-separated list (cfparse.y `algorithms`), then `;`.
    fn list<T, F>(&mut self, mut item: F) -> Result<Vec<(T, Pos)>, ParseError>
    where
        F: FnMut(&mut Parser) -> Result<(T, Pos), ParseError>,
    {
        let mut items = vec![item(self)?];
        while self.eat(&Tok::Punct(',')) {
            items.push(item(self)?);
        }
        self.semi()?;
        Ok(items)
    }

    fn integrity(&mut self) -> Result<(IntegrityAlg, Pos), ParseError> {
        const ALGS: &str = "an authentication algorithm (hmac_md5, hmac_sha1, hmac_sha256, hmac_sha384, hmac_sha512 or non_auth)";
        let (word, pos) = self.word(ALGS)?;
        let alg = INTEGRITY_ALGS
            .iter()
            .find(|(name, _)| *name == word)
            .map(|(_, a)| *a)
            .ok_or_else(|| error(pos, format!("expected {ALGS}, found `{word}`")))?;
        if let Some(Ok(_)) = self.peek_word().and_then(decimal) {
            return Err(error(self.here(), format!("{word} takes no key length")));
        }
        Ok((alg, pos))
    }

    fn compression(&mut self) -> Result<(Compression, Pos), ParseError> {
        const ALGS: &str = "a compression algorithm (deflate, lzs or oui)";
        let (word, pos) = self.word(ALGS)?;
        let alg = match word.as_str() {
            "deflate" => Compression::Deflate,
            "lzs" => Compression::Lzs,
            "oui" => Compression::Oui,
            _ => return Err(error(pos, format!("expected {ALGS}, found `{word}`"))),
        };
        Ok((alg, pos))
    }
}

// ---------------------------------------------------------------------------
// proposal
// ---------------------------------------------------------------------------

/// A proposal being read: racoon checks the four algorithms at the end.
#[derive(Default)]
struct ProposalDraft {
    encryption: Option<Cipher>,
    hash: Option<Hash>,
    authentication_method: Option<AuthMethod>,
    dh_group: Option<DhGroup>,
    lifetime_secs: Option<u64>,
}

const PROPOSAL_STATEMENTS: &str = "a proposal statement (encryption_algorithm, hash_algorithm, authentication_method, dh_group or lifetime)";

impl Parser {
    /// `proposal { }` in a remote section.
    fn proposal(&mut self, pos: Pos) -> Result<Proposal, ParseError> {
        self.open("proposal")?;
        let mut draft = ProposalDraft::default();
        self.section(PROPOSAL_STATEMENTS, |p, word, at| {
            p.proposal_statement(&mut draft, word, at)
        })?;
        let missing = |name: &str| {
            error(
                pos,
                format!(
                    "proposal has no {name} (racoon requires encryption_algorithm, hash_algorithm, authentication_method and dh_group)"
                ),
            )
        };
        Ok(Proposal {
            line: pos.line,
            column: pos.column,
            encryption: draft
                .encryption
                .ok_or_else(|| missing("encryption_algorithm"))?,
            hash: draft.hash.ok_or_else(|| missing("hash_algorithm"))?,
            authentication_method: draft
                .authentication_method
                .ok_or_else(|| missing("authentication_method"))?,
            dh_group: draft.dh_group.ok_or_else(|| missing("dh_group"))?,
            lifetime_secs: draft.lifetime_secs,
        })
    }

    fn proposal_statement(
        &mut self,
        d: &mut ProposalDraft,
        word: &str,
        pos: Pos,
    ) -> Result<(), ParseError> {
        const NEVER: &str = "this proposal will never be chosen";
        match word {
            "encryption_algorithm" => {
                let (c, at) = self.cipher(true)?;
                if !c.is_supported_in_phase1() {
                    self.warn(at, format!("encryption_algorithm {} is not supported by vpnlab (it implements des, 3des, aes, blowfish, cast128 and camellia); {NEVER}", c.name()));
                }
                d.encryption = Some(c);
            }
            "hash_algorithm" => {
                // Every hash racoon.conf can name is implemented.
                let (h, _) = self.hash()?;
                d.hash = Some(h);
            }
            "authentication_method" => {
                let (m, at) = self.auth_method()?;
                if !m.is_supported() {
                    self.warn(at, format!("authentication_method {} is not supported by vpnlab (it implements pre_shared_key, rsasig, xauth_psk_* and xauth_rsa_*); {NEVER}", m.name()));
                }
                d.authentication_method = Some(m);
            }
            "dh_group" => {
                let (g, at) = self.dh_group()?;
                if !g.is_supported() {
                    self.warn(at, format!("dh_group {} (group {}) is not supported by vpnlab (it implements groups 1, 2, 5 and 14 to 18); {NEVER}", g.name(), g.number()));
                }
                d.dh_group = Some(g);
            }
            "lifetime" => {
                if let Some(secs) = self.lifetime(pos)? {
                    d.lifetime_secs = Some(secs);
                }
                return Ok(());
            }
            "gss_id" | "gssapi_id" => {
                self.quoted("the GSS-API id in double quotes")?;
                self.warn(
                    pos,
                    format!("{word} is ignored: GSS-API authentication is not supported"),
                );
            }
            _ => {
                return Err(error(
                    pos,
                    format!(
                        "unknown proposal statement `{word}`: expected encryption_algorithm, hash_algorithm, authentication_method, dh_group or lifetime"
                    ),
                ));
            }
        }
        self.semi()
    }
}

// ---------------------------------------------------------------------------
// sainfo
// ---------------------------------------------------------------------------

/// An sainfo being read: racoon checks the algorithm lists at the end.
struct SaInfoDraft {
    info: SaInfo,
    /// Where an IPv6 ID was seen (the section is then dropped).
    ipv6: bool,
}

impl Parser {
    /// `sainfo LOCAL REMOTE [from ...] [group ...] { }`
    fn sainfo(&mut self, conf: &mut RacoonConf, pos: Pos) -> Result<(), ParseError> {
        let mut draft = SaInfoDraft {
            info: SaInfo {
                line: pos.line,
                column: pos.column,
                local: SaInfoId::Anonymous,
                remote: SaInfoId::Anonymous,
                from: None,
                group: None,
                pfs_group: None,
                lifetime_secs: DEFAULT_LIFETIME_SECS,
                remoteid: 0,
                encryption: Vec::new(),
                authentication: Vec::new(),
                compression: Vec::new(),
            },
            ipv6: false,
        };
        self.sainfo_name(&mut draft)?;
        self.sainfo_param(&mut draft.info)?;
        self.open("sainfo")?;
        self.section(SAINFO_STATEMENTS, |p, word, at| {
            p.sainfo_statement(&mut draft.info, word, at)
        })?;
        self.finish_sainfo(conf, draft, pos)
    }

    /// cfparse.y `sainfo_name`.
    fn sainfo_name(&mut self, d: &mut SaInfoDraft) -> Result<(), ParseError> {
        let local_anonymous = self.peek_word() == Some("anonymous");
        d.info.local = self.sainfo_id(false, &mut d.ipv6)?;
        let alone = matches!(self.peek_tok(), Some(Tok::Punct('{')))
            || matches!(self.peek_word(), Some("from" | "group"));
        if local_anonymous && alone {
            // `sainfo anonymous { }`: both sides anonymous.
            return Ok(());
        }
        d.info.remote = self.sainfo_id(true, &mut d.ipv6)?;
        Ok(())
    }

    /// One side: `anonymous`, `clientaddr` (remote side) or an ID.
    fn sainfo_id(&mut self, remote: bool, ipv6: &mut bool) -> Result<SaInfoId, ParseError> {
        let what = if remote {
            "the remote ID (address ADDR[/PREFIX] [PORT] PROTO, subnet ..., clientaddr or anonymous)"
        } else {
            "the local ID (address ADDR[/PREFIX] [PORT] PROTO, subnet ... or anonymous)"
        };
        let (word, pos) = self.word(what)?;
        match word.as_str() {
            "anonymous" => Ok(SaInfoId::Anonymous),
            "clientaddr" if remote => Ok(SaInfoId::ClientAddr),
            "address" | "subnet" => self.address_id(ipv6),
            "fqdn" | "user_fqdn" | "keyid" => self.named_id(&word, pos),
            "asn1dn" => Err(error(
                pos,
                "asn1dn cannot be an sainfo ID (racoon: id type forbidden)",
            )),
            _ => Err(error(pos, format!("expected {what}, found `{word}`"))),
        }
    }

    /// `fqdn|user_fqdn|keyid "value"` as an sainfo ID.
    fn named_id(&mut self, kind: &str, pos: Pos) -> Result<SaInfoId, ParseError> {
        let (value, _) = self.quoted("the ID in double quotes")?;
        let id = match kind {
            "fqdn" => Identifier::Fqdn(value),
            "user_fqdn" => Identifier::UserFqdn(value),
            _ => Identifier::KeyIdTag(value),
        };
        self.warn(pos, format!("sainfo {kind} IDs are not supported: vpnlab sends address IDs from the policy, so this sainfo never matches"));
        Ok(SaInfoId::Named(id))
    }

    /// `ADDR[-ADDR][/PREFIX] [[PORT]] PROTO` (cfparse.y `sainfo_id`).
    fn address_id(&mut self, ipv6: &mut bool) -> Result<SaInfoId, ParseError> {
        let (text, pos) = self.word("an address")?;
        let (low_text, mut high_text) = match text.split_once('-') {
            Some((low, high)) => (low.to_string(), Some((high.to_string(), pos))),
            None => (text.clone(), None),
        };
        // `LOW -HIGH`: cftoken.l lexes `-HIGH` as its own ADDRRANGE token.
        let separate_high = match (&high_text, self.peek_tok()) {
            (None, Some(Tok::Word(w))) => w.strip_prefix('-').map(str::to_string),
            _ => None,
        };
        if let Some(high) = separate_high {
            high_text = Some((high, self.here()));
            self.advance();
        }
        let low = address(&low_text, pos)?;
        let high = match &high_text {
            Some((h, at)) => address(h, *at)?,
            None => None,
        };
        let prefix_len = self.optional_prefix()?;
        // IPSEC_PORT_ANY is 0: `[0]` means any port too.
        let port = self.optional_port(true)?.filter(|p| *p != 0);
        let proto = self.upper_proto(port)?;
        let (Some(low), true) = (low, high_text.is_none() || high.is_some()) else {
            *ipv6 = true;
            return Ok(SaInfoId::Anonymous);
        };
        match (high, prefix_len) {
            (Some(_), Some((_, at))) => Err(error(at, "an address range takes no prefix length")),
            (Some(high), None) => {
                self.warn(pos, "address ranges (ID_IPV4_ADDR_RANGE) are not supported by vpnlab's IKE daemon; this sainfo never matches");
                Ok(SaInfoId::Range {
                    low,
                    high,
                    port,
                    proto,
                })
            }
            (None, len) => Ok(SaInfoId::Address {
                prefix: Prefix {
                    addr: low,
                    len: len.map_or(32, |(l, _)| l),
                },
                port,
                proto,
            }),
        }
    }

    /// `/N` (cftoken.l PREFIX).
    fn optional_prefix(&mut self) -> Result<Option<(u8, Pos)>, ParseError> {
        if !self.eat(&Tok::Punct('/')) {
            return Ok(None);
        }
        let (n, pos) = self.number("a prefix length")?;
        match u8::try_from(n) {
            Ok(len) if len <= 32 => Ok(Some((len, pos))),
            _ => Err(error(
                pos,
                format!("prefix length {n} is out of range (0 to 32)"),
            )),
        }
    }

    /// cfparse.y `ul_proto`: a number, a protocol name or `any`.
    fn upper_proto(&mut self, port: Option<u16>) -> Result<UpperProto, ParseError> {
        const PROTOS: &str = "an upper-layer protocol (any, icmp, tcp, udp, gre, esp, ah, ipcomp, icmp6 or a number)";
        let (word, pos) = self.word(PROTOS)?;
        let proto = match word.as_str() {
            "any" => UpperProto::Any,
            "icmp" => UpperProto::Number(1),
            "tcp" => UpperProto::Number(6),
            "udp" => UpperProto::Number(17),
            "gre" => UpperProto::Number(47),
            "esp" => UpperProto::Number(50),
            "ah" => UpperProto::Number(51),
            "icmp6" => UpperProto::Number(58),
            "ipcomp" => UpperProto::Number(108),
            _ => match decimal(&word) {
                Some(Ok(n)) => UpperProto::Number(u8::try_from(n).map_err(|_| {
                    error(
                        pos,
                        format!("protocol number {n} is out of range (0 to 255)"),
                    )
                })?),
                _ => return Err(error(pos, format!("expected {PROTOS}, found `{word}`"))),
            },
        };
        if port.is_some() && matches!(proto, UpperProto::Number(1 | 58)) {
            return Err(error(pos, "port number must be \"any\" for icmp"));
        }
        Ok(proto)
    }

    /// cfparse.y `sainfo_param`: `from IDTYPE [ID]` or `group "name"`.
    fn sainfo_param(&mut self, info: &mut SaInfo) -> Result<(), ParseError> {
        match self.peek_word() {
            Some("from") => {
                self.advance();
                let (id, pos) = self.identifier(false)?;
                if matches!(id, Identifier::KeyIdFile(_) | Identifier::Asn1Dn(_)) {
                    self.warn(pos, "sainfo from: vpnlab's IKE daemon only implements address, fqdn and user_fqdn identities");
                }
                info.from = Some(id);
            }
            Some("group") => {
                let pos = self.here();
                self.advance();
                info.group = Some(self.quoted("the group name in double quotes")?.0);
                self.warn(pos, "sainfo group is ignored: vpnlab checks auth_groups at XAuth, not again at quick mode");
            }
            _ => {}
        }
        Ok(())
    }
}

const SAINFO_STATEMENTS: &str = "an sainfo statement (pfs_group, lifetime, encryption_algorithm, authentication_algorithm, compression_algorithm or remoteid)";

impl Parser {
    fn sainfo_statement(
        &mut self,
        info: &mut SaInfo,
        word: &str,
        pos: Pos,
    ) -> Result<(), ParseError> {
        match word {
            "pfs_group" => {
                let (g, at) = self.dh_group()?;
                self.semi()?;
                if !g.is_supported() {
                    self.warn(at, format!("pfs_group {} (group {}) is not supported by vpnlab (it implements groups 1, 2, 5 and 14 to 18); PFS with it cannot be negotiated", g.name(), g.number()));
                }
                info.pfs_group = Some(g);
            }
            "lifetime" => {
                if let Some(secs) = self.lifetime(pos)? {
                    info.lifetime_secs = secs;
                }
            }
            "remoteid" => info.remoteid = self.number_stmt("the remote id number")?,
            "encryption_algorithm" => info.encryption = self.esp_ciphers()?,
            "authentication_algorithm" => info.authentication = self.integrity_list()?,
            "compression_algorithm" => info.compression = self.compression_list()?,
            _ => {
                return Err(error(
                    pos,
                    format!(
                        "unknown sainfo statement `{word}`: expected pfs_group, lifetime, encryption_algorithm, authentication_algorithm, compression_algorithm or remoteid"
                    ),
                ));
            }
        }
        Ok(())
    }

    fn esp_ciphers(&mut self) -> Result<Vec<Cipher>, ParseError> {
        let items = self.list(|p| p.cipher(false))?;
        for (c, at) in &items {
            if !c.is_supported_in_phase2() {
                self.warn(*at, format!("encryption_algorithm {} is not supported by vpnlab (it implements des, 3des, aes, blowfish, cast128, camellia, twofish and null_enc); it is left out of the negotiation", c.name()));
            }
        }
        Ok(items.into_iter().map(|(c, _)| c).collect())
    }

    fn integrity_list(&mut self) -> Result<Vec<IntegrityAlg>, ParseError> {
        let items = self.list(Parser::integrity)?;
        for (a, at) in &items {
            if !a.is_supported() {
                self.warn(*at, format!("authentication_algorithm {} is not supported by vpnlab (it implements hmac_md5, hmac_sha1, hmac_sha256, hmac_sha384, hmac_sha512 and non_auth); it is left out of the negotiation", a.name()));
            }
        }
        Ok(items.into_iter().map(|(a, _)| a).collect())
    }

    /// cfparse.y requires the list in every sainfo; racoon proposes
    /// IPComp only for a policy with an `ipcomp` step (proposal.c
    /// `set_proposal_from_policy`). vpnlab's kernel compresses with
    /// deflate only: `lzs` and `oui` are warned about.
    fn compression_list(&mut self) -> Result<Vec<Compression>, ParseError> {
        let items = self.list(Parser::compression)?;
        for (c, at) in &items {
            if *c != Compression::Deflate {
                self.warn(*at, format!("compression_algorithm {} is not supported by vpnlab (it implements deflate); it is left out of the negotiation", c.name()));
            }
        }
        Ok(items.into_iter().map(|(c, _)| c).collect())
    }

    /// cfparse.y: the three algorithm lists are required, and two sainfos
    /// may not have the same IDs unless anonymous.
    fn finish_sainfo(
        &mut self,
        conf: &mut RacoonConf,
        d: SaInfoDraft,
        pos: Pos,
    ) -> Result<(), ParseError> {
        let info = d.info;
        let missing = |what: &str| {
            error(
                pos,
                format!(
                    "sainfo has no {what} (racoon requires encryption_algorithm, authentication_algorithm and compression_algorithm; write `compression_algorithm deflate;`)"
                ),
            )
        };
        if info.encryption.is_empty() {
            return Err(missing("encryption_algorithm"));
        }
        if info.authentication.is_empty() {
            return Err(missing("authentication_algorithm"));
        }
        if info.compression.is_empty() {
            return Err(missing("compression_algorithm"));
        }
        if d.ipv6 {
            self.warn(pos, "sainfo section ignored: IPv6 is not supported");
            return Ok(());
        }
        let duplicate = conf.sainfos.iter().find(|s| {
            s.local == info.local
                && s.remote == info.remote
                && s.from == info.from
                && s.remoteid == info.remoteid
                && info.local != SaInfoId::Anonymous
        });
        if let Some(first) = duplicate {
            return Err(error(
                pos,
                format!(
                    "duplicated sainfo: the same IDs as the sainfo on line {}",
                    first.line
                ),
            ));
        }
        conf.sainfos.push(info);
        Ok(())
    }
}

/// Every configured time fits [`MAX_CONFIG_SECS`]: refused where it is
/// written, never a panic or a wrap in timer arithmetic.
fn representable(secs: u64, pos: Pos, text: &str) -> Result<u64, ParseError> {
    if secs > MAX_CONFIG_SECS {
        return Err(error(
            pos,
            format!("{text} is too long: at most {MAX_CONFIG_SECS} seconds"),
        ));
    }
    Ok(secs)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The racoon.conf of the 2003 Linux IPsec article, as printed there.
    const ARTICLE: &str = r#"path pre_shared_key "/etc/psk.txt";

remote 192.168.2.5 {
    exchange_mode main;
    proposal {
        encryption_algorithm 3des;
        hash_algorithm md5;
        authentication_method pre_shared_key;
        dh_group modp1024;
    }
}

sainfo address 192.168.1.5 any address 192.168.2.5 any {
    pfs_group 768;
    encryption_algorithm 3des;
    authentication_algorithm hmac_md5;
    compression_algorithm deflate;
}
"#;

    fn ok(text: &str) -> (RacoonConf, Vec<Warning>) {
        match parse(text) {
            Ok(parsed) => parsed,
            Err(e) => panic!("unexpected error {e} in:\n{text}"),
        }
    }

    /// ipsec-tools' src/racoon/samples/racoon.conf.sample-inherit as
    /// printed (its header comments left out).
    const SAMPLE_INHERIT: &str = r#"path pre_shared_key "/etc/racoon/psk.txt";
path certificate "/etc/racoon";

remote anonymous
{
	exchange_mode main,aggressive;
	doi ipsec_doi;
	situation identity_only;

	my_identifier asn1dn;
	certificate_type x509 "my.cert.pem" "my.key.pem";

	nonce_size 16;
	initial_contact on;
	proposal_check strict;	# obey, strict or claim

	proposal {
		encryption_algorithm 3des;
		hash_algorithm sha1;
		authentication_method rsasig;
		dh_group 2;
	}
}

remote 3ffe:ffff::1 inherit anonymous
{
	exchange_mode aggressive;
	nat_traversal force;
}

remote 3ffe:ffff::1 [8000] inherit 3ffe:ffff::1
{
	lifetime time 1 min;	# sec,min,hour

	proposal {
		encryption_algorithm 3des;
		hash_algorithm sha1;
		authentication_method pre_shared_key;
		dh_group 2;
	}
}

sainfo anonymous
{
	pfs_group 2;
	lifetime time 12 hour;
	encryption_algorithm aes, 3des;
	authentication_algorithm hmac_sha1, hmac_md5;
	compression_algorithm deflate;
}
"#;

    /// cfparse.y `remote ... inherit`: the parent is found by name or by
    /// address (remoteconf.c `getrmconf`) whatever its family, so the
    /// sample that inherits from IPv6 remotes parses; vpnlab warns that
    /// it cannot use IPv6 remotes, and an IPv4 remote inheriting from one
    /// gets the parent's settings.
    #[test]
    fn inherit_from_a_remote_vpnlab_cannot_use() {
        let (conf, warnings) = ok(SAMPLE_INHERIT);
        assert_eq!(conf.remotes.len(), 1, "only `remote anonymous` is usable");
        assert!(
            warnings
                .iter()
                .any(|w| w.message.contains("IPv6 is not supported"))
        );
        let text = "remote 2001:db8::1 [4500] { exchange_mode aggressive; proposal { encryption_algorithm aes; hash_algorithm sha1; authentication_method pre_shared_key; dh_group 2; } }\n\
                    remote 10.0.0.2 inherit 2001:db8::1 { lifetime time 1 min; }\n";
        let (conf, _) = ok(text);
        let [child] = conf.remotes.as_slice() else {
            panic!("{:?}", conf.remotes);
        };
        assert_eq!(child.peer, Some(Peer::Address(Ipv4Addr::new(10, 0, 0, 2))));
        assert_eq!(child.exchange_modes, vec![ExchangeMode::Aggressive]);
        assert_eq!(child.lifetime_secs, 60);
        assert_eq!(child.proposals.len(), 1);
    }

    fn err(text: &str) -> (u32, u32, String) {
        match parse(text) {
            Ok(_) => panic!("expected an error in:\n{text}"),
            Err(e) => (e.line, e.column, e.message),
        }
    }

    /// Asserts an error at line:column whose message contains `part`.
    fn assert_err(text: &str, line: u32, column: u32, part: &str) {
        let (l, c, message) = err(text);
        assert_eq!((l, c), (line, column), "{message}");
        assert!(message.contains(part), "`{message}` lacks `{part}`");
    }

    fn warnings(text: &str) -> Vec<(u32, u32, String)> {
        ok(text)
            .1
            .into_iter()
            .map(|w| (w.line, w.column, w.message))
            .collect()
    }

    /// Asserts exactly one warning, at line:column, containing `part`.
    fn assert_warn(text: &str, line: u32, column: u32, part: &str) {
        let w = warnings(text);
        assert_eq!(w.len(), 1, "{w:?}");
        assert_eq!((w[0].0, w[0].1), (line, column), "{}", w[0].2);
        assert!(w[0].2.contains(part), "`{}` lacks `{part}`", w[0].2);
    }

    /// A minimal remote with `stmts` on line 2.
    fn remote_with(stmts: &str) -> String {
        format!(
            "remote 10.0.0.2 {{\n{stmts}\nexchange_mode main;\nproposal {{ encryption_algorithm 3des; hash_algorithm sha1; authentication_method pre_shared_key; dh_group 2; }}\n}}\n"
        )
    }

    /// A proposal with `stmts` on line 4 inside a minimal remote.
    fn proposal_with(stmts: &str) -> String {
        format!("remote 10.0.0.2 {{\nexchange_mode main;\nproposal {{\n{stmts}\n}}\n}}\n")
    }

    const ALL_FOUR: &str = "encryption_algorithm 3des; hash_algorithm sha1; authentication_method pre_shared_key; dh_group 2;";

    /// A minimal sainfo with `stmts` on line 2; its deflate warns at 5:23.
    fn sainfo_with(stmts: &str) -> String {
        format!(
            "sainfo anonymous {{\n{stmts}\nencryption_algorithm aes;\nauthentication_algorithm hmac_sha1;\ncompression_algorithm deflate;\n}}\n"
        )
    }

    fn first_remote(text: &str) -> Remote {
        ok(text).0.remotes.remove(0)
    }

    fn first_sainfo(text: &str) -> SaInfo {
        ok(text).0.sainfos.remove(0)
    }

    // -- the article ---------------------------------------------------------

    #[test]
    fn article_parses_as_printed() {
        let (conf, warnings) = ok(ARTICLE);
        assert_eq!(conf.psk_path(), Some("/etc/psk.txt"));
        assert_eq!(conf.remotes.len(), 1);
        let r = &conf.remotes[0];
        assert_eq!((r.line, r.column), (3, 1));
        assert_eq!(r.peer, Some(Peer::Address(Ipv4Addr::new(192, 168, 2, 5))));
        assert_eq!(r.port, 500);
        assert_eq!(r.exchange_modes, vec![ExchangeMode::Main]);
        assert_eq!(r.proposals.len(), 1);
        let p = &r.proposals[0];
        assert_eq!(p.encryption, Cipher::TripleDes);
        assert_eq!(p.hash, Hash::Md5);
        assert_eq!(p.authentication_method, AuthMethod::PreSharedKey);
        assert_eq!(p.dh_group, DhGroup::Modp1024);
        assert_eq!(p.lifetime(r), DEFAULT_LIFETIME_SECS);
        assert_eq!(conf.sainfos.len(), 1);
        let s = &conf.sainfos[0];
        let host = |a, b, c, d| SaInfoId::Address {
            prefix: Prefix {
                addr: Ipv4Addr::new(a, b, c, d),
                len: 32,
            },
            port: None,
            proto: UpperProto::Any,
        };
        assert_eq!(s.local, host(192, 168, 1, 5));
        assert_eq!(s.remote, host(192, 168, 2, 5));
        assert_eq!(s.pfs_group, Some(DhGroup::Modp768));
        assert_eq!(s.encryption, vec![Cipher::TripleDes]);
        assert_eq!(s.authentication, vec![IntegrityAlg::HmacMd5]);
        assert_eq!(s.compression, vec![Compression::Deflate]);
        assert_eq!(s.lifetime_secs, DEFAULT_LIFETIME_SECS);
        // proposal.c `set_proposal_from_policy`: no policy asks for
        // IPComp, so the required compression_algorithm is not warned.
        assert!(warnings.is_empty(), "{warnings:?}");
    }

    #[test]
    fn article_without_blank_lines() {
        let compact: String = ARTICLE
            .lines()
            .filter(|l| !l.is_empty())
            .map(|l| format!("{l}\n"))
            .collect();
        let (_, warnings) = ok(&compact);
        assert!(warnings.is_empty(), "{warnings:?}");
    }

    // -- defaults --------------------------------------------------------------

    #[test]
    fn defaults_follow_racoon() {
        let (conf, warnings) = ok("");
        assert!(warnings.is_empty());
        assert_eq!(conf, RacoonConf::default());
        assert_eq!(conf.timer.counter, 5);
        assert_eq!(conf.timer.interval_secs, 10);
        assert_eq!(conf.timer.persend, 1);
        assert_eq!(conf.timer.phase1_secs, 30);
        assert_eq!(conf.timer.phase2_secs, 30);
        assert_eq!(conf.timer.natt_keepalive_secs, 20);
        assert_eq!(conf.padding, Padding::default());
        assert!(conf.padding.randomize && conf.padding.exclusive_tail);
        assert!(!conf.padding.randomize_length && !conf.padding.strict_check);
        assert_eq!(conf.padding.maximum_length, 20);
        assert_eq!(conf.log_level, LogLevel::Info);
        assert!(conf.complex_bundle);
        assert!(conf.listen.isakmp.is_empty() && !conf.listen.strict_address);
        assert_eq!(conf.psk_path(), None);
    }

    #[test]
    fn remote_defaults_follow_newrmconf() {
        let r = first_remote(&remote_with(""));
        assert_eq!(r.my_identifier, Identifier::Address(None));
        assert!(r.peers_identifiers.is_empty());
        assert!(!r.verify_identifier && !r.passive && !r.support_proxy);
        assert!(r.initial_contact && r.dpd);
        assert_eq!(r.lifetime_secs, 28_800);
        assert_eq!(r.nonce_size, 16);
        assert_eq!(r.proposal_check, ProposalCheck::Strict);
        assert_eq!(r.generate_policy, GeneratePolicy::Off);
        assert_eq!(r.nat_traversal, NatTraversal::Off);
        assert_eq!(
            (r.dpd_delay_secs, r.dpd_retry_secs, r.dpd_maxfail),
            (0, 5, 5)
        );
        assert_eq!(r.rekey, Rekey::On);
        assert_eq!(r.ike_frag, IkeFrag::Off);
        assert_eq!(r.situation, Situation::IdentityOnly);
        assert_eq!((r.ph1id, r.port), (0, 500));
        assert_eq!(r.proposals[0].lifetime_secs, None);
    }

    #[test]
    fn sainfo_defaults_follow_newsainfo() {
        let s = first_sainfo(&sainfo_with(""));
        assert_eq!(s.local, SaInfoId::Anonymous);
        assert_eq!(s.remote, SaInfoId::Anonymous);
        assert_eq!(s.pfs_group, None);
        assert_eq!(s.lifetime_secs, 28_800);
        assert_eq!(
            (s.remoteid, s.from.clone(), s.group.clone()),
            (0, None, None)
        );
    }

    // -- global statements -----------------------------------------------------

    #[test]
    fn paths_are_recorded() {
        let (conf, warnings) = ok(concat!(
            "path include \"/etc/racoon\";\npath certificate \"/etc/cert\";\n",
            "path script \"/etc/scripts\";\npath backupsa \"/var/backup\";\n",
            "path pidfile \"racoon.pid\";\npath pre_shared_key \"/a\";\npath pre_shared_key \"/b\";\n"
        ));
        assert!(warnings.is_empty());
        assert_eq!(conf.paths.include.as_deref(), Some("/etc/racoon"));
        assert_eq!(conf.paths.certificate.as_deref(), Some("/etc/cert"));
        assert_eq!(conf.paths.script.as_deref(), Some("/etc/scripts"));
        assert_eq!(conf.paths.backupsa.as_deref(), Some("/var/backup"));
        assert_eq!(conf.paths.pidfile.as_deref(), Some("racoon.pid"));
        assert_eq!(conf.psk_path(), Some("/b"), "the later path wins");
    }

    #[test]
    fn timer_section() {
        let (conf, warnings) = ok(
            "timer {\n counter 7;\n interval 2 min;\n persend 2;\n phase1 1 hour;\n phase2 45 secs;\n natt_keepalive 0 sec;\n}\n",
        );
        // What the daemon does not implement is recorded and warned about.
        let lines: Vec<u32> = warnings.iter().map(|w| w.line).collect();
        assert_eq!(lines, [4, 6]);
        assert_eq!(
            conf.timer,
            Timer {
                counter: 7,
                interval_secs: 120,
                persend: 2,
                phase1_secs: 3600,
                phase2_secs: 45,
                natt_keepalive_secs: 0,
            }
        );
        for unit in [
            "sec", "secs", "second", "seconds", "min", "mins", "minute", "minutes", "hour", "hours",
        ] {
            ok(&format!("timer {{ interval 1 {unit}; }}"));
        }
    }

    #[test]
    fn padding_section() {
        let (conf, warnings) = ok(
            "padding {\n randomize off;\n randomize_length on;\n maximum_length 40;\n exclusive_tail off;\n strict_check on;\n}\n",
        );
        // `randomize off` is what vpnlab does; the rest is warned about.
        let lines: Vec<u32> = warnings.iter().map(|w| w.line).collect();
        assert_eq!(lines, [3, 4, 5, 6]);
        assert_eq!(
            conf.padding,
            Padding {
                randomize: false,
                randomize_length: true,
                maximum_length: 40,
                exclusive_tail: false,
                strict_check: true,
            }
        );
    }

    #[test]
    fn listen_section() {
        let (conf, warnings) = ok(
            "listen {\n isakmp 192.168.1.5 [500];\n isakmp 10.0.0.1;\n isakmp_natt 192.168.1.5 [4500];\n strict_address;\n}\n",
        );
        assert!(warnings.is_empty());
        let sa = |a, b, c, d, port| SocketAddrV4::new(Ipv4Addr::new(a, b, c, d), port);
        assert_eq!(
            conf.listen.isakmp,
            vec![sa(192, 168, 1, 5, 500), sa(10, 0, 0, 1, 500)]
        );
        assert_eq!(conf.listen.isakmp_natt, vec![sa(192, 168, 1, 5, 4500)]);
        assert!(conf.listen.strict_address);
    }

    #[test]
    fn adminsock_warns() {
        let text =
            "listen {\n adminsock \"/var/racoon/racoon.sock\" \"root\" \"operator\" 0660;\n}";
        assert_warn(text, 2, 2, "admin socket is not simulated");
        assert_eq!(
            ok(text).0.listen.adminsock,
            Some(AdminSock::Path {
                path: "/var/racoon/racoon.sock".to_string(),
                owner: Some("root".to_string()),
                group: Some("operator".to_string()),
                mode: Some(660),
            })
        );
        let (conf, _) = ok("listen { adminsock disabled; }");
        assert_eq!(conf.listen.adminsock, Some(AdminSock::Disabled));
        ok("listen { adminsock \"/tmp/r.sock\"; }");
    }

    #[test]
    fn log_levels_warn() {
        for (word, level) in [
            ("error", LogLevel::Error),
            ("warning", LogLevel::Warning),
            ("notify", LogLevel::Notify),
            ("info", LogLevel::Info),
            ("debug", LogLevel::Debug),
            ("debug2", LogLevel::Debug2),
        ] {
            let text = format!("log {word};");
            assert_eq!(ok(&text).0.log_level, level);
            assert_warn(&text, 1, 1, "log levels are not implemented");
        }
    }

    #[test]
    fn unsupported_global_statements_warn() {
        assert_warn(
            "privsep {\n user \"racoon\";\n group \"racoon\";\n chroot \"/var/empty\";\n}\n",
            1,
            1,
            "privsep section ignored",
        );
        assert_warn("ldapcfg { host \"ldap\"; }", 1, 1, "LDAP");
        assert_warn("radiuscfg { auth \"a\" \"b\"; }", 1, 1, "RADIUS");
        assert_warn("complex_bundle off;", 1, 1, "complex_bundle");
        assert!(!ok("complex_bundle off;").0.complex_bundle);
        assert_warn("pfkey_buffer 1024;", 1, 1, "pfkey_buffer");
        assert_warn("gss_id_enc utf-16le;", 1, 1, "GSS-API");
    }

    // -- remote ----------------------------------------------------------------

    #[test]
    fn every_remote_directive() {
        let r = first_remote(&remote_with(concat!(
            "doi ipsec_doi; situation identity_only;\n",
            "my_identifier fqdn \"gw.example.com\"; peers_identifier user_fqdn \"ralf@spenneberg.net\";\n",
            "peers_identifier address 10.0.0.9; verify_identifier on; lifetime time 2 hour;\n",
            "nonce_size 32; initial_contact off; passive on; proposal_check obey;\n",
            "generate_policy unique; support_proxy on; nat_traversal force; dpd on;\n",
            "dpd_delay 30; dpd_retry 3; dpd_maxfail 4; rekey force; ph1id 7; ike_frag off;"
        )));
        assert_eq!(r.my_identifier, Identifier::Fqdn("gw.example.com".into()));
        assert_eq!(
            r.peers_identifiers,
            vec![
                Identifier::UserFqdn("ralf@spenneberg.net".into()),
                Identifier::Address(Some(Ipv4Addr::new(10, 0, 0, 9))),
            ]
        );
        assert!(r.verify_identifier && r.passive && r.support_proxy && r.dpd);
        assert!(!r.initial_contact);
        assert_eq!(r.lifetime_secs, 7200);
        assert_eq!(r.nonce_size, 32);
        assert_eq!(r.proposal_check, ProposalCheck::Obey);
        assert_eq!(r.generate_policy, GeneratePolicy::Unique);
        assert_eq!(r.nat_traversal, NatTraversal::Force);
        assert_eq!(
            (r.dpd_delay_secs, r.dpd_retry_secs, r.dpd_maxfail),
            (30, 3, 4)
        );
        assert_eq!((r.rekey, r.ph1id), (Rekey::Force, 7));
    }

    #[test]
    fn remote_switch_values() {
        let gp = |v| first_remote(&remote_with(&format!("generate_policy {v};"))).generate_policy;
        assert_eq!(gp("on"), GeneratePolicy::Require);
        assert_eq!(gp("require"), GeneratePolicy::Require);
        assert_eq!(gp("off"), GeneratePolicy::Off);
        let pc = |v| first_remote(&remote_with(&format!("proposal_check {v};"))).proposal_check;
        assert_eq!(pc("strict"), ProposalCheck::Strict);
        assert_eq!(pc("claim"), ProposalCheck::Claim);
        assert_eq!(pc("exact"), ProposalCheck::Exact);
        let nat = |v| first_remote(&remote_with(&format!("nat_traversal {v};"))).nat_traversal;
        assert_eq!(nat("on"), NatTraversal::On);
        assert_eq!(nat("off"), NatTraversal::Off);
    }

    #[test]
    fn remote_forms() {
        let r = first_remote(&remote_with("").replace("10.0.0.2", "anonymous"));
        assert_eq!(r.peer, Some(Peer::Anonymous));
        let r = first_remote(&remote_with("").replace("10.0.0.2", "10.0.0.2 [4500]"));
        assert_eq!(r.port, 4500);
        let named = remote_with("remote_address 10.1.1.1 [501];").replace("10.0.0.2", "\"gw\"");
        let r = first_remote(&named);
        assert_eq!(r.name.as_deref(), Some("gw"));
        assert_eq!(r.peer, Some(Peer::Address(Ipv4Addr::new(10, 1, 1, 1))));
        assert_eq!(r.port, 501);
        let r = first_remote(&remote_with("").replace("10.0.0.2", "\"bare\""));
        assert_eq!(r.peer, None);
    }

    #[test]
    fn exchange_mode_lists() {
        let modes = |t: &str| {
            first_remote(&remote_with(t).replace("exchange_mode main;\n", "")).exchange_modes
        };
        assert_eq!(
            modes("exchange_mode aggressive, main;"),
            vec![ExchangeMode::Aggressive, ExchangeMode::Main]
        );
        assert_eq!(
            modes("exchange_mode main aggressive;"),
            vec![ExchangeMode::Main, ExchangeMode::Aggressive]
        );
        assert_eq!(
            modes("exchange_mode base, main;"),
            vec![ExchangeMode::Base, ExchangeMode::Main]
        );
    }

    #[test]
    fn identifiers() {
        let my = |t: &str| first_remote(&remote_with(&format!("my_identifier {t};"))).my_identifier;
        assert_eq!(my("address"), Identifier::Address(None));
        assert_eq!(
            my("address 10.0.0.1"),
            Identifier::Address(Some(Ipv4Addr::new(10, 0, 0, 1)))
        );
        assert_eq!(
            my("address \"10.0.0.1\""),
            Identifier::Address(Some(Ipv4Addr::new(10, 0, 0, 1)))
        );
        assert_eq!(
            my("user_fqdn \"a@b.c\""),
            Identifier::UserFqdn("a@b.c".into())
        );
        assert_eq!(
            my("keyid \"/etc/kid\""),
            Identifier::KeyIdFile("/etc/kid".into())
        );
        assert_eq!(
            my("keyid file \"/etc/kid\""),
            Identifier::KeyIdFile("/etc/kid".into())
        );
        assert_eq!(my("keyid tag \"abc\""), Identifier::KeyIdTag("abc".into()));
        assert_eq!(
            my("asn1dn \"C=XX, CN=me\""),
            Identifier::Asn1Dn(Some("C=XX, CN=me".into()))
        );
        assert_eq!(
            my("fqdn abc.def"),
            Identifier::Fqdn("abc.def".into()),
            "racoon's hex-only words"
        );
        assert_warn(
            &remote_with("my_identifier keyid tag \"abc\";"),
            2,
            15,
            "only implements address, fqdn, user_fqdn and asn1dn",
        );
        assert_err(
            &remote_with("my_identifier asn1dn \"no equals sign\";"),
            2,
            15,
            "failed to set ID as asn1dn",
        );
    }

    #[test]
    fn identifier_errors() {
        assert_err(
            &remote_with("my_identifier fqdn www.example.com;"),
            2,
            20,
            "expected the FQDN in double quotes",
        );
        assert_err(&remote_with("my_identifier fqdn;"), 2, 19, "found `;`");
        assert_err(
            &remote_with("my_identifier subnet 10.0.0.0;"),
            2,
            15,
            "expected an identifier type",
        );
        assert_err(
            &remote_with("my_identifier address www;"),
            2,
            23,
            "expected an IPv4 address",
        );
        assert_err(
            &remote_with("my_identifier asn1dn;"),
            1,
            1,
            "my_identifier asn1dn needs the DN",
        );
        let with_cert =
            remote_with("certificate_type x509 \"a.crt\" \"a.key\"; my_identifier asn1dn;");
        assert!(first_remote(&with_cert).certificate_type);
        assert_eq!(
            first_remote(&with_cert).my_identifier,
            Identifier::Asn1Dn(None)
        );
    }

    #[test]
    fn remote_unsupported_directives_warn() {
        let cases = [
            (
                "certificate_type plain_rsa \"my.key\";",
                "plain RSA keys are not supported",
            ),
            ("peers_certfile plain_rsa \"peer.pub\";", "plain RSA keys"),
            ("peers_certfile dnssec;", "DNS CERT records"),
            ("match_empty_cr on;", "sends the CERT it has"),
            ("weak_phase1_check on;", "unencrypted DELETE"),
            ("esp_frag 552;", "ESP fragmentation"),
            ("script \"up.sh\" phase1_up;", "hook scripts"),
            ("ike_frag force;", "ike_frag is not supported"),
            ("situation secrecy;", "situation secrecy is not supported"),
            ("lifetime byte 5 MB;", "lifetime byte is ignored"),
        ];
        for (stmt, part) in cases {
            assert_warn(&remote_with(stmt), 2, 1, part);
        }
        let r = first_remote(&remote_with(
            "certificate_type x509 \"my.crt\" \"my.key\"; peers_certfile x509 \"peer.crt\"; ca_type x509 \"ca.crt\"; verify_cert off; send_cert off; send_cr off;",
        ));
        let certs = CertConfig {
            x509: Some(("my.crt".into(), "my.key".into())),
            peers_certfile: Some("peer.crt".into()),
            ca_file: Some("ca.crt".into()),
            verify_cert: false,
            send_cert: false,
            send_cr: false,
        };
        assert_eq!(r.certs, certs);
        assert!(warnings(&remote_with("certificate_type x509 \"a\" \"b\";")).is_empty());
    }

    #[test]
    fn inherit_copies_the_parent() {
        let text = format!(
            "{}remote 10.0.0.3 inherit 10.0.0.2 {{\n passive on;\n proposal {{ {ALL_FOUR} }}\n}}\nremote 10.0.0.4 inherit 10.0.0.2;\n",
            remote_with("lifetime time 1 hour; dpd_delay 20;")
        );
        let (conf, _) = ok(&text);
        assert_eq!(conf.remotes.len(), 3);
        let child = &conf.remotes[1];
        assert_eq!((child.line, child.column), (6, 1));
        assert_eq!(child.peer, Some(Peer::Address(Ipv4Addr::new(10, 0, 0, 3))));
        assert_eq!((child.lifetime_secs, child.dpd_delay_secs), (3600, 20));
        assert!(child.passive && !conf.remotes[0].passive);
        assert_eq!(
            child.proposals.len(),
            2,
            "parent's proposal, then the child's"
        );
        assert_eq!(conf.remotes[2].proposals.len(), 1);
        let named = format!(
            "{}remote \"child\" inherit \"parent\" {{ remote_address 10.0.0.8; }}\n",
            remote_with("").replace("10.0.0.2", "\"parent\"")
        );
        let (conf, _) = ok(&named);
        assert_eq!(conf.remotes[1].name.as_deref(), Some("child"));
        assert_err(
            "remote 10.0.0.3 inherit 10.0.0.2;",
            1,
            25,
            "the parent of `inherit`",
        );
    }

    #[test]
    fn remote_errors() {
        assert_err(
            "remote 10.0.0.2 {\n proposal { encryption_algorithm des; hash_algorithm md5; authentication_method pre_shared_key; dh_group 1; }\n}",
            1,
            1,
            "no exchange_mode",
        );
        assert_err(
            "remote 10.0.0.2 {\n exchange_mode main;\n}",
            1,
            1,
            "no proposal",
        );
        assert_err(
            &remote_with("dh_group 2;"),
            2,
            1,
            "dh_group cannot be defined here",
        );
        assert_err(
            &remote_with("keepalive;"),
            2,
            1,
            "unknown remote statement `keepalive`",
        );
        assert_err(
            &remote_with("passive yes;"),
            2,
            9,
            "expected `on` or `off`, found `yes`",
        );
        assert_err(
            &remote_with("passive on"),
            3,
            1,
            "expected `;` to end the statement, found `exchange_mode`",
        );
        assert_err(
            &remote_with("exchange_mode fast;"),
            2,
            15,
            "expected an exchange mode",
        );
        assert_err(
            &remote_with("exchange_mode;"),
            2,
            14,
            "expected an exchange mode",
        );
        assert_err(
            &remote_with("lifetime time 2 days;"),
            2,
            17,
            "expected a time unit",
        );
        assert_err(
            &remote_with("lifetime 2 hour;"),
            2,
            10,
            "expected `time` or `byte`",
        );
        assert_err(
            &remote_with("lifetime byte 2 PB;"),
            2,
            17,
            "expected a byte unit",
        );
        assert_err(
            &remote_with("nonce_size -1;"),
            2,
            12,
            "expected the nonce size",
        );
        assert_err(&remote_with("nonce_size 99999999999;"), 2, 12, "too large");
        assert_err(
            &remote_with("proposal_check loose;"),
            2,
            16,
            "expected obey, strict, claim or exact",
        );
        assert_err(
            &remote_with("remote_address 10.0.0.9;"),
            2,
            1,
            "remote_address already specified",
        );
        assert_err(
            "remote 10.0.0.2 [70000] {}",
            1,
            18,
            "port 70000 is out of range",
        );
        assert_err(
            "remote 10.0.0.2;",
            1,
            16,
            "expected `{` to open the remote section",
        );
        assert_err(
            "remote www.example.com {}",
            1,
            8,
            "does not resolve host names",
        );
        assert_err(
            "remote 10.0.0.2 {\n exchange_mode main;\n",
            3,
            1,
            "found the end of the file",
        );
        let dup = remote_with("").replace("10.0.0.2", "\"x\"");
        assert_err(
            &format!("{dup}{dup}"),
            6,
            1,
            "a remote named \"x\" already exists",
        );
        let aggressive = "remote 10.0.0.2 {\n exchange_mode aggressive;\n proposal { encryption_algorithm des; hash_algorithm md5; authentication_method pre_shared_key; dh_group 1; }\n proposal { encryption_algorithm des; hash_algorithm md5; authentication_method pre_shared_key; dh_group 2; }\n}";
        assert_err(aggressive, 4, 2, "DH group must be equal");
    }

    #[test]
    fn ipv6_remote_is_dropped_with_a_warning() {
        let text = remote_with("").replace("10.0.0.2", "fe80::1%eth0");
        let (conf, w) = ok(&text);
        assert!(conf.remotes.is_empty());
        assert_eq!((w[0].line, w[0].column), (1, 1));
        assert!(w[0].message.contains("IPv6"));
        assert_warn("listen { isakmp ::1 [500]; }", 1, 10, "IPv6");
    }

    // -- proposal ----------------------------------------------------------------

    #[test]
    fn proposal_values() {
        let p = |t: &str| first_remote(&proposal_with(t)).proposals.remove(0);
        let base = "hash_algorithm sha1; authentication_method pre_shared_key; dh_group 2;";
        assert_eq!(
            p(&format!("encryption_algorithm aes; {base}")).encryption,
            Cipher::Aes { bits: 128 }
        );
        assert_eq!(
            p(&format!("encryption_algorithm aes 256; {base}")).encryption,
            Cipher::Aes { bits: 256 }
        );
        assert_eq!(
            p(&format!("encryption_algorithm rijndael 192; {base}")).encryption,
            Cipher::Aes { bits: 192 }
        );
        assert_eq!(
            p(&format!("encryption_algorithm des; {base}")).encryption,
            Cipher::Des
        );
        let enc = "encryption_algorithm 3des; authentication_method pre_shared_key; dh_group 2;";
        assert_eq!(
            p(&format!("hash_algorithm sha256; {enc}")).hash,
            Hash::Sha256
        );
        assert_eq!(
            p(&format!("hash_algorithm sha2_256; {enc}")).hash,
            Hash::Sha256
        );
        let dh = |g: &str| {
            p(&format!("encryption_algorithm 3des; hash_algorithm md5; authentication_method pre_shared_key; dh_group {g};")).dh_group
        };
        assert_eq!(dh("1"), DhGroup::Modp768);
        assert_eq!(dh("modp768"), DhGroup::Modp768);
        assert_eq!(dh("5"), DhGroup::Modp1536);
        assert_eq!(dh("modp1536"), DhGroup::Modp1536);
        assert_eq!(dh("14"), DhGroup::Modp2048);
        assert_eq!(dh("modp2048"), DhGroup::Modp2048);
        assert_eq!(dh("1024"), DhGroup::Modp1024);
        let life = p(&format!("{ALL_FOUR} lifetime time 30 min;"));
        assert_eq!(life.lifetime_secs, Some(1800));
        assert_eq!(DhGroup::Modp2048.number(), 14);
    }

    #[test]
    fn unsupported_proposal_values_warn() {
        let cases = [
            (
                "encryption_algorithm rc5; hash_algorithm md5; authentication_method pre_shared_key; dh_group 2;",
                22,
                "encryption_algorithm rc5 is not supported",
            ),
            (
                "authentication_method dsssig; encryption_algorithm des; hash_algorithm md5; dh_group 2;",
                23,
                "authentication_method dsssig is not supported",
            ),
            (
                "authentication_method hybrid_dss_client; encryption_algorithm des; hash_algorithm md5; dh_group 2;",
                23,
                "hybrid_dss_client",
            ),
            (
                "dh_group 3; encryption_algorithm des; hash_algorithm md5; authentication_method pre_shared_key;",
                10,
                "ec2n155 (group 3)",
            ),
            (
                "gss_id \"host/x\"; encryption_algorithm des; hash_algorithm md5; authentication_method pre_shared_key; dh_group 2;",
                1,
                "gss_id is ignored",
            ),
            (
                "lifetime byte 1 MB; encryption_algorithm des; hash_algorithm md5; authentication_method pre_shared_key; dh_group 2;",
                1,
                "lifetime byte is ignored",
            ),
        ];
        for (stmts, column, part) in cases {
            assert_warn(&proposal_with(stmts), 4, column, part);
        }
    }

    #[test]
    fn proposal_errors() {
        assert_err(
            &proposal_with("encryption_algorithm 3des; hash_algorithm md5; dh_group 2;"),
            3,
            1,
            "proposal has no authentication_method",
        );
        assert_err(
            &proposal_with("hash_algorithm md5; authentication_method pre_shared_key; dh_group 2;"),
            3,
            1,
            "no encryption_algorithm",
        );
        assert_err(
            &proposal_with("encryption_algorithm twofish;"),
            4,
            22,
            "expected an encryption algorithm",
        );
        assert_err(
            &proposal_with("encryption_algorithm aes 512;"),
            4,
            26,
            "invalid key length 512 for aes",
        );
        assert_err(
            &proposal_with("encryption_algorithm 3des 192;"),
            4,
            27,
            "3des takes no key length",
        );
        assert_err(
            &proposal_with("encryption_algorithm blowfish 44;"),
            4,
            31,
            "a multiple of 8",
        );
        assert_err(
            &proposal_with("hash_algorithm tiger;"),
            4,
            16,
            "expected a hash algorithm",
        );
        assert_err(
            &proposal_with("hash_algorithm hmac_md5;"),
            4,
            16,
            "expected a hash algorithm",
        );
        assert_err(
            &proposal_with("authentication_method password;"),
            4,
            23,
            "expected an authentication method",
        );
        assert_err(&proposal_with("dh_group 6;"), 4, 10, "expected a DH group");
        assert_err(
            &proposal_with("dh_group ec2n155;"),
            4,
            10,
            "expected a DH group",
        );
        assert_err(
            &proposal_with("dh_group 99999999999999999999999;"),
            4,
            10,
            "expected a DH group",
        );
        assert_err(
            &proposal_with("encryption_algorithm 3des, des;"),
            4,
            26,
            "expected `;`",
        );
        assert_err(
            &proposal_with("pfs_group 2;"),
            4,
            1,
            "unknown proposal statement `pfs_group`",
        );
        assert_err(
            "remote 10.0.0.2 { exchange_mode main; proposal }",
            1,
            48,
            "expected `{` to open the proposal section",
        );
    }

    // -- sainfo ------------------------------------------------------------------

    #[test]
    fn every_sainfo_directive() {
        let s = first_sainfo(
            &sainfo_with("pfs_group modp1024; lifetime time 1 hour; remoteid 3;")
                .replace(
                    "encryption_algorithm aes;",
                    "encryption_algorithm aes 256, 3des, des;",
                )
                .replace(
                    "authentication_algorithm hmac_sha1;",
                    "authentication_algorithm hmac_sha1, hmac_md5, hmac_sha256, hmac_sha2_256;",
                ),
        );
        assert_eq!(s.pfs_group, Some(DhGroup::Modp1024));
        assert_eq!(s.lifetime_secs, 3600);
        assert_eq!(s.remoteid, 3);
        assert_eq!(
            s.encryption,
            vec![Cipher::Aes { bits: 256 }, Cipher::TripleDes, Cipher::Des]
        );
        assert_eq!(
            s.authentication,
            vec![
                IntegrityAlg::HmacSha1,
                IntegrityAlg::HmacMd5,
                IntegrityAlg::HmacSha256,
                IntegrityAlg::HmacSha256
            ]
        );
    }

    #[test]
    fn pfs_group_aliases() {
        for (text, group) in [
            ("1", DhGroup::Modp768),
            ("768", DhGroup::Modp768),
            ("modp768", DhGroup::Modp768),
            ("2", DhGroup::Modp1024),
            ("1024", DhGroup::Modp1024),
            ("5", DhGroup::Modp1536),
            ("1536", DhGroup::Modp1536),
            ("14", DhGroup::Modp2048),
            ("2048", DhGroup::Modp2048),
            ("modp3072", DhGroup::Modp3072),
            ("16", DhGroup::Modp4096),
            ("6144", DhGroup::Modp6144),
            ("modp8192", DhGroup::Modp8192),
        ] {
            let s = first_sainfo(&sainfo_with(&format!("pfs_group {text};")));
            assert_eq!(s.pfs_group, Some(group), "{text}");
            assert!(warnings(&sainfo_with(&format!("pfs_group {text};"))).is_empty());
        }
        let text = sainfo_with("pfs_group 4;");
        let w = warnings(&text);
        assert_eq!((w[0].0, w[0].1), (2, 11));
        assert!(
            w[0].2
                .contains("pfs_group ec2n185 (group 4) is not supported")
        );
    }

    #[test]
    fn sainfo_ids() {
        let ids = |head: &str| {
            let s = first_sainfo(&sainfo_with("").replace("sainfo anonymous", head));
            (s.local, s.remote)
        };
        let net = |a, len, port, proto| SaInfoId::Address {
            prefix: Prefix { addr: a, len },
            port,
            proto,
        };
        let lan = Ipv4Addr::new(192, 168, 1, 0);
        let far = Ipv4Addr::new(10, 0, 0, 0);
        assert_eq!(
            ids("sainfo subnet 192.168.1.0/24 any subnet 10.0.0.0/8 any"),
            (
                net(lan, 24, None, UpperProto::Any),
                net(far, 8, None, UpperProto::Any)
            )
        );
        assert_eq!(
            ids("sainfo address 192.168.1.0/24[80] tcp address 10.0.0.0/8[any] 17"),
            (
                net(lan, 24, Some(80), UpperProto::Number(6)),
                net(far, 8, None, UpperProto::Number(17))
            )
        );
        assert_eq!(
            ids("sainfo address 192.168.1.0/24[0] any anonymous").0,
            net(lan, 24, None, UpperProto::Any),
            "[0] is IPSEC_PORT_ANY"
        );
        assert_eq!(
            ids("sainfo anonymous address 10.0.0.0/8 icmp").0,
            SaInfoId::Anonymous
        );
        assert_eq!(
            ids("sainfo address 10.0.0.0/8 gre anonymous").1,
            SaInfoId::Anonymous
        );
        assert_eq!(
            ids("sainfo address 10.0.0.0/8 esp clientaddr").1,
            SaInfoId::ClientAddr
        );
        assert_eq!(ids("sainfo anonymous clientaddr").1, SaInfoId::ClientAddr);
        let s = first_sainfo(
            &sainfo_with("").replace("anonymous", "anonymous from fqdn \"rw.example.com\""),
        );
        assert_eq!(s.from, Some(Identifier::Fqdn("rw.example.com".into())));
        let s = first_sainfo(&sainfo_with("").replace("anonymous", "anonymous from address"));
        assert_eq!(s.from, Some(Identifier::Address(None)));
    }

    #[test]
    fn sainfo_warnings() {
        let head = |h: &str| sainfo_with("").replace("sainfo anonymous", h);
        let w = warnings(&head("sainfo address 10.0.0.1-10.0.0.9 any anonymous"));
        assert_eq!((w[0].0, w[0].1), (1, 16));
        assert!(w[0].2.contains("address ranges"));
        let s = first_sainfo(&head("sainfo address 10.0.0.1 -10.0.0.9 any anonymous"));
        assert!(matches!(s.local, SaInfoId::Range { .. }));
        let w = warnings(&head("sainfo fqdn \"a.example\" anonymous"));
        assert_eq!((w[0].0, w[0].1), (1, 8));
        assert!(w[0].2.contains("sainfo fqdn IDs are not supported"));
        let w = warnings(&head("sainfo anonymous group \"staff\""));
        assert_eq!((w[0].0, w[0].1), (1, 18));
        assert!(w[0].2.contains("auth_groups"));
        let (conf, w) = ok(&head("sainfo address 2001:db8::/32 any anonymous"));
        assert!(conf.sainfos.is_empty());
        assert!(w.iter().any(|w| w.message.contains("IPv6")));
        let text = sainfo_with("")
            .replace(
                "encryption_algorithm aes;",
                "encryption_algorithm des_iv64, rc4, blowfish, null_enc, aes;",
            )
            .replace(
                "authentication_algorithm hmac_sha1;",
                "authentication_algorithm kpdk, non_auth, hmac_sha512;",
            )
            .replace("deflate;", "deflate, lzs;");
        let w = warnings(&text);
        let at: Vec<(u32, u32)> = w.iter().map(|w| (w.0, w.1)).collect();
        assert_eq!(at, vec![(3, 22), (3, 32), (4, 26), (5, 32)]);
        assert!(w[0].2.contains("des_iv64 is not supported by vpnlab"));
        assert!(w[1].2.contains("rc4"));
        assert!(w[2].2.contains("kpdk"));
        assert!(w[3].2.contains("compression_algorithm lzs"));
        let w = warnings(&sainfo_with("lifetime byte 100 KB;"));
        assert_eq!(w.len(), 1);
        assert_eq!((w[0].0, w[0].1), (2, 1));
        assert!(w[0].2.contains("lifetime byte is ignored"));
    }

    #[test]
    fn sainfo_errors() {
        let no_comp = "sainfo anonymous {\n encryption_algorithm 3des;\n authentication_algorithm hmac_md5;\n}";
        assert_err(no_comp, 1, 1, "sainfo has no compression_algorithm");
        assert_err(
            "sainfo anonymous {\n authentication_algorithm hmac_md5;\n compression_algorithm deflate;\n}",
            1,
            1,
            "no encryption_algorithm",
        );
        assert_err(
            "sainfo anonymous {\n encryption_algorithm des;\n compression_algorithm deflate;\n}",
            1,
            1,
            "no authentication_algorithm",
        );
        let dup = sainfo_with("").replace("anonymous", "address 10.0.0.1 any address 10.0.0.2 any");
        assert_err(
            &format!("{dup}{dup}"),
            7,
            1,
            "duplicated sainfo: the same IDs as the sainfo on line 1",
        );
        let anon = sainfo_with("");
        ok(&format!("{anon}{anon}"));
        assert_err(
            &sainfo_with("encryption_algorithm aes,;"),
            2,
            26,
            "expected an encryption algorithm",
        );
        assert_err(
            &sainfo_with("encryption_algorithm hmac_md5;"),
            2,
            22,
            "expected an encryption algorithm",
        );
        assert_err(
            &sainfo_with("authentication_algorithm md5;"),
            2,
            26,
            "expected an authentication algorithm",
        );
        assert_err(
            &sainfo_with("authentication_algorithm hmac_sha1 160;"),
            2,
            36,
            "takes no key length",
        );
        assert_err(
            &sainfo_with("compression_algorithm gzip;"),
            2,
            23,
            "expected a compression algorithm",
        );
        assert_err(
            &sainfo_with("pfs_group 768 ;;"),
            2,
            16,
            "expected an sainfo statement",
        );
        assert_err(&sainfo_with("pfs_group 7;"), 2, 11, "expected a DH group");
        assert_err(
            &sainfo_with("hash_algorithm md5;"),
            2,
            1,
            "unknown sainfo statement `hash_algorithm`",
        );
        assert_err(
            "sainfo address 10.0.0.1 any {}",
            1,
            29,
            "expected the remote ID",
        );
        assert_err(
            "sainfo address 10.0.0.1 anonymous {}",
            1,
            25,
            "expected an upper-layer protocol",
        );
        assert_err(
            "sainfo address 10.0.0.1/33 any anonymous {}",
            1,
            25,
            "prefix length 33 is out of range",
        );
        assert_err(
            "sainfo address 10.0.0.1[80] icmp anonymous {}",
            1,
            29,
            "port number must be \"any\"",
        );
        assert_err(
            "sainfo address 10.0.0.1 300 anonymous {}",
            1,
            25,
            "protocol number 300",
        );
        assert_err(
            "sainfo clientaddr anonymous {}",
            1,
            8,
            "expected the local ID",
        );
        assert_err(
            "sainfo asn1dn \"x\" anonymous {}",
            1,
            8,
            "asn1dn cannot be an sainfo ID",
        );
        assert_err(
            "sainfo address 10.0.0.1-10.0.0.9/24 any anonymous {}",
            1,
            34,
            "range takes no prefix",
        );
    }

    // -- lexical and top-level errors ------------------------------------------

    #[test]
    fn top_level_errors() {
        assert_err("include \"other.conf\";", 1, 1, "include is not supported");
        assert_err("include other.conf;", 1, 9, "expected the quoted file name");
        assert_err(
            "pathx pre_shared_key \"/x\";",
            1,
            1,
            "unknown statement `pathx`",
        );
        assert_err("path psk \"/x\";", 1, 6, "expected a path type");
        assert_err(
            "path pre_shared_key /etc/psk.txt;",
            1,
            21,
            "expected the file name in double quotes, found `/`",
        );
        assert_err(
            "path pre_shared_key \"/x\"",
            1,
            25,
            "expected `;` to end the statement, found the end of the file",
        );
        assert_err("log verbose;", 1, 5, "expected a log level");
        assert_err("timer { counter 5 }", 1, 19, "expected `;`");
        assert_err(
            "timer { retries 5; }",
            1,
            9,
            "unknown timer statement `retries`",
        );
        assert_err("timer { interval 10; }", 1, 20, "expected a time unit");
        assert_err(
            "timer { interval 99999999999999999 hours; }",
            1,
            18,
            "too long",
        );
        assert_err(
            "padding { randomize maybe; }",
            1,
            21,
            "expected `on` or `off`",
        );
        assert_err("padding { maximum_length 5000000000; }", 1, 26, "too large");
        assert_err(
            "listen { isakmp 10.0.0.1 [x]; }",
            1,
            27,
            "expected a port number",
        );
        assert_err(
            "listen { admin 1; }",
            1,
            10,
            "unknown listen statement `admin`",
        );
        assert_err("listen {", 1, 9, "found the end of the file");
        assert_err("remote 10.0.0.2 {} };", 1, 1, "no exchange_mode");
        assert_err("};", 1, 1, "expected a statement");
        assert_err(
            "path pre_shared_key \"/x;\n",
            1,
            21,
            "unterminated quoted string",
        );
        assert_err("log info; @", 1, 11, "unexpected character `@`");
        assert_err("/* comment */", 1, 2, "unexpected character `*`");
        assert_err(
            "privsep { user \"x\";",
            1,
            20,
            "expected `}` to close the privsep section",
        );
        assert_err(
            "gss_id_enc ascii;",
            1,
            12,
            "expected `latin1` or `utf-16le`",
        );
    }

    #[test]
    fn comments_and_layout() {
        let text = "# racoon.conf\npath pre_shared_key \"/etc/psk.txt\"; # the keys\n\ttimer{counter 2;}# end\r\n";
        let (conf, warnings) = ok(text);
        assert!(warnings.is_empty());
        assert_eq!(conf.timer.counter, 2);
        assert_eq!(conf.psk_path(), Some("/etc/psk.txt"));
        // Quoted strings may span lines and keep `#`.
        let (conf, _) = ok("path pre_shared_key \"/etc/#odd\nname\";");
        assert_eq!(conf.psk_path(), Some("/etc/#odd\nname"));
        // Columns count characters, not bytes.
        assert_err("path pre_shared_key \"é\" x;", 1, 25, "expected `;`");
    }

    #[test]
    fn error_display() {
        let e = parse("log x;").unwrap_err();
        assert_eq!(
            e.to_string(),
            "line 1, column 5: expected a log level (error, warning, notify, info, debug or debug2), found `x`"
        );
        let w = ok("log debug;").1.remove(0);
        assert!(
            w.to_string()
                .starts_with("line 1, column 1: warning: log debug")
        );
    }

    // -- robustness ------------------------------------------------------------

    mod robustness {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            #[test]
            fn arbitrary_text_never_panics(text in "\\PC{0,200}") {
                let _ = parse(&text);
            }

            #[test]
            fn racoon_like_text_never_panics(
                words in proptest::collection::vec(
                    proptest::sample::select(vec![
                        "remote", "sainfo", "anonymous", "address", "{", "}", ";", ",", "[", "]",
                        "/", "10.0.0.1", "500", "any", "proposal", "exchange_mode", "main",
                        "encryption_algorithm", "aes", "256", "hash_algorithm", "sha1",
                        "authentication_method", "pre_shared_key", "dh_group", "2", "inherit",
                        "\"x\"", "lifetime", "time", "sec", "byte", "compression_algorithm",
                        "deflate", "pfs_group", "768", "-10.0.0.9", "timer", "listen", "isakmp",
                        "log", "debug", "padding", "path", "include", "my_identifier", "fqdn",
                        "clientaddr", "from", "group", "privsep", "::1", "4294967296",
                    ]),
                    0..60,
                )
            ) {
                let _ = parse(&words.join(" "));
            }

            #[test]
            fn cuts_of_the_article_never_panic(cut in 0usize..=ARTICLE.len()) {
                let end = (0..=cut).rev().find(|i| ARTICLE.is_char_boundary(*i)).unwrap_or(0);
                if let Err(e) = parse(&ARTICLE[..end]) {
                    prop_assert!(e.line >= 1 && e.column >= 1);
                }
            }
        }
    }
}
