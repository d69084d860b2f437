//! What the configuration messages carry and how each end answers
//! (isakmp_cfg.c `isakmp_cfg_request`, `isakmp_cfg_reply`,
//! `isakmp_cfg_set`, `isakmp_cfg_net`, `isakmp_cfg_getconfig`;
//! isakmp_unity.c `isakmp_unity_req`, `isakmp_unity_reply`).

use std::net::Ipv4Addr;

use smoltcp::time::Instant;

use super::{XauthRole, XauthStatus};
use crate::config::racoon::mode_cfg::SplitKind;
use crate::ike::v1::Racoon;
use crate::ike::v1::env::Env;
use crate::ike::v1::phase1::Phase1;
use crate::ipsec::KeyKernel;
use crate::net::Prefix;
use crate::wire::isakmp::{AttributeValue, CfgAttribute as A, CfgRepr, CfgType, SaAttribute};

/// isakmp_cfg.h `ISAKMP_CFG_RACOON_VERSION`.
const APPLICATION_VERSION: &str = "racoon / IPsec-tools";

/// `isakmp_cfg_getconfig`: what the client asks for, all empty, in
/// racoon 0.8's order.
const REQUESTED: [A; 10] = [
    A::InternalIp4Address,
    A::InternalIp4Netmask,
    A::InternalIp4Dns,
    A::InternalIp4Nbns,
    A::UnityBanner,
    A::UnityDefDomain,
    A::UnitySplitDnsName,
    A::UnitySplitInclude,
    A::UnityLocalLan,
    A::ApplicationVersion,
];

fn is_xauth(t: A) -> bool {
    (u16::from(A::XauthType)..=u16::from(A::XauthAnswer)).contains(&u16::from(t))
}

fn is_unity(t: A) -> bool {
    (u16::from(A::UnityBanner)..=u16::from(A::UnityDdnsHostname)).contains(&u16::from(t))
}

fn v4(attr: &SaAttribute) -> Option<Ipv4Addr> {
    match &attr.value {
        AttributeValue::Variable(v) => <[u8; 4]>::try_from(v.get(..4)?).ok().map(Ipv4Addr::from),
        AttributeValue::Basic(_) => None,
    }
}

fn addr_attr(t: A, a: Ipv4Addr) -> SaAttribute {
    SaAttribute::variable(t, a.octets().to_vec())
}

/// A split network entry (isakmp_unity.h `struct unity_network`):
/// address, mask, six zero bytes.
fn split_entries(nets: &[Prefix]) -> Vec<u8> {
    let mut out = Vec::new();
    for n in nets {
        out.extend_from_slice(&n.addr.octets());
        out.extend_from_slice(&n.mask().to_be_bytes());
        out.extend_from_slice(&[0; 6]);
    }
    out
}

fn parse_split(bytes: &[u8]) -> Vec<Prefix> {
    bytes
        .chunks_exact(14)
        .map(|c| {
            let addr = Ipv4Addr::new(c[0], c[1], c[2], c[3]);
            let mask = u32::from_be_bytes([c[4], c[5], c[6], c[7]]);
            Prefix {
                addr,
                len: u8::try_from(mask.count_ones()).unwrap_or(32),
            }
        })
        .collect()
}

impl Racoon {
    /// `isakmp_cfg_request`: the server answers a mode_cfg REQUEST, the
    /// client an XAuth REQUEST, attribute by attribute, in one REPLY.
    pub(super) fn cfg_request(&mut self, now: Instant, serial: u32, req: &CfgRepr) {
        let Some(i) = self.ph1_at(serial) else {
            return;
        };
        let mut replies = Vec::new();
        for attr in &req.attributes {
            let t = A::from(attr.attribute_type);
            let mut env = self.ctx.env(now);
            let reply = match t {
                _ if is_xauth(t) => self.ph1[i].xauth_answer(&mut env, attr),
                A::InternalIp4Address
                | A::InternalIp4Netmask
                | A::InternalIp4Dns
                | A::InternalIp4Nbns
                | A::InternalIp4Subnet => {
                    replies.extend(self.cfg_net(now, i, attr));
                    continue;
                }
                A::ApplicationVersion => Some(SaAttribute::variable(
                    t,
                    APPLICATION_VERSION.as_bytes().to_vec(),
                )),
                _ if is_unity(t) => self.unity_request(now, i, attr),
                _ => {
                    env.log.warning(now, format!("Ignored attribute {t}"));
                    None
                }
            };
            replies.extend(reply);
        }
        let reply = CfgRepr {
            kind: CfgType::Reply,
            identifier: req.identifier,
            attributes: replies,
        };
        self.ph1[i].send_cfg(&mut self.ctx.env(now), reply, false);
    }

    /// `isakmp_cfg_net`: the pool address (network4 + the client's pool
    /// index), netmask4, dns4 and wins4, only after a successful XAuth.
    fn cfg_net(&mut self, now: Instant, i: usize, attr: &SaAttribute) -> Vec<SaAttribute> {
        let p = &self.ph1[i];
        let server = p.xauth_role() == Some(XauthRole::Server);
        if server && (!p.cfg.peer_xauth || p.cfg.status != XauthStatus::Ok) {
            let line = "Attempt to start phase config whereas Xauth failed";
            self.ctx.log.error(now, line);
            return Vec::new();
        }
        let m = &self.ctx.conf.mode_cfg;
        let t = A::from(attr.attribute_type);
        match t {
            A::InternalIp4Address => {
                let port = self.cfg_getport(now, i);
                let base = u32::from(self.ctx.conf.mode_cfg.network4);
                let addr = port.map_or(Ipv4Addr::UNSPECIFIED, |p| {
                    Ipv4Addr::from(base.wrapping_add(p))
                });
                self.accounting(now, i, addr);
                vec![addr_attr(t, addr)]
            }
            A::InternalIp4Netmask => vec![addr_attr(t, m.netmask4)],
            A::InternalIp4Dns | A::InternalIp4Nbns => {
                // One attribute per server (`isakmp_cfg_addr4_list`).
                let list = if t == A::InternalIp4Dns {
                    &m.dns4
                } else {
                    &m.wins4
                };
                list.iter().map(|a| addr_attr(t, *a)).collect()
            }
            _ => match &m.split_network {
                // isakmp_cfg_addrnet4: the first split network.
                Some((_, nets)) if !nets.is_empty() => {
                    let mut v = nets[0].addr.octets().to_vec();
                    v.extend_from_slice(&nets[0].mask().to_be_bytes());
                    vec![SaAttribute::variable(t, v)]
                }
                _ => {
                    let line = format!("{t} requested but no splitnet in configuration");
                    self.ctx.log.info(now, line);
                    Vec::new()
                }
            },
        }
    }

    /// `isakmp_cfg_getport`: the ISAKMP SA's pool index, taken once.
    pub(super) fn cfg_getport(&mut self, now: Instant, i: usize) -> Option<u32> {
        if let Some(port) = self.ph1[i].cfg.port {
            return Some(port);
        }
        let Some(port) = self.ctx.cfg_server.getport() else {
            self.ctx.log.error(now, "No more addresses available");
            return None;
        };
        self.ctx.log.info(now, format!("Using port {port}"));
        self.ph1[i].cfg.port = Some(port);
        Some(port)
    }

    /// `isakmp_cfg_accounting` with `accounting system` (utmp): a log line.
    fn accounting(&mut self, now: Instant, i: usize, addr: Ipv4Addr) {
        use crate::config::racoon::mode_cfg::Accounting;
        if self.ctx.conf.mode_cfg.accounting == Accounting::None {
            return;
        }
        let p = &self.ph1[i];
        let line = format!(
            "Accounting : '{}' logging on '{addr}' from {}.",
            p.cfg.login(),
            p.peer.ip()
        );
        self.ctx.log.info(now, line);
    }

    /// `isakmp_unity_req`: banner, default domain, split networks and
    /// DNS, PFS group, save-password, for a peer that sent the Unity VID.
    fn unity_request(&mut self, now: Instant, i: usize, attr: &SaAttribute) -> Option<SaAttribute> {
        if !self.ph1[i].cfg.peer_unity {
            let line =
                "Unity mode config request but the peer did not declare itself as  unity compliant";
            self.ctx.log.error(now, line);
            return None;
        }
        let m = &self.ctx.conf.mode_cfg;
        let t = A::from(attr.attribute_type);
        let bytes = |s: &str| Some(SaAttribute::variable(t, s.as_bytes().to_vec()));
        match t {
            A::UnityBanner => match &self.ctx.cfg_server.banner {
                Some(text) => bytes(text),
                None => {
                    let line = format!("Cannot open \"{}\"", m.banner);
                    self.ctx.log.error(now, line);
                    None
                }
            },
            A::UnityPfs => Some(SaAttribute::basic(
                t,
                u16::try_from(m.pfs_group).unwrap_or(0),
            )),
            A::UnitySavePasswd => Some(SaAttribute::basic(t, u16::from(m.save_passwd))),
            A::UnityDefDomain => bytes(&m.default_domain),
            A::UnitySplitDnsName => bytes(&m.split_dns.join(",")),
            A::UnitySplitInclude | A::UnityLocalLan => {
                let want = if t == A::UnitySplitInclude {
                    SplitKind::Include
                } else {
                    SplitKind::LocalLan
                };
                let (kind, nets) = m.split_network.as_ref()?;
                (*kind == want).then(|| SaAttribute::variable(t, split_entries(nets)))
            }
            A::UnityDdnsHostname => Some(attr.clone()),
            _ => None,
        }
    }

    /// `isakmp_cfg_reply`: XAuth answers go to the server's check, the
    /// configuration to the client, which is then up (`phase1_up`).
    pub(super) fn cfg_reply(
        &mut self,
        now: Instant,
        serial: u32,
        reply: &CfgRepr,
        kernel: &mut dyn KeyKernel,
    ) {
        for attr in &reply.attributes {
            let t = A::from(attr.attribute_type);
            if is_xauth(t) {
                if self
                    .xauth_attr_reply(now, serial, attr, reply.identifier)
                    .is_err()
                {
                    return;
                }
                continue;
            }
            let Some(p) = self.ph1.iter_mut().find(|p| p.serial == serial) else {
                return;
            };
            if !p.store_config(attr) {
                self.ctx.log.warning(now, format!("Ignored attribute {t}"));
            }
        }
        let Some(i) = self.ph1_at(serial) else {
            return;
        };
        let p = &self.ph1[i];
        let wants = self.ctx.conf.remotes[p.remote].mode_cfg;
        if p.established() && wants && p.xauth_role() == Some(XauthRole::Client) {
            self.client_up(now, i, kernel);
        }
    }

    /// `isakmp_cfg_set`: ACK each XAUTH_STATUS; after a failure the ISAKMP
    /// SA goes, else with `mode_cfg on` the client asks for its
    /// configuration.
    pub(super) fn cfg_set(&mut self, now: Instant, serial: u32, set: &CfgRepr) {
        let Some(i) = self.ph1_at(serial) else {
            return;
        };
        let mut env = self.ctx.env(now);
        let p = &mut self.ph1[i];
        let mut acks = Vec::new();
        for attr in &set.attributes {
            if A::from(attr.attribute_type) == A::XauthStatus {
                acks.extend(p.xauth_status(&mut env, attr));
            } else {
                let t = A::from(attr.attribute_type);
                env.log
                    .warning(now, format!("Unexpected SET attribute {t}"));
            }
        }
        let ack = CfgRepr {
            kind: CfgType::Ack,
            identifier: set.identifier,
            attributes: acks,
        };
        p.send_cfg(&mut env, ack, false);
        if p.cfg.delete_after_ack {
            self.xauth_failed(now, i);
            return;
        }
        if env.conf.remotes[p.remote].mode_cfg {
            p.send_config_request(&mut env);
        }
    }
}

impl Phase1 {
    /// `isakmp_cfg_getconfig`: the client's REQUEST, a new exchange.
    fn send_config_request(&mut self, env: &mut Env<'_>) {
        let attr = CfgRepr {
            kind: CfgType::Request,
            identifier: u16::from_be_bytes(env.random()),
            attributes: REQUESTED
                .iter()
                .map(|t| SaAttribute::variable(*t, Vec::new()))
                .collect(),
        };
        self.send_cfg(env, attr, true);
    }

    /// One attribute of a mode_cfg REPLY kept by the client; false for
    /// those racoon ignores.
    fn store_config(&mut self, attr: &SaAttribute) -> bool {
        let a = &mut self.cfg.assigned;
        let bytes = match &attr.value {
            AttributeValue::Variable(v) => v.as_slice(),
            AttributeValue::Basic(_) => &[][..],
        };
        match A::from(attr.attribute_type) {
            A::InternalIp4Address => a.addr4 = v4(attr),
            A::InternalIp4Netmask => a.mask4 = v4(attr),
            A::InternalIp4Dns => a.dns4.extend(v4(attr).filter(|_| a.dns4.len() < 4)),
            A::InternalIp4Nbns => a.wins4.extend(v4(attr).filter(|_| a.wins4.len() < 4)),
            A::UnityDefDomain => a.default_domain = String::from_utf8_lossy(bytes).into_owned(),
            A::UnitySplitInclude => a.split_include = parse_split(bytes),
            A::UnityLocalLan => a.local_lan = parse_split(bytes),
            // isakmp_unity_reply logs and drops the rest.
            A::UnityBanner
            | A::UnitySplitDnsName
            | A::UnitySavePasswd
            | A::UnityPfs
            | A::UnityNattPort
            | A::UnityFwType
            | A::UnityBackupServers
            | A::UnityDdnsHostname
            | A::ApplicationVersion => {}
            _ => return false,
        }
        true
    }
}
