//! What an XAuth gateway keeps across its clients: the mode_cfg address
//! pool (isakmp_cfg.c `isakmp_cfg_getport` / `isakmp_cfg_putport`), the
//! user database of `auth_source system`, the banner file, and the login
//! throttle (throttle.c `throttle_host`).

use std::net::Ipv4Addr;

use smoltcp::time::{Duration, Instant};

use crate::config::passwd::Accounts;

/// throttle.c `THROTTLE_PENALTY_MAX`: seconds.
const THROTTLE_PENALTY_MAX: u64 = 10;

#[derive(Debug, Default)]
pub(crate) struct CfgServer {
    /// `isakmp_cfg_config.port_pool`: in use or not, by index.
    pool: Vec<bool>,
    pub accounts: Accounts,
    /// The banner file's text, when the node has it.
    pub banner: Option<String>,
    /// throttle.c's list: a host and when its penalty ends.
    throttle: Vec<(Ipv4Addr, Instant)>,
}

impl CfgServer {
    pub fn new(pool_size: u32, accounts: Accounts, banner: Option<String>) -> CfgServer {
        CfgServer {
            pool: vec![false; pool_size as usize],
            accounts,
            banner,
            throttle: Vec::new(),
        }
    }

    /// The pool of `mode_cfg`, the node's /etc/passwd, /etc/shadow and
    /// /etc/group, and the banner file, read as racoon reads them.
    pub fn load<'a>(
        m: &crate::config::racoon::ModeCfg,
        file: impl Fn(&str) -> Option<&'a str>,
    ) -> Result<CfgServer, String> {
        let accounts =
            Accounts::parse(file("/etc/passwd"), file("/etc/shadow"), file("/etc/group"))
                .map_err(|(_, e)| format!("cannot read the user database: {e}"))?;
        let banner = file(&m.banner).map(str::to_string);
        Ok(CfgServer::new(m.pool_size, accounts, banner))
    }

    /// `isakmp_cfg_getport`: the lowest free index; None when the pool is
    /// empty or full ("Port pool depleted").
    pub fn getport(&mut self) -> Option<u32> {
        let i = self.pool.iter().position(|used| !used)?;
        self.pool[i] = true;
        u32::try_from(i).ok()
    }

    /// A restarted racoon's pool (`isakmp_cfg_init`): all free.
    pub fn free_pool(&mut self) {
        self.pool.fill(false);
    }

    /// `isakmp_cfg_putport`.
    pub fn putport(&mut self, port: u32) {
        if let Some(slot) = self.pool.get_mut(port as usize) {
            *slot = false;
        }
    }

    /// throttle.c `throttle_host`: the delay in seconds before a login of
    /// `host` is answered. A host's first failure is free and starts its
    /// entry; each later failure adds `step` seconds to what is left, up
    /// to 10; expired entries go. `step` 0 switches throttling off.
    pub fn throttle(&mut self, now: Instant, host: Ipv4Addr, failed: bool, step: u32) -> u64 {
        if step == 0 {
            return 0;
        }
        self.throttle.retain(|(_, ends)| *ends >= now);
        let Some(entry) = self.throttle.iter_mut().find(|(h, _)| *h == host) else {
            if failed {
                self.throttle
                    .push((host, now + Duration::from_secs(u64::from(step))));
            }
            return 0;
        };
        if failed {
            let remaining = entry.1 - now;
            let penalty = (remaining + Duration::from_secs(u64::from(step)))
                .min(Duration::from_secs(THROTTLE_PENALTY_MAX));
            entry.1 = now + penalty;
        }
        (entry.1 - now).secs()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// isakmp_cfg_getport: lowest free index first, a freed one again.
    #[test]
    fn the_pool_hands_out_the_lowest_free_index() {
        let mut s = CfgServer::new(2, Accounts::default(), None);
        assert_eq!(s.getport(), Some(0));
        assert_eq!(s.getport(), Some(1));
        assert_eq!(s.getport(), None);
        s.putport(0);
        assert_eq!(s.getport(), Some(0));
        assert_eq!(CfgServer::default().getport(), None);
    }

    /// throttle_host: first failure free; then step seconds more each,
    /// at most 10; a success while penalised still waits.
    #[test]
    fn throttle_as_throttle_host() {
        let mut s = CfgServer::default();
        let host = Ipv4Addr::new(192, 0, 2, 1);
        let t0 = Instant::from_secs(100);
        assert_eq!(s.throttle(t0, host, true, 3), 0);
        assert_eq!(s.throttle(t0, host, true, 3), 6);
        assert_eq!(s.throttle(t0, host, true, 3), 9);
        assert_eq!(s.throttle(t0, host, true, 3), 10);
        assert_eq!(s.throttle(t0, host, false, 3), 10);
        assert_eq!(s.throttle(Instant::from_secs(111), host, false, 3), 0);
        assert_eq!(s.throttle(t0, host, true, 0), 0);
    }
}
