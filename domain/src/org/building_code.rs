/// A building's short public code: printed on its QR code, used as Open311's `address_id`.
/// One to sixteen characters of `[A-Za-z0-9-]`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct BuildingCode(String);

/// Why a string is not a building code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BuildingCodeError {
    /// Empty or longer than sixteen characters.
    #[error("a building code has 1 to 16 characters")]
    Length,
    /// A character outside `[A-Za-z0-9-]`.
    #[error("a building code may hold only letters, digits and '-'")]
    Character,
}

impl BuildingCode {
    /// Parses a code as a client sent it (surrounding white space is ignored).
    pub fn parse(s: &str) -> Result<Self, BuildingCodeError> {
        let s = s.trim();
        if s.is_empty() || s.chars().count() > 16 {
            return Err(BuildingCodeError::Length);
        }
        if !s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
            return Err(BuildingCodeError::Character);
        }
        Ok(BuildingCode(s.to_owned()))
    }

    /// The code as stored.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for BuildingCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_and_rejects() {
        assert_eq!(
            BuildingCode::parse(" DX-01-3 ").unwrap().as_str(),
            "DX-01-3"
        );
        assert_eq!(BuildingCode::parse(""), Err(BuildingCodeError::Length));
        assert_eq!(
            BuildingCode::parse("12345678901234567"),
            Err(BuildingCodeError::Length)
        );
        assert_eq!(
            BuildingCode::parse("楼1"),
            Err(BuildingCodeError::Character)
        );
        assert_eq!(
            BuildingCode::parse("a b"),
            Err(BuildingCodeError::Character)
        );
    }
}
