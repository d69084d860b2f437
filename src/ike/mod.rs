//! Key daemons, sans-IO: the node hands one datagrams, the kernel's
//! messages (PF_KEY events) and the time; it hands back datagrams,
//! timers, requests to the kernel ([`crate::ipsec::KeyKernel`], never the
//! engine itself) and log lines.
//!
//! This module holds what every IKE daemon shares: the [`daemon`] trait
//! the node drives, the [`driver`] that frames its datagrams for any
//! transport and streams what it did, the [`registry`] that picks a daemon by the
//! configuration a node has, the neutral [`report`] and [`event`]s the
//! run's outputs and expectations read, the [`log`], [`retransmit`]ion,
//! [`identity`] payloads and the limits on [`half_open`] exchanges. Each
//! daemon has a folder of its own: [`v1`], racoon's IKEv1.

pub mod daemon;
pub mod driver;
pub mod event;
pub mod half_open;
pub mod identity;
pub mod log;
pub mod registry;
pub mod report;
pub mod retransmit;
pub mod v1;

pub use event::{FailReason, IkeEvent};
pub use log::Log;

/// Which end of an exchange a daemon is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    Initiator,
    Responder,
}
