//! `all.pcapng`: every link's packets in one file, in the order they went
//! on the wire, one interface per link (named after it, described by its
//! properties and ends), and a packet comment where the lab knows what
//! the bytes do not: that the link lost the packet, or that the end it
//! reached dropped it and why (pcapng §4.3 `opt_comment`).
//!
//! A packet's fate is known only when it arrives, a link's latency after
//! it was sent; so each packet waits in `pending` until every copy the
//! link delivers has arrived, and packets leave for the file in the
//! order they were sent. What waits is what is in flight.

use std::borrow::Cow;
use std::collections::VecDeque;
use std::io;
use std::path::{Path, PathBuf};

use pcap_file::pcapng::PcapNgWriter;
use pcap_file::pcapng::blocks::enhanced_packet::{EnhancedPacketBlock, EnhancedPacketOption};
use pcap_file::pcapng::blocks::interface_description::{
    InterfaceDescriptionBlock, InterfaceDescriptionOption,
};
use pcap_file::pcapng::blocks::section_header::{SectionHeaderBlock, SectionHeaderOption};
use pcap_file::{DataLink, Endianness};
use smoltcp::time::Instant;

use super::TmpFile;
use super::pcap::{SNAPLEN, io_error, timestamp};

/// The file's name in a capture folder.
pub const ALL_LINKS: &str = "all.pcapng";

/// A link as an interface of the file.
#[derive(Clone, Debug)]
pub struct Interface {
    pub name: String,
    pub description: String,
}

impl Interface {
    /// A link with nothing to say about it beyond its name.
    pub fn named(name: &str) -> Interface {
        Interface {
            name: name.to_string(),
            description: String::new(),
        }
    }
}

/// A packet sent onto a link, as [`AllLinks::sent`] numbers them.
pub type PacketId = u64;

struct Pending {
    link: u32,
    at: Instant,
    packet: Vec<u8>,
    comments: Vec<String>,
    /// Copies the link will still deliver.
    arriving: u8,
}

pub struct AllLinks {
    out: PcapNgWriter<TmpFile>,
    /// Packets from `first` on, in the order sent.
    pending: VecDeque<Pending>,
    first: PacketId,
}

impl AllLinks {
    pub fn create(dir: &Path, interfaces: &[Interface]) -> io::Result<AllLinks> {
        let file = TmpFile::create(&dir.join(ALL_LINKS))?;
        let section = SectionHeaderBlock {
            endianness: Endianness::Little,
            options: vec![SectionHeaderOption::UserApplication(Cow::Borrowed(
                concat!("vpnlab ", env!("CARGO_PKG_VERSION")),
            ))],
            ..Default::default()
        };
        let mut out = PcapNgWriter::with_section_header(file, section).map_err(io_error)?;
        for i in interfaces {
            out.write_pcapng_block(interface_block(i))
                .map_err(io_error)?;
        }
        Ok(AllLinks {
            out,
            pending: VecDeque::new(),
            first: 0,
        })
    }

    /// `packet` went onto `link` at `at`; the link will deliver `arriving`
    /// copies of it (0: lost, 2: duplicated).
    pub fn sent(
        &mut self,
        link: usize,
        at: Instant,
        packet: &[u8],
        arriving: u8,
    ) -> io::Result<PacketId> {
        let id = self.first + self.pending.len() as u64;
        let comments = match arriving {
            0 => vec!["lost on the link".to_string()],
            2 => vec!["duplicated by the link: it arrives twice".to_string()],
            _ => Vec::new(),
        };
        self.pending.push_back(Pending {
            link: link as u32,
            at,
            packet: packet.to_vec(),
            comments,
            arriving,
        });
        self.flush_settled()?;
        Ok(id)
    }

    /// One copy of packet `id` arrived; `fate` says what became of it
    /// when that is not plain delivery.
    pub fn arrived(&mut self, id: PacketId, fate: Option<String>) -> io::Result<()> {
        let Some(p) = id
            .checked_sub(self.first)
            .and_then(|i| self.pending.get_mut(i as usize))
        else {
            return Ok(());
        };
        p.arriving = p.arriving.saturating_sub(1);
        p.comments.extend(fate);
        self.flush_settled()
    }

    /// Writes the packets at the front whose copies have all arrived.
    fn flush_settled(&mut self) -> io::Result<()> {
        while self.pending.front().is_some_and(|p| p.arriving == 0) {
            self.write_front()?;
        }
        Ok(())
    }

    fn write_front(&mut self) -> io::Result<()> {
        let Some(p) = self.pending.pop_front() else {
            return Ok(());
        };
        self.first += 1;
        let options = p
            .comments
            .into_iter()
            .map(|c| EnhancedPacketOption::Comment(Cow::Owned(c)))
            .collect();
        let block = EnhancedPacketBlock {
            interface_id: p.link,
            timestamp: timestamp(p.at),
            original_len: p.packet.len() as u32,
            data: Cow::Owned(p.packet),
            options,
        };
        self.out
            .write_pcapng_block(block)
            .map(drop)
            .map_err(io_error)
    }

    /// Writes what is still in flight at the end of the run (it has no
    /// fate yet) and renames the file into place.
    pub fn finish(mut self) -> io::Result<PathBuf> {
        while !self.pending.is_empty() {
            if let Some(p) = self.pending.front_mut().filter(|p| p.arriving > 0) {
                p.comments
                    .push("still in flight when the run ended".to_string());
            }
            self.write_front()?;
        }
        self.out.into_inner().finish()
    }
}

/// pcapng §4.2: LINKTYPE_IPV4, `if_name`, `if_description`, and
/// `if_tsresol` 9: the crate writes timestamps in nanoseconds.
///
/// LINKTYPE_IPV4 (228), not the per-link pcaps' LINKTYPE_RAW (101): both
/// are a bare IPv4 packet, but libpcap 1.10 (sf-pcapng.c) compares a
/// second interface's LINKTYPE with the first one's DLT, and for RAW
/// (LINKTYPE 101, DLT 12) they differ, so tcpdump stops with "an
/// interface has a type 101 different from the type of the first
/// interface". For 228 the two numbers are the same.
fn interface_block(i: &Interface) -> InterfaceDescriptionBlock<'static> {
    InterfaceDescriptionBlock {
        linktype: DataLink::IPV4,
        snaplen: SNAPLEN,
        options: vec![
            InterfaceDescriptionOption::IfName(Cow::Owned(i.name.clone())),
            InterfaceDescriptionOption::IfDescription(Cow::Owned(i.description.clone())),
            InterfaceDescriptionOption::IfTsResol(9),
        ],
    }
}
