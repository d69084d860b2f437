//! Measures deterministic RSA key generation for the scenario PKI:
//! `cargo run --release --example pki_keygen -- 2048 5` makes five
//! 2048-bit keys (seeds 0..5, no cache on disk) and prints each time.

use std::time::Instant;

use vpnlab::pki::generate::{CertRequest, PkiRequest, generate};

fn main() {
    let mut args = std::env::args().skip(1);
    let bits: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(2048);
    let count: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(3);
    for seed in 0..count {
        let ca = CertRequest {
            key_bits: bits,
            ..CertRequest::new("ca", "C=DE, O=Example, CN=CA", 0, 86_400)
        };
        let req = PkiRequest {
            seed,
            ca,
            intermediate: None,
            certs: Vec::new(),
            crl_this_update: 0,
            crl_next_update: 86_400,
            key_dir: None,
        };
        let start = Instant::now();
        match generate(&req) {
            Ok(_) => println!(
                "seed {seed}: RSA-{bits} key and CA certificate in {:?}",
                start.elapsed()
            ),
            Err(e) => println!("seed {seed}: {e}"),
        }
    }
}
