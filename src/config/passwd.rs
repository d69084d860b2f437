//! The node's user database as racoon's `auth_source system` reads it
//! (isakmp_xauth.c `xauth_login_system`, `xauth_group_system`): the
//! files /etc/passwd, /etc/shadow and /etc/group of passwd(5), shadow(5)
//! and group(5), and crypt(3)'s check of a password against its hash.
//!
//! crypt formats: SHA-256-crypt (`$5$`) and SHA-512-crypt (`$6$`) are
//! checked with RustCrypto's `sha-crypt`. Other formats glibc and
//! libxcrypt know (DES, `$1$` MD5, `$2b$` bcrypt, `$y$` yescrypt) are an
//! error at their line: no well-kept pure-Rust crate covers them (make
//! the hash with `mkpasswd -m sha-512` or `openssl passwd -6`).

use super::ConfigError;

/// One user: passwd(5)'s name and uid, shadow(5)'s hash.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Account {
    pub name: String,
    pub uid: u32,
}

/// The three files, parsed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Accounts {
    users: Vec<Account>,
    /// shadow(5): name and `sp_pwdp`.
    shadow: Vec<(String, String)>,
    /// group(5): name and member list (`gr_mem`).
    groups: Vec<(String, Vec<String>)>,
}

/// Why `xauth_login_system` refused a login.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// `getspnam` or `getpwnam` found nobody.
    UnknownUser,
    /// uid 0 is never let in.
    Root,
    /// A locked (`!`, `*`) or empty hash: crypt cannot match it.
    Locked,
    WrongPassword,
}

fn fields(text: &str) -> impl Iterator<Item = (u32, Vec<&str>)> {
    text.lines()
        .zip(1u32..)
        .filter(|(l, _)| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|(l, n)| (n, l.split(':').collect()))
}

/// A line of one of the files that does not parse: which file, where, and
/// what was expected.
pub type DbError = (&'static str, ConfigError);

fn line_error(file: &'static str, line: u32, message: String) -> DbError {
    let error = ConfigError {
        line,
        column: 1,
        message: format!("{file}: {message}"),
    };
    (file, error)
}

impl Accounts {
    /// Parses the files the node has (each may be missing).
    pub fn parse(
        passwd: Option<&str>,
        shadow: Option<&str>,
        group: Option<&str>,
    ) -> Result<Accounts, DbError> {
        let mut a = Accounts::default();
        for (n, f) in fields(passwd.unwrap_or("")) {
            let (Some(name), Some(uid)) = (f.first(), f.get(2)) else {
                return Err(line_error(
                    "/etc/passwd",
                    n,
                    "expected name:password:uid:gid:gecos:home:shell".into(),
                ));
            };
            let uid = uid.parse().map_err(|_| {
                line_error("/etc/passwd", n, format!("uid `{uid}` is not a number"))
            })?;
            a.users.push(Account {
                name: name.to_string(),
                uid,
            });
        }
        for (n, f) in fields(shadow.unwrap_or("")) {
            let (Some(name), Some(hash)) = (f.first(), f.get(1)) else {
                return Err(line_error(
                    "/etc/shadow",
                    n,
                    "expected name:hash:...".into(),
                ));
            };
            check_format(hash).map_err(|m| line_error("/etc/shadow", n, m))?;
            a.shadow.push((name.to_string(), hash.to_string()));
        }
        for (n, f) in fields(group.unwrap_or("")) {
            let (Some(name), Some(members)) = (f.first(), f.get(3)) else {
                return Err(line_error(
                    "/etc/group",
                    n,
                    "expected name:password:gid:members".into(),
                ));
            };
            let members = members
                .split(',')
                .filter(|m| !m.is_empty())
                .map(str::to_string);
            a.groups.push((name.to_string(), members.collect()));
        }
        Ok(a)
    }

    /// `xauth_login_system` with `HAVE_SHADOW_H`: the shadow entry's hash,
    /// a passwd entry, no root, then `crypt(pwd, hash) == hash`.
    pub fn login(&self, user: &str, password: &[u8]) -> Result<(), Refusal> {
        let hash = self
            .shadow
            .iter()
            .find(|(n, _)| n == user)
            .map(|(_, h)| h.as_str())
            .ok_or(Refusal::UnknownUser)?;
        let account = self
            .users
            .iter()
            .find(|u| u.name == user)
            .ok_or(Refusal::UnknownUser)?;
        if account.uid == 0 {
            return Err(Refusal::Root);
        }
        if !hash.starts_with('$') {
            return Err(Refusal::Locked);
        }
        use sha_crypt::PasswordVerifier;
        sha_crypt::ShaCrypt::default()
            .verify_password(password, hash)
            .map_err(|_| Refusal::WrongPassword)
    }

    /// `xauth_group_system`: whether the group exists, and whether `user`
    /// is in its member list (not its primary gid, as racoon).
    pub fn group_has(&self, group: &str, user: &str) -> Option<bool> {
        self.groups
            .iter()
            .find(|(g, _)| g == group)
            .map(|(_, members)| members.iter().any(|m| m == user))
    }
}

/// A hash crypt can check here: `$5$`/`$6$`, or a locked or empty field
/// (which never matches).
fn check_format(hash: &str) -> Result<(), String> {
    if hash.is_empty() || hash.starts_with('!') || hash.starts_with('*') {
        return Ok(());
    }
    if hash.starts_with("$5$") || hash.starts_with("$6$") {
        return Ok(());
    }
    let kind = match hash.get(..3) {
        Some("$1$") => "MD5-crypt ($1$)",
        Some("$2a" | "$2b" | "$2y") => "bcrypt ($2b$)",
        Some("$y$") => "yescrypt ($y$)",
        _ if hash.len() == 13 => "DES crypt",
        _ => "an unknown format",
    };
    Err(format!(
        "the password hash is {kind}: vpnlab checks SHA-256-crypt ($5$) and SHA-512-crypt ($6$) hashes (make one with `mkpasswd -m sha-512`)"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `openssl passwd -6 -salt saltsalt secret` (OpenSSL 3.0; glibc's
    /// `crypt("secret", "$6$saltsalt")` gives the same).
    const SECRET_512: &str = "$6$saltsalt$TVLlQcbpFVof5W3Yz4DTP6gRstiNuHwwTt6GLc1E5n0U0aDehy0S5knV8wiOQSpT0Y77vwPZN.Pq.H91p5hVO1";
    /// `openssl passwd -5 -salt saltsalt secret`.
    const SECRET_256: &str = "$5$saltsalt$0IyaXrmV7.sGNS6tirgqHLqX/G.FBvgkYA.lpPdS5sA";

    fn db() -> Accounts {
        let passwd = "root:x:0:0:root:/root:/bin/sh\nalice:x:1000:1000::/home/alice:/bin/sh\nbob:x:1001:1001::/home/bob:/bin/sh\nroot2:x:0:0::/:/bin/sh\n";
        let shadow = format!(
            "root:{SECRET_512}:19000::::::\nalice:{SECRET_512}:19000:0:99999:7:::\nbob:{SECRET_256}:19000::::::\nroot2:!:19000::::::\n"
        );
        Accounts::parse(Some(passwd), Some(&shadow), Some("vpn:x:2000:alice\n")).unwrap()
    }

    /// xauth_login_system: crypt(pwd, hash) must give hash; root never.
    #[test]
    fn logins_as_xauth_login_system_decides() {
        let a = db();
        assert_eq!(a.login("alice", b"secret"), Ok(()));
        assert_eq!(a.login("bob", b"secret"), Ok(()));
        assert_eq!(a.login("alice", b"Secret"), Err(Refusal::WrongPassword));
        assert_eq!(a.login("carol", b"secret"), Err(Refusal::UnknownUser));
        assert_eq!(a.login("root", b"secret"), Err(Refusal::Root));
        assert_eq!(a.login("root2", b""), Err(Refusal::Root));
    }

    /// xauth_group_system reads only gr_mem.
    #[test]
    fn groups_by_member_list() {
        let a = db();
        assert_eq!(a.group_has("vpn", "alice"), Some(true));
        assert_eq!(a.group_has("vpn", "bob"), Some(false));
        assert_eq!(a.group_has("staff", "alice"), None);
    }

    #[test]
    fn unsupported_hashes_and_bad_lines_are_located() {
        let (file, e) =
            Accounts::parse(None, Some("a:$6$x$y:1\nb:$y$j9T$abc:1\n"), None).unwrap_err();
        assert_eq!((file, e.line), ("/etc/shadow", 2));
        assert!(e.message.contains("yescrypt"), "{e}");
        let (_, e) = Accounts::parse(Some("alice:x:one:1::/:/bin/sh\n"), None, None).unwrap_err();
        assert!(e.message.contains("uid `one`"), "{e}");
    }
}
