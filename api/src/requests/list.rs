//! Listing requests: filters, the actor's visibility, cursor pagination.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use linli_domain::access::Actor;
use linli_domain::request::{Assignee, Visibility};
use linli_domain::time::Period;
use linli_domain::{OrgNodeId, PropertyCompanyId, RequestId, UserId};
use linli_persistence::requests::{self, ListQuery};
use linli_persistence::{StoreError, categories, org};
use serde::Deserialize;
use utoipa::IntoParams;

use super::view::{RequestPage, all_categories, render};
use super::wire::{ContentReviewDto, StatusDto};
use crate::error::{ApiError, Msg};
use crate::state::AppState;
use crate::validation::Fields;

/// Filters for `GET /api/v1/requests`. Every filter narrows what the caller may see anyway.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// Only this status.
    pub status: Option<StatusDto>,
    /// Only this category (code).
    pub category: Option<String>,
    /// Only under this org node (id).
    pub node: Option<i64>,
    /// Only assigned to: `me`, `user:ID` or `company:ID`.
    pub assignee: Option<String>,
    /// Only requests open past a deadline now.
    pub overdue: Option<bool>,
    /// Only requests in this state of content review (`pending`: flagged, waiting for staff).
    pub content_review: Option<ContentReviewDto>,
    /// Submitted on or after this local date (YYYY-MM-DD, in `LINLI_TZ`).
    pub from: Option<String>,
    /// Submitted on or before this local date.
    pub to: Option<String>,
    /// Page size, 1–100 (default 20).
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

fn encode_cursor(id: RequestId) -> String {
    URL_SAFE_NO_PAD.encode(format!("r:{}", id.0))
}

fn decode_cursor(s: &str) -> Option<RequestId> {
    let raw = URL_SAFE_NO_PAD.decode(s).ok()?;
    let text = String::from_utf8(raw).ok()?;
    text.strip_prefix("r:")?.parse().ok().map(RequestId)
}

fn parse_assignee(s: &str, me: UserId) -> Option<Assignee> {
    if s == "me" {
        return Some(Assignee::User(me));
    }
    let (kind, id) = s.split_once(':')?;
    let id: i64 = id.parse().ok()?;
    match kind {
        "user" => Some(Assignee::User(UserId(id))),
        "company" => Some(Assignee::Company(PropertyCompanyId(id))),
        _ => None,
    }
}

/// A page of the requests the actor may see.
pub async fn list(state: &AppState, actor: Actor, p: ListParams) -> Result<RequestPage, ApiError> {
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
    let before_id = match p.cursor.as_deref() {
        None | Some("") => None,
        Some(c) => {
            let id = decode_cursor(c);
            if id.is_none() {
                f.push("cursor", "invalid", "分页游标无效", "Invalid cursor");
            }
            id
        }
    };
    let assignee = match p.assignee.as_deref() {
        None | Some("") => None,
        Some(a) => {
            let parsed = parse_assignee(a, actor.user_id);
            if parsed.is_none() {
                f.push(
                    "assignee",
                    "invalid",
                    "assignee 应为 me、user:ID 或 company:ID",
                    "assignee must be me, user:ID or company:ID",
                );
            }
            parsed
        }
    };
    let period = match Period::parse(p.from.as_deref(), p.to.as_deref()) {
        Ok(period) => period,
        Err(e) => {
            f.push(
                "from",
                "invalid_period",
                "日期应为 YYYY-MM-DD，且开始不晚于结束",
                e.to_string(),
            );
            Period::default()
        }
    };
    f.finish()?;
    let (submitted_from, submitted_before) = period.bounds(state.tz);
    let now = state.clock.now();
    let cipher = state.cipher.clone();
    let caches = state.caches.clone();
    state
        .db
        .read(move |conn| {
            let category_id = match p.category.as_deref() {
                None | Some("") => None,
                Some(code) => match categories::by_code(conn, code) {
                    Ok(c) => Some(c.id),
                    // An unknown category matches nothing, like any other filter.
                    Err(StoreError::NotFound) => {
                        return Ok(RequestPage {
                            items: vec![],
                            next_cursor: None,
                        });
                    }
                    Err(e) => return Err(e.into()),
                },
            };
            let node = match p.node {
                None => None,
                Some(id) => match org::get_node(conn, OrgNodeId(id)) {
                    Ok(n) => Some(n.path),
                    Err(StoreError::NotFound) => {
                        return Err(ApiError::not_found(
                            "org.node_not_found",
                            Msg::new("组织节点不存在", "No such org node"),
                        ));
                    }
                    Err(e) => return Err(e.into()),
                },
            };
            let query = ListQuery {
                visibility: Visibility::of(&actor),
                status: p.status.map(Into::into),
                category_id,
                node,
                assignee,
                overdue_at: p.overdue.filter(|o| *o).map(|_| now),
                content_review: p.content_review.map(Into::into),
                submitted_from,
                submitted_before,
                before_id,
                // One more than asked tells whether there is a next page.
                limit: limit + 1,
            };
            let mut records = requests::list(conn, &query)?;
            let more = records.len() as i64 > limit;
            records.truncate(limit as usize);
            let categories = all_categories(conn, &caches)?;
            let next_cursor = more
                .then(|| records.last().map(|r| encode_cursor(r.request.id)))
                .flatten();
            Ok(RequestPage {
                items: records
                    .iter()
                    .map(|r| render(r, &categories, &actor, &cipher, now))
                    .collect(),
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
            decode_cursor(&encode_cursor(RequestId(42))),
            Some(RequestId(42))
        );
        assert_eq!(decode_cursor("garbage!"), None);
        assert_eq!(decode_cursor(&URL_SAFE_NO_PAD.encode("x:1")), None);
        assert_eq!(
            parse_assignee("me", UserId(3)),
            Some(Assignee::User(UserId(3)))
        );
        assert_eq!(
            parse_assignee("company:7", UserId(3)),
            Some(Assignee::Company(PropertyCompanyId(7)))
        );
        assert_eq!(parse_assignee("team:7", UserId(3)), None);
    }
}
