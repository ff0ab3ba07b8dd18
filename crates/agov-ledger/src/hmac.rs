//! HMAC of sensitive values, so the ledger can show that the same secret was
//! used twice without ever holding the secret (as Vault's audit log does).

use std::fmt;
use std::path::Path;

use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::error::LedgerError;

/// A 256-bit HMAC key. Its `Debug` output hides the key.
#[derive(Clone, PartialEq, Eq)]
pub struct HmacKey([u8; 32]);

impl fmt::Debug for HmacKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("HmacKey(***)")
    }
}

impl HmacKey {
    /// A new random key.
    pub fn generate() -> HmacKey {
        HmacKey(agov_core::ids::random_bytes())
    }

    /// A key from 64 hex characters.
    pub fn from_hex(s: &str) -> Result<HmacKey, String> {
        let bytes = hex::decode(s.trim()).map_err(|e| format!("the HMAC key is not hex: {e}"))?;
        let arr: [u8; 32] = bytes
            .try_into()
            .map_err(|_| "the HMAC key must be 32 bytes (64 hex characters)".to_string())?;
        Ok(HmacKey(arr))
    }

    /// The key as hex, for storing it in Vault KV or a 0600 file.
    pub fn to_hex(&self) -> agov_core::Secret {
        agov_core::Secret::new(hex::encode(self.0))
    }

    /// Reads the key from `path`, or creates it there (mode 0600) if missing.
    /// Concurrent first calls agree on one key.
    pub fn load_or_create_file(path: &Path) -> Result<HmacKey, LedgerError> {
        let file_err = |message: String| LedgerError::File {
            path: path.to_path_buf(),
            message,
        };
        if !path.exists() {
            if let Some(dir) = path.parent() {
                agov_core::fsutil::create_private_dir(dir).map_err(|e| file_err(e.to_string()))?;
            }
            let fresh = HmacKey::generate();
            agov_core::fsutil::create_once(path, fresh.to_hex().expose().as_bytes(), 0o600)
                .map_err(|e| file_err(e.to_string()))?;
        }
        let text = std::fs::read_to_string(path).map_err(|e| file_err(e.to_string()))?;
        HmacKey::from_hex(&text).map_err(file_err)
    }

    /// `hmac-sha256:<hex>` of `value`.
    pub fn sign(&self, value: &str) -> String {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.0).expect("HMAC takes any key length");
        mac.update(value.as_bytes());
        format!("hmac-sha256:{}", hex::encode(mac.finalize().into_bytes()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_value_same_mac_different_key_different_mac() {
        let k = HmacKey::generate();
        assert_eq!(k.sign("hvs.abc"), k.sign("hvs.abc"));
        assert_ne!(k.sign("hvs.abc"), HmacKey::generate().sign("hvs.abc"));
        // Letters outside 0-9a-f cannot occur in the hex output by chance.
        assert!(!k.sign("hvs.sporty-token").contains("sporty"));
        assert!(!format!("{k:?}").contains(&k.to_hex().expose()[..8]));
    }

    #[test]
    fn key_file_is_private_and_stable() {
        use std::os::unix::fs::MetadataExt;
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("k/hmac.key");
        let a = HmacKey::load_or_create_file(&p).unwrap();
        let b = HmacKey::load_or_create_file(&p).unwrap();
        assert_eq!(a, b);
        assert_eq!(std::fs::metadata(&p).unwrap().mode() & 0o777, 0o600);
    }
}
