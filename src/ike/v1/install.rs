//! What racoon asks of the kernel over PF_KEY (pfkey.c): GETSPI for our
//! inbound SPI, UPDATE for the inbound SA (whose SPI GETSPI reserved),
//! ADD for the outbound one, keys from KEYMAT (RFC 2409 §5.5), DELETE of
//! a pair, the policies it reads, and with `generate_policy` the policies
//! the initiator's IDs describe.

use std::net::Ipv4Addr;

use rand_core::RngCore;
use smoltcp::time::Instant;

use super::env::{Env, Fail};
use super::phase1::Keys;
use super::quick::Phase2;
use crate::crypto::ikev1::{self, KeymatInput, PROTO_IPSEC_AH, PROTO_IPSEC_ESP};
use crate::ike::FailReason;
use crate::ipsec::KeyKernel;
use crate::ipsec::pfkey::{Errno, IpcompRequest, Reply, Request, SpiRange};
use crate::ipsec::spec::{
    Action, CompAlg, Direction, IpcompSpec, IpcompTemplate, IpsecProto, Level, Lifetime, Mode,
    PolicySpec, SaSpec, Selector, Template, UdpEncap,
};

/// racoon sets the soft lifetime to 80% of the hard one
/// (`PFKEY_SOFT_LIFETIME_RATE`).
const SOFT_LIFETIME_PERCENT: u64 = 80;

/// racoon's PF_KEY replay window (`wsize = 4` in pfkey.c).
const REPLAY_WINDOW: u32 = 4;

fn mode_label(mode: Mode) -> &'static str {
    match mode {
        Mode::Tunnel => "Tunnel",
        _ => "Transport",
    }
}

/// The SA from `src` to `dst` with `spi`, keyed from KEYMAT.
fn sa_spec(
    keys: &Keys,
    p: &Phase2,
    (src, dst): (std::net::Ipv4Addr, std::net::Ipv4Addr),
    spi: u32,
    encap: Option<UdpEncap>,
) -> Option<SaSpec> {
    let t = p.chosen?.transform;
    let protocol = match t.proto {
        IpsecProto::Esp => PROTO_IPSEC_ESP,
        IpsecProto::Ah => PROTO_IPSEC_AH,
    };
    let enc_len = t.enc.map_or(0, |(_, len)| len);
    let auth_len = t
        .auth
        .map_or(0, |a| a.key_lens().first().copied().unwrap_or(0));
    let input = KeymatInput {
        pfs_g_xy: p.pfs_shared.as_deref(),
        protocol,
        spi,
        ni_b: &p.ni,
        nr_b: &p.nr,
    };
    let k = ikev1::sa_keys(keys.prf, &keys.skeyid_d, &input, enc_len, auth_len);
    let reqid = if dst == p.local {
        p.reqid_in
    } else {
        p.reqid_out
    };
    let hard = t.lifetime_secs;
    Some(SaSpec {
        encap,
        src,
        dst,
        proto: t.proto,
        spi,
        mode: t.mode,
        reqid,
        replay_window: REPLAY_WINDOW,
        enc: t.enc.map(|(alg, _)| (alg, k.enc_key)),
        auth: t.auth.map(|alg| (alg, k.auth_key)),
        hard: Lifetime {
            seconds: hard,
            bytes: 0,
        },
        soft: Lifetime {
            seconds: hard * SOFT_LIFETIME_PERCENT / 100,
            bytes: 0,
        },
    })
}

/// pfkey.c `pk_sendgetspi`: our inbound SPI for `p` (the SA from the
/// peer to us). racoon lets the kernel choose (an SPI range of 0–0);
/// here the daemon draws each candidate from its own stream and asks for
/// exactly it, so that a run's SPIs follow the daemon's seed alone: one
/// in the reserved range 0–255 (RFC 4303 §2.1) is drawn again unasked,
/// one the kernel holds already is drawn again after its EEXIST.
pub(crate) fn get_spi(
    env: &mut Env<'_>,
    kernel: &mut dyn KeyKernel,
    p: &Phase2,
) -> Result<u32, Fail> {
    loop {
        let candidate = env.rng.next_u32();
        if candidate <= 255 {
            continue;
        }
        let request = Request::GetSpi {
            src: p.peer,
            dst: p.local,
            proto: p.proto,
            mode: p.mode,
            reqid: p.reqid_in,
            range: SpiRange::exactly(candidate),
        };
        match kernel.request(env.now, request) {
            Ok(Reply::Spi(spi)) => return Ok(spi),
            Err(Errno::Exists(_)) => continue,
            Ok(other) => return Err(getspi_failed(format!("{other:?}"))),
            Err(e) => return Err(getspi_failed(e.to_string())),
        }
    }
}

/// pfkey.c `pk_sendgetspi` for the IPCOMP protocol of a bundle: a CPI
/// from 0x100 to 0xffff ("this works around a bug in Linux kernel where
/// it allocates 4 byte spi's for IPCOMP"), drawn as the SPIs are.
pub(crate) fn get_cpi(
    env: &mut Env<'_>,
    kernel: &mut dyn KeyKernel,
    p: &Phase2,
) -> Result<u16, Fail> {
    loop {
        let candidate = 0x100 + env.rng.next_u32() % (0x10000 - 0x100);
        let request = Request::Ipcomp(IpcompRequest::GetCpi {
            dst: p.local,
            range: SpiRange::exactly(candidate),
        });
        match kernel.request(env.now, request) {
            Ok(Reply::Spi(cpi)) => {
                return u16::try_from(cpi).map_err(|_| getspi_failed(format!("CPI {cpi}")));
            }
            Err(Errno::Exists(_)) => continue,
            Ok(other) => return Err(getspi_failed(format!("{other:?}"))),
            Err(e) => return Err(getspi_failed(e.to_string())),
        }
    }
}

/// Whether the policy for exactly `selector` in `dir` has an IPComp
/// step (on Linux one of its templates, `ipcomp/.../use`).
pub(crate) fn has_ipcomp_step(
    now: Instant,
    kernel: &mut dyn KeyKernel,
    selector: Selector,
    dir: Direction,
) -> bool {
    let request = Request::Ipcomp(IpcompRequest::PolicyStep { selector, dir });
    matches!(kernel.request(now, request), Ok(Reply::IpcompStep(Some(_))))
}

/// The kernel refused GETSPI (pfkey.c: "ipseclib failed send getspi");
/// expectations know it as a configuration problem of the node.
fn getspi_failed(why: String) -> Fail {
    Fail::new(
        FailReason::NoConfig,
        None,
        format!("pfkey GETSPI failed: {why}"),
    )
}

/// pfkey.c `pk_senddelete` of an established pair: our inbound SA and
/// the outbound one. Either may be gone already (a hard expiry took it):
/// the kernel's ESRCH changes nothing.
pub(crate) fn delete_pair(
    now: Instant,
    kernel: &mut dyn KeyKernel,
    records: &mut super::Records,
    p: &Phase2,
) {
    let peer_spi = p.chosen.map_or(0, |c| c.peer_spi);
    for (src, dst, spi) in [(p.peer, p.local, p.my_spi), (p.local, p.peer, peer_spi)] {
        let request = Request::Delete {
            src,
            dst,
            proto: p.proto,
            spi,
        };
        let _ = kernel.request(now, request);
        records.deleted.push((dst.into(), p.proto, spi));
    }
    delete_ipcomp(now, kernel, p);
}

/// The pair's IPComp SAs, if it has them; either may be gone already.
pub(crate) fn delete_ipcomp(now: Instant, kernel: &mut dyn KeyKernel, p: &Phase2) {
    let cpis = p.chosen.and_then(|c| c.ipcomp).zip(p.my_cpi);
    if let Some((theirs, mine)) = cpis {
        for (src, dst, cpi) in [(p.peer, p.local, mine), (p.local, p.peer, theirs.peer_cpi)] {
            let spi = u32::from(cpi);
            let delete = Request::Ipcomp(IpcompRequest::Delete { src, dst, spi });
            let _ = kernel.request(now, delete);
        }
    }
}

/// The policy for exactly `selector` in `dir`, if the kernel has one
/// (racoon's `getsp` on its copy of the SPD).
pub(crate) fn policy(
    now: Instant,
    kernel: &mut dyn KeyKernel,
    selector: Selector,
    dir: Direction,
) -> Option<PolicySpec> {
    match kernel.request(now, Request::SpdGet { selector, dir }) {
        Ok(Reply::Policy(p)) => Some(p),
        _ => None,
    }
}

/// The reqid the first template of that policy binds its SAs to
/// (`unique`), 0 for none: what racoon reads as the policy's `reqid`
/// when it installs a phase 2's SAs (pfkey.c `pk_sendupdate`,
/// `pk_sendadd`).
pub(crate) fn policy_reqid(
    now: Instant,
    kernel: &mut dyn KeyKernel,
    selector: Selector,
    dir: Direction,
) -> u32 {
    let first = policy(now, kernel, selector, dir).and_then(|p| p.templates.first().copied());
    match first.map(|t| t.level) {
        Some(Level::Unique(Some(id))) => id,
        _ => 0,
    }
}

/// Installs the inbound SA with UPDATE (`pk_sendupdate`), then the
/// outbound one with ADD (`pk_sendadd`), logging each as racoon's
/// `pk_recvupdate` and `pk_recvadd` do.
pub(crate) fn install_pair(env: &mut Env<'_>, kernel: &mut dyn KeyKernel, keys: &Keys, p: &Phase2) {
    let Some(peer_spi) = p.chosen.map(|c| c.peer_spi) else {
        return;
    };
    // RFC 3948: the UDP ports are the IKE ports after the float.
    let udp = p
        .encap_ports
        .filter(|_| p.chosen.is_some_and(|c| c.transform.udp.is_some()));
    let inbound = udp.map(|(ours, theirs)| UdpEncap {
        sport: theirs,
        dport: ours,
    });
    let outbound = udp.map(|(ours, theirs)| UdpEncap {
        sport: ours,
        dport: theirs,
    });
    let pairs = [
        (p.peer, p.local, p.my_spi, inbound),
        (p.local, p.peer, peer_spi, outbound),
    ];
    for (src, dst, spi, encap) in pairs {
        let Some(spec) = sa_spec(keys, p, (src, dst), spi, encap) else {
            continue;
        };
        let (name, request) = if dst == p.local {
            ("UPDATE", Request::Update(spec.clone()))
        } else {
            ("ADD", Request::Add(spec.clone()))
        };
        match kernel.request(env.now, request) {
            Ok(_) => {
                let udp = if encap.is_some() {
                    " (UDP-encapsulated)"
                } else {
                    ""
                };
                env.log.info(
                    env.now,
                    format!(
                        "IPsec-SA established: {}/{} {src}->{dst} spi={spi}(0x{spi:x}){udp}",
                        spec.proto.name().to_uppercase(),
                        mode_label(spec.mode)
                    ),
                );
                env.records.installed.push(spec);
                // pk_sendupdate and pk_sendadd walk the bundle's
                // protocols: ESP (or AH), then IPCOMP.
                install_ipcomp(env, kernel, p, (src, dst));
            }
            Err(e) => env.log.error(
                env.now,
                format!("pfkey {name} failed: {src}->{dst} spi={spi}: {e}"),
            ),
        }
    }
}

/// The IPCOMP SA of a bundle for the direction `src` to `dst`: its CPI
/// (ours inbound, the peer's outbound) as the SPI, raw as racoon asks
/// (`SADB_X_EXT_RAWCPI`), in the bundle's mode; racoon logs it as
/// `pk_recvupdate`/`pk_recvadd` do for any SA.
fn install_ipcomp(
    env: &mut Env<'_>,
    kernel: &mut dyn KeyKernel,
    p: &Phase2,
    (src, dst): (Ipv4Addr, Ipv4Addr),
) {
    let Some((choice, mine)) = p.chosen.and_then(|c| c.ipcomp).zip(p.my_cpi) else {
        return;
    };
    let inbound = dst == p.local;
    let cpi = if inbound { mine } else { choice.peer_cpi };
    let spec = IpcompSpec {
        src,
        dst,
        spi: u32::from(cpi),
        mode: p.mode,
        reqid: if inbound { p.reqid_in } else { p.reqid_out },
        alg: CompAlg::Deflate,
    };
    let spi = spec.spi;
    match kernel.request(env.now, Request::Ipcomp(IpcompRequest::Add(spec))) {
        Ok(_) => env.log.info(
            env.now,
            format!(
                "IPsec-SA established: IPCOMP/{} {src}->{dst} spi={spi}(0x{spi:x})",
                mode_label(p.mode)
            ),
        ),
        Err(e) => env.log.error(
            env.now,
            format!("pfkey ADD failed: {src}->{dst} cpi={spi}: {e}"),
        ),
    }
}

/// `generate_policy on`: `out` for our side to the peer's, `in` (and in
/// tunnel mode `fwd`) the other way, each requiring the negotiated SA.
/// pfkey.c `getsadbpolicy` writes the approved protocols in reverse, so
/// a negotiated IPCOMP comes first, at the same level as the ESP or AH
/// step: `unique` with the reqid, or `require` with none. Linux takes
/// neither as optional (af_key.c `parse_ipsecrequest`: only `use` is),
/// so on input it wants IPComp even on packets sent uncompressed.
pub(crate) fn generate_policies(env: &mut Env<'_>, kernel: &mut dyn KeyKernel, p: &Phase2) {
    let tunnel = p.mode == Mode::Tunnel;
    let level = match p.reqid_out {
        0 => Level::Require,
        reqid => Level::Unique(Some(reqid)),
    };
    let template = |src, dst| Template {
        proto: p.proto,
        mode: p.mode,
        endpoints: tunnel.then_some((src, dst)),
        level,
    };
    let mut policies = vec![
        (
            p.selector.reversed(),
            Direction::In,
            template(p.peer, p.local),
        ),
        (p.selector, Direction::Out, template(p.local, p.peer)),
    ];
    if tunnel {
        policies.push((
            p.selector.reversed(),
            Direction::Fwd,
            template(p.peer, p.local),
        ));
    }
    for (selector, dir, template) in policies {
        if policy(env.now, kernel, selector, dir).is_some() {
            continue;
        }
        let text = format!(
            "{}/{}[{}] {}/{}[{}] dir={dir}",
            selector.src.addr,
            selector.src.len,
            selector.src_port.unwrap_or(0),
            selector.dst.addr,
            selector.dst.len,
            selector.dst_port.unwrap_or(0)
        );
        let policy = PolicySpec {
            selector,
            dir,
            action: Action::Ipsec,
            templates: vec![template],
            priority: 0,
        };
        let ipcomp = IpcompTemplate {
            mode: template.mode,
            endpoints: template.endpoints,
            level,
        };
        let request = match p.chosen.and_then(|c| c.ipcomp) {
            Some(_) => Request::SpdAddWithIpcomp { policy, ipcomp },
            None => Request::SpdAdd(policy),
        };
        match kernel.request(env.now, request) {
            Ok(_) => env.log.info(env.now, format!("generated policy: {text}")),
            Err(e) => env
                .log
                .error(env.now, format!("failed to generate policy {text}: {e}")),
        }
    }
}
