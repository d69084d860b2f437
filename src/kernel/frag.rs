//! IPv4 fragmentation by the outgoing link's MTU and reassembly with a
//! timeout and memory limits (RFC 791 §3.2, RFC 815).

use std::collections::BTreeMap;

use smoltcp::time::{Duration, Instant};

use super::datagram::Datagram;
use crate::wire::frag::{self as layout, Key};
use crate::wire::ipv4;

/// Linux's `ipfrag_time`: incomplete datagrams are dropped after 30 s.
pub const REASSEMBLY_TIMEOUT: Duration = Duration::from_secs(30);
/// Datagrams being reassembled at once per node.
pub const MAX_DATAGRAMS: usize = 64;
/// Bytes held in reassembly buffers per node (Linux's high threshold is 4 MB).
pub const MAX_BUFFERED: usize = 1 << 20;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NeedsFragmentation;

/// Splits a datagram into fragments of at most `mtu` bytes, appending them
/// to `out`. A datagram that fits is appended unchanged. `force` ignores
/// DF (a local sender fragments its own datagrams, like Linux with PMTU
/// "want"). Later fragments repeat only the copied options (RFC 791 §3.1).
pub fn fragment(
    datagram: Datagram,
    mtu: usize,
    force: bool,
    out: &mut Vec<Vec<u8>>,
) -> Result<(), NeedsFragmentation> {
    let h = datagram.header;
    if h.total_len() <= mtu {
        out.push(datagram.bytes);
        return Ok(());
    }
    if h.frag.dont_frag && !force {
        return Err(NeedsFragmentation);
    }
    let later = ipv4::Repr {
        options: h.options.copied(),
        ..h
    };
    let payload = datagram.payload();
    let mut offset = 0;
    while offset < payload.len() {
        let header = if offset == 0 { h } else { later };
        let take = layout::data_len(mtu, header.header_len()).min(payload.len() - offset);
        let last = offset + take == payload.len();
        let piece = ipv4::Repr {
            frag: layout::Repr {
                ident: h.frag.ident,
                dont_frag: false,
                more_frags: h.frag.more_frags || !last,
                offset: h.frag.offset + offset,
            },
            payload_len: take,
            ..header
        };
        // A piece is no longer than the MTU, which fits a total length.
        if let Ok(piece) = Datagram::new(piece, &payload[offset..offset + take]) {
            out.push(piece.bytes);
        }
        offset += take;
    }
    Ok(())
}

#[derive(Debug)]
struct Partial {
    expires: Instant,
    first_header: Option<ipv4::Repr>,
    /// Fragment payloads by offset.
    pieces: BTreeMap<usize, Vec<u8>>,
    total: Option<usize>,
    buffered: usize,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReassemblyError {
    /// Too many datagrams or bytes in progress, or an impossible fragment.
    Limit,
}

/// Outcome of offering one fragment.
#[derive(Debug, PartialEq, Eq)]
pub enum Reassembly {
    Incomplete,
    Complete(Datagram),
}

#[derive(Debug, Default)]
pub struct Reassembler {
    partial: BTreeMap<Key, Partial>,
    buffered: usize,
}

impl Reassembler {
    pub fn in_progress(&self) -> usize {
        self.partial.len()
    }

    /// Earliest time an incomplete datagram expires.
    pub fn next_expiry(&self) -> Option<Instant> {
        self.partial.values().map(|p| p.expires).min()
    }

    /// Drops datagrams whose timer ran out; returns how many.
    pub fn expire(&mut self, now: Instant) -> usize {
        let before = self.partial.len();
        let mut freed = 0;
        self.partial.retain(|_, p| {
            let keep = p.expires > now;
            if !keep {
                freed += p.buffered;
            }
            keep
        });
        self.buffered -= freed;
        before - self.partial.len()
    }

    /// Adds one fragment.
    pub fn offer(
        &mut self,
        now: Instant,
        fragment: &Datagram,
    ) -> Result<Reassembly, ReassemblyError> {
        let h = &fragment.header;
        let key = Key::of(h);
        let data = fragment.payload();
        let end = h.frag.offset + data.len();
        // Every fragment but the last must carry a multiple of 8 bytes, and
        // the whole datagram must fit in 65535 bytes (RFC 791 §3.2).
        let misaligned = h.frag.more_frags && !data.len().is_multiple_of(layout::UNIT);
        let too_long = end + h.header_len() > ipv4::MAX_TOTAL_LEN;
        if too_long || misaligned || (data.is_empty() && h.frag.more_frags) {
            self.forget(&key);
            return Err(ReassemblyError::Limit);
        }
        if !self.partial.contains_key(&key) && self.partial.len() >= MAX_DATAGRAMS {
            return Err(ReassemblyError::Limit);
        }
        if self.buffered + data.len() > MAX_BUFFERED {
            return Err(ReassemblyError::Limit);
        }
        let entry = self.partial.entry(key).or_insert_with(|| Partial {
            expires: now + REASSEMBLY_TIMEOUT,
            first_header: None,
            pieces: BTreeMap::new(),
            total: None,
            buffered: 0,
        });
        if overlaps(&entry.pieces, h.frag.offset, end) || conflicting_end(entry.total, h, end) {
            // Overlapping fragments discard the whole datagram, as Linux
            // does since 4.19 (the RFC 5722 rule applied to IPv4).
            self.forget(&key);
            return Err(ReassemblyError::Limit);
        }
        if h.frag.offset == 0 {
            entry.first_header = Some(*h);
        }
        if !h.frag.more_frags {
            entry.total = Some(end);
        }
        entry.pieces.insert(h.frag.offset, data.to_vec());
        entry.buffered += data.len();
        self.buffered += data.len();
        self.try_complete(key)
    }

    fn forget(&mut self, key: &Key) {
        if let Some(p) = self.partial.remove(key) {
            self.buffered -= p.buffered;
        }
    }

    fn try_complete(&mut self, key: Key) -> Result<Reassembly, ReassemblyError> {
        let Some(p) = self.partial.get(&key) else {
            return Ok(Reassembly::Incomplete);
        };
        let (Some(total), Some(_)) = (p.total, &p.first_header) else {
            return Ok(Reassembly::Incomplete);
        };
        let mut covered = 0;
        for (offset, data) in &p.pieces {
            if *offset != covered {
                return Ok(Reassembly::Incomplete);
            }
            covered += data.len();
        }
        if covered != total {
            return Ok(Reassembly::Incomplete);
        }
        let Some(p) = self.partial.remove(&key) else {
            return Ok(Reassembly::Incomplete);
        };
        self.buffered -= p.buffered;
        let Some(first) = p.first_header else {
            return Ok(Reassembly::Incomplete);
        };
        // The first fragment's header, unfragmented (DF clear too, as the
        // header is rewritten whole). Longer than a total length can say
        // (a first fragment with more options than the last) is no
        // datagram.
        let header = ipv4::Repr {
            frag: layout::Repr::whole(first.frag.ident, false),
            payload_len: total,
            ..first
        };
        let mut bytes = header.to_header().map_err(|_| ReassemblyError::Limit)?;
        for data in p.pieces.into_values() {
            bytes.extend_from_slice(&data);
        }
        Ok(Reassembly::Complete(Datagram { header, bytes }))
    }
}

fn overlaps(pieces: &BTreeMap<usize, Vec<u8>>, start: usize, end: usize) -> bool {
    pieces
        .iter()
        .any(|(o, d)| start < o + d.len().max(1) && *o < end.max(start + 1))
}

/// A second "last fragment" with another end, or data past the known end.
fn conflicting_end(total: Option<usize>, h: &ipv4::Repr, end: usize) -> bool {
    match total {
        Some(t) => end > t || (!h.frag.more_frags && end != t),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn packet(payload_len: usize, dont_frag: bool) -> Datagram {
        let header = ipv4::Repr {
            frag: layout::Repr::whole(42, dont_frag),
            ..ipv4::Repr::new(
                "10.0.0.1".parse().unwrap(),
                "10.0.0.2".parse().unwrap(),
                17,
                64,
                payload_len,
            )
        };
        let payload: Vec<u8> = (0..payload_len).map(|i| i as u8).collect();
        Datagram::new(header, &payload).unwrap()
    }

    fn split(p: &Datagram, mtu: usize) -> Vec<Datagram> {
        let mut out = Vec::new();
        fragment(p.clone(), mtu, false, &mut out).unwrap();
        out.into_iter()
            .map(|f| Datagram::parse(f).expect("fragments are valid datagrams"))
            .collect()
    }

    #[test]
    fn fragments_fit_and_align() {
        let p = packet(3000, false);
        let frags = split(&p, 1500);
        assert_eq!(frags.len(), 3);
        assert!(frags.iter().all(|f| f.header.total_len() <= 1500));
        let h0 = frags[0].header;
        assert_eq!(
            (h0.total_len(), h0.frag.more_frags, h0.frag.offset),
            (1500, true, 0)
        );
        let h2 = frags[2].header;
        assert_eq!((h2.frag.more_frags, h2.frag.offset), (false, 2960));
    }

    /// RFC 791 §3.1: only options with the copied flag reach later
    /// fragments; the first keeps them all.
    #[test]
    fn later_fragments_repeat_only_copied_options() {
        let mut p = packet(1000, false);
        let options = ipv4::Options::new(&[7, 3, 4, 1, 0x94, 4, 0, 0]).unwrap();
        p = Datagram::new(
            ipv4::Repr {
                options,
                ..p.header
            },
            p.payload(),
        )
        .unwrap();
        let frags = split(&p, 576);
        assert_eq!(frags[0].header.options, options);
        assert_eq!(frags[1].header.options.as_bytes(), &[0x94, 4, 0, 0]);
        assert_eq!(reassemble(&frags), Some(p));
    }

    #[test]
    fn dont_fragment_is_refused() {
        let p = packet(3000, true);
        assert_eq!(
            fragment(p.clone(), 1500, false, &mut Vec::new()),
            Err(NeedsFragmentation)
        );
        let mut out = Vec::new();
        fragment(p, 1500, true, &mut out).unwrap();
        assert_eq!(out.len(), 3);
    }

    fn reassemble(frags: &[Datagram]) -> Option<Datagram> {
        let mut r = Reassembler::default();
        let mut result = None;
        for f in frags {
            if let Reassembly::Complete(p) = r.offer(Instant::ZERO, f).unwrap() {
                result = Some(p);
            }
        }
        assert_eq!(r.in_progress(), 0);
        result
    }

    #[test]
    fn reassembles_in_any_order() {
        let p = packet(4000, false);
        let mut frags = split(&p, 576);
        assert_eq!(reassemble(&frags).as_ref(), Some(&p));
        frags.reverse();
        assert_eq!(reassemble(&frags).as_ref(), Some(&p));
    }

    #[test]
    fn refragmenting_a_fragment_reassembles() {
        let p = packet(3000, false);
        let mut all = Vec::new();
        for f in split(&p, 1500) {
            all.extend(split(&f, 576));
        }
        assert_eq!(reassemble(&all), Some(p));
    }

    #[test]
    fn incomplete_datagrams_expire() {
        let p = packet(3000, false);
        let frags = split(&p, 1500);
        let mut r = Reassembler::default();
        assert_eq!(
            r.offer(Instant::ZERO, &frags[0]),
            Ok(Reassembly::Incomplete)
        );
        assert_eq!(r.next_expiry(), Some(Instant::ZERO + REASSEMBLY_TIMEOUT));
        assert_eq!(r.expire(Instant::from_secs(29)), 0);
        assert_eq!(r.expire(Instant::from_secs(30)), 1);
        assert_eq!(r.buffered, 0);
    }

    #[test]
    fn limits_bound_memory() {
        let mut r = Reassembler::default();
        for ident in 0..(MAX_DATAGRAMS as u16 + 10) {
            let p = packet(3000, false);
            let p = Datagram::new(
                ipv4::Repr {
                    frag: layout::Repr::whole(ident, false),
                    ..p.header
                },
                p.payload(),
            )
            .unwrap();
            let first = split(&p, 1500).remove(0);
            let result = r.offer(Instant::ZERO, &first);
            assert_eq!(result.is_err(), usize::from(ident) >= MAX_DATAGRAMS);
        }
        assert_eq!(r.in_progress(), MAX_DATAGRAMS);
    }

    #[test]
    fn overlap_discards_datagram() {
        let p = packet(3000, false);
        let frags = split(&p, 1500);
        let mut r = Reassembler::default();
        r.offer(Instant::ZERO, &frags[0]).unwrap();
        assert_eq!(
            r.offer(Instant::ZERO, &frags[0]),
            Err(ReassemblyError::Limit)
        );
        assert_eq!(r.in_progress(), 0);
    }
}
