/// An account's login name: 3 to 32 characters of `[A-Za-z0-9_.-]`. Case is kept and compared
/// as given: `Wang` and `wang` are two names.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Username(String);

/// Why a string is not a username.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum UsernameError {
    /// Fewer characters than allowed.
    #[error("a username has at least {min} characters")]
    TooShort {
        /// The fewest characters allowed.
        min: usize,
    },
    /// More characters than allowed.
    #[error("a username has at most {max} characters")]
    TooLong {
        /// The most characters allowed.
        max: usize,
    },
    /// A character outside `[A-Za-z0-9_.-]`.
    #[error("a username holds only letters, digits, '_', '.' and '-'")]
    Character,
}

impl Username {
    /// The fewest characters a username may have.
    pub const MIN_CHARS: usize = 3;
    /// The most characters a username may have.
    pub const MAX_CHARS: usize = 32;

    /// Parses a name as a client sent it (surrounding white space is ignored).
    pub fn parse(s: &str) -> Result<Self, UsernameError> {
        let s = s.trim();
        let n = s.chars().count();
        if n < Self::MIN_CHARS {
            return Err(UsernameError::TooShort {
                min: Self::MIN_CHARS,
            });
        }
        if n > Self::MAX_CHARS {
            return Err(UsernameError::TooLong {
                max: Self::MAX_CHARS,
            });
        }
        if !s
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
        {
            return Err(UsernameError::Character);
        }
        Ok(Username(s.to_owned()))
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The name, owned.
    pub fn into_inner(self) -> String {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn length_edges() {
        assert!(Username::parse("abc").is_ok());
        assert_eq!(
            Username::parse("ab"),
            Err(UsernameError::TooShort { min: 3 })
        );
        assert!(Username::parse(&"a".repeat(32)).is_ok());
        assert_eq!(
            Username::parse(&"a".repeat(33)),
            Err(UsernameError::TooLong { max: 32 })
        );
    }

    #[test]
    fn characters_and_case() {
        let u = Username::parse(" Wang.Li_01-x ").unwrap();
        assert_eq!(u.as_str(), "Wang.Li_01-x");
        assert_ne!(u, Username::parse("wang.li_01-x").unwrap());
        for bad in ["王小明", "wang li", "wang@li", "wang/li"] {
            assert_eq!(Username::parse(bad), Err(UsernameError::Character), "{bad}");
        }
    }
}
