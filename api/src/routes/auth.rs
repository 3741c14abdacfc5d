use actix_web::{HttpResponse, get, post, web};
use linli_persistence::residents::{self, WechatIdentity};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::Auth;
use crate::auth::resident;
use crate::auth::session::{self, TokenPair};
use crate::dto::RoleView;
use crate::error::{ApiError, ErrorEnvelope, Msg};
use crate::extract::Json;
use crate::state::AppState;

/// Username and password.
#[derive(Deserialize, ToSchema)]
pub struct LoginBody {
    /// Login name.
    #[schema(example = "community")]
    username: String,
    /// Password.
    #[schema(example = "linli-demo")]
    password: String,
}

/// A refresh token.
#[derive(Deserialize, ToSchema)]
pub struct RefreshBody {
    /// The refresh token from the last login or refresh.
    refresh_token: String,
}

/// A WeChat openid, for development login.
#[derive(Deserialize, ToSchema)]
pub struct DevLoginBody {
    /// Any string standing for a WeChat openid (1–64 characters).
    #[schema(example = "demo-resident-1")]
    openid: String,
}

/// Logs in with a username and password.
#[utoipa::path(tag = "auth", request_body = LoginBody, responses(
    (status = 200, body = TokenPair),
    (status = 401, description = "Wrong username or password (`auth.invalid_credentials`)", body = ErrorEnvelope),
    (status = 403, description = "Account disabled (`auth.account_disabled`)", body = ErrorEnvelope),
    (status = 422, description = "Invalid body", body = ErrorEnvelope),
))]
#[post("/auth/login")]
pub async fn login(
    state: web::Data<AppState>,
    body: Json<LoginBody>,
) -> Result<HttpResponse, ApiError> {
    let LoginBody { username, password } = body.0;
    Ok(HttpResponse::Ok().json(session::login(&state, username, password).await?))
}

/// Exchanges a refresh token for a new pair. Each refresh token works once; reusing one
/// revokes every token of that login.
#[utoipa::path(tag = "auth", request_body = RefreshBody, responses(
    (status = 200, body = TokenPair),
    (status = 401, description = "Invalid, expired, revoked or reused (`auth.invalid_refresh_token`)", body = ErrorEnvelope),
))]
#[post("/auth/refresh")]
pub async fn refresh(
    state: web::Data<AppState>,
    body: Json<RefreshBody>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(session::refresh(&state, body.0.refresh_token).await?))
}

/// Logs out: the refresh token and every token of its login stop working.
#[utoipa::path(tag = "auth", request_body = RefreshBody, responses((status = 204)))]
#[post("/auth/logout")]
pub async fn logout(
    state: web::Data<AppState>,
    body: Json<RefreshBody>,
) -> Result<HttpResponse, ApiError> {
    session::logout(&state, body.0.refresh_token).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// DEVELOPMENT ONLY: logs in a resident by openid, creating one with no household if unknown.
/// Answers 404 unless `LINLI_DEV_LOGIN` or `--demo` is on. WeChat login replaces it.
#[utoipa::path(tag = "auth", request_body = DevLoginBody, responses(
    (status = 200, body = TokenPair),
    (status = 404, description = "Development login is off", body = ErrorEnvelope),
))]
#[post("/auth/dev/login")]
pub async fn dev_login(
    state: web::Data<AppState>,
    body: Json<DevLoginBody>,
) -> Result<HttpResponse, ApiError> {
    if !state.dev_login {
        return Err(ApiError::not_found(
            "route.not_found",
            Msg::new("请求的地址不存在", "No such route"),
        ));
    }
    let openid = body.0.openid.trim().to_owned();
    if openid.is_empty() || openid.chars().count() > 64 {
        return Err(ApiError::validation(vec![crate::error::FieldError::new(
            "openid",
            "invalid_length",
            Msg::new(
                "openid 长度应为 1 到 64 个字符",
                "openid must have 1 to 64 characters",
            ),
        )]));
    }
    let who = WechatIdentity {
        openid,
        unionid: None,
    };
    Ok(HttpResponse::Ok().json(resident::sign_in(&state, who).await?))
}

/// The current user.
#[derive(Serialize, ToSchema)]
pub struct Me {
    /// User id.
    id: i64,
    /// Login name (staff).
    username: Option<String>,
    /// Display name.
    display_name: String,
    /// The phone shared through WeChat, masked (`138****5678`); absent until shared.
    #[schema(example = "138****5678")]
    phone: Option<String>,
    /// Roles, each bound to an org node or a property company.
    roles: Vec<RoleView>,
}

/// Who am I: the current user and their roles.
#[utoipa::path(tag = "auth", security(("bearer" = [])), responses(
    (status = 200, body = Me),
    (status = 401, body = ErrorEnvelope),
))]
#[get("/me")]
pub async fn me(state: web::Data<AppState>, auth: Auth) -> Result<HttpResponse, ApiError> {
    let id = auth.user.id;
    let phone = state
        .db
        .read(move |conn| Ok(residents::masked_phone(conn, id)?))
        .await?;
    Ok(HttpResponse::Ok().json(Me {
        id: auth.user.id.0,
        username: auth.user.username.clone(),
        display_name: auth.user.display_name.clone(),
        phone,
        roles: auth.roles.iter().map(RoleView::from).collect(),
    }))
}
