//! The inbound partner API's use cases: a partner platform pushes in a request one of its own
//! residents reported (channel `partner`, idempotent by the partner's `external_id`), and reads
//! the requests of its scope. The native submit's steps are shared (see [`super::submit`]):
//! checking the fields, the category, the rules, screening, and storing with the event and its
//! outbox row.

use actix_web::web;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use linli_domain::category::CategoryCode;
use linli_domain::content::PhotoCheck;
use linli_domain::org::BuildingCode;
use linli_domain::org::NodePath;
use linli_domain::partner::{ExternalId, ExternalIdError, may_read, plausible_report_time};
use linli_domain::request::{Channel, Event, NewRequest, Submission, submit_for_partner};
use linli_domain::{RequestId, UserId};
use linli_persistence::partner_inbound::{self as inbound, Submission as Pushed};
use linli_persistence::partners::Partner;
use linli_persistence::requests::{self, IdempotentSubmit, NewRequestDetails, RequestRecord};
use linli_persistence::tx::transaction;
use linli_persistence::{DbConnection, StoreError, org};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::errors::not_found;
use super::partner_view::{
    PartnerRequestView, PartnerTimelineEntry, partner_timeline_entry, partner_view,
};
use super::submit::{
    Common, Prepared, RawCommon, Resolved, check_common, find_category,
    new_details, prepare, screen,
};
use super::view::all_categories;
use crate::auth::inbound::Signed;
use crate::content::photos;
use crate::error::{ApiError, Msg};
use crate::state::AppState;
use crate::validation::{Fields, Problem};

/// How long accepted `webhook-id`s are kept: well past the 5-minute timestamp tolerance, after
/// which a replayed message is refused for its timestamp anyway.
pub const KEEP_MESSAGE_IDS: chrono::Duration = chrono::Duration::hours(1);

/// A request a partner pushes in.
#[derive(Debug, Deserialize, ToSchema)]
pub struct PartnerSubmitBody {
    /// The partner's own id for it (1–128 visible ASCII characters). The same id again is the
    /// same request: answered 200 with it when the body is the same, 409 when it differs.
    #[schema(example = "YJY-2026-000123")]
    pub external_id: String,
    /// Service category code (see `GET /api/v1/categories`).
    #[schema(example = "property")]
    pub category: String,
    /// What is wrong, 1–2,000 characters.
    #[schema(example = "3单元楼道灯坏了一周，晚上看不见台阶")]
    pub description: String,
    /// The building (its public code), inside the partner's scope.
    #[schema(example = "DX-01-1")]
    pub building_code: String,
    /// Where exactly, up to 200 characters.
    pub location_text: Option<String>,
    /// Photos (http(s) URLs), at most 9.
    #[serde(default)]
    pub photo_urls: Vec<String>,
    /// A phone to call the resident back on.
    #[schema(example = "13812345678")]
    pub contact_phone: Option<String>,
    /// When the resident reported it on the partner's platform: kept for reference; deadlines
    /// run from when it reaches us. Not in the future.
    pub submitted_at: Option<DateTime<Utc>>,
}

/// The normalised push: what makes two pushes of one `external_id` the same.
#[derive(Serialize)]
struct Canonical<'a> {
    external_id: &'a str,
    category: &'a str,
    description: &'a str,
    building_code: &'a str,
    location_text: Option<&'a str>,
    photo_urls: Vec<&'a str>,
    contact_phone: Option<&'a str>,
    submitted_at: Option<DateTime<Utc>>,
}

/// The answer to a push.
#[derive(Debug, Serialize, ToSchema)]
pub struct PartnerSubmitted {
    /// The request.
    #[serde(flatten)]
    pub request: PartnerRequestView,
    /// The partner's id for it.
    pub external_id: String,
    /// When the partner said its resident reported it.
    pub external_submitted_at: Option<DateTime<Utc>>,
    /// True when this `external_id` was pushed before with the same body: this is that request
    /// (also said by the header `Idempotent-Replayed: true`).
    pub replayed: bool,
}

/// A request as a partner reads it, with its timeline.
#[derive(Debug, Serialize, ToSchema)]
pub struct PartnerRequestDetail {
    /// The request.
    #[serde(flatten)]
    pub request: PartnerRequestView,
    /// The partner's id for it, when this partner pushed it.
    pub external_id: Option<String>,
    /// When the partner said its resident reported it.
    pub external_submitted_at: Option<DateTime<Utc>>,
    /// What happened to it, oldest first.
    pub timeline: Vec<PartnerTimelineEntry>,
}

/// A request the partner pushed.
#[derive(Debug, Serialize, ToSchema)]
pub struct PartnerRequestItem {
    /// The request.
    #[serde(flatten)]
    pub request: PartnerRequestView,
    /// The partner's id for it.
    pub external_id: String,
    /// When the partner said its resident reported it.
    pub external_submitted_at: Option<DateTime<Utc>>,
}

/// A page of the requests the partner pushed, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct PartnerRequestPage {
    /// The requests.
    pub items: Vec<PartnerRequestItem>,
    /// Pass as `cursor` for the next page; absent on the last.
    pub next_cursor: Option<String>,
}

/// Which of its requests a partner lists.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PartnerListParams {
    /// Only the request pushed under this external id (zero or one item).
    pub external_id: Option<String>,
    /// Page size, 1–100 (default 20).
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

impl Problem for ExternalIdError {
    fn code(&self) -> &'static str {
        match self {
            ExternalIdError::Empty => "required",
            ExternalIdError::TooLong { .. } => "too_long",
            ExternalIdError::Character => "invalid_character",
        }
    }
    fn zh(&self) -> String {
        match self {
            ExternalIdError::Empty => "external_id 不能为空".into(),
            ExternalIdError::TooLong { max } => format!("external_id 不能超过 {max} 个字符"),
            ExternalIdError::Character => "external_id 只能包含可见的 ASCII 字符".into(),
        }
    }
}

/// The building is unknown or outside the partner's scope: one answer for both, so a partner
/// learns nothing of what lies outside its scope.
pub fn out_of_scope() -> ApiError {
    ApiError::forbidden(
        "partner.out_of_scope",
        Msg::new(
            "该楼栋不存在或不在本合作平台的范围内",
            "No building with this code is in this partner's scope",
        ),
    )
    .with_details(serde_json::json!({ "field": "building_code" }))
}

fn replayed() -> ApiError {
    ApiError::conflict(
        "partner.replayed",
        Msg::new(
            "该 webhook-id 的消息已被接收过，视为重放",
            "A message with this webhook-id was accepted before: a replay",
        ),
    )
}

fn external_id_conflict(request: RequestId) -> ApiError {
    ApiError::conflict(
        "partner.external_id_conflict",
        Msg::new(
            "该 external_id 已用于内容不同的另一次推送",
            "This external_id was pushed before with a different body",
        ),
    )
    .with_details(serde_json::json!({ "request_id": request.0 }))
}

/// What the reader found before anything is screened or written.
enum Looked {
    /// Pushed before under this external id.
    Existing(Pushed),
    /// New, and the rules accept it.
    New(Box<Prepared>),
}

/// What the writer did.
enum Outcome {
    /// Stored the request, its external id and the message id.
    Created(Box<RequestRecord>),
    /// The external id was pushed before with the same body: the message id is stored.
    Existing(Pushed),
    /// The external id was pushed before with another body; nothing stored.
    Conflict(RequestId),
    /// The message id was accepted before; nothing stored.
    Replayed,
}

/// What the writer is given.
struct Push {
    partner_id: i64,
    message_id: String,
    external_id: ExternalId,
    hash: String,
    external_submitted_at: Option<DateTime<Utc>>,
}

/// A push whose fields checked out.
struct Checked {
    push: Push,
    common: Common,
    building: BuildingCode,
}

/// Checks every field (422 listing each bad one) and hashes the normalised push.
fn check(
    cipher: &crate::crypto::DataCipher,
    partner_id: i64,
    message_id: String,
    body: &PartnerSubmitBody,
    now: DateTime<Utc>,
) -> Result<Checked, ApiError> {
    let mut f = Fields::new();
    let external_id = f.check("external_id", ExternalId::parse(&body.external_id));
    let common = check_common(
        &mut f,
        RawCommon {
            category: &body.category,
            description: &body.description,
            location_text: body.location_text.as_deref(),
            photo_urls: &body.photo_urls,
            contact_phone: body.contact_phone.as_deref(),
        },
    );
    let building = match BuildingCode::parse(&body.building_code) {
        Ok(c) => Some(c),
        Err(e) => {
            let zh = "楼栋编码格式不正确";
            f.push("building_code", "invalid_format", zh, e.to_string());
            None
        }
    };
    if let Some(at) = body.submitted_at
        && !plausible_report_time(at, now)
    {
        let (zh, en) = ("提交时间不能晚于当前时间", "submitted_at is in the future");
        f.push("submitted_at", "in_future", zh, en);
    }
    f.finish()?;
    let (Some(external_id), Some(common), Some(building)) = (external_id, common, building) else {
        unreachable!("every missing value recorded a field error");
    };
    let hash = crate::idempotency::body_hash(cipher, &Canonical {
        external_id: external_id.as_str(),
        category: common.category.as_str(),
        description: common.description.as_str(),
        building_code: building.as_str(),
        location_text: common.location.as_ref().map(|l| l.as_str()),
        photo_urls: common
            .photos
            .as_slice()
            .iter()
            .map(|p| p.as_str())
            .collect(),
        contact_phone: common.phone.as_ref().map(|p| p.as_str()),
        submitted_at: body.submitted_at,
    });
    Ok(Checked {
        push: Push {
            partner_id,
            message_id,
            external_id,
            hash,
            external_submitted_at: body.submitted_at,
        },
        common,
        building,
    })
}

/// Checks the body, then: a replayed message is 409; an external id pushed before is that
/// request (200) or 409; else the category, the building in scope and the rules, screening,
/// and one transaction storing the request with its event and outbox row, the external id and
/// the message id (so a refused message stores nothing and may be mended and sent again).
pub async fn submit(
    state: &web::Data<AppState>,
    partner: Partner,
    signed: Signed,
    body: PartnerSubmitBody,
) -> Result<PartnerSubmitted, ApiError> {
    let now = state.clock.now();
    let Checked {
        push,
        common,
        building,
    } = check(&state.cipher, partner.id, signed.message_id, &body, now)?;
    let (category, details) = new_details(state, common)?;

    // 1. On a reader: a replay, an earlier push of the id; the category, the building; the
    // rules decide.
    let (tz, caches) = (state.tz, state.caches.clone());
    let (pid, msg, ext) = (
        push.partner_id,
        push.message_id.clone(),
        push.external_id.clone(),
    );
    let (scope, submitter) = (partner.scope_path.clone(), signed.submitter);
    let looked = state
        .db
        .read(move |conn| {
            if inbound::message_seen(conn, pid, &msg)? {
                return Err(replayed());
            }
            if let Some(prior) = inbound::find_submission(conn, pid, ext.as_str())? {
                return Ok(Looked::Existing(prior));
            }
            let new = New {
                scope: &scope,
                submitter,
                category: &category,
                building: &building,
            };
            let prepared = decide_new(conn, &caches, new, details, now, tz)?;
            Ok(Looked::New(Box::new(prepared)))
        })
        .await?;

    // 2. New: screen it, as a resident's (a retry of a known id stops before this).
    let (create, rendering) = match looked {
        Looked::Existing(prior) if prior.body_hash != push.hash => {
            return Err(external_id_conflict(prior.request_id));
        }
        Looked::Existing(_) => (None, None),
        Looked::New(p) => {
            let mut p = *p;
            screen(state, None, &mut p.details).await?;
            let Prepared {
                new,
                event,
                details,
                labels,
                categories,
                dupes: _,
            } = p;
            (Some((new, details, event)), Some((labels, categories)))
        }
    };

    // 3. On the writer, in one transaction.
    let outcome = state
        .db
        .write_grouped(move |conn| commit(conn, &push, submitter, create.as_ref(), now))
        .await?;

    // 4. The answer.
    match outcome {
        Outcome::Created(mut rec) => {
            let (labels, categories) = rendering.expect("a new request was prepared");
            rec.labels = labels;
            if rec.photos.iter().any(|p| p.status == PhotoCheck::Pending) {
                photos::check_soon(state.clone(), rec.request.id);
            }
            let external = (body.external_id, body.submitted_at);
            Ok(answer(&rec, external, &categories, now, false))
        }
        Outcome::Existing(prior) => {
            let caches = state.caches.clone();
            state
                .db
                .read(move |conn| {
                    let rec = requests::get(conn, prior.request_id)?;
                    let categories = all_categories(conn, &caches)?;
                    let external = (prior.external_id, prior.external_submitted_at);
                    Ok(answer(&rec, external, &categories, now, true))
                })
                .await
        }
        Outcome::Conflict(id) => Err(external_id_conflict(id)),
        Outcome::Replayed => Err(replayed()),
    }
}

/// A new request a partner files: who stands as its submitter, in which scope, for what.
#[derive(Clone, Copy)]
struct New<'a> {
    scope: &'a NodePath,
    submitter: UserId,
    category: &'a CategoryCode,
    building: &'a BuildingCode,
}

/// On a reader: the category, the building (unknown is as out of scope: a partner learns
/// nothing of buildings beyond its reach), the rules, and what storing needs.
fn decide_new(
    conn: &mut DbConnection,
    caches: &crate::cache::Caches,
    new: New<'_>,
    details: NewRequestDetails,
    now: DateTime<Utc>,
    tz: chrono_tz::Tz,
) -> Result<Prepared, ApiError> {
    let category = find_category(conn, caches, new.category)?;
    let (building, compound) = match org::find_building_and_compound(conn, new.building.as_str()) {
        Ok(found) => found,
        Err(StoreError::NotFound) => return Err(out_of_scope()),
        Err(e) => return Err(e.into()),
    };
    let submission = Submission {
        category: &category,
        building_path: building.path.clone(),
        channel: Channel::Partner,
        managing_company: compound.property_company_id,
    };
    let decided = submit_for_partner(new.submitter, new.scope, submission, now, tz)?;
    let target = Resolved {
        building,
        compound,
        household: None,
    };
    prepare(conn, caches, target, &category, decided, details, now)
}

/// Files a request for a partner that is neither idempotent nor signed: what Open311's
/// `POST requests` does with a partner's `api_key`. The same rules, screening, deadlines and
/// storage as a push; the partner's service account is made if it has none yet.
pub(crate) async fn file(
    state: &web::Data<AppState>,
    partner: &Partner,
    building: BuildingCode,
    common: Common,
) -> Result<RequestRecord, ApiError> {
    let now = state.clock.now();
    let p = partner.clone();
    let submitter = state
        .db
        .write(move |conn| {
            let account = |conn: &mut DbConnection| {
                transaction(conn, |conn| inbound::service_account(conn, &p, now))
            };
            match account(conn) {
                // Made at the same moment by another call: use that one.
                Err(StoreError::Duplicate("partner")) => Ok(account(conn)?),
                other => Ok(other?),
            }
        })
        .await?;
    let (category, details) = new_details(state, common)?;
    let (tz, caches, scope) = (state.tz, state.caches.clone(), partner.scope_path.clone());
    let mut prepared = state
        .db
        .read(move |conn| {
            let new = New {
                scope: &scope,
                submitter,
                category: &category,
                building: &building,
            };
            decide_new(conn, &caches, new, details, now, tz)
        })
        .await?;
    screen(state, None, &mut prepared.details).await?;
    let Prepared {
        new,
        event,
        details,
        labels,
        ..
    } = prepared;
    let created = state
        .db
        .write_grouped(move |conn| {
            Ok(transaction(conn, |conn| {
                requests::submit(conn, &new, &details, &event, submitter, None, None, now)
            })?)
        })
        .await?;
    let IdempotentSubmit::Created(mut rec) = created else {
        unreachable!("a submit without a key always creates");
    };
    rec.labels = labels;
    if rec.photos.iter().any(|p| p.status == PhotoCheck::Pending) {
        photos::check_soon(state.clone(), rec.request.id);
    }
    Ok(*rec)
}

/// The answer to a push: the request as a partner sees it, with the partner's id and time.
fn answer(
    rec: &RequestRecord,
    (external_id, external_submitted_at): (String, Option<DateTime<Utc>>),
    categories: &[linli_domain::category::Category],
    now: DateTime<Utc>,
    replayed: bool,
) -> PartnerSubmitted {
    PartnerSubmitted {
        request: partner_view(rec, categories, now),
        external_id,
        external_submitted_at,
        replayed,
    }
}

/// The write: looks again (another push may have won meanwhile), then stores. Two pushes of one
/// external id (or one message id) at once both get past the reader; the unique constraints
/// let one commit, and the other, rolled back whole, looks again and finds the winner.
fn commit(
    conn: &mut DbConnection,
    push: &Push,
    submitter: UserId,
    create: Option<&(NewRequest, NewRequestDetails, Event)>,
    now: DateTime<Utc>,
) -> Result<Outcome, ApiError> {
    let attempt = |conn: &mut DbConnection| {
        transaction(conn, |conn| -> Result<Outcome, StoreError> {
            let pid = push.partner_id;
            if inbound::message_seen(conn, pid, &push.message_id)? {
                return Ok(Outcome::Replayed);
            }
            if let Some(prior) = inbound::find_submission(conn, pid, push.external_id.as_str())? {
                if prior.body_hash != push.hash {
                    return Ok(Outcome::Conflict(prior.request_id));
                }
                // Accepted as a retry: this message id is now seen too.
                inbound::remember_message(conn, pid, &push.message_id, now)?;
                return Ok(Outcome::Existing(prior));
            }
            // The reader saw this id pushed before, and it is gone: it never is.
            let (new, details, event) = create.ok_or(StoreError::NotFound)?;
            let IdempotentSubmit::Created(rec) =
                requests::submit(conn, new, details, event, submitter, None, None, now)?
            else {
                unreachable!("a submit without a key always creates");
            };
            inbound::remember_submission(
                conn,
                pid,
                push.external_id.as_str(),
                rec.request.id,
                &push.hash,
                push.external_submitted_at,
                now,
            )?;
            inbound::remember_message(conn, pid, &push.message_id, now)?;
            Ok(Outcome::Created(rec))
        })
    };
    match attempt(conn) {
        Err(StoreError::Duplicate("external_id" | "webhook_id")) => Ok(attempt(conn)?),
        other => Ok(other?),
    }
}

/// One request of the partner's scope with its timeline; outside its scope, 404 as if it did
/// not exist.
pub async fn show(
    state: &AppState,
    partner: Partner,
    id: RequestId,
) -> Result<PartnerRequestDetail, ApiError> {
    let now = state.clock.now();
    let caches = state.caches.clone();
    state
        .db
        .read(move |conn| {
            let rec = match requests::get(conn, id) {
                Ok(rec) => rec,
                Err(StoreError::NotFound) => return Err(not_found()),
                Err(e) => return Err(e.into()),
            };
            if !may_read(&partner.scope_path, &rec.request.building_path) {
                return Err(not_found());
            }
            let pushed = inbound::submission_of(conn, partner.id, id)?;
            let timeline = requests::timeline(conn, id)?
                .into_iter()
                .map(partner_timeline_entry)
                .collect();
            let categories = all_categories(conn, &caches)?;
            Ok(PartnerRequestDetail {
                request: partner_view(&rec, &categories, now),
                external_id: pushed.as_ref().map(|p| p.external_id.clone()),
                external_submitted_at: pushed.and_then(|p| p.external_submitted_at),
                timeline,
            })
        })
        .await
}

fn encode_cursor(row: i64) -> String {
    URL_SAFE_NO_PAD.encode(format!("p:{row}"))
}

fn decode_cursor(s: &str) -> Option<i64> {
    let raw = URL_SAFE_NO_PAD.decode(s).ok()?;
    String::from_utf8(raw)
        .ok()?
        .strip_prefix("p:")?
        .parse()
        .ok()
}

/// The requests the partner pushed, newest first, or the one pushed under an external id.
pub async fn list(
    state: &AppState,
    partner: Partner,
    p: PartnerListParams,
) -> Result<PartnerRequestPage, ApiError> {
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
        None => None,
        Some(c) => {
            let row = decode_cursor(c);
            if row.is_none() {
                f.push("cursor", "invalid", "分页游标无效", "Invalid cursor");
            }
            row
        }
    };
    let external_id = match p.external_id.as_deref() {
        None => None,
        Some(e) => f.check("external_id", ExternalId::parse(e)),
    };
    f.finish()?;
    let now = state.clock.now();
    let caches = state.caches.clone();
    state
        .db
        .read(move |conn| {
            let (pushed, more) = match &external_id {
                Some(e) => (
                    inbound::find_submission(conn, partner.id, e.as_str())?
                        .into_iter()
                        .collect(),
                    false,
                ),
                None => {
                    let mut rows = inbound::submissions(conn, partner.id, before, limit + 1)?;
                    let more = rows.len() as i64 > limit;
                    rows.truncate(limit as usize);
                    (rows, more)
                }
            };
            let next_cursor = more
                .then(|| pushed.last().map(|s: &Pushed| encode_cursor(s.id)))
                .flatten();
            let categories = all_categories(conn, &caches)?;
            // Its own pushes: each was checked to lie in its scope when it was pushed.
            let items = pushed
                .into_iter()
                .map(|s| {
                    let rec = requests::get(conn, s.request_id)?;
                    Ok(PartnerRequestItem {
                        request: partner_view(&rec, &categories, now),
                        external_id: s.external_id,
                        external_submitted_at: s.external_submitted_at,
                    })
                })
                .collect::<Result<_, ApiError>>()?;
            Ok(PartnerRequestPage { items, next_cursor })
        })
        .await
}

/// Forgets the `webhook-id`s accepted longer ago than [`KEEP_MESSAGE_IDS`] (run by the
/// periodic sweep); returns how many.
pub async fn forget_old_message_ids(state: &AppState) -> Result<usize, ApiError> {
    let before = state.clock.now() - KEEP_MESSAGE_IDS;
    state
        .db
        .write(move |conn| Ok(inbound::forget_messages(conn, before)?))
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_reject_garbage() {
        assert_eq!(decode_cursor(&encode_cursor(42)), Some(42));
        assert_eq!(decode_cursor("garbage!"), None);
        assert_eq!(decode_cursor(&URL_SAFE_NO_PAD.encode("r:1")), None);
    }
}
