/// A new account's password, as the policy allows it: 8 to 128 characters, taken exactly as typed
/// (spaces count). Only ever hashed; `Debug` never prints it.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

/// Why a string is not an acceptable new password.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PasswordError {
    /// Fewer characters than allowed.
    #[error("a password has at least {min} characters")]
    TooShort {
        /// The fewest characters allowed.
        min: usize,
    },
    /// More characters than allowed (the cap bounds the cost of hashing it).
    #[error("a password has at most {max} characters")]
    TooLong {
        /// The most characters allowed.
        max: usize,
    },
}

impl Password {
    /// The fewest characters a password may have.
    pub const MIN_CHARS: usize = 8;
    /// The most characters a password may have.
    pub const MAX_CHARS: usize = 128;

    /// Checks a new password against the policy. Not trimmed: what is typed is what is hashed.
    pub fn parse(s: &str) -> Result<Self, PasswordError> {
        let n = s.chars().count();
        if n < Self::MIN_CHARS {
            return Err(PasswordError::TooShort {
                min: Self::MIN_CHARS,
            });
        }
        if n > Self::MAX_CHARS {
            return Err(PasswordError::TooLong {
                max: Self::MAX_CHARS,
            });
        }
        Ok(Password(s.to_owned()))
    }

    /// The password, for the hasher.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The password, owned.
    pub fn into_inner(self) -> String {
        self.0
    }
}

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(***)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn length_edges_in_characters() {
        assert!(Password::parse("密码密码密码密码").is_ok());
        assert_eq!(
            Password::parse("密码密码密码密"),
            Err(PasswordError::TooShort { min: 8 })
        );
        assert!(Password::parse(&"x".repeat(128)).is_ok());
        assert_eq!(
            Password::parse(&"x".repeat(129)),
            Err(PasswordError::TooLong { max: 128 })
        );
    }

    #[test]
    fn kept_as_typed_and_never_printed() {
        let p = Password::parse(" secret words ").unwrap();
        assert_eq!(p.as_str(), " secret words ");
        assert!(!format!("{p:?}").contains("secret"));
    }
}
