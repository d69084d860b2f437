//! SAs and policies written in native YAML instead of a setkey script.
//! They become the same commands a setkey script gives.

use std::net::Ipv4Addr;

use serde::Deserialize;

use super::located::{Located, Pos};
use super::units::Spi;
use crate::crypto::{AuthAlg, EncAlg};
use crate::ipsec::pfkey::Request;
use crate::ipsec::spec::{
    Action, Direction, IpsecProto, Level, Lifetime, Mode, PolicySpec, SaSpec, Selector, Template,
    Upper,
};
use crate::net::Prefix;

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IpsecSpec {
    #[serde(default)]
    pub sas: Vec<SaYaml>,
    #[serde(default)]
    pub policies: Vec<PolicyYaml>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SaYaml {
    pub src: Ipv4Addr,
    pub dst: Ipv4Addr,
    /// `esp` or `ah`.
    pub proto: Located<String>,
    pub spi: Located<Spi>,
    /// `transport`, `tunnel` or `any` (default).
    #[serde(default)]
    pub mode: Option<Located<String>>,
    #[serde(default)]
    pub reqid: u32,
    /// Replay window in packets (0: no check).
    #[serde(default)]
    pub replay: u32,
    /// setkey `-E` name and `0x` key.
    #[serde(default)]
    pub enc: Option<Located<String>>,
    #[serde(default)]
    pub enc_key: Option<Located<String>>,
    /// setkey `-A` name and `0x` key.
    #[serde(default)]
    pub auth: Option<Located<String>>,
    #[serde(default)]
    pub auth_key: Option<Located<String>>,
    #[serde(default)]
    pub hard_seconds: u64,
    #[serde(default)]
    pub soft_seconds: u64,
    #[serde(default)]
    pub hard_bytes: u64,
    #[serde(default)]
    pub soft_bytes: u64,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicyYaml {
    pub src: Prefix,
    pub dst: Prefix,
    /// `any` (default), `icmp`, `tcp`, `udp` or a protocol number.
    #[serde(default)]
    pub upper: Option<Located<String>>,
    #[serde(default)]
    pub src_port: Option<u16>,
    #[serde(default)]
    pub dst_port: Option<u16>,
    /// `in`, `out` or `fwd`.
    pub dir: Located<String>,
    /// `ipsec`, `discard` or `none`.
    pub action: Located<String>,
    #[serde(default)]
    pub templates: Vec<TemplateYaml>,
    #[serde(default)]
    pub priority: i32,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TemplateYaml {
    pub proto: Located<String>,
    pub mode: Located<String>,
    /// Tunnel endpoints.
    #[serde(default)]
    pub src: Option<Ipv4Addr>,
    #[serde(default)]
    pub dst: Option<Ipv4Addr>,
    /// `default` (default), `use`, `require`, `unique`.
    #[serde(default)]
    pub level: Option<Located<String>>,
}

type Problem = (Pos, String);

fn bad(at: &Located<String>, expected: &str) -> Problem {
    (
        at.pos,
        format!("unknown value `{}`: expected {expected}", at.value),
    )
}

fn proto(p: &Located<String>) -> Result<IpsecProto, Problem> {
    match p.as_str() {
        "esp" => Ok(IpsecProto::Esp),
        "ah" => Ok(IpsecProto::Ah),
        _ => Err(bad(p, "esp or ah")),
    }
}

fn mode(m: Option<&Located<String>>) -> Result<Mode, Problem> {
    match m.map(|m| m.as_str()) {
        None | Some("any") => Ok(Mode::Any),
        Some("transport") => Ok(Mode::Transport),
        Some("tunnel") => Ok(Mode::Tunnel),
        Some(_) => Err(bad(
            m.unwrap_or(&Located::new(String::new())),
            "transport, tunnel or any",
        )),
    }
}

/// A `0x` hex key, checked against the algorithm's key lengths.
fn key(
    text: Option<&Located<String>>,
    lens: &[usize],
    alg: &str,
    at: Pos,
) -> Result<Vec<u8>, Problem> {
    let Some(text) = text else {
        return if lens.contains(&0) {
            Ok(Vec::new())
        } else {
            Err((at, format!("{alg} needs a key")))
        };
    };
    let hex = text.strip_prefix("0x").ok_or((
        text.pos,
        "a key is written 0x followed by hex digits".to_string(),
    ))?;
    let bytes: Option<Vec<u8>> = (0..hex.len())
        .step_by(2)
        .map(|i| {
            hex.get(i..i + 2)
                .and_then(|b| u8::from_str_radix(b, 16).ok())
        })
        .collect();
    let bytes = bytes.ok_or((
        text.pos,
        "a key is written 0x followed by an even number of hex digits".to_string(),
    ))?;
    if !lens.contains(&bytes.len()) {
        let want: Vec<String> = lens.iter().map(usize::to_string).collect();
        return Err((
            text.pos,
            format!(
                "key for {alg} is {} bytes; expected {}",
                bytes.len(),
                want.join(", ")
            ),
        ));
    }
    Ok(bytes)
}

impl SaYaml {
    pub fn to_command(&self) -> Result<Request, Problem> {
        let proto = proto(&self.proto)?;
        let enc = match &self.enc {
            Some(name) => {
                let alg = EncAlg::from_setkey(name)
                    .ok_or_else(|| bad(name, "an ESP encryption algorithm setkey knows"))?;
                Some((
                    alg,
                    key(self.enc_key.as_ref(), alg.key_lens(), name, name.pos)?,
                ))
            }
            None => None,
        };
        let auth = match &self.auth {
            Some(name) => {
                let alg = AuthAlg::from_setkey(name)
                    .ok_or_else(|| bad(name, "an authentication algorithm setkey knows"))?;
                Some((
                    alg,
                    key(self.auth_key.as_ref(), alg.key_lens(), name, name.pos)?,
                ))
            }
            None => None,
        };
        match (proto, &enc, &auth) {
            (IpsecProto::Esp, None, _) => {
                return Err((self.proto.pos, "an ESP SA needs `enc`".into()));
            }
            (IpsecProto::Ah, Some(_), _) => {
                return Err((self.proto.pos, "an AH SA takes no `enc`".into()));
            }
            (IpsecProto::Ah, _, None) => {
                return Err((self.proto.pos, "an AH SA needs `auth`".into()));
            }
            _ => {}
        }
        if self.spi.value.0 < 256 {
            return Err((
                self.spi.pos,
                "SPIs 0 to 255 are reserved (RFC 4303 §2.1)".into(),
            ));
        }
        Ok(Request::Add(SaSpec {
            encap: None,
            src: self.src,
            dst: self.dst,
            proto,
            spi: self.spi.value.0,
            mode: mode(self.mode.as_ref())?,
            reqid: self.reqid,
            replay_window: self.replay,
            enc,
            auth,
            hard: Lifetime {
                seconds: self.hard_seconds,
                bytes: self.hard_bytes,
            },
            soft: Lifetime {
                seconds: self.soft_seconds,
                bytes: self.soft_bytes,
            },
        }))
    }
}

fn level(l: Option<&Located<String>>) -> Result<Level, Problem> {
    match l.map(|l| (l, l.as_str())) {
        None | Some((_, "default")) => Ok(Level::Default),
        Some((_, "use")) => Ok(Level::Use),
        Some((_, "require")) => Ok(Level::Require),
        Some((_, "unique")) => Ok(Level::Unique(None)),
        Some((l, _)) => Err(bad(l, "default, use, require or unique")),
    }
}

impl TemplateYaml {
    fn to_template(&self) -> Result<Template, Problem> {
        let m = mode(Some(&self.mode))?;
        let endpoints = match (m, self.src, self.dst) {
            (Mode::Tunnel, Some(s), Some(d)) => Some((s, d)),
            (Mode::Tunnel, _, _) => {
                return Err((
                    self.mode.pos,
                    "a tunnel template needs `src` and `dst`".into(),
                ));
            }
            _ => None,
        };
        Ok(Template {
            proto: proto(&self.proto)?,
            mode: m,
            endpoints,
            level: level(self.level.as_ref())?,
        })
    }
}

impl PolicyYaml {
    pub fn to_command(&self) -> Result<Request, Problem> {
        let dir = match self.dir.as_str() {
            "in" => Direction::In,
            "out" => Direction::Out,
            "fwd" => Direction::Fwd,
            _ => return Err(bad(&self.dir, "in, out or fwd")),
        };
        let action = match self.action.as_str() {
            "ipsec" => Action::Ipsec,
            "discard" => Action::Discard,
            "none" => Action::None,
            _ => return Err(bad(&self.action, "ipsec, discard or none")),
        };
        let upper = match &self.upper {
            None => Upper::Any,
            Some(u) if u.as_str() == "any" => Upper::Any,
            Some(u) => Upper::Protocol(
                crate::observe::filter::protocol_number(u)
                    .ok_or_else(|| bad(u, "any, icmp, tcp, udp or a protocol number"))?,
            ),
        };
        let templates = self
            .templates
            .iter()
            .map(TemplateYaml::to_template)
            .collect::<Result<Vec<_>, _>>()?;
        if action == Action::Ipsec && templates.is_empty() {
            return Err((
                self.action.pos,
                "an ipsec policy needs at least one template".into(),
            ));
        }
        let selector = Selector {
            src: self.src.into(),
            dst: self.dst.into(),
            src_port: self.src_port,
            dst_port: self.dst_port,
            upper,
        };
        Ok(Request::SpdAdd(PolicySpec {
            selector,
            dir,
            action,
            templates,
            priority: self.priority,
        }))
    }
}

impl IpsecSpec {
    /// The setkey commands these SAs and policies stand for, in order.
    pub fn commands(&self) -> Result<Vec<Request>, Problem> {
        let sas = self.sas.iter().map(SaYaml::to_command);
        let policies = self.policies.iter().map(PolicyYaml::to_command);
        sas.chain(policies).collect()
    }
}
