//! A private strongSwan 5.9.8 charon in a namespace of the lab, as
//! /work/interop-proto/REPORT.md §2 found it must run:
//! - its own `strongswan.conf` through `STRONGSWAN_CONF` (libstrongswan
//!   `library.c`), loading nothing from /etc;
//! - `kernel-libipsec` before `kernel-netlink` (the first kernel-ipsec
//!   registered wins, `kernel_interface.c`): userspace ESP, in UDP only,
//!   hence `encap = yes` in every connection;
//! - its pid file, hard-coded as `/var/run/charon.pid` (`charon.c`
//!   `PID_FILE`), in a folder bind-mounted over `/run` inside the mount
//!   namespace `ip netns exec` gives it;
//! - a vici socket of its own, for `swanctl --uri`;
//! - `charon.log` with `ike = 4` and `chd = 4`, which prints the IKE and
//!   CHILD_SA keys (`keymat_v1.c`), read by [`crate::keylog`].

use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use libtest_mimic::Failed;

use crate::lab::{Lab, Pid, run, wait_until};

pub const CHARON: &str = "/usr/lib/ipsec/charon";

pub struct Charon {
    pub ns: String,
    pub dir: PathBuf,
    pub pid: Pid,
}

/// swanctl's `--file` wants these folders beside swanctl.conf.
const SWANCTL_DIRS: &[&str] = &[
    "x509", "x509ca", "x509ocsp", "x509aa", "x509ac", "x509crl", "pubkey", "private", "rsa",
    "ecdsa", "bliss", "pkcs8", "pkcs12",
];

fn strongswan_conf(dir: &str, extra: &str) -> String {
    format!(
        r#"charon {{
    load_modular = no
    # kernel-libipsec must precede kernel-netlink: the first kernel-ipsec wins
    load = random nonce openssl aes sha1 sha2 md5 hmac gmp curve25519 pem pkcs1 x509 pubkey xauth-generic kernel-libipsec kernel-netlink socket-default vici updown
    install_routes = yes
    {extra}
    plugins {{
        vici {{
            socket = unix://{dir}/charon.vici
        }}
        kernel-libipsec {{
            allow_peer_ts = yes
        }}
    }}
    filelog {{
        charon {{
            path = {dir}/charon.log
            time_format = %T
            ike_name = yes
            append = no
            flush_line = yes
            default = 1
            ike = 4
            chd = 4
            knl = 2
            net = 2
            cfg = 2
            enc = 1
        }}
    }}
}}
"#
    )
}

impl Charon {
    /// Starts charon in `ns` with `swanctl` as its swanctl.conf (and
    /// `extra` inside strongswan.conf's `charon { }`), `files` (paths
    /// under the swanctl folder: `x509/…`, `private/…`, `x509ca/…`)
    /// beside it, and loads them.
    pub fn start(
        lab: &mut Lab,
        ns: &str,
        name: &str,
        swanctl: &str,
        extra: &str,
        files: &[(String, String)],
    ) -> Result<Charon, Failed> {
        let dir = lab.dir.join(format!("charon-{name}"));
        for sub in SWANCTL_DIRS {
            std::fs::create_dir_all(dir.join("swanctl").join(sub))?;
        }
        std::fs::create_dir_all(dir.join("run"))?;
        let text = dir.to_str().ok_or("scratch path is not UTF-8")?.to_string();
        std::fs::write(dir.join("strongswan.conf"), strongswan_conf(&text, extra))?;
        std::fs::write(dir.join("swanctl").join("swanctl.conf"), swanctl)?;
        for (path, text) in files {
            std::fs::write(dir.join("swanctl").join(path), text)?;
        }
        let mut command = Command::new("ip");
        command.args(["netns", "exec", ns, "/bin/sh", "-c"]).args([
            r#"mount --bind "$1/run" /run && exec env STRONGSWAN_CONF="$1/strongswan.conf" "$2""#,
            "sh",
            &text,
            CHARON,
        ]);
        let pid = lab.spawn(
            &format!("charon {name}"),
            "TERM",
            &mut command,
            &format!("charon-{name}"),
        )?;
        let charon = Charon {
            ns: ns.to_string(),
            dir,
            pid,
        };
        let vici = charon.dir.join("charon.vici");
        let up = wait_until(Duration::from_secs(15), || {
            vici.exists()
                && Command::new("swanctl")
                    .args(["--stats", "--uri", &charon.uri()])
                    .output()
                    .is_ok_and(|o| o.status.success())
        });
        if !up {
            return Err(format!("charon {name} did not open its vici socket").into());
        }
        let file = charon.dir.join("swanctl").join("swanctl.conf");
        let file = file.to_str().ok_or("scratch path is not UTF-8")?;
        charon.swanctl(&["--load-all", "--file", file])?;
        Ok(charon)
    }

    pub fn uri(&self) -> String {
        format!("unix://{}/charon.vici", self.dir.display())
    }

    /// Runs `swanctl ARGS --uri` against this charon; stdout on success.
    pub fn swanctl(&self, args: &[&str]) -> Result<String, Failed> {
        let uri = self.uri();
        let mut all = args.to_vec();
        all.extend(["--uri", &uri]);
        let out = run("swanctl", &all)?;
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    }

    /// `swanctl --initiate --child CHILD`: Ok when charon reports the
    /// CHILD_SA established, Err with its output otherwise.
    pub fn initiate(&self, child: &str, timeout_s: u32) -> Result<String, Failed> {
        let t = timeout_s.to_string();
        let uri = self.uri();
        let out = Command::new("swanctl")
            .args([
                "--initiate",
                "--child",
                child,
                "--timeout",
                &t,
                "--uri",
                &uri,
            ])
            .output()?;
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        if out.status.success() && text.contains("initiate completed successfully") {
            Ok(text)
        } else {
            Err(format!("swanctl --initiate {child} failed:\n{text}").into())
        }
    }

    /// charon.log as written so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.join("charon.log")).unwrap_or_default()
    }
}
