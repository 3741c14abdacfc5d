//! Work logs as stored, with the names a reader needs beside them, and the link to the request
//! a log became (one log, one request: a unique column, set only while empty).

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::Bool;
use linli_domain::butler::{HazardKind, Severity, WorkLogKind};
use linli_domain::content::ContentReview;
use linli_domain::org::NodePath;
use linli_domain::{OrgNodeId, RequestId, UserId};

use crate::connection::{DbConnection, MultiBackend};
use crate::error::{StoreError, corrupt, on_unique};
use crate::names;
use crate::org::subtree_bounds;
use crate::schema::work_logs as wl;
use crate::time::{from_db, opt_from_db, to_db};

/// A log to store.
#[derive(Debug, Clone)]
pub struct NewWorkLog {
    /// The community (tenant).
    pub community_id: OrgNodeId,
    /// The building.
    pub building_id: OrgNodeId,
    /// Its path.
    pub building_path: NodePath,
    /// The household visited, if any.
    pub household_id: Option<OrgNodeId>,
    /// What was done.
    pub kind: WorkLogKind,
    /// Who did it.
    pub author: UserId,
    /// When it was done.
    pub occurred_at: DateTime<Utc>,
    /// What happened.
    pub summary: String,
    /// Concerns residents raised.
    pub concerns: Option<String>,
    /// Whether the text waits for content staff.
    pub text_review: ContentReview,
    /// Where a hazard is.
    pub place: Option<String>,
    /// A hazard's kind and severity.
    pub hazard: Option<(HazardKind, Severity)>,
    /// Photos.
    pub photo_urls: Vec<String>,
    /// A hazard fixed there and then.
    pub fixed_on_spot: bool,
    /// The author's `Idempotency-Key`, when they sent one.
    pub idempotency_key: Option<String>,
    /// The keyed hash of the body sent with it, which a replay must match.
    pub idempotency_hash: Option<String>,
}

/// A stored log with names.
#[derive(Debug, Clone, PartialEq)]
pub struct WorkLog {
    /// Its id.
    pub id: i64,
    /// The community.
    pub community_id: OrgNodeId,
    /// The building.
    pub building_id: OrgNodeId,
    /// Its path.
    pub building_path: NodePath,
    /// Its name and code.
    pub building: (String, Option<String>),
    /// The household and its name.
    pub household: Option<(OrgNodeId, String)>,
    /// What was done.
    pub kind: WorkLogKind,
    /// Who did it.
    pub author: UserId,
    /// Their name.
    pub author_name: String,
    /// When.
    pub occurred_at: DateTime<Utc>,
    /// What happened.
    pub summary: String,
    /// Concerns raised.
    pub concerns: Option<String>,
    /// Content review of the text.
    pub text_review: ContentReview,
    /// Where a hazard is.
    pub place: Option<String>,
    /// A hazard's kind and severity.
    pub hazard: Option<(HazardKind, Severity)>,
    /// Photos.
    pub photo_urls: Vec<String>,
    /// Fixed on the spot.
    pub fixed_on_spot: bool,
    /// The request it became.
    pub request_id: Option<RequestId>,
    /// When.
    pub converted_at: Option<DateTime<Utc>>,
    /// When it was recorded.
    pub created_at: DateTime<Utc>,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = wl)]
struct Row {
    id: i64,
    community_id: i64,
    building_id: i64,
    building_path: String,
    household_id: Option<i64>,
    kind: String,
    author_id: i64,
    occurred_at: chrono::NaiveDateTime,
    summary: String,
    concerns: Option<String>,
    text_review: String,
    place: Option<String>,
    hazard_kind: Option<String>,
    severity: Option<String>,
    photo_urls: String,
    fixed_on_spot: bool,
    request_id: Option<i64>,
    converted_at: Option<chrono::NaiveDateTime>,
    created_at: chrono::NaiveDateTime,
}

/// Stores a log; returns its id.
pub fn insert(
    conn: &mut DbConnection,
    new: &NewWorkLog,
    now: DateTime<Utc>,
) -> Result<i64, StoreError> {
    diesel::insert_into(wl::table)
        .values((
            (
                wl::community_id.eq(new.community_id.0),
                wl::building_id.eq(new.building_id.0),
                wl::building_path.eq(new.building_path.as_str()),
                wl::household_id.eq(new.household_id.map(|h| h.0)),
                wl::kind.eq(new.kind.as_str()),
                wl::author_id.eq(new.author.0),
                wl::occurred_at.eq(to_db(new.occurred_at)),
                wl::summary.eq(&new.summary),
            ),
            (
                wl::concerns.eq(&new.concerns),
                wl::text_review.eq(new.text_review.as_str()),
                wl::place.eq(&new.place),
                wl::hazard_kind.eq(new.hazard.map(|(k, _)| k.as_str())),
                wl::severity.eq(new.hazard.map(|(_, s)| s.as_str())),
                wl::photo_urls
                    .eq(serde_json::to_string(&new.photo_urls)
                        .expect("a list of strings serialises")),
                wl::fixed_on_spot.eq(new.fixed_on_spot),
                wl::created_at.eq(to_db(now)),
                wl::idempotency_key.eq(&new.idempotency_key),
                wl::idempotency_hash.eq(&new.idempotency_hash),
            ),
        ))
        .returning(wl::id)
        .get_result(conn)
        .map_err(|e| on_unique(e, &[("idempotency_key", "idempotency_key")]))
}

/// The log an author recorded under this `Idempotency-Key`, if any, with the hash of the body
/// it came with.
pub fn find_by_key(
    conn: &mut DbConnection,
    author: UserId,
    key: &str,
) -> Result<Option<(i64, Option<String>)>, StoreError> {
    Ok(wl::table
        .filter(wl::author_id.eq(author.0))
        .filter(wl::idempotency_key.eq(key))
        .select((wl::id, wl::idempotency_hash))
        .first(conn)
        .optional()?)
}

/// One log.
pub fn get(conn: &mut DbConnection, id: i64) -> Result<WorkLog, StoreError> {
    let row = wl::table
        .find(id)
        .select(Row::as_select())
        .get_result(conn)?;
    Ok(labelled(conn, vec![row])?.remove(0))
}

/// Links a log to the request it became; `false` when it had one already (another conversion
/// won), so a log never becomes two requests.
pub fn link_request(
    conn: &mut DbConnection,
    id: i64,
    request: RequestId,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let n = diesel::update(wl::table.find(id).filter(wl::request_id.is_null()))
        .set((
            wl::request_id.eq(request.0),
            wl::converted_at.eq(to_db(now)),
        ))
        .execute(conn)?;
    Ok(n == 1)
}

/// The log a request was made from, if any.
pub fn log_of_request(
    conn: &mut DbConnection,
    request: RequestId,
) -> Result<Option<i64>, StoreError> {
    Ok(wl::table
        .filter(wl::request_id.eq(request.0))
        .select(wl::id)
        .get_result(conn)
        .optional()?)
}

/// Which logs to list.
#[derive(Debug, Clone, Default)]
pub struct LogQuery {
    /// Logs of buildings inside any of these subtrees are visible…
    pub subtrees: Vec<NodePath>,
    /// …and so are this user's own.
    pub own: Option<UserId>,
    /// Only under this node.
    pub within: Option<NodePath>,
    /// Only of this kind.
    pub kind: Option<WorkLogKind>,
    /// Only by this author.
    pub author: Option<UserId>,
    /// Only ids below this (paging, newest first).
    pub before: Option<i64>,
    /// At most this many.
    pub limit: i64,
}

type Pred = Box<dyn BoxableExpression<wl::table, MultiBackend, SqlType = Bool>>;

fn inside(subtrees: &[NodePath]) -> Pred {
    let mut p: Pred = Box::new(sql::<Bool>("1 = 0"));
    for path in subtrees {
        let (lo, hi) = subtree_bounds(path);
        p = Box::new(p.or(wl::building_path.ge(lo).and(wl::building_path.lt(hi))));
    }
    p
}

/// The visible logs, newest first.
pub fn list(conn: &mut DbConnection, q: &LogQuery) -> Result<Vec<WorkLog>, StoreError> {
    let mut visible = inside(&q.subtrees);
    if let Some(u) = q.own {
        visible = Box::new(visible.or(wl::author_id.eq(u.0)));
    }
    let mut query = wl::table
        .filter(visible)
        .order(wl::id.desc())
        .limit(q.limit)
        .select(Row::as_select())
        .into_boxed();
    if let Some(w) = &q.within {
        query = query.filter(inside(std::slice::from_ref(w)));
    }
    if let Some(k) = q.kind {
        query = query.filter(wl::kind.eq(k.as_str()));
    }
    if let Some(a) = q.author {
        query = query.filter(wl::author_id.eq(a.0));
    }
    if let Some(b) = q.before {
        query = query.filter(wl::id.lt(b));
    }
    let rows = query.load(conn)?;
    labelled(conn, rows)
}

/// What the grid-work rates read of one log.
#[derive(Debug, Clone, PartialEq)]
pub struct LogRateRow {
    /// The building.
    pub building_id: OrgNodeId,
    /// Its path.
    pub building_path: NodePath,
    /// What was done.
    pub kind: WorkLogKind,
    /// When.
    pub occurred_at: DateTime<Utc>,
    /// Fixed on the spot.
    pub fixed_on_spot: bool,
    /// Became a request.
    pub converted: bool,
}

/// The logs under `within` done in `[from, before)`.
pub fn rate_rows(
    conn: &mut DbConnection,
    within: &NodePath,
    from: Option<DateTime<Utc>>,
    before: Option<DateTime<Utc>>,
) -> Result<Vec<LogRateRow>, StoreError> {
    let mut q = wl::table
        .filter(inside(std::slice::from_ref(within)))
        .select((
            wl::building_id,
            wl::building_path,
            wl::kind,
            wl::occurred_at,
            wl::fixed_on_spot,
            wl::request_id,
        ))
        .into_boxed();
    if let Some(f) = from {
        q = q.filter(wl::occurred_at.ge(to_db(f)));
    }
    if let Some(b) = before {
        q = q.filter(wl::occurred_at.lt(to_db(b)));
    }
    type R = (
        i64,
        String,
        String,
        chrono::NaiveDateTime,
        bool,
        Option<i64>,
    );
    q.load::<R>(conn)?
        .into_iter()
        .map(|(b, path, kind, at, fixed, req)| {
            Ok(LogRateRow {
                building_id: OrgNodeId(b),
                building_path: NodePath::parse(&path).map_err(corrupt)?,
                kind: WorkLogKind::parse(&kind).map_err(corrupt)?,
                occurred_at: from_db(at),
                fixed_on_spot: fixed,
                converted: req.is_some(),
            })
        })
        .collect()
}

fn hazard(
    kind: Option<&str>,
    severity: Option<&str>,
) -> Result<Option<(HazardKind, Severity)>, StoreError> {
    match (kind, severity) {
        (Some(k), Some(s)) => Ok(Some((
            HazardKind::parse(k).map_err(corrupt)?,
            Severity::parse(s).map_err(corrupt)?,
        ))),
        _ => Ok(None),
    }
}

/// Adds the names: buildings and households, and the authors, one query each.
fn labelled(conn: &mut DbConnection, rows: Vec<Row>) -> Result<Vec<WorkLog>, StoreError> {
    let nodes: Vec<OrgNodeId> = rows
        .iter()
        .flat_map(|r| [Some(r.building_id), r.household_id])
        .flatten()
        .map(OrgNodeId)
        .collect();
    let labels = names::node_labels(conn, &nodes)?;
    let authors: Vec<UserId> = rows.iter().map(|r| UserId(r.author_id)).collect();
    let people: HashMap<UserId, String> = names::user_names(conn, &authors)?;
    rows.into_iter()
        .map(|r| {
            let building = labels
                .get(&OrgNodeId(r.building_id))
                .cloned()
                .ok_or_else(|| corrupt(format!("work log {}: no building", r.id)))?;
            let household = r.household_id.map(|h| {
                let name = labels
                    .get(&OrgNodeId(h))
                    .map(|(n, _)| n.clone())
                    .unwrap_or_default();
                (OrgNodeId(h), name)
            });
            Ok(WorkLog {
                id: r.id,
                community_id: OrgNodeId(r.community_id),
                building_id: OrgNodeId(r.building_id),
                building_path: NodePath::parse(&r.building_path).map_err(corrupt)?,
                building,
                household,
                kind: WorkLogKind::parse(&r.kind).map_err(corrupt)?,
                author: UserId(r.author_id),
                author_name: people
                    .get(&UserId(r.author_id))
                    .cloned()
                    .unwrap_or_default(),
                occurred_at: from_db(r.occurred_at),
                summary: r.summary,
                concerns: r.concerns,
                text_review: ContentReview::parse(&r.text_review)
                    .ok_or_else(|| corrupt(&r.text_review))?,
                place: r.place,
                hazard: hazard(r.hazard_kind.as_deref(), r.severity.as_deref())?,
                photo_urls: serde_json::from_str(&r.photo_urls).map_err(corrupt)?,
                fixed_on_spot: r.fixed_on_spot,
                request_id: r.request_id.map(RequestId),
                converted_at: opt_from_db(r.converted_at),
                created_at: from_db(r.created_at),
            })
        })
        .collect()
}
