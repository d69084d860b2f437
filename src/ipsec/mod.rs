//! IPsec data plane (RFC 4301): SPD, SAD, ESP (RFC 4303), AH (RFC 4302)
//! and IPComp (RFC 3173) in transport and tunnel mode. Never touches
//! smoltcp, links or IKE.

pub mod ah;
mod deflate;
pub mod dump;
pub mod engine;
pub mod esp;
mod hook;
pub mod ipcomp;
pub mod ipcomp_sad;
mod ipcomp_xfrm;
mod keying;
pub mod packet;
#[cfg(test)]
mod parse_count;
pub mod pfkey;
pub mod replay;
pub mod sad;
pub mod spd;
pub mod spec;
pub mod udp_encap;

pub use engine::IpsecEngine;
pub use pfkey::KeyKernel;
