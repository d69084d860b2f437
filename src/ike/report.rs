//! What a key daemon leaves for the run's outputs, the same for every
//! daemon: its log, the events expectations read, the SAs it installed
//! and deleted with their keys, and rows for Wireshark's key tables.

use super::event::IkeEvent;
use crate::ipsec::sad::SaKey;
use crate::ipsec::spec::SaSpec;

/// A daemon's report at the end of a run, borrowing what the daemon
/// recorded.
#[derive(Clone, Debug, Default)]
pub struct DaemonReport<'a> {
    /// The log as its file reads, line by line.
    pub log: Vec<String>,
    /// What expectations read: SAs established, rekeys, failures, …
    pub events: &'a [IkeEvent],
    /// Every SA it installed, in order, with its keys (Wireshark's
    /// `esp_sa` rows).
    pub installed: &'a [SaSpec],
    /// Every SA it deleted, in order.
    pub deleted: &'a [SaKey],
    /// Rows of Wireshark's IKE decryption tables.
    pub keys: Vec<KeyRow>,
    /// Datagrams dropped before any exchange took them, by reason.
    pub dropped: Vec<(&'static str, u64)>,
}

/// One row of a Wireshark key table: the UAT file `table`
/// (`ikev1_decryption_table`, later `ikev2_decryption_table`), for the
/// IKE SA `id`, as the file writes it. Both ends know an SA's keys; where
/// their rows differ (different pre-shared keys) the initiator's is kept,
/// as it encrypted the first encrypted message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyRow {
    pub table: &'static str,
    pub id: Vec<u8>,
    pub row: String,
    pub initiator: bool,
}
