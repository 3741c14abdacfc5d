/// A free-text note or reason on an action (a return's reason, a progress report): trimmed,
/// 1 to 1,000 characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note(String);

/// Why a text is not a note.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum NoteError {
    /// Nothing but white space.
    #[error("a note cannot be empty")]
    Empty,
    /// More characters than allowed.
    #[error("a note has at most {max} characters")]
    TooLong {
        /// The most characters allowed.
        max: usize,
    },
    /// A control character other than a line break or a tab.
    #[error("a note may not contain control characters")]
    ControlCharacter,
}

impl Note {
    /// The most characters a note may have.
    pub const MAX_CHARS: usize = 1_000;

    /// Parses a note as a client sent it; line breaks inside it are kept.
    pub fn parse(s: &str) -> Result<Self, NoteError> {
        super::bounded(s, Self::MAX_CHARS, true)
            .map(Note)
            .map_err(|r| match r {
                super::Refusal::Empty => NoteError::Empty,
                super::Refusal::TooLong => NoteError::TooLong {
                    max: Self::MAX_CHARS,
                },
                super::Refusal::Control => NoteError::ControlCharacter,
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

impl AsRef<str> for Note {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_up_to_a_thousand_characters() {
        assert!(Note::parse(&"修".repeat(1_000)).is_ok());
        assert_eq!(
            Note::parse(&"修".repeat(1_001)),
            Err(NoteError::TooLong { max: 1_000 })
        );
        assert_eq!(Note::parse(" x ").unwrap().as_str(), "x");
    }

    #[test]
    fn refuses_empty_and_control_characters() {
        assert_eq!(Note::parse("   "), Err(NoteError::Empty));
        assert_eq!(Note::parse("a\u{7}b"), Err(NoteError::ControlCharacter));
    }
}
