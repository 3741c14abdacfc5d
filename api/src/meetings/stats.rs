//! `GET /stats/meetings`: the meeting figures for a node the caller administers and a period of
//! local days (meetings counted by when they start).

use chrono::NaiveDate;
use linli_domain::OrgNodeId;
use linli_domain::access::{Actor, RoleScope};
use linli_domain::meeting::{MeetingRates, meeting_rates};
use linli_domain::time::Period;
use linli_persistence::{StoreError, meetings, org};
use serde::Serialize;
use utoipa::ToSchema;

use super::params::MeetingStatsParams;
use crate::error::{ApiError, Msg};
use crate::state::AppState;
use crate::validation::Fields;

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

fn forbidden() -> ApiError {
    ApiError::forbidden(
        "stats.forbidden",
        Msg::new(
            "您无权查看该范围的统计",
            "You may not see figures for this node",
        ),
    )
}

/// The figures for a node the actor administers.
pub async fn meeting_stats(
    state: &AppState,
    actor: Actor,
    p: MeetingStatsParams,
) -> Result<MeetingStatsResponse, ApiError> {
    let period = match Period::parse(p.from.as_deref(), p.to.as_deref()) {
        Ok(period) => period,
        Err(e) => {
            let mut f = Fields::new();
            f.push(
                "from",
                "invalid_period",
                "日期应为 YYYY-MM-DD，且开始不晚于结束",
                e.to_string(),
            );
            return Err(f.finish().expect_err("one error"));
        }
    };
    let (from, before) = period.bounds(state.tz);
    let now = state.clock.now();
    let tz = state.tz;
    state
        .db
        .read(move |conn| {
            let node = match p.node {
                Some(id) => match org::get_node(conn, OrgNodeId(id)) {
                    Ok(n) => n,
                    Err(StoreError::NotFound) => return Err(forbidden()),
                    Err(e) => return Err(e.into()),
                },
                None => {
                    let top = actor
                        .roles
                        .iter()
                        .filter(|r| r.kind.is_admin())
                        .filter_map(|r| match &r.scope {
                            RoleScope::Node(p) => Some(p),
                            _ => None,
                        })
                        .min_by_key(|p| p.ids().len())
                        .ok_or_else(forbidden)?;
                    org::get_node(conn, top.node_id())?
                }
            };
            if !actor.administers(&node.path) {
                return Err(forbidden());
            }
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
