//! racoon against a recording fake of the kernel's PF_KEY interface: the
//! requests it sends and the order it sends them in, as pfkey.c does
//! (`pk_recvacquire`, `pk_sendgetspi`, `pk_sendupdate`, `pk_sendadd`,
//! `pk_recvexpire`) and isakmp_inf.c on a DELETE (`purge_ipsec_spi`).

mod common;

use std::net::Ipv4Addr;

use common::RecordingKernel;
use smoltcp::time::Instant;
use vpnlab::ike::daemon::KeyDaemon;
use vpnlab::ike::v1::Racoon;
use vpnlab::ipsec::pfkey::{Acquire, Event, Request, SpiRange};
use vpnlab::ipsec::spec::{
    Action, Direction, IpsecProto, Level, Mode, PolicySpec, SaSpec, Selector, Template, Upper,
};
use vpnlab::net::Prefix;

const I: Ipv4Addr = Ipv4Addr::new(10, 0, 0, 1);
const R: Ipv4Addr = Ipv4Addr::new(10, 0, 0, 2);

/// One end: racoon and the fake kernel it talks to.
struct End {
    daemon: Racoon,
    kernel: RecordingKernel,
}

fn conf(peer: Ipv4Addr) -> String {
    format!(
        "path pre_shared_key \"/psk\";\n\
         remote {peer} {{ exchange_mode main; proposal {{ encryption_algorithm aes; \
         hash_algorithm sha1; authentication_method pre_shared_key; dh_group modp1024; }} }}\n\
         sainfo anonymous {{ lifetime time 600 sec; encryption_algorithm aes; \
         authentication_algorithm hmac_sha1; compression_algorithm deflate; }}\n"
    )
}

/// Traffic from `src` to `dst`, any protocol.
fn hosts(src: Ipv4Addr, dst: Ipv4Addr) -> Selector {
    Selector {
        src: Prefix::new(src, 32).into(),
        dst: Prefix::new(dst, 32).into(),
        src_port: None,
        dst_port: None,
        upper: Upper::Any,
    }
}

/// The responder's `in` policy requiring ESP in transport mode.
fn inbound_policy() -> PolicySpec {
    PolicySpec {
        selector: hosts(I, R),
        dir: Direction::In,
        action: Action::Ipsec,
        templates: vec![Template {
            proto: IpsecProto::Esp,
            mode: Mode::Transport,
            endpoints: None,
            level: Level::Require,
        }],
        priority: 0,
    }
}

fn ends() -> [End; 2] {
    let responder = RecordingKernel::with_policies(vec![inbound_policy()]);
    [
        End {
            daemon: common::racoon(&conf(R), R, 1),
            kernel: RecordingKernel::default(),
        },
        End {
            daemon: common::racoon(&conf(I), I, 2),
            kernel: responder,
        },
    ]
}

fn acquire() -> Acquire {
    Acquire {
        at: Instant::ZERO,
        src: I,
        dst: R,
        proto: IpsecProto::Esp,
        mode: Mode::Transport,
        selector: hosts(I, R),
        reqid: 0,
    }
}

/// Carries datagrams between the ends until both are quiet.
fn shuttle(ends: &mut [End; 2], now: Instant) {
    let mut moved = true;
    while moved {
        moved = false;
        for from in 0..2 {
            while let Some(d) = ends[from].daemon.poll_transmit() {
                let to = &mut ends[1 - from];
                to.daemon
                    .on_datagram(now, d.from, d.to, &d.data, &mut to.kernel);
                moved = true;
            }
        }
    }
}

/// Negotiates one SA pair from the initiator's ACQUIRE.
fn negotiated() -> [End; 2] {
    let mut ends = ends();
    let i = &mut ends[0];
    i.daemon
        .on_kernel_event(Instant::ZERO, Event::Acquire(acquire()), &mut i.kernel);
    shuttle(&mut ends, Instant::ZERO);
    ends
}

/// The SPI of the only GETSPI among `requests` from `index` on, with its
/// position.
fn getspi_from(requests: &[Request], index: usize) -> (usize, u32, Request) {
    requests
        .iter()
        .enumerate()
        .skip(index)
        .find_map(|(at, r)| match r {
            Request::GetSpi { range, .. } => Some((at, range.min, r.clone())),
            _ => None,
        })
        .expect("a GETSPI")
}

/// The position and SA of the first UPDATE or ADD from `index` on.
fn installed_from(requests: &[Request], index: usize, update: bool) -> (usize, SaSpec) {
    requests
        .iter()
        .enumerate()
        .skip(index)
        .find_map(|(at, r)| match (r, update) {
            (Request::Update(sa), true) | (Request::Add(sa), false) => Some((at, sa.clone())),
            _ => None,
        })
        .expect("an UPDATE or ADD")
}

/// pfkey.c `pk_recvacquire`: racoon looks up the inbound policy for the
/// ACQUIRE's selector (its reqid goes on the inbound SA), then starts
/// phase 1; nothing is installed before Quick Mode ends.
#[test]
fn acquire_reads_the_inbound_policy_and_starts_phase1() {
    let mut ends = ends();
    let i = &mut ends[0];
    i.daemon
        .on_kernel_event(Instant::ZERO, Event::Acquire(acquire()), &mut i.kernel);
    assert_eq!(
        i.kernel.requests,
        [Request::SpdGet {
            selector: hosts(R, I),
            dir: Direction::In
        }]
    );
    let first = i.daemon.poll_transmit().expect("main mode message 1");
    assert_eq!((*first.from.ip(), *first.to.ip()), (I, R));
}

/// pfkey.c `pk_sendgetspi`, then `pk_sendupdate` and `pk_sendadd`: the
/// Quick Mode responder reserves its inbound SPI from the peer to it
/// before it answers, and once HASH(3) came fills in that SA with UPDATE
/// and installs the outbound one, to the initiator's SPI, with ADD. The
/// initiator does the same with its own SPI.
#[test]
fn quick_mode_installs_with_getspi_update_add() {
    let ends = negotiated();
    let [i, r] = [&ends[0].kernel.requests, &ends[1].kernel.requests];
    let (r_getspi, r_spi, request) = getspi_from(r, 0);
    assert_eq!(
        request,
        Request::GetSpi {
            src: I,
            dst: R,
            proto: IpsecProto::Esp,
            mode: Mode::Transport,
            reqid: 0,
            range: SpiRange::exactly(r_spi),
        }
    );
    let (i_getspi, i_spi, _) = getspi_from(i, 0);
    for (requests, getspi, (me, peer), (mine, theirs)) in [
        (r, r_getspi, (R, I), (r_spi, i_spi)),
        (i, i_getspi, (I, R), (i_spi, r_spi)),
    ] {
        let (update_at, inbound) = installed_from(requests, getspi, true);
        let (add_at, outbound) = installed_from(requests, getspi, false);
        assert!(getspi < update_at && update_at < add_at, "{requests:?}");
        assert_eq!((inbound.src, inbound.dst, inbound.spi), (peer, me, mine));
        assert_eq!(
            (outbound.src, outbound.dst, outbound.spi),
            (me, peer, theirs)
        );
        assert_eq!(inbound.enc.as_ref().map(|e| e.1.len()), Some(16));
        assert_eq!(inbound.replay_window, 4, "pfkey.c: wsize = 4");
        assert_eq!(inbound.soft.seconds, 480, "80% of 600 s");
    }
    let installed = &ends[1].daemon.records().installed;
    assert_eq!(installed.len(), 2);
}

/// pfkey.c `pk_recvexpire`, hard: the initiator deletes the pair and
/// tells the peer; isakmp_inf.c `isakmp_info_recv_d` (`purge_ipsec_spi`):
/// the responder deletes its SA to that SPI and the one back.
#[test]
fn a_delete_notification_deletes_through_the_interface() {
    let mut ends = negotiated();
    let (_, i_spi, _) = getspi_from(&ends[0].kernel.requests, 0);
    let (_, r_spi, _) = getspi_from(&ends[1].kernel.requests, 0);
    let (i_before, r_before) = (ends[0].kernel.requests.len(), ends[1].kernel.requests.len());
    let now = Instant::from_secs(600);
    let expire = Event::Expire {
        sa: (I.into(), IpsecProto::Esp, i_spi),
        hard: true,
    };
    let i = &mut ends[0];
    i.daemon.on_kernel_event(now, expire, &mut i.kernel);
    shuttle(&mut ends, now);
    let delete = |src, dst, spi| Request::Delete {
        src,
        dst,
        proto: IpsecProto::Esp,
        spi,
    };
    assert_eq!(
        ends[0].kernel.requests[i_before..],
        [delete(R, I, i_spi), delete(I, R, r_spi)]
    );
    assert_eq!(
        ends[1].kernel.requests[r_before..],
        [delete(I, R, r_spi), delete(R, I, i_spi)]
    );
}

/// pfkey.c `pk_recvexpire`, soft, on the initiator: a new Quick Mode
/// (`isakmp_post_acquire`) with a fresh GETSPI, installed beside the old
/// pair, which stays until its hard lifetime.
#[test]
fn soft_expiry_renegotiates_with_a_fresh_spi() {
    let mut ends = negotiated();
    let (_, old_spi, _) = getspi_from(&ends[0].kernel.requests, 0);
    let before = ends[0].kernel.requests.len();
    let now = Instant::from_secs(480);
    let expire = Event::Expire {
        sa: (I.into(), IpsecProto::Esp, old_spi),
        hard: false,
    };
    let i = &mut ends[0];
    i.daemon.on_kernel_event(now, expire, &mut i.kernel);
    shuttle(&mut ends, now);
    let requests = &ends[0].kernel.requests;
    let (getspi, new_spi, _) = getspi_from(requests, before);
    assert_ne!(new_spi, old_spi);
    let (_, inbound) = installed_from(requests, getspi, true);
    assert_eq!(inbound.spi, new_spi);
    assert!(
        !requests[before..]
            .iter()
            .any(|r| matches!(r, Request::Delete { .. })),
        "the old pair is not deleted: {requests:?}"
    );
}
