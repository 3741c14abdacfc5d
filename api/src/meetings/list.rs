//! Listing the meetings a caller may see: those under the nodes they administer, and those
//! that involve them; newest first, by cursor.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
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
use crate::validation::Fields;

fn encode_cursor(id: MeetingId) -> String {
    URL_SAFE_NO_PAD.encode(format!("m:{}", id.0))
}

fn decode_cursor(s: &str) -> Option<MeetingId> {
    let raw = URL_SAFE_NO_PAD.decode(s).ok()?;
    let text = String::from_utf8(raw).ok()?;
    text.strip_prefix("m:")?.parse().ok().map(MeetingId)
}

/// A page of the meetings the actor may see.
pub async fn list(state: &AppState, actor: Actor, p: ListParams) -> Result<MeetingPage, ApiError> {
    let mut f = Fields::new();
    let limit = p.limit.unwrap_or(20);
    if !(1..=100).contains(&limit) {
        f.push(
            "limit",
            "out_of_range",
            "limit 应为 1 到 100",
            "limit must be 1 to 100",
        );
    }
    let before = match p.cursor.as_deref() {
        None | Some("") => None,
        Some(c) => {
            let id = decode_cursor(c);
            if id.is_none() {
                f.push("cursor", "invalid", "分页游标无效", "Invalid cursor");
            }
            id
        }
    };
    f.finish()?;
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
                .then(|| rows.last().map(|m| encode_cursor(m.id)))
                .flatten();
            Ok(MeetingPage {
                items: rows.iter().map(summary).collect(),
                next_cursor,
            })
        })
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_reject_garbage() {
        assert_eq!(
            decode_cursor(&encode_cursor(MeetingId(42))),
            Some(MeetingId(42))
        );
        assert_eq!(decode_cursor("garbage!"), None);
        assert_eq!(decode_cursor(&URL_SAFE_NO_PAD.encode("r:1")), None);
    }
}
