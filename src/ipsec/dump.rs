//! `setkey -D` / `setkey -DP` style dumps and Wireshark's ESP SA table.

use std::fmt::Write as _;

use smoltcp::time::Instant;

use std::net::Ipv4Addr;

use super::ipcomp_sad::{IpcompSa, IpcompSad};
use super::sad::{SaState, Sad, SecurityAssociation};
use super::spd::{MANUAL_REQID_MAX, Spd};
use super::spec::{
    Action, IpcompTemplate, IpsecProto, Level, Lifetime, Mode, SaSpec, Template, Upper,
};
use crate::net::time::time_of_day;

/// Key bytes as setkey prints them: groups of 8 hex digits.
fn key_hex(key: &[u8]) -> String {
    key.chunks(4)
        .map(|c| c.iter().map(|b| format!("{b:02x}")).collect::<String>())
        .collect::<Vec<_>>()
        .join(" ")
}

fn hex(key: &[u8]) -> String {
    key.iter().map(|b| format!("{b:02x}")).collect()
}

fn stamp(at: Instant) -> String {
    format!("sim+{}", time_of_day(at))
}

fn write_sa(out: &mut String, sa: &SecurityAssociation, now: Instant) {
    let s = &sa.spec;
    // libipsec `pfkey_sadump1`: a NAT-T SA shows its UDP ports after the
    // addresses, and its protocol as `esp-udp`.
    let (src, dst, proto) = match s.encap {
        Some(e) => (
            format!("{}[{}]", s.src, e.sport),
            format!("{}[{}]", s.dst, e.dport),
            "esp-udp",
        ),
        None => (s.src.to_string(), s.dst.to_string(), s.proto.name()),
    };
    let _ = writeln!(out, "{src} {dst}");
    let _ = writeln!(
        out,
        "\t{proto} mode={} spi={}(0x{:08x}) reqid={}(0x{:08x})",
        s.mode.name(),
        s.spi,
        s.spi,
        s.reqid,
        s.reqid
    );
    if let Some((alg, key)) = &s.enc {
        let _ = writeln!(out, "\tE: {}  {}", alg.setkey_name(), key_hex(key));
    }
    if let Some((alg, key)) = &s.auth {
        let _ = writeln!(out, "\tA: {}  {}", alg.setkey_name(), key_hex(key));
    }
    let state = match sa.state {
        SaState::Mature => "mature",
        SaState::Dying => "dying",
    };
    let _ = writeln!(
        out,
        "\tseq=0x{:08x} replay={} flags=0x00000000 state={state}",
        sa.seq, s.replay_window
    );
    let c = &sa.counters;
    let use_ = Use {
        created: sa.created,
        last_used: sa.last_used,
        bytes: c.bytes,
        packets: c.packets,
    };
    write_lifetimes(out, &use_, (&s.hard, &s.soft), now);
    let _ = writeln!(
        out,
        "\treplay-drops: {}\tintegrity-failures: {}",
        c.replay_drops, c.integrity_failures
    );
}

/// What an SA's lifetime lines report: when it was made and last used,
/// and what went through it.
struct Use {
    created: Instant,
    last_used: Option<Instant>,
    bytes: u64,
    packets: u64,
}

/// libipsec `pfkey_sadump1`'s lifetime lines: the current, hard and soft
/// lifetimes (SADB_EXT_LIFETIME_CURRENT, _HARD, _SOFT).
fn write_lifetimes(out: &mut String, u: &Use, (hard, soft): (&Lifetime, &Lifetime), now: Instant) {
    let _ = writeln!(
        out,
        "\tcreated: {}\tcurrent: {}",
        stamp(u.created),
        stamp(now)
    );
    let diff = (now - u.created).total_millis() / 1000;
    let _ = writeln!(
        out,
        "\tdiff: {diff}(s)\thard: {}(s)\tsoft: {}(s)",
        hard.seconds, soft.seconds
    );
    let last = u
        .last_used
        .map_or_else(|| "                    ".to_string(), stamp);
    let _ = writeln!(out, "\tlast: {last}\thard: 0(s)\tsoft: 0(s)");
    let _ = writeln!(
        out,
        "\tcurrent: {}(bytes)\thard: {}(bytes)\tsoft: {}(bytes)",
        u.bytes, hard.bytes, soft.bytes
    );
    let _ = writeln!(out, "\tallocated: {}\thard: 0\tsoft: 0", u.packets);
}

/// An IPComp SA as libipsec `pfkey_sadump1` prints it: `C: ` and the
/// algorithm's name with its trailing blank (GETMSGV2S) and no newline,
/// so the replay line follows on the same line; then vpnlab's counters.
/// Linux keeps no flags for `-R` (af_key ignores `sadb_sa_flags`).
fn write_ipcomp_sa(out: &mut String, sa: &IpcompSa, now: Instant) {
    let s = &sa.spec;
    let _ = writeln!(out, "{} {}", s.src, s.dst);
    let _ = writeln!(
        out,
        "\tipcomp mode={} spi={}(0x{:08x}) reqid={}(0x{:08x})",
        s.mode.name(),
        s.spi,
        s.spi,
        s.reqid,
        s.reqid
    );
    let _ = writeln!(
        out,
        "\tC: {} \tseq=0x00000000 replay=0 flags=0x00000000 state=mature",
        s.alg.setkey_name()
    );
    let c = &sa.counters;
    let use_ = Use {
        created: sa.created,
        last_used: sa.last_used,
        bytes: c.bytes,
        packets: c.packets,
    };
    let none = Lifetime::default();
    write_lifetimes(out, &use_, (&none, &none), now);
    let _ = writeln!(
        out,
        "\tcompressed: {}\tuncompressed: {}\tdecompress-failures: {}",
        c.compressed, c.uncompressed, c.decompress_failures
    );
}

/// The SAD as `setkey -D` prints it, plus vpnlab's drop counters per SA;
/// the IPComp SAs come after the ESP and AH ones.
pub fn sad(sad: &Sad, ipcomp: &IpcompSad, now: Instant) -> String {
    let mut out = String::new();
    for sa in sad.iter() {
        write_sa(&mut out, sa, now);
    }
    for sa in ipcomp.iter() {
        write_ipcomp_sa(&mut out, sa, now);
    }
    if out.is_empty() {
        out.push_str("No SAD entries.\n");
    }
    out
}

fn level(l: Level) -> String {
    match l {
        Level::Default => "default".into(),
        Level::Use => "use".into(),
        Level::Require => "require".into(),
        Level::Unique(None) => "unique".into(),
        // libipsec `ipsec_dump_ipsecrequest`: `#` marks a reqid the kernel
        // chose (above IPSEC_MANUAL_REQID_MAX), `:` one the user gave.
        Level::Unique(Some(id)) if id > MANUAL_REQID_MAX => format!("unique#{id}"),
        Level::Unique(Some(id)) => format!("unique:{id}"),
    }
}

/// libipsec `ipsec_dump_ipsecrequest`: `proto/mode/src-dst/level`.
fn request(proto: &str, mode: Mode, endpoints: Option<(Ipv4Addr, Ipv4Addr)>, l: Level) -> String {
    let ends = endpoints.map_or(String::new(), |(s, d)| format!("{s}-{d}"));
    let mode = match mode {
        Mode::Any => "any",
        m => m.name(),
    };
    format!("{proto}/{mode}/{ends}/{}", level(l))
}

fn template(t: &Template) -> String {
    request(t.proto.name(), t.mode, t.endpoints, t.level)
}

/// An IPComp step, named `ipcomp` as `ipsec_dump_ipsecrequest` names IPPROTO_IPCOMP.
fn ipcomp_template(t: &IpcompTemplate) -> String {
    request("ipcomp", t.mode, t.endpoints, t.level)
}

fn port(p: Option<u16>) -> String {
    p.map_or("any".into(), |p| p.to_string())
}

/// libpfkey.h's priority bases, as kernel values (lower wins).
const PRIORITY_HIGH: u32 = 0x4000_0000;
const PRIORITY_DEFAULT: u32 = 0x8000_0000;
const PRIORITY_LOW: u32 = 0xc000_0000;

/// A policy priority as libipsec `ipsec_dump_policy1` prints it: nothing
/// for kernel priority 0, else the nearest base (`high` below 3/4 of
/// `def`, `def` below 5/4 of it, else `low`) and the offset with its sign
/// turned back to how setkey reads it (`prio def + 5` is 5 before `def`).
fn priority(ours: i32) -> String {
    // PolicySpec::priority is the kernel value less PRIORITY_DEFAULT.
    let kernel = (ours as u32).wrapping_add(PRIORITY_DEFAULT);
    if kernel == 0 {
        return String::new();
    }
    let (name, base) = if kernel < PRIORITY_DEFAULT / 4 * 3 {
        ("high", PRIORITY_HIGH)
    } else if kernel < PRIORITY_DEFAULT / 4 * 5 {
        ("def", PRIORITY_DEFAULT)
    } else {
        ("low", PRIORITY_LOW)
    };
    let offset = -i64::from(kernel.wrapping_sub(base) as i32);
    match offset {
        0 => format!(" prio {name}"),
        o if o < 0 => format!(" prio {name} - {}", -o),
        o => format!(" prio {name} + {o}"),
    }
}

/// The SPD as `setkey -DP` prints it.
pub fn spd(spd: &Spd) -> String {
    let mut out = String::new();
    for p in spd.iter() {
        let s = &p.spec.selector;
        let upper = match s.upper {
            Upper::Any => 255,
            Upper::Protocol(n) => n,
        };
        let _ = writeln!(
            out,
            "{}[{}] {}[{}] {upper}",
            s.src,
            port(s.src_port),
            s.dst,
            port(s.dst_port)
        );
        let action = match p.spec.action {
            Action::Ipsec => "ipsec",
            Action::Discard => "discard",
            Action::None => "none",
        };
        let _ = writeln!(
            out,
            "\t{}{} {action}",
            p.spec.dir,
            priority(p.spec.priority)
        );
        if let Some(t) = &p.ipcomp {
            let _ = writeln!(out, "\t{}", ipcomp_template(t));
        }
        for t in &p.spec.templates {
            let _ = writeln!(out, "\t{}", template(t));
        }
        let _ = writeln!(out, "\tspid={} seq={} hits={}", p.id, p.id, spd.hits(p));
    }
    if out.is_empty() {
        out.push_str("No SPD entries.\n");
    }
    out
}

/// Rows of Wireshark's `esp_sa` table for the ESP SAs `sas`: protocol,
/// source, destination, SPI, encryption, key, authentication, key.
/// Only SAs whose source `include` accepts are listed; with `any_address`
/// (a NAT in the scenario) every row matches any address.
pub fn esp_sa_rows<'a>(
    sas: impl Iterator<Item = &'a SaSpec>,
    include: impl Fn(std::net::Ipv4Addr) -> bool,
    any_address: bool,
) -> Vec<String> {
    // An SA whose cipher Wireshark lacks gets no row (see
    // `EncAlg::wireshark_name`): the name is looked up once, here.
    let with_enc = |s: &'a SaSpec| match &s.enc {
        None => Some((s, "NULL", String::new())),
        Some((a, k)) => a.wireshark_name().map(|name| (s, name, hex(k))),
    };
    sas.filter(|s| s.proto == IpsecProto::Esp && include(s.src))
        .filter_map(with_enc)
        .map(|(s, enc, ekey)| {
            let (auth, akey) = s.auth.as_ref().map_or(("NULL", String::new()), |(a, k)| {
                (a.wireshark_name(), hex(k))
            });
            let ekey = if ekey.is_empty() {
                String::new()
            } else {
                format!("0x{ekey}")
            };
            let akey = if akey.is_empty() {
                String::new()
            } else {
                format!("0x{akey}")
            };
            // ESP that crosses a NAT (in UDP or not) has other addresses
            // on each side of it: such rows match any address, the SPI alone.
            let (src, dst) = if any_address || s.encap.is_some() {
                ("*".to_string(), "*".to_string())
            } else {
                (s.src.to_string(), s.dst.to_string())
            };
            format!(
                "\"IPv4\",\"{src}\",\"{dst}\",\"0x{:08x}\",\"{enc}\",\"{ekey}\",\"{auth}\",\"{akey}\"",
                s.spi
            )
        })
        .collect()
}
