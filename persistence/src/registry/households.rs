//! Household profiles and their residents.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use linli_domain::org::NodePath;
use linli_domain::registry::Relation;
use linli_domain::{OrgNodeId, UserId};

use crate::connection::DbConnection;
use crate::error::{StoreError, corrupt};
use crate::org::OrgNode;
use crate::schema::{
    care_tags as ct, household_profiles as hp, registry_resident_keys as rk,
    registry_residents as rr,
};
use crate::time::{from_db, opt_from_db, to_db};

/// A personal value as stored: encrypted, masked for display, and a keyed hash of its
/// normalised form for look-ups. The API seals and unseals; storage never sees it in the clear.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sealed {
    /// Ciphertext.
    pub encrypted: String,
    /// For masked views (张*三, 138****5678).
    pub masked: String,
    /// Keyed hash of the normalised value.
    pub hash: String,
}

/// A household's profile.
#[derive(Debug, Clone, PartialEq)]
pub struct Profile {
    /// The household node.
    pub household_id: OrgNodeId,
    /// Its community.
    pub community_id: OrgNodeId,
    /// Its path.
    pub household_path: NodePath,
    /// Unit.
    pub unit: String,
    /// Room.
    pub room: String,
    /// People living there.
    pub size: i32,
    /// The office's notes.
    pub notes: Option<String>,
    /// When first recorded.
    pub created_at: DateTime<Utc>,
    /// When last changed.
    pub updated_at: DateTime<Utc>,
}

/// A profile to record.
#[derive(Debug, Clone)]
pub struct NewProfile {
    /// Unit.
    pub unit: String,
    /// Room.
    pub room: String,
    /// People living there.
    pub size: i32,
    /// Notes.
    pub notes: Option<String>,
}

/// A resident as stored (name and phone sealed).
#[derive(Debug, Clone, PartialEq)]
pub struct ResidentRecord {
    /// Its id.
    pub id: i64,
    /// The household node.
    pub household_id: OrgNodeId,
    /// Its community.
    pub community_id: OrgNodeId,
    /// The household's path.
    pub household_path: NodePath,
    /// Name: ciphertext.
    pub name_enc: String,
    /// Name, masked.
    pub name_masked: String,
    /// Relation to the head.
    pub relation: Relation,
    /// Birth year.
    pub birth_year: Option<i32>,
    /// Phone: ciphertext.
    pub phone_enc: Option<String>,
    /// Phone, masked.
    pub phone_masked: Option<String>,
    /// Their account, if linked.
    pub user_id: Option<UserId>,
    /// When anonymised at their request.
    pub anonymised_at: Option<DateTime<Utc>>,
    /// When recorded.
    pub created_at: DateTime<Utc>,
}

/// A resident to record.
#[derive(Debug, Clone)]
pub struct NewResident {
    /// Name, sealed.
    pub name: Sealed,
    /// Relation.
    pub relation: Relation,
    /// Birth year.
    pub birth_year: Option<i32>,
    /// Phone, sealed.
    pub phone: Option<Sealed>,
    /// Their account, if linked.
    pub user_id: Option<UserId>,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = hp)]
struct ProfileRow {
    household_id: i64,
    community_id: i64,
    household_path: String,
    unit: String,
    room: String,
    size: i32,
    notes: Option<String>,
    created_at: chrono::NaiveDateTime,
    updated_at: chrono::NaiveDateTime,
}

impl TryFrom<ProfileRow> for Profile {
    type Error = StoreError;
    fn try_from(r: ProfileRow) -> Result<Self, StoreError> {
        Ok(Profile {
            household_id: OrgNodeId(r.household_id),
            community_id: OrgNodeId(r.community_id),
            household_path: NodePath::parse(&r.household_path).map_err(corrupt)?,
            unit: r.unit,
            room: r.room,
            size: r.size,
            notes: r.notes,
            created_at: from_db(r.created_at),
            updated_at: from_db(r.updated_at),
        })
    }
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = rr)]
struct ResidentRow {
    id: i64,
    household_id: i64,
    community_id: i64,
    household_path: String,
    name_enc: String,
    name_masked: String,
    relation: String,
    birth_year: Option<i32>,
    phone_enc: Option<String>,
    phone_masked: Option<String>,
    user_id: Option<i64>,
    anonymised_at: Option<chrono::NaiveDateTime>,
    created_at: chrono::NaiveDateTime,
}

impl TryFrom<ResidentRow> for ResidentRecord {
    type Error = StoreError;
    fn try_from(r: ResidentRow) -> Result<Self, StoreError> {
        Ok(ResidentRecord {
            id: r.id,
            household_id: OrgNodeId(r.household_id),
            community_id: OrgNodeId(r.community_id),
            household_path: NodePath::parse(&r.household_path).map_err(corrupt)?,
            name_enc: r.name_enc,
            name_masked: r.name_masked,
            relation: Relation::parse(&r.relation).map_err(|_| corrupt(&r.relation))?,
            birth_year: r.birth_year,
            phone_enc: r.phone_enc,
            phone_masked: r.phone_masked,
            user_id: r.user_id.map(UserId),
            anonymised_at: opt_from_db(r.anonymised_at),
            created_at: from_db(r.created_at),
        })
    }
}

fn community_of(household: &OrgNode) -> Result<OrgNodeId, StoreError> {
    household
        .community_id
        .ok_or_else(|| corrupt(format!("household {} has no community", household.id.0)))
}

/// Records or replaces a household's profile.
pub fn put_profile(
    conn: &mut DbConnection,
    household: &OrgNode,
    new: &NewProfile,
    now: DateTime<Utc>,
) -> Result<Profile, StoreError> {
    let community = community_of(household)?;
    let n = diesel::update(hp::table.find(household.id.0))
        .set((
            hp::unit.eq(&new.unit),
            hp::room.eq(&new.room),
            hp::size.eq(new.size),
            hp::notes.eq(&new.notes),
            hp::updated_at.eq(to_db(now)),
        ))
        .execute(conn)?;
    if n == 0 {
        diesel::insert_into(hp::table)
            .values((
                hp::household_id.eq(household.id.0),
                hp::community_id.eq(community.0),
                hp::household_path.eq(household.path.as_str()),
                hp::unit.eq(&new.unit),
                hp::room.eq(&new.room),
                hp::size.eq(new.size),
                hp::notes.eq(&new.notes),
                hp::created_at.eq(to_db(now)),
                hp::updated_at.eq(to_db(now)),
            ))
            .execute(conn)
            .map_err(|e| crate::error::on_unique(e, &[("household_profiles", "household")]))?;
    }
    profile(conn, household.id)?.ok_or(StoreError::NotFound)
}

/// A household's profile, if it has one.
pub fn profile(
    conn: &mut DbConnection,
    household: OrgNodeId,
) -> Result<Option<Profile>, StoreError> {
    hp::table
        .find(household.0)
        .select(ProfileRow::as_select())
        .get_result(conn)
        .optional()?
        .map(TryInto::try_into)
        .transpose()
}

/// The profiles of several households.
pub fn profiles(
    conn: &mut DbConnection,
    households: &[OrgNodeId],
) -> Result<Vec<Profile>, StoreError> {
    let ids: Vec<i64> = households.iter().map(|h| h.0).collect();
    hp::table
        .filter(hp::household_id.eq_any(ids))
        .select(ProfileRow::as_select())
        .load(conn)?
        .into_iter()
        .map(TryInto::try_into)
        .collect()
}

/// The household ids under `root` that have a profile (the import refuses those twice).
pub fn registered_under(
    conn: &mut DbConnection,
    root: &NodePath,
) -> Result<Vec<OrgNodeId>, StoreError> {
    let (lo, hi) = crate::org::subtree_bounds(root);
    Ok(hp::table
        .filter(hp::household_path.ge(lo).and(hp::household_path.lt(hi)))
        .select(hp::household_id)
        .load::<i64>(conn)?
        .into_iter()
        .map(OrgNodeId)
        .collect())
}

/// Adds a resident to a household.
pub fn add_resident(
    conn: &mut DbConnection,
    household: &OrgNode,
    new: &NewResident,
    now: DateTime<Utc>,
) -> Result<ResidentRecord, StoreError> {
    let community = community_of(household)?;
    let id: i64 = diesel::insert_into(rr::table)
        .values((
            rr::household_id.eq(household.id.0),
            rr::community_id.eq(community.0),
            rr::household_path.eq(household.path.as_str()),
            rr::name_enc.eq(&new.name.encrypted),
            rr::name_masked.eq(&new.name.masked),
            rr::name_hash.eq(&new.name.hash),
            rr::relation.eq(new.relation.as_str()),
            rr::birth_year.eq(new.birth_year),
            rr::phone_enc.eq(new.phone.as_ref().map(|p| &p.encrypted)),
            rr::phone_masked.eq(new.phone.as_ref().map(|p| &p.masked)),
            rr::phone_hash.eq(new.phone.as_ref().map(|p| &p.hash)),
            rr::user_id.eq(new.user_id.map(|u| u.0)),
            rr::created_at.eq(to_db(now)),
            rr::updated_at.eq(to_db(now)),
        ))
        .returning(rr::id)
        .get_result(conn)?;
    resident(conn, id)
}

/// One resident.
pub fn resident(conn: &mut DbConnection, id: i64) -> Result<ResidentRecord, StoreError> {
    rr::table
        .find(id)
        .select(ResidentRow::as_select())
        .get_result(conn)?
        .try_into()
}

/// A household's residents in the register (not removed ones), in the order recorded.
pub fn residents_of(
    conn: &mut DbConnection,
    household: OrgNodeId,
) -> Result<Vec<ResidentRecord>, StoreError> {
    rr::table
        .filter(rr::household_id.eq(household.0))
        .filter(rr::removed_at.is_null())
        .order(rr::id.asc())
        .select(ResidentRow::as_select())
        .load(conn)?
        .into_iter()
        .map(TryInto::try_into)
        .collect()
}

/// The residents of several households.
pub fn residents_of_many(
    conn: &mut DbConnection,
    households: &[OrgNodeId],
) -> Result<Vec<ResidentRecord>, StoreError> {
    let ids: Vec<i64> = households.iter().map(|h| h.0).collect();
    rr::table
        .filter(rr::household_id.eq_any(ids))
        .filter(rr::removed_at.is_null())
        .order(rr::id.asc())
        .select(ResidentRow::as_select())
        .load(conn)?
        .into_iter()
        .map(TryInto::try_into)
        .collect()
}

/// The residents whose name or phone hashes to `hash` in a community (a staff search).
pub fn find_by_hash(
    conn: &mut DbConnection,
    community: OrgNodeId,
    hash: &str,
) -> Result<Vec<ResidentRecord>, StoreError> {
    rr::table
        .filter(rr::community_id.eq(community.0))
        .filter(rr::name_hash.eq(hash).or(rr::phone_hash.eq(hash)))
        .filter(rr::removed_at.is_null())
        .order(rr::id.asc())
        .select(ResidentRow::as_select())
        .load(conn)?
        .into_iter()
        .map(TryInto::try_into)
        .collect()
}

/// The registry entries linked to an account.
pub fn residents_of_user(
    conn: &mut DbConnection,
    user: UserId,
) -> Result<Vec<ResidentRecord>, StoreError> {
    rr::table
        .filter(rr::user_id.eq(user.0))
        .filter(rr::removed_at.is_null())
        .order(rr::id.asc())
        .select(ResidentRow::as_select())
        .load(conn)?
        .into_iter()
        .map(TryInto::try_into)
        .collect()
}

/// Anonymises the entries linked to an account: the name becomes `name` (sealed, e.g.
/// "已注销居民"), phone and birth year go, the link to the account goes. Relation stays, so
/// the household still adds up. Returns how many.
pub fn anonymise_user_entries(
    conn: &mut DbConnection,
    user: UserId,
    name: &Sealed,
    now: DateTime<Utc>,
) -> Result<usize, StoreError> {
    Ok(diesel::update(rr::table.filter(rr::user_id.eq(user.0)))
        .set((
            rr::name_enc.eq(&name.encrypted),
            rr::name_masked.eq(&name.masked),
            rr::name_hash.eq(&name.hash),
            rr::birth_year.eq(None::<i32>),
            rr::phone_enc.eq(None::<String>),
            rr::phone_masked.eq(None::<String>),
            rr::phone_hash.eq(None::<String>),
            rr::user_id.eq(None::<i64>),
            rr::anonymised_at.eq(Some(to_db(now))),
            rr::updated_at.eq(to_db(now)),
        ))
        .execute(conn)?)
}

/// What an edit changes: `None` leaves a field as it is; for the nullable ones `Some(None)`
/// clears it.
#[derive(Debug, Clone, Default)]
pub struct ResidentChange {
    /// Name, sealed anew.
    pub name: Option<Sealed>,
    /// Relation.
    pub relation: Option<Relation>,
    /// Birth year.
    pub birth_year: Option<Option<i32>>,
    /// Phone, sealed anew, or cleared.
    pub phone: Option<Option<Sealed>>,
    /// The linked account.
    pub user_id: Option<Option<UserId>>,
}

#[derive(AsChangeset)]
#[diesel(table_name = rr)]
struct ResidentChangeset<'a> {
    name_enc: Option<&'a str>,
    name_masked: Option<&'a str>,
    name_hash: Option<&'a str>,
    relation: Option<&'a str>,
    birth_year: Option<Option<i32>>,
    phone_enc: Option<Option<&'a str>>,
    phone_masked: Option<Option<&'a str>>,
    phone_hash: Option<Option<&'a str>>,
    user_id: Option<Option<i64>>,
    updated_at: chrono::NaiveDateTime,
}

/// Changes a resident of `household` in the register; false when there is none such (another
/// household's, or removed).
pub fn update_resident(
    conn: &mut DbConnection,
    household: OrgNodeId,
    id: i64,
    change: &ResidentChange,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let phone = change.phone.as_ref().map(Option::as_ref);
    let set = ResidentChangeset {
        name_enc: change.name.as_ref().map(|n| n.encrypted.as_str()),
        name_masked: change.name.as_ref().map(|n| n.masked.as_str()),
        name_hash: change.name.as_ref().map(|n| n.hash.as_str()),
        relation: change.relation.map(|r| r.as_str()),
        birth_year: change.birth_year,
        phone_enc: phone.map(|p| p.map(|p| p.encrypted.as_str())),
        phone_masked: phone.map(|p| p.map(|p| p.masked.as_str())),
        phone_hash: phone.map(|p| p.map(|p| p.hash.as_str())),
        user_id: change.user_id.map(|u| u.map(|u| u.0)),
        updated_at: to_db(now),
    };
    let n = diesel::update(
        rr::table
            .find(id)
            .filter(rr::household_id.eq(household.0))
            .filter(rr::removed_at.is_null()),
    )
    .set(&set)
    .execute(conn)?;
    Ok(n == 1)
}

/// Removes a resident of `household` from the register; false when there is none such.
///
/// The row stays and its personal fields are erased, the way a resident's own erasure
/// anonymises it (`anonymise_user_entries`): the name becomes `placeholder` (sealed), phone,
/// birth year and the account link go, and `removed_at` hides it from the household, searches
/// and care lists. Deleting the row instead would break the care tags recorded with this
/// resident's consent and the access-log lines about them (both point at its id), or force
/// rewriting that record. The care tags about this resident are closed (removed by `by`, kept
/// as the record of care given); household tags they consented to stay as they are. The keyed
/// hash of the body it was added with (Idempotency-Key) is erased too.
pub fn remove_resident(
    conn: &mut DbConnection,
    household: OrgNodeId,
    id: i64,
    placeholder: &Sealed,
    by: UserId,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let n = diesel::update(
        rr::table
            .find(id)
            .filter(rr::household_id.eq(household.0))
            .filter(rr::removed_at.is_null()),
    )
    .set((
        rr::name_enc.eq(&placeholder.encrypted),
        rr::name_masked.eq(&placeholder.masked),
        rr::name_hash.eq(&placeholder.hash),
        rr::birth_year.eq(None::<i32>),
        rr::phone_enc.eq(None::<String>),
        rr::phone_masked.eq(None::<String>),
        rr::phone_hash.eq(None::<String>),
        rr::user_id.eq(None::<i64>),
        rr::removed_at.eq(Some(to_db(now))),
        rr::removed_by.eq(Some(by.0)),
        rr::updated_at.eq(to_db(now)),
    ))
    .execute(conn)?;
    if n == 0 {
        return Ok(false);
    }
    diesel::update(
        ct::table
            .filter(ct::resident_id.eq(id))
            .filter(ct::removed_at.is_null()),
    )
    .set((
        ct::removed_at.eq(Some(to_db(now))),
        ct::removed_by.eq(Some(by.0)),
    ))
    .execute(conn)?;
    diesel::update(rk::table.filter(rk::resident_id.eq(id)))
        .set(rk::body_hash.eq(None::<String>))
        .execute(conn)?;
    Ok(true)
}

/// A resident added under an `Idempotency-Key`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResidentKey {
    /// The keyed hash of the body it came with; erased once the entry was removed.
    pub body_hash: Option<String>,
    /// The household it was added to.
    pub household_id: OrgNodeId,
    /// The entry.
    pub resident_id: i64,
}

/// The resident `author` added under `key`, if any.
pub fn resident_key(
    conn: &mut DbConnection,
    author: UserId,
    key: &str,
) -> Result<Option<ResidentKey>, StoreError> {
    Ok(rk::table
        .filter(rk::author_id.eq(author.0))
        .filter(rk::idem_key.eq(key))
        .select((rk::body_hash, rk::household_id, rk::resident_id))
        .get_result::<(Option<String>, i64, i64)>(conn)
        .optional()?
        .map(|(body_hash, h, r)| ResidentKey {
            body_hash,
            household_id: OrgNodeId(h),
            resident_id: r,
        }))
}

/// Remembers the key a resident was added under. The same key twice by one author is
/// `Duplicate("idempotency_key")` (run it in a savepoint).
pub fn insert_resident_key(
    conn: &mut DbConnection,
    author: UserId,
    key: &str,
    body_hash: &str,
    household: OrgNodeId,
    resident: i64,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    diesel::insert_into(rk::table)
        .values((
            rk::author_id.eq(author.0),
            rk::idem_key.eq(key),
            rk::body_hash.eq(Some(body_hash)),
            rk::household_id.eq(household.0),
            rk::resident_id.eq(resident),
            rk::created_at.eq(to_db(now)),
        ))
        .execute(conn)
        .map_err(|e| {
            crate::error::on_unique(e, &[("registry_resident_keys", "idempotency_key")])
        })?;
    Ok(())
}
