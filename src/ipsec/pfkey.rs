//! The kernel's key-management interface, the PF_KEY way (RFC 2367): the
//! requests a key daemon or setkey sends to the IPsec engine.

use std::net::Ipv4Addr;

use super::spec::{Direction, IpsecProto, PolicySpec, SaSpec, Selector};

/// One request to the kernel's key management (PF_KEY, RFC 2367 §2.3 and
/// KAME's SADB_X_SPD* extensions). setkey's commands are these requests.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Request {
    /// SADB_FLUSH: empty the SAD (or only its ESP or AH SAs); setkey `flush [proto];`.
    Flush(Option<IpsecProto>),
    /// SADB_X_SPDFLUSH; setkey `spdflush;`.
    SpdFlush,
    /// SADB_ADD; setkey `add src dst proto spi [extensions] algorithms;`.
    Add(SaSpec),
    /// SADB_DELETE; setkey `delete src dst proto spi;`.
    Delete {
        src: Ipv4Addr,
        dst: Ipv4Addr,
        proto: IpsecProto,
        spi: u32,
    },
    /// SADB_DELETE of every SPI between two addresses; setkey `deleteall src dst proto;`.
    DeleteAll {
        src: Ipv4Addr,
        dst: Ipv4Addr,
        proto: IpsecProto,
    },
    /// SADB_GET; setkey `get src dst proto spi;`.
    Get {
        src: Ipv4Addr,
        dst: Ipv4Addr,
        proto: IpsecProto,
        spi: u32,
    },
    /// SADB_X_SPDADD; setkey `spdadd src_range dst_range upperspec policy;`.
    ///
    /// setkey(8) on Linux runs in "RFC mode" by default and installs a
    /// `fwd` policy next to every `in` policy: `config::setkey::kernel_requests` gives
    /// both; the command itself is given exactly as written.
    SpdAdd(PolicySpec),
    /// SADB_X_SPDDELETE; setkey `spddelete src_range dst_range upperspec -P dir;`.
    SpdDelete { selector: Selector, dir: Direction },
    /// SADB_DUMP; setkey `dump [proto];`.
    Dump(Option<IpsecProto>),
    /// SADB_X_SPDDUMP; setkey `spddump;`.
    SpdDump,
}
