//! Handing negotiated SAs to the kernel, as racoon does over PF_KEY:
//! UPDATE for the inbound SA (whose SPI GETSPI reserved), ADD for the
//! outbound one, keys from KEYMAT (RFC 2409 §5.5), and with
//! `generate_policy` the policies the initiator's IDs describe.

use super::Env;
use super::phase1::Keys;
use super::quick::Phase2;
use crate::crypto::ikev1::{self, KeymatInput, PROTO_IPSEC_AH, PROTO_IPSEC_ESP};
use crate::ipsec::IpsecEngine;
use crate::ipsec::pfkey::Request;
use crate::ipsec::spec::{
    Action, Direction, IpsecProto, Level, Lifetime, Mode, PolicySpec, SaSpec, Template, UdpEncap,
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

/// Installs the inbound SA, then the outbound one, logging each as
/// racoon's `pk_recvupdate` and `pk_recvadd` do.
pub(crate) fn install_pair(env: &mut Env<'_>, kernel: &mut IpsecEngine, keys: &Keys, p: &Phase2) {
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
        match kernel.apply(&Request::Add(spec.clone()), env.now) {
            Ok(()) => {
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
            }
            Err(e) => env.log.error(
                env.now,
                format!("pfkey ADD failed: {src}->{dst} spi={spi}: {e}"),
            ),
        }
    }
}

/// `generate_policy on`: `out` for our side to the peer's, `in` (and in
/// tunnel mode `fwd`) the other way, each requiring the negotiated SA.
pub(crate) fn generate_policies(env: &mut Env<'_>, kernel: &mut IpsecEngine, p: &Phase2) {
    let tunnel = p.mode == Mode::Tunnel;
    let template = |src, dst| Template {
        proto: p.proto,
        mode: p.mode,
        endpoints: tunnel.then_some((src, dst)),
        level: Level::Unique(Some(p.reqid_out)),
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
        let exists = kernel
            .spd
            .iter()
            .any(|q| q.spec.dir == dir && q.spec.selector == selector);
        if exists {
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
        let spec = PolicySpec {
            selector,
            dir,
            action: Action::Ipsec,
            templates: vec![template],
            priority: 0,
        };
        match kernel.apply(&Request::SpdAdd(spec), env.now) {
            Ok(()) => env.log.info(env.now, format!("generated policy: {text}")),
            Err(e) => env
                .log
                .error(env.now, format!("failed to generate policy {text}: {e}")),
        }
    }
}
