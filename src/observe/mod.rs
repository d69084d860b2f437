//! Observers: pcap per link, pcapng of all links, tcpdump-style trace, the packet filter of
//! expectations. They never change or drop a packet.

mod beep;
pub mod capture;
pub mod filter;
pub mod ladder;
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

use std::fs::File;
use std::io::{self, BufWriter, Write};
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

/// A capture file being written: to `<path>.tmp` until `finish` renames
/// it into place, so a reader never sees it half-written.
pub struct TmpFile {
    out: BufWriter<File>,
    tmp: PathBuf,
    path: PathBuf,
}

impl TmpFile {
    pub fn create(path: &Path) -> io::Result<TmpFile> {
        let tmp = tmp_path(path);
        Ok(TmpFile {
            out: BufWriter::with_capacity(256 * 1024, File::create(&tmp)?),
            tmp,
            path: path.to_path_buf(),
        })
    }

    /// Flushes and renames the finished file into place.
    pub fn finish(mut self) -> io::Result<PathBuf> {
        self.out.flush()?;
        drop(self.out);
        std::fs::rename(&self.tmp, &self.path)?;
        Ok(self.path)
    }
}

impl Write for TmpFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.out.write(buf)
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        self.out.write_all(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}
