//! Classic pcap files (one per link) with LINKTYPE_RAW: each record is a
//! bare IPv4 packet. Written to `<name>.tmp` and renamed into place by
//! `finish`, so a reader never sees a half-written capture.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use smoltcp::time::Instant;

/// LINKTYPE_RAW: the packet begins with an IPv4 or IPv6 header.
pub const LINKTYPE_RAW: u32 = 101;
const MAGIC_MICROS: u32 = 0xa1b2_c3d4;
const SNAPLEN: u32 = 262_144;

/// The 24-byte pcap global header (little endian, version 2.4).
pub fn file_header() -> [u8; 24] {
    let mut h = [0u8; 24];
    h[0..4].copy_from_slice(&MAGIC_MICROS.to_le_bytes());
    h[4..6].copy_from_slice(&2u16.to_le_bytes());
    h[6..8].copy_from_slice(&4u16.to_le_bytes());
    h[16..20].copy_from_slice(&SNAPLEN.to_le_bytes());
    h[20..24].copy_from_slice(&LINKTYPE_RAW.to_le_bytes());
    h
}

/// A 16-byte record header; timestamps count from the Unix epoch, which is
/// simulated time zero.
pub fn record_header(at: Instant, len: usize) -> [u8; 16] {
    let micros = at.total_micros().max(0) as u64;
    let mut h = [0u8; 16];
    h[0..4].copy_from_slice(&((micros / 1_000_000) as u32).to_le_bytes());
    h[4..8].copy_from_slice(&((micros % 1_000_000) as u32).to_le_bytes());
    h[8..12].copy_from_slice(&(len as u32).to_le_bytes());
    h[12..16].copy_from_slice(&(len as u32).to_le_bytes());
    h
}

pub struct PcapWriter {
    out: BufWriter<File>,
    tmp: PathBuf,
    path: PathBuf,
}

impl PcapWriter {
    pub fn create(path: &Path) -> io::Result<PcapWriter> {
        let tmp = super::tmp_path(path);
        let mut out = BufWriter::with_capacity(256 * 1024, File::create(&tmp)?);
        out.write_all(&file_header())?;
        Ok(PcapWriter {
            out,
            tmp,
            path: path.to_path_buf(),
        })
    }

    pub fn write(&mut self, at: Instant, packet: &[u8]) -> io::Result<()> {
        self.out.write_all(&record_header(at, packet.len()))?;
        self.out.write_all(packet)
    }

    /// Flushes and renames the finished capture into place.
    pub fn finish(mut self) -> io::Result<PathBuf> {
        self.out.flush()?;
        drop(self.out);
        std::fs::rename(&self.tmp, &self.path)?;
        Ok(self.path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_follow_the_pcap_format() {
        let h = file_header();
        assert_eq!(&h[0..4], &[0xd4, 0xc3, 0xb2, 0xa1]);
        assert_eq!(u32::from_le_bytes([h[20], h[21], h[22], h[23]]), 101);
        let r = record_header(Instant::from_micros(3_000_250), 64);
        assert_eq!(u32::from_le_bytes([r[0], r[1], r[2], r[3]]), 3);
        assert_eq!(u32::from_le_bytes([r[4], r[5], r[6], r[7]]), 250);
        assert_eq!(u32::from_le_bytes([r[8], r[9], r[10], r[11]]), 64);
    }

    #[test]
    fn capture_appears_only_when_finished() {
        let dir = std::env::temp_dir().join(format!("vpnlab-pcap-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("wire.pcap");
        let mut w = PcapWriter::create(&path).unwrap();
        w.write(Instant::from_secs(1), &[0x45; 20]).unwrap();
        assert!(!path.exists());
        w.finish().unwrap();
        assert_eq!(std::fs::read(&path).unwrap().len(), 24 + 16 + 20);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
