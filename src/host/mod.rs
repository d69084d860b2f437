//! The host machine the lab runs on: its TUN devices ([`tun`]) and the
//! wall clock with what wakes a real-time run ([`realtime`]). Everything
//! here is I/O and threads; nothing knows packets beyond their bytes, and
//! nothing imports the rest of the crate.

pub mod realtime;
pub mod tun;
