//! The pipeline token at rest: sealed with XChaCha20-Poly1305 under a key
//! kept in a 0600 file in the data folder, bound to the pipeline's id, so
//! the runtime store never holds it in plaintext and a sealed token copied
//! to another pipeline's key does not open.

use std::path::{Path, PathBuf};

use agov_core::Secret;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{Key, XChaCha20Poly1305, XNonce};

use crate::error::PipelineError;

const NONCE: usize = 24;

/// The sealing key.
pub struct SealKey {
    cipher: XChaCha20Poly1305,
}

impl SealKey {
    /// Loads the key at `path`, creating it (0600) on first use.
    pub fn load_or_create(path: &Path) -> Result<SealKey, PipelineError> {
        let what = |p: &PathBuf| format!("the pipeline token key {}", p.display());
        let path = path.to_path_buf();
        if let Some(dir) = path.parent() {
            agov_core::fsutil::create_private_dir(dir)
                .map_err(|e| PipelineError::io(format!("cannot create {}", dir.display()), e))?;
        }
        let fresh: [u8; 32] = agov_core::ids::random_bytes();
        agov_core::fsutil::create_once(&path, hex::encode(fresh).as_bytes(), 0o600)
            .map_err(|e| PipelineError::io(format!("cannot create {}", what(&path)), e))?;
        let text = std::fs::read_to_string(&path)
            .map_err(|e| PipelineError::io(format!("cannot read {}", what(&path)), e))?;
        let bytes = hex::decode(text.trim())
            .ok()
            .filter(|b| b.len() == 32)
            .ok_or_else(|| {
                PipelineError::BadInput(format!("{} is not 64 hex digits", what(&path)))
            })?;
        Ok(SealKey {
            cipher: XChaCha20Poly1305::new(Key::from_slice(&bytes)),
        })
    }

    /// Seals `token` for pipeline `id`.
    pub fn seal(&self, id: &str, token: &Secret) -> Vec<u8> {
        let nonce: [u8; NONCE] = agov_core::ids::random_bytes();
        let sealed = self
            .cipher
            .encrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: token.expose().as_bytes(),
                    aad: id.as_bytes(),
                },
            )
            .unwrap_or_default();
        [nonce.as_slice(), &sealed].concat()
    }

    /// Opens a token sealed for pipeline `id`.
    pub fn open(&self, id: &str, sealed: &[u8]) -> Result<Secret, PipelineError> {
        let bad = |detail: &str| PipelineError::Sealed {
            id: id.to_string(),
            detail: detail.to_string(),
        };
        if sealed.len() <= NONCE {
            return Err(bad("too short"));
        }
        let (nonce, body) = sealed.split_at(NONCE);
        let plain = self
            .cipher
            .decrypt(
                XNonce::from_slice(nonce),
                Payload {
                    msg: body,
                    aad: id.as_bytes(),
                },
            )
            .map_err(|_| bad("it was sealed with another key or for another pipeline"))?;
        String::from_utf8(plain)
            .map(Secret::new)
            .map_err(|_| bad("not text"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_token_opens_only_for_its_pipeline_and_key() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("k/pipeline-token.key");
        let key = SealKey::load_or_create(&path).unwrap();
        let sealed = key.seal("p-1", &Secret::new("hvs.secret"));
        assert!(!String::from_utf8_lossy(&sealed).contains("hvs.secret"));
        assert_eq!(key.open("p-1", &sealed).unwrap().expose(), "hvs.secret");
        assert!(key.open("p-2", &sealed).is_err());
        let again = SealKey::load_or_create(&path).unwrap();
        assert_eq!(again.open("p-1", &sealed).unwrap().expose(), "hvs.secret");
        let other = SealKey::load_or_create(&dir.path().join("other.key")).unwrap();
        assert!(other.open("p-1", &sealed).is_err());
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
}
