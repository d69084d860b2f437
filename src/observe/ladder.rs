//! Every packet of a run as the report's message-sequence picture needs
//! it: when it went on which link, from which lifeline (a node or another
//! link end) to which, its trace.txt line and text, and what became of it.

use smoltcp::time::Instant;

use super::filter::PacketSummary;

/// One packet on one link.
#[derive(Clone, Debug)]
pub struct Hop {
    pub at: Instant,
    pub link: u32,
    /// Lifelines: nodes by index, then the other link ends.
    pub from: u32,
    pub to: u32,
    /// Its record's first line in trace.txt.
    pub line: u64,
    /// That record after the time and link name, as tcpdump prints it.
    pub text: String,
    pub summary: Option<PacketSummary>,
    /// How many copies the link delivers: 0 lost, 2 duplicated.
    pub arriving: u8,
    /// What the receiving end did with it when not the usual (a drop and
    /// its reason), as all.pcapng's comment says it.
    pub fate: Option<String>,
}

impl Hop {
    /// Lost on the link, or dropped where it arrived.
    pub fn dropped(&self) -> bool {
        self.arriving == 0 || self.fate.is_some()
    }

    /// What went wrong with it, in all.pcapng's words.
    pub fn trouble(&self) -> Option<&str> {
        match (&self.fate, self.arriving) {
            (Some(f), _) => Some(f),
            (None, 0) => Some("lost on the link"),
            _ => None,
        }
    }
}
