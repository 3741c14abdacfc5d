//! Screening a text before it is stored: WeChat's verdict (for a resident's text, within the
//! check's own short timeout) and the local word list, decided by the domain's rules.

use linli_domain::content::{
    ContentReview, Remote, Scene, Screening, Subject, checked_by_wechat, flagged_event, screen,
};
use linli_domain::request::Event;

use crate::auth::Auth;
use crate::error::{ApiError, Msg};
use crate::state::AppState;

/// The openid WeChat checks a user's text and photos by: a resident's. Staff write as staff
/// and are checked by the word list alone.
pub fn wechat_author(auth: &Auth) -> Option<String> {
    checked_by_wechat(&auth.actor)
        .then(|| auth.user.openid.clone())
        .flatten()
}

/// A text that may be stored: pending review (with the event that says why) or not.
#[derive(Debug, Clone)]
pub struct Screened {
    /// None, or pending when flagged.
    pub review: ContentReview,
    /// `request.content_flagged`, when flagged.
    pub flag: Option<Event>,
}

/// Screens `text` that `openid` (if WeChat checks it) is about to publish as `subject` in
/// `scene`. WeChat's `risky` is 422 `content.rejected` (naming `field`); everything else is
/// stored, flagged when WeChat says review, gives no verdict in time, or the word list matches.
pub async fn screen_text(
    state: &AppState,
    openid: Option<&str>,
    text: &str,
    scene: Scene,
    subject: Subject,
    field: &'static str,
) -> Result<Screened, ApiError> {
    let remote = match (state.wechat.as_deref(), openid) {
        (Some(wechat), Some(openid)) => {
            let check = wechat.msg_sec_check(text, scene, openid);
            match tokio::time::timeout(state.content.check_timeout, check).await {
                Ok(Ok(remote)) => remote,
                Ok(Err(e)) => {
                    tracing::warn!(
                        error = &e as &dyn std::error::Error,
                        "WeChat's text check failed; the text goes to staff review"
                    );
                    Remote::Unanswered
                }
                Err(_) => {
                    tracing::warn!(timeout = ?state.content.check_timeout, "WeChat's text check did not answer in time; the text goes to staff review");
                    Remote::Unanswered
                }
            }
        }
        _ => Remote::NotAsked,
    };
    match screen(remote, state.content.words.matches(text)) {
        Screening::Store => Ok(Screened {
            review: ContentReview::None,
            flag: None,
        }),
        Screening::Flag(reason) => Ok(Screened {
            review: ContentReview::Pending,
            flag: Some(flagged_event(subject, reason)),
        }),
        Screening::Reject { label } => Err(rejected(field, label)),
    }
}

/// 422 `content.rejected`: WeChat found the text must not be published.
fn rejected(field: &'static str, label: Option<i64>) -> ApiError {
    ApiError::unprocessable(
        "content.rejected",
        Msg::new(
            "内容含有违规信息，请修改后重新提交",
            "The text breaks the content rules; change it and submit again",
        ),
    )
    .with_details(serde_json::json!({ "field": field, "label": label }))
}
