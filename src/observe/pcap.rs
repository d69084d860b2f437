//! Classic pcap files (one per link) with LINKTYPE_RAW: each record is a
//! bare IPv4 packet. The format is the `pcap-file` crate's, written into
//! a [`TmpFile`]: a reader never sees a half-written capture.

use std::io;
use std::path::{Path, PathBuf};
use std::time::Duration;

use pcap_file::pcap::{PcapHeader, PcapPacket};
use pcap_file::{DataLink, Endianness, PcapError, TsResolution};
use smoltcp::time::Instant;

use super::TmpFile;

/// The snapshot length both capture formats declare: no packet of the
/// lab is longer (the largest MTU is 65535).
pub const SNAPLEN: u32 = 262_144;

/// Where a record's timestamp counts from: the Unix epoch, which is
/// simulated time zero.
pub fn timestamp(at: Instant) -> Duration {
    Duration::from_micros(at.total_micros().max(0) as u64)
}

/// A `pcap-file` error as the I/O error the capture code reports.
pub fn io_error(e: PcapError) -> io::Error {
    match e {
        PcapError::IoError(e) => e,
        other => io::Error::other(other.to_string()),
    }
}

pub struct PcapWriter {
    out: pcap_file::pcap::PcapWriter<TmpFile>,
}

impl PcapWriter {
    /// Little endian with microsecond timestamps (version 2.4), whatever
    /// the machine: the same run gives the same bytes everywhere.
    pub fn create(path: &Path) -> io::Result<PcapWriter> {
        let file = TmpFile::create(path)?;
        let header = PcapHeader {
            version_major: 2,
            version_minor: 4,
            ts_correction: 0,
            ts_accuracy: 0,
            snaplen: SNAPLEN,
            datalink: DataLink::RAW,
            ts_resolution: TsResolution::MicroSecond,
            endianness: Endianness::Little,
        };
        let out = pcap_file::pcap::PcapWriter::with_header(file, header).map_err(io_error)?;
        Ok(PcapWriter { out })
    }

    pub fn write(&mut self, at: Instant, packet: &[u8]) -> io::Result<()> {
        let record = PcapPacket::new(timestamp(at), packet.len() as u32, packet);
        self.out.write_packet(&record).map(drop).map_err(io_error)
    }

    /// Flushes and renames the finished capture into place.
    pub fn finish(self) -> io::Result<PathBuf> {
        self.out.into_writer().finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The pcap format (wiretap's libpcap.c reads it so): magic a1b2c3d4
    /// little endian, version 2.4, LINKTYPE_RAW; a 16-byte record header
    /// of seconds, microseconds, captured and original length.
    #[test]
    fn capture_follows_the_pcap_format_and_appears_only_when_finished() {
        let dir = std::env::temp_dir().join(format!("vpnlab-pcap-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("wire.pcap");
        let mut w = PcapWriter::create(&path).unwrap();
        w.write(Instant::from_micros(3_000_250), &[0x45; 20])
            .unwrap();
        assert!(!path.exists());
        w.finish().unwrap();
        let bytes = std::fs::read(&path).unwrap();
        let word = |at: usize| u32::from_le_bytes(bytes[at..at + 4].try_into().unwrap());
        assert_eq!(bytes.len(), 24 + 16 + 20);
        assert_eq!(word(0), 0xa1b2_c3d4);
        assert_eq!((&bytes[4..6], &bytes[6..8]), (&[2, 0][..], &[4, 0][..]));
        assert_eq!((word(16), word(20)), (SNAPLEN, 101));
        assert_eq!((word(24), word(28), word(32), word(36)), (3, 250, 20, 20));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
