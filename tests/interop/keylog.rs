//! The keys charon logs at `ike = 4`, `chd = 4`, paired the way charon
//! derives them (strongSwan 5.9.8 `src/libcharon/sa/ikev1/keymat_v1.c`):
//!
//! - `derive_child_keys`: `KEYMAT = prf+(SKEYID_d, [g(qm)^xy |] protocol |
//!   SPI | Ni_b | Nr_b)` (RFC 2409 §5.5). The "initiator SA seed" carries
//!   `spi_r`, the SPI the quick mode responder chose, and gives the
//!   "initiator" keys: they protect initiator-to-responder traffic, the SA
//!   with that SPI. The "responder SA seed" carries `spi_i` and gives the
//!   "responder" keys. The SPI sits right after the DH secret (logged
//!   before as "DH secret" with PFS) and the one-byte protocol.
//! - `derive_ike_keys`: "encryption key Ka" is phase 1's encryption key;
//!   its initiator cookie is the first 8 bytes of the `natd_chunk`
//!   (`isakmp_natd.c`: CKY-I | CKY-R | IP | port) logged for the same
//!   IKE_SA.
//!
//! Values are dumped by `%B` (`utils/chunk.c`, `memory.c`): a line
//! `LABEL => N bytes @ 0xADDR`, then lines `   OFF: XX XX ... ascii` of 16
//! bytes. Every line carries `HH:MM:SS TT[GRP] <conn|N> ` (`ike_name =
//! yes`), and a responder writes `<N>` until its config is known: lines
//! are grouped by thread and IKE_SA unique id N.

use std::collections::HashMap;

/// One direction of an ESP SA as charon derived it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChildKeys {
    pub spi: u32,
    pub encryption: Vec<u8>,
    pub integrity: Vec<u8>,
}

/// An ISAKMP SA's initiator cookie and encryption key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IkeKeys {
    pub initiator_cookie: [u8; 8],
    pub encryption: Vec<u8>,
}

#[derive(Default)]
pub struct KeyLog {
    pub children: Vec<ChildKeys>,
    pub ike: Vec<IkeKeys>,
}

/// A labelled value from the log.
struct Block {
    label: String,
    bytes: Vec<u8>,
    expected: usize,
}

/// Splits `HH:MM:SS TT[GRP] <conn|N> rest` into (thread, IKE_SA id, rest).
fn split_prefix(line: &str) -> Option<(&str, &str, &str)> {
    let mut parts = line.splitn(3, ' ');
    let _time = parts.next()?;
    let thread = parts.next()?;
    let rest = parts.next()?;
    let rest = rest.strip_prefix('<')?;
    let (name, rest) = rest.split_once("> ")?;
    let id = name.rsplit('|').next()?;
    Some((thread.get(..2)?, id, rest))
}

/// Parses a `   OFF: XX XX ...` dump line: the bytes it holds, at most
/// `want`.
fn dump_bytes(rest: &str, want: usize) -> Option<Vec<u8>> {
    let (off, hex) = rest.trim_start().split_once(": ")?;
    off.parse::<usize>().ok()?;
    (0..want.min(16))
        .map(|i| {
            hex.get(i * 3..i * 3 + 2)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        })
        .collect()
}

fn label_of(rest: &str) -> Option<(String, usize)> {
    let (label, tail) = rest.split_once(" => ")?;
    let n = tail.split(' ').next()?.parse().ok()?;
    Some((label.to_string(), n))
}

/// Every labelled value per (thread, IKE_SA), in log order.
fn blocks(log: &str) -> Vec<((String, String), Block)> {
    let mut out: Vec<((String, String), Block)> = Vec::new();
    let mut open: HashMap<(String, String), usize> = HashMap::new();
    for line in log.lines() {
        let Some((thread, id, rest)) = split_prefix(line) else {
            continue;
        };
        let key = (thread.to_string(), id.to_string());
        if let Some((label, expected)) = label_of(rest) {
            open.insert(key.clone(), out.len());
            out.push((
                key,
                Block {
                    label,
                    bytes: Vec::new(),
                    expected,
                },
            ));
        } else if let Some(&i) = open.get(&key) {
            let block = &mut out[i].1;
            let want = block.expected - block.bytes.len();
            match dump_bytes(rest, want) {
                Some(bytes) if want > 0 => block.bytes.extend(bytes),
                _ => {
                    open.remove(&key);
                }
            }
        }
    }
    out
}

/// The state of one quick mode's key derivation.
#[derive(Default)]
struct Derivation {
    dh_len: usize,
    spi_r: Option<u32>,
    spi_i: Option<u32>,
    encr_i: Vec<u8>,
    encr_r: Vec<u8>,
    integ_i: Vec<u8>,
    integ_r: Vec<u8>,
}

fn spi_in_seed(seed: &[u8], dh_len: usize) -> Option<u32> {
    let b = seed.get(dh_len + 1..dh_len + 5)?;
    Some(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
}

impl KeyLog {
    pub fn parse(log: &str) -> KeyLog {
        let mut keys = KeyLog::default();
        let mut child: HashMap<(String, String), Derivation> = HashMap::new();
        let mut cookie: HashMap<String, [u8; 8]> = HashMap::new();
        let mut ka: HashMap<String, Vec<u8>> = HashMap::new();
        for (key, b) in blocks(log) {
            if b.bytes.len() != b.expected {
                continue;
            }
            let d = child.entry(key.clone()).or_default();
            match b.label.as_str() {
                "DH secret" => d.dh_len = b.bytes.len(),
                "initiator SA seed" => d.spi_r = spi_in_seed(&b.bytes, d.dh_len),
                "responder SA seed" => d.spi_i = spi_in_seed(&b.bytes, d.dh_len),
                "encryption initiator key" => d.encr_i = b.bytes,
                "encryption responder key" => d.encr_r = b.bytes,
                "integrity initiator key" => d.integ_i = b.bytes,
                "integrity responder key" => {
                    d.integ_r = b.bytes;
                    let d = child.remove(&key).unwrap_or_default();
                    keys.push_child(d);
                }
                "natd_chunk" if b.bytes.len() >= 8 => {
                    let mut c = [0u8; 8];
                    c.copy_from_slice(&b.bytes[..8]);
                    cookie.insert(key.1.clone(), c);
                    if let Some(enc) = ka.remove(&key.1) {
                        keys.push_ike(c, enc);
                    }
                }
                "encryption key Ka" => match cookie.get(&key.1) {
                    Some(c) => keys.push_ike(*c, b.bytes),
                    None => {
                        ka.insert(key.1.clone(), b.bytes);
                    }
                },
                _ => {}
            }
        }
        keys
    }

    fn push_child(&mut self, d: Derivation) {
        if let Some(spi) = d.spi_r {
            self.children.push(ChildKeys {
                spi,
                encryption: d.encr_i,
                integrity: d.integ_i,
            });
        }
        if let Some(spi) = d.spi_i {
            self.children.push(ChildKeys {
                spi,
                encryption: d.encr_r,
                integrity: d.integ_r,
            });
        }
    }

    fn push_ike(&mut self, initiator_cookie: [u8; 8], encryption: Vec<u8>) {
        let k = IkeKeys {
            initiator_cookie,
            encryption,
        };
        if !self.ike.contains(&k) {
            self.ike.push(k);
        }
    }

    /// Wireshark's `ikev1_decryption_table` rows for these SAs.
    pub fn ikev1_table(&self) -> String {
        self.ike
            .iter()
            .map(|k| format!("{},{}\n", hex(&k.initiator_cookie), hex(&k.encryption)))
            .collect()
    }
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// One row of vpnlab's `esp_sa`: SPI, encryption and integrity keys.
#[derive(Clone, Debug)]
pub struct EspRow {
    pub spi: u32,
    pub encryption: Vec<u8>,
    pub integrity: Vec<u8>,
}

fn unhex(text: &str) -> Option<Vec<u8>> {
    let t = text.trim_start_matches("0x");
    (0..t.len() / 2)
        .map(|i| u8::from_str_radix(t.get(i * 2..i * 2 + 2)?, 16).ok())
        .collect()
}

/// Parses `"IPv4","SRC","DST","0xSPI","ENC","0xKEY","AUTH","0xKEY"` rows.
pub fn esp_rows(table: &str) -> Result<Vec<EspRow>, String> {
    table
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            let f: Vec<&str> = line.split(',').map(|f| f.trim_matches('"')).collect();
            let bad = || format!("bad esp_sa row `{line}`");
            if f.len() != 8 {
                return Err(bad());
            }
            Ok(EspRow {
                spi: u32::from_str_radix(f[3].trim_start_matches("0x"), 16).map_err(|_| bad())?,
                encryption: unhex(f[5]).ok_or_else(bad)?,
                integrity: unhex(f[7]).ok_or_else(bad)?,
            })
        })
        .collect()
}

/// The name Wireshark's ESP table gives an integrity algorithm of this
/// key length (charon logs keys, not algorithm names).
fn integrity_name(key_len: usize) -> &'static str {
    match key_len {
        16 => "HMAC-MD5-96 [RFC2403]",
        20 => "HMAC-SHA-1-96 [RFC2404]",
        32 => "HMAC-SHA-256-128 [RFC4868]",
        _ => "NULL",
    }
}

/// The name for an encryption key of this length (AES-CBC unless 24
/// bytes, which this suite only configures as 3DES).
fn encryption_name(key_len: usize, aes192: bool) -> &'static str {
    match key_len {
        24 if !aes192 => "TripleDES-CBC [RFC2451]",
        _ => "AES-CBC [RFC3602]",
    }
}

/// `esp_sa` rows for the CHILD_SAs in charon's log (any addresses: ESP
/// in UDP may cross a NAT). `aes192` says how a 24-byte key is read.
pub fn esp_table(children: &[ChildKeys], aes192: bool) -> String {
    children
        .iter()
        .map(|c| {
            format!(
                "\"IPv4\",\"*\",\"*\",\"0x{:08x}\",\"{}\",\"0x{}\",\"{}\",\"0x{}\"\n",
                c.spi,
                encryption_name(c.encryption.len(), aes192),
                hex(&c.encryption),
                integrity_name(c.integrity.len()),
                hex(&c.integrity)
            )
        })
        .collect()
}

/// The parser on lines of a 5.9.8 charon.log (charon the quick mode
/// initiator, SPIs 0xaae3cf5f chosen by the peer, 0x09d47116 by charon):
/// the initiator keys go with the SPI in the initiator seed.
pub fn pairs_seeds_with_spis() -> Result<(), libtest_mimic::Failed> {
    let log = "\
02:24:42 06[CHD] <lab|1> initiator SA seed => 41 bytes @ 0x1
02:24:42 06[CHD] <lab|1>    0: 03 AA E3 CF 5F 00 00 00 00 00 00 00 00 00 00 00  ....
02:24:42 06[CHD] <lab|1>   16: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00  ....
02:24:42 06[CHD] <lab|1>   32: 00 00 00 00 00 00 00 00 00                       ....
02:24:42 06[CHD] <lab|1> responder SA seed => 41 bytes @ 0x1
02:24:42 06[CHD] <lab|1>    0: 03 09 D4 71 16 00 00 00 00 00 00 00 00 00 00 00  ....
02:24:42 06[CHD] <lab|1>   16: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00  ....
02:24:42 06[CHD] <lab|1>   32: 00 00 00 00 00 00 00 00 00                       ....
02:24:42 06[CHD] <lab|1> encryption initiator key => 16 bytes @ 0x7fb598001e40
02:24:42 06[CHD] <lab|1>    0: 76 3E D3 9A A9 79 68 B3 BE 83 E5 D0 1A 45 51 B2  v>...yh......EQ.
02:24:42 06[CHD] <lab|1> encryption responder key => 16 bytes @ 0x7fb598002660
02:24:42 06[CHD] <lab|1>    0: 34 E5 6A 38 DD 6C 94 39 95 22 1F 22 CA 08 20 FB  4.j8.l.9.\".\".. .
02:24:42 06[CHD] <lab|1> integrity initiator key => 20 bytes @ 0x7fb598001e80
02:24:42 06[CHD] <lab|1>    0: 42 EF CA 52 0F E8 90 8D B2 3D FE ED E7 F3 67 AC  B..R.....=....g.
02:24:42 06[CHD] <lab|1>   16: 3B AE 36 66                                      ;.6f
02:24:42 06[CHD] <lab|1> integrity responder key => 20 bytes @ 0x7fb598002620
02:24:42 06[CHD] <lab|1>    0: 6E 32 69 3D 96 F6 30 D0 0C 05 31 05 1C 55 EA E0  n2i=..0...1..U..
02:24:42 06[CHD] <lab|1>   16: EC 4A 24 8E                                      .J$.
";
    let keys = KeyLog::parse(log);
    let got: Vec<(u32, String, String)> = keys
        .children
        .iter()
        .map(|c| (c.spi, hex(&c.encryption), hex(&c.integrity)))
        .collect();
    let want = vec![
        (
            0xaae3cf5f,
            "763ed39aa97968b3be83e5d01a4551b2".to_string(),
            "42efca520fe8908db23dfeede7f367ac3bae3666".to_string(),
        ),
        (
            0x09d47116,
            "34e56a38dd6c943995221f22ca0820fb".to_string(),
            "6e32693d96f630d00c0531051c55eae0ec4a248e".to_string(),
        ),
    ];
    if got == want {
        Ok(())
    } else {
        Err(format!("parsed {got:x?}, expected {want:x?}").into())
    }
}
