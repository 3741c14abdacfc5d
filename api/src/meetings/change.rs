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
use super::scope::load_managed;
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
    let now = state.clock.now();
    let tz = state.tz;
    let cipher = state.cipher.clone();
    state
        .db
        .write(move |conn| {
            transaction(conn, |conn| {
                let before = load_managed(conn, id, &actor)?;
                let status = decide(before.status, before.version, expected, what)?;
                let (mut after, extra) = f(
                    conn,
                    Step {
                        actor: &actor,
                        before: &before,
                        status,
                        now,
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
                Ok((render(&detail, true, &cipher, now, tz), extra))
            })
        })
        .await
}
