//! DEFLATE for IPComp (RFC 2394): raw RFC 1951 blocks, no zlib header or
//! checksum (RFC 2394 §2), each datagram on its own with no history kept
//! between them (RFC 3173 §2.1). The same input always gives the same
//! bytes: miniz_oxide's compressor is deterministic.

/// Linux `crypto/deflate.c` `DEFLATE_DEF_LEVEL`: zlib's default level.
const LEVEL: u8 = 6;

/// Linux `IPCOMP_SCRATCH_SIZE`: the most a datagram may decompress to.
pub const MAX_DECOMPRESSED: usize = 65400;

/// Why a compressed payload was refused on input.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InflateError {
    /// Not a complete DEFLATE stream, or one larger than [`MAX_DECOMPRESSED`].
    Corrupt,
    /// Linux `ipcomp_decompress`: the result is not at least 4 bytes (an
    /// IPComp header) longer than what was received, so no sender that
    /// follows RFC 3173 §3.2 compressed it; refused with EINVAL.
    NotExpanded,
}

/// The raw DEFLATE stream of `data`.
pub fn compress(data: &[u8]) -> Vec<u8> {
    miniz_oxide::deflate::compress_to_vec(data, LEVEL)
}

/// The bytes a raw DEFLATE stream holds, checked as Linux
/// `ipcomp_decompress` checks them.
pub fn decompress(stream: &[u8]) -> Result<Vec<u8>, InflateError> {
    let out = miniz_oxide::inflate::decompress_to_vec_with_limit(stream, MAX_DECOMPRESSED)
        .map_err(|_| InflateError::Corrupt)?;
    if out.len() < stream.len() + super::super::wire::ipcomp::HEADER_LEN {
        return Err(InflateError::NotExpanded);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 2394 §2: raw DEFLATE, so the first byte is a block header
    /// (RFC 1951 §3.2.3), never zlib's CMF byte 0x78.
    #[test]
    fn raw_deflate_round_trip_and_determinism() {
        let data: Vec<u8> = b"vpnlab ".iter().copied().cycle().take(1400).collect();
        let once = compress(&data);
        assert_ne!(once[0], 0x78, "no zlib header");
        assert!(once.len() < 100, "{} bytes", once.len());
        assert_eq!(compress(&data), once, "deterministic");
        assert_eq!(decompress(&once), Ok(data));
    }

    /// Linux `ipcomp_decompress`: `dlen < plen + sizeof(struct ip_comp_hdr)` is EINVAL.
    #[test]
    fn a_stream_that_does_not_expand_is_refused() {
        let short = compress(b"abc");
        assert_eq!(decompress(&short), Err(InflateError::NotExpanded));
    }

    #[test]
    fn corrupt_truncated_and_oversized_streams_are_refused() {
        let data = vec![0u8; 4000];
        let stream = compress(&data);
        for cut in 0..stream.len() {
            assert!(decompress(&stream[..cut]).is_err(), "cut at {cut}");
        }
        assert_eq!(decompress(&[0xff; 40]), Err(InflateError::Corrupt));
        let bomb = compress(&vec![0u8; MAX_DECOMPRESSED + 1]);
        assert_eq!(decompress(&bomb), Err(InflateError::Corrupt));
    }
}
