use std::collections::HashMap;

use chrono::{DateTime, Utc};
use diesel::dsl::count_star;
use diesel::prelude::*;
use diesel::sql_types::{Bool, Nullable};
use linli_domain::content::ContentReview;
use linli_domain::org::NodePath;
use linli_domain::request::{Assignee, Channel, Rating, RequestStatus, Visibility};
use linli_domain::stats::RateInput;
use linli_domain::{CategoryId, OrgNodeId, PropertyCompanyId, RequestId, UserId};

use super::row::{Labels, RequestRecord, RequestRow};
use crate::connection::{DbConnection, MultiBackend};
use crate::error::{StoreError, corrupt};
use crate::names::{company_names, user_names};
use crate::org::subtree_bounds;
use crate::schema::{org_nodes, property_companies, requests, users};
use crate::time::{from_db, opt_from_db, to_db};

type Pred = Box<dyn BoxableExpression<requests::table, MultiBackend, SqlType = Nullable<Bool>>>;

const OPEN: [&str; 5] = [
    "submitted",
    "escalated",
    "dispatched",
    "claimed",
    "in_progress",
];
const WITH_HANDLER: [&str; 3] = ["dispatched", "claimed", "in_progress"];

pub(super) fn in_subtree(path: &NodePath) -> Pred {
    let (lo, hi) = subtree_bounds(path);
    Box::new(
        requests::building_path
            .ge(lo)
            .and(requests::building_path.lt(hi))
            .nullable(),
    )
}

/// The SQL form of the domain's visibility rule (`Visibility::allows`): the same union.
fn visible(v: &Visibility) -> Pred {
    let mut p: Pred = Box::new(
        requests::submitted_by
            .eq(v.user.0)
            .nullable()
            .or(requests::assignee_user_id.eq(v.user.0)),
    );
    for path in &v.subtrees {
        p = Box::new(p.or(in_subtree(path)));
    }
    if !v.companies.is_empty() {
        let ids: Vec<i64> = v.companies.iter().map(|c| c.0).collect();
        let managed = org_nodes::table
            .filter(org_nodes::property_company_id.eq_any(ids.clone()))
            .select(org_nodes::id);
        p = Box::new(
            p.or(requests::assignee_company_id.eq_any(ids))
                .or(requests::compound_id.eq_any(managed).nullable()),
        );
    }
    p
}

/// The SQL form of the domain's overdue rule (`stats::is_overdue`): open and past a deadline.
fn overdue_now(now: DateTime<Utc>) -> Pred {
    let now = to_db(now);
    Box::new(
        requests::status
            .eq_any(OPEN)
            .and(
                requests::resolution_due.lt(now).or(requests::responded_at
                    .is_null()
                    .and(requests::first_response_due.lt(now))),
            )
            .nullable(),
    )
}

/// Attaches, in one query per kind, what each record shows beside its row: the company
/// managing its compound, its building's name and code, and its handler's name.
pub(super) fn with_context(
    conn: &mut DbConnection,
    rows: Vec<RequestRow>,
) -> Result<Vec<RequestRecord>, StoreError> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let node_ids: Vec<i64> = rows
        .iter()
        .flat_map(|r| [r.compound(), r.building()])
        .collect();
    let nodes: HashMap<i64, (String, Option<String>, Option<i64>)> = org_nodes::table
        .filter(org_nodes::id.eq_any(node_ids))
        .select((
            org_nodes::id,
            org_nodes::name,
            org_nodes::code,
            org_nodes::property_company_id,
        ))
        .load::<(i64, String, Option<String>, Option<i64>)>(conn)?
        .into_iter()
        .map(|(id, name, code, company)| (id, (name, code, company)))
        .collect();
    let users: Vec<UserId> = rows
        .iter()
        .filter_map(|r| r.assignee().0)
        .map(UserId)
        .collect();
    let companies: Vec<PropertyCompanyId> = rows
        .iter()
        .filter_map(|r| r.assignee().1)
        .map(PropertyCompanyId)
        .collect();
    let user_names = if users.is_empty() {
        HashMap::new()
    } else {
        user_names(conn, &users)?
    };
    let company_names = if companies.is_empty() {
        HashMap::new()
    } else {
        company_names(conn, &companies)?
    };
    let records = rows
        .into_iter()
        .map(|r| {
            let company = nodes.get(&r.compound()).and_then(|n| n.2);
            let (building_name, building_code) = nodes
                .get(&r.building())
                .map(|n| (n.0.clone(), n.1.clone()))
                .unwrap_or_default();
            let assignee_name = match r.assignee() {
                (Some(u), _) => user_names.get(&UserId(u)).cloned(),
                (None, Some(c)) => company_names.get(&PropertyCompanyId(c)).cloned(),
                (None, None) => None,
            };
            r.into_record(
                company,
                Labels {
                    building_name,
                    building_code,
                    assignee_name,
                },
            )
        })
        .collect::<Result<Vec<_>, _>>()?;
    with_photos(conn, records)
}

/// Attaches their photos' states to the records that have photos (one query, none when no
/// record has any).
fn with_photos(
    conn: &mut DbConnection,
    mut records: Vec<RequestRecord>,
) -> Result<Vec<RequestRecord>, StoreError> {
    let ids: Vec<i64> = records
        .iter()
        .filter(|r| r.has_photos())
        .map(|r| r.request.id.0)
        .collect();
    if ids.is_empty() {
        return Ok(records);
    }
    let mut photos = super::photos::of_requests(conn, &ids)?;
    for r in &mut records {
        if let Some(p) = photos.remove(&r.request.id.0) {
            r.photos = p;
        }
    }
    Ok(records)
}

/// One request with what it shows beside its row, in one query.
pub fn get(conn: &mut DbConnection, id: RequestId) -> Result<RequestRecord, StoreError> {
    let (building, compound) =
        diesel::alias!(org_nodes as building_node, org_nodes as compound_node);
    let (row, building_name, building_code, company, user_name, company_name): (
        RequestRow,
        String,
        Option<String>,
        Option<i64>,
        Option<String>,
        Option<String>,
    ) = requests::table
        .inner_join(building.on(building.field(org_nodes::id).eq(requests::building_id)))
        .inner_join(compound.on(compound.field(org_nodes::id).eq(requests::compound_id)))
        .left_join(users::table.on(users::id.nullable().eq(requests::assignee_user_id)))
        .left_join(
            property_companies::table.on(property_companies::id
                .nullable()
                .eq(requests::assignee_company_id)),
        )
        .filter(requests::id.eq(id.0))
        .select((
            RequestRow::as_select(),
            building.field(org_nodes::name),
            building.field(org_nodes::code),
            compound.field(org_nodes::property_company_id),
            users::display_name.nullable(),
            property_companies::name.nullable(),
        ))
        .get_result(conn)?;
    let record = row.into_record(
        company,
        Labels {
            building_name,
            building_code,
            assignee_name: user_name.or(company_name),
        },
    )?;
    Ok(with_photos(conn, vec![record])?
        .pop()
        .expect("one record in, one out"))
}

/// Filters for listing requests; the visibility rule always applies.
#[derive(Debug, Clone)]
pub struct ListQuery {
    /// What the actor may see.
    pub visibility: Visibility,
    /// Only this status.
    pub status: Option<RequestStatus>,
    /// Only this category.
    pub category_id: Option<CategoryId>,
    /// Only under this node.
    pub node: Option<NodePath>,
    /// Only assigned to this handler.
    pub assignee: Option<Assignee>,
    /// Only requests overdue at this instant.
    pub overdue_at: Option<DateTime<Utc>>,
    /// Only requests in this state of content review.
    pub content_review: Option<ContentReview>,
    /// Submitted at or after.
    pub submitted_from: Option<DateTime<Utc>>,
    /// Submitted before.
    pub submitted_before: Option<DateTime<Utc>>,
    /// The cursor: only ids below this one (newest first).
    pub before_id: Option<RequestId>,
    /// Page size.
    pub limit: i64,
}

/// A page of requests, newest first.
pub fn list(conn: &mut DbConnection, q: &ListQuery) -> Result<Vec<RequestRecord>, StoreError> {
    let mut query = requests::table
        .filter(visible(&q.visibility))
        .select(RequestRow::as_select())
        .order(requests::id.desc())
        .limit(q.limit)
        .into_boxed();
    if let Some(s) = q.status {
        query = query.filter(requests::status.eq(s.as_str()));
    }
    if let Some(c) = q.category_id {
        query = query.filter(requests::category_id.eq(c.0));
    }
    if let Some(path) = &q.node {
        query = query.filter(in_subtree(path));
    }
    match q.assignee {
        Some(Assignee::User(u)) => query = query.filter(requests::assignee_user_id.eq(u.0)),
        Some(Assignee::Company(c)) => {
            query = query.filter(requests::assignee_company_id.eq(c.0));
        }
        None => {}
    }
    if let Some(now) = q.overdue_at {
        query = query.filter(overdue_now(now));
    }
    if let Some(r) = q.content_review {
        query = query.filter(requests::content_review.eq(r.as_str()));
    }
    if let Some(from) = q.submitted_from {
        query = query.filter(requests::submitted_at.ge(to_db(from)));
    }
    if let Some(before) = q.submitted_before {
        query = query.filter(requests::submitted_at.lt(to_db(before)));
    }
    if let Some(id) = q.before_id {
        query = query.filter(requests::id.lt(id.0));
    }
    let rows = query.load(conn)?;
    with_context(conn, rows)
}

/// An open request that may be the same problem.
#[derive(Debug, Clone, PartialEq)]
pub struct DuplicateHint {
    /// Its id.
    pub id: RequestId,
    /// Where it stands.
    pub status: RequestStatus,
    /// When it was submitted.
    pub submitted_at: DateTime<Utc>,
}

/// Open requests for the same building and category submitted since `since`.
pub fn possible_duplicates(
    conn: &mut DbConnection,
    building: OrgNodeId,
    category: CategoryId,
    since: DateTime<Utc>,
    except: RequestId,
) -> Result<Vec<DuplicateHint>, StoreError> {
    let rows: Vec<(i64, String, chrono::NaiveDateTime)> = requests::table
        .filter(requests::building_id.eq(building.0))
        .filter(requests::category_id.eq(category.0))
        .filter(requests::status.eq_any(OPEN))
        .filter(requests::submitted_at.ge(to_db(since)))
        .filter(requests::id.ne(except.0))
        .order(requests::id.desc())
        // Bounded even when a building piles up open requests; SQLite recompiles this
        // statement each time for its bound LIMIT, a price worth the bound.
        .limit(5)
        .select((requests::id, requests::status, requests::submitted_at))
        .load(conn)?;
    rows.into_iter()
        .map(|(id, status, at)| {
            Ok(DuplicateHint {
                id: RequestId(id),
                status: RequestStatus::parse(&status).ok_or_else(|| corrupt(&status))?,
                submitted_at: from_db(at),
            })
        })
        .collect()
}

/// What the rates are computed from, with the keys they are grouped by.
#[derive(Debug, Clone)]
pub struct RateRow {
    /// The facts the domain's `rates` reads.
    pub input: RateInput,
    /// Its category.
    pub category_id: CategoryId,
    /// Its channel.
    pub channel: Channel,
    /// Its building's path (grouped by child node).
    pub building_path: NodePath,
}

/// The rate inputs of the visible requests under `node` submitted in the period.
pub fn rate_rows(
    conn: &mut DbConnection,
    visibility: &Visibility,
    node: Option<&NodePath>,
    from: Option<DateTime<Utc>>,
    before: Option<DateTime<Utc>>,
) -> Result<Vec<RateRow>, StoreError> {
    type Row = (
        String,
        chrono::NaiveDateTime,
        Option<chrono::NaiveDateTime>,
        chrono::NaiveDateTime,
        chrono::NaiveDateTime,
        Option<chrono::NaiveDateTime>,
        Option<String>,
        i64,
        String,
        String,
    );
    let mut query = requests::table
        .filter(visible(visibility))
        .select((
            requests::status,
            requests::submitted_at,
            requests::resolved_at,
            requests::resolution_due,
            requests::first_response_due,
            requests::responded_at,
            requests::rating,
            requests::category_id,
            requests::channel,
            requests::building_path,
        ))
        .into_boxed();
    if let Some(path) = node {
        query = query.filter(in_subtree(path));
    }
    if let Some(from) = from {
        query = query.filter(requests::submitted_at.ge(to_db(from)));
    }
    if let Some(before) = before {
        query = query.filter(requests::submitted_at.lt(to_db(before)));
    }
    let rows: Vec<Row> = query.load(conn)?;
    rows.into_iter()
        .map(
            |(
                status,
                submitted,
                resolved,
                due,
                first_due,
                responded,
                rating,
                cat,
                channel,
                path,
            )| {
                let rating = match rating {
                    Some(r) => Some(Rating::parse(&r).ok_or_else(|| corrupt(&r))?),
                    None => None,
                };
                Ok(RateRow {
                    input: RateInput {
                        status: RequestStatus::parse(&status).ok_or_else(|| corrupt(&status))?,
                        submitted_at: from_db(submitted),
                        resolved_at: opt_from_db(resolved),
                        resolution_due: from_db(due),
                        first_response_due: from_db(first_due),
                        responded_at: opt_from_db(responded),
                        rating,
                    },
                    category_id: CategoryId(cat),
                    channel: Channel::parse(&channel).map_err(corrupt)?,
                    building_path: NodePath::parse(&path).map_err(corrupt)?,
                })
            },
        )
        .collect()
}

/// Open requests past a deadline that the sweep has not flagged yet.
pub fn due_for_sweep(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
    limit: i64,
) -> Result<Vec<RequestRecord>, StoreError> {
    let rows = requests::table
        .filter(requests::overdue_at.is_null())
        .filter(overdue_now(now))
        .order(requests::id.asc())
        .limit(limit)
        .select(RequestRow::as_select())
        .load(conn)?;
    with_context(conn, rows)
}

/// Resolved requests (waiting for a rating) resolved at or before `cutoff`. A rating left from
/// an earlier round does not count: the current round is unrated while it is `resolved`.
pub fn due_for_auto_close(
    conn: &mut DbConnection,
    cutoff: DateTime<Utc>,
    limit: i64,
) -> Result<Vec<RequestRecord>, StoreError> {
    let rows = requests::table
        .filter(requests::status.eq(RequestStatus::Resolved.as_str()))
        .filter(requests::resolved_at.le(to_db(cutoff)))
        .order(requests::id.asc())
        .limit(limit)
        .select(RequestRow::as_select())
        .load(conn)?;
    with_context(conn, rows)
}

/// How many requests each handler has in hand (dispatched, claimed or in progress).
pub fn open_load(
    conn: &mut DbConnection,
    users: &[UserId],
    companies: &[PropertyCompanyId],
) -> Result<HashMap<Assignee, i64>, StoreError> {
    let mut load = HashMap::new();
    let user_ids: Vec<i64> = users.iter().map(|u| u.0).collect();
    let by_user: Vec<(Option<i64>, i64)> = requests::table
        .filter(requests::assignee_user_id.eq_any(user_ids))
        .filter(requests::status.eq_any(WITH_HANDLER))
        .group_by(requests::assignee_user_id)
        .select((requests::assignee_user_id, count_star()))
        .load(conn)?;
    for (u, n) in by_user {
        if let Some(u) = u {
            load.insert(Assignee::User(UserId(u)), n);
        }
    }
    let company_ids: Vec<i64> = companies.iter().map(|c| c.0).collect();
    let by_company: Vec<(Option<i64>, i64)> = requests::table
        .filter(requests::assignee_company_id.eq_any(company_ids))
        .filter(requests::status.eq_any(WITH_HANDLER))
        .group_by(requests::assignee_company_id)
        .select((requests::assignee_company_id, count_star()))
        .load(conn)?;
    for (c, n) in by_company {
        if let Some(c) = c {
            load.insert(Assignee::Company(PropertyCompanyId(c)), n);
        }
    }
    Ok(load)
}
