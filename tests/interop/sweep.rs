//! Part 5: 30 seeded random proposal pairs, each negotiated between
//! vpnlab's racoon and a real charon, half of them initiated by each. The
//! test states the outcome both implementations' documented rules give
//! ([`expected`]) and checks it: which phase 1 and ESP algorithms are
//! chosen, or NO-PROPOSAL-CHOSEN in which phase.
//!
//! The rules, from the sources:
//! - racoon as responder, phase 1 (ipsec-tools `ipsec_doi.c`
//!   `get_ph1approval`): the peer's transforms in the peer's order, each
//!   against the `proposal {}`s of the remote in racoon.conf order
//!   (`remoteconf.c` `checkisakmpsa`): cipher, hash, auth method and DH
//!   group equal, then per `proposal_check`: `obey` takes anything,
//!   `strict` and `claim` refuse a shorter key or a longer lifetime than
//!   racoon's, `exact` wants both equal. First match wins.
//! - racoon as responder, quick mode (`get_ph2approval`,
//!   `get_ph2approvalx`, `proposal.c` `cmpsaprop_alloc`, `cmpsatrns`): the
//!   peer's proposals in its order against the sainfo's transforms; the
//!   lifetime as above (`strict` refuses a longer one, `claim` takes
//!   racoon's shorter one, `exact` wants it equal), transform ID and
//!   authentication equal, key length per `proposal_check` as in phase 1.
//! - charon as responder (strongSwan 5.9.8 `main_mode.c` / `quick_mode.c`
//!   `process_r` with `prefer_configured_proposals = yes`, the default;
//!   `proposal.c` `proposal_select`): its own configured proposals in its
//!   order, each against every received one; algorithms and key lengths
//!   equal; lifetimes are not compared. First match wins.
//! - charon as initiator offers `proposals` and `esp_proposals` in order,
//!   with lifetimes 15840 s (IKE: 4 h `rekey_time` + 10%) and 3960 s
//!   (CHILD: 1 h + 10%); racoon as initiator offers its `proposal {}`s in
//!   order and the sainfo's ciphers × hashes (`proposal.c`
//!   `set_satrnsbysainfo`, cipher-major), with its own lifetimes.
//!
//! So with either initiator the first of charon's proposals that the
//! responder's rule accepts is chosen, when one is.

use std::fmt::Write as _;
use std::time::{Duration, Instant};

use libtest_mimic::Failed;
use rand_chacha::ChaCha8Rng;
use rand_core::{RngCore, SeedableRng};

use crate::cases::{Finished, Peer, Peering, wait_child};
use crate::charon::Charon;
use crate::lab::{Lab, TunHost, wait_until};

const CASES: u64 = 30;
const SEED: u64 = 0x5eed_2409;

/// charon's offered lifetimes (swanctl defaults: rekey time + 10%).
const CHARON_IKE_LIFETIME: u32 = 15840;
const CHARON_CHILD_LIFETIME: u32 = 3960;
/// racoon's defaults (ipsec-tools `oakley.h` OAKLEY_ATTR_SA_LD_SEC_DEFAULT,
/// `ipsec_doi.h` IPSECDOI_ATTR_SA_LD_SEC_DEFAULT).
const RACOON_DEFAULT_LIFETIME: u32 = 28800;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Cipher {
    Aes128,
    Aes256,
    TripleDes,
}

impl Cipher {
    fn family(self) -> u8 {
        match self {
            Cipher::Aes128 | Cipher::Aes256 => 0,
            Cipher::TripleDes => 1,
        }
    }
    fn key_bits(self) -> u32 {
        match self {
            Cipher::Aes128 => 128,
            Cipher::Aes256 => 256,
            Cipher::TripleDes => 0,
        }
    }
    fn swan(self) -> &'static str {
        ["aes128", "aes256", "3des"][self as usize]
    }
    fn racoon(self) -> &'static str {
        ["aes 128", "aes 256", "3des"][self as usize]
    }
    /// As `swanctl --list-sas` prints it.
    fn listed(self) -> &'static str {
        ["AES_CBC-128", "AES_CBC-256", "3DES_CBC"][self as usize]
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Hash {
    Sha1,
    Sha256,
    Md5,
}

impl Hash {
    fn swan(self) -> &'static str {
        ["sha1", "sha256", "md5"][self as usize]
    }
    fn racoon(self) -> &'static str {
        ["sha1", "sha256", "md5"][self as usize]
    }
    fn racoon_esp(self) -> &'static str {
        ["hmac_sha1", "hmac_sha256", "hmac_md5"][self as usize]
    }
    fn listed(self) -> &'static str {
        ["HMAC_SHA1_96", "HMAC_SHA2_256_128", "HMAC_MD5_96"][self as usize]
    }
    fn listed_prf(self) -> &'static str {
        ["PRF_HMAC_SHA1", "PRF_HMAC_SHA2_256", "PRF_HMAC_MD5"][self as usize]
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Group {
    Modp1024,
    Modp2048,
}

impl Group {
    fn name(self) -> &'static str {
        ["modp1024", "modp2048"][self as usize]
    }
    fn listed(self) -> &'static str {
        ["MODP_1024", "MODP_2048"][self as usize]
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct IkeProposal {
    cipher: Cipher,
    hash: Hash,
    group: Group,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct EspProposal {
    cipher: Cipher,
    auth: Hash,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Check {
    Obey,
    Strict,
    Claim,
    Exact,
}

impl Check {
    fn name(self) -> &'static str {
        ["obey", "strict", "claim", "exact"][self as usize]
    }
}

#[derive(Clone, Debug)]
struct Pair {
    charon_initiates: bool,
    check: Check,
    /// racoon's phase 1 lifetime (`None`: its default).
    racoon_ike_lifetime: Option<u32>,
    racoon_child_lifetime: u32,
    charon_ike: Vec<IkeProposal>,
    racoon_ike: Vec<IkeProposal>,
    charon_esp: Vec<EspProposal>,
    racoon_ciphers: Vec<Cipher>,
    racoon_auths: Vec<Hash>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Outcome {
    Established(IkeProposal, EspProposal),
    NoProposalPhase1,
    NoProposalPhase2,
}

/// racoon's key length and lifetime test under `check`
/// (`checkisakmpsa`, `cmpsatrns`, `cmpsaprop_alloc`).
fn racoon_allows(check: Check, peer_bits: u32, my_bits: u32, peer_life: u32, my_life: u32) -> bool {
    match check {
        Check::Obey => true,
        Check::Strict => peer_bits >= my_bits && peer_life <= my_life,
        // claim: phase 1 as strict; in quick mode a longer lifetime is
        // answered with racoon's own. Callers pass the lifetime only where
        // it is compared.
        Check::Claim => peer_bits >= my_bits && peer_life <= my_life,
        Check::Exact => peer_bits == my_bits && peer_life == my_life,
    }
}

/// The outcome the rules in the module comment give.
fn expected(p: &Pair) -> Outcome {
    let ike_life = p.racoon_ike_lifetime.unwrap_or(RACOON_DEFAULT_LIFETIME);
    let ike = p.charon_ike.iter().copied().find(|c| {
        p.racoon_ike.iter().any(|r| {
            let same =
                c.cipher.family() == r.cipher.family() && c.hash == r.hash && c.group == r.group;
            if p.charon_initiates {
                same && racoon_allows(
                    p.check,
                    c.cipher.key_bits(),
                    r.cipher.key_bits(),
                    CHARON_IKE_LIFETIME,
                    ike_life,
                )
            } else {
                c == r
            }
        })
    });
    let Some(ike) = ike else {
        return Outcome::NoProposalPhase1;
    };
    let racoon_esp: Vec<EspProposal> = p
        .racoon_ciphers
        .iter()
        .flat_map(|&cipher| {
            p.racoon_auths
                .iter()
                .map(move |&auth| EspProposal { cipher, auth })
        })
        .collect();
    // Quick mode lifetime: claim answers a longer one with its own.
    let life_ok = !p.charon_initiates
        || match p.check {
            Check::Obey | Check::Claim => true,
            Check::Strict => CHARON_CHILD_LIFETIME <= p.racoon_child_lifetime,
            Check::Exact => CHARON_CHILD_LIFETIME == p.racoon_child_lifetime,
        };
    let esp = p.charon_esp.iter().copied().find(|c| {
        racoon_esp.iter().any(|r| {
            let same = c.cipher.family() == r.cipher.family() && c.auth == r.auth;
            if p.charon_initiates {
                same && life_ok
                    && racoon_allows(p.check, c.cipher.key_bits(), r.cipher.key_bits(), 0, 0)
            } else {
                c == r
            }
        })
    });
    match esp {
        Some(esp) => Outcome::Established(ike, esp),
        None => Outcome::NoProposalPhase2,
    }
}

struct Draw(ChaCha8Rng);

impl Draw {
    fn below(&mut self, n: u32) -> u32 {
        self.0.next_u32() % n
    }
    fn cipher(&mut self) -> Cipher {
        [Cipher::Aes128, Cipher::Aes256, Cipher::TripleDes][self.below(3) as usize]
    }
    fn hash(&mut self) -> Hash {
        [Hash::Sha1, Hash::Sha256, Hash::Md5][self.below(3) as usize]
    }
    fn group(&mut self) -> Group {
        [Group::Modp1024, Group::Modp2048][self.below(2) as usize]
    }
    fn ike(&mut self) -> IkeProposal {
        IkeProposal {
            cipher: self.cipher(),
            hash: self.hash(),
            group: self.group(),
        }
    }
    fn esp(&mut self) -> EspProposal {
        EspProposal {
            cipher: self.cipher(),
            auth: self.hash(),
        }
    }
    /// 1 to 3 distinct items.
    fn list<T: PartialEq>(&mut self, mut one: impl FnMut(&mut Self) -> T) -> Vec<T> {
        let n = 1 + self.below(3);
        let mut out: Vec<T> = Vec::new();
        while out.len() < n as usize {
            let x = one(self);
            if !out.contains(&x) {
                out.push(x);
            }
        }
        out
    }

    fn pair(&mut self, i: u64) -> Pair {
        let charon_ike = self.list(Draw::ike);
        let mut racoon_ike = self.list(Draw::ike);
        // Mostly an overlap (perhaps by cipher family only), so that the
        // choice among several is what is tested.
        if self.below(4) != 0 {
            let mut shared = charon_ike[self.below(charon_ike.len() as u32) as usize];
            if self.below(3) == 0 && shared.cipher != Cipher::TripleDes {
                shared.cipher = self.cipher();
            }
            let at = self.below(racoon_ike.len() as u32 + 1) as usize;
            if !racoon_ike.contains(&shared) {
                racoon_ike.insert(at, shared);
            }
        }
        let charon_esp = self.list(Draw::esp);
        let mut racoon_ciphers = self.list(Draw::cipher);
        let mut racoon_auths = self.list(Draw::hash);
        if self.below(5) != 0 {
            let shared = charon_esp[self.below(charon_esp.len() as u32) as usize];
            if !racoon_ciphers.contains(&shared.cipher) {
                racoon_ciphers.push(shared.cipher);
            }
            if !racoon_auths.contains(&shared.auth) {
                racoon_auths.insert(0, shared.auth);
            }
        }
        Pair {
            charon_initiates: i.is_multiple_of(2),
            check: [Check::Obey, Check::Strict, Check::Claim, Check::Exact][self.below(4) as usize],
            racoon_ike_lifetime: [None, Some(3600), Some(CHARON_IKE_LIFETIME)]
                [self.below(3) as usize],
            racoon_child_lifetime: [3600, 7200, CHARON_CHILD_LIFETIME][self.below(3) as usize],
            charon_ike,
            racoon_ike,
            charon_esp,
            racoon_ciphers,
            racoon_auths,
        }
    }
}

fn scenario(i: u64, p: &Pair, outcome: Outcome) -> String {
    let mut racoon = String::new();
    let _ = writeln!(racoon, "path pre_shared_key \"/etc/racoon/psk.txt\";");
    let _ = writeln!(racoon, "remote 192.0.2.10 {{");
    let _ = writeln!(racoon, "    exchange_mode main;");
    let _ = writeln!(racoon, "    nat_traversal force;");
    let _ = writeln!(racoon, "    proposal_check {};", p.check.name());
    if let Some(life) = p.racoon_ike_lifetime {
        let _ = writeln!(racoon, "    lifetime time {life} sec;");
    }
    for prop in &p.racoon_ike {
        let _ = writeln!(
            racoon,
            "    proposal {{ encryption_algorithm {}; hash_algorithm {}; authentication_method pre_shared_key; dh_group {}; }}",
            prop.cipher.racoon(),
            prop.hash.racoon(),
            prop.group.name()
        );
    }
    let _ = writeln!(racoon, "}}");
    let ciphers: Vec<&str> = p.racoon_ciphers.iter().map(|c| c.racoon()).collect();
    let auths: Vec<&str> = p.racoon_auths.iter().map(|a| a.racoon_esp()).collect();
    let _ = writeln!(
        racoon,
        "sainfo address 10.20.0.0/24 any address 10.10.0.0/24 any {{\n    lifetime time {} sec;\n    encryption_algorithm {};\n    authentication_algorithm {};\n    compression_algorithm deflate;\n}}",
        p.racoon_child_lifetime,
        ciphers.join(", "),
        auths.join(", ")
    );
    let racoon: String = racoon.lines().map(|l| format!("      {l}\n")).collect();
    let expect = match outcome {
        Outcome::Established(..) => "  - ike: { node: gw, event: isakmp-sa, count: 1 }\n  - ike: { node: gw, event: ipsec-sa, at_least: 1 }\n".to_string(),
        Outcome::NoProposalPhase1 => "  - ike: { node: gw, event: isakmp-sa, count: 0 }\n  - ike: { node: gw, event: failure, phase: 1, reason: no-proposal-chosen, at_least: 1 }\n".to_string(),
        Outcome::NoProposalPhase2 => "  - ike: { node: gw, event: isakmp-sa, count: 1 }\n  - ike: { node: gw, event: ipsec-sa, count: 0 }\n  - ike: { node: gw, event: failure, phase: 2, reason: no-proposal-chosen, at_least: 1 }\n".to_string(),
    };
    let traffic = if p.charon_initiates {
        "traffic: []\n".to_string()
    } else {
        "traffic:\n  - at: 500ms\n    ping: { name: trigger, from: host, to: 10.10.0.1, count: 1 }\n".to_string()
    };
    format!(
        r#"name: sweep-{i:02}
description: proposal sweep case {i}, {who} initiates, proposal_check {check}, expected {label}
seed: {seed}
duration: 30s
links:
  wan:
    latency: 2ms
    tun: {{ device: vlt0, address: 192.0.2.10/24, via: 192.0.2.1 }}
  lan: {{ latency: 100us }}
  charon-side: {{}}
nodes:
  gw:
    role: gateway
    interfaces:
      eth0: {{ link: wan, address: 192.0.2.1/24 }}
      eth1: {{ link: lan, address: 10.20.0.1/24 }}
    routes:
      - {{ to: 10.10.0.0/24, via: 192.0.2.10 }}
    setkey: |
      spdadd 10.20.0.0/24 10.10.0.0/24 any -P out ipsec esp/tunnel/192.0.2.1-192.0.2.10/require;
      spdadd 10.10.0.0/24 10.20.0.0/24 any -P in ipsec esp/tunnel/192.0.2.10-192.0.2.1/require;
    racoon: |
{racoon}    files:
      /etc/racoon/psk.txt: |
        192.0.2.10   sweep-secret
  host:
    interfaces:
      eth0: {{ link: lan, address: 10.20.0.10/24 }}
    routes:
      - {{ to: default, via: 10.20.0.1 }}
  charon-inner:
    interfaces:
      lo0: {{ link: charon-side, address: 10.10.0.1/32 }}
{traffic}expect:
{expect}"#,
        who = if p.charon_initiates {
            "charon"
        } else {
            "racoon"
        },
        check = p.check.name(),
        seed = SEED + i,
        label = match outcome {
            Outcome::Established(..) => "established",
            Outcome::NoProposalPhase1 => "NO-PROPOSAL-CHOSEN in phase 1",
            Outcome::NoProposalPhase2 => "NO-PROPOSAL-CHOSEN in quick mode",
        },
    )
}

fn swanctl(p: &Pair) -> String {
    let ike: Vec<String> = p
        .charon_ike
        .iter()
        .map(|x| format!("{}-{}-{}", x.cipher.swan(), x.hash.swan(), x.group.name()))
        .collect();
    let esp: Vec<String> = p
        .charon_esp
        .iter()
        .map(|x| format!("{}-{}", x.cipher.swan(), x.auth.swan()))
        .collect();
    format!(
        r#"connections {{
    lab {{
        version = 1
        proposals = {}
        encap = yes
        local_addrs = 192.0.2.10
        remote_addrs = 192.0.2.1
        local {{
            auth = psk
            id = 192.0.2.10
        }}
        remote {{
            auth = psk
            id = 192.0.2.1
        }}
        children {{
            lab-child {{
                local_ts = 10.10.0.0/24
                remote_ts = 10.20.0.0/24
                mode = tunnel
                esp_proposals = {}
                start_action = none
            }}
        }}
    }}
}}
secrets {{
    ike-lab {{
        id-a = 192.0.2.10
        id-b = 192.0.2.1
        secret = "sweep-secret"
    }}
}}
"#,
        ike.join(", "),
        esp.join(", ")
    )
}

/// What charon shows of the established SAs, as `swanctl --list-sas`
/// prints the algorithms.
fn listed(ike: IkeProposal, esp: EspProposal) -> (String, String) {
    (
        format!(
            "{}/{}/{}/{}",
            ike.cipher.listed(),
            ike.hash.listed(),
            ike.hash.listed_prf(),
            ike.group.listed()
        ),
        format!("ESP:{}/{}", esp.cipher.listed(), esp.auth.listed()),
    )
}

/// One pair: set up, negotiate, check charon's side, stop vpnlab, check
/// its verdict (which holds the expected outcome) and the keys.
fn run_pair(i: u64, p: &Pair) -> Result<Outcome, Failed> {
    let outcome = expected(p);
    let mut lab = Lab::new(&format!("sweep{i:02}"))?;
    let file = lab.dir.join(format!("sweep-{i:02}.yaml"));
    std::fs::write(&file, scenario(i, p, outcome))?;
    let ns = lab.namespace("sw")?;
    let vpnlab = lab.start_vpnlab(&file, &["vlt0"])?;
    let peer = Peer {
        role: "sw",
        device: "vlt0",
        address: "192.0.2.10/24",
        gateway: "192.0.2.1",
        mtu: 1500,
        inner: &["10.10.0.1/32"],
        swanctl: swanctl(p),
        extra: "",
        initiate: None,
        files: Vec::new(),
    };
    lab.attach_tun(
        &ns,
        &TunHost {
            device: peer.device,
            address: peer.address,
            gateway: peer.gateway,
            mtu: peer.mtu,
            inner: peer.inner,
        },
    )?;
    let charon = Charon::start(&mut lab, &ns, "sw", &peer.swanctl, "", &[])?;
    let established = if p.charon_initiates {
        charon.initiate("lab-child", 8).is_ok()
    } else {
        // The ACQUIRE at 0.5 s starts racoon; charon answers or refuses.
        let decided = wait_until(Duration::from_secs(10), || {
            let log = charon.log();
            log.contains("CHILD_SA lab-child{1} established")
                || log.contains("no proposal found")
                || log.contains("no matching proposal found")
        });
        decided && wait_child(&charon, "lab-child", Duration::from_millis(500)).is_ok()
    };
    let sas = charon
        .swanctl(&["--list-sas", "--noblock"])
        .unwrap_or_default();
    let log = charon.log();
    let run = lab.stop_vpnlab(vpnlab, &file)?;
    let finished = Finished {
        run,
        charons: vec![charon],
        _lab: lab,
        started: Instant::now(),
    };
    let context = || format!("pair {i}: {p:?}, expected {outcome:?}");
    match outcome {
        Outcome::Established(ike, esp) => {
            let (ike_algs, esp_algs) = listed(ike, esp);
            if !established || !sas.contains(&ike_algs) || !sas.contains(&esp_algs) {
                return Err(format!(
                    "{}: charon established {established}, expected {ike_algs} and {esp_algs} in\n{sas}",
                    context()
                )
                .into());
            }
            finished
                .run
                .passed()
                .map_err(|e| format!("{}: {e:?}", context()))?;
            finished
                .keys_agree(Peering::Vpnlab)
                .map_err(|e| format!("{}: {e:?}", context()))?;
        }
        Outcome::NoProposalPhase1 | Outcome::NoProposalPhase2 => {
            if established {
                return Err(format!("{}: charon established\n{sas}", context()).into());
            }
            if !p.charon_initiates {
                let phase1 = outcome == Outcome::NoProposalPhase1;
                let said = if phase1 {
                    "no proposal found"
                } else {
                    "no matching proposal found, sending NO_PROPOSAL_CHOSEN"
                };
                if !log.contains(said) {
                    return Err(format!("{}: charon never logged `{said}`", context()).into());
                }
            }
            finished
                .run
                .passed()
                .map_err(|e| format!("{}: {e:?}", context()))?;
        }
    }
    Ok(outcome)
}

pub fn proposals() -> Result<(), Failed> {
    let started = Instant::now();
    let mut draw = Draw(ChaCha8Rng::seed_from_u64(SEED));
    let mut counts = [0usize; 3];
    let mut failures = Vec::new();
    for i in 0..CASES {
        let pair = draw.pair(i);
        match run_pair(i, &pair) {
            Ok(Outcome::Established(..)) => counts[0] += 1,
            Ok(Outcome::NoProposalPhase1) => counts[1] += 1,
            Ok(Outcome::NoProposalPhase2) => counts[2] += 1,
            Err(e) => failures.push(format!("{e:?}")),
        }
    }
    eprintln!(
        "interop: sweep of {CASES} pairs in {:.1} s: {} established, {} NO-PROPOSAL-CHOSEN in phase 1, {} in quick mode, {} failed",
        started.elapsed().as_secs_f64(),
        counts[0],
        counts[1],
        counts[2],
        failures.len()
    );
    if failures.is_empty() {
        Ok(())
    } else {
        Err(failures.join("\n\n").into())
    }
}
