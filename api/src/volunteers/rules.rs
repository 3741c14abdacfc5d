//! A community's points rule, as data its staff set: points per hour served, per activity taken
//! part in, per request resolved (when rated), the share a "basically satisfied" rating earns,
//! and multipliers by volunteer kind.

use linli_domain::OrgNodeId;
use linli_domain::access::Actor;
use linli_domain::points::{ExpiryPolicy, PointsRule, RuleError};
use linli_domain::volunteer::VolunteerKind;
use linli_persistence::tx::transaction;
use linli_persistence::volunteers;
use linli_persistence::{DbConnection, org};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::wire::VolunteerKindDto;
use crate::error::{ApiError, Msg};
use crate::state::AppState;
use crate::validation::Fields;

/// A multiplier for one kind of volunteer.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct KindMultiplier {
    /// The kind.
    pub kind: VolunteerKindDto,
    /// Basis points: 10000 is ×1, 15000 is ×1.5 (0–100000).
    pub basis_points: i64,
}

/// A community's points rule.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PointsRuleBody {
    /// Points per hour served at an activity (0–10000).
    pub per_hour: i64,
    /// Points for taking part in an activity (0–10000).
    pub per_activity: i64,
    /// Points for a request resolved and rated satisfied (0–10000).
    pub per_request: i64,
    /// The share of `per_request` a "basically satisfied" rating earns, in basis points
    /// (0–10000; default 5000, half).
    pub basically_satisfied_share: i64,
    /// Multipliers by kind; a kind left out is ×1.
    pub multipliers: Vec<KindMultiplier>,
    /// Days points stay spendable before what is left of them lapses (30–3650); null or left
    /// out: they never lapse.
    #[serde(default)]
    pub expire_after_days: Option<i64>,
}

fn to_body(rule: &PointsRule, expiry: Option<ExpiryPolicy>) -> PointsRuleBody {
    PointsRuleBody {
        expire_after_days: expiry.map(ExpiryPolicy::after_days),
        per_hour: rule.per_hour().get(),
        per_activity: rule.per_activity().get(),
        per_request: rule.per_request().get(),
        basically_satisfied_share: i64::from(rule.basically_satisfied_share().basis_points()),
        multipliers: VolunteerKind::ALL
            .iter()
            .map(|k| KindMultiplier {
                kind: (*k).into(),
                basis_points: i64::from(rule.multiplier(*k).basis_points()),
            })
            .collect(),
    }
}

/// 404 `volunteer.unknown_community`: a community named in the path that is not there.
pub fn unknown_community() -> ApiError {
    ApiError::not_found(
        "volunteer.unknown_community",
        Msg::new("社区不存在", "No such community"),
    )
}

fn community(conn: &mut DbConnection, id: i64) -> Result<org::OrgNode, ApiError> {
    crate::community::find(conn, OrgNodeId(id))?.ok_or_else(unknown_community)
}

/// The community's rule (the default when it set none): for anyone signed in, so volunteers
/// know what serving earns.
pub async fn get(state: &AppState, community_id: i64) -> Result<PointsRuleBody, ApiError> {
    state
        .db
        .read(move |conn| {
            let c = community(conn, community_id)?;
            Ok(to_body(
                &volunteers::get_rule(conn, c.id)?,
                volunteers::get_expiry(conn, c.id)?,
            ))
        })
        .await
}

/// Sets the community's rule (its staff). Awards made before keep their points.
pub async fn put(
    state: &AppState,
    actor: Actor,
    community_id: i64,
    body: PointsRuleBody,
) -> Result<PointsRuleBody, ApiError> {
    let mut f = Fields::new();
    let mut bad = |field: &str, e: RuleError| {
        f.push(field, e.code(), "积分规则数值超出范围", e.to_string());
    };
    let mut rule = match PointsRule::new(body.per_hour, body.per_activity, body.per_request) {
        Ok(r) => Some(r),
        Err(e) => {
            bad("per_hour", e);
            None
        }
    };
    if let Some(r) = rule {
        rule = match r.with_basically_satisfied_share(body.basically_satisfied_share) {
            Ok(r) => Some(r),
            Err(e) => {
                bad("basically_satisfied_share", e);
                None
            }
        };
    }
    for (i, m) in body.multipliers.iter().enumerate() {
        if let Some(r) = rule {
            rule = match r.with_multiplier(m.kind.into(), m.basis_points) {
                Ok(r) => Some(r),
                Err(e) => {
                    bad(&format!("multipliers[{i}].basis_points"), e);
                    None
                }
            };
        }
    }
    let expiry = match body.expire_after_days {
        None => None,
        Some(d) => match ExpiryPolicy::new(d) {
            Ok(p) => Some(p),
            Err(e) => {
                f.push(
                    "expire_after_days",
                    e.code(),
                    "积分有效期应为 30 到 3650 天",
                    e.to_string(),
                );
                None
            }
        },
    };
    f.finish()?;
    let rule = rule.expect("checked");
    let now = state.clock.now();
    state
        .db
        .write(move |conn| {
            transaction(conn, |conn| {
                let c = community(conn, community_id)?;
                if !actor.administers(&c.path) {
                    return Err(super::enrol::forbidden());
                }
                volunteers::put_rule(conn, c.id, &rule, expiry, actor.user_id, now)?;
                Ok(to_body(
                    &volunteers::get_rule(conn, c.id)?,
                    volunteers::get_expiry(conn, c.id)?,
                ))
            })
        })
        .await
}
