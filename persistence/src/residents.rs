//! Residents who come through WeChat: found or created by openid on sign-in, and the phone
//! number they shared.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use linli_domain::UserId;
use linli_domain::access::RoleKind;

use crate::connection::DbConnection;
use crate::error::StoreError;
use crate::schema::users;
use crate::tx::transaction;
use crate::users::{NewUser, RoleBinding, User, add_role, create_user, find_by_openid};

/// Who signs in.
#[derive(Debug, Clone)]
pub struct WechatIdentity {
    /// The mini-program openid.
    pub openid: String,
    /// The open-platform unionid, when WeChat gives one.
    pub unionid: Option<String>,
}

/// The account behind an openid, created (as a resident with no household yet) on first
/// sign-in. Two first sign-ins at once create one account: the loser of the race finds the
/// winner's.
pub fn sign_in(
    conn: &mut DbConnection,
    who: &WechatIdentity,
    display_name: &str,
    now: DateTime<Utc>,
) -> Result<User, StoreError> {
    let attempt = |conn: &mut DbConnection| {
        transaction(conn, |conn| match find_by_openid(conn, &who.openid) {
            Ok(user) => {
                // WeChat gives the unionid once the app joins an open-platform account.
                if let Some(unionid) = &who.unionid {
                    diesel::update(users::table.find(user.id.0))
                        .filter(users::unionid.is_null().or(users::unionid.ne(unionid)))
                        .set(users::unionid.eq(unionid))
                        .execute(conn)?;
                }
                Ok(user)
            }
            Err(StoreError::NotFound) => {
                let user = create_user(
                    conn,
                    &NewUser {
                        display_name: display_name.to_owned(),
                        openid: Some(who.openid.clone()),
                        ..NewUser::default()
                    },
                    now,
                )?;
                if who.unionid.is_some() {
                    diesel::update(users::table.find(user.id.0))
                        .set(users::unionid.eq(&who.unionid))
                        .execute(conn)?;
                }
                add_role(conn, user.id, RoleKind::Resident, RoleBinding::Unbound, now)?;
                Ok(user)
            }
            Err(e) => Err(e),
        })
    };
    match attempt(conn) {
        Err(StoreError::Duplicate("openid")) => attempt(conn),
        other => other,
    }
}

/// Links an account (a staff member's, typically) to a WeChat identity, so that it can receive
/// subscribe messages. An openid already linked to another account is `Duplicate("openid")`.
pub fn link(conn: &mut DbConnection, user: UserId, who: &WechatIdentity) -> Result<(), StoreError> {
    let n = diesel::update(users::table.find(user.0))
        .set((
            users::openid.eq(&who.openid),
            users::unionid.eq(&who.unionid),
        ))
        .execute(conn)
        .map_err(|e| crate::error::on_unique(e, &[("openid", "openid"), ("unionid", "unionid")]))?;
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// A phone number as stored: encrypted, masked for display, and its keyed look-up hash.
#[derive(Debug, Clone)]
pub struct StoredPhone {
    /// Ciphertext.
    pub encrypted: String,
    /// For display, e.g. `138****5678`.
    pub masked: String,
    /// Keyed hash of the normalised number.
    pub lookup_hash: String,
}

/// Records the phone a user shared, replacing any earlier one.
pub fn set_phone(
    conn: &mut DbConnection,
    user: UserId,
    phone: &StoredPhone,
) -> Result<(), StoreError> {
    let n = diesel::update(users::table.find(user.0))
        .set((
            users::phone_enc.eq(&phone.encrypted),
            users::phone_masked.eq(&phone.masked),
            users::phone_hash.eq(&phone.lookup_hash),
        ))
        .execute(conn)?;
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// The masked phone a user shared, if any.
pub fn masked_phone(conn: &mut DbConnection, user: UserId) -> Result<Option<String>, StoreError> {
    Ok(users::table
        .find(user.0)
        .select(users::phone_masked)
        .get_result(conn)?)
}

/// The unionid recorded for a user.
pub fn unionid(conn: &mut DbConnection, user: UserId) -> Result<Option<String>, StoreError> {
    Ok(users::table
        .find(user.0)
        .select(users::unionid)
        .get_result(conn)?)
}
