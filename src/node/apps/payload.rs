//! Deterministic payload patterns, so receivers can check every byte.

/// The part of a byte that depends on the flow and sequence number.
fn key(flow: usize, seq: u32) -> u8 {
    (seq.wrapping_mul(7)
        .wrapping_add((flow as u32).wrapping_mul(13))) as u8
}

fn pattern(key: u8, offset: usize) -> u8 {
    (offset as u8)
        .wrapping_mul(31)
        .wrapping_add((offset >> 8) as u8)
        .wrapping_add(key)
}

pub fn fill(buf: &mut [u8], flow: usize, seq: u32, start: usize) {
    let k = key(flow, seq);
    for (i, b) in buf.iter_mut().enumerate() {
        *b = pattern(k, start + i);
    }
}

/// Number of leading bytes of `buf` that match the pattern. Checks 64
/// bytes at a time without branching, then finds the first mismatch.
pub fn matching_prefix(buf: &[u8], flow: usize, seq: u32, start: usize) -> usize {
    let k = key(flow, seq);
    let mut done = 0;
    for chunk in buf.chunks(64) {
        let base = start + done;
        let all = chunk
            .iter()
            .enumerate()
            .fold(true, |ok, (i, b)| ok & (*b == pattern(k, base + i)));
        if !all {
            return done
                + chunk
                    .iter()
                    .enumerate()
                    .take_while(|(i, b)| **b == pattern(k, base + i))
                    .count();
        }
        done += chunk.len();
    }
    done
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fill_and_check_agree_and_find_the_first_difference() {
        let mut buf = vec![0u8; 1000];
        fill(&mut buf, 3, 9, 100);
        assert_eq!(matching_prefix(&buf, 3, 9, 100), 1000);
        assert_eq!(buf[5], pattern(key(3, 9), 105));
        buf[700] ^= 1;
        assert_eq!(matching_prefix(&buf, 3, 9, 100), 700);
        assert_eq!(matching_prefix(&buf, 3, 10, 100), 0);
    }
}
