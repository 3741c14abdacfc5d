/// Where exactly the problem is, in the resident's words ("3 单元 2 楼楼道"): trimmed, one line,
/// 1 to 200 characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocationText(String);

/// Why a text is not a location.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum LocationTextError {
    /// Nothing but white space.
    #[error("a location cannot be empty")]
    Empty,
    /// More characters than allowed.
    #[error("a location has at most {max} characters")]
    TooLong {
        /// The most characters allowed.
        max: usize,
    },
    /// A control character, line breaks included: a location is one line.
    #[error("a location is one line without control characters")]
    ControlCharacter,
}

impl LocationText {
    /// The most characters a location may have.
    pub const MAX_CHARS: usize = 200;

    /// Parses a location as a client sent it.
    pub fn parse(s: &str) -> Result<Self, LocationTextError> {
        super::bounded(s, Self::MAX_CHARS, false)
            .map(LocationText)
            .map_err(|r| match r {
                super::Refusal::Empty => LocationTextError::Empty,
                super::Refusal::TooLong => LocationTextError::TooLong {
                    max: Self::MAX_CHARS,
                },
                super::Refusal::Control => LocationTextError::ControlCharacter,
            })
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The text, owned.
    pub fn into_inner(self) -> String {
        self.0
    }
}

impl AsRef<str> for LocationText {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_up_to_two_hundred_characters() {
        assert!(LocationText::parse(&"楼".repeat(200)).is_ok());
        assert_eq!(
            LocationText::parse(&"楼".repeat(201)),
            Err(LocationTextError::TooLong { max: 200 })
        );
        assert_eq!(
            LocationText::parse(" 3单元 ").unwrap().into_inner(),
            "3单元"
        );
    }

    #[test]
    fn is_one_non_empty_line() {
        assert_eq!(LocationText::parse(""), Err(LocationTextError::Empty));
        assert_eq!(
            LocationText::parse("3单元\n2楼"),
            Err(LocationTextError::ControlCharacter)
        );
    }
}
