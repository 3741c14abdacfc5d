//! Mini-program codes (小程序码) from `getwxacodeunlimit`: an image on success, JSON on error,
//! told apart by the content type.

use super::client::{Wechat, read};
use super::error::WechatError;

/// A mini-program code image.
#[derive(Debug, Clone)]
pub struct CodeImage {
    /// As WeChat said (`image/jpeg` or `image/png`).
    pub content_type: String,
    /// The image.
    pub bytes: Vec<u8>,
}

/// True when `scene` is what WeChat accepts: at most 32 visible characters of its set.
pub fn scene_ok(scene: &str) -> bool {
    !scene.is_empty()
        && scene.len() <= 32
        && scene
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "!#$&'()*+,/:;=?@-._~".contains(c))
}

impl Wechat {
    /// The mini-program code opening the report page with `scene` (e.g. `b=DX-01-1`).
    pub async fn report_code(&self, scene: &str) -> Result<CodeImage, WechatError> {
        if !scene_ok(scene) {
            return Err(WechatError::Decode(format!(
                "scene `{scene}` is not one WeChat accepts"
            )));
        }
        let body = serde_json::json!({
            "scene": scene,
            "page": self.settings().report_page,
            // A page not yet published in this version is still encoded (trial builds).
            "check_path": false,
            "env_version": self.settings().env_version(),
            "width": 430,
        });
        self.with_token_read(
            |token| {
                self.http()
                    .post(self.url("/wxa/getwxacodeunlimit"))
                    .query(&[("access_token", token)])
                    .json(&body)
                    .send()
            },
            |res| async move {
                let content_type = res
                    .headers()
                    .get(reqwest::header::CONTENT_TYPE)
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or_default()
                    .to_owned();
                if res.status().is_success() && content_type.starts_with("image/") {
                    let bytes = res.bytes().await.map_err(WechatError::transport)?.to_vec();
                    return Ok(CodeImage {
                        content_type,
                        bytes,
                    });
                }
                // Not an image: WeChat's JSON error.
                let _: serde_json::Value = read(res).await?;
                Err(WechatError::Decode(format!(
                    "getwxacodeunlimit answered `{content_type}` without an error code"
                )))
            },
        )
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scenes_are_wechats_characters_up_to_32() {
        assert!(scene_ok("b=DX-01-1"));
        assert!(scene_ok(&"a".repeat(32)));
        assert!(!scene_ok(&"a".repeat(33)));
        assert!(!scene_ok("b=楼"));
        assert!(!scene_ok("b=a b"));
        assert!(!scene_ok(""));
    }
}
