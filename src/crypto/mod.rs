//! Cryptographic algorithms for ESP and AH: the registry of names, key
//! lengths and Wireshark strings ([`alg`]), and keyed transforms built on
//! RustCrypto ([`transform`]); for IKEv1, the MODP Diffie-Hellman groups
//! ([`dh`]) and the RFC 2409 key schedule, hashes, IVs and message
//! encryption ([`ikev1`]). Knows nothing of packets or SAs.

pub mod alg;
pub mod dh;
pub mod ikev1;
mod modp_primes;
pub mod transform;

pub use alg::{AuthAlg, EncAlg};
pub use transform::{Cipher, CryptoError, Integrity};
