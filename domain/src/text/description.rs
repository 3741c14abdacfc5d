/// What a resident says is wrong: trimmed, 1 to 2,000 characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Description(String);

/// Why a text is not a description.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum DescriptionError {
    /// Nothing but white space.
    #[error("a description cannot be empty")]
    Empty,
    /// More characters than allowed.
    #[error("a description has at most {max} characters")]
    TooLong {
        /// The most characters allowed.
        max: usize,
    },
    /// A control character other than a line break or a tab.
    #[error("a description may not contain control characters")]
    ControlCharacter,
}

impl Description {
    /// The most characters a description may have.
    pub const MAX_CHARS: usize = 2_000;

    /// Parses a description as a client sent it; line breaks inside it are kept.
    pub fn parse(s: &str) -> Result<Self, DescriptionError> {
        super::bounded(s, Self::MAX_CHARS, true)
            .map(Description)
            .map_err(|r| match r {
                super::Refusal::Empty => DescriptionError::Empty,
                super::Refusal::TooLong => DescriptionError::TooLong {
                    max: Self::MAX_CHARS,
                },
                super::Refusal::Control => DescriptionError::ControlCharacter,
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

impl AsRef<str> for Description {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_chinese_characters_not_bytes() {
        let at_limit = "漏".repeat(2_000);
        assert_eq!(Description::parse(&at_limit).unwrap().as_str(), at_limit);
        assert_eq!(
            Description::parse(&"漏".repeat(2_001)),
            Err(DescriptionError::TooLong { max: 2_000 })
        );
    }

    #[test]
    fn trims_and_refuses_empty() {
        let d = Description::parse("  楼道灯坏了\n三楼  ").unwrap();
        assert_eq!(d.into_inner(), "楼道灯坏了\n三楼");
        assert_eq!(Description::parse(" \n\t "), Err(DescriptionError::Empty));
        assert_eq!(Description::parse(""), Err(DescriptionError::Empty));
    }

    #[test]
    fn trimming_happens_before_counting() {
        let padded = format!("   {}   ", "a".repeat(2_000));
        assert!(Description::parse(&padded).is_ok());
    }

    #[test]
    fn refuses_control_characters_but_keeps_tabs() {
        assert_eq!(
            Description::parse("漏水\u{0}"),
            Err(DescriptionError::ControlCharacter)
        );
        assert!(Description::parse("漏水\t二楼").is_ok());
    }
}
