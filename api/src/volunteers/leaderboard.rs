//! Leaderboards (光荣榜): points earned and hours served by the volunteers of a community, by
//! month, year or all time; and the volunteer figures by kind and status.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use linli_domain::OrgNodeId;
use linli_domain::access::Actor;
use linli_domain::points::{LeaderRow, LeaderboardPeriod, Points, rank};
use linli_domain::volunteer::{VolunteerKind, VolunteerStatus};
use linli_persistence::names::user_names;
use linli_persistence::volunteers;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::wire::VolunteerKindDto;
use crate::error::ApiError;
use crate::state::AppState;
use crate::stats_scope;
use crate::validation::Fields;

/// Which leaderboard.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LeaderboardParams {
    /// The community.
    pub community_id: i64,
    /// `YYYY-MM`, `YYYY` or `all`; default: this month.
    pub period: Option<String>,
    /// How many places, 1–100, default 20.
    pub limit: Option<i64>,
}

/// One place on the board.
#[derive(Debug, Serialize, ToSchema)]
pub struct LeaderView {
    /// 1 is first.
    pub rank: u32,
    /// The volunteer.
    pub volunteer_id: i64,
    /// Their name.
    pub display_name: String,
    /// Their kind.
    pub kind: VolunteerKindDto,
    /// Points earned in the period.
    pub points: i64,
    /// Hours served in the period, to one decimal.
    pub hours: f64,
}

/// A community's leaderboard for a period.
#[derive(Debug, Serialize, ToSchema)]
pub struct LeaderboardView {
    /// The community.
    pub community_id: i64,
    /// The period, as asked (`2026-11`, `2026`, `all`).
    pub period: String,
    /// The places.
    pub items: Vec<LeaderView>,
}

fn hours(minutes: i64) -> f64 {
    (minutes as f64 / 6.0).round() / 10.0
}

/// The leaderboard of a community: for anyone signed in (the community's honour roll).
pub async fn leaderboard(
    state: &AppState,
    p: LeaderboardParams,
) -> Result<LeaderboardView, ApiError> {
    let mut f = Fields::new();
    let now = state.clock.now();
    let period = match p.period.as_deref() {
        None | Some("") => Some(LeaderboardPeriod::month_of(now, state.tz)),
        Some(s) => match LeaderboardPeriod::parse(s) {
            Ok(p) => Some(p),
            Err(e) => {
                f.push(
                    "period",
                    e.code(),
                    "period 应为 YYYY-MM、YYYY 或 all",
                    e.to_string(),
                );
                None
            }
        },
    };
    let limit = p.limit.unwrap_or(20);
    if !(1..=100).contains(&limit) {
        f.push(
            "limit",
            "out_of_range",
            "limit 应为 1 到 100",
            "limit must be 1 to 100",
        );
    }
    f.finish()?;
    let period = period.expect("checked");
    let (from, until) = period.bounds(state.tz);
    state
        .db
        .read(move |conn| {
            let community = crate::community::find(conn, OrgNodeId(p.community_id))?
                .ok_or_else(super::rules::unknown_community)?;
            let awards = volunteers::awards_between(conn, &community.path, from, until)?;
            let mut rows: HashMap<_, LeaderRow> = HashMap::new();
            for (vol, points, minutes, at) in awards {
                let row = rows.entry(vol).or_insert(LeaderRow {
                    volunteer: vol,
                    points: Points::ZERO,
                    minutes: 0,
                    reached_at: None,
                });
                row.points = row.points.checked_add(points).unwrap_or(row.points);
                row.minutes += minutes;
                row.reached_at = Some(at);
            }
            let ranked: Vec<_> = rank(rows.into_values().collect())
                .into_iter()
                .take(limit as usize)
                .collect();
            let mut people = Vec::with_capacity(ranked.len());
            for r in &ranked {
                people.push(volunteers::get(conn, r.row.volunteer)?);
            }
            let names = user_names(conn, &people.iter().map(|v| v.user_id).collect::<Vec<_>>())?;
            let items = ranked
                .into_iter()
                .zip(people)
                .map(|(r, v)| LeaderView {
                    rank: r.rank,
                    volunteer_id: v.id.0,
                    display_name: names.get(&v.user_id).cloned().unwrap_or(v.display_name),
                    kind: v.kind.into(),
                    points: r.row.points.get(),
                    hours: hours(r.row.minutes),
                })
                .collect();
            Ok(LeaderboardView {
                community_id: community.id.0,
                period: period.as_string(),
                items,
            })
        })
        .await
}

/// Where the volunteer figures are for.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct VolunteerStatsParams {
    /// The node (default: the widest the caller administers).
    pub node: Option<i64>,
}

/// Volunteers of one kind.
#[derive(Debug, Serialize, ToSchema)]
pub struct KindFigures {
    /// The kind.
    pub kind: VolunteerKindDto,
    /// Approved and serving.
    pub active: i64,
    /// Waiting for approval.
    pub pending: i64,
    /// Suspended.
    pub suspended: i64,
}

/// Volunteer figures for a node: counts by kind, points, hours and activity participation.
#[derive(Debug, Serialize, ToSchema)]
pub struct VolunteerStats {
    /// The node.
    pub node_id: i64,
    /// Its name.
    pub node_name: String,
    /// Active volunteers in all (the seed reports 107).
    pub active: i64,
    /// By kind, in the glossary's order.
    pub by_kind: Vec<KindFigures>,
    /// Points awarded in all.
    pub points_awarded: i64,
    /// Hours served in all (from activity awards), to one decimal.
    pub hours_served: f64,
    /// Activities held (finished).
    pub activities_held: i64,
    /// Activities published or under way.
    pub activities_open: i64,
    /// Attendances at held activities.
    pub attendances: i64,
    /// Volunteers who attended at least one activity.
    pub volunteers_attending: i64,
    /// When these figures were read.
    pub as_of: DateTime<Utc>,
}

/// Volunteer figures for a node the caller administers.
pub async fn stats(
    state: &AppState,
    actor: Actor,
    p: VolunteerStatsParams,
) -> Result<VolunteerStats, ApiError> {
    let now = state.clock.now();
    state
        .db
        .read(move |conn| {
            let node = stats_scope::administered_node(conn, &actor, p.node)?;
            let counts = volunteers::count_by_kind(conn, &node.path)?;
            let by_kind: Vec<KindFigures> = VolunteerKind::ALL
                .iter()
                .map(|k| {
                    let n = |s: VolunteerStatus| {
                        counts
                            .iter()
                            .filter(|(kk, ss, _)| kk == k && *ss == s)
                            .map(|(_, _, n)| *n)
                            .sum::<i64>()
                    };
                    KindFigures {
                        kind: (*k).into(),
                        active: n(VolunteerStatus::Active),
                        pending: n(VolunteerStatus::Pending),
                        suspended: n(VolunteerStatus::Suspended),
                    }
                })
                .collect();
            let awards = volunteers::awards_between(conn, &node.path, None, None)?;
            let p = linli_persistence::activities::participation(conn, &node.path)?;
            Ok(VolunteerStats {
                activities_held: p.held,
                activities_open: p.open,
                attendances: p.attendances,
                volunteers_attending: p.volunteers,
                node_id: node.id.0,
                node_name: node.name,
                active: by_kind.iter().map(|k| k.active).sum(),
                by_kind,
                points_awarded: awards.iter().map(|a| a.1.get()).sum(),
                hours_served: hours(awards.iter().map(|a| a.2).sum()),
                as_of: now,
            })
        })
        .await
}
