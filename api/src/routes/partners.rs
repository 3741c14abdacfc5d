//! Partner platforms over HTTP: district admins register and manage them; a partner checks
//! its key with `GET /partner/me`.

use actix_web::{HttpResponse, delete, get, post, web};
use chrono::{DateTime, Utc};
use linli_domain::OrgNodeId;
use linli_persistence::partners::{KeyRecord, Partner};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::Auth;
use crate::auth::partner::PartnerAuth;
use crate::error::{ApiError, ErrorEnvelope};
use crate::extract::Json;
use crate::partners;
use crate::routes::org::fields;
use crate::state::AppState;

/// Registers the routes.
pub fn configure(cfg: &mut ServiceConfig<'_>) {
    cfg.service(register_partner)
        .service(list_partners)
        .service(suspend_partner)
        .service(resume_partner)
        .service(add_partner_key)
        .service(revoke_partner_key)
        .service(partner_me);
}

/// A partner platform.
#[derive(Debug, Serialize, ToSchema)]
pub struct PartnerView {
    /// Its id.
    id: i64,
    /// Its name.
    #[schema(example = "云家园")]
    name: String,
    /// The street or community whose requests it reaches.
    scope_node_id: i64,
    /// `active` or `suspended`.
    #[schema(example = "active")]
    status: &'static str,
    /// When it was registered.
    created_at: DateTime<Utc>,
}

impl From<Partner> for PartnerView {
    fn from(p: Partner) -> Self {
        PartnerView {
            id: p.id,
            name: p.name,
            scope_node_id: p.scope_node_id.0,
            status: if p.active { "active" } else { "suspended" },
            created_at: p.created_at,
        }
    }
}

/// An API key, without its secret.
#[derive(Debug, Serialize, ToSchema)]
pub struct KeyView {
    /// Row id (to revoke it).
    id: i64,
    /// The public part (`lk_<key_id>_…`): what logs name it by.
    #[schema(example = "AbCdEf123456")]
    key_id: String,
    /// When it was made.
    created_at: DateTime<Utc>,
    /// When it was revoked.
    revoked_at: Option<DateTime<Utc>>,
}

impl From<KeyRecord> for KeyView {
    fn from(k: KeyRecord) -> Self {
        KeyView {
            id: k.id,
            key_id: k.key_id,
            created_at: k.created_at,
            revoked_at: k.revoked_at,
        }
    }
}

/// A partner with its keys.
#[derive(Debug, Serialize, ToSchema)]
pub struct PartnerWithKeys {
    /// The partner.
    #[serde(flatten)]
    partner: PartnerView,
    /// Its keys, oldest first.
    keys: Vec<KeyView>,
}

/// A new key, shown this once.
#[derive(Debug, Serialize, ToSchema)]
pub struct NewKey {
    /// The key.
    #[serde(flatten)]
    key: KeyView,
    /// The whole key, `lk_<key_id>_<secret>`: shown only now, stored only as a hash.
    api_key: String,
}

/// A registered partner and its first key.
#[derive(Debug, Serialize, ToSchema)]
pub struct Registered {
    /// The partner.
    partner: PartnerView,
    /// Its first key, shown this once.
    key: NewKey,
}

/// Partners.
#[derive(Debug, Serialize, ToSchema)]
pub struct PartnerList {
    /// By name.
    items: Vec<PartnerWithKeys>,
}

/// A partner to register.
#[derive(Debug, Deserialize, ToSchema)]
pub struct PartnerBody {
    /// Its name, unique (1–100 characters).
    #[schema(example = "云家园")]
    name: String,
    /// The street or community whose requests it may reach.
    scope_node_id: i64,
}

/// Registers a partner platform scoped to a street or community of the admin's district, with
/// its first API key (shown only in this answer).
#[utoipa::path(tag = "partners", security(("bearer" = [])), request_body = PartnerBody, responses(
    (status = 201, body = Registered),
    (status = 403, description = "Not a district admin (`partner.forbidden`)", body = ErrorEnvelope),
    (status = 409, description = "The name is taken (`conflict.duplicate`)", body = ErrorEnvelope),
    (status = 422, description = "A bad name, or a scope that is not a street or community of the district", body = ErrorEnvelope),
))]
#[post("/partners")]
pub async fn register_partner(
    state: web::Data<AppState>,
    auth: Auth,
    body: Json<PartnerBody>,
) -> Result<HttpResponse, ApiError> {
    let mut f = fields::Fields::new();
    let name = f.check(fields::label("name", &body.0.name));
    f.finish()?;
    let name = name.expect("checked");
    let scope = OrgNodeId(body.0.scope_node_id);
    let (p, k, shown) = partners::register(&state, auth.actor, name, scope).await?;
    Ok(HttpResponse::Created().json(Registered {
        partner: p.into(),
        key: NewKey {
            key: k.into(),
            api_key: shown,
        },
    }))
}

/// The partners of the caller's district, with their keys (never their secrets).
#[utoipa::path(tag = "partners", security(("bearer" = [])), responses(
    (status = 200, body = PartnerList),
    (status = 403, body = ErrorEnvelope),
))]
#[get("/partners")]
pub async fn list_partners(
    state: web::Data<AppState>,
    auth: Auth,
) -> Result<HttpResponse, ApiError> {
    let items = partners::list(&state, auth.actor)
        .await?
        .into_iter()
        .map(|(p, keys)| PartnerWithKeys {
            partner: p.into(),
            keys: keys.into_iter().map(Into::into).collect(),
        })
        .collect();
    Ok(HttpResponse::Ok().json(PartnerList { items }))
}

/// Suspends a partner: its keys answer 403 `partner.suspended` until it is resumed.
#[utoipa::path(tag = "partners", security(("bearer" = [])), params(("id" = i64, Path)), responses(
    (status = 200, body = PartnerView),
    (status = 404, body = ErrorEnvelope),
))]
#[post("/partners/{id}/suspend")]
pub async fn suspend_partner(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let p = partners::set_active(&state, auth.actor, *id, false).await?;
    Ok(HttpResponse::Ok().json(PartnerView::from(p)))
}

/// Resumes a suspended partner.
#[utoipa::path(tag = "partners", security(("bearer" = [])), params(("id" = i64, Path)), responses(
    (status = 200, body = PartnerView),
    (status = 404, body = ErrorEnvelope),
))]
#[post("/partners/{id}/resume")]
pub async fn resume_partner(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let p = partners::set_active(&state, auth.actor, *id, true).await?;
    Ok(HttpResponse::Ok().json(PartnerView::from(p)))
}

/// Adds an API key, shown this once. To rotate: add one, switch the partner over, revoke the
/// old one; both work in between.
#[utoipa::path(tag = "partners", security(("bearer" = [])), params(("id" = i64, Path)), responses(
    (status = 201, body = NewKey),
    (status = 404, body = ErrorEnvelope),
))]
#[post("/partners/{id}/keys")]
pub async fn add_partner_key(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let (k, shown) = partners::add_key(&state, auth.actor, *id).await?;
    Ok(HttpResponse::Created().json(NewKey {
        key: k.into(),
        api_key: shown,
    }))
}

/// Revokes an API key at once.
#[utoipa::path(tag = "partners", security(("bearer" = [])), params(("id" = i64, Path), ("key_id" = i64, Path)), responses(
    (status = 204),
    (status = 404, body = ErrorEnvelope),
))]
#[delete("/partners/{id}/keys/{key_id}")]
pub async fn revoke_partner_key(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, ApiError> {
    let (id, key) = path.into_inner();
    partners::revoke_key(&state, auth.actor, id, key).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// For a partner's engineers: which partner this API key is (`Authorization: Bearer lk_…` or
/// `X-Api-Key`).
#[utoipa::path(tag = "partners", responses(
    (status = 200, body = PartnerView),
    (status = 401, description = "No, a malformed, a wrong or a revoked key (`partner.invalid_key`)", body = ErrorEnvelope),
    (status = 403, description = "The partner is suspended (`partner.suspended`)", body = ErrorEnvelope),
))]
#[get("/partner/me")]
pub async fn partner_me(auth: PartnerAuth) -> HttpResponse {
    HttpResponse::Ok().json(PartnerView::from(auth.partner))
}
