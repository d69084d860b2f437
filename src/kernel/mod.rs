//! The node kernel: our IPv4 layer below smoltcp. It routes, forwards,
//! fragments and reassembles, answers with ICMP errors, counts drops with
//! their reason, and runs the hooks where IPsec and NAT attach. It knows
//! neither: they are [`hook::PacketHook`]s registered by the node.

pub mod counters;
mod datagram;
pub mod frag;
pub mod hook;
mod ip;
pub mod mss;
pub mod route;
mod send;

pub use datagram::Datagram;
pub use ip::{Actions, Interface, Kernel, Transmit};
