//! Sealing personal values for the registry: encrypted with the data key, masked for masked
//! views, and a keyed hash of the normalised value for staff searches.

use linli_domain::registry::ResidentName;
use linli_domain::text::PhoneNumber;
use linli_persistence::registry::Sealed;

use crate::crypto::DataCipher;
use crate::error::ApiError;

/// The look-up hash of a name (its own namespace, so a name never matches a phone).
pub fn name_hash(cipher: &DataCipher, name: &ResidentName) -> String {
    cipher.lookup_hash(&format!("registry-name:{}", name.normalised()))
}

/// The look-up hash of a phone.
pub fn phone_hash(cipher: &DataCipher, phone: &PhoneNumber) -> String {
    cipher.lookup_hash(&format!("registry-phone:{}", phone.as_str()))
}

/// A name, sealed.
pub fn name(cipher: &DataCipher, name: &ResidentName) -> Result<Sealed, ApiError> {
    Ok(Sealed {
        encrypted: cipher.encrypt(name.as_str()).map_err(ApiError::internal)?,
        masked: name.masked(),
        hash: name_hash(cipher, name),
    })
}

/// A phone, sealed.
pub fn phone(cipher: &DataCipher, phone: &PhoneNumber) -> Result<Sealed, ApiError> {
    Ok(Sealed {
        encrypted: cipher.encrypt(phone.as_str()).map_err(ApiError::internal)?,
        masked: phone.masked(),
        hash: phone_hash(cipher, phone),
    })
}

/// Opens a sealed value; a key mismatch is a 500 (logged with the record's id only).
pub fn open(cipher: &DataCipher, encrypted: &str, resident: i64) -> Result<String, ApiError> {
    cipher.decrypt(encrypted).map_err(|e| {
        tracing::error!(resident, "cannot decrypt a registry value");
        ApiError::internal(e)
    })
}
