//! A concern or hazard becomes a request in one call: filed through the submit endpoint's own
//! steps (the category, the rules of the `butler` channel, screening, storing with its event and
//! outbox row), submitted by the butler, and linked to the log in the same transaction. A log
//! becomes at most one request: the link is set only while empty, and the loser of a race rolls
//! back whole and answers with the winner's request. A hazard fixed on the spot is resolved on
//! the spot (`Command::ResolveOnSpot`, the butler as resolver) in that transaction too.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use linli_domain::access::Actor;
use linli_domain::butler::{ConvertError, LogFacts, conversion, may_log, request_text};
use linli_domain::category::{Category, CategoryCode};
use linli_domain::request::{
    Channel, Command, Context, Event, NewRequest, Submission, decide, submit as decide_submit,
};
use linli_domain::text::{Description, LocationText, PhotoUrls};
use linli_domain::{OrgNodeId, RequestId};
use linli_persistence::butlers::work_logs;
use linli_persistence::requests::{self, IdempotentSubmit, NewRequestDetails};
use linli_persistence::tx::transaction;
use linli_persistence::{DbConnection, StoreError, org};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::work_logs::{WorkLogView, load_visible, not_allowed};
use crate::error::{ApiError, Msg};
use crate::requests::submit::{
    Common, Prepared, Resolved, find_category, new_details, prepare, screen,
};
use crate::state::AppState;
use crate::validation::Fields;

/// What the request is made of.
pub(crate) struct Source {
    pub building: OrgNodeId,
    pub household: Option<OrgNodeId>,
    pub description: Description,
    pub place: Option<LocationText>,
    pub photos: PhotoUrls,
}

/// A request the rules accepted, screened, ready to store with the log.
pub(crate) struct Filing {
    new: NewRequest,
    event: Event,
    details: NewRequestDetails,
    category: Category,
}

/// The category asked for, or 422 on `category`.
fn category_code(code: &str) -> Result<CategoryCode, ApiError> {
    CategoryCode::parse(code).map_err(|_| {
        let mut f = Fields::new();
        f.push(
            "category",
            "not_found",
            "服务类别不存在",
            "No such service category",
        );
        f.finish().expect_err("one error")
    })
}

/// Decides and screens the request a log becomes, as the submit endpoint does for the `butler`
/// channel (on a reader, then the word list).
pub(crate) async fn prepare_filing(
    state: &AppState,
    actor: Arc<Actor>,
    source: Source,
    category: &str,
) -> Result<Filing, ApiError> {
    let code = category_code(category)?;
    let (code, details) = new_details(
        state,
        Common {
            category: code,
            description: source.description,
            location: source.place,
            photos: source.photos,
            phone: None,
        },
    )?;
    let now = state.clock.now();
    let (tz, caches) = (state.tz, state.caches.clone());
    let (building_id, household) = (source.building, source.household);
    let (prepared, category) = state
        .db
        .read(move |conn| {
            let category = find_category(conn, &caches, &code)?;
            let building = org::get_node(conn, building_id)?;
            let compound =
                org::get_node(conn, building.parent_id.expect("a building has a compound"))?;
            let decided = decide_submit(
                &actor,
                Submission {
                    category: &category,
                    building_path: building.path.clone(),
                    channel: Channel::Butler,
                    managing_company: compound.property_company_id,
                },
                now,
                tz,
            )?;
            let target = Resolved {
                building,
                compound,
                household,
            };
            let prepared = prepare(conn, &caches, target, &category, decided, details, now)?;
            Ok((prepared, category))
        })
        .await?;
    let Prepared {
        new,
        event,
        mut details,
        ..
    } = prepared;
    screen(state, None, &mut details).await?;
    Ok(Filing {
        new,
        event,
        details,
        category,
    })
}

/// Inside the caller's transaction: stores the request, links the log to it, and resolves it on
/// the spot when `fixed`. `Stale` when the log had a request already (the caller rolls back).
pub(crate) fn file(
    conn: &mut DbConnection,
    log: i64,
    f: &Filing,
    actor: &Actor,
    fixed: bool,
    tz: Tz,
    now: DateTime<Utc>,
) -> Result<RequestId, ApiError> {
    let by = actor.user_id;
    let IdempotentSubmit::Created(rec) =
        requests::submit(conn, &f.new, &f.details, &f.event, by, None, None, now)?
    else {
        unreachable!("a submit without a key always creates");
    };
    if !work_logs::link_request(conn, log, rec.request.id, now)? {
        return Err(StoreError::Stale.into());
    }
    if fixed {
        let ctx = Context {
            now,
            tz,
            category: &f.category,
        };
        let t = decide(&rec.request, actor, &Command::ResolveOnSpot, &ctx)?;
        requests::apply(conn, &rec, &t, Some(by), Some("现场已解决"), now)?;
    }
    Ok(rec.request.id)
}

/// Which category a converted log goes to.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct ConvertBody {
    /// Service category code; default `property` for hazards, `mediation` for disputes,
    /// `home_life` for the concerns of other logs.
    #[schema(example = "property")]
    pub category: Option<String>,
}

/// A log and the request it became.
#[derive(Debug, Serialize, ToSchema)]
pub struct Converted {
    /// The log, with `request_id`.
    pub work_log: WorkLogView,
    /// The request.
    pub request_id: i64,
    /// True when the log had become this request before (a repeated call): nothing new.
    pub replayed: bool,
}

fn refused(e: ConvertError) -> ApiError {
    match e {
        ConvertError::AlreadyConverted(id) => ApiError::conflict(
            "work_log.already_converted",
            Msg::new("该记录已转为诉求", "The log became a request already"),
        )
        .with_details(serde_json::json!({ "request_id": id.0 })),
        ConvertError::NothingToConvert => ApiError::unprocessable(
            "work_log.nothing_to_convert",
            Msg::new(
                "该记录没有隐患或居民诉求，无需转为诉求",
                "The log records no hazard and no concerns",
            ),
        ),
    }
}

/// Turns a log's hazard or concerns into a request (channel `butler`, submitted by the caller).
/// A log that became a request already answers with it (`replayed`), so a double click makes
/// one request.
pub async fn convert(
    state: &AppState,
    actor: Actor,
    id: i64,
    body: ConvertBody,
) -> Result<Converted, ApiError> {
    let actor = Arc::new(actor);
    let log = {
        let actor = actor.clone();
        state
            .db
            .read(move |conn| {
                let log = load_visible(conn, &actor, id)?;
                if !may_log(&actor, &log.building_path) {
                    return Err(not_allowed());
                }
                Ok(log)
            })
            .await?
    };
    let facts = LogFacts {
        kind: log.kind,
        has_concerns: log.concerns.is_some(),
        request: log.request_id,
    };
    let plan = match conversion(facts) {
        Ok(p) => p,
        Err(ConvertError::AlreadyConverted(_)) => return replay(state, id).await,
        Err(e) => return Err(refused(e)),
    };
    let description = Description::parse(&request_text(
        log.kind,
        log.hazard,
        &log.summary,
        log.concerns.as_deref(),
        Description::MAX_CHARS,
    ))
    .map_err(ApiError::internal)?;
    let place = log
        .place
        .as_deref()
        .map(LocationText::parse)
        .transpose()
        .map_err(ApiError::internal)?;
    let photos =
        PhotoUrls::parse(log.photo_urls.iter().map(String::as_str)).map_err(ApiError::internal)?;
    let category = body
        .category
        .unwrap_or_else(|| plan.default_category.to_owned());
    let filing = prepare_filing(
        state,
        actor.clone(),
        Source {
            building: log.building_id,
            household: log.household.as_ref().map(|(h, _)| *h),
            description,
            place,
            photos,
        },
        &category,
    )
    .await?;
    let tz = state.tz;
    let now = state.clock.now();
    let fixed = log.fixed_on_spot;
    let created = state
        .db
        .write(move |conn| {
            let attempt = |conn: &mut DbConnection| {
                transaction(conn, |conn| {
                    if work_logs::get(conn, id)?.request_id.is_some() {
                        return Ok(false);
                    }
                    file(conn, id, &filing, &actor, fixed, tz, now)?;
                    Ok::<_, ApiError>(true)
                })
            };
            match attempt(conn) {
                // Another conversion linked it between our look and our write: theirs stands.
                Err(e) if e.code() == "conflict.concurrent_update" => Ok(false),
                other => other,
            }
        })
        .await?;
    if !created {
        return replay(state, id).await;
    }
    let log = state
        .db
        .read(move |conn| Ok(work_logs::get(conn, id)?))
        .await?;
    Ok(Converted {
        request_id: log.request_id.map(|r| r.0).unwrap_or_default(),
        work_log: log.into(),
        replayed: false,
    })
}

async fn replay(state: &AppState, id: i64) -> Result<Converted, ApiError> {
    let log = state
        .db
        .read(move |conn| Ok(work_logs::get(conn, id)?))
        .await?;
    let request = log
        .request_id
        .ok_or_else(|| ApiError::internal(anyhow::anyhow!("work log {id} lost its request")))?;
    Ok(Converted {
        request_id: request.0,
        work_log: log.into(),
        replayed: true,
    })
}

/// The log a request was made from, for the request's view.
pub fn source_of(conn: &mut DbConnection, request: RequestId) -> Result<Option<i64>, ApiError> {
    Ok(work_logs::log_of_request(conn, request)?)
}
