//! Listing the meetings a caller may see: those under the nodes they administer, and those
//! that involve them; newest first, by cursor.

use linli_domain::access::Actor;
use linli_domain::meeting::MeetingId;
use linli_domain::{OrgNodeId, RequestId};
use linli_persistence::meetings::{self, ListFilter};
use linli_persistence::{StoreError, org};

use super::params::ListParams;
use super::render::summary;
use super::wire::MeetingPage;
use crate::error::ApiError;
use crate::state::AppState;

/// A page of the meetings the actor may see.
pub async fn list(state: &AppState, actor: Actor, p: ListParams) -> Result<MeetingPage, ApiError> {
    let (before, limit) = crate::paging::page("m", p.cursor.as_deref(), p.limit)?;
    let before = before.map(MeetingId);
    state
        .db
        .read(move |conn| {
            let under = match p.node {
                None => None,
                Some(n) => match org::get_node(conn, OrgNodeId(n)) {
                    Ok(node) => Some(node.path),
                    // An unknown node matches nothing, like any other filter.
                    Err(StoreError::NotFound) => {
                        return Ok(MeetingPage {
                            items: Vec::new(),
                            next_cursor: None,
                        });
                    }
                    Err(e) => return Err(e.into()),
                },
            };
            let managed = actor.administered().cloned().collect();
            let filter = ListFilter {
                managed,
                involving: Some(actor.user_id),
                under,
                status: p.status.map(Into::into),
                kind: p.kind.map(Into::into),
                request: p.request_id.map(RequestId),
                before,
            };
            let rows = meetings::list(conn, &filter, limit + 1)?;
            let more = rows.len() as i64 > limit;
            let rows: Vec<_> = rows.into_iter().take(limit as usize).collect();
            let next_cursor = more
                .then(|| rows.last().map(|m| crate::paging::cursor("m", m.id.0)))
                .flatten();
            Ok(MeetingPage {
                items: rows.iter().map(summary).collect(),
                next_cursor,
            })
        })
        .await
}
