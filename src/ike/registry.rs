//! Which key daemon a node runs, chosen by the configuration it has: a
//! `racoon.conf` starts the IKEv1 daemon ([`v1`]); another daemon (an
//! IKEv2 one for `swanctl.conf`, say) is one more row in [`DAEMONS`].
//!
//! [`v1`]: super::v1

use rand_chacha::ChaCha8Rng;

use super::daemon::KeyDaemon;

/// A node's key-daemon configuration: the file that names the daemon,
/// and the node's other files, which it may refer to by path (racoon's
/// `path pre_shared_key`).
#[derive(Clone, Copy, Debug)]
pub struct DaemonConfig<'a> {
    /// The configuration file's name, as the daemon reads it:
    /// `racoon.conf`.
    pub name: &'a str,
    pub text: &'a str,
    pub files: &'a [(&'a str, &'a str)],
    /// The Unix time at simulated time zero (the scenario's `epoch`):
    /// certificates are valid or not against it.
    pub epoch: u64,
}

impl<'a> DaemonConfig<'a> {
    /// The text of the node's file at `path`.
    pub fn file(&self, path: &str) -> Option<&'a str> {
        self.files.iter().find(|(p, _)| *p == path).map(|(_, t)| *t)
    }
}

/// Builds a daemon from its configuration and its random stream; None
/// if the configuration does not parse (validation reported it).
pub type Factory = fn(&DaemonConfig<'_>, ChaCha8Rng) -> Option<Box<dyn KeyDaemon>>;

/// Every key daemon, by the configuration file that names it.
pub const DAEMONS: &[(&str, Factory)] = &[
    ("racoon.conf", super::v1::daemon),
    (super::v1::ANDROID, super::v1::daemon),
];

/// The daemon for `config`, if one takes that file.
pub fn daemon_for(config: &DaemonConfig<'_>, rng: ChaCha8Rng) -> Option<Box<dyn KeyDaemon>> {
    let (_, factory) = DAEMONS.iter().find(|(name, _)| *name == config.name)?;
    factory(config, rng)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config<'a>(
        name: &'a str,
        text: &'a str,
        files: &'a [(&'a str, &'a str)],
    ) -> DaemonConfig<'a> {
        DaemonConfig {
            name,
            text,
            files,
            epoch: 0,
        }
    }

    #[test]
    fn the_configuration_file_picks_the_daemon() {
        let rng = || crate::net::rng::stream(1, "registry");
        let text = "path pre_shared_key \"/psk\";\nremote anonymous { exchange_mode main; \
            proposal { encryption_algorithm aes; hash_algorithm sha1; \
            authentication_method pre_shared_key; dh_group modp1024; } }\n";
        let files = [("/psk", "* secret\n")];
        let racoon = daemon_for(&config("racoon.conf", text, &files), rng());
        assert!(racoon.is_some_and(|d| d.report().is_some()));
        assert!(daemon_for(&config("swanctl.conf", text, &files), rng()).is_none());
        assert!(daemon_for(&config("racoon.conf", "remote {", &files), rng()).is_none());
        assert_eq!(
            config("racoon.conf", text, &files).file("/psk"),
            Some("* secret\n")
        );
    }
}
