//! Partner platforms: registered by district admins, reached by API keys shown once.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use linli_domain::OrgNodeId;
use linli_domain::access::{Actor, RoleKind, admin::Label};
use linli_domain::partner::{self, PartnerKey};
use linli_persistence::partners::{self, KeyRecord, Partner};
use linli_persistence::tx::transaction;
use linli_persistence::{StoreError, org};
use rand::{Rng, RngCore};

use crate::auth::partner::secret_hash;
use crate::error::{ApiError, FieldError, Msg};
use crate::state::AppState;

/// A fresh key: a random public id, and 256 random bits of secret.
fn fresh_key() -> PartnerKey {
    const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut rng = rand::thread_rng();
    let id: String = (0..PartnerKey::ID_LEN)
        .map(|_| ALNUM[rng.gen_range(0..ALNUM.len())] as char)
        .collect();
    let mut secret = [0u8; 32];
    rng.fill_bytes(&mut secret);
    PartnerKey::from_parts(&id, &URL_SAFE_NO_PAD.encode(secret)).expect("a generated key parses")
}

fn not_found() -> ApiError {
    ApiError::not_found(
        "partner.not_found",
        Msg::new("合作平台不存在", "No such partner"),
    )
}

fn forbidden() -> ApiError {
    ApiError::forbidden(
        "partner.forbidden",
        Msg::new(
            "只有区管理员可以管理其辖区内的合作平台",
            "Only district admins manage the partners of their district",
        ),
    )
}

/// The subtrees a district admin manages partners in.
fn managed(actor: &Actor) -> Vec<linli_domain::org::NodePath> {
    actor.paths_of(RoleKind::DistrictAdmin).cloned().collect()
}

/// A partner the actor manages, else 404: partners of other districts are not theirs to see.
fn managed_partner(
    conn: &mut linli_persistence::DbConnection,
    actor: &Actor,
    id: i64,
) -> Result<Partner, ApiError> {
    let p = match partners::get(conn, id) {
        Ok(p) => p,
        Err(StoreError::NotFound) => return Err(not_found()),
        Err(e) => return Err(e.into()),
    };
    if !actor.has_role_over(RoleKind::DistrictAdmin, &p.scope_path) {
        return Err(not_found());
    }
    Ok(p)
}

/// Registers a partner scoped to a street or community; answers it with its first key, the
/// only time the key is shown.
pub async fn register(
    state: &AppState,
    actor: Actor,
    name: Label,
    scope: OrgNodeId,
) -> Result<(Partner, KeyRecord, String), ApiError> {
    if managed(&actor).is_empty() {
        return Err(forbidden());
    }
    let now = state.clock.now();
    let key = fresh_key();
    let (key_id, hash, shown) = (key.id().to_owned(), secret_hash(key.secret()), key.reveal());
    let (p, k) = state
        .db
        .write(move |conn| {
            transaction(conn, |conn| {
                let node = match org::get_node(conn, scope) {
                    Ok(n) => n,
                    Err(StoreError::NotFound) => return Err(bad_scope()),
                    Err(e) => return Err(e.into()),
                };
                if !partner::may_manage(&actor, &node.path, node.kind) {
                    return Err(bad_scope());
                }
                let p = partners::create(conn, name.as_str(), &node, actor.user_id, now)?;
                let k = partners::add_key(conn, p.id, &key_id, &hash, now)?;
                Ok((p, k))
            })
        })
        .await?;
    tracing::info!(partner = p.id, key = %k.key_id, "registered a partner");
    Ok((p, k, shown))
}

fn bad_scope() -> ApiError {
    ApiError::validation(vec![FieldError::new(
        "scope_node_id",
        "invalid",
        Msg::new(
            "范围应为您辖区内的街道或社区",
            "The scope must be a street or community in your district",
        ),
    )])
}

/// The partners of the actor's district(s), each with its keys.
pub async fn list(
    state: &AppState,
    actor: Actor,
) -> Result<Vec<(Partner, Vec<KeyRecord>)>, ApiError> {
    let subtrees = managed(&actor);
    if subtrees.is_empty() {
        return Err(forbidden());
    }
    state
        .db
        .read(move |conn| {
            let mut out = Vec::new();
            for p in partners::in_subtrees(conn, &subtrees)? {
                let keys = partners::keys_of(conn, p.id)?;
                out.push((p, keys));
            }
            Ok(out)
        })
        .await
}

/// Suspends or resumes a partner: a suspended partner's keys answer 403.
pub async fn set_active(
    state: &AppState,
    actor: Actor,
    id: i64,
    active: bool,
) -> Result<Partner, ApiError> {
    let now = state.clock.now();
    state
        .db
        .write(move |conn| {
            managed_partner(conn, &actor, id)?;
            partners::set_active(conn, id, active, now)?;
            Ok(partners::get(conn, id)?)
        })
        .await
}

/// Adds a key (to rotate: add, switch the partner over, revoke the old one).
pub async fn add_key(
    state: &AppState,
    actor: Actor,
    id: i64,
) -> Result<(KeyRecord, String), ApiError> {
    let now = state.clock.now();
    let key = fresh_key();
    let (key_id, hash, shown) = (key.id().to_owned(), secret_hash(key.secret()), key.reveal());
    let k = state
        .db
        .write(move |conn| {
            managed_partner(conn, &actor, id)?;
            Ok(partners::add_key(conn, id, &key_id, &hash, now)?)
        })
        .await?;
    tracing::info!(partner = id, key = %k.key_id, "added a partner key");
    Ok((k, shown))
}

/// Revokes a key at once.
pub async fn revoke_key(state: &AppState, actor: Actor, id: i64, key: i64) -> Result<(), ApiError> {
    let now = state.clock.now();
    state
        .db
        .write(move |conn| {
            managed_partner(conn, &actor, id)?;
            match partners::revoke_key(conn, id, key, now) {
                Ok(_) => Ok(()),
                Err(StoreError::NotFound) => Err(ApiError::not_found(
                    "partner.key_not_found",
                    Msg::new("密钥不存在", "No such key"),
                )),
                Err(e) => Err(e.into()),
            }
        })
        .await
}

/// Issues the partner's inbound signing secret (`whsec_…`), with which it signs the requests it
/// pushes, shown only in this answer and stored encrypted (the server verifies with it, so it
/// cannot keep only a hash). Issuing again replaces the secret at once: messages signed with
/// the old one are refused from then on. The first issue also makes the partner's service
/// account, the submitter of what it pushes.
pub async fn issue_inbound_secret(
    state: &AppState,
    actor: Actor,
    id: i64,
) -> Result<String, ApiError> {
    let now = state.clock.now();
    let secret = crate::webhooks::signature::WebhookSecret::generate();
    let shown = secret.expose();
    let enc = state.cipher.encrypt(&shown).map_err(ApiError::internal)?;
    state
        .db
        .write(move |conn| {
            let p = managed_partner(conn, &actor, id)?;
            let issue = |conn: &mut linli_persistence::DbConnection| {
                transaction(conn, |conn| {
                    linli_persistence::partner_inbound::set_secret(conn, &p, &enc, now)
                })
            };
            match issue(conn) {
                // Another admin issued the first secret at the same moment: replace theirs.
                Err(StoreError::Duplicate("partner")) => issue(conn)?,
                other => other?,
            };
            Ok(())
        })
        .await?;
    tracing::info!(partner = id, "issued a partner's inbound signing secret");
    Ok(shown)
}
