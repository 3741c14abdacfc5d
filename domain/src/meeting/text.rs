/// A short single-line text: a meeting's title or place, an action item's title, an outside
/// party's name or organisation. Trimmed, 1 to 100 characters, no control characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Title(String);

/// Why a text is not a title.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TitleError {
    /// Nothing but white space.
    #[error("cannot be empty")]
    Empty,
    /// More characters than allowed.
    #[error("has at most {max} characters")]
    TooLong {
        /// The most characters allowed.
        max: usize,
    },
    /// A control character (a line break among them).
    #[error("may not contain control characters")]
    ControlCharacter,
}

impl Title {
    /// The most characters.
    pub const MAX_CHARS: usize = 100;

    /// Parses a text as a client sent it.
    pub fn parse(s: &str) -> Result<Self, TitleError> {
        let s = s.trim();
        if s.is_empty() {
            return Err(TitleError::Empty);
        }
        if s.chars().count() > Self::MAX_CHARS {
            return Err(TitleError::TooLong {
                max: Self::MAX_CHARS,
            });
        }
        if s.chars().any(char::is_control) {
            return Err(TitleError::ControlCharacter);
        }
        Ok(Title(s.to_owned()))
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_title_is_one_short_line() {
        assert_eq!(
            Title::parse(" 围墙修复联席会议 ").unwrap().as_str(),
            "围墙修复联席会议"
        );
        assert_eq!(Title::parse(" "), Err(TitleError::Empty));
        assert_eq!(
            Title::parse(&"会".repeat(101)),
            Err(TitleError::TooLong { max: 100 })
        );
        assert_eq!(Title::parse("a\nb"), Err(TitleError::ControlCharacter));
    }
}
