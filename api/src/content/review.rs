//! Content staff decide on a request's flagged content: clear it (it stands) or hide it (a
//! placeholder shows instead, except to staff and its author). The decision covers everything
//! pending on the request at that moment and is recorded on its timeline.

use linli_domain::RequestId;
use linli_domain::access::Actor;
use linli_domain::content::{ReviewDecision, ReviewError};
use linli_domain::text::Note;
use linli_persistence::StoreError;
use linli_persistence::requests::{self, review_content};

use crate::error::{ApiError, Msg};
use crate::requests::act::{ATTEMPTS, detail, load_visible};
use crate::requests::view::RequestDetail;
use crate::state::AppState;

/// Applies `decision` by `actor` to request `id`'s pending content.
pub async fn review(
    state: &AppState,
    actor: Actor,
    id: RequestId,
    decision: ReviewDecision,
    note: Option<Note>,
) -> Result<RequestDetail, ApiError> {
    let now = state.clock.now();
    let actor = std::sync::Arc::new(actor);
    let note = note.map(Note::into_inner);
    for _ in 0..ATTEMPTS {
        let (rec, after) = {
            let actor = actor.clone();
            state
                .db
                .read(move |conn| {
                    let rec = load_visible(conn, id, &actor)?;
                    let after =
                        rec.content_review
                            .decide(&actor, &rec.request.building_path, decision)?;
                    Ok((rec, after))
                })
                .await?
        };
        let (by, note) = (actor.user_id, note.clone());
        let stored = state
            .db
            .write(move |conn| {
                match review_content(conn, &rec, decision, after, by, note.as_deref(), now) {
                    Ok(_) => Ok(true),
                    // Something was flagged or changed since: decide again on what is there now.
                    Err(StoreError::Stale) => Ok(false),
                    Err(e) => Err(e.into()),
                }
            })
            .await?;
        if stored {
            let (cipher, caches, actor) =
                (state.cipher.clone(), state.caches.clone(), actor.clone());
            return state
                .db
                .read(move |conn| {
                    let after = requests::get(conn, id)?;
                    detail(conn, &after, &actor, &cipher, &caches, now)
                })
                .await;
        }
    }
    Err(StoreError::Stale.into())
}

impl From<ReviewError> for ApiError {
    fn from(e: ReviewError) -> Self {
        match e {
            ReviewError::Forbidden => ApiError::forbidden(
                "request.forbidden",
                Msg::new(
                    "您无权审核该诉求的内容",
                    "You may not review this request's content",
                ),
            ),
            ReviewError::NotPending => ApiError::conflict(
                "content.not_pending",
                Msg::new(
                    "该诉求没有待审核的内容",
                    "Nothing on this request is waiting for review",
                ),
            ),
        }
    }
}
