//! The capture files read back by independent readers: `all.pcapng` and
//! the per-link pcaps through the `pcap-file` crate's readers, tshark and
//! tcpdump. pcapng: draft-ietf-opsawg-pcapng §4.2 (Interface Description
//! Block: `if_name`, `if_description`, `if_tsresol`) and §4.3 (Enhanced
//! Packet Block, `opt_comment`).

mod common;

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::Command;

use pcap_file::pcap::PcapReader;
use pcap_file::pcapng::blocks::enhanced_packet::EnhancedPacketOption;
use pcap_file::pcapng::blocks::interface_description::InterfaceDescriptionOption;
use pcap_file::pcapng::{Block, PcapNgReader};
use vpnlab::scenario::load_str;
use vpnlab::sim::{self, Outcome, RunOptions};

/// Runs scenarios/`name` with its capture folder under the scratch
/// folder `test` (one per test: they run in parallel).
fn run(name: &str, test: &str) -> (Outcome, PathBuf) {
    let text = common::edited::scenario_text(name);
    let s = load_str(Path::new(name), &text).expect("valid scenario");
    let out = common::scratch(&format!("pcapng-{test}"));
    let opts = RunOptions {
        out: Some(out),
        ..RunOptions::default()
    };
    let outcome = sim::run(&s, &opts, |_| {}).expect("run");
    let dir = outcome.dir.clone().expect("capture folder");
    (outcome, dir)
}

/// One packet of all.pcapng: interface, time in ns, comments.
struct Packet {
    interface: u32,
    nanos: u128,
    comments: Vec<String>,
}

/// Interface names and descriptions, and the packets, of all.pcapng.
fn read_all(dir: &Path) -> (Vec<(String, String)>, Vec<Packet>) {
    let file = File::open(dir.join("all.pcapng")).expect("all.pcapng");
    let mut reader = PcapNgReader::new(file).expect("a pcapng section");
    let mut interfaces = Vec::new();
    let mut packets = Vec::new();
    while let Some(block) = reader.next_block() {
        match block.expect("a well-formed block") {
            Block::InterfaceDescription(idb) => {
                let (mut name, mut description) = (String::new(), String::new());
                for option in idb.options {
                    match option {
                        InterfaceDescriptionOption::IfName(n) => name = n.into_owned(),
                        InterfaceDescriptionOption::IfDescription(d) => {
                            description = d.into_owned()
                        }
                        InterfaceDescriptionOption::IfTsResol(r) => assert_eq!(r, 9),
                        _ => {}
                    }
                }
                interfaces.push((name, description));
            }
            Block::EnhancedPacket(epb) => packets.push(Packet {
                interface: epb.interface_id,
                nanos: epb.timestamp.as_nanos(),
                comments: epb
                    .options
                    .into_iter()
                    .filter_map(|o| match o {
                        EnhancedPacketOption::Comment(c) => Some(c.into_owned()),
                        _ => None,
                    })
                    .collect(),
            }),
            _ => {}
        }
    }
    (interfaces, packets)
}

fn comments_saying(packets: &[Packet], text: &str) -> usize {
    packets
        .iter()
        .filter(|p| p.comments.iter().any(|c| c.contains(text)))
        .count()
}

/// wan-routers has a lossy, jittery WAN: all.pcapng has one interface per
/// link named after it and described by its properties, every packet of
/// every link in time order, and a comment on each packet the link lost.
#[test]
fn all_links_in_one_file_in_time_order_with_losses_noted() {
    let (outcome, dir) = run("wan-routers.yaml", "all-links");
    let (interfaces, packets) = read_all(&dir);
    let names: Vec<&str> = interfaces.iter().map(|(n, _)| n.as_str()).collect();
    let links: Vec<&str> = outcome.links.iter().map(|l| l.name.as_str()).collect();
    assert_eq!(names, links);
    let wan = &interfaces[links.iter().position(|l| *l == "wan").expect("wan")].1;
    assert!(
        wan.starts_with("link wan: latency 20ms, jitter 2ms, rate 2000000 bit/s, queue 50, loss 1%, MTU 1000; ends: "),
        "{wan}"
    );
    assert_eq!(packets.len() as u64, outcome.total_packets());
    for (i, link) in outcome.links.iter().enumerate() {
        let on_it = packets.iter().filter(|p| p.interface as usize == i).count();
        assert_eq!(on_it as u64, link.packets, "{}", link.name);
    }
    assert!(packets.windows(2).all(|w| w[0].nanos <= w[1].nanos));
    let lost: u64 = outcome.links.iter().map(|l| l.counters.lost).sum();
    assert!(lost > 0, "the scenario loses packets");
    assert_eq!(comments_saying(&packets, "lost on the link") as u64, lost);
}

/// mismatched-keys: the receiver's ESP ICV check fails (RFC 4303
/// §3.4.4); each such packet carries the node and the reason, as the
/// node's `dropped.integrity` counter names it.
#[test]
fn drops_at_the_receiving_kernel_are_noted_with_their_reason() {
    let (outcome, dir) = run("mismatched-keys.yaml", "drops");
    let (_, packets) = read_all(&dir);
    let dropped: u64 = outcome
        .nodes
        .iter()
        .map(|(_, c)| c.get("dropped.integrity").unwrap_or(0))
        .sum();
    assert!(dropped > 0, "the scenario drops on integrity");
    let noted = comments_saying(&packets, ": integrity");
    assert_eq!(noted as u64, dropped);
    assert_eq!(
        comments_saying(&packets, "dropped by right: integrity"),
        noted
    );
}

/// The per-link pcaps, now written by `pcap-file`, read back by its reader
/// with every packet of the link.
#[test]
fn per_link_pcaps_read_back() {
    let (outcome, dir) = run("wan-routers.yaml", "per-link");
    for link in &outcome.links {
        let file = File::open(dir.join(format!("{}.pcap", link.name))).expect("pcap");
        let mut reader = PcapReader::new(file).expect("pcap header");
        assert_eq!(reader.header().datalink, pcap_file::DataLink::RAW);
        let mut n = 0;
        while let Some(p) = reader.next_packet() {
            p.expect("a well-formed record");
            n += 1;
        }
        assert_eq!(n, link.packets, "{}", link.name);
    }
}

/// tshark reads all.pcapng with nothing malformed and names each frame's
/// interface after its link; tcpdump reads every packet of it.
#[test]
fn tshark_and_tcpdump_read_all_links() {
    if !common::tool_available("tshark") || !common::tool_available("tcpdump") {
        eprintln!("SKIPPED: tshark or tcpdump is not installed");
        return;
    }
    let (outcome, dir) = run("wan-routers.yaml", "readers");
    let all = dir.join("all.pcapng");
    let fields = Command::new("tshark")
        .arg("-n")
        .arg("-r")
        .arg(&all)
        .args([
            "-T",
            "fields",
            "-e",
            "frame.interface_name",
            "-e",
            "_ws.malformed",
        ])
        .output()
        .expect("tshark");
    assert!(fields.status.success());
    let text = String::from_utf8_lossy(&fields.stdout);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len() as u64, outcome.total_packets());
    for line in &lines {
        let (interface, malformed) = line.split_once('\t').unwrap_or((line, ""));
        assert!(malformed.is_empty(), "malformed: {line}");
        assert!(outcome.links.iter().any(|l| l.name == interface), "{line}");
    }
    let dump = Command::new("tcpdump")
        .arg("-n")
        .arg("-r")
        .arg(&all)
        .output()
        .expect("tcpdump");
    assert!(
        dump.status.success(),
        "{}",
        String::from_utf8_lossy(&dump.stderr)
    );
    let printed = String::from_utf8_lossy(&dump.stdout).lines().count() as u64;
    assert!(printed >= outcome.total_packets());
}
