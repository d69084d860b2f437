//! A router's `nat:` section: the scenario's words for [`crate::nat`]
//! (checked and turned into a NAT configuration by `nat_config`).

use std::net::Ipv4Addr;

use serde::Deserialize;

use super::located::Located;
use super::units::Span;

#[derive(Clone, Copy, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum NatKind {
    FullCone,
    AddressRestricted,
    #[default]
    PortRestricted,
    Symmetric,
}

#[derive(Clone, Copy, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum NatPorts {
    #[default]
    Preserve,
    Sequential,
    Random,
}

#[derive(Clone, Copy, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum NatEsp {
    /// The article's "most NAT devices".
    #[default]
    OneMapping,
    SpiTracking,
    Drop,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NatTimeouts {
    #[serde(default)]
    pub udp: Option<Span>,
    #[serde(default)]
    pub tcp: Option<Span>,
    #[serde(default)]
    pub icmp: Option<Span>,
    #[serde(default)]
    pub esp: Option<Span>,
}

/// `forward: [{ proto: udp, port: 500, to: 192.168.0.2, to_port: 500 }]`
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ForwardSpec {
    pub proto: Located<String>,
    pub port: u16,
    pub to: Located<Ipv4Addr>,
    #[serde(default)]
    pub to_port: Option<u16>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NatSpec {
    /// The interface whose address inside hosts are translated to.
    pub outside: Located<String>,
    #[serde(default)]
    pub kind: NatKind,
    #[serde(default)]
    pub ports: NatPorts,
    #[serde(default)]
    pub timeouts: NatTimeouts,
    #[serde(default)]
    pub refresh_inbound: bool,
    #[serde(default)]
    pub esp: NatEsp,
    #[serde(default)]
    pub hairpin: bool,
    #[serde(default)]
    pub forward: Vec<ForwardSpec>,
}
