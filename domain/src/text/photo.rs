/// A link to a photo the client uploaded to object storage: `http` or `https`, at most 500
/// characters, no white space.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PhotoUrl(String);

/// Why a string is not a photo URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PhotoUrlError {
    /// Nothing but white space.
    #[error("a photo URL cannot be empty")]
    Empty,
    /// More characters than allowed.
    #[error("a photo URL has at most {max} characters")]
    TooLong {
        /// The most characters allowed.
        max: usize,
    },
    /// White space or a control character inside it.
    #[error("a photo URL may not contain white space")]
    Whitespace,
    /// Not `http://` or `https://`.
    #[error("a photo URL starts with http:// or https://")]
    Scheme,
    /// Nothing between the scheme and the path.
    #[error("a photo URL names a host")]
    Host,
}

impl PhotoUrl {
    /// The most characters a photo URL may have.
    pub const MAX_CHARS: usize = 500;

    /// Parses a URL as a client sent it (surrounding white space is ignored).
    pub fn parse(s: &str) -> Result<Self, PhotoUrlError> {
        let s = s.trim();
        if s.is_empty() {
            return Err(PhotoUrlError::Empty);
        }
        if s.chars().count() > Self::MAX_CHARS {
            return Err(PhotoUrlError::TooLong {
                max: Self::MAX_CHARS,
            });
        }
        if s.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(PhotoUrlError::Whitespace);
        }
        let rest = strip_prefix_ignore_case(s, "https://")
            .or_else(|| strip_prefix_ignore_case(s, "http://"))
            .ok_or(PhotoUrlError::Scheme)?;
        let host = rest.split(['/', '?', '#']).next().unwrap_or("");
        if host.is_empty() {
            return Err(PhotoUrlError::Host);
        }
        Ok(PhotoUrl(s.to_owned()))
    }

    /// The URL.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The URL, owned.
    pub fn into_inner(self) -> String {
        self.0
    }
}

fn strip_prefix_ignore_case<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &s[prefix.len()..])
}

/// The photos attached to a request or a report: at most nine, as the mini-program's picker
/// allows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PhotoUrls(Vec<PhotoUrl>);

/// Why a list is not a set of photo URLs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PhotoUrlsError {
    /// More photos than allowed.
    #[error("at most {max} photos")]
    TooMany {
        /// The most photos allowed.
        max: usize,
    },
    /// One of them is not a photo URL.
    #[error("photo {index}: {error}")]
    Invalid {
        /// Its position in the list, from 0.
        index: usize,
        /// What is wrong with it.
        #[source]
        error: PhotoUrlError,
    },
}

impl PhotoUrls {
    /// The most photos a list may hold.
    pub const MAX: usize = 9;

    /// Parses every URL of a list as a client sent it.
    pub fn parse<I, S>(urls: I) -> Result<Self, PhotoUrlsError>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let urls = urls
            .into_iter()
            .enumerate()
            .map(|(index, s)| {
                PhotoUrl::parse(s.as_ref())
                    .map_err(|error| PhotoUrlsError::Invalid { index, error })
            })
            .collect::<Result<Vec<_>, _>>()?;
        Self::new(urls)
    }

    /// Gathers URLs already parsed, checking only how many there are.
    pub fn new(urls: Vec<PhotoUrl>) -> Result<Self, PhotoUrlsError> {
        if urls.len() > Self::MAX {
            return Err(PhotoUrlsError::TooMany { max: Self::MAX });
        }
        Ok(PhotoUrls(urls))
    }

    /// The URLs, in the order given.
    pub fn as_slice(&self) -> &[PhotoUrl] {
        &self.0
    }

    /// The URLs, owned.
    pub fn into_inner(self) -> Vec<PhotoUrl> {
        self.0
    }

    /// How many.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// True when there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_http_and_https_up_to_five_hundred_characters() {
        assert!(PhotoUrl::parse("https://cdn.example.cn/a/b.jpg").is_ok());
        assert!(PhotoUrl::parse(" HTTP://cdn.example.cn/x.png ").is_ok());
        let prefix = "https://cdn.example.cn/";
        let at_limit = format!("{prefix}{}", "a".repeat(500 - prefix.len()));
        assert!(PhotoUrl::parse(&at_limit).is_ok());
        assert_eq!(
            PhotoUrl::parse(&format!("{at_limit}a")),
            Err(PhotoUrlError::TooLong { max: 500 })
        );
    }

    #[test]
    fn refuses_other_schemes_white_space_and_missing_hosts() {
        assert_eq!(PhotoUrl::parse(""), Err(PhotoUrlError::Empty));
        assert_eq!(
            PhotoUrl::parse("ftp://cdn.example.cn/a.jpg"),
            Err(PhotoUrlError::Scheme)
        );
        assert_eq!(
            PhotoUrl::parse("javascript:alert(1)"),
            Err(PhotoUrlError::Scheme)
        );
        assert_eq!(
            PhotoUrl::parse("https://cdn.example.cn/a b.jpg"),
            Err(PhotoUrlError::Whitespace)
        );
        assert_eq!(PhotoUrl::parse("https:///a.jpg"), Err(PhotoUrlError::Host));
        assert_eq!(PhotoUrl::parse("https://"), Err(PhotoUrlError::Host));
    }

    #[test]
    fn at_most_nine_photos() {
        let url = "https://cdn.example.cn/p.jpg";
        assert_eq!(PhotoUrls::parse(vec![url; 9]).unwrap().len(), 9);
        assert_eq!(
            PhotoUrls::parse(vec![url; 10]),
            Err(PhotoUrlsError::TooMany { max: 9 })
        );
        assert!(PhotoUrls::parse(Vec::<String>::new()).unwrap().is_empty());
    }

    #[test]
    fn names_the_bad_photo() {
        assert_eq!(
            PhotoUrls::parse(["https://a.cn/1.jpg", "file:///etc/passwd"]),
            Err(PhotoUrlsError::Invalid {
                index: 1,
                error: PhotoUrlError::Scheme
            })
        );
    }
}
