//! Cryptographic algorithms for ESP and AH: the registry of names, key
//! lengths and Wireshark strings ([`alg`]), and keyed transforms built on
//! RustCrypto ([`transform`]). Knows nothing of packets or SAs.

pub mod alg;
pub mod transform;

pub use alg::{AuthAlg, EncAlg};
pub use transform::{Cipher, CryptoError, Integrity};
