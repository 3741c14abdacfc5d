//! What a signed agreement carries beyond free text: the parties that signed it and a link to
//! the scanned copy.

use crate::text::PhotoUrl;

/// A link to an agreement's scanned copy in object storage: `http(s)`, a host, no white space,
/// at most 500 characters (the rules of a photo link, which it is stored beside).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttachmentUrl(String);

/// Why a string is not an attachment URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("an attachment URL is an http(s) address of at most 500 characters")]
pub struct AttachmentUrlError;

impl AttachmentUrl {
    /// Parses a URL as a client sent it.
    pub fn parse(s: &str) -> Result<Self, AttachmentUrlError> {
        PhotoUrl::parse(s)
            .map(|u| AttachmentUrl(u.as_str().to_owned()))
            .map_err(|_| AttachmentUrlError)
    }

    /// The URL.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The parties to an agreement: 1 to 10 names, each 1 to 100 characters, no repeats.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgreementParties(Vec<String>);

/// Why a list is not an agreement's parties.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum AgreementPartiesError {
    /// No party, or more than allowed.
    #[error("an agreement has 1 to {max} parties")]
    Count {
        /// The most parties.
        max: usize,
    },
    /// An empty, too long or repeated name.
    #[error("party {index} is empty, longer than 100 characters or named twice")]
    Name {
        /// Its position, from 0.
        index: usize,
    },
}

impl AgreementParties {
    /// The most parties.
    pub const MAX: usize = 10;
    /// The most characters of a name.
    pub const MAX_NAME_CHARS: usize = 100;

    /// Parses the names as a client sent them (trimmed).
    pub fn parse(names: &[String]) -> Result<Self, AgreementPartiesError> {
        if names.is_empty() || names.len() > Self::MAX {
            return Err(AgreementPartiesError::Count { max: Self::MAX });
        }
        let mut out: Vec<String> = Vec::with_capacity(names.len());
        for (index, n) in names.iter().enumerate() {
            let n = n.trim();
            if n.is_empty()
                || n.chars().count() > Self::MAX_NAME_CHARS
                || n.chars().any(char::is_control)
                || out.iter().any(|o| o == n)
            {
                return Err(AgreementPartiesError::Name { index });
            }
            out.push(n.to_owned());
        }
        Ok(AgreementParties(out))
    }

    /// The names, in order.
    pub fn names(&self) -> &[String] {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attachments_are_http_links() {
        assert!(AttachmentUrl::parse("https://oss.example.cn/agreements/1.pdf").is_ok());
        assert_eq!(
            AttachmentUrl::parse("ftp://x/1.pdf"),
            Err(AttachmentUrlError)
        );
        assert_eq!(
            AttachmentUrl::parse("javascript:alert(1)"),
            Err(AttachmentUrlError)
        );
    }

    #[test]
    fn parties_are_named_once_each() {
        let ok = AgreementParties::parse(&["天兴物业".into(), " 梧桐坊物业 ".into()]).unwrap();
        assert_eq!(ok.names(), ["天兴物业", "梧桐坊物业"]);
        assert_eq!(
            AgreementParties::parse(&[]),
            Err(AgreementPartiesError::Count { max: 10 })
        );
        assert_eq!(
            AgreementParties::parse(&["甲".into(), "甲".into()]),
            Err(AgreementPartiesError::Name { index: 1 })
        );
        assert_eq!(
            AgreementParties::parse(&["".into()]),
            Err(AgreementPartiesError::Name { index: 0 })
        );
    }
}
