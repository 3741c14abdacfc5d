//! A resident signs in by their WeChat identity (or, in development, by any openid).

use linli_persistence::residents::{self, WechatIdentity};

use super::session::{self, TokenPair};
use crate::error::{ApiError, Msg};
use crate::state::AppState;

/// A new resident's name until they choose one: recognisable to staff without exposing the
/// openid.
fn first_name(openid: &str) -> String {
    let tail: Vec<char> = openid.chars().rev().take(4).collect();
    format!("居民{}", tail.into_iter().rev().collect::<String>())
}

/// Finds or creates the resident and starts a session.
pub async fn sign_in(state: &AppState, who: WechatIdentity) -> Result<TokenPair, ApiError> {
    let now = state.clock.now();
    let user = state
        .db
        .write(move |conn| {
            Ok(residents::sign_in(
                conn,
                &who,
                &first_name(&who.openid),
                now,
            )?)
        })
        .await?;
    if !user.active {
        return Err(session::account_disabled());
    }
    // A staff account linked to WeChat receives messages there, but signs in with its password:
    // a WeChat session alone must not carry staff roles.
    if user.password_hash.is_some() {
        return Err(ApiError::forbidden(
            "auth.password_required",
            Msg::new(
                "工作人员账号请使用用户名和密码登录",
                "Staff accounts sign in with their username and password",
            ),
        ));
    }
    session::issue(state, user.id, None).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_names_show_only_the_openids_tail() {
        assert_eq!(first_name("oAbCdEfGh1234"), "居民1234");
        assert_eq!(first_name("ab"), "居民ab");
    }
}
