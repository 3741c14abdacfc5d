//! Reading volunteers: one (staff over its community, or the volunteer), and the list staff
//! keep of theirs.

use linli_domain::OrgNodeId;
use linli_domain::access::Actor;
use linli_domain::volunteer::VolunteerId;
use linli_persistence::volunteers::{self, VolunteerFilter};
use linli_persistence::{StoreError, org};

use super::enrol::not_found;
use super::wire::{VolunteerPage, VolunteerParams, VolunteerView};
use crate::error::ApiError;
use crate::state::AppState;

/// One volunteer, for staff over their community or the volunteer.
pub async fn get(
    state: &AppState,
    actor: Actor,
    id: VolunteerId,
) -> Result<VolunteerView, ApiError> {
    state
        .db
        .read(move |conn| {
            let v = match volunteers::get(conn, id) {
                Ok(v) => v,
                Err(StoreError::NotFound) => return Err(not_found()),
                Err(e) => return Err(e.into()),
            };
            if v.user_id != actor.user_id && !actor.administers(&v.community_path) {
                return Err(not_found());
            }
            Ok(v.into())
        })
        .await
}

/// The volunteers under the nodes the caller administers (or under `node` among them).
pub async fn list(
    state: &AppState,
    actor: Actor,
    p: VolunteerParams,
) -> Result<VolunteerPage, ApiError> {
    let (after, limit) = crate::paging::page("v", p.cursor.as_deref(), p.limit)?;
    state
        .db
        .read(move |conn| {
            let managed: Vec<_> = actor.administered().cloned().collect();
            let under = match p.node {
                None => managed,
                Some(n) => match org::get_node(conn, OrgNodeId(n)) {
                    Ok(node) if actor.administers(&node.path) => vec![node.path],
                    // Not theirs, or not there: nothing, like any filter that matches nothing.
                    Ok(_) | Err(StoreError::NotFound) => Vec::new(),
                    Err(e) => return Err(e.into()),
                },
            };
            let filter = VolunteerFilter {
                under,
                status: p.status.map(Into::into),
                kind: p.kind.map(Into::into),
                skill: p.skill.map(Into::into),
                after: after.map(VolunteerId),
            };
            let rows = volunteers::list(conn, &filter, limit + 1)?;
            let read = rows.len();
            let items: Vec<VolunteerView> = rows
                .into_iter()
                .take(limit as usize)
                .map(Into::into)
                .collect();
            let next_cursor = crate::paging::next("v", read, limit, items.last().map(|v| v.id));
            Ok(VolunteerPage { items, next_cursor })
        })
        .await
}
