//! Encryption at rest for credentials: AES-256-GCM with a random 96-bit nonce per value and
//! the owning row's id as associated data (a sealed value copied onto another row fails to
//! open). The key comes from `ASSAY_SECRET_KEY` (64 hex digits) or from `secret.key` in the
//! data dir, generated on first use with 0600 permissions.

use std::path::Path;

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Key, Nonce};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use crate::Error;

const KEY_FILE: &str = "secret.key";
const VERSION_PREFIX: &str = "v1:";

/// The key sealing credentials. Its Debug output never shows the key.
#[derive(Clone)]
pub struct SecretKey([u8; 32]);

impl std::fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretKey(…)")
    }
}

impl SecretKey {
    pub fn generate() -> Self {
        let mut bytes = [0u8; 32];
        fill_random(&mut bytes);
        Self(bytes)
    }

    /// 64 hex digits.
    pub fn parse(text: &str) -> Result<Self, Error> {
        let text = text.trim();
        let bytes = hex_decode(text).filter(|b| b.len() == 32).ok_or(Error::SecretKey("expected 64 hex digits".into()))?;
        let mut key = [0u8; 32];
        key.copy_from_slice(&bytes);
        Ok(Self(key))
    }

    /// `env_value` if given, else the data dir's key file, created if absent.
    pub fn resolve(env_value: Option<&str>, data_dir: &Path) -> Result<Self, Error> {
        if let Some(text) = env_value.filter(|t| !t.trim().is_empty()) {
            return Self::parse(text);
        }
        let path = data_dir.join(KEY_FILE);
        match std::fs::read_to_string(&path) {
            Ok(text) => Self::parse(&text).map_err(|_| Error::SecretKey(format!("{} does not hold 64 hex digits", path.display()))),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                let key = Self::generate();
                std::fs::create_dir_all(data_dir).map_err(|e| Error::DataDir(data_dir.display().to_string(), e))?;
                write_private(&path, &hex_encode(&key.0)).map_err(|e| Error::SecretKey(format!("cannot write {}: {e}", path.display())))?;
                Ok(key)
            }
            Err(error) => Err(Error::SecretKey(format!("cannot read {}: {error}", path.display()))),
        }
    }

    fn cipher(&self) -> Aes256Gcm {
        Aes256Gcm::new(&Key::<Aes256Gcm>::from(self.0))
    }

    /// Encrypts `plaintext`, bound to `row_id`.
    pub fn seal(&self, row_id: &str, plaintext: &str) -> Result<String, Error> {
        let mut nonce = [0u8; 12];
        fill_random(&mut nonce);
        let sealed = self
            .cipher()
            .encrypt(&Nonce::from(nonce), Payload { msg: plaintext.as_bytes(), aad: row_id.as_bytes() })
            .map_err(|_| Error::SecretKey("encryption failed".into()))?;
        let mut bytes = nonce.to_vec();
        bytes.extend_from_slice(&sealed);
        Ok(format!("{VERSION_PREFIX}{}", STANDARD.encode(bytes)))
    }

    /// Decrypts what [`SecretKey::seal`] produced for the same `row_id`.
    pub fn open(&self, row_id: &str, sealed: &str) -> Result<String, Error> {
        // A value that is not even shaped like a sealed one is damaged data: no key opens it,
        // so it is the evaluation's fault. A well-formed value that fails authentication was
        // sealed under another ASSAY_SECRET_KEY (or for another row): that is this process's
        // environment, which another runner may not share.
        let malformed = |why: &str| Error::Corrupt(format!("sealed secret of {row_id}: {why}"));
        let body = sealed.strip_prefix(VERSION_PREFIX).ok_or_else(|| malformed("no version prefix"))?;
        let bytes = STANDARD.decode(body).map_err(|_| malformed("not base64"))?;
        if bytes.len() < 12 + 16 {
            return Err(malformed("shorter than a nonce and a tag"));
        }
        let (nonce, ciphertext) = bytes.split_at(12);
        let mut nonce_bytes = [0u8; 12];
        nonce_bytes.copy_from_slice(nonce);
        let plain = self
            .cipher()
            .decrypt(&Nonce::from(nonce_bytes), Payload { msg: ciphertext, aad: row_id.as_bytes() })
            .map_err(|_| Error::Undecryptable)?;
        String::from_utf8(plain).map_err(|_| Error::Undecryptable)
    }
}

fn fill_random(buf: &mut [u8]) {
    getrandom::fill(buf).expect("the operating system's random generator is available");
}

fn hex_encode(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn hex_decode(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len()).step_by(2).map(|i| text.get(i..i + 2).and_then(|pair| u8::from_str_radix(pair, 16).ok())).collect()
}

#[cfg(unix)]
fn write_private(path: &Path, contents: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(path)?;
    file.write_all(contents.as_bytes())?;
    file.sync_all()
}

#[cfg(not(unix))]
fn write_private(path: &Path, contents: &str) -> std::io::Result<()> {
    std::fs::write(path, contents)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_values_open_only_with_the_same_key_and_row() {
        let key = SecretKey::generate();
        let sealed = key.seal("row-1", "sk-live-123").expect("seal");
        assert!(!sealed.contains("sk-live-123"));
        assert_ne!(sealed, key.seal("row-1", "sk-live-123").expect("seal"), "a fresh nonce each time");
        assert_eq!(key.open("row-1", &sealed).expect("open"), "sk-live-123");
        assert!(matches!(key.open("row-2", &sealed), Err(Error::Undecryptable)), "bound to its row");
        assert!(matches!(SecretKey::generate().open("row-1", &sealed), Err(Error::Undecryptable)), "bound to its key");
        for malformed in ["v1:AAAA", "sk-live-123", "v1:not base64!", ""] {
            let error = key.open("row-1", malformed).expect_err("malformed");
            assert!(matches!(error, Error::Corrupt(_)), "{malformed:?} is damaged data, not another key: {error:?}");
            assert!(!error.is_environmental(), "a damaged value fails its evaluation");
        }
    }

    #[test]
    fn the_key_file_is_created_private_and_reused() {
        let dir = tempfile::tempdir().expect("dir");
        let first = SecretKey::resolve(None, dir.path()).expect("created");
        let second = SecretKey::resolve(None, dir.path()).expect("read");
        assert_eq!(first.0, second.0);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join(KEY_FILE)).expect("meta").permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let from_env = SecretKey::resolve(Some(&"ab".repeat(32)), dir.path()).expect("env wins");
        assert_eq!(from_env.0, [0xab; 32]);
        assert!(SecretKey::resolve(Some("xyz"), dir.path()).is_err());
    }
}
