//! Recording and reading work logs. A hazard fixed on the spot is filed as a request and
//! resolved on the spot in the same transaction as the log (see [`super::convert`]).

use chrono::{DateTime, Duration, Utc};
use linli_domain::access::Actor;
use linli_domain::butler::{
    HazardFieldsGiven, HazardKind, NewLogError, Severity, WorkLogKind, check_new, may_log,
    may_see_log,
};
use linli_domain::content::{ContentReview, Scene, Subject};
use linli_domain::org::{BuildingCode, NodeKind};
use linli_domain::request::Visibility;
use linli_domain::text::{Description, LocationText, Note, PhotoUrls};
use linli_domain::{OrgNodeId, UserId};
use linli_persistence::butlers::work_logs::{self, LogQuery, NewWorkLog, WorkLog};
use linli_persistence::{DbConnection, StoreError, org};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::convert;
use super::wire::{HazardKindDto, SeverityDto, WorkLogKindDto};
use crate::content::screen::screen_text;
use crate::error::{ApiError, Msg};
use crate::requests::wire::ContentReviewDto;
use crate::state::AppState;
use crate::validation::Fields;

/// How far ahead of the server's clock a log's time may be (phones' clocks drift).
const CLOCK_SLACK: Duration = Duration::minutes(5);

/// A new work log.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
pub struct NewWorkLogBody {
    /// What was done.
    pub kind: WorkLogKindDto,
    /// The building (its public code). Give this, `household_id`, or both.
    #[schema(example = "DX-01-1")]
    pub building_code: Option<String>,
    /// The household visited.
    pub household_id: Option<i64>,
    /// When it was done; default now. Not in the future.
    pub occurred_at: Option<DateTime<Utc>>,
    /// What happened, 1–1,000 characters.
    #[schema(example = "走访独居老人，身体状况良好")]
    pub summary: String,
    /// Concerns residents raised (民情), up to 1,000 characters.
    #[schema(example = "反映楼道灯不亮")]
    pub concerns: Option<String>,
    /// Hazards: where, up to 200 characters.
    #[schema(example = "3单元一楼楼道")]
    pub place: Option<String>,
    /// Hazards: what kind.
    pub hazard_kind: Option<HazardKindDto>,
    /// Hazards: how serious.
    pub severity: Option<SeverityDto>,
    /// Photos (http(s) URLs), at most 9.
    #[serde(default)]
    pub photo_urls: Vec<String>,
    /// Hazards: fixed there and then. The hazard is filed as a request (channel `butler`) and
    /// resolved on the spot by the author, with the log.
    #[serde(default)]
    pub fixed_on_spot: bool,
    /// With `fixed_on_spot`: the request's service category; default `property`.
    pub category: Option<String>,
}

/// Filters for the list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct WorkLogParams {
    /// Only of this kind.
    #[param(inline)]
    pub kind: Option<WorkLogKindDto>,
    /// Only under this org node (id).
    pub node: Option<i64>,
    /// Only by this author: `me` or a user id.
    pub author: Option<String>,
    /// Page size, 1–100; default 20.
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// The building of a log.
#[derive(Debug, Serialize, ToSchema)]
pub struct LogBuilding {
    /// Node id.
    pub id: i64,
    /// Public code.
    #[schema(example = "DX-01-1")]
    pub code: Option<String>,
    /// Name.
    pub name: String,
}

/// The household of a log.
#[derive(Debug, Serialize, ToSchema)]
pub struct LogHousehold {
    /// Node id.
    pub id: i64,
    /// Unit and room.
    #[schema(example = "1单元101")]
    pub name: String,
}

/// Who wrote a log.
#[derive(Debug, Serialize, ToSchema)]
pub struct LogAuthor {
    /// User id.
    pub id: i64,
    /// Name.
    pub display_name: String,
}

/// A work log.
#[derive(Debug, Serialize, ToSchema)]
pub struct WorkLogView {
    /// Id.
    pub id: i64,
    /// What was done.
    pub kind: WorkLogKindDto,
    /// Where.
    pub building: LogBuilding,
    /// The household visited.
    pub household: Option<LogHousehold>,
    /// Who did it.
    pub author: LogAuthor,
    /// When it was done.
    pub occurred_at: DateTime<Utc>,
    /// What happened.
    pub summary: String,
    /// Concerns raised.
    pub concerns: Option<String>,
    /// Content review of its text (`pending` when the word list matched).
    pub text_review: ContentReviewDto,
    /// Hazards: where.
    pub place: Option<String>,
    /// Hazards: what kind.
    pub hazard_kind: Option<HazardKindDto>,
    /// Hazards: how serious.
    pub severity: Option<SeverityDto>,
    /// Photos.
    pub photo_urls: Vec<String>,
    /// Hazards: fixed on the spot.
    pub fixed_on_spot: bool,
    /// The request it became.
    pub request_id: Option<i64>,
    /// When.
    pub converted_at: Option<DateTime<Utc>>,
    /// When it was recorded.
    pub created_at: DateTime<Utc>,
}

impl From<WorkLog> for WorkLogView {
    fn from(l: WorkLog) -> Self {
        WorkLogView {
            id: l.id,
            kind: l.kind.into(),
            building: LogBuilding {
                id: l.building_id.0,
                code: l.building.1,
                name: l.building.0,
            },
            household: l
                .household
                .map(|(id, name)| LogHousehold { id: id.0, name }),
            author: LogAuthor {
                id: l.author.0,
                display_name: l.author_name,
            },
            occurred_at: l.occurred_at,
            summary: l.summary,
            concerns: l.concerns,
            text_review: l.text_review.into(),
            place: l.place,
            hazard_kind: l.hazard.map(|(k, _)| k.into()),
            severity: l.hazard.map(|(_, s)| s.into()),
            photo_urls: l.photo_urls,
            fixed_on_spot: l.fixed_on_spot,
            request_id: l.request_id.map(|r| r.0),
            converted_at: l.converted_at,
            created_at: l.created_at,
        }
    }
}

/// A page of logs.
#[derive(Debug, Serialize, ToSchema)]
pub struct WorkLogPage {
    /// Newest first.
    pub items: Vec<WorkLogView>,
    /// Pass as `cursor` for the next page; null on the last.
    pub next_cursor: Option<String>,
}

pub(crate) fn not_found() -> ApiError {
    ApiError::not_found(
        "work_log.not_found",
        Msg::new("工作记录不存在", "No such work log"),
    )
}

pub(crate) fn not_allowed() -> ApiError {
    ApiError::forbidden(
        "work_log.forbidden",
        Msg::new(
            "只有本楼栋的兴管家和本网格的网格员可以记录",
            "Only the building's butlers and its grid's workers log work there",
        ),
    )
}

/// Loads a log the actor sees, else 404.
pub(crate) fn load_visible(
    conn: &mut DbConnection,
    actor: &Actor,
    id: i64,
) -> Result<WorkLog, ApiError> {
    match work_logs::get(conn, id) {
        Ok(l) if may_see_log(actor, &l.building_path, l.author) => Ok(l),
        Ok(_) | Err(StoreError::NotFound) => Err(not_found()),
        Err(e) => Err(e.into()),
    }
}

/// A log whose fields checked out, before the building is found.
struct Checked {
    kind: WorkLogKind,
    building: Option<BuildingCode>,
    household: Option<OrgNodeId>,
    occurred_at: DateTime<Utc>,
    summary: Note,
    concerns: Option<Note>,
    place: Option<LocationText>,
    hazard: Option<(HazardKind, Severity)>,
    photos: PhotoUrls,
    fixed_on_spot: bool,
}

fn check(body: &NewWorkLogBody, now: DateTime<Utc>) -> Result<Checked, ApiError> {
    let mut f = Fields::new();
    let kind: WorkLogKind = body.kind.into();
    let building = match body.building_code.as_deref() {
        None => None,
        Some(c) => match BuildingCode::parse(c) {
            Ok(c) => Some(c),
            Err(e) => {
                f.push(
                    "building_code",
                    "invalid_format",
                    "楼栋编码格式不正确",
                    e.to_string(),
                );
                None
            }
        },
    };
    if body.building_code.is_none() && body.household_id.is_none() {
        f.push(
            "building_code",
            "required",
            "请填写楼栋编码或住户",
            "building_code or household_id is required",
        );
    }
    let occurred_at = body.occurred_at.unwrap_or(now);
    if occurred_at > now + CLOCK_SLACK {
        f.push(
            "occurred_at",
            "in_future",
            "时间不能晚于当前时间",
            "occurred_at is in the future",
        );
    }
    let summary = f.check("summary", Note::parse(&body.summary));
    let concerns = match body.concerns.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(c) => f.check("concerns", Note::parse(c)),
    };
    let place = match body.place.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(p) => f.check("place", LocationText::parse(p)),
    };
    let photos = f.check(
        "photo_urls",
        PhotoUrls::parse(body.photo_urls.iter().map(String::as_str)),
    );
    let given = HazardFieldsGiven {
        place: body.place.as_deref().is_some_and(|p| !p.trim().is_empty()),
        hazard_kind: body.hazard_kind.is_some(),
        severity: body.severity.is_some(),
        fixed_on_spot: body.fixed_on_spot,
    };
    for e in check_new(kind, given) {
        match e {
            NewLogError::HazardFieldMissing { field } => f.push(
                field,
                "required",
                "隐患排查须填写地点、隐患类别和严重程度",
                e.to_string(),
            ),
            NewLogError::NotAHazard { field } => f.push(
                field,
                "not_a_hazard",
                "只有隐患排查记录填写此项",
                e.to_string(),
            ),
        }
    }
    if body.category.is_some() && !body.fixed_on_spot {
        f.push(
            "category",
            "unused",
            "仅现场解决的隐患需要服务类别",
            "category goes with fixed_on_spot only",
        );
    }
    f.finish()?;
    let hazard = body
        .hazard_kind
        .zip(body.severity)
        .map(|(k, s)| (k.into(), s.into()));
    Ok(Checked {
        kind,
        building,
        household: body.household_id.map(OrgNodeId),
        occurred_at,
        summary: summary.expect("checked"),
        concerns,
        place,
        hazard,
        photos: photos.expect("checked"),
        fixed_on_spot: body.fixed_on_spot,
    })
}

/// The building (and household) a log is for, found in the tree.
fn locate(
    conn: &mut DbConnection,
    building: Option<&BuildingCode>,
    household: Option<OrgNodeId>,
) -> Result<(org::OrgNode, Option<OrgNodeId>), ApiError> {
    let unknown = |field: &str, zh: &str, en: &str| {
        let mut f = Fields::new();
        f.push(field, "not_found", zh, en);
        f.finish().expect_err("one error")
    };
    let by_household = match household {
        None => None,
        Some(h) => match org::get_node(conn, h) {
            Ok(n) if n.kind == NodeKind::Household => {
                let b = org::get_node(conn, n.parent_id.expect("a household has a building"))?;
                Some((b, n.id))
            }
            Ok(_) | Err(StoreError::NotFound) => {
                return Err(unknown("household_id", "住户不存在", "No such household"));
            }
            Err(e) => return Err(e.into()),
        },
    };
    let by_code = match building {
        None => None,
        Some(code) => match org::find_building(conn, code.as_str()) {
            Ok(b) => Some(b),
            Err(StoreError::NotFound) => {
                return Err(unknown(
                    "building_code",
                    "楼栋不存在",
                    "No building has this code",
                ));
            }
            Err(e) => return Err(e.into()),
        },
    };
    match (by_code, by_household) {
        (Some(b), Some((hb, h))) if b.id == hb.id => Ok((b, Some(h))),
        (Some(_), Some(_)) => Err(unknown(
            "household_id",
            "该住户不在此楼栋",
            "The household is not in that building",
        )),
        (Some(b), None) => Ok((b, None)),
        (None, Some((b, h))) => Ok((b, Some(h))),
        (None, None) => unreachable!("one of them was required"),
    }
}

/// Records a log (and, for a hazard fixed on the spot, its request, resolved on the spot).
///
/// With an `Idempotency-Key` the author used before, nothing new is stored and the first log
/// is answered (`true`): a retry never logs twice, nor files a fixed hazard twice.
pub async fn record(
    state: &AppState,
    actor: Actor,
    body: NewWorkLogBody,
    key: Option<String>,
) -> Result<(WorkLogView, bool), ApiError> {
    let now = state.clock.now();
    let hash = key
        .as_ref()
        .map(|_| crate::idempotency::body_hash(&state.cipher, &body));
    if let Some(id) = earlier(state, actor.user_id, key.clone(), hash.clone()).await? {
        return Ok((view(state, id).await?, true));
    }
    let c = check(&body, now)?;
    let (building_code, household) = (c.building.clone(), c.household);
    let actor = std::sync::Arc::new(actor);
    let building = {
        let actor = actor.clone();
        state
            .db
            .read(move |conn| {
                let (building, household) = locate(conn, building_code.as_ref(), household)?;
                if !may_log(&actor, &building.path) {
                    return Err(not_allowed());
                }
                Ok((building, household))
            })
            .await?
    };
    let (building, household) = building;
    // Staff text: the word list (WeChat checks residents' text only). A match is kept, flagged.
    let mut text = c.summary.as_str().to_owned();
    for extra in [
        c.concerns.as_ref().map(Note::as_str),
        c.place.as_ref().map(LocationText::as_str),
    ]
    .into_iter()
    .flatten()
    {
        text.push('\n');
        text.push_str(extra);
    }
    let screened = screen_text(state, None, &text, Scene::NOTE, Subject::Text, "summary").await?;
    let new = NewWorkLog {
        community_id: building.community_id.ok_or_else(|| {
            ApiError::internal(anyhow::anyhow!("building {} has no community", building.id))
        })?,
        building_id: building.id,
        building_path: building.path.clone(),
        household_id: household,
        kind: c.kind,
        author: actor.user_id,
        occurred_at: c.occurred_at,
        summary: c.summary.as_str().to_owned(),
        concerns: c.concerns.as_ref().map(|n| n.as_str().to_owned()),
        text_review: if screened.review == ContentReview::Pending {
            ContentReview::Pending
        } else {
            ContentReview::None
        },
        place: c.place.as_ref().map(|p| p.as_str().to_owned()),
        hazard: c.hazard,
        photo_urls: c
            .photos
            .as_slice()
            .iter()
            .map(|p| p.as_str().to_owned())
            .collect(),
        fixed_on_spot: c.fixed_on_spot,
        idempotency_key: key.clone(),
        idempotency_hash: hash.clone(),
    };
    let filing = if c.fixed_on_spot {
        let description = Description::parse(&linli_domain::butler::request_text(
            c.kind,
            c.hazard,
            c.summary.as_str(),
            c.concerns.as_ref().map(Note::as_str),
            Description::MAX_CHARS,
        ))
        .map_err(ApiError::internal)?;
        let category = body.category.unwrap_or_else(|| "property".to_owned());
        Some(
            convert::prepare_filing(
                state,
                actor.clone(),
                convert::Source {
                    building: building.id,
                    household,
                    description,
                    place: c.place.clone(),
                    photos: c.photos.clone(),
                },
                &category,
            )
            .await?,
        )
    } else {
        None
    };
    let tz = state.tz;
    let author = actor.user_id;
    let written = state
        .db
        .write(move |conn| {
            linli_persistence::tx::transaction(conn, |conn| {
                // In a savepoint: the same key at the same moment (another instance) loses here,
                // and on PostgreSQL the failed insert must not spoil the transaction.
                let id = match linli_persistence::tx::transaction(conn, |conn| {
                    work_logs::insert(conn, &new, now)
                }) {
                    Ok(id) => id,
                    Err(StoreError::Duplicate("idempotency_key")) => return Ok(None),
                    Err(e) => return Err(e.into()),
                };
                let request = match &filing {
                    Some(f) => Some(convert::file(conn, id, f, &actor, true, tz, now)?),
                    None => None,
                };
                super::events::recorded(conn, &new, id, request, now)?;
                Ok::<_, ApiError>(Some(id))
            })
        })
        .await?;
    match written {
        Some(id) => Ok((view(state, id).await?, false)),
        None => match earlier(state, author, key, hash).await? {
            Some(id) => Ok((view(state, id).await?, true)),
            None => Err(ApiError::internal(anyhow::anyhow!(
                "an idempotency key clashed but its log is not there"
            ))),
        },
    }
}

/// The log this author recorded under `key`, if they sent one and did; 422 when that log came
/// with another body (`hash` is this body's).
async fn earlier(
    state: &AppState,
    author: UserId,
    key: Option<String>,
    hash: Option<String>,
) -> Result<Option<i64>, ApiError> {
    let (Some(key), Some(hash)) = (key, hash) else {
        return Ok(None);
    };
    let found = state
        .db
        .read(move |conn| Ok(work_logs::find_by_key(conn, author, &key)?))
        .await?;
    match found {
        Some((id, first)) => {
            crate::idempotency::check_replay(first.as_deref(), &hash)?;
            Ok(Some(id))
        }
        None => Ok(None),
    }
}

async fn view(state: &AppState, id: i64) -> Result<WorkLogView, ApiError> {
    state
        .db
        .read(move |conn| Ok(work_logs::get(conn, id)?.into()))
        .await
}

/// One log the actor sees.
pub async fn show(state: &AppState, actor: Actor, id: i64) -> Result<WorkLogView, ApiError> {
    state
        .db
        .read(move |conn| Ok(load_visible(conn, &actor, id)?.into()))
        .await
}

/// The logs the actor sees, newest first.
pub async fn list(
    state: &AppState,
    actor: Actor,
    p: WorkLogParams,
) -> Result<WorkLogPage, ApiError> {
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
        Some(c) => match c.parse::<i64>() {
            Ok(v) => Some(v),
            Err(_) => {
                f.push("cursor", "invalid", "分页游标无效", "Invalid cursor");
                None
            }
        },
    };
    let author = match p.author.as_deref() {
        None => None,
        Some("me") => Some(actor.user_id),
        Some(s) => match s.parse::<i64>() {
            Ok(v) => Some(UserId(v)),
            Err(_) => {
                f.push(
                    "author",
                    "invalid",
                    "author 应为 me 或用户编号",
                    "author is `me` or a user id",
                );
                None
            }
        },
    };
    f.finish()?;
    state
        .db
        .read(move |conn| {
            let within = match p.node {
                None => None,
                Some(n) => match org::get_node(conn, OrgNodeId(n)) {
                    Ok(node) => Some(node.path),
                    Err(StoreError::NotFound) => {
                        Some(linli_domain::org::NodePath::root(OrgNodeId(n)))
                    }
                    Err(e) => return Err(e.into()),
                },
            };
            let q = LogQuery {
                subtrees: Visibility::of(&actor).subtrees,
                own: Some(actor.user_id),
                within,
                kind: p.kind.map(Into::into),
                author,
                before,
                limit: limit + 1,
            };
            let mut items = work_logs::list(conn, &q)?;
            let more = items.len() as i64 > limit;
            items.truncate(limit as usize);
            let next_cursor = more
                .then(|| items.last().map(|l| l.id.to_string()))
                .flatten();
            Ok(WorkLogPage {
                items: items.into_iter().map(Into::into).collect(),
                next_cursor,
            })
        })
        .await
}
