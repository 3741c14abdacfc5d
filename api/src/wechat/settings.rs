//! WeChat settings. Without an app id and secret every WeChat feature is off and the server
//! says so at start-up; the rest of the service runs as usual.

use linli_domain::notify::NoticeKind;
use secrecy::SecretString;

use crate::config::ConfigError;

/// Where WeChat's server API lives unless told otherwise.
pub const DEFAULT_API_BASE: &str = "https://api.weixin.qq.com";

/// The mini-program's credentials and WeChat's address.
#[derive(Debug, Clone)]
pub struct WechatSettings {
    /// The mini-program's AppID.
    pub appid: String,
    /// Its AppSecret.
    pub secret: SecretString,
    /// WeChat's server API, without a trailing slash (tests point it at a local fake).
    pub api_base: String,
    /// The token of the message push (消息推送) that authenticates WeChat's pushes, such as
    /// the verdicts of image checks; without it the push endpoint refuses everything and
    /// photos are not sent for checking.
    pub push_token: Option<SecretString>,
    /// Subscribe-message template ids by notice; a notice without one is not sent.
    pub templates: Vec<(NoticeKind, String)>,
    /// The mini-program page a message opens, given `?id=<request id>`.
    pub request_page: String,
    /// The report form a building's mini-program code opens (the building comes as the
    /// code's scene, `b=<code>`).
    pub report_page: String,
    /// Which version of the mini-program messages open: `formal`, `trial` or `developer`.
    pub miniprogram_state: String,
}

/// The variable naming each notice's template.
pub const TEMPLATE_VARS: [(NoticeKind, &str); 5] = [
    (NoticeKind::Taken, "LINLI_WECHAT_TEMPLATE_TAKEN"),
    (NoticeKind::Resolved, "LINLI_WECHAT_TEMPLATE_RESOLVED"),
    (NoticeKind::Reopened, "LINLI_WECHAT_TEMPLATE_REOPENED"),
    (NoticeKind::Assigned, "LINLI_WECHAT_TEMPLATE_ASSIGNED"),
    (NoticeKind::DueSoon, "LINLI_WECHAT_TEMPLATE_DUE_SOON"),
];

impl WechatSettings {
    /// The mini-program version codes open, as `getwxacodeunlimit` names it.
    pub fn env_version(&self) -> &'static str {
        match self.miniprogram_state.as_str() {
            "trial" => "trial",
            "developer" => "develop",
            _ => "release",
        }
    }

    /// The template for a notice, if configured.
    pub fn template(&self, kind: NoticeKind) -> Option<&str> {
        self.templates
            .iter()
            .find(|(k, _)| *k == kind)
            .map(|(_, t)| t.as_str())
    }
}

impl WechatSettings {
    /// Reads `LINLI_WECHAT_APPID`, `LINLI_WECHAT_SECRET` and `LINLI_WECHAT_API_BASE`: none of
    /// them means WeChat is off; an app id without a secret (or the reverse) is an error.
    pub fn from_lookup(get: &dyn Fn(&str) -> Option<String>) -> Result<Option<Self>, ConfigError> {
        let value = |name: &str| {
            get(name)
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };
        let (appid, secret) = match (value("LINLI_WECHAT_APPID"), value("LINLI_WECHAT_SECRET")) {
            (None, None) => return Ok(None),
            (Some(a), Some(s)) => (a, s),
            (None, Some(_)) => {
                return Err(ConfigError::Invalid {
                    name: "LINLI_WECHAT_APPID",
                    reason: "LINLI_WECHAT_SECRET is set but the app id is not".into(),
                });
            }
            (Some(_), None) => {
                return Err(ConfigError::Invalid {
                    name: "LINLI_WECHAT_SECRET",
                    reason: "LINLI_WECHAT_APPID is set but the secret is not".into(),
                });
            }
        };
        if !(appid.starts_with("wx")
            && appid.len() <= 32
            && appid.bytes().all(|b| b.is_ascii_alphanumeric()))
        {
            return Err(ConfigError::Invalid {
                name: "LINLI_WECHAT_APPID",
                reason: "a mini-program app id looks like wx followed by letters and digits".into(),
            });
        }
        let api_base = value("LINLI_WECHAT_API_BASE").unwrap_or_else(|| DEFAULT_API_BASE.into());
        let parsed = reqwest::Url::parse(&api_base).map_err(|e| ConfigError::Invalid {
            name: "LINLI_WECHAT_API_BASE",
            reason: format!("not a URL: {e}"),
        })?;
        if !matches!(parsed.scheme(), "http" | "https") || parsed.host().is_none() {
            return Err(ConfigError::Invalid {
                name: "LINLI_WECHAT_API_BASE",
                reason: "must be an http(s) URL".into(),
            });
        }
        let mut templates = Vec::new();
        for (kind, name) in TEMPLATE_VARS {
            if let Some(t) = value(name) {
                if t.len() > 128
                    || !t
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
                {
                    return Err(ConfigError::Invalid {
                        name,
                        reason: "a template id is letters, digits, - and _".into(),
                    });
                }
                templates.push((kind, t));
            }
        }
        let request_page = value("LINLI_WECHAT_PAGE_REQUEST")
            .unwrap_or_else(|| "pages/request/detail".into())
            .trim_start_matches('/')
            .to_owned();
        let report_page = value("LINLI_WECHAT_PAGE_REPORT")
            .unwrap_or_else(|| "pages/report/index".into())
            .trim_start_matches('/')
            .to_owned();
        let miniprogram_state =
            value("LINLI_WECHAT_MINIPROGRAM_STATE").unwrap_or_else(|| "formal".into());
        if !matches!(miniprogram_state.as_str(), "formal" | "trial" | "developer") {
            return Err(ConfigError::Invalid {
                name: "LINLI_WECHAT_MINIPROGRAM_STATE",
                reason: "one of formal, trial, developer".into(),
            });
        }
        let push_token = match value("LINLI_WECHAT_PUSH_TOKEN") {
            None => None,
            // WeChat's console takes 3 to 32 letters and digits.
            Some(t)
                if (3..=32).contains(&t.len()) && t.bytes().all(|b| b.is_ascii_alphanumeric()) =>
            {
                Some(SecretString::from(t))
            }
            Some(_) => {
                return Err(ConfigError::Invalid {
                    name: "LINLI_WECHAT_PUSH_TOKEN",
                    reason:
                        "the push token is 3 to 32 letters and digits, as set in WeChat's console"
                            .into(),
                });
            }
        };
        Ok(Some(WechatSettings {
            appid,
            secret: SecretString::from(secret),
            api_base: api_base.trim_end_matches('/').to_owned(),
            templates,
            request_page,
            report_page,
            miniprogram_state,
            push_token,
        }))
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn read(vars: &[(&str, &str)]) -> Result<Option<WechatSettings>, ConfigError> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        WechatSettings::from_lookup(&|k| map.get(k).cloned())
    }

    #[test]
    fn off_without_credentials_and_on_with_both() {
        assert!(read(&[]).unwrap().is_none());
        let s = read(&[
            ("LINLI_WECHAT_APPID", "wx1234567890abcdef"),
            ("LINLI_WECHAT_SECRET", "s3cret"),
            ("LINLI_WECHAT_API_BASE", "http://127.0.0.1:9000/"),
        ])
        .unwrap()
        .unwrap();
        assert_eq!(s.api_base, "http://127.0.0.1:9000");
        let s = read(&[
            ("LINLI_WECHAT_APPID", "wx1234567890abcdef"),
            ("LINLI_WECHAT_SECRET", "s3cret"),
        ])
        .unwrap()
        .unwrap();
        assert_eq!(s.api_base, DEFAULT_API_BASE);
        assert!(s.push_token.is_none());
        assert!(
            !format!("{s:?}").contains("s3cret"),
            "the secret never prints"
        );
        let s = read(&[
            ("LINLI_WECHAT_APPID", "wx1234567890abcdef"),
            ("LINLI_WECHAT_SECRET", "s3cret"),
            ("LINLI_WECHAT_PUSH_TOKEN", "pushToken42"),
        ])
        .unwrap()
        .unwrap();
        assert!(s.push_token.is_some());
        assert!(!format!("{s:?}").contains("pushToken42"));
    }

    #[test]
    fn half_a_configuration_names_what_is_missing() {
        for (vars, name) in [
            (
                vec![("LINLI_WECHAT_APPID", "wx1234567890abcdef")],
                "LINLI_WECHAT_SECRET",
            ),
            (vec![("LINLI_WECHAT_SECRET", "s")], "LINLI_WECHAT_APPID"),
            (
                vec![
                    ("LINLI_WECHAT_APPID", "not-an-appid"),
                    ("LINLI_WECHAT_SECRET", "s"),
                ],
                "LINLI_WECHAT_APPID",
            ),
            (
                vec![
                    ("LINLI_WECHAT_APPID", "wx1"),
                    ("LINLI_WECHAT_SECRET", "s"),
                    ("LINLI_WECHAT_API_BASE", "ftp://x"),
                ],
                "LINLI_WECHAT_API_BASE",
            ),
            (
                vec![
                    ("LINLI_WECHAT_APPID", "wx1"),
                    ("LINLI_WECHAT_SECRET", "s"),
                    ("LINLI_WECHAT_TEMPLATE_RESOLVED", "has space"),
                ],
                "LINLI_WECHAT_TEMPLATE_RESOLVED",
            ),
            (
                vec![
                    ("LINLI_WECHAT_APPID", "wx1"),
                    ("LINLI_WECHAT_SECRET", "s"),
                    ("LINLI_WECHAT_MINIPROGRAM_STATE", "beta"),
                ],
                "LINLI_WECHAT_MINIPROGRAM_STATE",
            ),
            (
                vec![
                    ("LINLI_WECHAT_APPID", "wx1"),
                    ("LINLI_WECHAT_SECRET", "s"),
                    ("LINLI_WECHAT_PUSH_TOKEN", "has spaces!"),
                ],
                "LINLI_WECHAT_PUSH_TOKEN",
            ),
        ] {
            let e = read(&vars).unwrap_err();
            assert!(e.to_string().starts_with(name), "{e}");
        }
    }
}
