//! WeChat's content security API: `msgSecCheck` (version 2) judges a text at once;
//! `mediaCheckAsync` (version 2) accepts an image and pushes its verdict later to the message
//! endpoint (see [`super::push`]). Both check on behalf of a user, named by openid.

use linli_domain::content::{Remote, Scene, Suggest};
use serde::Deserialize;
use serde_json::json;

use super::client::Wechat;
use super::error::WechatError;

/// `media_type` 2: an image.
const IMAGE: u8 = 2;

/// The answer of `msg_sec_check`: `errcode` 0 says only that WeChat read the request; the
/// verdict is `result`.
#[derive(Deserialize)]
struct TextAnswer {
    result: Option<Verdict>,
}

/// WeChat's verdict, in a check's answer or a push.
#[derive(Debug, Clone, Deserialize)]
pub struct Verdict {
    /// `pass`, `review` or `risky`.
    pub suggest: String,
    /// What was found (100 means nothing).
    pub label: Option<i64>,
}

impl Verdict {
    /// The verdict as the rules read it: an unknown suggestion is no verdict.
    pub fn remote(&self) -> Remote {
        match Suggest::parse(&self.suggest) {
            Some(suggest) => Remote::Answered {
                suggest,
                label: self.label,
            },
            None => Remote::Unanswered,
        }
    }
}

#[derive(Deserialize)]
struct MediaAnswer {
    trace_id: String,
}

impl Wechat {
    /// Checks a user's text (`/wxa/msg_sec_check`, version 2). An answer without a known
    /// `result.suggest` is no verdict ([`Remote::Unanswered`]).
    pub async fn msg_sec_check(
        &self,
        content: &str,
        scene: Scene,
        openid: &str,
    ) -> Result<Remote, WechatError> {
        let answer: TextAnswer = self
            .with_token(|token| {
                self.http
                    .post(self.url("/wxa/msg_sec_check"))
                    .query(&[("access_token", token)])
                    .json(&json!({
                        "content": content,
                        "version": 2,
                        "scene": scene.code(),
                        "openid": openid,
                    }))
                    .send()
            })
            .await?;
        Ok(answer
            .result
            .as_ref()
            .map_or(Remote::Unanswered, Verdict::remote))
    }

    /// Submits an image at `media_url` for checking (`/wxa/media_check_async`, version 2);
    /// returns the trace id its pushed verdict will carry.
    pub async fn media_check_async(
        &self,
        media_url: &str,
        scene: Scene,
        openid: &str,
    ) -> Result<String, WechatError> {
        let answer: MediaAnswer = self
            .with_token(|token| {
                self.http
                    .post(self.url("/wxa/media_check_async"))
                    .query(&[("access_token", token)])
                    .json(&json!({
                        "media_url": media_url,
                        "media_type": IMAGE,
                        "version": 2,
                        "scene": scene.code(),
                        "openid": openid,
                    }))
                    .send()
            })
            .await?;
        Ok(answer.trace_id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn remote(answer: &str) -> Remote {
        let a: TextAnswer = serde_json::from_str(answer).unwrap();
        a.result
            .as_ref()
            .map_or(Remote::Unanswered, Verdict::remote)
    }

    #[test]
    fn errcode_zero_without_a_known_suggestion_is_no_verdict() {
        assert_eq!(remote(r#"{"errcode":0,"errmsg":"ok"}"#), Remote::Unanswered);
        assert_eq!(
            remote(r#"{"errcode":0,"result":{"suggest":"maybe","label":100}}"#),
            Remote::Unanswered
        );
        assert_eq!(
            remote(r#"{"errcode":0,"result":{"suggest":"risky","label":20006},"trace_id":"t"}"#),
            Remote::Answered {
                suggest: Suggest::Risky,
                label: Some(20006)
            }
        );
    }
}
