//! A community's points rule, as data; a community without one uses the default.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use linli_domain::points::{ExpiryPolicy, PointsRule};
use linli_domain::volunteer::VolunteerKind;
use linli_domain::{OrgNodeId, UserId};

use crate::connection::DbConnection;
use crate::error::{StoreError, corrupt};
use crate::schema::points_rules as pr;
use crate::time::to_db;

/// The community's rule, or the default when it set none.
pub fn get_rule(conn: &mut DbConnection, community: OrgNodeId) -> Result<PointsRule, StoreError> {
    let row: Option<(i64, i64, i64, String, i32)> = pr::table
        .find(community.0)
        .select((
            pr::per_hour,
            pr::per_activity,
            pr::per_request,
            pr::multipliers,
            pr::basically_satisfied_share,
        ))
        .get_result(conn)
        .optional()?;
    let Some((hour, activity, request, multipliers, share)) = row else {
        return Ok(PointsRule::default());
    };
    let by_kind: std::collections::BTreeMap<String, i64> =
        serde_json::from_str(&multipliers).map_err(corrupt)?;
    let mut rule = PointsRule::new(hour, activity, request)
        .and_then(|r| r.with_basically_satisfied_share(i64::from(share)))
        .map_err(corrupt)?;
    for (kind, bp) in by_kind {
        let kind = VolunteerKind::parse(&kind).map_err(corrupt)?;
        rule = rule.with_multiplier(kind, bp).map_err(corrupt)?;
    }
    Ok(rule)
}

/// How long the community's points stay spendable (`None`: they never lapse).
pub fn get_expiry(
    conn: &mut DbConnection,
    community: OrgNodeId,
) -> Result<Option<ExpiryPolicy>, StoreError> {
    let days: Option<Option<i32>> = pr::table
        .find(community.0)
        .select(pr::expire_after_days)
        .get_result(conn)
        .optional()?;
    days.flatten()
        .map(|d| ExpiryPolicy::new(i64::from(d)).map_err(corrupt))
        .transpose()
}

/// The communities whose points lapse, with their policy.
pub fn expiring_communities(
    conn: &mut DbConnection,
) -> Result<Vec<(OrgNodeId, ExpiryPolicy)>, StoreError> {
    let rows: Vec<(i64, Option<i32>)> = pr::table
        .filter(pr::expire_after_days.is_not_null())
        .select((pr::community_id, pr::expire_after_days))
        .load(conn)?;
    rows.into_iter()
        .filter_map(|(c, d)| d.map(|d| (c, d)))
        .map(|(c, d)| {
            Ok((
                OrgNodeId(c),
                ExpiryPolicy::new(i64::from(d)).map_err(corrupt)?,
            ))
        })
        .collect()
}

/// Sets the community's rule and expiry (replacing what it had).
pub fn put_rule(
    conn: &mut DbConnection,
    community: OrgNodeId,
    rule: &PointsRule,
    expiry: Option<ExpiryPolicy>,
    by: UserId,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let by_kind: std::collections::BTreeMap<&str, u32> = VolunteerKind::ALL
        .iter()
        .map(|k| (k.as_str(), rule.multiplier(*k).basis_points()))
        .collect();
    let multipliers = serde_json::to_string(&by_kind).map_err(corrupt)?;
    let share = i32::try_from(rule.basically_satisfied_share().basis_points()).map_err(corrupt)?;
    let values = (
        pr::per_hour.eq(rule.per_hour().get()),
        pr::per_activity.eq(rule.per_activity().get()),
        pr::per_request.eq(rule.per_request().get()),
        pr::multipliers.eq(&multipliers),
        pr::basically_satisfied_share.eq(share),
        pr::updated_by.eq(by.0),
        pr::updated_at.eq(to_db(now)),
        pr::expire_after_days.eq(expiry.map(|e| e.after_days() as i32)),
    );
    // No ON CONFLICT through MultiConnection: update, and insert when there was nothing.
    let n = diesel::update(pr::table.find(community.0))
        .set(values)
        .execute(conn)?;
    if n == 0 {
        diesel::insert_into(pr::table)
            .values((pr::community_id.eq(community.0), values))
            .execute(conn)?;
    }
    Ok(())
}
