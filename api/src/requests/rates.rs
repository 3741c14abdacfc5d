//! The rates as the district reports them, for a node and period, optionally grouped.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use linli_domain::OrgNodeId;
use linli_domain::access::Actor;
use linli_domain::request::Visibility;
use linli_domain::stats::{RateInput, Rates, rates};
use linli_domain::time::local_month;
use linli_persistence::requests::rate_rows;
use linli_persistence::{categories, names};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::error::ApiError;
use crate::state::AppState;
use crate::stats_scope;

/// How to split the figures.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum GroupBy {
    /// By service category.
    Category,
    /// By the node's children (streets of a district, communities of a street, …).
    ChildNode,
    /// By channel.
    Channel,
    /// By local calendar month of submission.
    Month,
}

/// Parameters of `GET /api/v1/stats/requests`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StatsParams {
    /// The org node (id); default the caller's own top node.
    pub node: Option<i64>,
    /// Requests submitted on or after this local date (YYYY-MM-DD); default all time.
    pub from: Option<String>,
    /// Requests submitted on or before this local date.
    pub to: Option<String>,
    /// Split the figures.
    // Inline: a parameter's schema is not collected into the components, a `$ref` would dangle.
    #[param(inline)]
    pub group_by: Option<GroupBy>,
}

/// The figures for a set of requests. Rates are 0–1, null when nothing counts towards them.
#[derive(Debug, Serialize, ToSchema)]
pub struct RatesView {
    /// Requests received (接单数).
    pub taken: i64,
    /// Resolved or closed (办结数).
    pub completed: i64,
    /// completed / taken.
    pub completion_rate: Option<f64>,
    /// Completed by their deadline, extensions counted.
    pub on_time: i64,
    /// on_time / completed.
    pub on_time_rate: Option<f64>,
    /// Rated by the resident.
    pub rated: i64,
    /// Rated satisfied or basically satisfied.
    pub satisfied: i64,
    /// satisfied / rated (满意率).
    pub satisfaction_rate: Option<f64>,
    /// Mean hours from submission to resolution, over completed requests.
    pub avg_hours_to_resolve: Option<f64>,
    /// Open past a deadline now.
    pub overdue: i64,
}

impl From<Rates> for RatesView {
    fn from(r: Rates) -> Self {
        RatesView {
            taken: r.taken,
            completed: r.completed,
            completion_rate: r.completion_rate,
            on_time: r.on_time,
            on_time_rate: r.on_time_rate,
            rated: r.rated,
            satisfied: r.satisfied,
            satisfaction_rate: r.satisfaction_rate,
            avg_hours_to_resolve: r.avg_hours_to_resolve,
            overdue: r.overdue,
        }
    }
}

/// One group of a split.
#[derive(Debug, Serialize, ToSchema)]
pub struct GroupView {
    /// The group's key: a category code, node id, channel or `YYYY-MM`.
    pub key: String,
    /// A readable label (category or node name; the key otherwise).
    pub label: String,
    /// Its figures.
    pub rates: RatesView,
}

/// The node the figures are for.
#[derive(Debug, Serialize, ToSchema)]
pub struct StatsNode {
    /// Id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Level.
    #[schema(example = "community")]
    pub kind: String,
}

/// Rates for a node and period.
#[derive(Debug, Serialize, ToSchema)]
pub struct StatsResponse {
    /// The node.
    pub node: StatsNode,
    /// First day counted, if limited.
    pub from: Option<NaiveDate>,
    /// Last day counted, if limited.
    pub to: Option<NaiveDate>,
    /// All requests of the node and period.
    pub totals: RatesView,
    /// The split, when `group_by` was given.
    pub groups: Vec<GroupView>,
}

/// The figures for a node the actor oversees.
pub async fn request_rates(
    state: &AppState,
    actor: Actor,
    p: StatsParams,
) -> Result<StatsResponse, ApiError> {
    let period = stats_scope::period(p.from.as_deref(), p.to.as_deref())?;
    let (from, before) = period.bounds(state.tz);
    let now = state.clock.now();
    let tz = state.tz;
    state
        .db
        .read(move |conn| {
            let visibility = Visibility::of(&actor);
            let node = stats_scope::visible_node(conn, &visibility, p.node)?;
            let rows = rate_rows(conn, &visibility, Some(&node.path), from, before)?;
            let totals = rates(rows.iter().map(|r| &r.input), now);
            let groups = match p.group_by {
                None => Vec::new(),
                Some(by) => {
                    let mut split: BTreeMap<String, Vec<&RateInput>> = BTreeMap::new();
                    for r in &rows {
                        let key = match by {
                            GroupBy::Category => r.category_id.0.to_string(),
                            GroupBy::Channel => r.channel.as_str().to_owned(),
                            GroupBy::Month => local_month(r.input.submitted_at, tz),
                            GroupBy::ChildNode => node
                                .path
                                .child_toward(&r.building_path)
                                .map(|c| c.0.to_string())
                                .unwrap_or_else(|| node.id.0.to_string()),
                        };
                        split.entry(key).or_default().push(&r.input);
                    }
                    let labels = labels(conn, by, split.keys())?;
                    split
                        .into_iter()
                        .map(|(key, items)| {
                            let (key, label) = labels
                                .get(&key)
                                .cloned()
                                .unwrap_or_else(|| (key.clone(), key.clone()));
                            GroupView {
                                key,
                                label,
                                rates: rates(items, now).into(),
                            }
                        })
                        .collect()
                }
            };
            Ok(StatsResponse {
                node: StatsNode {
                    id: node.id.0,
                    name: node.name,
                    kind: node.kind.as_str().to_owned(),
                },
                from: period.from,
                to: period.to,
                totals: totals.into(),
                groups,
            })
        })
        .await
}

/// Group key → (public key, label): categories by code and name, nodes by id and name.
fn labels<'a>(
    conn: &mut linli_persistence::DbConnection,
    by: GroupBy,
    keys: impl Iterator<Item = &'a String>,
) -> Result<BTreeMap<String, (String, String)>, ApiError> {
    let keys: Vec<&String> = keys.collect();
    Ok(match by {
        GroupBy::Category => categories::list(conn)?
            .into_iter()
            .filter(|c| keys.contains(&&c.id.0.to_string()))
            .map(|c| (c.id.0.to_string(), (c.code.as_str().to_owned(), c.name)))
            .collect(),
        GroupBy::ChildNode => {
            let ids: Vec<OrgNodeId> = keys
                .iter()
                .filter_map(|k| k.parse().ok())
                .map(OrgNodeId)
                .collect();
            names::node_labels(conn, &ids)?
                .into_iter()
                .map(|(id, (name, _))| (id.0.to_string(), (id.0.to_string(), name)))
                .collect()
        }
        GroupBy::Channel | GroupBy::Month => BTreeMap::new(),
    })
}
