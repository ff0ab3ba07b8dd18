//! HMAC of sensitive values, so the ledger can show that the same secret was
//! used twice without ever holding the secret (as Vault's audit log does).
//!
//! [`crate::Ledger::append`] stores the token accessors of an event's detail
//! ([`ACCESSOR_FIELDS`]) as `hmac-sha256:<hex>`: events of one token can be
//! correlated, and whoever holds the key (`ledger hmac ACCESSOR`) can find
//! them, while the ledger, its exports and its copies never hold an accessor.

use std::fmt;
use std::path::Path;

use hmac::{Hmac, Mac};
use serde_json::Value;
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
        format!("{PREFIX}{}", hex::encode(mac.finalize().into_bytes()))
    }
}

/// How an HMAC starts.
pub const PREFIX: &str = "hmac-sha256:";

/// Detail fields of events that hold token accessors; the ledger stores
/// their values only as [`HmacKey::sign`] output.
pub const ACCESSOR_FIELDS: [&str; 3] = ["accessor", "token_accessor", "old_accessor"];

/// The accessor fields of `detail` that still hold a value in clear.
fn clear_fields(detail: &Value) -> impl Iterator<Item = &'static str> + '_ {
    ACCESSOR_FIELDS.into_iter().filter(|f| {
        detail
            .get(f)
            .and_then(Value::as_str)
            .is_some_and(|v| !v.is_empty() && !v.starts_with(PREFIX))
    })
}

/// True when `detail` has an accessor in clear.
pub fn needs_key(detail: &Value) -> bool {
    clear_fields(detail).next().is_some()
}

/// Replaces every accessor in clear in `detail` by its HMAC.
pub fn protect(detail: &mut Value, key: &HmacKey) {
    let fields: Vec<&str> = clear_fields(detail).collect();
    for f in fields {
        if let Some(v) = detail.get_mut(f) {
            let signed = key.sign(v.as_str().unwrap_or_default());
            *v = Value::String(signed);
        }
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
    fn accessors_are_replaced_by_their_hmac_once() {
        let k = HmacKey::generate();
        let mut d = serde_json::json!({"accessor": "acc1", "token_accessor": "", "tier": 2});
        assert!(needs_key(&d));
        protect(&mut d, &k);
        assert_eq!(d["accessor"], k.sign("acc1"));
        assert_eq!(
            (d["token_accessor"].as_str(), d["tier"].as_u64()),
            (Some(""), Some(2))
        );
        assert!(!needs_key(&d), "already protected");
        let before = d.clone();
        protect(&mut d, &k);
        assert_eq!(d, before);
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
