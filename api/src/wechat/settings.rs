//! WeChat settings. Without an app id and secret every WeChat feature is off and the server
//! says so at start-up; the rest of the service runs as usual.

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
