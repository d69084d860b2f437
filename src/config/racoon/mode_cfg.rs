//! racoon.conf's top-level `mode_cfg { }` section (cfparse.y
//! `modecfg_stmt`, cftoken.l's `CFG_*` tokens): what an XAuth server
//! hands its clients. Defaults are `isakmp_cfg_init` (isakmp_cfg.c);
//! session.c makes a pool of 255 when `network4` is set and `pool_size`
//! is not.

use std::net::Ipv4Addr;

use super::{ParseError, Parser, address, error};
use crate::config::lexer::{Pos, Tok};
use crate::net::Prefix;

/// `auth_source` (isakmp_cfg.h `ISAKMP_CFG_AUTH_*`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AuthSource {
    System,
    Radius,
    Pam,
    Ldap,
}

/// `accounting` (`ISAKMP_CFG_ACCT_*`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Accounting {
    None,
    System,
    Radius,
    Pam,
}

/// `split_network include|local_lan` (Unity SPLIT_INCLUDE / LOCAL_LAN).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SplitKind {
    Include,
    LocalLan,
}

/// The `mode_cfg { }` section.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ModeCfg {
    /// Where the section starts; None: racoon's defaults, no section.
    pub at: Option<Pos>,
    /// `network4`: the pool's first address.
    pub network4: Ipv4Addr,
    pub netmask4: Ipv4Addr,
    /// `pool_size`: addresses handed out, network4 + 0 .. network4 + N-1.
    pub pool_size: u32,
    pub dns4: Vec<Ipv4Addr>,
    /// `wins4` / `nbns4`.
    pub wins4: Vec<Ipv4Addr>,
    pub default_domain: String,
    /// `banner "file"`: sent as UNITY_BANNER (default /etc/motd).
    pub banner: String,
    pub split_network: Option<(SplitKind, Vec<Prefix>)>,
    pub split_dns: Vec<String>,
    pub auth_source: AuthSource,
    /// `auth_groups`: the user must be in one of them (/etc/group).
    pub auth_groups: Vec<String>,
    pub accounting: Accounting,
    /// `auth_throttle N;` seconds added per failed login (throttle.c).
    pub auth_throttle: u32,
    /// `pfs_group N;` sent as UNITY_PFS.
    pub pfs_group: u32,
    /// `save_passwd on|off;` sent as UNITY_SAVE_PASSWD.
    pub save_passwd: bool,
}

/// isakmp_cfg.c `isakmp_cfg_init`; `MAXNS` is 4 (isakmp_cfg.h).
pub const MAXNS: usize = 4;
/// isakmp_cfg.h `MAXWINS`.
pub const MAXWINS: usize = 4;

impl Default for ModeCfg {
    fn default() -> ModeCfg {
        ModeCfg {
            at: None,
            network4: Ipv4Addr::UNSPECIFIED,
            netmask4: Ipv4Addr::UNSPECIFIED,
            pool_size: 0,
            dns4: Vec::new(),
            wins4: Vec::new(),
            default_domain: String::new(),
            banner: "/etc/motd".into(),
            split_network: None,
            split_dns: Vec::new(),
            auth_source: AuthSource::System,
            auth_groups: Vec::new(),
            accounting: Accounting::None,
            auth_throttle: 1,
            pfs_group: 0,
            save_passwd: false,
        }
    }
}

const STATEMENTS: &str = "a mode_cfg statement (network4, netmask4, pool_size, dns4, wins4, split_network, split_dns, default_domain, banner, auth_source, auth_groups, group_source, conf_source, accounting, auth_throttle, pfs_group or save_passwd)";

impl Parser {
    /// `mode_cfg { ... }`.
    pub(super) fn mode_cfg(&mut self, cfg: &mut ModeCfg, pos: Pos) -> Result<(), ParseError> {
        self.open("mode_cfg")?;
        let mut network_set = false;
        let mut pool_set = false;
        self.section(STATEMENTS, |p, word, at| {
            network_set |= word == "network4";
            pool_set |= word == "pool_size";
            p.mode_cfg_statement(cfg, word, at)
        })?;
        // session.c: a network without a pool size gets 255 addresses.
        if network_set && !pool_set {
            cfg.pool_size = 255;
        }
        cfg.at = Some(pos);
        Ok(())
    }

    fn mode_cfg_statement(
        &mut self,
        cfg: &mut ModeCfg,
        word: &str,
        pos: Pos,
    ) -> Result<(), ParseError> {
        match word {
            "network4" => cfg.network4 = self.v4("the pool's first address")?,
            "netmask4" => cfg.netmask4 = self.v4("the netmask")?,
            "pool_size" => cfg.pool_size = self.number_u32("the number of addresses")?,
            "dns4" => cfg.dns4 = self.v4_list("a DNS server address", MAXNS)?,
            "wins4" | "nbns4" => cfg.wins4 = self.v4_list("a WINS server address", MAXWINS)?,
            "default_domain" => cfg.default_domain = self.quoted("the domain in double quotes")?.0,
            "banner" => cfg.banner = self.quoted("the banner file in double quotes")?.0,
            "split_network" => cfg.split_network = Some(self.split_network()?),
            "split_dns" => cfg.split_dns = self.quoted_list("a domain in double quotes")?,
            "auth_source" => cfg.auth_source = self.auth_source(pos)?,
            "auth_groups" => cfg.auth_groups = self.quoted_list("a group name in double quotes")?,
            "group_source" => self.source(pos, word, &["system", "ldap"])?,
            "conf_source" => self.source(pos, word, &["local", "radius", "ldap"])?,
            "accounting" => cfg.accounting = self.accounting(pos)?,
            "auth_throttle" => cfg.auth_throttle = self.number_u32("a number of seconds")?,
            "pfs_group" => cfg.pfs_group = self.number_u32("a DH group number")?,
            "save_passwd" => cfg.save_passwd = self.switch()?,
            _ => {
                return Err(error(
                    pos,
                    format!("unknown mode_cfg statement `{word}`: expected {STATEMENTS}"),
                ));
            }
        }
        self.semi()
    }

    fn v4(&mut self, what: &str) -> Result<Ipv4Addr, ParseError> {
        let (text, pos) = self.word(&format!("{what} (an IPv4 address)"))?;
        match text.parse::<Ipv4Addr>() {
            Ok(a) => Ok(a),
            Err(_) => Err(error(
                pos,
                format!("expected {what} (an IPv4 address), found `{text}`"),
            )),
        }
    }

    /// `A[, B ...]` with at most `max` entries (cfparse.y `addrdnslist`:
    /// "No more than %d DNS").
    fn v4_list(&mut self, what: &str, max: usize) -> Result<Vec<Ipv4Addr>, ParseError> {
        let mut list = Vec::new();
        loop {
            let at = self.here();
            list.push(self.v4(what)?);
            if list.len() > max {
                return Err(error(at, format!("no more than {max} of them")));
            }
            if !self.eat(&Tok::Punct(',')) {
                return Ok(list);
            }
        }
    }

    fn quoted_list(&mut self, what: &str) -> Result<Vec<String>, ParseError> {
        let mut list = vec![self.quoted(what)?.0];
        while self.eat(&Tok::Punct(',')) {
            list.push(self.quoted(what)?.0);
        }
        Ok(list)
    }

    /// `split_network include|local_lan A.B.C.D/N[, ...]`.
    fn split_network(&mut self) -> Result<(SplitKind, Vec<Prefix>), ParseError> {
        let (kind, pos) = self.word("`include` or `local_lan`")?;
        let kind = match kind.as_str() {
            "include" => SplitKind::Include,
            "local_lan" => SplitKind::LocalLan,
            _ => {
                return Err(error(
                    pos,
                    format!("expected `include` or `local_lan`, found `{kind}`"),
                ));
            }
        };
        let mut nets = Vec::new();
        loop {
            let (text, at) = self.word("a network (A.B.C.D/N)")?;
            let Some(addr) = address(&text, at)? else {
                return Err(error(at, format!("IPv6 is not supported: `{text}`")));
            };
            let Some((len, _)) = self.optional_prefix()? else {
                return Err(self.expected("`/` and the prefix length"));
            };
            nets.push(Prefix { addr, len });
            if !self.eat(&Tok::Punct(',')) {
                return Ok((kind, nets));
            }
        }
    }

    /// `auth_source`: vpnlab checks logins against the node's
    /// /etc/passwd and /etc/shadow (`system`); the others need servers.
    fn auth_source(&mut self, pos: Pos) -> Result<AuthSource, ParseError> {
        let (word, at) = self.word("system, radius, pam or ldap")?;
        let source = match word.as_str() {
            "system" => AuthSource::System,
            "radius" => AuthSource::Radius,
            "pam" => AuthSource::Pam,
            "ldap" => AuthSource::Ldap,
            _ => {
                return Err(error(
                    at,
                    format!("expected system, radius, pam or ldap, found `{word}`"),
                ));
            }
        };
        if source != AuthSource::System {
            self.warn(pos, format!("auth_source {word} is not supported: vpnlab checks XAuth logins with auth_source system (the node's /etc/passwd and /etc/shadow); every login fails"));
        }
        Ok(source)
    }

    /// `group_source` / `conf_source`: only the local kinds exist here.
    fn source(&mut self, pos: Pos, stmt: &str, kinds: &[&str]) -> Result<(), ParseError> {
        let (word, at) = self.word(&kinds.join(" or "))?;
        if !kinds.contains(&word.as_str()) {
            return Err(error(
                at,
                format!("expected {}, found `{word}`", kinds.join(" or ")),
            ));
        }
        if word != kinds[0] {
            self.warn(
                pos,
                format!(
                    "{stmt} {word} is not supported: vpnlab uses {} (no external servers)",
                    kinds[0]
                ),
            );
        }
        Ok(())
    }

    fn accounting(&mut self, pos: Pos) -> Result<Accounting, ParseError> {
        let (word, at) = self.word("none, system, radius or pam")?;
        let kind = match word.as_str() {
            "none" => Accounting::None,
            "system" => Accounting::System,
            "radius" => Accounting::Radius,
            "pam" => Accounting::Pam,
            _ => {
                return Err(error(
                    at,
                    format!("expected none, system, radius or pam, found `{word}`"),
                ));
            }
        };
        if matches!(kind, Accounting::Radius | Accounting::Pam) {
            self.warn(pos, format!("accounting {word} is not supported: no accounting server; logins are logged as with accounting system"));
        }
        Ok(kind)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::racoon::parse;

    /// isakmp_cfg.c `isakmp_cfg_init` defaults and session.c's pool of
    /// 255 for a network without `pool_size`.
    #[test]
    fn defaults_and_the_implicit_pool() {
        let (conf, warnings) = parse("mode_cfg {\n network4 10.99.99.0;\n}\n").unwrap();
        assert!(warnings.is_empty(), "{warnings:?}");
        let m = &conf.mode_cfg;
        assert_eq!(m.network4, Ipv4Addr::new(10, 99, 99, 0));
        assert_eq!(m.pool_size, 255);
        assert_eq!(m.banner, "/etc/motd");
        assert_eq!(m.auth_source, AuthSource::System);
        assert_eq!(m.auth_throttle, 1);
        let (conf, _) = parse("").unwrap();
        assert_eq!(conf.mode_cfg.pool_size, 0);
        assert!(conf.mode_cfg.at.is_none());
    }

    /// The sample roadwarrior server's section (ipsec-tools
    /// src/racoon/samples/roadwarrior/server/racoon.conf).
    #[test]
    fn the_sample_server_section() {
        let text = "mode_cfg {\n\tnetwork4 10.99.99.0;\n\tpool_size 255;\n\tnetmask4 255.255.255.0;\n\tauth_source system;\n\tdns4 10.0.12.1;\n\twins4 10.0.12.1;\n\tbanner \"/etc/racoon/motd\";\n\tpfs_group 2;\n\tsplit_network include 10.0.0.0/8, 192.168.0.0/16;\n\tsplit_dns \"example.org\", \"example.net\";\n\tdefault_domain \"example.org\";\n\tauth_groups \"vpn\";\n}\n";
        let (conf, warnings) = parse(text).unwrap();
        assert!(warnings.is_empty(), "{warnings:?}");
        let m = &conf.mode_cfg;
        assert_eq!(m.netmask4, Ipv4Addr::new(255, 255, 255, 0));
        assert_eq!(m.dns4, vec![Ipv4Addr::new(10, 0, 12, 1)]);
        assert_eq!(m.wins4.len(), 1);
        assert_eq!(m.pfs_group, 2);
        let (kind, nets) = m.split_network.clone().unwrap();
        assert_eq!(kind, SplitKind::Include);
        assert_eq!(nets[1].to_string(), "192.168.0.0/16");
        assert_eq!(m.split_dns, vec!["example.org", "example.net"]);
        assert_eq!(m.auth_groups, vec!["vpn"]);
    }

    #[test]
    fn errors_and_warnings_have_positions() {
        let e = parse("mode_cfg {\n network4 10.0.0;\n}").unwrap_err();
        assert_eq!((e.line, e.column), (2, 11), "{e}");
        let e =
            parse("mode_cfg {\n dns4 1.1.1.1, 2.2.2.2, 3.3.3.3, 4.4.4.4, 5.5.5.5;\n}").unwrap_err();
        assert!(e.to_string().contains("no more than 4"), "{e}");
        let e = parse("mode_cfg {\n pool 4;\n}").unwrap_err();
        assert!(e.to_string().contains("unknown mode_cfg statement"), "{e}");
        let (_, w) = parse("mode_cfg {\n auth_source radius;\n}").unwrap();
        assert_eq!((w[0].line, w[0].column), (2, 2));
        assert!(w[0].message.contains("every login fails"));
    }
}
