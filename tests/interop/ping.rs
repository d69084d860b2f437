//! ICMP echo from inside a lab namespace (the machine has no `ping`): a
//! thread of its own enters the namespace (`setns(2)` on
//! `/run/netns/NAME`, which changes only the calling thread) and sends
//! echo requests on a raw ICMP socket (RFC 792), counting the replies
//! that match its identifier and sequence numbers.

use std::net::{Ipv4Addr, SocketAddrV4};
use std::os::fd::AsRawFd;
use std::time::{Duration, Instant};

use libtest_mimic::Failed;
use nix::sched::{CloneFlags, setns};
use nix::sys::socket::{
    AddressFamily, MsgFlags, SockFlag, SockProtocol, SockType, SockaddrIn, bind, recvfrom, sendto,
    setsockopt, socket, sockopt,
};
use nix::sys::time::TimeVal;

/// How a series of echo requests went.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Pings {
    pub sent: u32,
    pub replies: u32,
}

/// The Internet checksum (RFC 1071).
fn checksum(data: &[u8]) -> u16 {
    let mut sum: u32 = data
        .chunks(2)
        .map(|c| u32::from(u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)])))
        .sum();
    while sum >> 16 != 0 {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    !(sum as u16)
}

fn echo_request(ident: u16, seq: u16, size: usize) -> Vec<u8> {
    let mut p = vec![8, 0, 0, 0];
    p.extend(ident.to_be_bytes());
    p.extend(seq.to_be_bytes());
    p.extend(format!("vpnlab-interop-{seq:04}").as_bytes());
    while p.len() < 8 + size {
        p.push((p.len() % 251) as u8);
    }
    let c = checksum(&p);
    p[2..4].copy_from_slice(&c.to_be_bytes());
    p
}

/// Whether `datagram` (as a raw socket reads it: the IPv4 header first)
/// is the echo reply to (ident, seq).
fn is_reply(datagram: &[u8], ident: u16, seq: u16) -> bool {
    let ihl = usize::from(datagram.first().map_or(0, |b| b & 0x0f)) * 4;
    let Some(icmp) = datagram.get(ihl..ihl + 8) else {
        return false;
    };
    icmp[0] == 0
        && u16::from_be_bytes([icmp[4], icmp[5]]) == ident
        && u16::from_be_bytes([icmp[6], icmp[7]]) == seq
}

/// Sends `count` echo requests to `dst` from namespace `ns` (from `src`
/// if given), one per `interval`, each waiting at most `interval` for
/// its reply.
pub fn ping(
    ns: &str,
    dst: Ipv4Addr,
    src: Option<Ipv4Addr>,
    count: u16,
    interval: Duration,
) -> Result<Pings, Failed> {
    ping_sized(ns, dst, src, count, interval, 0)
}

/// [`ping`] with `size` bytes of ICMP data (at least the 19-byte marker).
pub fn ping_sized(
    ns: &str,
    dst: Ipv4Addr,
    src: Option<Ipv4Addr>,
    count: u16,
    interval: Duration,
    size: usize,
) -> Result<Pings, Failed> {
    let path = format!("/run/netns/{ns}");
    let worker = std::thread::spawn(move || -> Result<Pings, String> {
        let netns = std::fs::File::open(&path).map_err(|e| format!("{path}: {e}"))?;
        setns(&netns, CloneFlags::CLONE_NEWNET).map_err(|e| format!("setns {path}: {e}"))?;
        let fd = socket(
            AddressFamily::Inet,
            SockType::Raw,
            SockFlag::empty(),
            SockProtocol::Icmp,
        )
        .map_err(|e| format!("raw ICMP socket: {e}"))?;
        let tick = TimeVal::new(0, 20_000);
        setsockopt(&fd, sockopt::ReceiveTimeout, &tick).map_err(|e| e.to_string())?;
        if let Some(src) = src {
            bind(fd.as_raw_fd(), &SockaddrIn::from(SocketAddrV4::new(src, 0)))
                .map_err(|e| format!("bind {src}: {e}"))?;
        }
        let ident = (std::process::id() & 0xffff) as u16;
        let to = SockaddrIn::from(SocketAddrV4::new(dst, 0));
        let mut result = Pings::default();
        let mut buf = [0u8; 65536];
        for seq in 1..=count {
            let started = Instant::now();
            sendto(
                fd.as_raw_fd(),
                &echo_request(ident, seq, size),
                &to,
                MsgFlags::empty(),
            )
            .map_err(|e| format!("sendto {dst}: {e}"))?;
            result.sent += 1;
            let mut answered = false;
            while started.elapsed() < interval {
                if !answered {
                    if let Ok((n, _)) = recvfrom::<SockaddrIn>(fd.as_raw_fd(), &mut buf) {
                        answered = is_reply(&buf[..n], ident, seq);
                    }
                } else {
                    std::thread::sleep(Duration::from_millis(10));
                }
            }
            result.replies += u32::from(answered);
        }
        Ok(result)
    });
    worker
        .join()
        .map_err(|_| "the ping thread panicked")?
        .map_err(Into::into)
}
