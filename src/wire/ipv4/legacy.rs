//! The header API before `Packet` and `Repr`, kept while its users move
//! over; it goes when the last one has.
#![allow(dead_code)]

use std::net::Ipv4Addr;

use crate::net::ones_complement_sum;

use super::HEADER_LEN as MIN_HEADER_LEN;

pub const MIN_HEADER: usize = MIN_HEADER_LEN;
const FLAG_DF: u16 = 0x4000;
const FLAG_MF: u16 = 0x2000;
const OFFSET_MASK: u16 = 0x1fff;

/// Fields of a checked IPv4 header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Header {
    pub header_len: usize,
    pub total_len: usize,
    pub ident: u16,
    pub dont_frag: bool,
    pub more_frags: bool,
    /// Fragment offset in bytes.
    pub frag_offset: usize,
    pub ttl: u8,
    pub protocol: u8,
    pub src: Ipv4Addr,
    pub dst: Ipv4Addr,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HeaderError {
    Malformed,
    BadChecksum,
}

fn be16(b: &[u8], at: usize) -> u16 {
    u16::from_be_bytes([b[at], b[at + 1]])
}

impl Header {
    /// Validates version, lengths and the header checksum.
    pub fn parse(packet: &[u8]) -> Result<Header, HeaderError> {
        if packet.len() < MIN_HEADER || packet[0] >> 4 != 4 {
            return Err(HeaderError::Malformed);
        }
        let header_len = usize::from(packet[0] & 0x0f) * 4;
        let total_len = usize::from(be16(packet, 2));
        if header_len < MIN_HEADER || total_len < header_len || total_len > packet.len() {
            return Err(HeaderError::Malformed);
        }
        if ones_complement_sum(&packet[..header_len]) != 0xffff {
            return Err(HeaderError::BadChecksum);
        }
        let flags = be16(packet, 6);
        Ok(Header {
            header_len,
            total_len,
            ident: be16(packet, 4),
            dont_frag: flags & FLAG_DF != 0,
            more_frags: flags & FLAG_MF != 0,
            frag_offset: usize::from(flags & OFFSET_MASK) * 8,
            ttl: packet[8],
            protocol: packet[9],
            src: Ipv4Addr::new(packet[12], packet[13], packet[14], packet[15]),
            dst: Ipv4Addr::new(packet[16], packet[17], packet[18], packet[19]),
        })
    }

    pub fn is_fragment(&self) -> bool {
        self.more_frags || self.frag_offset > 0
    }
}

/// Recomputes the header checksum of a packet whose header was checked.
pub fn fill_checksum(packet: &mut [u8], header_len: usize) {
    packet[10] = 0;
    packet[11] = 0;
    let sum = !ones_complement_sum(&packet[..header_len]);
    packet[10..12].copy_from_slice(&sum.to_be_bytes());
}

pub fn set_total_len(packet: &mut [u8], len: usize) {
    packet[2..4].copy_from_slice(&(len as u16).to_be_bytes());
}

/// Sets the source address; the caller refills the checksum.
pub fn set_src(packet: &mut [u8], src: Ipv4Addr) {
    packet[12..16].copy_from_slice(&src.octets());
}

pub fn set_ident(packet: &mut [u8], ident: u16) {
    packet[4..6].copy_from_slice(&ident.to_be_bytes());
}

pub fn set_frag(packet: &mut [u8], dont_frag: bool, more_frags: bool, offset_bytes: usize) {
    let mut v = ((offset_bytes / 8) as u16) & OFFSET_MASK;
    if dont_frag {
        v |= FLAG_DF;
    }
    if more_frags {
        v |= FLAG_MF;
    }
    packet[6..8].copy_from_slice(&v.to_be_bytes());
}

/// Decrements TTL and patches the checksum incrementally (RFC 1624 §4).
pub fn decrement_ttl(packet: &mut [u8]) {
    packet[8] = packet[8].wrapping_sub(1);
    let old = be16(packet, 10);
    // The TTL is the high byte of its 16-bit word, so the word drops by 0x0100;
    // HC' = ~(~HC + ~m + m') with m' = m - 0x100 reduces to adding 0x100.
    let sum = u32::from(old) + 0x0100;
    let folded = (sum & 0xffff) + (sum >> 16);
    packet[10..12].copy_from_slice(&(folded as u16).to_be_bytes());
}

/// Builds a 20-byte IPv4 header with no options (RFC 791 §3.1).
pub fn build_header(
    src: Ipv4Addr,
    dst: Ipv4Addr,
    protocol: u8,
    ttl: u8,
    ident: u16,
    payload_len: usize,
) -> [u8; 20] {
    let mut h = [0u8; 20];
    h[0] = 0x45;
    h[2..4].copy_from_slice(&((20 + payload_len) as u16).to_be_bytes());
    h[4..6].copy_from_slice(&ident.to_be_bytes());
    h[8] = ttl;
    h[9] = protocol;
    h[12..16].copy_from_slice(&src.octets());
    h[16..20].copy_from_slice(&dst.octets());
    fill_checksum(&mut h, 20);
    h
}
