//! One change to a meeting, in one transaction: load it for a manager, let the domain decide
//! (status and version), make the change, bump the version under a check on the one read, and
//! render the result. Events go to the outbox inside the same transaction.

use chrono::{DateTime, Utc};
use linli_domain::access::Actor;
use linli_domain::meeting::{Change, MeetingError, MeetingId, MeetingStatus, decide};
use linli_persistence::meetings::{self, MeetingRecord};
use linli_persistence::tx::transaction;
use linli_persistence::{DbConnection, StoreError};

use super::render::render;
use super::errors::forbidden;
use super::scope::{load_managed, load_visible};
use super::wire::MeetingView;
use crate::error::ApiError;
use crate::state::AppState;

/// What a change's body gets: the connection, the caller, the meeting as read, the status the
/// domain decided, and the time.
pub struct Step<'a> {
    /// The caller.
    pub actor: &'a Actor,
    /// The meeting as read.
    pub before: &'a MeetingRecord,
    /// The status the domain decided.
    pub status: MeetingStatus,
    /// Now.
    pub now: DateTime<Utc>,
    /// Whether the caller manages the meeting (else they own the item they act on).
    pub manages: bool,
}

/// Who may make a change: the meeting's managers, or also the owner of one action item.
#[derive(Debug, Clone, Copy)]
pub enum Access {
    /// Staff who manage the meeting.
    Managers,
    /// Managers, and whoever owns this action item.
    ManagersOrOwnerOf(i64),
}

/// Runs `f` as `change` on meeting `id` for `actor`; `expected` is the version the client read
/// (`None` for changes that overwrite nothing of the meeting itself). `f` returns the meeting
/// after it, and anything else to answer with.
pub async fn change<T, F>(
    state: &AppState,
    actor: Actor,
    id: MeetingId,
    expected: Option<i32>,
    what: Change,
    f: F,
) -> Result<(MeetingView, T), ApiError>
where
    T: Send + 'static,
    F: FnOnce(&mut DbConnection, Step<'_>) -> Result<(MeetingRecord, T), ApiError> + Send + 'static,
{
    change_as(state, actor, id, expected, what, Access::Managers, f).await
}

/// [`change`], for the callers `access` lets in.
pub async fn change_as<T, F>(
    state: &AppState,
    actor: Actor,
    id: MeetingId,
    expected: Option<i32>,
    what: Change,
    access: Access,
    f: F,
) -> Result<(MeetingView, T), ApiError>
where
    T: Send + 'static,
    F: FnOnce(&mut DbConnection, Step<'_>) -> Result<(MeetingRecord, T), ApiError> + Send + 'static,
{
    let now = state.clock.now();
    let tz = state.tz;
    let cipher = state.cipher.clone();
    state
        .db
        .write(move |conn| {
            transaction(conn, |conn| {
                let (before, manages) = match access {
                    Access::Managers => (load_managed(conn, id, &actor)?, true),
                    Access::ManagersOrOwnerOf(item) => {
                        let (m, manages) = load_visible(conn, id, &actor)?;
                        if !manages && !meetings::owns_item(conn, id, item, actor.user_id)? {
                            return Err(forbidden());
                        }
                        (m, manages)
                    }
                };
                let status = decide(before.status, before.version, expected, what)?;
                let (mut after, extra) = f(
                    conn,
                    Step {
                        actor: &actor,
                        before: &before,
                        status,
                        now,
                        manages,
                    },
                )?;
                // Another writer saved between our read and write (PostgreSQL): the same answer
                // as an edit of an old version.
                after.version =
                    meetings::bump(conn, &before, &after, now).map_err(|e| match e {
                        StoreError::Stale => ApiError::from(MeetingError::VersionConflict {
                            expected: before.version,
                            current: before.version + 1,
                        }),
                        e => e.into(),
                    })?;
                let detail = meetings::get_detail(conn, id)?;
                Ok((render(&detail, manages, &cipher, now, tz), extra))
            })
        })
        .await
}
