//! The roadwarrior once its configuration arrived: racoon's
//! `script_hook(iph1, SCRIPT_PHASE1_UP)`.
//!
//! racoon itself installs nothing for a mode_cfg client: its phase1_up
//! script does (samples/roadwarrior/client/phase1-up.sh), and vpnlab does
//! not run scripts (racoon.conf's `script` is warned). Android's racoon
//! does it in the daemon (setup.c `privsep_script_exec`, on the first
//! phase1_up only): the internal address goes on a TUN device
//! (`android_hook`) and two tunnel policies bind it to the gateway,
//!
//! ```text
//! INTERNAL_ADDR4/32[any] 0.0.0.0/0[any] any -P out ipsec esp/tunnel/LOCAL-REMOTE/require
//! 0.0.0.0/0[any] INTERNAL_ADDR4/32[any] any -P in  ipsec esp/tunnel/REMOTE-LOCAL/require
//! ```
//!
//! which is what a node whose daemon runs as Android's gets.

use std::net::Ipv4Addr;

use smoltcp::time::Instant;

use crate::ike::v1::Racoon;
use crate::ipsec::KeyKernel;
use crate::ipsec::pfkey::Request;
use crate::ipsec::spec::{
    Action, Direction, IpsecProto, Level, Mode, PolicySpec, Selector, Template, Upper,
};
use crate::wire::ip::Cidr;

impl Racoon {
    /// `phase1_up` for an XAuth client with `mode_cfg on`.
    pub(super) fn client_up(&mut self, now: Instant, i: usize, kernel: &mut dyn KeyKernel) {
        let p = &self.ph1[i];
        let Some(addr) = p.cfg.assigned.addr4 else {
            self.ctx
                .log
                .error(now, "mode_cfg: no INTERNAL_IP4_ADDRESS in the reply");
            return;
        };
        let (local, peer) = (*p.local.ip(), *p.peer.ip());
        let line = format!("mode_cfg: internal address {addr} from {peer}");
        self.ctx.log.info(now, line);
        if !self.android {
            return;
        }
        // setup.c's `skip_script` is static: once per process.
        if std::mem::replace(&mut self.android_up, true) {
            let line = "Phase 1 is up again. This time skip executing the script.";
            self.ctx.log.warning(now, line);
            return;
        }
        self.new_virtual_ip = Some(addr);
        for (selector, dir, ends) in android_policies(addr, local, peer) {
            let spec = PolicySpec {
                selector,
                dir,
                action: Action::Ipsec,
                templates: vec![Template {
                    proto: IpsecProto::Esp,
                    mode: Mode::Tunnel,
                    endpoints: Some(ends),
                    level: Level::Require,
                }],
                priority: 0,
            };
            if let Err(e) = kernel.request(now, Request::SpdAdd(spec)) {
                self.ctx
                    .log
                    .error(now, format!("failed to add policy: {e}"));
            }
        }
    }
}

/// setup.c `privsep_script_exec`'s two policies.
fn android_policies(
    addr: Ipv4Addr,
    local: Ipv4Addr,
    peer: Ipv4Addr,
) -> [(Selector, Direction, (Ipv4Addr, Ipv4Addr)); 2] {
    let out = Selector {
        src: Cidr::new(addr.into(), 32),
        dst: Cidr::new(Ipv4Addr::UNSPECIFIED.into(), 0),
        src_port: None,
        dst_port: None,
        upper: Upper::Any,
    };
    [
        (out, Direction::Out, (local, peer)),
        (out.reversed(), Direction::In, (peer, local)),
    ]
}
