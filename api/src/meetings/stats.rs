//! `GET /stats/meetings`: the meeting figures for a node the caller administers and a period of
//! local days (meetings counted by when they start).

use chrono::NaiveDate;
use linli_domain::access::Actor;
use linli_domain::meeting::{MeetingRates, meeting_rates};
use linli_persistence::meetings;
use serde::Serialize;
use utoipa::ToSchema;

use super::params::MeetingStatsParams;
use crate::error::ApiError;
use crate::state::AppState;
use crate::stats_scope;

/// The meeting figures.
#[derive(Debug, Serialize, ToSchema)]
pub struct MeetingRatesView {
    /// Meetings starting in the period.
    pub meetings: i64,
    /// 议事协商会.
    pub deliberation: i64,
    /// 联席会议.
    pub joint: i64,
    /// Scheduled.
    pub scheduled: i64,
    /// Held, still followed.
    pub held: i64,
    /// Closed.
    pub closed: i64,
    /// Cancelled.
    pub cancelled: i64,
    /// Agreements signed.
    pub agreements: i64,
    /// Action items.
    pub action_items: i64,
    /// Done.
    pub done: i64,
    /// Done by their due day.
    pub done_on_time: i64,
    /// Dropped.
    pub dropped: i64,
    /// Open.
    pub open: i64,
    /// Open past their due day now.
    pub overdue: i64,
    /// Requests resolved by the meetings' agreements.
    pub requests_resolved: i64,
}

impl From<MeetingRates> for MeetingRatesView {
    fn from(r: MeetingRates) -> Self {
        MeetingRatesView {
            meetings: r.meetings,
            deliberation: r.deliberation,
            joint: r.joint,
            scheduled: r.scheduled,
            held: r.held,
            closed: r.closed,
            cancelled: r.cancelled,
            agreements: r.agreements,
            action_items: r.action_items,
            done: r.done,
            done_on_time: r.done_on_time,
            dropped: r.dropped,
            open: r.open,
            overdue: r.overdue,
            requests_resolved: r.requests_resolved,
        }
    }
}

/// Meeting figures for a node and period.
#[derive(Debug, Serialize, ToSchema)]
pub struct MeetingStatsResponse {
    /// The node (id).
    pub node_id: i64,
    /// Its name.
    pub node_name: String,
    /// First day counted, if limited.
    pub from: Option<NaiveDate>,
    /// Last day counted, if limited.
    pub to: Option<NaiveDate>,
    /// The figures.
    pub totals: MeetingRatesView,
}

/// The figures for a node the actor administers.
pub async fn meeting_stats(
    state: &AppState,
    actor: Actor,
    p: MeetingStatsParams,
) -> Result<MeetingStatsResponse, ApiError> {
    let period = stats_scope::period(p.from.as_deref(), p.to.as_deref())?;
    let (from, before) = period.bounds(state.tz);
    let now = state.clock.now();
    let tz = state.tz;
    state
        .db
        .read(move |conn| {
            let node = stats_scope::administered_node(conn, &actor, p.node)?;
            let rows = meetings::stat_rows(conn, &node.path, from, before)?;
            Ok(MeetingStatsResponse {
                node_id: node.id.0,
                node_name: node.name,
                from: period.from,
                to: period.to,
                totals: meeting_rates(&rows, now, tz).into(),
            })
        })
        .await
}
