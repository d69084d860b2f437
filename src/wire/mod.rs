//! Byte layouts of protocols: zero-copy `Packet` views with checked
//! lengths, and owned `Repr` types with `parse`, `emit` and `buffer_len`
//! (smoltcp's wire pattern). No state, time, crypto or I/O here.

pub mod ipv4;
pub mod isakmp;
pub mod isakmp_print;
pub mod udp_encap;
