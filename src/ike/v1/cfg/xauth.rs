//! XAuth, both ends (isakmp_xauth.c): the server's REQUEST after phase 1
//! (`xauth_sendreq`), the client's REPLY with `xauth_login` and its
//! psk.txt password (`isakmp_xauth_req`), the server's check of it
//! (`xauth_attr_reply`, `xauth_login_system`, `group_check`,
//! throttle.c) and its SET of the status (`xauth_reply`,
//! `xauth_sendstatus`), the client's ACK (`isakmp_xauth_set`).

use smoltcp::time::{Duration, Instant};

use super::{XauthRole, XauthStatus};
use crate::config::psk::PskId;
use crate::config::racoon::mode_cfg::AuthSource;
use crate::ike::v1::Racoon;
use crate::ike::v1::env::Env;
use crate::ike::v1::phase1::Phase1;
use crate::ike::{FailReason, IkeEvent};
use crate::wire::isakmp::{AttributeValue, CfgAttribute, CfgRepr, CfgType, SaAttribute};

/// isakmp_xauth.h `XAUTH_STATUS_FAIL` / `_OK`, `XAUTH_TYPE_GENERIC`.
const STATUS_FAIL: u16 = 0;
const STATUS_OK: u16 = 1;
const TYPE_GENERIC: u16 = 0;

/// A login answered later (throttle.c's delay), always as failed
/// (`xauth_attr_reply` forces `res = -1` while a penalty runs): when, the
/// pool index and the exchange identifier.
#[derive(Clone, Copy, Debug)]
pub(crate) struct DelayedReply {
    pub at: Instant,
    pub port: Option<u32>,
    pub id: u16,
}

/// The C string of an attribute's bytes: up to the first NUL (Android's
/// client sends the password with its terminating NUL).
fn c_string(bytes: &[u8]) -> &[u8] {
    bytes.split(|b| *b == 0).next().unwrap_or(&[])
}

/// plog.c `binsanitize`: graphic characters kept, each run of others
/// one space (none at the start).
fn binsanitize(bytes: &[u8]) -> String {
    let mut out = String::new();
    for &b in bytes {
        if b.is_ascii_graphic() {
            out.push(char::from(b));
        } else if !out.is_empty() && !out.ends_with(' ') {
            out.push(' ');
        }
    }
    out
}

impl Racoon {
    /// `xauth_sendreq`, from `ph1_main` once an XAuth server's phase 1
    /// is up with a peer that sent the XAuth vendor ID. racoon then stops
    /// sending INITIAL-CONTACT for this remote (`ini_contact = 0`).
    pub(in crate::ike::v1) fn xauth_start(&mut self, now: Instant, index: usize) {
        let p = &self.ph1[index];
        if p.xauth_role() != Some(XauthRole::Server) || !p.cfg.peer_xauth {
            return;
        }
        let remote = p.remote;
        self.ctx.conf.remotes[remote].initial_contact = false;
        let mut env = self.ctx.env(now);
        let id = u16::from_be_bytes(env.random());
        let attr = CfgRepr {
            kind: CfgType::Request,
            identifier: id,
            attributes: vec![
                SaAttribute::basic(CfgAttribute::XauthType, TYPE_GENERIC),
                SaAttribute::variable(CfgAttribute::XauthUserName, Vec::new()),
                SaAttribute::variable(CfgAttribute::XauthUserPassword, Vec::new()),
            ],
        };
        env.log.info(now, "Sending Xauth request");
        let p = &mut self.ph1[index];
        p.cfg.status = XauthStatus::ReqSent;
        p.send_cfg(&mut env, attr, true);
    }

    /// `xauth_attr_reply` for one attribute of a REPLY; Err(()) stops the
    /// REPLY (racoon returns the error).
    pub(super) fn xauth_attr_reply(
        &mut self,
        now: Instant,
        serial: u32,
        attr: &SaAttribute,
        id: u16,
    ) -> Result<(), ()> {
        let Some(i) = self.ph1_at(serial) else {
            return Err(());
        };
        let p = &mut self.ph1[i];
        let log = &mut self.ctx.log;
        if !p.cfg.peer_xauth {
            let line = "Xauth reply but peer did not declare itself as Xauth capable";
            log.error(now, line);
            return Err(());
        }
        if p.cfg.status != XauthStatus::ReqSent {
            let state = p.cfg.status as u8;
            log.error(now, format!("Xauth reply while Xauth state is {state}"));
            return Err(());
        }
        let bytes = match &attr.value {
            AttributeValue::Variable(v) => c_string(v).to_vec(),
            AttributeValue::Basic(_) => Vec::new(),
        };
        match CfgAttribute::from(attr.attribute_type) {
            CfgAttribute::XauthType => {
                if attr.as_u64() != Some(u64::from(TYPE_GENERIC)) {
                    let t = attr.attribute_type;
                    log.warning(now, format!("Unexpected authentication type {t}"));
                    return Err(());
                }
            }
            CfgAttribute::XauthUserName => p.cfg.user = Some(bytes),
            CfgAttribute::XauthUserPassword => p.cfg.password = Some(bytes),
            _ => {
                let t = attr.attribute_type;
                log.warning(now, format!("ignored Xauth attribute {t}"));
            }
        }
        if p.cfg.user.is_some() && p.cfg.password.is_some() {
            return self.xauth_check_login(now, i, id);
        }
        Ok(())
    }

    /// The second half of `xauth_attr_reply`: the pool index, the login
    /// against `auth_source`, `auth_groups`, then the throttle.
    fn xauth_check_login(&mut self, now: Instant, i: usize, id: u16) -> Result<(), ()> {
        let (user, password) = {
            let c = &self.ph1[i].cfg;
            (
                c.user.clone().unwrap_or_default(),
                c.password.clone().unwrap_or_default(),
            )
        };
        let name = String::from_utf8_lossy(&user).into_owned();
        let port = self.cfg_getport(now, i);
        let ok = match port {
            None => {
                self.ctx.log.error(now, "Port pool depleted");
                false
            }
            Some(_) => self.login(now, &name, &password) && self.group_check(now, &name),
        };
        let host = *self.ph1[i].peer.ip();
        let step = self.ctx.conf.mode_cfg.auth_throttle;
        let delay = self.ctx.cfg_server.throttle(now, host, !ok, step);
        if delay == 0 {
            return self.xauth_reply(now, i, port, id, ok);
        }
        let line = format!("Throttling in action for {host}: delay {delay}s");
        self.ctx.log.error(now, line);
        let at = now + Duration::from_secs(delay);
        self.ph1[i].cfg.delayed = Some(DelayedReply { at, port, id });
        self.ctx.timer_at(Some(at));
        Ok(())
    }

    /// `auth_source`: `system` is `xauth_login_system`; the others need
    /// servers vpnlab does not have (racoon.conf's parser warned).
    fn login(&mut self, now: Instant, user: &str, password: &[u8]) -> bool {
        if self.ctx.conf.mode_cfg.auth_source != AuthSource::System {
            self.ctx.log.error(now, "Unexpected authentication source");
            return false;
        }
        self.ctx.cfg_server.accounts.login(user, password).is_ok()
    }

    /// isakmp_xauth.c `group_check` with `xauth_group_system`: the user
    /// must be in one of `auth_groups` (none: any user).
    fn group_check(&mut self, now: Instant, user: &str) -> bool {
        let groups = self.ctx.conf.mode_cfg.auth_groups.clone();
        if groups.is_empty() {
            return true;
        }
        for group in &groups {
            match self.ctx.cfg_server.accounts.group_has(group, user) {
                None => {
                    let line = format!("the system group name '{group}' is unknown");
                    self.ctx.log.error(now, line);
                }
                Some(true) => {
                    self.ctx.log.info(now, "membership validated");
                    let line = format!("user \"{user}\" is a member of group \"{group}\"");
                    self.ctx.log.info(now, line);
                    return true;
                }
                Some(false) => {
                    let line = format!("user \"{user}\" is not a member of group \"{group}\"");
                    self.ctx.log.info(now, line);
                }
            }
        }
        false
    }

    /// `xauth_reply`: SET the status; a failed login frees the pool
    /// index, and the server deletes the ISAKMP SA at once (DELETE,
    /// `remph1`, `delph1`) without waiting for the ACK.
    pub(super) fn xauth_reply(
        &mut self,
        now: Instant,
        i: usize,
        port: Option<u32>,
        id: u16,
        ok: bool,
    ) -> Result<(), ()> {
        let user = self.ph1[i].cfg.login();
        let status = if ok { STATUS_OK } else { STATUS_FAIL };
        if ok {
            self.ph1[i].cfg.status = XauthStatus::Ok;
            let mut env = self.ctx.env(now);
            env.log
                .info(now, format!("login succeeded for user \"{user}\""));
            self.ph1[i].send_status(&mut env, status, id);
            return Ok(());
        }
        if let Some(port) = port {
            self.ctx.cfg_server.putport(port);
            self.ctx.log.info(now, format!("Released port {port}"));
            self.ph1[i].cfg.port = None;
        }
        let mut env = self.ctx.env(now);
        env.log
            .info(now, format!("login failed for user \"{user}\""));
        let p = &mut self.ph1[i];
        p.send_status(&mut env, status, id);
        p.cfg.status = XauthStatus::NotYet;
        self.xauth_failed(now, i);
        Err(())
    }

    /// The ISAKMP SA ends after a failed XAuth (`isakmp_info_send_d1`,
    /// `delph1`), counted as a phase 1 failure.
    pub(super) fn xauth_failed(&mut self, now: Instant, i: usize) {
        let p = self.forget_phase1(now, i);
        p.send_delete_isakmp(&mut self.ctx.env(now));
        self.ctx.log.event(IkeEvent::Failed {
            at: now,
            peer: *p.peer.ip(),
            phase: 1,
            reason: FailReason::XauthFailed,
        });
        self.fail_waiting_phase2(now, *p.peer.ip());
    }

    /// A throttled login's answer is due (`xauth_reply_stub`).
    pub(in crate::ike::v1) fn xauth_delayed(&mut self, now: Instant, i: usize) -> bool {
        let Some(d) = self.ph1[i].cfg.delayed.filter(|d| d.at <= now) else {
            return true;
        };
        self.ph1[i].cfg.delayed = None;
        self.xauth_reply(now, i, d.port, d.id, false).is_ok()
    }
}

impl Phase1 {
    /// `xauth_sendstatus`: SET with XAUTH_STATUS, a new exchange.
    fn send_status(&mut self, env: &mut Env<'_>, status: u16, id: u16) {
        let attr = CfgRepr {
            kind: CfgType::Set,
            identifier: id,
            attributes: vec![SaAttribute::basic(CfgAttribute::XauthStatus, status)],
        };
        self.send_cfg(env, attr, true);
    }

    /// `isakmp_xauth_req`: the client's answer to one REQUEST attribute.
    pub(super) fn xauth_answer(
        &self,
        env: &mut Env<'_>,
        attr: &SaAttribute,
    ) -> Option<SaAttribute> {
        let now = env.now;
        if !self.cfg.peer_xauth {
            let line = "Xauth mode config request but peer did not declare itself as Xauth capable";
            env.log.error(now, line);
            return None;
        }
        let login = env.conf.remotes[self.remote].xauth_login.clone();
        match CfgAttribute::from(attr.attribute_type) {
            CfgAttribute::XauthType => match attr.value {
                AttributeValue::Basic(TYPE_GENERIC) => {
                    Some(SaAttribute::basic(CfgAttribute::XauthType, TYPE_GENERIC))
                }
                AttributeValue::Basic(other) => {
                    let line = format!("Unsupported Xauth authentication {other}");
                    env.log.error(now, line);
                    None
                }
                AttributeValue::Variable(_) => {
                    env.log.error(now, "Unexpected long XAUTH_TYPE attribute");
                    None
                }
            },
            CfgAttribute::XauthUserName => {
                let Some(login) = login else {
                    env.log.error(now, "Xauth performed with no login supplied");
                    return None;
                };
                Some(SaAttribute::variable(
                    CfgAttribute::XauthUserName,
                    login.into_bytes(),
                ))
            }
            CfgAttribute::XauthUserPassword => {
                let login = login?;
                let Some(password) = env.psk.lookup(&PskId::Fqdn(login.clone())) else {
                    let line = format!("No password was found for login {login}");
                    env.log.error(now, line);
                    return None;
                };
                let value = password.to_vec();
                Some(SaAttribute::variable(
                    CfgAttribute::XauthUserPassword,
                    value,
                ))
            }
            CfgAttribute::XauthMessage => {
                if let AttributeValue::Variable(text) = &attr.value {
                    if !text.is_empty() {
                        let text = binsanitize(text);
                        env.log.info(now, format!("XAUTH Message: '{text}'."));
                    }
                }
                None
            }
            _ => {
                let line = format!(
                    "Ignored attribute {}",
                    CfgAttribute::from(attr.attribute_type)
                );
                env.log.warning(now, line);
                None
            }
        }
    }

    /// `isakmp_xauth_set`: the client's ACK attribute for a SET's
    /// XAUTH_STATUS; a failure marks the ISAKMP SA for deletion after it.
    pub(super) fn xauth_status(
        &mut self,
        env: &mut Env<'_>,
        attr: &SaAttribute,
    ) -> Option<SaAttribute> {
        let now = env.now;
        if !self.cfg.peer_xauth {
            let line = "Xauth mode config set but peer did not declare itself as Xauth capable";
            env.log.error(now, line);
            return None;
        }
        if self.xauth_role() != Some(XauthRole::Client) {
            env.log.error(now, "Unexpected XAUTH_STATUS_OK");
            return None;
        }
        if attr.as_u64() != Some(u64::from(STATUS_OK)) {
            env.log.error(now, "Xauth authentication failed");
            self.cfg.delete_after_ack = true;
        }
        Some(SaAttribute::basic(CfgAttribute::XauthStatus, 0u16))
    }
}
