//! The registry's commands and queries: who may see and change what is decided by
//! `linli_domain::registry::masking`; this is where the rules meet storage and the cipher.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use linli_domain::access::{Actor, RoleKind};
use linli_domain::org::{NodeKind, NodePath};
use linli_domain::registry::masking::{self, Access, Field, Viewer};
use linli_domain::registry::{BirthYear, CareTag, HouseholdSize, ResidentName, Room, Unit};
use linli_domain::text::{Note, PhoneNumber};
use linli_domain::{OrgNodeId, UserId};
use linli_persistence::org::{self, OrgNode};
use linli_persistence::registry::care::{self, CareTagRecord, NewCareTag};
use linli_persistence::registry::households::{
    self, NewProfile, NewResident, Profile, ResidentChange, ResidentKey, ResidentRecord,
};
use linli_persistence::registry::{NewAccess, access_log};
use linli_persistence::tx::transaction;
use linli_persistence::{DbConnection, StoreError};

use super::dto::*;
use super::seal;
use crate::crypto::DataCipher;
use crate::error::{ApiError, Msg};
use crate::state::AppState;
use crate::validation::Fields;

/// Not there, or not the caller's to see.
pub fn not_found() -> ApiError {
    ApiError::not_found(
        "registry.household_not_found",
        Msg::new("住户不存在", "No such household"),
    )
}

/// Seen, but not the caller's to change.
pub fn not_allowed() -> ApiError {
    ApiError::forbidden(
        "registry.not_allowed",
        Msg::new(
            "无权修改该住户台账",
            "You may not change this household's register",
        ),
    )
}

fn reveal_forbidden() -> ApiError {
    ApiError::forbidden(
        "registry.reveal_forbidden",
        Msg::new(
            "仅社区工作人员可查看完整姓名和电话",
            "Only community staff may see names and phones whole",
        ),
    )
}

/// A household node, or 404.
pub fn household_node(conn: &mut DbConnection, id: OrgNodeId) -> Result<OrgNode, ApiError> {
    match org::get_node(conn, id) {
        Ok(n) if n.kind == NodeKind::Household => Ok(n),
        Ok(_) | Err(StoreError::NotFound) => Err(not_found()),
        Err(e) => Err(e.into()),
    }
}

/// The caller's capacity over a household, or 404 when they have none.
fn viewer(actor: &Actor, node: &OrgNode) -> Result<Viewer, ApiError> {
    Viewer::of(actor, &node.path).ok_or_else(not_found)
}

/// Household `id` and the caller's capacity there, when that capacity may change the registry
/// (404 when they do not see it, 403 when they see it but may not edit).
fn editable(
    conn: &mut DbConnection,
    actor: &Actor,
    id: OrgNodeId,
) -> Result<(OrgNode, Viewer), ApiError> {
    let node = household_node(conn, id)?;
    let viewer = viewer(actor, &node)?;
    if !masking::may_edit(viewer) {
        return Err(not_allowed());
    }
    Ok((node, viewer))
}

/// The household as it stands after a change, masked for `viewer` (never revealed).
fn rendered(
    conn: &mut DbConnection,
    cipher: &DataCipher,
    node: &OrgNode,
    viewer: Viewer,
) -> Result<HouseholdRegistryView, ApiError> {
    let loaded = load(conn, std::slice::from_ref(node))?;
    render(cipher, &loaded, node, viewer, false)
}

/// Everything held about some households, read in a few queries.
struct Loaded {
    profiles: HashMap<OrgNodeId, Profile>,
    residents: HashMap<OrgNodeId, Vec<ResidentRecord>>,
    tags: HashMap<OrgNodeId, Vec<CareTagRecord>>,
    codes: HashMap<OrgNodeId, Option<String>>,
}

fn load(conn: &mut DbConnection, nodes: &[OrgNode]) -> Result<Loaded, StoreError> {
    let ids: Vec<OrgNodeId> = nodes.iter().map(|n| n.id).collect();
    let mut residents: HashMap<OrgNodeId, Vec<ResidentRecord>> = HashMap::new();
    for r in households::residents_of_many(conn, &ids)? {
        residents.entry(r.household_id).or_default().push(r);
    }
    let mut tags: HashMap<OrgNodeId, Vec<CareTagRecord>> = HashMap::new();
    for t in care::active_of(conn, &ids)? {
        tags.entry(t.household_id).or_default().push(t);
    }
    let parents: Vec<OrgNodeId> = nodes.iter().filter_map(|n| n.parent_id).collect();
    let buildings: HashMap<OrgNodeId, Option<String>> = org::get_nodes(conn, &parents)?
        .into_iter()
        .map(|b| (b.id, b.code))
        .collect();
    Ok(Loaded {
        profiles: households::profiles(conn, &ids)?
            .into_iter()
            .map(|p| (p.household_id, p))
            .collect(),
        residents,
        tags,
        codes: nodes
            .iter()
            .map(|n| {
                let code = n
                    .parent_id
                    .and_then(|p| buildings.get(&p).cloned().flatten());
                (n.id, code)
            })
            .collect(),
    })
}

/// One household as `viewer` sees it; `reveal` only for those who may.
fn render(
    cipher: &DataCipher,
    loaded: &Loaded,
    node: &OrgNode,
    viewer: Viewer,
    reveal: bool,
) -> Result<HouseholdRegistryView, ApiError> {
    let shows = |f| masking::access(f, viewer, reveal);
    let residents = loaded
        .residents
        .get(&node.id)
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .map(|r| {
            let name = match shows(Field::Name) {
                Access::Plain => Some(seal::open(cipher, &r.name_enc, r.id)?),
                Access::Masked => Some(r.name_masked.clone()),
                Access::Hidden => None,
            };
            let phone = match (shows(Field::Phone), &r.phone_enc) {
                (Access::Plain, Some(enc)) => Some(seal::open(cipher, enc, r.id)?),
                (Access::Masked, Some(_)) => r.phone_masked.clone(),
                _ => None,
            };
            Ok(ResidentView {
                id: r.id,
                name_masked: shows(Field::Name) == Access::Masked,
                name,
                relation: r.relation.into(),
                birth_year: (shows(Field::BirthYear) != Access::Hidden)
                    .then_some(r.birth_year)
                    .flatten(),
                phone_masked: shows(Field::Phone) == Access::Masked && r.phone_enc.is_some(),
                phone,
                has_account: r.user_id.is_some(),
                anonymised: r.anonymised_at.is_some(),
            })
        })
        .collect::<Result<Vec<_>, ApiError>>()?;
    let care_tags = if shows(Field::CareTags) == Access::Hidden {
        Vec::new()
    } else {
        loaded
            .tags
            .get(&node.id)
            .map(Vec::as_slice)
            .unwrap_or_default()
            .iter()
            .map(tag_view)
            .collect()
    };
    Ok(HouseholdRegistryView {
        household: HouseholdRef {
            id: node.id.0,
            name: node.name.clone(),
            building_code: loaded.codes.get(&node.id).cloned().flatten(),
        },
        capacity: viewer.as_str().to_owned(),
        revealed: !masking::plain_fields(viewer, reveal).is_empty(),
        profile: loaded.profiles.get(&node.id).map(|p| ProfileView {
            unit: p.unit.clone(),
            room: p.room.clone(),
            size: p.size,
            notes: (shows(Field::Notes) == Access::Plain)
                .then(|| p.notes.clone())
                .flatten(),
            updated_at: p.updated_at,
        }),
        residents,
        care_tags,
    })
}

/// A care tag for the wire.
pub fn tag_view(t: &CareTagRecord) -> CareTagView {
    CareTagView {
        id: t.id,
        tag: t.tag.into(),
        resident_id: t.resident_id,
        consent: ConsentView {
            method: t.consent_method.into(),
            given_by_resident_id: t.consent_by_resident_id,
            given_at: t.consent_at,
            recorded_by: t.recorded_by.0,
        },
        recorded_at: t.created_at,
    }
}

/// Logs a read that showed names or phones whole, in the caller's transaction.
fn log_plain_read(
    conn: &mut DbConnection,
    actor: UserId,
    node: &OrgNode,
    view: &HouseholdRegistryView,
    plain: &[Field],
    purpose: &str,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    let fields: Vec<&str> = plain.iter().map(|f| f.as_str()).collect();
    if fields.is_empty() || view.residents.is_empty() {
        return Ok(());
    }
    let community = node
        .community_id
        .ok_or_else(|| ApiError::internal(anyhow::anyhow!("household without community")))?;
    access_log::record(
        conn,
        &NewAccess {
            community_id: community,
            household_path: &node.path,
            household_id: node.id,
            resident_id: None,
            actor,
            capacity: &view.capacity,
            fields: &fields.join(","),
            purpose,
        },
        now,
    )?;
    Ok(())
}

/// A household's registry entry as the caller may see it. With `reveal` (community staff, a
/// purpose given) names and phones come whole, and the read is logged in the same
/// transaction; a resident's own household comes whole and is logged too.
pub async fn view(
    state: &AppState,
    actor: Actor,
    id: OrgNodeId,
    reveal: bool,
    purpose: Option<String>,
) -> Result<HouseholdRegistryView, ApiError> {
    let purpose = if reveal {
        let mut f = Fields::new();
        let p = f.check(
            "purpose",
            Note::parse(purpose.as_deref().unwrap_or("").trim()),
        );
        if let Some(p) = &p
            && p.as_str().chars().count() > 200
        {
            f.push(
                "purpose",
                "too_long",
                "用途不能超过 200 个字",
                "purpose: at most 200 characters",
            );
        }
        f.finish()?;
        p.map(Note::into_inner)
    } else {
        None
    };
    let now = state.clock.now();
    let cipher = state.cipher.clone();
    state
        .db
        .write(move |conn| {
            transaction(conn, |conn| {
                let node = household_node(conn, id)?;
                let viewer = viewer(&actor, &node)?;
                if reveal && !masking::may_reveal(viewer) {
                    return Err(reveal_forbidden());
                }
                let loaded = load(conn, std::slice::from_ref(&node))?;
                let view = render(&cipher, &loaded, &node, viewer, reveal)?;
                let purpose = purpose.as_deref().unwrap_or("own_household");
                let plain = masking::plain_fields(viewer, reveal);
                log_plain_read(conn, actor.user_id, &node, &view, &plain, purpose, now)?;
                Ok(view)
            })
        })
        .await
}

/// Records or replaces a household's profile (community staff).
pub async fn put_profile(
    state: &AppState,
    actor: Actor,
    id: OrgNodeId,
    body: ProfileBody,
) -> Result<HouseholdRegistryView, ApiError> {
    let mut f = Fields::new();
    let unit = f.check("unit", Unit::parse(&body.unit));
    let room = f.check("room", Room::parse(&body.room));
    let size = f.check("size", HouseholdSize::new(body.size));
    let notes = match body.notes.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(n) => f.check("notes", Note::parse(n)).map(Note::into_inner),
    };
    f.finish()?;
    let new = NewProfile {
        unit: unit.expect("checked").as_str().to_owned(),
        room: room.expect("checked").as_str().to_owned(),
        size: size.expect("checked").get(),
        notes,
    };
    let now = state.clock.now();
    let cipher = state.cipher.clone();
    state
        .db
        .write(move |conn| {
            transaction(conn, |conn| {
                let (node, viewer) = editable(conn, &actor, id)?;
                households::put_profile(conn, &node, &new, now)?;
                rendered(conn, &cipher, &node, viewer)
            })
        })
        .await
}

/// What an `Idempotency-Key` on an added resident is compared by: the household and the
/// checked fields, hashed with the data key (`idempotency::body_hash`), never stored plain.
#[derive(serde::Serialize)]
struct ResidentCanonical<'a> {
    household: i64,
    name: &'a str,
    relation: &'a str,
    birth_year: Option<i32>,
    phone: Option<&'a str>,
    user_id: Option<i64>,
}

/// 422 on `user_id` when the account does not exist.
fn check_account(conn: &mut DbConnection, user: Option<UserId>) -> Result<(), ApiError> {
    let Some(u) = user else {
        return Ok(());
    };
    match linli_persistence::users::get_user(conn, u) {
        Ok(_) => Ok(()),
        Err(StoreError::NotFound) => {
            let mut f = Fields::new();
            f.push("user_id", "not_found", "账号不存在", "No such account");
            f.finish()
        }
        Err(e) => Err(e.into()),
    }
}

/// Adds a resident to a household (community staff). Answers with the household, masked.
///
/// With an `Idempotency-Key` the caller used before, nothing is stored and the household is
/// answered again (`true`); the same key with another body (or household) is 422
/// `idempotency.key_reused`. The key and the body's keyed hash are stored with the entry in a
/// savepoint, so of two concurrent twins one adds and the other replays.
pub async fn add_resident(
    state: &AppState,
    actor: Actor,
    id: OrgNodeId,
    body: ResidentBody,
    key: Option<String>,
) -> Result<(HouseholdRegistryView, bool), ApiError> {
    let this_year = chrono::Datelike::year(&state.clock.now().with_timezone(&state.tz));
    let mut f = Fields::new();
    let name = f.check("name", ResidentName::parse(&body.name));
    let birth_year = match body.birth_year {
        None => None,
        Some(y) => f.check("birth_year", BirthYear::new(y, this_year)),
    };
    let phone = match body.phone.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(p) => f.check("phone", PhoneNumber::parse(p)),
    };
    f.finish()?;
    let name = name.expect("checked");
    let relation: linli_domain::registry::Relation = body.relation.into();
    let cipher = state.cipher.clone();
    let hash = crate::idempotency::body_hash(
        &cipher,
        &ResidentCanonical {
            household: id.0,
            name: name.as_str(),
            relation: relation.as_str(),
            birth_year: birth_year.map(BirthYear::get),
            phone: phone.as_ref().map(PhoneNumber::as_str),
            user_id: body.user_id,
        },
    );
    let new = NewResident {
        name: seal::name(&cipher, &name)?,
        relation,
        birth_year: birth_year.map(BirthYear::get),
        phone: phone
            .as_ref()
            .map(|p| seal::phone(&cipher, p))
            .transpose()?,
        user_id: body.user_id.map(UserId),
    };
    let now = state.clock.now();
    state
        .db
        .write(move |conn| {
            transaction(conn, |conn| {
                let (node, viewer) = editable(conn, &actor, id)?;
                let replay = |conn: &mut DbConnection, prior: Option<ResidentKey>| {
                    let prior = prior.ok_or_else(|| {
                        ApiError::internal(anyhow::anyhow!(
                            "a registry idempotency key clashed but is not there"
                        ))
                    })?;
                    if prior.body_hash.as_deref() != Some(hash.as_str()) {
                        return Err(crate::idempotency::key_reused());
                    }
                    Ok((rendered(conn, &cipher, &node, viewer)?, true))
                };
                if let Some(k) = &key
                    && let Some(prior) = households::resident_key(conn, actor.user_id, k)?
                {
                    return replay(conn, Some(prior));
                }
                check_account(conn, new.user_id)?;
                // In a savepoint: a twin with the same key committed meanwhile (another
                // instance, PostgreSQL) makes the key's insert fail; the entry goes with it and
                // the twin's answer is given.
                let added = transaction(conn, |conn| {
                    let r = households::add_resident(conn, &node, &new, now)?;
                    if let Some(k) = &key {
                        households::insert_resident_key(
                            conn,
                            actor.user_id,
                            k,
                            &hash,
                            node.id,
                            r.id,
                            now,
                        )?;
                    }
                    Ok::<_, StoreError>(r)
                });
                match added {
                    Ok(_) => {}
                    Err(StoreError::Duplicate("idempotency_key")) => {
                        let k = key.as_deref().expect("only a key clashes");
                        let prior = households::resident_key(conn, actor.user_id, k)?;
                        return replay(conn, prior);
                    }
                    Err(e) => return Err(e.into()),
                }
                Ok((rendered(conn, &cipher, &node, viewer)?, false))
            })
        })
        .await
}

fn resident_not_found() -> ApiError {
    ApiError::not_found(
        "registry.resident_not_found",
        Msg::new("该住户无此居民", "No such resident in this household"),
    )
}

/// Changes a resident's entry (community staff): the fields given, checked as when adding;
/// a new name or phone is sealed anew (ciphertext, masked form, look-up hash), so a search by
/// the new value finds the household and one by the old value no longer does. Answers with
/// the household, masked.
pub async fn update_resident(
    state: &AppState,
    actor: Actor,
    id: OrgNodeId,
    resident: i64,
    body: ResidentPatch,
) -> Result<HouseholdRegistryView, ApiError> {
    let this_year = chrono::Datelike::year(&state.clock.now().with_timezone(&state.tz));
    let mut f = Fields::new();
    let name = body
        .name
        .as_deref()
        .and_then(|n| f.check("name", ResidentName::parse(n)));
    let birth_year = match body.birth_year {
        None => None,
        Some(None) => Some(None),
        Some(Some(y)) => f
            .check("birth_year", BirthYear::new(y, this_year))
            .map(|y| Some(y.get())),
    };
    let phone = match body.phone.as_ref().map(|p| p.as_deref().map(str::trim)) {
        None => None,
        Some(None | Some("")) => Some(None),
        Some(Some(p)) => f.check("phone", PhoneNumber::parse(p)).map(Some),
    };
    f.finish()?;
    let cipher = state.cipher.clone();
    let change = ResidentChange {
        name: name.as_ref().map(|n| seal::name(&cipher, n)).transpose()?,
        relation: body.relation.map(Into::into),
        birth_year,
        phone: phone
            .map(|p| p.as_ref().map(|p| seal::phone(&cipher, p)).transpose())
            .transpose()?,
        user_id: body.user_id.map(|u| u.map(UserId)),
    };
    let now = state.clock.now();
    state
        .db
        .write(move |conn| {
            transaction(conn, |conn| {
                let (node, viewer) = editable(conn, &actor, id)?;
                let entry = households::residents_of(conn, node.id)?
                    .into_iter()
                    .find(|r| r.id == resident)
                    .ok_or_else(resident_not_found)?;
                // Erased at the resident's own request (PIPL): staff may not write personal
                // data back onto it; a new entry is theirs to add if the person agrees.
                if entry.anonymised_at.is_some() {
                    return Err(ApiError::conflict(
                        "registry.resident_anonymised",
                        Msg::new(
                            "该居民已应本人要求删除个人信息，不能再编辑",
                            "This entry was erased at the resident's request and cannot be edited",
                        ),
                    ));
                }
                check_account(conn, change.user_id.flatten())?;
                if !households::update_resident(conn, node.id, resident, &change, now)? {
                    return Err(resident_not_found());
                }
                rendered(conn, &cipher, &node, viewer)
            })
        })
        .await
}

/// What a removed entry's name becomes (sealed like any name).
pub const REMOVED_RESIDENT: &str = "已移除居民";

/// Removes a resident's entry (community staff): their personal data is erased and the entry
/// leaves the household, searches and care lists; the row stays for the record (see
/// `households::remove_resident`).
pub async fn remove_resident(
    state: &AppState,
    actor: Actor,
    id: OrgNodeId,
    resident: i64,
) -> Result<(), ApiError> {
    let placeholder = seal::name(
        &state.cipher,
        &ResidentName::parse(REMOVED_RESIDENT).map_err(ApiError::internal)?,
    )?;
    let now = state.clock.now();
    state
        .db
        .write(move |conn| {
            transaction(conn, |conn| {
                let (node, _) = editable(conn, &actor, id)?;
                if !households::remove_resident(
                    conn,
                    node.id,
                    resident,
                    &placeholder,
                    actor.user_id,
                    now,
                )? {
                    return Err(resident_not_found());
                }
                Ok(())
            })
        })
        .await
}

/// Records a care tag with its consent (community staff, or the building's butler).
pub async fn add_tag(
    state: &AppState,
    actor: Actor,
    id: OrgNodeId,
    body: CareTagBody,
) -> Result<CareTagView, ApiError> {
    let now = state.clock.now();
    let given_at = body.consent.given_at.unwrap_or(now);
    if given_at > now {
        let mut f = Fields::new();
        f.push(
            "consent.given_at",
            "in_future",
            "同意时间不能晚于现在",
            "consent cannot be given in the future",
        );
        f.finish()?;
    }
    let tag: CareTag = body.tag.into();
    state
        .db
        .write(move |conn| {
            transaction(conn, |conn| {
                let node = household_node(conn, id)?;
                let viewer = viewer(&actor, &node)?;
                if !masking::may_tag(viewer) {
                    return Err(not_allowed());
                }
                let ours = households::residents_of(conn, node.id)?;
                let mut f = Fields::new();
                for (field, rid) in [
                    ("resident_id", body.resident_id),
                    (
                        "consent.given_by_resident_id",
                        body.consent.given_by_resident_id,
                    ),
                ] {
                    if let Some(rid) = rid
                        && !ours.iter().any(|r| r.id == rid)
                    {
                        f.push(
                            field,
                            "not_found",
                            "该住户无此居民",
                            "No such resident in this household",
                        );
                    }
                }
                f.finish()?;
                let rec = care::add(
                    conn,
                    &node,
                    &NewCareTag {
                        tag,
                        resident_id: body.resident_id,
                        consent_method: body.consent.method.into(),
                        consent_by_resident_id: body.consent.given_by_resident_id,
                        consent_at: given_at,
                        recorded_by: actor.user_id,
                    },
                    now,
                )?;
                Ok(tag_view(&rec))
            })
        })
        .await
}

/// Removes a care tag (consent withdrawn, or the need is over); the record of it stays.
pub async fn remove_tag(
    state: &AppState,
    actor: Actor,
    id: OrgNodeId,
    tag_id: i64,
) -> Result<(), ApiError> {
    let now = state.clock.now();
    state
        .db
        .write(move |conn| {
            let node = household_node(conn, id)?;
            let viewer = viewer(&actor, &node)?;
            if !masking::may_tag(viewer) {
                return Err(not_allowed());
            }
            if !care::remove(conn, node.id, tag_id, actor.user_id, now)? {
                return Err(ApiError::not_found(
                    "registry.care_tag_not_found",
                    Msg::new("关爱标签不存在", "No such care tag"),
                ));
            }
            Ok(())
        })
        .await
}

/// Staff capacity over a node (a resident's own household does not count): the node a care
/// list or search may cover.
fn staff_over(actor: &Actor, path: &NodePath) -> bool {
    matches!(
        Viewer::of(actor, path),
        Some(Viewer::CommunityStaff | Viewer::Butler | Viewer::GridWorker | Viewer::Office)
    ) || [
        RoleKind::CommunityStaff,
        RoleKind::StreetStaff,
        RoleKind::DistrictAdmin,
        RoleKind::GridWorker,
        RoleKind::Butler,
    ]
    .into_iter()
    .any(|k| actor.has_role_over(k, path))
}

/// The households under a node with a care need, masked as the caller's role sees them.
pub async fn care_needs(
    state: &AppState,
    actor: Actor,
    node: OrgNodeId,
    tag: CareTag,
    after: Option<i64>,
    limit: i64,
) -> Result<(Vec<HouseholdRegistryView>, Option<i64>), ApiError> {
    let cipher = state.cipher.clone();
    state
        .db
        .read(move |conn| {
            let root = match org::get_node(conn, node) {
                Ok(n) => n,
                Err(StoreError::NotFound) => return Err(node_not_found()),
                Err(e) => return Err(e.into()),
            };
            if !staff_over(&actor, &root.path) {
                return Err(node_not_found());
            }
            let ids = care::needs_under(conn, &root.path, tag, after, limit)?;
            let next = (ids.len() as i64 == limit)
                .then(|| ids.last().map(|i| i.0))
                .flatten();
            let mut nodes = org::get_nodes(conn, &ids)?;
            nodes.sort_by_key(|n| n.id.0);
            let loaded = load(conn, &nodes)?;
            let mut items = Vec::new();
            for n in &nodes {
                if let Some(v) = Viewer::of(&actor, &n.path) {
                    items.push(render(&cipher, &loaded, n, v, false)?);
                }
            }
            Ok((items, next))
        })
        .await
}

fn node_not_found() -> ApiError {
    ApiError::not_found("org.node_not_found", Msg::new("节点不存在", "No such node"))
}

/// The households whose register holds a name or phone, in the communities where the caller
/// is community staff, masked.
pub async fn search(
    state: &AppState,
    actor: Actor,
    body: SearchBody,
) -> Result<Vec<HouseholdRegistryView>, ApiError> {
    let communities: Vec<NodePath> = actor.paths_of(RoleKind::CommunityStaff).cloned().collect();
    if communities.is_empty() {
        return Err(ApiError::forbidden(
            "registry.not_allowed",
            Msg::new(
                "仅社区工作人员可检索台账",
                "Only community staff search the register",
            ),
        ));
    }
    let mut f = Fields::new();
    let hash = match (body.name.as_deref(), body.phone.as_deref()) {
        (Some(n), None) => f
            .check("name", ResidentName::parse(n))
            .map(|n| seal::name_hash(&state.cipher, &n)),
        (None, Some(p)) => f
            .check("phone", PhoneNumber::parse(p))
            .map(|p| seal::phone_hash(&state.cipher, &p)),
        _ => {
            f.push(
                "name",
                "one_of",
                "请提供姓名或电话之一",
                "give either name or phone",
            );
            None
        }
    };
    f.finish()?;
    let hash = hash.expect("checked");
    let cipher = state.cipher.clone();
    state
        .db
        .read(move |conn| {
            let mut households: Vec<OrgNodeId> = Vec::new();
            for c in &communities {
                for r in households::find_by_hash(conn, c.node_id(), &hash)? {
                    if !households.contains(&r.household_id) {
                        households.push(r.household_id);
                    }
                }
            }
            let nodes = org::get_nodes(conn, &households)?;
            let loaded = load(conn, &nodes)?;
            let mut items = Vec::new();
            for n in &nodes {
                if let Some(v) = Viewer::of(&actor, &n.path) {
                    items.push(render(&cipher, &loaded, n, v, false)?);
                }
            }
            items.sort_by_key(|v| v.household.id);
            Ok(items)
        })
        .await
}

/// The access log of the households under the caller's community-staff roles.
pub async fn access_log(
    state: &AppState,
    actor: Actor,
    household: Option<OrgNodeId>,
    before: Option<i64>,
    limit: i64,
) -> Result<Vec<linli_persistence::registry::AccessLogEntry>, ApiError> {
    let scopes: Vec<NodePath> = actor.paths_of(RoleKind::CommunityStaff).cloned().collect();
    if scopes.is_empty() {
        return Err(ApiError::forbidden(
            "registry.not_allowed",
            Msg::new(
                "仅社区工作人员可查看访问记录",
                "Only community staff see the access log",
            ),
        ));
    }
    state
        .db
        .read(move |conn| {
            Ok(access_log::in_subtrees(
                conn, &scopes, household, before, limit,
            )?)
        })
        .await
}
