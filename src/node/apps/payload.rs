//! Deterministic payload patterns, so receivers can check every byte.

/// Byte `offset` of stream or datagram `seq` of flow `flow`.
pub fn byte(flow: usize, seq: u32, offset: usize) -> u8 {
    let x = (offset as u32)
        .wrapping_mul(31)
        .wrapping_add(seq.wrapping_mul(7))
        .wrapping_add(flow as u32 * 13)
        .wrapping_add((offset >> 8) as u32);
    x as u8
}

pub fn fill(buf: &mut [u8], flow: usize, seq: u32, start: usize) {
    for (i, b) in buf.iter_mut().enumerate() {
        *b = byte(flow, seq, start + i);
    }
}

/// Number of leading bytes of `buf` that match the pattern.
pub fn matching_prefix(buf: &[u8], flow: usize, seq: u32, start: usize) -> usize {
    buf.iter()
        .enumerate()
        .take_while(|(i, b)| **b == byte(flow, seq, start + i))
        .count()
}
