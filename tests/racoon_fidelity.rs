//! racoon's NAT traversal as ipsec-tools 0.8 does it, each test naming
//! the function it follows. Each case is a small scenario run by the
//! simulator; some read the capture it writes.

mod common;

use std::fmt::Write as _;
use std::net::Ipv4Addr;
use std::path::{Path, PathBuf};

use sha1::Digest as _;
use vpnlab::scenario::load_str;
use vpnlab::sim::{self, RunOptions};
use vpnlab::verdict::expect::check_all;

const RW: &str = "10.0.0.10";
const GW: &str = "10.1.0.1";
const NAT_OUTSIDE: &str = "10.1.0.2";

fn racoon(remote: &str, mode: &str, natt: &str, extra: &str) -> String {
    format!(
        "    racoon: |\n      path pre_shared_key \"/psk\";\n      timer {{ natt_keepalive 5 sec; }}\n      remote {remote} {{\n        exchange_mode {mode};\n        nat_traversal {natt};\n{extra}        proposal {{ encryption_algorithm aes; hash_algorithm sha1; authentication_method pre_shared_key; dh_group modp1024; }}\n      }}\n      sainfo anonymous {{ encryption_algorithm aes; authentication_algorithm hmac_sha1; compression_algorithm deflate; }}\n    files:\n      /psk: \"* secret\\n\"\n"
    )
}

/// rw on l0 (10.0.0.10) reaches the gateway gw (10.1.0.1, a LAN l2 with
/// server 10.2.0.10 behind it) directly through a router, or through a
/// NAT whose outside address is 10.1.0.2.
fn scenario(nat: bool, mode: &str, rw_natt: &str, gw_natt: &str) -> String {
    let rw_peer = GW;
    let mut y = String::from(
        "name: racoon-fidelity\nduration: 40s\nlinks:\n  l0: { latency: 2ms }\n  l1: { latency: 2ms }\n  l2: { latency: 1ms }\nnodes:\n",
    );
    let kind = if nat {
        "    nat: { outside: eth1, kind: port-restricted }\n"
    } else {
        ""
    };
    let _ = write!(
        y,
        "  mid:\n    role: router\n    interfaces:\n      eth0: {{ link: l0, address: 10.0.0.1/24 }}\n      eth1: {{ link: l1, address: {NAT_OUTSIDE}/24 }}\n{kind}"
    );
    let _ = write!(
        y,
        "  rw:\n    interfaces:\n      eth0: {{ link: l0, address: {RW}/24 }}\n    routes:\n      - {{ to: default, via: 10.0.0.1 }}\n    setkey: |\n      spdadd {RW}/32 10.2.0.0/24 any -P out ipsec esp/tunnel/{RW}-{rw_peer}/require;\n      spdadd 10.2.0.0/24 {RW}/32 any -P in ipsec esp/tunnel/{rw_peer}-{RW}/require;\n{}",
        racoon(rw_peer, mode, rw_natt, "")
    );
    let back = if nat { NAT_OUTSIDE } else { "10.1.0.2" };
    let _ = write!(
        y,
        "  gw:\n    role: gateway\n    interfaces:\n      eth0: {{ link: l1, address: {GW}/24 }}\n      eth1: {{ link: l2, address: 10.2.0.1/24 }}\n    routes:\n      - {{ to: default, via: {back} }}\n{}",
        racoon(
            "anonymous",
            mode,
            gw_natt,
            "        generate_policy on;\n        passive on;\n"
        )
    );
    y.push_str("  server:\n    interfaces:\n      eth0: { link: l2, address: 10.2.0.10/24 }\n    routes:\n      - { to: default, via: 10.2.0.1 }\n");
    y.push_str("traffic:\n  - at: 1s\n    ping: { name: trigger, from: rw, to: 10.2.0.10, count: 1 }\n  - at: 5s\n    ping: { name: there, from: rw, to: 10.2.0.10, count: 5 }\n");
    y
}

/// Runs `yaml` with `expect` appended; every expectation must hold. With
/// `out`, captures are written there.
fn holds(yaml: &str, expect: &str, out: Option<PathBuf>) {
    let text = format!("{yaml}expect:\n{expect}");
    let s = load_str(Path::new("racoon-fidelity.yaml"), &text)
        .unwrap_or_else(|e| panic!("{e}\n{text}"));
    let o = sim::run(
        &s,
        &RunOptions {
            seed: None,
            out,
            ..Default::default()
        },
        |_| {},
    )
    .expect("runs");
    for v in check_all(&s, &o) {
        assert!(v.passed, "{}: {}\n{text}", v.what, v.detail);
    }
}

/// nattraversal.c `natt_hash_addr` (a zero address under `force`) and
/// `natt_compare_addr_hash` (under `force` nothing is compared, both NAT
/// flags stay): with `force` on one end, `on` at the other and no NAT,
/// both ends see a NAT, float to 4500 and agree on UDP encapsulation
/// (ipsec_doi.c `ipsecdoi_setph2proposal`, proposal.c `cmpsaprop_alloc`),
/// so the tunnel comes up with ESP in UDP, in main and aggressive mode.
#[test]
fn force_on_one_end_makes_both_encapsulate() {
    for mode in ["main", "aggressive"] {
        for (rw, gw) in [("force", "on"), ("on", "force")] {
            holds(
                &scenario(false, mode, rw, gw),
                "  - ping: { flow: there, replies: 5 }\n  - packets: { link: l1, proto: esp, count: 0 }\n  - packets: { link: l1, proto: udp, src: 10.0.0.10, at_least: 5 }\n  - ike: { node: rw, event: behind-nat, count: 1 }\n  - ike: { node: gw, event: peer-behind-nat, count: 1 }\n  - ike: { node: gw, event: floated, count: 1 }\n",
                None,
            );
        }
    }
}

/// With NAT-T `on` at both ends and no NAT, NAT-D matches in both modes:
/// nobody is behind a NAT and nothing floats (RFC 3947 §3.2).
#[test]
fn no_nat_is_detected_where_there_is_none() {
    for mode in ["main", "aggressive"] {
        holds(
            &scenario(false, mode, "on", "on"),
            "  - ping: { flow: there, replies: 5 }\n  - ike: { node: rw, event: behind-nat, count: 0 }\n  - ike: { node: rw, event: peer-behind-nat, count: 0 }\n  - ike: { node: gw, event: behind-nat, count: 0 }\n  - ike: { node: gw, event: peer-behind-nat, count: 0 }\n  - ike: { node: gw, event: floated, count: 0 }\n  - packets: { link: l1, proto: esp, at_least: 5 }\n",
            None,
        );
    }
}

/// racoon `natt_keepalive_add_ph1` queues keepalives on both ends once
/// either NAT_DETECTED bit is set: the gateway, which is not behind the
/// NAT, sends them too.
#[test]
fn keepalives_come_from_both_ends() {
    holds(
        &scenario(true, "main", "on", "on"),
        "  - ping: { flow: there, replies: 5 }\n  - trace: { link: l1, matches: '^10\\.1\\.0\\.2\\.4500 > 10\\.1\\.0\\.1\\.4500: isakmp-nat-keep-alive' }\n  - trace: { link: l1, matches: '^10\\.1\\.0\\.1\\.4500 > 10\\.1\\.0\\.2\\.\\d+: isakmp-nat-keep-alive' }\n",
        None,
    );
}

/// The IPv4/UDP packets of a classic pcap with LINKTYPE_RAW, read by hand
/// so the check does not go through vpnlab's own code.
fn pcap_packets(path: &Path) -> Vec<Vec<u8>> {
    let bytes = std::fs::read(path).expect("pcap written");
    let mut at = 24;
    let mut out = Vec::new();
    while at + 16 <= bytes.len() {
        let len = u32::from_le_bytes(bytes[at + 8..at + 12].try_into().unwrap()) as usize;
        out.push(bytes[at + 16..at + 16 + len].to_vec());
        at += 16 + len;
    }
    out
}

/// RFC 3947 §3.2 with SHA-1: HASH(CKY-I | CKY-R | IP | Port).
fn nat_d(cookies: &[u8], ip: &str, port: u16) -> Vec<u8> {
    let ip: Ipv4Addr = ip.parse().unwrap();
    let mut h = sha1::Sha1::new();
    h.update(cookies);
    h.update(ip.octets());
    h.update(port.to_be_bytes());
    h.finalize().to_vec()
}

/// The NAT-D bodies of an ISAKMP message (generic payload headers,
/// RFC 2408 §3.2; NAT-D is type 20).
fn nat_d_payloads(isakmp: &[u8]) -> Vec<Vec<u8>> {
    let (mut next, mut at, mut out) = (isakmp[16], 28, Vec::new());
    while next != 0 && at + 4 <= isakmp.len() {
        let len = u16::from_be_bytes([isakmp[at + 2], isakmp[at + 3]]) as usize;
        if next == 20 {
            out.push(isakmp[at + 4..at + len].to_vec());
        }
        next = isakmp[at];
        at += len;
    }
    out
}

/// Aggressive mode behind a NAT, as racoon does it: `agg_i2recv` floats
/// before `agg_i2send`, so message 3 goes from 4500 to 4500, leaves in
/// the clear (ISAKMP_FLAG_E is set only after sending), and its NAT-D
/// payloads hash the floated ends (the responder at 4500, the initiator's
/// own address at 4500), which the responder compares with the ends the
/// message arrived on (`agg_r2recv`).
#[test]
fn aggressive_message_3_is_clear_and_hashes_the_floated_ends() {
    let out = std::env::temp_dir().join(format!("vpnlab-racoon-fidelity-{}", std::process::id()));
    holds(
        &scenario(true, "aggressive", "on", "on"),
        "  - ping: { flow: there, replies: 5 }\n  - ike: { node: gw, event: peer-behind-nat, count: 1 }\n  - ike: { node: gw, event: behind-nat, count: 0 }\n  - ike: { node: rw, event: behind-nat, count: 1 }\n",
        Some(out.clone()),
    );
    let packets = pcap_packets(&out.join("racoon-fidelity").join("l1.pcap"));
    // UDP 4500 -> 4500, non-ESP marker, then ISAKMP with exchange type 4.
    let msg3 = packets
        .iter()
        .find(|p| {
            p[9] == 17
                && p[20..24] == [0x11, 0x94, 0x11, 0x94]
                && p.len() > 56
                && p[28..32] == [0; 4]
                && p[32 + 18] == 4
        })
        .expect("aggressive message 3 on 4500");
    let isakmp = &msg3[32..];
    assert_eq!(isakmp[19] & 1, 0, "message 3 is not encrypted");
    let cookies = &isakmp[..16];
    let hashes = nat_d_payloads(isakmp);
    assert_eq!(
        hashes,
        [nat_d(cookies, GW, 4500), nat_d(cookies, RW, 4500)],
        "NAT-D of the floated ends"
    );
    let _ = std::fs::remove_dir_all(&out);
}

/// The shipped phase 1 rekey scenario without its expectations, with
/// `edit` applied to both gateways' racoon.conf.
fn phase1_rekey_scenario(edit: &str) -> String {
    let text = std::fs::read_to_string("scenarios/ike-phase1-rekey.yaml").expect("shipped");
    let body = &text[..text.find("expect:").expect("has expectations")];
    body.replace("          dpd_delay 10;\n", edit)
}

/// racoon 0.8 `isakmp_ph1expire`/`isakmp_ph1delete`: an expiring
/// ISAKMP-SA sends no DELETE and the kernel keeps its phase 2 SAs, so
/// traffic flows on. handler.c `ph1_rekey_enabled`: `rekey on` (the
/// default) renegotiates only while DPD runs, so without DPD nothing is
/// renegotiated; `rekey force` renegotiates "due to active phase2"
/// without DPD; `rekey off` never.
#[test]
fn phase1_expiry_keeps_phase2_and_rekeys_as_configured() {
    let cases = [
        ("", 0),
        ("          rekey off;\n          dpd_delay 10;\n", 0),
        ("          rekey force;\n", 3),
    ];
    for (edit, renegotiations) in cases {
        holds(
            &phase1_rekey_scenario(edit),
            &format!(
                "  - ping: {{ flow: steady, replies: 290 }}\n  - log: {{ node: gw1, matches: 'due to active phase2', count: {renegotiations} }}\n  - log: {{ node: gw1, matches: 'ISAKMP-SA expired', at_least: 1 }}\n  - log: {{ node: gw2, matches: 'ISAKMP-SA deleted', count: {} }}\n",
                if renegotiations == 0 { 1 } else { 2 }
            ),
            None,
        );
    }
}

/// `generate_policy on` against `unique` for two roadwarriors behind one
/// NAT (cfparse.y: `on` is GENERATE_POLICY_REQUIRE; proposal.c
/// `set_proposal_from_proposal` gives reqids only for `unique`; pfkey.c
/// `getsadbpolicy` then writes level `require` with reqid 0). Both
/// tunnels end at the NAT's address, so Linux's `xfrm_state_find` takes
/// either roadwarrior's SA for the other's policy: rw1's replies go to
/// rw2, which decapsulates and drops them. `unique` keeps them apart.
#[test]
fn generate_policy_on_mixes_up_peers_behind_one_nat() {
    let text = common::edited::scenario_text("natt-two-roadwarriors.yaml");
    let on = ("generate_policy unique;", "generate_policy on;");
    common::edited::holds(
        &text,
        &[on],
        "  - ping: { flow: back1, replies: 0 }\n  \
         - counter: { node: rw2, name: dropped.not-for-us, at_least: 10 }\n",
    );
    common::edited::holds(
        &text,
        &[],
        "  - ping: { flow: back1, replies: 10 }\n  \
         - counter: { node: rw2, name: dropped.not-for-us, count: 0 }\n",
    );
}
