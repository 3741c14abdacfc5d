use std::future::Future;
use std::pin::Pin;

use actix_web::http::header::AUTHORIZATION;
use actix_web::{FromRequest, HttpRequest, web};
use linli_domain::access::Actor;
use linli_persistence::StoreError;
use linli_persistence::users::{self, RoleRecord, User};

use super::jwt::TokenError;
use crate::error::{ApiError, Msg};
use crate::state::AppState;

/// The authenticated user of a request, with every role they hold.
#[derive(Debug, Clone)]
pub struct Auth {
    /// The account.
    pub user: User,
    /// Their roles, as stored (for listing).
    pub roles: Vec<RoleRecord>,
    /// The same roles as the domain's access rules read them.
    pub actor: Actor,
}

fn unauthenticated() -> ApiError {
    ApiError::unauthenticated(
        "auth.unauthenticated",
        Msg::new("请先登录", "Authentication required"),
    )
}

impl FromRequest for Auth {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let header = req
            .headers()
            .get(AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        Box::pin(async move {
            let state = state.ok_or_else(|| ApiError::internal(anyhow::anyhow!("no app state")))?;
            let token = header
                .as_deref()
                .and_then(|h| h.strip_prefix("Bearer "))
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .ok_or_else(unauthenticated)?;
            let user_id = state
                .jwt
                .verify(token, state.clock.now())
                .map_err(|e| match e {
                    TokenError::Expired => ApiError::unauthenticated(
                        "auth.token_expired",
                        Msg::new("登录已过期，请刷新令牌", "The access token has expired"),
                    ),
                    TokenError::Invalid => unauthenticated(),
                })?;
            let entry = match state.caches.actors.get(&user_id) {
                Some(entry) => entry,
                None => {
                    let entry = state
                        .db
                        .read(move |conn| {
                            let user = match users::get_user(conn, user_id) {
                                Ok(u) => u,
                                Err(StoreError::NotFound) => return Err(unauthenticated()),
                                Err(e) => return Err(e.into()),
                            };
                            let roles = users::roles_of(conn, user_id)?;
                            Ok(std::sync::Arc::new((user, roles)))
                        })
                        .await?;
                    state.caches.actors.put(user_id, entry.clone());
                    entry
                }
            };
            let (user, roles) = (entry.0.clone(), entry.1.clone());
            if !user.active {
                return Err(super::session::account_disabled());
            }
            let actor = Actor {
                user_id: user.id,
                roles: users::grants(&roles),
            };
            Ok(Auth { user, roles, actor })
        })
    }
}
