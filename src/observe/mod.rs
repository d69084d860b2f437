//! Observers: pcap per link, pcapng of all links, tcpdump-style trace, the packet filter of
//! expectations. They never change or drop a packet.

mod beep;
pub mod capture;
pub mod filter;
mod msdp;
mod openflow;
pub mod pcap;
pub mod pcapng;
mod pptp;
#[cfg(test)]
mod printed;
mod resp;
pub mod tcp_ports;
pub mod tcpdump;
mod telnet;
pub mod txtproto;
pub mod udpproto;

use std::path::{Path, PathBuf};

/// `<path>.tmp`: where a file is written before it is renamed into place.
pub fn tmp_path(path: &Path) -> PathBuf {
    let mut name = path
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_default();
    name.push(".tmp");
    path.with_file_name(name)
}
