//! Logging in, rotating refresh tokens, logging out.
//!
//! Refresh tokens are random, stored only as SHA-256 hashes, and rotate on every use. All the
//! tokens of one login form a family: presenting a token that was already used means it leaked
//! (or two refreshes raced), so the whole family is revoked and the user must log in again.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::Duration;
use linli_domain::UserId;
use linli_persistence::{StoreError, tokens, users};
use rand::RngCore;
use serde::Serialize;
use sha2::{Digest, Sha256};
use utoipa::ToSchema;

use super::jwt::ACCESS_TTL;
use super::password;
use crate::error::{ApiError, Msg};
use crate::state::AppState;

/// How long a refresh token lives.
pub const REFRESH_TTL: Duration = Duration::days(30);

/// The tokens a login or refresh answers with.
#[derive(Debug, Serialize, ToSchema)]
pub struct TokenPair {
    /// Short-lived JWT for `Authorization: Bearer`.
    pub access_token: String,
    /// Exchange it at `/api/v1/auth/refresh` for a new pair; it works once.
    pub refresh_token: String,
    /// Always `Bearer`.
    #[schema(example = "Bearer")]
    pub token_type: &'static str,
    /// Seconds until the access token expires.
    #[schema(example = 900)]
    pub expires_in: i64,
}

fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

fn invalid_credentials() -> ApiError {
    ApiError::unauthenticated(
        "auth.invalid_credentials",
        Msg::new("用户名或密码错误", "Wrong username or password"),
    )
}

fn invalid_refresh() -> ApiError {
    ApiError::unauthenticated(
        "auth.invalid_refresh_token",
        Msg::new(
            "登录已失效，请重新登录",
            "The refresh token is invalid; log in again",
        ),
    )
}

/// Issues a new pair, starting a family or continuing one.
pub async fn issue(
    state: &AppState,
    user: UserId,
    family: Option<String>,
) -> Result<TokenPair, ApiError> {
    let now = state.clock.now();
    let access_token = state.jwt.issue(user, now).map_err(ApiError::internal)?;
    let mut raw = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut raw);
    let refresh_token = URL_SAFE_NO_PAD.encode(raw);
    let hash = hash_token(&refresh_token);
    let family = family.unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
    state
        .db
        .write(move |conn| {
            tokens::insert(conn, user, &family, &hash, now + REFRESH_TTL, now)?;
            Ok(())
        })
        .await?;
    Ok(TokenPair {
        access_token,
        refresh_token,
        token_type: "Bearer",
        expires_in: ACCESS_TTL.num_seconds(),
    })
}

/// Checks a username and password and starts a session.
pub async fn login(state: &AppState, username: String, pw: String) -> Result<TokenPair, ApiError> {
    let user = state
        .db
        .read(move |conn| match users::find_by_username(conn, &username) {
            Ok(u) => Ok(Some(u)),
            Err(StoreError::NotFound) => Ok(None),
            Err(e) => Err(e.into()),
        })
        .await?;
    // Verify even for an unknown user, so timing does not tell which usernames exist.
    let stored = user
        .as_ref()
        .and_then(|u| u.password_hash.clone())
        .unwrap_or_else(|| password::dummy_hash().to_owned());
    let ok = tokio::task::spawn_blocking(move || password::verify(&pw, &stored)).await?;
    let user = match user {
        Some(u) if ok && u.password_hash.is_some() => u,
        _ => return Err(invalid_credentials()),
    };
    if !user.active {
        return Err(account_disabled());
    }
    issue(state, user.id, None).await
}

/// The answer for a deactivated account.
pub fn account_disabled() -> ApiError {
    ApiError::forbidden(
        "auth.account_disabled",
        Msg::new("账号已停用", "This account is disabled"),
    )
}

/// Exchanges a refresh token for a new pair.
pub async fn refresh(state: &AppState, token: String) -> Result<TokenPair, ApiError> {
    let now = state.clock.now();
    let hash = hash_token(&token);
    let (user, family) = state
        .db
        .write(move |conn| {
            let found = match tokens::find(conn, &hash) {
                Ok(t) => t,
                Err(StoreError::NotFound) => return Err(invalid_refresh()),
                Err(e) => return Err(e.into()),
            };
            if found.revoked_at.is_some() || found.expires_at <= now {
                return Err(invalid_refresh());
            }
            if found.used_at.is_some() || !tokens::mark_used(conn, found.id, now)? {
                tokens::revoke_family(conn, &found.family, now)?;
                tracing::warn!(user = %found.user_id, "refresh token reused; family revoked");
                return Err(invalid_refresh());
            }
            let user = users::get_user(conn, found.user_id)?;
            if !user.active {
                return Err(account_disabled());
            }
            Ok((found.user_id, found.family))
        })
        .await?;
    issue(state, user, Some(family)).await
}

/// Ends the session the refresh token belongs to.
pub async fn logout(state: &AppState, token: String) -> Result<(), ApiError> {
    let now = state.clock.now();
    let hash = hash_token(&token);
    state
        .db
        .write(move |conn| {
            match tokens::find(conn, &hash) {
                Ok(t) => tokens::revoke_family(conn, &t.family, now)?,
                // Logging out twice, or with a stale token, is not an error.
                Err(StoreError::NotFound) => {}
                Err(e) => return Err(e.into()),
            }
            Ok(())
        })
        .await
}
