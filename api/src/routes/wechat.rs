//! WeChat sign-in, and the phone number a user shares through WeChat.

use actix_web::{HttpResponse, post, web};
use linli_domain::text::PhoneNumber;
use linli_persistence::residents::{self, StoredPhone, WechatIdentity};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::session::TokenPair;
use crate::auth::{Auth, resident};
use crate::error::{ApiError, ErrorEnvelope, FieldError, Msg};
use crate::extract::Json;
use crate::state::AppState;
use crate::wechat::WechatError;

/// A one-time code from the mini-program.
#[derive(Deserialize, ToSchema)]
pub struct WechatCode {
    /// From `wx.login` (for login) or from the `getPhoneNumber` button (for the phone).
    #[schema(example = "0a3Xyz000abcDE1FgH200Ij3Kl4Xyz0x")]
    code: String,
}

/// The phone now on the account.
#[derive(Serialize, ToSchema)]
pub struct PhoneView {
    /// Masked: the full number is kept encrypted and shown only to those who need it.
    #[schema(example = "138****5678")]
    phone: String,
}

/// A WeChat code is short, visible ASCII; anything else never reaches WeChat.
fn code(body: &WechatCode) -> Result<&str, ApiError> {
    let c = body.code.trim();
    if c.is_empty() || c.len() > 128 || !c.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(ApiError::validation(vec![FieldError::new(
            "code",
            "invalid",
            Msg::new(
                "code 应为小程序返回的登录凭证",
                "code must be the code WeChat gave the mini-program",
            ),
        )]));
    }
    Ok(c)
}

/// A code refused while the user is signed in: 422, not 401, which a client would take for
/// an expired session and log the user out.
fn in_session(e: WechatError) -> ApiError {
    match e.errcode() {
        Some(40029 | 40163) => ApiError::unprocessable(
            "wechat.invalid_code",
            Msg::new(
                "微信授权已失效，请重新点击按钮",
                "The WeChat code is invalid or was used already; ask the user again",
            ),
        )
        .with_cause(e),
        _ => e.into(),
    }
}

/// Who WeChat says the holder of a `wx.login` code is; WeChat's refusal goes through `refused`.
async fn identity(
    state: &AppState,
    body: &WechatCode,
    refused: fn(WechatError) -> ApiError,
) -> Result<WechatIdentity, ApiError> {
    let code = code(body)?;
    let session = state
        .wechat()?
        .code_to_session(code)
        .await
        .map_err(refused)?;
    Ok(WechatIdentity {
        openid: session.openid,
        unionid: session.unionid,
    })
}

/// Logs a resident in with the code from `wx.login`: WeChat tells us who it is (its openid);
/// a first login creates the account, as a resident with no household yet.
#[utoipa::path(tag = "auth", request_body = WechatCode, responses(
    (status = 200, body = TokenPair),
    (status = 401, description = "The code is invalid or used (`wechat.invalid_code`)", body = ErrorEnvelope),
    (status = 403, description = "WeChat blocked the user (`wechat.user_blocked`), the account is disabled (`auth.account_disabled`), or it is a staff account, which signs in with its password (`auth.password_required`)", body = ErrorEnvelope),
    (status = 422, description = "No code", body = ErrorEnvelope),
    (status = 429, description = "Too many logins (`wechat.rate_limited`)", body = ErrorEnvelope),
    (status = 502, description = "WeChat answered with another error (`wechat.error`)", body = ErrorEnvelope),
    (status = 503, description = "WeChat is busy or unreachable (`wechat.unavailable`), or not configured (`wechat.disabled`)", body = ErrorEnvelope),
))]
#[post("/auth/wechat/login")]
pub async fn wechat_login(
    state: web::Data<AppState>,
    body: Json<WechatCode>,
) -> Result<HttpResponse, ApiError> {
    let who = identity(&state, &body.0, ApiError::from).await?;
    Ok(HttpResponse::Ok().json(resident::sign_in(&state, who).await?))
}

/// Sets the account's phone to the number the user agreed to share with the `getPhoneNumber`
/// button. The number is stored encrypted, with a keyed hash to find it by, and never logged.
#[utoipa::path(tag = "auth", security(("bearer" = [])), request_body = WechatCode, responses(
    (status = 200, body = PhoneView),
    (status = 401, body = ErrorEnvelope),
    (status = 422, description = "No code, or a number outside mainland China (`phone.unsupported`)", body = ErrorEnvelope),
    (status = 503, description = "WeChat is busy, unreachable or not configured", body = ErrorEnvelope),
))]
#[post("/me/phone")]
pub async fn share_phone(
    state: web::Data<AppState>,
    auth: Auth,
    body: Json<WechatCode>,
) -> Result<HttpResponse, ApiError> {
    let code = code(&body.0)?;
    let shared = state
        .wechat()?
        .phone_number(code)
        .await
        .map_err(in_session)?;
    let phone = match shared.country_code.as_str() {
        "86" => PhoneNumber::parse(&shared.number).ok(),
        _ => None,
    }
    .ok_or_else(|| {
        ApiError::unprocessable(
            "phone.unsupported",
            Msg::new(
                "暂只支持中国大陆手机号",
                "Only mainland China numbers are supported",
            ),
        )
    })?;
    let stored = StoredPhone {
        encrypted: state
            .cipher
            .encrypt(phone.as_str())
            .map_err(ApiError::internal)?,
        masked: phone.masked(),
        lookup_hash: state.cipher.lookup_hash(phone.as_str()),
    };
    let user = auth.user.id;
    let view = PhoneView {
        phone: stored.masked.clone(),
    };
    state
        .db
        .write(move |conn| Ok(residents::set_phone(conn, user, &stored)?))
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Links the caller's account (a staff member's, typically) to their WeChat, with a code from
/// `wx.login`, so that they receive subscribe messages: a request dispatched to them, a
/// deadline coming. Staff still sign in with their password: WeChat login refuses accounts
/// that have one (403 `auth.password_required`).
#[utoipa::path(tag = "auth", security(("bearer" = [])), request_body = WechatCode, responses(
    (status = 204),
    (status = 401, body = ErrorEnvelope),
    (status = 409, description = "That WeChat is linked to another account (`wechat.already_linked`)", body = ErrorEnvelope),
    (status = 503, description = "WeChat is busy, unreachable or not configured", body = ErrorEnvelope),
))]
#[post("/me/wechat")]
pub async fn link_wechat(
    state: web::Data<AppState>,
    auth: Auth,
    body: Json<WechatCode>,
) -> Result<HttpResponse, ApiError> {
    let who = identity(&state, &body.0, in_session).await?;
    let user = auth.user.id;
    let linked = state
        .db
        .write(move |conn| Ok(residents::link(conn, user, &who)))
        .await?;
    match linked {
        Ok(()) => {
            state.caches.actors.forget(&user);
            Ok(HttpResponse::NoContent().finish())
        }
        Err(linli_persistence::StoreError::Duplicate(_)) => Err(ApiError::conflict(
            "wechat.already_linked",
            Msg::new(
                "该微信已关联其他账号",
                "This WeChat is already linked to another account",
            ),
        )),
        Err(e) => Err(e.into()),
    }
}
