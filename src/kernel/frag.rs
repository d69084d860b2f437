//! IPv4 fragmentation by the outgoing link's MTU and reassembly with a
//! timeout and memory limits (RFC 791 §3.2, RFC 815).

use std::collections::BTreeMap;
use std::net::Ipv4Addr;

use smoltcp::time::{Duration, Instant};

use crate::wire::ipv4::{self, Header};

/// Linux's `ipfrag_time`: incomplete datagrams are dropped after 30 s.
pub const REASSEMBLY_TIMEOUT: Duration = Duration::from_secs(30);
/// Datagrams being reassembled at once per node.
pub const MAX_DATAGRAMS: usize = 64;
/// Bytes held in reassembly buffers per node (Linux's high threshold is 4 MB).
pub const MAX_BUFFERED: usize = 1 << 20;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NeedsFragmentation;

/// Options copied into every fragment have the high bit of their type set
/// (RFC 791 §3.1, "copied flag"); the rest stay in the first fragment.
fn copied_options(options: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < options.len() {
        let kind = options[i];
        if kind == 0 {
            break;
        }
        if kind == 1 {
            i += 1;
            continue;
        }
        let len = usize::from(*options.get(i + 1).unwrap_or(&0));
        if len < 2 || i + len > options.len() {
            break;
        }
        if kind & 0x80 != 0 {
            out.extend_from_slice(&options[i..i + len]);
        }
        i += len;
    }
    while out.len() % 4 != 0 {
        out.push(0);
    }
    out
}

/// Splits `packet` into fragments of at most `mtu` bytes, appending them to
/// `out`. A packet that fits is appended unchanged. `force` ignores DF (a
/// local sender fragments its own datagrams, like Linux with PMTU "want").
pub fn fragment(
    packet: Vec<u8>,
    h: &Header,
    mtu: usize,
    force: bool,
    out: &mut Vec<Vec<u8>>,
) -> Result<(), NeedsFragmentation> {
    if h.total_len <= mtu {
        out.push(packet);
        return Ok(());
    }
    if h.dont_frag && !force {
        return Err(NeedsFragmentation);
    }
    let first_header = &packet[..h.header_len];
    let later_options = copied_options(&packet[ipv4::MIN_HEADER..h.header_len]);
    let payload = &packet[h.header_len..h.total_len];
    let mut offset = 0;
    while offset < payload.len() {
        let header_len = if offset == 0 {
            h.header_len
        } else {
            ipv4::MIN_HEADER + later_options.len()
        };
        // Every fragment but the last carries a multiple of 8 data bytes.
        let room = (mtu.saturating_sub(header_len) / 8 * 8).max(8);
        let take = room.min(payload.len() - offset);
        let last = offset + take == payload.len();
        let mut frag = Vec::with_capacity(header_len + take);
        if offset == 0 {
            frag.extend_from_slice(first_header);
        } else {
            frag.extend_from_slice(&packet[..ipv4::MIN_HEADER]);
            frag.extend_from_slice(&later_options);
            frag[0] = 0x40 | (header_len / 4) as u8;
        }
        frag.extend_from_slice(&payload[offset..offset + take]);
        ipv4::set_total_len(&mut frag, header_len + take);
        ipv4::set_frag(
            &mut frag,
            false,
            h.more_frags || !last,
            h.frag_offset + offset,
        );
        ipv4::fill_checksum(&mut frag, header_len);
        out.push(frag);
        offset += take;
    }
    Ok(())
}

/// A datagram identified by RFC 791's (source, destination, protocol, identification).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct DatagramKey {
    src: Ipv4Addr,
    dst: Ipv4Addr,
    protocol: u8,
    ident: u16,
}

#[derive(Debug)]
struct Partial {
    expires: Instant,
    first_header: Option<Vec<u8>>,
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
    Complete(Vec<u8>),
}

#[derive(Debug, Default)]
pub struct Reassembler {
    partial: BTreeMap<DatagramKey, Partial>,
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

    /// Adds one fragment of a checked packet.
    pub fn offer(
        &mut self,
        now: Instant,
        packet: &[u8],
        h: &Header,
    ) -> Result<Reassembly, ReassemblyError> {
        let key = DatagramKey {
            src: h.src,
            dst: h.dst,
            protocol: h.protocol,
            ident: h.ident,
        };
        let data = &packet[h.header_len..h.total_len];
        let end = h.frag_offset + data.len();
        // Every fragment but the last must carry a multiple of 8 bytes, and
        // the whole datagram must fit in 65535 bytes (RFC 791 §3.2).
        let misaligned = h.more_frags && !data.len().is_multiple_of(8);
        if end + h.header_len > 65535 || misaligned || (data.is_empty() && h.more_frags) {
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
        if overlaps(&entry.pieces, h.frag_offset, end) || conflicting_end(entry.total, h, end) {
            // Overlapping fragments discard the whole datagram, as Linux
            // does since 4.19 (the RFC 5722 rule applied to IPv4).
            self.forget(&key);
            return Err(ReassemblyError::Limit);
        }
        if h.frag_offset == 0 {
            entry.first_header = Some(packet[..h.header_len].to_vec());
        }
        if !h.more_frags {
            entry.total = Some(end);
        }
        entry.pieces.insert(h.frag_offset, data.to_vec());
        entry.buffered += data.len();
        self.buffered += data.len();
        Ok(self.try_complete(key))
    }

    fn forget(&mut self, key: &DatagramKey) {
        if let Some(p) = self.partial.remove(key) {
            self.buffered -= p.buffered;
        }
    }

    fn try_complete(&mut self, key: DatagramKey) -> Reassembly {
        let Some(p) = self.partial.get(&key) else {
            return Reassembly::Incomplete;
        };
        let (Some(total), Some(_)) = (p.total, &p.first_header) else {
            return Reassembly::Incomplete;
        };
        let mut covered = 0;
        for (offset, data) in &p.pieces {
            if *offset != covered {
                return Reassembly::Incomplete;
            }
            covered += data.len();
        }
        if covered != total {
            return Reassembly::Incomplete;
        }
        let Some(p) = self.partial.remove(&key) else {
            return Reassembly::Incomplete;
        };
        self.buffered -= p.buffered;
        let header = p.first_header.unwrap_or_default();
        let mut packet = header;
        let header_len = packet.len();
        for data in p.pieces.into_values() {
            packet.extend_from_slice(&data);
        }
        ipv4::set_total_len(&mut packet, header_len + total);
        ipv4::set_frag(&mut packet, false, false, 0);
        ipv4::fill_checksum(&mut packet, header_len);
        Reassembly::Complete(packet)
    }
}

fn overlaps(pieces: &BTreeMap<usize, Vec<u8>>, start: usize, end: usize) -> bool {
    pieces
        .iter()
        .any(|(o, d)| start < o + d.len().max(1) && *o < end.max(start + 1))
}

/// A second "last fragment" with another end, or data past the known end.
fn conflicting_end(total: Option<usize>, h: &Header, end: usize) -> bool {
    match total {
        Some(t) => end > t || (!h.more_frags && end != t),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::ipv4::build_header;

    fn packet(payload_len: usize, dont_frag: bool) -> Vec<u8> {
        let mut p = build_header(
            "10.0.0.1".parse().unwrap(),
            "10.0.0.2".parse().unwrap(),
            17,
            64,
            42,
            payload_len,
        )
        .to_vec();
        p.extend((0..payload_len).map(|i| i as u8));
        ipv4::set_frag(&mut p, dont_frag, false, 0);
        ipv4::fill_checksum(&mut p, 20);
        p
    }

    fn split(p: &[u8], mtu: usize) -> Vec<Vec<u8>> {
        let h = Header::parse(p).unwrap();
        let mut out = Vec::new();
        fragment(p.to_vec(), &h, mtu, false, &mut out).unwrap();
        out
    }

    #[test]
    fn fragments_fit_and_align() {
        let p = packet(3000, false);
        let frags = split(&p, 1500);
        assert_eq!(frags.len(), 3);
        for f in &frags {
            let h = Header::parse(f).unwrap();
            assert!(h.total_len <= 1500);
        }
        let h0 = Header::parse(&frags[0]).unwrap();
        assert_eq!(
            (h0.total_len, h0.more_frags, h0.frag_offset),
            (1500, true, 0)
        );
        let h2 = Header::parse(&frags[2]).unwrap();
        assert_eq!((h2.more_frags, h2.frag_offset), (false, 2960));
    }

    #[test]
    fn dont_fragment_is_refused() {
        let p = packet(3000, true);
        let h = Header::parse(&p).unwrap();
        assert_eq!(
            fragment(p.clone(), &h, 1500, false, &mut Vec::new()),
            Err(NeedsFragmentation)
        );
        let mut out = Vec::new();
        fragment(p, &h, 1500, true, &mut out).unwrap();
        assert_eq!(out.len(), 3);
    }

    fn reassemble(frags: &[Vec<u8>]) -> Option<Vec<u8>> {
        let mut r = Reassembler::default();
        let mut result = None;
        for f in frags {
            let h = Header::parse(f).unwrap();
            if let Reassembly::Complete(p) = r.offer(Instant::ZERO, f, &h).unwrap() {
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
        assert_eq!(reassemble(&frags).as_deref(), Some(&p[..]));
        frags.reverse();
        assert_eq!(reassemble(&frags).as_deref(), Some(&p[..]));
    }

    #[test]
    fn refragmenting_a_fragment_reassembles() {
        let p = packet(3000, false);
        let mut all = Vec::new();
        for f in split(&p, 1500) {
            all.extend(split(&f, 576));
        }
        assert_eq!(reassemble(&all).as_deref(), Some(&p[..]));
    }

    #[test]
    fn incomplete_datagrams_expire() {
        let p = packet(3000, false);
        let frags = split(&p, 1500);
        let mut r = Reassembler::default();
        let h = Header::parse(&frags[0]).unwrap();
        assert_eq!(
            r.offer(Instant::ZERO, &frags[0], &h),
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
            let mut p = packet(3000, false);
            ipv4::set_ident(&mut p, ident);
            ipv4::fill_checksum(&mut p, 20);
            let first = split(&p, 1500).remove(0);
            let h = Header::parse(&first).unwrap();
            let result = r.offer(Instant::ZERO, &first, &h);
            assert_eq!(result.is_err(), usize::from(ident) >= MAX_DATAGRAMS);
        }
        assert_eq!(r.in_progress(), MAX_DATAGRAMS);
    }

    #[test]
    fn overlap_discards_datagram() {
        let p = packet(3000, false);
        let frags = split(&p, 1500);
        let mut r = Reassembler::default();
        let h = Header::parse(&frags[0]).unwrap();
        r.offer(Instant::ZERO, &frags[0], &h).unwrap();
        assert_eq!(
            r.offer(Instant::ZERO, &frags[0], &h),
            Err(ReassemblyError::Limit)
        );
        assert_eq!(r.in_progress(), 0);
    }
}
