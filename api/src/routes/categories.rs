//! Routes: service categories (服务类别). One set for the deployment, seeded with six; anyone
//! may read them, district admins edit them.

use actix_web::http::header::LOCATION;
use actix_web::{HttpResponse, get, patch, post, web};
use linli_domain::access::admin::{FirstResponseHours, ResolutionDays};
use linli_domain::access::{Actor, RoleKind};
use linli_domain::category::{Category, CategoryCode, HandlerKind};
use linli_persistence::StoreError;
use linli_persistence::categories::{self, CategoryChanges, NewCategory};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

use super::org::fields::{self, Fields, HANDLERS};
use crate::auth::Auth;
use crate::error::{ApiError, ErrorEnvelope, FieldError, Msg};
use crate::extract::Json;
use crate::state::AppState;

/// Registers this module's routes under `/api/v1`.
pub fn configure(cfg: &mut ServiceConfig<'_>) {
    cfg.service(list_categories)
        .service(create_category)
        .service(update_category);
}

/// A service category: what residents choose when they report, with its deadlines and the
/// handler its requests go to by default.
#[derive(Debug, Serialize, ToSchema)]
pub struct ServiceCategory {
    /// Stable code.
    #[schema(example = "property")]
    code: String,
    /// Name.
    #[schema(example = "物业管理")]
    name: String,
    /// Hours within which a handler must claim a request.
    #[schema(example = 24)]
    first_response_hours: i32,
    /// Days within which a request must be resolved (at most 15).
    #[schema(example = 7)]
    resolution_days: i32,
    /// Who its requests go to by default.
    #[schema(value_type = fields::DefaultHandler)]
    default_handler: &'static str,
    /// Whether new requests may use it.
    active: bool,
}

impl From<Category> for ServiceCategory {
    fn from(c: Category) -> Self {
        ServiceCategory {
            code: c.code.as_str().to_owned(),
            name: c.name,
            first_response_hours: c.first_response_hours,
            resolution_days: c.resolution_days,
            default_handler: c.default_handler.as_str(),
            active: c.active,
        }
    }
}

/// The service categories.
#[derive(Debug, Serialize, ToSchema)]
pub struct ServiceCategoryList {
    /// In display order.
    items: Vec<ServiceCategory>,
}

/// A category to add.
#[derive(Debug, Deserialize, ToSchema)]
pub struct NewServiceCategory {
    /// Stable code: 1–32 characters of `a-z`, `0-9` and `_`; unique.
    #[schema(required = true, value_type = String, example = "elderly_care")]
    code: Option<String>,
    /// Name, 1–100 characters.
    #[schema(required = true, value_type = String, example = "养老服务")]
    name: Option<String>,
    /// Hours to first response, 1–720.
    #[schema(required = true, value_type = i32, example = 24)]
    first_response_hours: Option<i32>,
    /// Days to resolution, 1–15.
    #[schema(required = true, value_type = i32, example = 10)]
    resolution_days: Option<i32>,
    /// Who its requests go to by default.
    #[schema(required = true, value_type = fields::DefaultHandler)]
    default_handler: Option<String>,
}

/// Changes to a category; absent fields stay as they are.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ServiceCategoryPatch {
    /// New name.
    name: Option<String>,
    /// New hours to first response, 1–720.
    first_response_hours: Option<i32>,
    /// New days to resolution, 1–15.
    resolution_days: Option<i32>,
    /// New default handler.
    #[schema(value_type = Option<fields::DefaultHandler>)]
    default_handler: Option<String>,
    /// `false` retires the category (requests already filed keep it).
    active: Option<bool>,
}

fn forbid_unless_district_admin(actor: &Actor) -> Result<(), ApiError> {
    if actor
        .roles
        .iter()
        .any(|r| r.kind == RoleKind::DistrictAdmin)
    {
        Ok(())
    } else {
        Err(ApiError::forbidden(
            "category.forbidden",
            Msg::new(
                "只有区管理员可以修改服务类别",
                "Only district admins edit service categories",
            ),
        ))
    }
}

fn category_not_found() -> ApiError {
    ApiError::not_found(
        "category.not_found",
        Msg::new("服务类别不存在", "No such service category"),
    )
}

fn handler(field: &str, s: &str) -> Result<HandlerKind, FieldError> {
    HandlerKind::parse(s)
        .ok_or_else(|| fields::invalid_value(field, &HANDLERS.map(HandlerKind::as_str)))
}

fn hours(field: &str, v: i32) -> Result<i32, FieldError> {
    FirstResponseHours::parse(v)
        .map(FirstResponseHours::hours)
        .map_err(|e| fields::deadline(field, e))
}

fn days(field: &str, v: i32) -> Result<i32, FieldError> {
    ResolutionDays::parse(v)
        .map(ResolutionDays::days)
        .map_err(|e| fields::deadline(field, e))
}

/// The service categories, in display order. No login needed.
#[utoipa::path(tag = "categories", responses((status = 200, body = ServiceCategoryList)))]
#[get("/categories")]
pub async fn list_categories(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let items = state
        .db
        .read(|conn| Ok(categories::list(conn)?))
        .await?
        .into_iter()
        .map(ServiceCategory::from)
        .collect();
    Ok(HttpResponse::Ok().json(ServiceCategoryList { items }))
}

/// Adds a service category after the others (district admins).
///
/// Every invalid field is listed. Resolution takes 15 days at most.
#[utoipa::path(tag = "categories", security(("bearer" = [])), request_body = NewServiceCategory, responses(
    (status = 201, body = ServiceCategory),
    (status = 401, body = ErrorEnvelope),
    (status = 403, description = "Not a district admin (`category.forbidden`)", body = ErrorEnvelope),
    (status = 409, description = "Code taken (`conflict.duplicate`)", body = ErrorEnvelope),
    (status = 422, description = "Invalid fields (`validation.failed`)", body = ErrorEnvelope),
))]
#[post("/categories")]
pub async fn create_category(
    state: web::Data<AppState>,
    auth: Auth,
    body: Json<NewServiceCategory>,
) -> Result<HttpResponse, ApiError> {
    forbid_unless_district_admin(&auth.actor)?;
    let b = body.0;
    let mut f = Fields::new();
    let code = f.required("code", b.code).and_then(|c| {
        f.check(CategoryCode::parse(c.trim()).map_err(|_| {
            FieldError::new(
                "code",
                "invalid_format",
                Msg::new(
                    "编码应为 1 到 32 个小写字母、数字或下划线",
                    "1 to 32 characters of a-z, 0-9 and '_'",
                ),
            )
        }))
    });
    let name = f
        .required("name", b.name)
        .and_then(|n| f.check(fields::label("name", &n)));
    let first_response_hours = f
        .required("first_response_hours", b.first_response_hours)
        .and_then(|v| f.check(hours("first_response_hours", v)));
    let resolution_days = f
        .required("resolution_days", b.resolution_days)
        .and_then(|v| f.check(days("resolution_days", v)));
    let default_handler = f
        .required("default_handler", b.default_handler)
        .and_then(|h| f.check(handler("default_handler", &h)));
    f.finish()?;
    let (
        Some(code),
        Some(name),
        Some(first_response_hours),
        Some(resolution_days),
        Some(default_handler),
    ) = (
        code,
        name,
        first_response_hours,
        resolution_days,
        default_handler,
    )
    else {
        return Err(ApiError::internal(anyhow::anyhow!(
            "validated fields missing"
        )));
    };
    let new = NewCategory {
        code,
        name: name.into_inner(),
        first_response_hours,
        resolution_days,
        default_handler,
    };
    let now = state.clock.now();
    let created = state
        .db
        .write(move |conn| Ok(categories::add(conn, &new, now)?))
        .await?;
    state.caches.categories.forget(&());
    let view = ServiceCategory::from(created);
    Ok(HttpResponse::Created()
        .insert_header((LOCATION, format!("/api/v1/categories/{}", view.code)))
        .json(view))
}

/// Edits a service category (district admins).
///
/// Its name, deadlines, default handler, or whether new requests may use it. Every invalid
/// field is listed.
#[utoipa::path(tag = "categories", security(("bearer" = [])),
    params(("code" = String, Path, description = "The category's code", example = "property")),
    request_body = ServiceCategoryPatch,
    responses(
        (status = 200, body = ServiceCategory),
        (status = 401, body = ErrorEnvelope),
        (status = 403, description = "Not a district admin (`category.forbidden`)", body = ErrorEnvelope),
        (status = 404, description = "No such category (`category.not_found`)", body = ErrorEnvelope),
        (status = 422, description = "Invalid fields (`validation.failed`)", body = ErrorEnvelope),
    )
)]
#[patch("/categories/{code}")]
pub async fn update_category(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<String>,
    body: Json<ServiceCategoryPatch>,
) -> Result<HttpResponse, ApiError> {
    forbid_unless_district_admin(&auth.actor)?;
    let code = CategoryCode::parse(&path.into_inner()).map_err(|_| category_not_found())?;
    let b = body.0;
    let mut f = Fields::new();
    let changes = CategoryChanges {
        name: b
            .name
            .and_then(|n| f.check(fields::label("name", &n)))
            .map(|n| n.into_inner()),
        first_response_hours: b
            .first_response_hours
            .and_then(|v| f.check(hours("first_response_hours", v))),
        resolution_days: b
            .resolution_days
            .and_then(|v| f.check(days("resolution_days", v))),
        default_handler: b
            .default_handler
            .and_then(|h| f.check(handler("default_handler", &h)))
            .map(|h| h.as_str().to_owned()),
        active: b.active,
    };
    f.finish()?;
    let now = state.clock.now();
    let updated = state
        .db
        .write(
            move |conn| match categories::update(conn, code.as_str(), &changes, now) {
                Ok(c) => Ok(c),
                Err(StoreError::NotFound) => Err(category_not_found()),
                Err(e) => Err(e.into()),
            },
        )
        .await?;
    state.caches.categories.forget(&());
    Ok(HttpResponse::Ok().json(ServiceCategory::from(updated)))
}
