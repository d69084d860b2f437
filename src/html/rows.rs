//! The ladder picture's rows: which packets get an arrow of their own and
//! which fold into one, so that a run of 1,000 packets stays readable.
//!
//! Every IKE message and every dropped or lost packet is a row; ESP
//! shows the first and last packet of each SA on each link; other
//! traffic folds into the row of the same packet shape on the same hop
//! (`×N`) until the next IKE message or drop starts a new chapter.

use std::collections::HashMap;

use smoltcp::time::Instant;

use crate::observe::ladder::Hop;

/// At most this many rows; the rest are counted in a last line.
pub const ROW_CAP: usize = 400;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RowKind {
    Ike,
    Esp,
    Other,
}

impl RowKind {
    pub fn name(self) -> &'static str {
        match self {
            RowKind::Ike => "ike",
            RowKind::Esp => "esp",
            RowKind::Other => "other",
        }
    }
}

#[derive(Clone, Debug)]
pub struct Row {
    /// The first hop of the row, by index into the run's hops.
    pub hop: usize,
    pub kind: RowKind,
    pub label: String,
    /// `src > dst` as tcpdump prints them (a NAT's rewrite shows here).
    pub addrs: String,
    /// Packets the row stands for, and the time of the last of them.
    pub count: u64,
    pub until: Instant,
}

/// What the rows leave out.
#[derive(Debug, Default)]
pub struct Left {
    /// Packets between lifelines that are not drawn.
    pub hidden: u64,
    /// Packets after the row cap.
    pub after_cap: u64,
}

/// tcpdump's line split into addresses and the rest.
fn split(text: &str) -> (&str, &str) {
    text.split_once(": ").unwrap_or(("", text))
}

/// The line after `isakmp: `, e.g. `phase 1 I ident`.
fn ike_label(text: &str) -> Option<&str> {
    text.split_once("isakmp: ").map(|(_, l)| l)
}

/// `ESP(spi=0x1234abcd` from the line.
fn esp_spi(text: &str) -> Option<&str> {
    let at = text.find("ESP(spi=0x")?;
    text.get(at + 4..at + 18)
}

/// A line with its numbers blanked: echo requests of one flow share it.
fn shape(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_ascii_digit() { '#' } else { c })
        .collect()
}

fn row(i: usize, h: &Hop, kind: RowKind, label: String) -> Row {
    Row {
        hop: i,
        kind,
        label,
        addrs: split(&h.text).0.to_string(),
        count: 1,
        until: h.at,
    }
}

/// The rows for `hops`; `shown(lifeline)` says which lifelines are drawn;
/// `said`: what encrypted Informationals said, by hop (see `said`).
pub fn rows(
    hops: &[Hop],
    shown: impl Fn(u32) -> bool,
    said: &HashMap<usize, String>,
) -> (Vec<Row>, Left) {
    let mut last_esp: HashMap<(u32, &str), usize> = HashMap::new();
    for (i, h) in hops.iter().enumerate() {
        if let Some(spi) = esp_spi(&h.text) {
            last_esp.insert((h.link, spi), i);
        }
    }
    let mut out: Vec<Row> = Vec::new();
    let mut left = Left::default();
    let mut folds: HashMap<(u32, u32, u32, String), usize> = HashMap::new();
    let mut esp_first: HashMap<(u32, &str), usize> = HashMap::new();
    for (i, h) in hops.iter().enumerate() {
        if !shown(h.from) || !shown(h.to) {
            left.hidden += 1;
            continue;
        }
        if out.len() >= ROW_CAP {
            left.after_cap += 1;
            continue;
        }
        let rest = split(&h.text).1;
        if let Some(label) = ike_label(&h.text) {
            folds.clear();
            let label = match said.get(&i) {
                Some(what) => format!("{label} {what}"),
                None => label.to_string(),
            };
            out.push(row(i, h, RowKind::Ike, label));
        } else if h.dropped() {
            folds.clear();
            out.push(row(i, h, RowKind::Other, rest.to_string()));
        } else if let Some(spi) = esp_spi(&h.text) {
            let key = (h.link, spi);
            match esp_first.get(&key) {
                None => {
                    esp_first.insert(key, out.len());
                    out.push(row(i, h, RowKind::Esp, format!("first {rest}")));
                }
                Some(&first) if last_esp.get(&key) == Some(&i) => {
                    let n = out[first].count + 1;
                    out[first].count = 1;
                    out.push(row(i, h, RowKind::Esp, format!("last of {n}: {rest}")));
                }
                Some(&first) => {
                    out[first].count += 1;
                    out[first].until = h.at;
                }
            }
        } else {
            let key = (h.link, h.from, h.to, shape(rest));
            match folds.get(&key) {
                Some(&r) => {
                    out[r].count += 1;
                    out[r].until = h.at;
                }
                None => {
                    folds.insert(key, out.len());
                    out.push(row(i, h, RowKind::Other, rest.to_string()));
                }
            }
        }
    }
    (out, left)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hop(at: i64, from: u32, to: u32, text: &str) -> Hop {
        Hop {
            at: Instant::from_millis(at),
            link: 0,
            from,
            to,
            line: at as u64,
            text: text.into(),
            summary: None,
            arriving: 1,
            fate: None,
        }
    }

    /// Echoes fold into one row per direction; an IKE message starts new
    /// rows; ESP shows its first and last packet with the count.
    #[test]
    fn repeats_fold_and_esp_shows_first_and_last() {
        let mut hops = Vec::new();
        for s in 1..=3 {
            hops.push(hop(
                s * 10,
                0,
                1,
                &format!("a > b: ICMP echo request, id 1, seq {s}"),
            ));
            hops.push(hop(
                s * 10 + 1,
                1,
                0,
                &format!("b > a: ICMP echo reply, id 1, seq {s}"),
            ));
        }
        hops.push(hop(40, 0, 1, "a.500 > b.500: isakmp: phase 1 I ident"));
        for s in 1..=4 {
            hops.push(hop(
                50 + s,
                0,
                1,
                &format!("a > b: ESP(spi=0x00001000,seq=0x{s}), length 88"),
            ));
        }
        hops.push(hop(60, 0, 1, "a > b: ICMP echo request, id 1, seq 4"));
        let (rows, left) = rows(&hops, |_| true, &HashMap::new());
        let got: Vec<(RowKind, u64, &str)> = rows
            .iter()
            .map(|r| (r.kind, r.count, r.label.as_str()))
            .collect();
        assert_eq!(
            got,
            vec![
                (RowKind::Other, 3, "ICMP echo request, id 1, seq 1"),
                (RowKind::Other, 3, "ICMP echo reply, id 1, seq 1"),
                (RowKind::Ike, 1, "phase 1 I ident"),
                (
                    RowKind::Esp,
                    1,
                    "first ESP(spi=0x00001000,seq=0x1), length 88"
                ),
                (
                    RowKind::Esp,
                    1,
                    "last of 4: ESP(spi=0x00001000,seq=0x4), length 88"
                ),
                (RowKind::Other, 1, "ICMP echo request, id 1, seq 4"),
            ]
        );
        assert_eq!(rows[0].until, Instant::from_millis(30));
        assert_eq!(rows[2].addrs, "a.500 > b.500");
        assert_eq!(left.hidden + left.after_cap, 0);
    }

    /// A lost packet is a row of its own, between folded ones.
    #[test]
    fn a_drop_is_its_own_row() {
        let mut lost = hop(20, 0, 1, "a > b: ICMP echo request, id 1, seq 2");
        lost.arriving = 0;
        let hops = vec![
            hop(10, 0, 1, "a > b: ICMP echo request, id 1, seq 1"),
            lost,
            hop(30, 0, 1, "a > b: ICMP echo request, id 1, seq 3"),
            hop(40, 2, 1, "c > b: ICMP echo request, id 1, seq 1"),
        ];
        let (rows, left) = rows(&hops, |l| l != 2, &HashMap::new());
        let counts: Vec<(usize, u64)> = rows.iter().map(|r| (r.hop, r.count)).collect();
        assert_eq!(counts, vec![(0, 1), (1, 1), (2, 1)]);
        assert_eq!(left.hidden, 1);
    }
}
