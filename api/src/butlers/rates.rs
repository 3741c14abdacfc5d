//! The grid-work rates for an org node and period: home visits per building per month (local
//! months), hazards found, fixed on the spot and turned into requests, logs by kind.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use linli_domain::OrgNodeId;
use linli_domain::access::Actor;
use linli_domain::butler::WorkLogKind;
use linli_domain::request::Visibility;
use linli_domain::time::local_month;
use linli_persistence::butlers::work_logs::{LogRateRow, rate_rows};
use linli_persistence::names;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::wire::WorkLogKindDto;
use crate::error::ApiError;
use crate::requests::rates::StatsNode;
use crate::state::AppState;
use crate::stats_scope;

/// Parameters of `GET /api/v1/stats/grid-work`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct GridWorkParams {
    /// The org node (id); default the caller's own top node.
    pub node: Option<i64>,
    /// Work done on or after this local date (YYYY-MM-DD); default all time.
    pub from: Option<String>,
    /// Work done on or before this local date.
    pub to: Option<String>,
}

/// Figures for a set of logs.
#[derive(Debug, Default, Serialize, ToSchema)]
pub struct GridWorkFigures {
    /// Logs of every kind.
    pub logs: i64,
    /// Home visits (入户走访).
    pub visits: i64,
    /// Hazards found (隐患排查).
    pub hazards_found: i64,
    /// Hazards fixed on the spot (each also a request resolved on the spot).
    pub hazards_fixed_on_spot: i64,
    /// Hazards turned into requests for others to fix.
    pub hazards_converted: i64,
    /// Other logs whose concerns became requests.
    pub concerns_converted: i64,
}

/// Logs of one kind.
#[derive(Debug, Serialize, ToSchema)]
pub struct KindCount {
    /// The kind.
    pub kind: WorkLogKindDto,
    /// How many.
    pub count: i64,
}

/// One local month.
#[derive(Debug, Serialize, ToSchema)]
pub struct MonthFigures {
    /// `YYYY-MM`.
    #[schema(example = "2026-11")]
    pub month: String,
    /// Its figures.
    #[serde(flatten)]
    pub figures: GridWorkFigures,
}

/// A building's home visits in one month.
#[derive(Debug, Serialize, ToSchema)]
pub struct BuildingMonthVisits {
    /// The building.
    pub building_id: i64,
    /// Its public code.
    pub building_code: Option<String>,
    /// Its name.
    pub building_name: String,
    /// `YYYY-MM`.
    pub month: String,
    /// Home visits.
    pub visits: i64,
}

/// Grid-work rates for a node and period.
#[derive(Debug, Serialize, ToSchema)]
pub struct GridWorkStats {
    /// The node.
    pub node: StatsNode,
    /// First day counted, if limited.
    pub from: Option<NaiveDate>,
    /// Last day counted, if limited.
    pub to: Option<NaiveDate>,
    /// Everything in the period.
    pub totals: GridWorkFigures,
    /// Logs by kind (every kind, zero included).
    pub by_kind: Vec<KindCount>,
    /// By local month, oldest first.
    pub months: Vec<MonthFigures>,
    /// Home visits per building per month (buildings with visits), by month then code.
    pub visits_per_building: Vec<BuildingMonthVisits>,
}

fn add(f: &mut GridWorkFigures, r: &LogRateRow) {
    f.logs += 1;
    match r.kind {
        WorkLogKind::HomeVisit => f.visits += 1,
        WorkLogKind::HazardInspection => {
            f.hazards_found += 1;
            if r.fixed_on_spot {
                f.hazards_fixed_on_spot += 1;
            } else if r.converted {
                f.hazards_converted += 1;
            }
        }
        _ => {}
    }
    if r.kind != WorkLogKind::HazardInspection && r.converted {
        f.concerns_converted += 1;
    }
}

/// The grid-work figures for a node the actor oversees.
pub async fn grid_work(
    state: &AppState,
    actor: Actor,
    p: GridWorkParams,
) -> Result<GridWorkStats, ApiError> {
    let period = stats_scope::period(p.from.as_deref(), p.to.as_deref())?;
    let (from, before) = period.bounds(state.tz);
    let tz = state.tz;
    state
        .db
        .read(move |conn| {
            let visibility = Visibility::of(&actor);
            let node = stats_scope::visible_node(conn, &visibility, p.node)?;
            let rows = rate_rows(conn, &node.path, from, before)?;
            let mut totals = GridWorkFigures::default();
            let mut kinds: BTreeMap<WorkLogKind, i64> =
                WorkLogKind::ALL.into_iter().map(|k| (k, 0)).collect();
            let mut months: BTreeMap<String, GridWorkFigures> = BTreeMap::new();
            let mut visits: BTreeMap<(String, OrgNodeId), i64> = BTreeMap::new();
            for r in &rows {
                add(&mut totals, r);
                *kinds.entry(r.kind).or_default() += 1;
                let month = local_month(r.occurred_at, tz);
                add(months.entry(month.clone()).or_default(), r);
                if r.kind == WorkLogKind::HomeVisit {
                    *visits.entry((month, r.building_id)).or_default() += 1;
                }
            }
            let ids: Vec<OrgNodeId> = visits.keys().map(|(_, b)| *b).collect();
            let labels = names::node_labels(conn, &ids)?;
            let mut per_building: Vec<BuildingMonthVisits> = visits
                .into_iter()
                .map(|((month, b), n)| {
                    let (name, code) = labels.get(&b).cloned().unwrap_or_default();
                    BuildingMonthVisits {
                        building_id: b.0,
                        building_code: code,
                        building_name: name,
                        month,
                        visits: n,
                    }
                })
                .collect();
            per_building.sort_by(|a, b| {
                (&a.month, &a.building_code, a.building_id).cmp(&(
                    &b.month,
                    &b.building_code,
                    b.building_id,
                ))
            });
            Ok(GridWorkStats {
                node: StatsNode {
                    id: node.id.0,
                    name: node.name,
                    kind: node.kind.as_str().to_owned(),
                },
                from: period.from,
                to: period.to,
                totals,
                by_kind: kinds
                    .into_iter()
                    .map(|(kind, count)| KindCount {
                        kind: kind.into(),
                        count,
                    })
                    .collect(),
                months: months
                    .into_iter()
                    .map(|(month, figures)| MonthFigures { month, figures })
                    .collect(),
                visits_per_building: per_building,
            })
        })
        .await
}
