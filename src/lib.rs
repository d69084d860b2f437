//! vpnlab: a deterministic network-simulation test lab for IPsec VPNs.
//!
//! A YAML [`scenario`] describes links and nodes; [`sim`] runs them in
//! virtual time; every [`node`] has a smoltcp interface over our own kernel
//! layer (routing, forwarding, fragmentation, hook points for IPsec);
//! [`observe`] writes pcaps and tcpdump-style traces; expectations decide
//! pass or fail.
#![forbid(unsafe_code)]

pub mod config;
pub mod crypto;
pub mod ike;
pub mod ipsec;
pub mod kernel;
pub mod nat;
pub mod net;
pub mod node;
pub mod observe;
pub mod report;
pub mod runner;
pub mod scenario;
pub mod sim;
pub mod verdict;
pub mod wire;
