//! The page a building's QR code opens: the H5 report page (`LINLI_H5_REPORT_URL`) with the
//! building's code as the query parameter `b`, so the page knows where the resident stands.

use linli_domain::org::BuildingCode;
use url::Url;

/// The H5 report page's address, checked once at start-up; it makes each building's link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportLink(Url);

/// Why a string cannot be the report page's address.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReportLinkError {
    /// Not a URL at all.
    #[error("not a URL ({0}); expected e.g. https://linli.example.cn/h5/report")]
    Syntax(String),
    /// A scheme other than http or https.
    #[error("must be an http:// or https:// URL")]
    Scheme,
    /// A user name or password in it: it would be printed on every building.
    #[error("must not carry a user name or password")]
    Credentials,
    /// A fragment (`#…`): the code goes into the query, which must come before it.
    #[error("must not carry a fragment (#…)")]
    Fragment,
    /// A query that already names `b`, the parameter the code goes in.
    #[error("its query must not already carry the parameter `b`")]
    ParameterTaken,
    /// Too long for a QR code that stays easy to scan.
    #[error("at most {max} characters, so that QR codes stay easy to scan")]
    TooLong {
        /// The most characters allowed.
        max: usize,
    },
}

impl ReportLink {
    /// The default: the development server's own address.
    pub const DEFAULT: &'static str = "http://127.0.0.1:8080/h5/report";

    /// The longest address accepted, in characters once normalised (percent-encoded). Every
    /// character makes the QR code denser; at this length, with `?b=` and the longest building
    /// code, the link still fits a version 10 code (57 × 57 modules) at error-correction level Q.
    pub const MAX_CHARS: usize = 120;

    /// Parses the setting's value (surrounding white space is ignored).
    pub fn parse(s: &str) -> Result<Self, ReportLinkError> {
        let url = Url::parse(s.trim()).map_err(|e| ReportLinkError::Syntax(e.to_string()))?;
        if url.as_str().len() > Self::MAX_CHARS {
            return Err(ReportLinkError::TooLong {
                max: Self::MAX_CHARS,
            });
        }
        if !matches!(url.scheme(), "http" | "https") {
            return Err(ReportLinkError::Scheme);
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(ReportLinkError::Credentials);
        }
        if url.fragment().is_some() {
            return Err(ReportLinkError::Fragment);
        }
        if url.query_pairs().any(|(k, _)| k == "b") {
            return Err(ReportLinkError::ParameterTaken);
        }
        Ok(ReportLink(url))
    }

    /// The address as configured (normalised: lower-case scheme and host, a `/` path at least).
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }

    /// The link for one building: `?b=CODE`, or `&b=CODE` after a query the base already has;
    /// the code URL-encoded.
    pub fn for_building(&self, code: &BuildingCode) -> String {
        let mut url = self.0.clone();
        url.query_pairs_mut().append_pair("b", code.as_str());
        url.into()
    }
}

impl Default for ReportLink {
    fn default() -> Self {
        ReportLink::parse(Self::DEFAULT).expect("the default report link is valid")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn link(base: &str, code: &str) -> String {
        ReportLink::parse(base)
            .unwrap()
            .for_building(&BuildingCode::parse(code).unwrap())
    }

    #[test]
    fn the_code_goes_in_the_query_as_b() {
        assert_eq!(
            link(ReportLink::DEFAULT, "DX-01-1"),
            "http://127.0.0.1:8080/h5/report?b=DX-01-1"
        );
        assert_eq!(
            link(" https://linli.example.cn/h5/report ", "DX-14-2"),
            "https://linli.example.cn/h5/report?b=DX-14-2"
        );
        // A bare host gains the root path.
        assert_eq!(
            link("https://linli.example.cn", "a1"),
            "https://linli.example.cn/?b=a1"
        );
    }

    #[test]
    fn after_an_existing_query_the_code_follows_an_ampersand() {
        assert_eq!(
            link("https://h5.example.cn/report?from=qr", "DX-01-1"),
            "https://h5.example.cn/report?from=qr&b=DX-01-1"
        );
        assert_eq!(
            link("https://h5.example.cn/report?a=1&c=%E6%A5%BC", "DX-01-1"),
            "https://h5.example.cn/report?a=1&c=%E6%A5%BC&b=DX-01-1"
        );
        // An empty query is no query.
        assert_eq!(
            link("https://h5.example.cn/report?", "DX-01-1"),
            "https://h5.example.cn/report?b=DX-01-1"
        );
    }

    #[test]
    fn the_code_is_url_encoded() {
        // Building codes are `[A-Za-z0-9-]` today; the encoding must not depend on that.
        let mut url = ReportLink::default().0;
        url.query_pairs_mut().append_pair("b", "楼 1&x=2");
        assert_eq!(
            url.as_str(),
            "http://127.0.0.1:8080/h5/report?b=%E6%A5%BC+1%26x%3D2"
        );
    }

    #[test]
    fn refuses_what_cannot_be_the_page() {
        let err = |s: &str| ReportLink::parse(s).unwrap_err();
        assert!(matches!(err("h5/report"), ReportLinkError::Syntax(_)));
        assert!(matches!(err("http://"), ReportLinkError::Syntax(_)));
        assert!(matches!(
            err("https://exa mple.cn/"),
            ReportLinkError::Syntax(_)
        ));
        assert_eq!(err("ftp://example.cn/h5"), ReportLinkError::Scheme);
        assert_eq!(err("weixin://dl/business"), ReportLinkError::Scheme);
        assert_eq!(
            err("https://ops:secret@example.cn/h5"),
            ReportLinkError::Credentials
        );
        assert_eq!(
            err("https://example.cn/h5/#/report"),
            ReportLinkError::Fragment
        );
        assert_eq!(
            err("https://example.cn/h5?b=old"),
            ReportLinkError::ParameterTaken
        );
        let long = format!("https://example.cn/{}", "x".repeat(ReportLink::MAX_CHARS));
        assert_eq!(
            err(&long),
            ReportLinkError::TooLong {
                max: ReportLink::MAX_CHARS
            }
        );
        assert!(ReportLink::parse("HTTPS://Example.CN/h5/report").is_ok());
    }
}
