//! Encryption of personal data at rest (AES-256-GCM with `LINLI_DATA_KEY`), and keyed hashes
//! to look such data up without decrypting it.

use aes_gcm::aead::{Aead, AeadCore, KeyInit, OsRng};
use aes_gcm::{Aes256Gcm, Key, Nonce};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// Encrypts and decrypts personal data. The format is `v1:` + base64(nonce ‖ ciphertext), so
/// the scheme can change later without guessing.
#[derive(Clone)]
pub struct DataCipher {
    aead: Aes256Gcm,
    /// A key of its own for look-up hashes, derived from the data key, so that a hash never
    /// reveals anything about the encryption key.
    lookup: [u8; 32],
    /// The root of [`DataCipher::derive_key`]'s keys, derived from the data key.
    derive: [u8; 32],
}

impl DataCipher {
    /// A cipher with the 32-byte key.
    pub fn new(key: &[u8; 32]) -> Self {
        let mut derive = <Hmac<Sha256> as Mac>::new_from_slice(key).expect("any key length");
        derive.update(b"linli/lookup-hash/v1");
        let mut root = <Hmac<Sha256> as Mac>::new_from_slice(key).expect("any key length");
        root.update(b"linli/derived-keys/v1");
        DataCipher {
            aead: Aes256Gcm::new(Key::<Aes256Gcm>::from_slice(key)),
            lookup: derive.finalize().into_bytes().into(),
            derive: root.finalize().into_bytes().into(),
        }
    }

    /// A 32-byte key for one purpose (`label`, e.g. `checkin-code`), derived from the data key:
    /// every instance configured with the same data key derives the same key, different labels
    /// give unrelated keys, and none reveals the data key or another label's key.
    pub fn derive_key(&self, label: &str) -> [u8; 32] {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.derive).expect("any key length");
        mac.update(label.as_bytes());
        mac.finalize().into_bytes().into()
    }

    /// A keyed hash (HMAC-SHA-256, hex) of a normalised value: equal values hash equal, so an
    /// index finds them, but without the key a table of all phone numbers cannot reverse it.
    pub fn lookup_hash(&self, value: &str) -> String {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.lookup).expect("any key length");
        mac.update(value.as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }

    /// Encrypts a value with a fresh nonce.
    pub fn encrypt(&self, plain: &str) -> Result<String, anyhow::Error> {
        let nonce = Aes256Gcm::generate_nonce(&mut OsRng);
        let ct = self
            .aead
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
            .aead
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

    #[test]
    fn lookup_hashes_are_stable_and_keyed() {
        let c = DataCipher::new(&[1u8; 32]);
        let h = c.lookup_hash("13812345678");
        assert_eq!(h, c.lookup_hash("13812345678"));
        assert_ne!(h, c.lookup_hash("13812345679"));
        assert_ne!(h, DataCipher::new(&[2u8; 32]).lookup_hash("13812345678"));
        assert_eq!(h.len(), 64);
    }

    #[test]
    fn derived_keys_are_stable_per_label_and_data_key() {
        let c = DataCipher::new(&[1u8; 32]);
        assert_eq!(c.derive_key("checkin-code"), c.derive_key("checkin-code"));
        assert_ne!(c.derive_key("checkin-code"), c.derive_key("other"));
        assert_ne!(
            c.derive_key("checkin-code"),
            DataCipher::new(&[2u8; 32]).derive_key("checkin-code")
        );
        assert_ne!(c.derive_key("checkin-code"), [1u8; 32]);
    }
}
