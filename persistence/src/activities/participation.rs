//! Activity participation under a node: what the volunteer figures report beside the points.

use diesel::prelude::*;
use linli_domain::activity::ActivityStatus;
use linli_domain::org::NodePath;

use crate::connection::DbConnection;
use crate::error::StoreError;
use crate::org::subtree_bounds;
use crate::schema::{activities as a, activity_attendance as at};

/// Activities and attendance under a node.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Participation {
    /// Activities held (finished).
    pub held: i64,
    /// Activities published or under way.
    pub open: i64,
    /// Attendances at held activities (a volunteer who checked in, once per activity).
    pub attendances: i64,
    /// Volunteers who attended at least one.
    pub volunteers: i64,
}

/// Participation in the activities of communities under `path`.
pub fn participation(
    conn: &mut DbConnection,
    path: &NodePath,
) -> Result<Participation, StoreError> {
    let (lo, hi) = subtree_bounds(path);
    let by_status: Vec<(String, i64)> = a::table
        .filter(a::community_path.ge(&lo).and(a::community_path.lt(&hi)))
        .group_by(a::status)
        .select((a::status, diesel::dsl::count_star()))
        .load(conn)?;
    let count = |wanted: &[ActivityStatus]| {
        by_status
            .iter()
            .filter(|(s, _)| wanted.iter().any(|w| w.as_str() == s))
            .map(|(_, n)| *n)
            .sum::<i64>()
    };
    let attended: Vec<i64> = at::table
        .inner_join(a::table)
        .filter(a::community_path.ge(&lo).and(a::community_path.lt(&hi)))
        .filter(a::status.eq(ActivityStatus::Finished.as_str()))
        .filter(at::checked_in_at.is_not_null())
        .select(at::volunteer_id)
        .load(conn)?;
    let mut distinct = attended.clone();
    distinct.sort_unstable();
    distinct.dedup();
    Ok(Participation {
        held: count(&[ActivityStatus::Finished]),
        open: count(&[ActivityStatus::Published, ActivityStatus::Ongoing]),
        attendances: attended.len() as i64,
        volunteers: distinct.len() as i64,
    })
}
