//! Residents' photos through WeChat's asynchronous image check.
//!
//! A new request's photos are stored `pending` with the request; right after the submit has
//! answered, a task submits them to WeChat (`mediaCheckAsync`) and keeps each trace id, so the
//! resident's submit neither waits for WeChat nor fails with it. A submission that fails (WeChat
//! busy or unreachable) leaves the photo pending and due again after a short back-off; one
//! whose verdict never comes is submitted again after an hour. The background worker's pass
//! ([`run_once`]) does both; after five submissions without a verdict the photo goes to staff
//! review instead. The verdict arrives by push ([`take_verdict`]): `pass` shows the photo,
//! `review` keeps it for staff, `risky` hides it for good; both flag the request.

use actix_web::web;
use linli_domain::RequestId;
use linli_domain::content::Remote;
use linli_domain::content::{Scene, give_up, resubmit_after};
use linli_persistence::requests::{
    DuePhoto, PushedVerdict, claim_photo, due_photos, give_up_photo, photo_submitted,
    record_photo_verdict, retry_photo,
};

use crate::error::ApiError;
use crate::state::AppState;
use crate::wechat::Verdict;

/// How many due photos one pass takes.
const BATCH: i64 = 50;

/// Whether a new request's photos go to WeChat: when WeChat's pushes (which carry the
/// verdicts) are configured and WeChat knows the author (`openid`).
pub fn checked(state: &AppState, openid: Option<&str>) -> bool {
    openid.is_some()
        && state
            .wechat
            .as_deref()
            .is_some_and(|w| w.push_token().is_some())
}

/// Submits the request's pending photos off the request path, once its submit is stored.
pub fn check_soon(state: web::Data<AppState>, request: RequestId) {
    tokio::spawn(async move {
        if let Err(e) = submit_due(&state, Some(request)).await {
            // The photos stay pending and due: the worker's next pass tries again.
            tracing::warn!(request = request.0, error = %e, "submitting photos for checking failed");
        }
    });
}

/// What a pass did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct PhotoPass {
    /// Photos WeChat accepted for checking.
    pub submitted: usize,
    /// Submissions that failed (due again later).
    pub failed: usize,
    /// Photos sent to staff review after too many submissions without a verdict.
    pub given_up: usize,
}

/// One pass of the worker: every due photo is submitted (again), or given to staff.
pub async fn run_once(state: &AppState) -> Result<PhotoPass, ApiError> {
    submit_due(state, None).await
}

async fn submit_due(state: &AppState, request: Option<RequestId>) -> Result<PhotoPass, ApiError> {
    let Some(wechat) = state.wechat.clone() else {
        return Ok(PhotoPass::default());
    };
    let now = state.clock.now();
    let due = state
        .db
        .read(move |conn| Ok(due_photos(conn, now, request, BATCH)?))
        .await?;
    let mut pass = PhotoPass::default();
    for photo in due {
        let openid = match &photo.openid {
            Some(o) if !give_up(photo.attempts) => o.clone(),
            // Asked too often without a verdict (or nobody to check it for): staff look.
            _ => {
                if let Some(p) = give_up_now(state, photo).await? {
                    tracing::warn!(
                        photo = p,
                        "WeChat gave no verdict on a photo; it goes to staff review"
                    );
                    pass.given_up += 1;
                }
                continue;
            }
        };
        let attempts = photo.attempts + 1;
        let due_again = now + resubmit_after(attempts, false);
        let claimed = {
            let photo = photo.clone();
            state
                .db
                .write(move |conn| Ok(claim_photo(conn, &photo, due_again)?))
                .await?
        };
        if !claimed {
            continue; // another task or instance has this submission
        }
        match wechat
            .media_check_async(&photo.url, Scene::REQUEST, &openid)
            .await
        {
            Ok(trace_id) => {
                let wait = now + resubmit_after(attempts, true);
                state
                    .db
                    .write(move |conn| {
                        Ok(photo_submitted(conn, photo.id, attempts, &trace_id, wait)?)
                    })
                    .await?;
                pass.submitted += 1;
            }
            Err(e) => {
                tracing::warn!(
                    photo = photo.id,
                    attempts,
                    error = &e as &dyn std::error::Error,
                    "WeChat did not take a photo for checking; it is due again later"
                );
                pass.failed += 1;
            }
        }
    }
    Ok(pass)
}

async fn give_up_now(state: &AppState, photo: DuePhoto) -> Result<Option<i64>, ApiError> {
    let now = state.clock.now();
    let id = photo.id;
    let done = state
        .db
        .write(move |conn| Ok(give_up_photo(conn, &photo, now)?))
        .await?;
    Ok(done.then_some(id))
}

/// Takes WeChat's pushed verdict on the submission `trace_id`; with no usable verdict (WeChat
/// reported an error), the photo is due to be submitted again. Repeated pushes change nothing.
pub async fn take_verdict(
    state: &AppState,
    trace_id: String,
    verdict: Option<Verdict>,
) -> Result<(), ApiError> {
    let now = state.clock.now();
    let Some(Remote::Answered { suggest, label }) = verdict.as_ref().map(Verdict::remote) else {
        let again = state
            .db
            .write(move |conn| Ok(retry_photo(conn, &trace_id, now)?))
            .await?;
        tracing::warn!(due_again = again, "WeChat could not check a photo");
        return Ok(());
    };
    let outcome = state
        .db
        .write(move |conn| Ok(record_photo_verdict(conn, &trace_id, suggest, label, now)?))
        .await?;
    match outcome {
        PushedVerdict::Recorded { request, status } => {
            tracing::info!(
                request = request.0,
                status = status.as_str(),
                "WeChat's verdict on a photo"
            );
        }
        PushedVerdict::AlreadyDecided => tracing::info!("a repeated verdict on a photo: ignored"),
        PushedVerdict::Unknown => tracing::info!("a verdict on no photo of ours: ignored"),
    }
    Ok(())
}
