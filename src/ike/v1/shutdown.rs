//! racoon's `close_session` (session.c), run on SIGINT or SIGTERM: the
//! kernel's SAs are flushed (`pfkey_send_flush`, every SA type), each
//! established phase 2 is deleted at the peer (`flushph2`:
//! `isakmp_info_send_d2`, the SPIs of our inbound SAs), then each
//! established ISAKMP SA (`flushph1`: `isakmp_info_send_d1`, the cookie
//! pair), and the process says it shut down. Nothing is answered after.

use smoltcp::time::Instant;

use super::Racoon;
use super::quick::P2State;
use crate::ipsec::KeyKernel;
use crate::ipsec::pfkey::Request;

impl Racoon {
    pub(super) fn close_session(&mut self, now: Instant, kernel: &mut dyn KeyKernel) {
        let _ = kernel.request(now, Request::Flush(None));
        let established: Vec<_> = self
            .ph2
            .iter()
            .filter(|p| p.state == P2State::Established)
            .map(|p| {
                (
                    std::net::SocketAddrV4::new(p.peer, p.peer_port),
                    (p.proto, p.my_spi),
                    p.bundled_cpi(),
                )
            })
            .collect();
        for (peer, sa, cpi) in established {
            self.send_delete_ipsec(now, peer, sa, cpi);
        }
        for p in self.ph1.iter().filter(|p| p.established()) {
            p.send_delete_isakmp(&mut self.ctx.env(now));
        }
        self.forget_all_phases();
        self.half_open.clear();
        self.stopped = true;
        self.ctx.log.info(now, "racoon process shutdown");
    }
}
