//! Encryption of personal data at rest (AES-256-GCM with `LINLI_DATA_KEY`).

use aes_gcm::aead::{Aead, AeadCore, KeyInit, OsRng};
use aes_gcm::{Aes256Gcm, Key, Nonce};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;

/// Encrypts and decrypts personal data. The format is `v1:` + base64(nonce ‖ ciphertext), so
/// the scheme can change later without guessing.
#[derive(Clone)]
pub struct DataCipher(Aes256Gcm);

impl DataCipher {
    /// A cipher with the 32-byte key.
    pub fn new(key: &[u8; 32]) -> Self {
        DataCipher(Aes256Gcm::new(Key::<Aes256Gcm>::from_slice(key)))
    }

    /// Encrypts a value with a fresh nonce.
    pub fn encrypt(&self, plain: &str) -> Result<String, anyhow::Error> {
        let nonce = Aes256Gcm::generate_nonce(&mut OsRng);
        let ct = self
            .0
            .encrypt(&nonce, plain.as_bytes())
            .map_err(|_| anyhow::anyhow!("encryption failed"))?;
        let mut out = nonce.to_vec();
        out.extend_from_slice(&ct);
        Ok(format!("v1:{}", B64.encode(out)))
    }

    /// Decrypts a value this cipher (with this key) encrypted.
    pub fn decrypt(&self, stored: &str) -> Result<String, anyhow::Error> {
        let body = stored
            .strip_prefix("v1:")
            .ok_or_else(|| anyhow::anyhow!("unknown ciphertext format"))?;
        let bytes = B64.decode(body)?;
        if bytes.len() < 12 {
            anyhow::bail!("ciphertext too short");
        }
        let (nonce, ct) = bytes.split_at(12);
        let plain = self
            .0
            .decrypt(Nonce::from_slice(nonce), ct)
            .map_err(|_| anyhow::anyhow!("decryption failed (wrong LINLI_DATA_KEY?)"))?;
        Ok(String::from_utf8(plain)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_wrong_key() {
        let c = DataCipher::new(&[1u8; 32]);
        let e = c.encrypt("13812345678").unwrap();
        assert!(!e.contains("13812345678"));
        assert_ne!(e, c.encrypt("13812345678").unwrap(), "fresh nonce");
        assert_eq!(c.decrypt(&e).unwrap(), "13812345678");
        assert!(DataCipher::new(&[2u8; 32]).decrypt(&e).is_err());
    }
}
