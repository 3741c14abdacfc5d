//! WeChat's server API, as this service uses it.

use std::time::Duration;

use secrecy::ExposeSecret as _;
use serde::Deserialize;
use serde::de::DeserializeOwned;

use super::error::WechatError;
use super::settings::WechatSettings;
use super::token::{Fresh, TokenCache};

/// How long any call to WeChat may take.
const TIMEOUT: Duration = Duration::from_secs(10);

/// A WeChat session from a login code (`/sns/jscode2session`).
#[derive(Debug, Deserialize)]
pub struct Session {
    /// The user's id within this mini-program.
    pub openid: String,
    /// The user's id across the developer's apps, when bound to an open platform account.
    pub unionid: Option<String>,
    // `session_key` is deliberately not read: nothing here needs it, so it is never kept.
}

/// The phone number a user agreed to share (`/wxa/business/getuserphonenumber`). No `Debug`:
/// a phone number must not reach a log by accident.
#[derive(Deserialize)]
struct PhoneAnswer {
    phone_info: PhoneInfo,
}

#[derive(Deserialize)]
struct PhoneInfo {
    #[serde(rename = "purePhoneNumber")]
    pure_phone_number: String,
    #[serde(rename = "countryCode")]
    country_code: String,
}

/// A shared phone number (no `Debug`, like the answer it comes from).
pub struct SharedPhone {
    /// The number without country code.
    pub number: String,
    /// The country code, e.g. `86`.
    pub country_code: String,
}

#[derive(Debug, Deserialize)]
struct StableToken {
    access_token: String,
    expires_in: u64,
}

/// The WeChat client: credentials, HTTP and the access token.
pub struct Wechat {
    pub(super) http: reqwest::Client,
    settings: WechatSettings,
    tokens: TokenCache,
}

impl Wechat {
    /// A client; `tokens` is shared through Redis when instances share one.
    pub fn new(settings: WechatSettings, tokens: TokenCache) -> Result<Self, reqwest::Error> {
        let http = reqwest::Client::builder()
            .timeout(TIMEOUT)
            .connect_timeout(Duration::from_secs(3))
            .build()?;
        Ok(Wechat {
            http,
            settings,
            tokens,
        })
    }

    /// The mini-program's app id.
    pub fn appid(&self) -> &str {
        &self.settings.appid
    }

    /// The settings it was built with.
    pub fn settings(&self) -> &WechatSettings {
        &self.settings
    }

    pub(super) fn http(&self) -> &reqwest::Client {
        &self.http
    }

    /// The message push's token, when pushes are configured.
    pub fn push_token(&self) -> Option<&secrecy::SecretString> {
        self.settings.push_token.as_ref()
    }

    pub(super) fn url(&self, path: &str) -> String {
        format!("{}{path}", self.settings.api_base)
    }

    /// Exchanges a login code from `wx.login` for the user's openid.
    pub async fn code_to_session(&self, code: &str) -> Result<Session, WechatError> {
        let res = self
            .http
            .get(self.url("/sns/jscode2session"))
            .query(&[
                ("appid", self.settings.appid.as_str()),
                ("secret", self.settings.secret.expose_secret()),
                ("js_code", code),
                ("grant_type", "authorization_code"),
            ])
            .send()
            .await
            .map_err(WechatError::transport)?;
        read(res).await
    }

    /// The phone number behind a code from the `getPhoneNumber` button.
    pub async fn phone_number(&self, code: &str) -> Result<SharedPhone, WechatError> {
        let answer: PhoneAnswer = self
            .with_token(|token| {
                self.http
                    .post(self.url("/wxa/business/getuserphonenumber"))
                    .query(&[("access_token", token)])
                    .json(&serde_json::json!({ "code": code }))
                    .send()
            })
            .await?;
        Ok(SharedPhone {
            number: answer.phone_info.pure_phone_number,
            country_code: answer.phone_info.country_code,
        })
    }

    /// The app's access token (cached; fetched by one caller at a time).
    pub async fn access_token(&self) -> Result<String, WechatError> {
        self.tokens.get(|| self.fetch_token()).await
    }

    /// Calls WeChat with the access token and reads its JSON answer. When WeChat says the token
    /// is no longer good, the token is dropped (if still current), fetched again, and the call
    /// retried once.
    pub async fn with_token<T, F, Fut>(&self, call: F) -> Result<T, WechatError>
    where
        T: DeserializeOwned,
        F: Fn(String) -> Fut,
        Fut: Future<Output = Result<reqwest::Response, reqwest::Error>>,
    {
        self.with_token_read(call, read::<T>).await
    }

    /// As [`Wechat::with_token`], reading the answer with `read` (for answers that are not
    /// always JSON).
    pub async fn with_token_read<T, F, Fut, R, RFut>(
        &self,
        call: F,
        read: R,
    ) -> Result<T, WechatError>
    where
        F: Fn(String) -> Fut,
        Fut: Future<Output = Result<reqwest::Response, reqwest::Error>>,
        R: Fn(reqwest::Response) -> RFut,
        RFut: Future<Output = Result<T, WechatError>>,
    {
        let token = self.access_token().await?;
        let first = match call(token.clone()).await {
            Ok(res) => read(res).await,
            Err(e) => Err(WechatError::transport(e)),
        };
        match first {
            Err(e) if e.is_stale_token() => {
                tracing::info!(
                    errcode = e.errcode(),
                    "WeChat refused the access token; fetching again"
                );
                self.tokens.invalidate(&token).await?;
                let token = self.access_token().await?;
                read(call(token).await.map_err(WechatError::transport)?).await
            }
            other => other,
        }
    }

    /// A new stable access token. Never forces a refresh: WeChat allows that 20 times a day,
    /// and a normal fetch already returns a token valid for every instance.
    async fn fetch_token(&self) -> Result<Fresh, WechatError> {
        let res = self
            .http
            .post(self.url("/cgi-bin/stable_token"))
            .json(&serde_json::json!({
                "grant_type": "client_credential",
                "appid": self.settings.appid,
                "secret": self.settings.secret.expose_secret(),
                "force_refresh": false,
            }))
            .send()
            .await
            .map_err(WechatError::transport)?;
        let t: StableToken = read(res).await?;
        tracing::info!(expires_in = t.expires_in, "fetched a WeChat access token");
        Ok(Fresh {
            token: t.access_token,
            expires_in: t.expires_in,
        })
    }
}

/// Reads WeChat's JSON answer: a non-zero `errcode` is an error whatever the HTTP status.
pub(super) async fn read<T: DeserializeOwned>(res: reqwest::Response) -> Result<T, WechatError> {
    let status = res.status();
    let body = res.bytes().await.map_err(WechatError::transport)?;
    let value: serde_json::Value = match serde_json::from_slice(&body) {
        Ok(v) => v,
        Err(_) if !status.is_success() => {
            // A gateway's error page: as good as no answer.
            return Err(WechatError::Api {
                errcode: super::error::BUSY,
                errmsg: format!("HTTP {status}"),
            });
        }
        Err(e) => return Err(WechatError::Decode(e.to_string())),
    };
    if let Some(code) = value.get("errcode").and_then(serde_json::Value::as_i64)
        && code != 0
    {
        return Err(WechatError::Api {
            errcode: code,
            errmsg: value
                .get("errmsg")
                .and_then(serde_json::Value::as_str)
                .unwrap_or_default()
                .to_owned(),
        });
    }
    // Only the kind of mismatch: serde's message may quote a value, and values can be personal.
    serde_json::from_value(value)
        .map_err(|e| WechatError::Decode(format!("unexpected shape ({:?})", e.classify())))
}
