//! Byte layouts of protocols: zero-copy `Packet` views with checked
//! lengths, and owned `Repr` types with `parse`, `emit` and `buffer_len`
//! (smoltcp's wire pattern). No state, time, crypto or I/O here.
//!
//! Every module follows the same rules:
//! - `Packet::new_checked` validates the lengths once; after that no
//!   accessor can panic (accessors of an unchecked packet read zeros past
//!   the end), and every setter ignores a field the buffer does not hold;
//! - a `mod field` gives the byte ranges of the layout, quoting the RFC
//!   section it follows;
//! - `Repr::parse` checks what the layout requires beyond lengths
//!   (version, checksum), `Repr::emit` writes exactly `buffer_len` bytes and
//!   fails instead of writing a value that does not fit its field.
//!
//! The data plane (kernel, IPsec, NAT, capture filters) reads and writes
//! headers only through these modules. smoltcp's own wire types are not
//! used for it: they know nothing of ESP, AH or RFC 3948 framing, keep no
//! IPv4 options in their `Ipv4Repr`, and refuse packets (IPv4 options,
//! odd TCP option lists) that a kernel must carry and count.

pub mod ah;
pub mod esp;
pub mod frag;
pub mod icmp;
pub mod ip;
pub mod ipcomp;
pub mod ipv4;
pub mod isakmp;
pub mod isakmp_print;
pub mod tcp;
pub mod udp;
pub mod udp_encap;

use core::fmt;

/// What was wrong with a header of the data plane (ISAKMP has its own,
/// richer [`isakmp::Error`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Error {
    /// The buffer ends before the header, or before what a length field
    /// says it holds.
    Truncated,
    /// A field holds a value the layout forbids: a version other than 4,
    /// a header length below the fixed header, a total length below it.
    Malformed,
    /// The checksum does not verify.
    BadChecksum,
    /// Emitting: a value does not fit its field (an IPv4 total length over
    /// 65535, options over 40 bytes), or the buffer is shorter than
    /// `buffer_len`.
    Unrepresentable,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Error::Truncated => "truncated header",
            Error::Malformed => "malformed header",
            Error::BadChecksum => "bad checksum",
            Error::Unrepresentable => "value does not fit its field",
        })
    }
}

impl std::error::Error for Error {}

/// Big-endian 16-bit value at `range` of `bytes`; 0 if they are not there.
fn be16(bytes: &[u8], at: usize) -> u16 {
    match bytes.get(at..at + 2) {
        Some(&[a, b]) => u16::from_be_bytes([a, b]),
        _ => 0,
    }
}

/// Big-endian 32-bit value at `at` of `bytes`; 0 if they are not there.
fn be32(bytes: &[u8], at: usize) -> u32 {
    match bytes.get(at..at + 4) {
        Some(&[a, b, c, d]) => u32::from_be_bytes([a, b, c, d]),
        _ => 0,
    }
}

/// Writes `value` at `at` of `bytes` if they are there.
fn put(bytes: &mut [u8], at: usize, value: &[u8]) {
    if let Some(slot) = bytes.get_mut(at..at + value.len()) {
        slot.copy_from_slice(value);
    }
}
