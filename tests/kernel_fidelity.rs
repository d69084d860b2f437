//! The kernel's verdicts and dumps against what Linux (af_key, xfrm) and
//! ipsec-tools' libipsec do, each test naming the function it follows.

use std::net::Ipv4Addr;

use smoltcp::time::Instant;
use vpnlab::config::setkey;
use vpnlab::crypto::{AuthAlg, EncAlg};
use vpnlab::ipsec::IpsecEngine;
use vpnlab::ipsec::dump;
use vpnlab::ipsec::pfkey::Request;
use vpnlab::ipsec::spec::*;
use vpnlab::kernel::Datagram;
use vpnlab::kernel::counters::DropReason;
use vpnlab::kernel::hook::{PacketMeta, SecPathEntry, Verdict};
use vpnlab::wire::{frag, ipv4};

fn engine(script: &str) -> IpsecEngine {
    let mut e = IpsecEngine::new(vpnlab::net::rng::stream(1, "k"));
    for st in setkey::parse(script).expect("setkey script") {
        e.apply(&st.command, Instant::ZERO).expect("applies");
    }
    e
}

/// The policy lines of `setkey -DP`: direction/priority/action and templates.
fn policy_lines(e: &IpsecEngine) -> Vec<String> {
    dump::spd(&e.spd)
        .lines()
        .filter(|l| l.starts_with('\t') && !l.contains("spid="))
        .map(|l| l.trim().to_string())
        .collect()
}

/// af_key `parse_ipsecrequest` + `gen_reqid`: a plain `unique` template
/// gets a kernel-chosen reqid above IPSEC_MANUAL_REQID_MAX (0x3fff), one
/// per policy, counting up from 16384 and never reused after a flush;
/// libipsec `ipsec_dump_ipsecrequest` prints it as `unique#N`, a user's
/// `unique:N` as `unique:N`.
#[test]
fn plain_unique_gets_its_own_kernel_reqid() {
    let mut e = engine(
        "spdadd 10.1.0.0/24 10.2.0.0/24 any -P out ipsec esp/tunnel/1.1.1.1-2.2.2.2/unique;\n\
         spdadd 10.1.1.0/24 10.2.1.0/24 any -P out ipsec esp/tunnel/1.1.1.1-2.2.2.2/unique;\n\
         spdadd 10.1.2.0/24 10.2.2.0/24 any -P out ipsec esp/tunnel/1.1.1.1-2.2.2.2/unique:5;\n",
    );
    let lines = policy_lines(&e);
    assert!(lines.contains(&"esp/tunnel/1.1.1.1-2.2.2.2/unique#16384".to_string()));
    assert!(lines.contains(&"esp/tunnel/1.1.1.1-2.2.2.2/unique#16385".to_string()));
    assert!(lines.contains(&"esp/tunnel/1.1.1.1-2.2.2.2/unique:5".to_string()));
    e.apply(&Request::SpdFlush, Instant::ZERO).unwrap();
    for st in setkey::parse(
        "spdadd 10.1.0.0/24 10.2.0.0/24 any -P out ipsec esp/tunnel/1.1.1.1-2.2.2.2/unique;",
    )
    .unwrap()
    {
        e.apply(&st.command, Instant::ZERO).unwrap();
    }
    assert!(policy_lines(&e).contains(&"esp/tunnel/1.1.1.1-2.2.2.2/unique#16386".to_string()));
}

/// libipsec `ipsec_dump_policy1`: the priority on the direction line is
/// the nearest of `high`/`def`/`low` with the offset signed the way setkey
/// reads it; setkey without `prio` sends PRIORITY_DEFAULT (`prio def`),
/// and `prio N` is an offset from `def`.
#[test]
fn priorities_print_as_setkey_dp_does() {
    let e = engine(
        "spdadd 10.0.0.1 10.0.0.2 any -P out none;\n\
         spdadd 10.0.0.1 10.0.0.3 any -P out prio 5 none;\n\
         spdadd 10.0.0.1 10.0.0.4 any -P out prio def - 7 none;\n\
         spdadd 10.0.0.1 10.0.0.5 any -P out prio high + 3 none;\n\
         spdadd 10.0.0.1 10.0.0.6 any -P out prio low - 1 none;\n\
         spdadd 10.0.0.1 10.0.0.7 any -P out prio low none;\n",
    );
    assert_eq!(
        policy_lines(&e),
        [
            "out prio def none",
            "out prio def + 5 none",
            "out prio def - 7 none",
            "out prio high + 3 none",
            "out prio low - 1 none",
            "out prio low none",
        ]
    );
}

fn natt_sa() -> SaSpec {
    SaSpec {
        encap: Some(UdpEncap {
            sport: 4500,
            dport: 4501,
        }),
        src: Ipv4Addr::new(192, 168, 1, 10),
        dst: Ipv4Addr::new(203, 0, 113, 1),
        proto: IpsecProto::Esp,
        spi: 0x1000,
        mode: Mode::Tunnel,
        reqid: 0,
        replay_window: 4,
        enc: Some((EncAlg::AesCbc, vec![1; 16])),
        auth: Some((AuthAlg::HmacSha1, vec![2; 20])),
        hard: Lifetime::default(),
        soft: Lifetime::default(),
    }
}

/// libipsec `pfkey_sadump1`: an SA with a NAT-T type shows its ports after
/// the addresses (`192.168.1.10[4500] 203.0.113.1[4501]`) and `esp-udp`.
#[test]
fn natt_sas_dump_with_their_ports() {
    let mut e = engine("");
    e.apply(&Request::Add(natt_sa()), Instant::ZERO).unwrap();
    let text = dump::sad(&e.sad, &e.ipcomp, Instant::ZERO);
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("192.168.1.10[4500] 203.0.113.1[4501]"));
    assert!(
        lines
            .next()
            .is_some_and(|l| l.starts_with("\tesp-udp mode=tunnel spi=4096(0x00001000)")),
        "{text}"
    );
}

/// An ICMP echo from 10.2.0.5 to 10.1.0.5, as it comes out of a tunnel.
fn inner_packet() -> Datagram {
    let header = ipv4::Repr {
        frag: frag::Repr::whole(1, false),
        ..ipv4::Repr::new(
            Ipv4Addr::new(10, 2, 0, 5),
            Ipv4Addr::new(10, 1, 0, 5),
            1,
            64,
            8,
        )
    };
    Datagram::new(header, &[8, 0, 0xf7, 0xff, 0, 0, 0, 0]).expect("a datagram")
}

fn came_through(tunnel: bool) -> PacketMeta {
    PacketMeta {
        sec_path: vec![SecPathEntry {
            protocol: 50,
            spi: 0x1000,
            tunnel,
            src: Ipv4Addr::new(2, 2, 2, 2).into(),
            dst: Ipv4Addr::new(1, 1, 1, 1).into(),
            reqid: 0,
        }],
        ..PacketMeta::default()
    }
}

/// Linux `__xfrm_policy_check`: with no policy for the packet, a sec_path
/// holding a tunnel-mode state (`secpath_has_nontransport`) is rejected
/// (XfrmInNoPols); an empty or transport-only sec_path passes. This holds
/// for `in` (local delivery) and `fwd` (forwarding) alike.
#[test]
fn tunnel_decapsulated_packets_need_a_policy() {
    let mut e = engine("");
    for tunnel in [true, false] {
        let mut p = inner_packet();
        let mut meta = came_through(tunnel);
        let input = e.input(Instant::ZERO, &mut meta, &mut p);
        let forward = e.forward(Instant::ZERO, &came_through(tunnel), &mut p);
        let want = if tunnel {
            Verdict::Drop(DropReason::NoPolicy)
        } else {
            Verdict::Accept
        };
        assert_eq!((input, forward), (want, want), "tunnel: {tunnel}");
    }
    let mut p = inner_packet();
    assert_eq!(
        e.input(Instant::ZERO, &mut PacketMeta::default(), &mut p),
        Verdict::Accept
    );
}

/// Linux `__xfrm_policy_check`: a policy that matches but whose templates
/// do not account for a tunnel state in the sec_path (a `none` policy, or
/// one asking for transport mode) is a template mismatch
/// (XfrmInTmplMismatch).
#[test]
fn tunnel_states_must_be_matched_by_a_template() {
    let mut e = engine(
        "spdadd 10.2.0.0/24 10.1.0.0/24 any -P in none;\n\
         spdadd 10.2.0.0/24 10.1.0.0/24 any -P fwd ipsec esp/tunnel/2.2.2.2-1.1.1.1/require;\n",
    );
    let mut p = inner_packet();
    assert_eq!(
        e.input(Instant::ZERO, &mut came_through(true), &mut p),
        Verdict::Drop(DropReason::PolicyMismatch)
    );
    assert_eq!(
        e.forward(Instant::ZERO, &came_through(true), &mut p),
        Verdict::Accept
    );
}

/// Issue 9, item 18: every configured time is range-checked where it is
/// written (at most 2^32-1 seconds, a 32-bit lifetime, RFC 2407 §4.5):
/// racoon's `timer { natt_keepalive ...; }` and setkey's `-lh` are refused
/// with a located error instead of overflowing the clock or wrapping.
#[test]
fn times_that_cannot_be_represented_are_refused_where_written() {
    let conf = "timer {natt_keepalive 93986876790020 sec;}\n";
    let err = vpnlab::config::racoon::parse(conf).expect_err("refused");
    assert_eq!((err.line, err.column), (1, 23), "{}", err.message);
    assert!(err.message.contains("too long"), "{}", err.message);
    let conf = "remote anonymous { dpd_delay 99999999999; proposal { encryption_algorithm aes; hash_algorithm sha1; authentication_method pre_shared_key; dh_group 2; } }\n";
    assert!(vpnlab::config::racoon::parse(conf).is_err());
    let script = "add 10.0.0.1 10.0.0.2 esp 0x100 -lh 18446744073710 -E null;";
    let err = setkey::parse(script).expect_err("refused");
    assert_eq!((err.line, err.column), (1, 33), "{}", err.message);
    assert!(
        err.message.contains("at most 4294967295"),
        "{}",
        err.message
    );
    assert!(setkey::parse("add 10.0.0.1 10.0.0.2 esp 0x100 -lh 4294967295 -E null;").is_ok());
}
