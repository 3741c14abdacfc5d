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
    self, NewProfile, NewResident, Profile, ResidentRecord,
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
                let node = household_node(conn, id)?;
                let viewer = viewer(&actor, &node)?;
                if !masking::may_edit(viewer) {
                    return Err(not_allowed());
                }
                households::put_profile(conn, &node, &new, now)?;
                let loaded = load(conn, std::slice::from_ref(&node))?;
                render(&cipher, &loaded, &node, viewer, false)
            })
        })
        .await
}

/// Adds a resident to a household (community staff). Answers with the household, masked.
pub async fn add_resident(
    state: &AppState,
    actor: Actor,
    id: OrgNodeId,
    body: ResidentBody,
) -> Result<HouseholdRegistryView, ApiError> {
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
    let cipher = state.cipher.clone();
    let new = NewResident {
        name: seal::name(&cipher, &name.expect("checked"))?,
        relation: body.relation.into(),
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
                let node = household_node(conn, id)?;
                let viewer = viewer(&actor, &node)?;
                if !masking::may_edit(viewer) {
                    return Err(not_allowed());
                }
                if let Some(u) = new.user_id {
                    match linli_persistence::users::get_user(conn, u) {
                        Ok(_) => {}
                        Err(StoreError::NotFound) => {
                            let mut f = Fields::new();
                            f.push("user_id", "not_found", "账号不存在", "No such account");
                            f.finish()?;
                        }
                        Err(e) => return Err(e.into()),
                    }
                }
                households::add_resident(conn, &node, &new, now)?;
                let loaded = load(conn, std::slice::from_ref(&node))?;
                render(&cipher, &loaded, &node, viewer, false)
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
