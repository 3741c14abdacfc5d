//! 点单: a resident (or staff on their behalf) submits a request. The steps a partner's push
//! shares (checking the common fields, the category, completing and screening an accepted
//! submission) are `pub(crate)` here for [`super::partner_inbound`].

use actix_web::web;
use chrono::Duration;
use linli_domain::category::{Category, CategoryCode};
use linli_domain::content::{PhotoCheck, Scene, Subject};
use linli_domain::org::{BuildingCode, NodeKind};
use linli_domain::request::{
    Channel, Event, NewRequest, Submission, may_report_for_household, submit as decide_submit,
};
use linli_domain::text::{Description, LocationText, PhoneNumber, PhotoUrls};
use linli_domain::{OrgNodeId, RequestId};
use linli_persistence::StoreError;
use linli_persistence::requests::{
    self, DuplicateHint, IdempotentSubmit, Labels, NewRequestDetails, Screened, find_idempotent,
    possible_duplicates,
};
use linli_persistence::{DbConnection, categories, org};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::view::{SubmitResponse, all_categories, render};
use super::wire::ChannelDto;
use crate::auth::Auth;
use crate::content::photos;
use crate::content::screen::{screen_text, wechat_author};
use crate::error::{ApiError, Msg};
use crate::state::AppState;
use crate::validation::Fields;

/// How far back a possible duplicate may have been submitted.
const DUPLICATE_WINDOW: Duration = Duration::days(30);

/// A new request.
#[derive(Debug, Deserialize, ToSchema)]
pub struct SubmitBody {
    /// Service category code (see `GET /api/v1/categories`).
    #[schema(example = "property")]
    pub category: String,
    /// What is wrong, 1–2,000 characters.
    #[schema(example = "3单元楼道灯坏了一周，晚上看不见台阶")]
    pub description: String,
    /// The building (its public code, as on its QR code). Give this or `household_id`.
    #[schema(example = "DX-01-1")]
    pub building_code: Option<String>,
    /// The household, when the problem is inside one. Give this or `building_code`.
    pub household_id: Option<i64>,
    /// Where exactly, up to 200 characters.
    pub location_text: Option<String>,
    /// Photos uploaded beforehand (http(s) URLs), at most 9.
    #[serde(default)]
    pub photo_urls: Vec<String>,
    /// A phone to call back: a mainland mobile or a landline.
    #[schema(example = "13812345678")]
    pub contact_phone: Option<String>,
    /// How it came in; default `mini_program`. Staff use `front_desk`, `hotline` or `butler`.
    pub channel: Option<ChannelDto>,
}

/// The normalised submission: what the idempotency hash covers.
#[derive(Serialize)]
struct Canonical<'a> {
    category: &'a str,
    description: &'a str,
    building_code: Option<&'a str>,
    household_id: Option<i64>,
    location_text: Option<&'a str>,
    photo_urls: Vec<&'a str>,
    contact_phone: Option<&'a str>,
    channel: &'a str,
}

/// Where the request is for.
enum Target {
    Building(BuildingCode),
    Household(OrgNodeId),
}

/// The outcome: a new request, or the replay of an earlier submit with the same key.
pub struct Submitted {
    /// What to answer.
    pub response: SubmitResponse,
    /// True when an `Idempotency-Key` replayed an earlier result.
    pub replayed: bool,
}

/// Submits a request. Its text is screened before it is stored (see [`crate::content`]); its
/// photos are submitted for WeChat's image check after the request is stored, off the request
/// path.
pub async fn submit(
    state: &web::Data<AppState>,
    auth: Auth,
    body: SubmitBody,
    key: Option<String>,
) -> Result<Submitted, ApiError> {
    let mut f = Fields::new();
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
    let target = match (body.building_code.as_deref(), body.household_id) {
        (Some(code), None) => match BuildingCode::parse(code) {
            Ok(c) => Some(Target::Building(c)),
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
        (None, Some(h)) => Some(Target::Household(OrgNodeId(h))),
        (Some(_), Some(_)) => {
            f.push(
                "household_id",
                "conflict",
                "楼栋编码和住户只能填写一个",
                "Give building_code or household_id, not both",
            );
            None
        }
        (None, None) => {
            f.push(
                "building_code",
                "required",
                "请填写楼栋编码或住户",
                "building_code or household_id is required",
            );
            None
        }
    };
    let channel: Channel = body.channel.unwrap_or(ChannelDto::MiniProgram).into();
    f.finish()?;
    let (Some(common), Some(target)) = (common, target) else {
        unreachable!("every missing value recorded a field error");
    };

    let canonical = Canonical {
        category: common.category.as_str(),
        description: common.description.as_str(),
        building_code: match &target {
            Target::Building(c) => Some(c.as_str()),
            Target::Household(_) => None,
        },
        household_id: match &target {
            Target::Household(h) => Some(h.0),
            Target::Building(_) => None,
        },
        location_text: common.location.as_ref().map(|l| l.as_str()),
        photo_urls: common
            .photos
            .as_slice()
            .iter()
            .map(|p| p.as_str())
            .collect(),
        contact_phone: common.phone.as_ref().map(|p| p.as_str()),
        channel: channel.as_str(),
    };
    let hash = crate::idempotency::body_hash(&state.cipher, &canonical);
    let (category, details) = new_details(state, common)?;
    let now = state.clock.now();
    let openid = wechat_author(&auth);
    let tz = state.tz;
    let actor = std::sync::Arc::new(auth.actor);
    // 1. On a reader: an earlier use of the key, the category, the building; the rules decide.
    let prepared = {
        let (actor, key, caches) = (actor.clone(), key.clone(), state.caches.clone());
        state
            .db
            .read(move |conn| {
                if let Some(k) = &key
                    && let Some(seen) = find_idempotent(conn, actor.user_id, k)?
                {
                    return Ok(Err(seen));
                }
                let category = find_category(conn, &caches, &category)?;
                let (building, compound, household) = resolve_target(conn, &target, &actor)?;
                let decided = decide_submit(
                    &actor,
                    Submission {
                        category: &category,
                        building_path: building.path.clone(),
                        channel,
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
                Ok(Ok(prepare(
                    conn, &caches, target, &category, decided, details, now,
                )?))
            })
            .await?
    };
    let Prepared {
        new,
        event,
        mut details,
        labels,
        dupes,
        categories,
    } = match prepared {
        Ok(p) => p,
        Err(seen) => {
            let (cipher, caches) = (state.cipher.clone(), state.caches.clone());
            return state
                .db
                .read(move |conn| replay(conn, seen, &hash, &actor, &cipher, &caches, now))
                .await;
        }
    };
    // 2. The rules allow it: screen the text (WeChat within its short timeout, the word list).
    // A retry that replays stops before this, so WeChat is asked once per request.
    screen(state, openid.as_deref(), &mut details).await?;
    // 3. On the writer: the request, its event and outbox row, and the key, in one transaction
    // (on SQLite committed together with the submits queued beside it).
    let outcome = {
        let (by, key, hash) = (actor.user_id, key.clone(), hash.clone());
        state
            .db
            .write_grouped(move |conn| {
                Ok(requests::submit(
                    conn,
                    &new,
                    &details,
                    &event,
                    by,
                    None,
                    key.as_deref().map(|k| (k, hash.as_str())),
                    now,
                )?)
            })
            .await?
    };
    // 4. The answer: rendered from what was written, or the winner of a race on the key.
    match outcome {
        IdempotentSubmit::Created(mut rec) => {
            rec.labels = labels;
            if rec.photos.iter().any(|p| p.status == PhotoCheck::Pending) {
                photos::check_soon(state.clone(), rec.request.id);
            }
            Ok(Submitted {
                response: SubmitResponse {
                    request: render(&rec, &categories, &actor, &state.cipher, now),
                    possible_duplicates: dupes.into_iter().map(Into::into).collect(),
                },
                replayed: false,
            })
        }
        seen => {
            let (cipher, caches) = (state.cipher.clone(), state.caches.clone());
            state
                .db
                .read(move |conn| replay(conn, seen, &hash, &actor, &cipher, &caches, now))
                .await
        }
    }
}

/// The fields every submission carries, as the client sent them.
#[derive(Clone, Copy)]
pub(crate) struct RawCommon<'a> {
    pub category: &'a str,
    pub description: &'a str,
    pub location_text: Option<&'a str>,
    pub photo_urls: &'a [String],
    pub contact_phone: Option<&'a str>,
}

/// The fields every submission carries, checked.
pub(crate) struct Common {
    pub category: CategoryCode,
    pub description: Description,
    pub location: Option<LocationText>,
    pub photos: PhotoUrls,
    pub phone: Option<PhoneNumber>,
}

/// Checks the common fields, recording each bad one in `f`; `None` when a required one is bad
/// (an optional one that is bad is left out, and `f` fails anyway).
pub(crate) fn check_common(f: &mut Fields, raw: RawCommon<'_>) -> Option<Common> {
    let category = f.check(
        "category",
        CategoryCode::parse(raw.category).map_err(UnknownCategory::from),
    );
    let description = f.check("description", Description::parse(raw.description));
    let location = match raw.location_text.map(str::trim) {
        None | Some("") => None,
        Some(s) => f.check("location_text", LocationText::parse(s)),
    };
    let photos = f.check(
        "photo_urls",
        PhotoUrls::parse(raw.photo_urls.iter().map(String::as_str)),
    );
    let phone = match raw.contact_phone.map(str::trim) {
        None | Some("") => None,
        Some(s) => f.check("contact_phone", PhoneNumber::parse(s)),
    };
    Some(Common {
        category: category?,
        description: description?,
        location,
        photos: photos?,
        phone,
    })
}

/// The request's details from the common fields (the phone encrypted, then masked), and the
/// category code to look up. Where it is for is filled in by [`prepare`].
pub(crate) fn new_details(
    state: &AppState,
    common: Common,
) -> Result<(CategoryCode, NewRequestDetails), ApiError> {
    let (phone_enc, phone_masked) = match &common.phone {
        Some(p) => (
            Some(
                state
                    .cipher
                    .encrypt(p.as_str())
                    .map_err(ApiError::internal)?,
            ),
            Some(p.masked()),
        ),
        None => (None, None),
    };
    let details = NewRequestDetails {
        community_id: OrgNodeId(0),
        building_id: OrgNodeId(0),
        compound_id: OrgNodeId(0),
        household_id: None,
        description: common.description.into_inner(),
        location_text: common.location.map(LocationText::into_inner),
        photo_urls: common
            .photos
            .into_inner()
            .into_iter()
            .map(|p| p.into_inner())
            .collect(),
        contact_phone_enc: phone_enc,
        contact_phone_masked: phone_masked,
        content: Screened::default(),
    };
    Ok((common.category, details))
}

/// A category by code: from the cache, else from storage (one added on another instance since
/// the cache was filled); unknown is 422 on the `category` field.
pub(crate) fn find_category(
    conn: &mut DbConnection,
    caches: &crate::cache::Caches,
    code: &CategoryCode,
) -> Result<Category, ApiError> {
    let cached = all_categories(conn, caches)?
        .iter()
        .find(|c| &c.code == code)
        .cloned();
    match cached {
        Some(c) => Ok(c),
        None => match categories::by_code(conn, code.as_str()) {
            Ok(c) => Ok(c),
            Err(StoreError::NotFound) => Err(unknown_category()),
            Err(e) => Err(e.into()),
        },
    }
}

/// Where a request is for, found in the org tree.
pub(crate) struct Resolved {
    pub building: org::OrgNode,
    pub compound: org::OrgNode,
    pub household: Option<OrgNodeId>,
}

/// A submission the rules accepted, ready to store and to answer.
pub(crate) struct Prepared {
    pub new: NewRequest,
    pub event: Event,
    pub details: NewRequestDetails,
    pub labels: Labels,
    pub dupes: Vec<DuplicateHint>,
    pub categories: std::sync::Arc<Vec<Category>>,
}

/// Completes an accepted submission (on a reader): where it is for, its labels, and the
/// possible duplicates the answer hints at.
pub(crate) fn prepare(
    conn: &mut DbConnection,
    caches: &crate::cache::Caches,
    target: Resolved,
    category: &Category,
    (new, event): (NewRequest, Event),
    details: NewRequestDetails,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Prepared, ApiError> {
    let Resolved {
        building,
        compound,
        household,
    } = target;
    let community = building.community_id.ok_or_else(|| {
        ApiError::internal(anyhow::anyhow!("building {} has no community", building.id))
    })?;
    let details = NewRequestDetails {
        community_id: community,
        building_id: building.id,
        compound_id: compound.id,
        household_id: household,
        ..details
    };
    // Before the insert this is the same set the new request would see after it.
    let dupes = possible_duplicates(
        conn,
        building.id,
        category.id,
        now - DUPLICATE_WINDOW,
        RequestId(0),
    )?;
    let labels = Labels {
        building_name: building.name,
        building_code: building.code,
        assignee_name: None,
    };
    Ok(Prepared {
        new,
        event,
        details,
        labels,
        dupes,
        categories: all_categories(conn, caches)?,
    })
}

/// Screens a new request's text (WeChat within its short timeout, then the word list) and sets
/// its photos' first state. Risky text is refused (422); text WeChat could not judge is stored
/// flagged for staff.
pub(crate) async fn screen(
    state: &AppState,
    openid: Option<&str>,
    details: &mut NewRequestDetails,
) -> Result<(), ApiError> {
    let text = match &details.location_text {
        Some(location) => format!("{}\n{location}", details.description),
        None => details.description.clone(),
    };
    let screened = screen_text(
        state,
        openid,
        &text,
        Scene::REQUEST,
        Subject::Text,
        "description",
    )
    .await?;
    let photo_state = PhotoCheck::initial(photos::checked(state, openid));
    details.content = Screened {
        text_review: screened.review,
        flags: screened.flag.into_iter().collect(),
        photos: vec![photo_state; details.photo_urls.len()],
    };
    Ok(())
}

fn replay(
    conn: &mut DbConnection,
    seen: IdempotentSubmit,
    hash: &str,
    actor: &linli_domain::access::Actor,
    cipher: &crate::crypto::DataCipher,
    caches: &crate::cache::Caches,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Submitted, ApiError> {
    let IdempotentSubmit::Replayed {
        request_hash,
        request_id,
    } = seen
    else {
        unreachable!("only replays come here");
    };
    if request_hash != hash {
        return Err(crate::idempotency::key_reused());
    }
    let rec = requests::get(conn, request_id)?;
    let dupes = possible_duplicates(
        conn,
        rec.building_id,
        rec.request.category_id,
        rec.request.submitted_at - DUPLICATE_WINDOW,
        rec.request.id,
    )?;
    Ok(Submitted {
        response: SubmitResponse {
            request: render(&rec, &all_categories(conn, caches)?, actor, cipher, now),
            possible_duplicates: dupes.into_iter().map(Into::into).collect(),
        },
        replayed: true,
    })
}

/// The building (with its compound) the request is for, and the household if one was named.
fn resolve_target(
    conn: &mut DbConnection,
    target: &Target,
    actor: &linli_domain::access::Actor,
) -> Result<(org::OrgNode, org::OrgNode, Option<OrgNodeId>), ApiError> {
    match target {
        Target::Building(code) => match org::find_building_and_compound(conn, code.as_str()) {
            Ok((b, c)) => Ok((b, c, None)),
            Err(StoreError::NotFound) => Err(field_not_found(
                "building_code",
                "楼栋不存在",
                "No building has this code",
            )),
            Err(e) => Err(e.into()),
        },
        Target::Household(id) => {
            let household = match org::get_node(conn, *id) {
                Ok(n) if n.kind == NodeKind::Household => n,
                Ok(_) | Err(StoreError::NotFound) => {
                    return Err(field_not_found(
                        "household_id",
                        "住户不存在",
                        "No such household",
                    ));
                }
                Err(e) => return Err(e.into()),
            };
            if !may_report_for_household(actor, &household.path) {
                return Err(ApiError::forbidden(
                    "request.household_forbidden",
                    Msg::new(
                        "您只能为自己的住户登记诉求",
                        "You may report only for your own household",
                    ),
                ));
            }
            let building = org::get_node(
                conn,
                household.parent_id.expect("a household has a building"),
            )?;
            let compound =
                org::get_node(conn, building.parent_id.expect("a building has a compound"))?;
            Ok((building, compound, Some(household.id)))
        }
    }
}

fn field_not_found(field: &str, zh: &str, en: &str) -> ApiError {
    let mut f = Fields::new();
    f.push(field, "not_found", zh, en);
    f.finish().expect_err("one error was pushed")
}

fn unknown_category() -> ApiError {
    field_not_found("category", "服务类别不存在", "No such service category")
}

/// A category code that cannot exist, reported like an unknown one.
#[derive(Debug, thiserror::Error)]
#[error("no such service category")]
struct UnknownCategory;

impl From<linli_domain::category::CategoryCodeError> for UnknownCategory {
    fn from(_: linli_domain::category::CategoryCodeError) -> Self {
        UnknownCategory
    }
}

impl crate::validation::Problem for UnknownCategory {
    fn code(&self) -> &'static str {
        "not_found"
    }
    fn zh(&self) -> String {
        "服务类别不存在".into()
    }
}
