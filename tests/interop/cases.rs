//! The interop cases: a scenario and a swanctl.conf per charon under
//! tests/interop/, run by [`run_case`], checked by [`Finished::check`].

use std::net::Ipv4Addr;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use libtest_mimic::Failed;

use crate::charon::Charon;
use crate::keylog::{KeyLog, esp_rows, esp_table, hex};
use crate::lab::{Lab, Pid, TunHost, VpnlabRun, wait_until};
use crate::ping::ping;

/// A charon at a TUN end of the scenario.
pub struct Peer {
    /// Its namespace's suffix and its name.
    pub role: &'static str,
    pub device: &'static str,
    pub address: &'static str,
    pub gateway: &'static str,
    pub mtu: u16,
    pub inner: &'static [&'static str],
    pub swanctl: String,
    /// Lines inside strongswan.conf's `charon { }`.
    pub extra: &'static str,
    /// A CHILD_SA config to `swanctl --initiate` once every charon runs.
    pub initiate: Option<&'static str>,
    /// Certificates and keys for the swanctl folder.
    pub files: Vec<(String, String)>,
}

impl Peer {
    /// A charon with the usual link: MTU 1500, `file` under tests/interop/.
    pub fn new(
        role: &'static str,
        device: &'static str,
        address: &'static str,
        gateway: &'static str,
        inner: &'static [&'static str],
        file: &str,
    ) -> Result<Peer, Failed> {
        Ok(Peer {
            role,
            device,
            address,
            gateway,
            mtu: 1500,
            inner,
            swanctl: std::fs::read_to_string(case_file(file))
                .map_err(|e| format!("{file}: {e}"))?,
            extra: "",
            initiate: None,
            files: Vec::new(),
        })
    }
}

/// Who the charons negotiated with: what their keys are compared to.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Peering {
    /// Each charon with vpnlab's racoon: vpnlab's tables hold every SA.
    Vpnlab,
    /// The charons with each other, vpnlab only their network.
    EachOther,
}

pub fn case_file(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/interop")
        .join(name)
}

/// A case that ran: vpnlab's result and the charons (still running
/// until `lab` drops).
pub struct Finished {
    pub run: VpnlabRun,
    pub charons: Vec<Charon>,
    /// Held so that the charons and namespaces stay until the checks end.
    pub _lab: Lab,
    pub started: Instant,
}

/// What a case does while vpnlab runs, after its charons are up.
pub type During<'a> = Box<dyn FnOnce(&mut Lab, &[Charon], Pid) -> Result<(), Failed> + 'a>;

/// Sets a case up and runs it: the lab namespace and vpnlab on
/// `scenario`, a namespace and charon per peer, the initiations, then
/// `during`; then waits (at most `limit`) for vpnlab to end its run.
pub fn run_case(
    case: &str,
    scenario: &Path,
    peers: Vec<Peer>,
    limit: Duration,
    during: During,
) -> Result<Finished, Failed> {
    let mut lab = Lab::new(case)?;
    let started = Instant::now();
    let namespaces = peers
        .iter()
        .map(|p| lab.namespace(p.role))
        .collect::<Result<Vec<_>, _>>()?;
    let devices: Vec<&str> = peers.iter().map(|p| p.device).collect();
    let vpnlab = lab.start_vpnlab(scenario, &devices)?;
    let mut charons = Vec::new();
    for (peer, ns) in peers.iter().zip(&namespaces) {
        lab.attach_tun(
            ns,
            &TunHost {
                device: peer.device,
                address: peer.address,
                gateway: peer.gateway,
                mtu: peer.mtu,
                inner: peer.inner,
            },
        )?;
        charons.push(Charon::start(
            &mut lab,
            ns,
            peer.role,
            &peer.swanctl,
            peer.extra,
            &peer.files,
        )?);
    }
    for (peer, charon) in peers.iter().zip(&charons) {
        if let Some(child) = peer.initiate {
            charon.initiate(child, 30)?;
        }
    }
    during(&mut lab, &charons, vpnlab)?;
    let run = lab.wait_vpnlab(vpnlab, scenario, limit)?;
    Ok(Finished {
        run,
        charons,
        _lab: lab,
        started,
    })
}

/// Pings `dst` from charon `c`'s namespace, from `src`; all must answer.
pub fn ping_all(c: &Charon, dst: &str, src: &str, count: u16) -> Result<(), Failed> {
    let dst: Ipv4Addr = dst.parse()?;
    let src: Ipv4Addr = src.parse()?;
    let got = ping(&c.ns, dst, Some(src), count, Duration::from_millis(500))?;
    if got.replies == u32::from(count) {
        Ok(())
    } else {
        Err(format!("ping {src} -> {dst} from {}: {got:?}", c.ns).into())
    }
}

/// Waits until `c` lists an installed CHILD_SA of `child`.
pub fn wait_child(c: &Charon, child: &str, limit: Duration) -> Result<(), Failed> {
    let up = wait_until(limit, || {
        c.swanctl(&["--list-sas", "--noblock"])
            .is_ok_and(|s| s.contains(&format!("{child}: #")) && s.contains("INSTALLED"))
    });
    if up {
        Ok(())
    } else {
        Err(format!("no CHILD_SA {child} installed in {} after {limit:?}", c.ns).into())
    }
}

impl Finished {
    /// The checks of every case: vpnlab's verdict, the keys, tshark.
    pub fn check(&self, peering: Peering) -> Result<(), Failed> {
        self.run.passed()?;
        self.keys_agree(peering)?;
        self.tshark_decrypts()?;
        eprintln!(
            "interop: {} passed in {:.1} s",
            self.run.captures.display(),
            self.started.elapsed().as_secs_f64()
        );
        Ok(())
    }

    fn charon_keys(&self) -> Vec<KeyLog> {
        self.charons
            .iter()
            .map(|c| KeyLog::parse(&c.log()))
            .collect()
    }

    fn vpnlab_table(&self, name: &str) -> Option<String> {
        std::fs::read_to_string(self.run.captures.join(name)).ok()
    }

    /// vpnlab's exported keys equal charon's, SA by SA (by SPI for ESP,
    /// by initiator cookie for ISAKMP); with [`Peering::EachOther`], the
    /// two charons' keys equal each other's.
    pub fn keys_agree(&self, peering: Peering) -> Result<(), Failed> {
        let logs = self.charon_keys();
        match peering {
            Peering::Vpnlab => {
                let table = self
                    .vpnlab_table("esp_sa")
                    .ok_or("vpnlab wrote no esp_sa")?;
                let rows = esp_rows(&table)?;
                let children: Vec<_> = logs.iter().flat_map(|l| l.children.iter()).collect();
                if children.is_empty() {
                    return Err("no CHILD_SA keys in charon's log".into());
                }
                for row in &rows {
                    let same = children.iter().any(|c| {
                        c.spi == row.spi
                            && c.encryption == row.encryption
                            && c.integrity == row.integrity
                    });
                    if !same {
                        return Err(format!(
                            "ESP SA 0x{:08x}: vpnlab's keys {}/{} are not charon's",
                            row.spi,
                            hex(&row.encryption),
                            hex(&row.integrity)
                        )
                        .into());
                    }
                }
                if let Some(missing) = children
                    .iter()
                    .find(|c| !rows.iter().any(|r| r.spi == c.spi))
                {
                    return Err(
                        format!("charon's ESP SA 0x{:08x} has no esp_sa row", missing.spi).into(),
                    );
                }
                let ike = self
                    .vpnlab_table("ikev1_decryption_table")
                    .ok_or("vpnlab wrote no ikev1_decryption_table")?;
                let charon_ike: String = logs.iter().map(KeyLog::ikev1_table).collect();
                let mut mine: Vec<&str> = ike.lines().collect();
                let mut theirs: Vec<&str> = charon_ike.lines().collect();
                mine.sort();
                theirs.sort();
                if mine != theirs {
                    return Err(format!(
                        "ISAKMP keys differ:\nvpnlab:\n{ike}\ncharon:\n{charon_ike}"
                    )
                    .into());
                }
            }
            Peering::EachOther => {
                let [a, b] = logs.as_slice() else {
                    return Err("EachOther needs two charons".into());
                };
                if a.children.is_empty() {
                    return Err("no CHILD_SA keys in charon's log".into());
                }
                let (mut x, mut y) = (a.children.clone(), b.children.clone());
                x.sort_by_key(|c| c.spi);
                y.sort_by_key(|c| c.spi);
                if x != y {
                    return Err(format!("the charons' ESP keys differ: {x:x?} vs {y:x?}").into());
                }
                let (mut x, mut y) = (a.ike.clone(), b.ike.clone());
                x.sort_by_key(|k| k.initiator_cookie);
                y.sort_by_key(|k| k.initiator_cookie);
                if x.is_empty() || x != y {
                    return Err("the charons' ISAKMP keys differ or are missing".into());
                }
            }
        }
        Ok(())
    }

    /// tshark decrypts every ISAKMP and ESP packet of every capture with
    /// vpnlab's tables (or, where vpnlab negotiated nothing, with tables
    /// made from charon's log).
    pub fn tshark_decrypts(&self) -> Result<(), Failed> {
        let dir = &self.run.captures;
        let links = crate::common::tshark::links_in(dir);
        let logs = self.charon_keys();
        let ike = self
            .vpnlab_table("ikev1_decryption_table")
            .unwrap_or_else(|| logs.iter().map(KeyLog::ikev1_table).collect());
        let esp = self.vpnlab_table("esp_sa").unwrap_or_else(|| {
            let children: Vec<_> = logs.iter().flat_map(|l| l.children.clone()).collect();
            esp_table(&children, false)
        });
        let isakmp =
            crate::common::tshark::decrypts_isakmp(dir, &links, &ike).map_err(|e| e.to_string())?;
        let esp =
            crate::common::tshark::decrypts_esp(dir, &links, &esp).map_err(|e| e.to_string())?;
        if isakmp == 0 || esp == 0 {
            return Err(format!(
                "tshark checked {isakmp} encrypted ISAKMP and {esp} ESP packets: expected some of each"
            )
            .into());
        }
        Ok(())
    }
}

/// Every case, in the brief's order.
pub type CaseFn = fn() -> Result<(), Failed>;

pub fn all() -> Vec<(&'static str, CaseFn)> {
    vec![
        ("a_strongswan_initiates", a_strongswan_initiates),
        ("b_vpnlab_initiates", b_vpnlab_initiates),
        ("c_aggressive_fqdn", c_aggressive_fqdn),
        ("d_strongswan_behind_nat", d_strongswan_behind_nat),
        ("e_two_strongswans", e_two_strongswans),
        ("f_rekey_and_dpd", f_rekey_and_dpd),
        ("g_phase1_expiry", g_phase1_expiry),
        ("h_certificates", h_certificates),
        ("i_xauth_gateway", i_xauth_gateway),
    ]
}

/// The charon of cases a and b: 192.0.2.10 on the wan link, inner
/// 10.10.0.1, behind it 10.10.0.0/24 to the gateway's 10.20.0.0/24.
fn charon_on_wan(file: &str) -> Result<Peer, Failed> {
    Peer::new(
        "sw",
        "vlt0",
        "192.0.2.10/24",
        "192.0.2.1",
        &["10.10.0.1/32"],
        file,
    )
}

/// (a) strongSwan initiates main mode with a PSK (RFC 2409 §5.4) to
/// vpnlab's racoon gateway; tunnel mode quick mode; traffic both ways.
/// racoon has `nat_traversal force`: charon's kernel-libipsec only does
/// ESP in UDP (`encap = yes`), and racoon's forced NAT-D
/// (nattraversal.c `natt_hash_addr`) makes it agree to UDP-encapsulated
/// tunnel mode without a NAT.
fn a_strongswan_initiates() -> Result<(), Failed> {
    let mut sw = charon_on_wan("a-strongswan-initiates.swanctl.conf")?;
    sw.initiate = Some("lab-child");
    let done = run_case(
        "a",
        &case_file("a-strongswan-initiates.yaml"),
        vec![sw],
        Duration::from_secs(40),
        Box::new(|_, charons, _| ping_all(&charons[0], "10.20.0.10", "10.10.0.1", 3)),
    )?;
    done.check(Peering::Vpnlab)
}

/// (b) vpnlab's racoon initiates: the first ping from the simulated host
/// hits the gateway's `require` policy with no SA, the kernel drops it and
/// ACQUIREs (RFC 2367 §3.1.6), racoon runs main mode and quick mode with
/// charon as responder (charon's `main_mode.c` / `quick_mode.c`
/// `process_r`).
fn b_vpnlab_initiates() -> Result<(), Failed> {
    let sw = charon_on_wan("b-vpnlab-initiates.swanctl.conf")?;
    let done = run_case(
        "b",
        &case_file("b-vpnlab-initiates.yaml"),
        vec![sw],
        Duration::from_secs(40),
        Box::new(|_, charons, _| {
            wait_child(&charons[0], "lab-child", Duration::from_secs(10))?;
            ping_all(&charons[0], "10.20.0.10", "10.10.0.1", 3)
        }),
    )?;
    done.check(Peering::Vpnlab)
}

/// (c) Aggressive mode (RFC 2409 §5.4) with FQDN identities (RFC 2407
/// §4.6.2.1 ID_FQDN), both ways in one run: charon sw1 initiates, racoon
/// initiates to charon sw2 on an ACQUIRE. A charon responder refuses
/// aggressive mode with a PSK unless
/// `i_dont_care_about_security_and_use_aggressive_mode_psk` is set
/// (5.9.8 `aggressive_mode.c` `process_r`); racoon finds the key by the
/// peer's ID (racoon `getpskbyname` via `oakley_skeyid` in aggressive
/// mode). sw2's quick mode has PFS modp1024 as racoon's sainfo.
fn c_aggressive_fqdn() -> Result<(), Failed> {
    let mut sw1 = Peer::new(
        "sw1",
        "vlt0",
        "192.0.2.10/24",
        "192.0.2.1",
        &["10.10.0.1/32"],
        "c-aggressive-fqdn.sw1.swanctl.conf",
    )?;
    sw1.initiate = Some("lab-child");
    let mut sw2 = Peer::new(
        "sw2",
        "vlt1",
        "198.51.100.10/24",
        "198.51.100.1",
        &["10.30.0.1/32"],
        "c-aggressive-fqdn.sw2.swanctl.conf",
    )?;
    sw2.extra = "i_dont_care_about_security_and_use_aggressive_mode_psk = yes";
    let done = run_case(
        "c",
        &case_file("c-aggressive-fqdn.yaml"),
        vec![sw1, sw2],
        Duration::from_secs(40),
        Box::new(|_, charons, _| {
            ping_all(&charons[0], "10.20.0.10", "10.10.0.1", 3)?;
            wait_child(&charons[1], "lab-child", Duration::from_secs(10))?;
            ping_all(&charons[1], "10.20.0.10", "10.30.0.1", 3)
        }),
    )?;
    done.check(Peering::Vpnlab)
}

/// Whether charon logged `line` (a substring).
pub fn charon_logged(c: &Charon, line: &str) -> Result<(), Failed> {
    if c.log().contains(line) {
        Ok(())
    } else {
        Err(format!(
            "{} never logged `{line}`",
            c.dir.join("charon.log").display()
        )
        .into())
    }
}

/// (d) charon behind vpnlab's port-restricted NAT (RFC 4787 §4.1, §5)
/// to a racoon `remote anonymous` gateway. RFC 3947 §3.2: charon finds
/// the NAT from racoon's NAT-D hashes of the address it saw (5.9.8
/// `isakmp_natd.c` `process_payloads` sets COND_NAT_HERE; `ike_sa.c`
/// `set_condition` logs "local host is behind NAT, sending keep alives").
/// charon's own NAT-D is faked, as kernel-libipsec requires UDP
/// encapsulation (`force_encap`: KERNEL_REQUIRE_UDP_ENCAPSULATION), so
/// racoon sees a NAT at charon's side both ways. RFC 3948 §4: keepalives
/// from both ends (charon `keep_alive = 3s`, racoon `natt_keepalive 3
/// sec`) cross the NAT; the scenario's trace expectations see them.
fn d_strongswan_behind_nat() -> Result<(), Failed> {
    let mut sw = Peer::new(
        "sw",
        "vlt0",
        "192.168.1.10/24",
        "192.168.1.1",
        &["10.10.0.1/32"],
        "d-strongswan-behind-nat.swanctl.conf",
    )?;
    sw.initiate = Some("lab-child");
    sw.extra = "keep_alive = 3s";
    let done = run_case(
        "d",
        &case_file("d-strongswan-behind-nat.yaml"),
        vec![sw],
        Duration::from_secs(40),
        Box::new(|_, charons, _| ping_all(&charons[0], "10.20.0.10", "10.10.0.1", 3)),
    )?;
    charon_logged(
        &done.charons[0],
        "local host is behind NAT, sending keep alives",
    )?;
    done.check(Peering::Vpnlab)
}

/// (e) Two real charons, vpnlab only their network: sw1 behind a
/// symmetric NAT (RFC 4787 §4.1), a 5%-loss internet link with MTU 1280.
/// charon retransmits lost IKE messages (5.9.8 `task_manager_v1.c`
/// `retransmit`: 4 s, then ×1.8), NAT-D finds the NAT (RFC 3947 §3.2),
/// ESP goes in UDP (RFC 3948). Pings: 20 small ones each way (each
/// crosses the lossy link twice: ≥ 14 answered) and 5 of 1200 bytes from
/// sw1, whose ESP-in-UDP datagrams exceed 1280 bytes: sw1's kernel
/// fragments them (its device has the path's MTU), the NAT reassembles
/// them before translating and fragments again (RFC 4787 §11) (≥ 3
/// answered). The keys are compared between the
/// two charons; tshark decrypts with tables made from their logs.
fn e_two_strongswans() -> Result<(), Failed> {
    let mut sw1 = Peer::new(
        "sw1",
        "vlt0",
        "192.168.1.10/24",
        "192.168.1.1",
        &["10.10.0.1/32"],
        "e-two-strongswans.sw1.swanctl.conf",
    )?;
    let mut sw2 = Peer::new(
        "sw2",
        "vlt1",
        "203.0.113.20/24",
        "203.0.113.7",
        &["10.30.0.1/32"],
        "e-two-strongswans.sw2.swanctl.conf",
    )?;
    sw2.mtu = 1280;
    // sw1's own link has MTU 1500, but the path's is 1280. Linux did not
    // take the path MTU from the NAT router's "fragmentation needed"
    // (its DF-marked ESP-in-UDP datagrams kept their size; see the
    // report): sw1 gets the path's MTU, so its kernel fragments.
    sw1.mtu = 1280;
    let scenario = case_file("e-two-strongswans.yaml");
    let done = run_case(
        "e",
        &scenario,
        vec![sw1_initiating(sw1), sw2],
        Duration::from_secs(60),
        Box::new(|lab, charons, vpnlab| {
            let ten = |n: &str| -> Result<Ipv4Addr, Failed> { Ok(n.parse()?) };
            let t = Duration::from_millis(400);
            let small = ping(
                &charons[0].ns,
                ten("10.30.0.1")?,
                Some(ten("10.10.0.1")?),
                20,
                t,
            )?;
            let back = ping(
                &charons[1].ns,
                ten("10.10.0.1")?,
                Some(ten("10.30.0.1")?),
                20,
                t,
            )?;
            let big = crate::ping::ping_sized(
                &charons[0].ns,
                ten("10.30.0.1")?,
                Some(ten("10.10.0.1")?),
                5,
                Duration::from_millis(800),
                1200,
            )?;
            eprintln!("interop: e pings: {small:?} {back:?} big {big:?}");
            if small.replies < 14 || back.replies < 14 || big.replies < 3 {
                return Err(format!("too few replies: {small:?} {back:?} big {big:?}").into());
            }
            // Enough: end vpnlab's run now rather than at its 40 s.
            lab.signal(vpnlab, "INT")
        }),
    )?;
    done.check(Peering::EachOther)
}

fn sw1_initiating(mut p: Peer) -> Peer {
    p.initiate = Some("lab-child");
    p
}

/// How many CHILD_SAs charon logged established (`child_sa.c` /
/// `quick_mode.c`: "CHILD_SA NAME{N} established with SPIs ...").
fn children_established(c: &Charon) -> usize {
    c.log()
        .lines()
        .filter(|l| l.contains("CHILD_SA lab-child{") && l.contains("} established with SPIs"))
        .count()
}

/// (f) CHILD_SA rekeying and DPD. charon rekeys its CHILD_SA by a new
/// quick mode at `rekey_time` (5.9.8 `child_sa.c` lifetimes, IKEv1
/// `quick_mode.c` with the old SPI, RFC 2409 §5.5); racoon answers as
/// responder and keeps charon's shorter lifetime (`proposal_check
/// strict`). charon is then frozen: racoon's DPD (RFC 3706 §5.5,
/// racoon `isakmp_dpd.c`: R-U-THERE after `dpd_delay`, every `dpd_retry`,
/// dead after `dpd_maxfail`) removes its SAs. Resumed, charon finds its
/// peer gone (its own R-U-THEREs unanswered for `dpd_timeout`, or
/// racoon's DELETEs) and starts again (`dpd_action = restart`,
/// `close_action = start`).
fn f_rekey_and_dpd() -> Result<(), Failed> {
    let mut sw = charon_on_wan("f-rekey-and-dpd.swanctl.conf")?;
    sw.initiate = Some("lab-child");
    let done = run_case(
        "f",
        &case_file("f-rekey-and-dpd.yaml"),
        vec![sw],
        Duration::from_secs(80),
        Box::new(|lab, charons, _| {
            let c = &charons[0];
            lab.sleep_until_run_time(Duration::from_secs(23));
            if children_established(c) < 2 {
                return Err(format!(
                    "charon did not rekey by 23 s:\n{}",
                    c.swanctl(&["--list-sas"])?
                )
                .into());
            }
            lab.signal(c.pid, "STOP")?;
            lab.sleep_until_run_time(Duration::from_secs(32));
            lab.signal(c.pid, "CONT")?;
            let back = wait_until(Duration::from_secs(15), || children_established(c) >= 3);
            if !back {
                return Err("charon did not re-establish within 15 s of SIGCONT".into());
            }
            // Both ends settle (charon's own DPD on its old IKE_SA runs
            // out 6 s after it resumes); then its traffic crosses again.
            lab.sleep_until_run_time(Duration::from_secs(48));
            wait_child(c, "lab-child", Duration::from_secs(5))?;
            ping_all(c, "10.20.0.10", "10.10.0.1", 3)
        }),
    )?;
    done.check(Peering::Vpnlab)
}

/// (g) Phase 1 expiry with traffic flowing. racoon's ISAKMP-SA lives
/// 15 s; with `rekey force` racoon renegotiates it at 80% "due to active
/// phase2" (racoon `isakmp.c` `isakmp_ph1dying`), and the old one expires
/// with no DELETE (`isakmp_ph1expire`, racoon 0.8); the IPsec SAs stay.
/// charon as main mode responder takes the proposed 15 s lifetime and
/// accepts each new ISAKMP SA from the same peer beside the old one
/// (5.9.8 `main_mode.c` `process_r`; no `unique` policy). Pings from the
/// simulated host every 500 ms, and from charon's side across the expiries
/// at 15 s and 27 s, all answered.
fn g_phase1_expiry() -> Result<(), Failed> {
    let sw = charon_on_wan("g-phase1-expiry.swanctl.conf")?;
    let done = run_case(
        "g",
        &case_file("g-phase1-expiry.yaml"),
        vec![sw],
        Duration::from_secs(60),
        Box::new(|lab, charons, _| {
            let c = &charons[0];
            wait_child(c, "lab-child", Duration::from_secs(10))?;
            lab.sleep_until_run_time(Duration::from_secs(13));
            // 13 s to 17 s, across the first ISAKMP-SA's expiry.
            ping_all(c, "10.20.0.10", "10.10.0.1", 8)?;
            lab.sleep_until_run_time(Duration::from_secs(25));
            ping_all(c, "10.20.0.10", "10.10.0.1", 8)
        }),
    )?;
    let ike_sas = done.charons[0]
        .log()
        .lines()
        .filter(|l| l.contains("IKE_SA lab[") && l.contains("] established between"))
        .count();
    if ike_sas < 3 {
        return Err(format!("charon established {ike_sas} IKE_SAs, expected 3 or more").into());
    }
    done.check(Peering::Vpnlab)
}

/// (h) RSA signatures with X.509 certificates (RFC 2409 §5.1): vpnlab's
/// racoon gateway (`authentication_method rsasig`, `certificate_type
/// x509`, `my_identifier asn1dn`) initiates main mode to charon (`auth =
/// pubkey`). The certificates come from the scenario's `pki:` section:
/// the stand-in node `charon-inner` holds charon's, which the test copies
/// into charon's swanctl folder. charon checks racoon's SIG over HASH_I
/// (keymat_v1.c, raw PKCS#1 v1.5 as racoon's `eay_get_x509sign`) and
/// racoon charon's over HASH_R, each against the other's certificate
/// chained to the scenario's CA.
fn h_certificates() -> Result<(), Failed> {
    let scenario = case_file("h-certificates.yaml");
    let loaded = vpnlab::scenario::load::load_file(&scenario).map_err(|e| e.to_string())?;
    let node = loaded
        .nodes
        .get("charon-inner")
        .ok_or("h-certificates.yaml has no charon-inner")?;
    let file = |suffix: &str| {
        node.files
            .iter()
            .find(|(path, _)| path.ends_with(suffix))
            .map(|(_, f)| f.value.clone())
            .ok_or_else(|| format!("charon-inner has no file ending in {suffix}"))
    };
    let mut sw = charon_on_wan("h-certificates.swanctl.conf")?;
    sw.files = vec![
        ("x509/charon.pem".into(), file("charon.pem")?),
        ("private/charon.key".into(), file("charon.key")?),
        ("x509ca/ca.pem".into(), file(".0")?),
    ];
    let done = run_case(
        "h",
        &scenario,
        vec![sw],
        Duration::from_secs(40),
        Box::new(|_, charons, _| {
            wait_child(&charons[0], "lab-child", Duration::from_secs(10))?;
            ping_all(&charons[0], "10.20.0.10", "10.10.0.1", 3)
        }),
    )?;
    done.check(Peering::Vpnlab)
}

/// (i) charon 5.9.8 as an IKEv1 XAuth PSK gateway (`auth = psk` then
/// `auth = xauth-generic`, a `pools` virtual IP) and vpnlab's racoon as
/// Android's client: XAuth (isakmp_xauth.c `isakmp_xauth_req`; charon's
/// xauth.c sends USER_NAME and USER_PASSWORD with identifier 0), then a
/// mode_cfg REQUEST (`isakmp_cfg_getconfig`; charon's mode_config.c in
/// pull mode assigns 10.30.0.1), and quick mode from that address.
fn i_xauth_gateway() -> Result<(), Failed> {
    let sw = charon_on_wan("i-xauth-gateway.swanctl.conf")?;
    let done = run_case(
        "i",
        &case_file("i-xauth-gateway.yaml"),
        vec![sw],
        Duration::from_secs(40),
        Box::new(|_, charons, _| {
            wait_child(&charons[0], "rw-child", Duration::from_secs(20))?;
            ping_all(&charons[0], "10.30.0.1", "10.10.0.1", 3)
        }),
    )?;
    done.check(Peering::Vpnlab)
}
