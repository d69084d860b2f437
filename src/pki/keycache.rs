//! RSA keys made from a seed, once: kept for the process, and on disk
//! under a folder the caller names (a scenario's capture folder), by a
//! hash of what determines them, so that a rerun does not search for
//! primes again.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Mutex, OnceLock};

use chacha20::ChaCha20Rng;
use rand_core_010::SeedableRng;
use rsa::PrivateKey as RsaPrivateKey;
use sha2::{Digest, Sha256};

use super::PkiError;
use super::cert::PrivateKey;

/// Changes when the way keys are made changes (crate versions, seeding),
/// so that stale files on disk are not taken for new keys.
const KEY_RECIPE: &str = "vpnlab-pki-key-v1 rsa-0.10 chacha20";

type Cache = Mutex<HashMap<[u8; 32], PrivateKey>>;

fn cache() -> &'static Cache {
    static CACHE: OnceLock<Cache> = OnceLock::new();
    CACHE.get_or_init(|| Mutex::new(HashMap::new()))
}

/// What a key is made from: the recipe, the seed, the key's name, its size.
fn key_id(seed: u64, name: &str, bits: usize) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(KEY_RECIPE.as_bytes());
    h.update(seed.to_be_bytes());
    h.update((name.len() as u64).to_be_bytes());
    h.update(name.as_bytes());
    h.update((bits as u64).to_be_bytes());
    h.finalize().into()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The RSA key named `name` under `seed`, `bits` long (public exponent
/// 65537): the same arguments give the same key.
pub fn key(seed: u64, name: &str, bits: usize, dir: Option<&Path>) -> Result<PrivateKey, PkiError> {
    let id = key_id(seed, name, bits);
    if let Some(k) = cache().lock().ok().and_then(|c| c.get(&id).cloned()) {
        return Ok(k);
    }
    let file = dir.map(|d| d.join(format!("{}.key", &hex(&id)[..32])));
    let from_disk = file
        .as_ref()
        .and_then(|f| std::fs::read(f).ok())
        .and_then(|bytes| PrivateKey::parse(&bytes).ok())
        .filter(|k| rsa::traits::PublicKeyParts::size(&k.0) * 8 == bits);
    let key = match from_disk {
        Some(k) => k,
        None => {
            let k = generate(id, bits)?;
            if let (Some(f), Ok(pem)) = (&file, k.to_pkcs1_pem()) {
                // A cache only: a folder we cannot write costs time, not correctness.
                let _ = f.parent().map(std::fs::create_dir_all);
                let _ = std::fs::write(f, pem);
            }
            k
        }
    };
    if let Ok(mut c) = cache().lock() {
        c.insert(id, key.clone());
    }
    Ok(key)
}

fn generate(id: [u8; 32], bits: usize) -> Result<PrivateKey, PkiError> {
    if !(512..=8192).contains(&bits) || !bits.is_multiple_of(8) {
        return Err(PkiError::new(format!(
            "RSA key size {bits} must be a multiple of 8 from 512 to 8192"
        )));
    }
    let mut rng = ChaCha20Rng::from_seed(id);
    RsaPrivateKey::new(&mut rng, bits)
        .map(PrivateKey)
        .map_err(|e| PkiError::new(format!("RSA key generation failed: {e}")))
}
