//! The node kernel: our IPv4 layer below smoltcp. It routes, forwards,
//! fragments and reassembles, answers with ICMP errors, counts drops with
//! their reason, and runs the hooks where IPsec and NAT attach. It knows
//! neither: they are [`hook::PacketHook`]s registered by the node.
//!
//! A datagram's header is parsed once, where it enters the node (from a
//! link in [`Kernel::receive`], from the stack in [`Kernel::send_local`]),
//! and travels with it as a [`Datagram`]; every header is read and
//! written through [`crate::wire`].

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
