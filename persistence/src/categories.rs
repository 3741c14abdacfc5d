//! Service categories.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use linli_domain::CategoryId;
use linli_domain::category::{Category, CategoryCode, CategorySeed, HandlerKind};

use crate::connection::DbConnection;
use crate::error::{StoreError, corrupt, on_unique};
use crate::schema::categories;
use crate::time::to_db;

#[derive(Queryable, Selectable)]
#[diesel(table_name = categories)]
struct CategoryRow {
    id: i64,
    code: String,
    name: String,
    first_response_hours: i32,
    resolution_days: i32,
    default_handler: String,
    active: bool,
}

impl TryFrom<CategoryRow> for Category {
    type Error = StoreError;

    fn try_from(r: CategoryRow) -> Result<Self, StoreError> {
        Ok(Category {
            id: CategoryId(r.id),
            code: CategoryCode::parse(&r.code).map_err(corrupt)?,
            name: r.name,
            first_response_hours: r.first_response_hours,
            resolution_days: r.resolution_days,
            default_handler: HandlerKind::parse(&r.default_handler)
                .ok_or_else(|| corrupt(&r.default_handler))?,
            active: r.active,
        })
    }
}

fn load(
    query: categories::BoxedQuery<'_, crate::connection::MultiBackend>,
    conn: &mut DbConnection,
) -> Result<Vec<Category>, StoreError> {
    query
        .order((categories::sort_order.asc(), categories::id.asc()))
        .select(CategoryRow::as_select())
        .load(conn)?
        .into_iter()
        .map(TryInto::try_into)
        .collect()
}

/// Every category, in display order.
pub fn list(conn: &mut DbConnection) -> Result<Vec<Category>, StoreError> {
    load(categories::table.into_boxed(), conn)
}

/// One category by code.
pub fn by_code(conn: &mut DbConnection, code: &str) -> Result<Category, StoreError> {
    load(
        categories::table
            .filter(categories::code.eq(code))
            .into_boxed(),
        conn,
    )?
    .pop()
    .ok_or(StoreError::NotFound)
}

/// One category by id.
pub fn get(conn: &mut DbConnection, id: CategoryId) -> Result<Category, StoreError> {
    load(
        categories::table
            .filter(categories::id.eq(id.0))
            .into_boxed(),
        conn,
    )?
    .pop()
    .ok_or(StoreError::NotFound)
}

/// Creates a category.
pub fn create(
    conn: &mut DbConnection,
    seed: &CategorySeed,
    sort_order: i32,
    now: DateTime<Utc>,
) -> Result<Category, StoreError> {
    let id: i64 = diesel::insert_into(categories::table)
        .values((
            categories::code.eq(seed.code),
            categories::name.eq(seed.name),
            categories::first_response_hours.eq(seed.first_response_hours),
            categories::resolution_days.eq(seed.resolution_days),
            categories::default_handler.eq(seed.default_handler.as_str()),
            categories::active.eq(true),
            categories::sort_order.eq(sort_order),
            categories::created_at.eq(to_db(now)),
            categories::updated_at.eq(to_db(now)),
        ))
        .returning(categories::id)
        .get_result(conn)
        .map_err(|e| on_unique(e, &[("code", "code")]))?;
    get(conn, CategoryId(id))
}

/// A category an administrator adds.
#[derive(Debug, Clone)]
pub struct NewCategory {
    /// Stable code.
    pub code: CategoryCode,
    /// Name.
    pub name: String,
    /// Hours to first response.
    pub first_response_hours: i32,
    /// Days to resolution.
    pub resolution_days: i32,
    /// Default handler.
    pub default_handler: HandlerKind,
}

/// Adds a category after the others in display order.
pub fn add(
    conn: &mut DbConnection,
    new: &NewCategory,
    now: DateTime<Utc>,
) -> Result<Category, StoreError> {
    conn.transaction(|conn| {
        let last: Option<i32> = categories::table
            .select(diesel::dsl::max(categories::sort_order))
            .get_result(conn)?;
        let id: i64 = diesel::insert_into(categories::table)
            .values((
                categories::code.eq(new.code.as_str()),
                categories::name.eq(&new.name),
                categories::first_response_hours.eq(new.first_response_hours),
                categories::resolution_days.eq(new.resolution_days),
                categories::default_handler.eq(new.default_handler.as_str()),
                categories::active.eq(true),
                categories::sort_order.eq(last.map_or(0, |l| l + 1)),
                categories::created_at.eq(to_db(now)),
                categories::updated_at.eq(to_db(now)),
            ))
            .returning(categories::id)
            .get_result(conn)
            .map_err(|e| on_unique(e, &[("code", "code")]))?;
        get(conn, CategoryId(id))
    })
}

/// Seeds the given categories when there are none yet; returns how many were added.
pub fn seed_if_empty(
    conn: &mut DbConnection,
    seeds: &[CategorySeed],
    now: DateTime<Utc>,
) -> Result<usize, StoreError> {
    conn.transaction(|conn| {
        crate::tx::lock_for_seeding(conn)?;
        let existing: i64 = categories::table.count().get_result(conn)?;
        if existing > 0 {
            return Ok(0);
        }
        for (i, seed) in seeds.iter().enumerate() {
            create(conn, seed, i as i32, now)?;
        }
        Ok(seeds.len())
    })
}

/// Changes to a category; `None` leaves a field as it is.
#[derive(Debug, Clone, Default, AsChangeset)]
#[diesel(table_name = categories)]
pub struct CategoryChanges {
    /// New name.
    pub name: Option<String>,
    /// New first-response hours.
    pub first_response_hours: Option<i32>,
    /// New resolution days.
    pub resolution_days: Option<i32>,
    /// New default handler (stable identifier).
    pub default_handler: Option<String>,
    /// Whether new requests may use it.
    pub active: Option<bool>,
}

/// Updates a category by code.
pub fn update(
    conn: &mut DbConnection,
    code: &str,
    changes: &CategoryChanges,
    now: DateTime<Utc>,
) -> Result<Category, StoreError> {
    conn.transaction(|conn| {
        let n = diesel::update(categories::table.filter(categories::code.eq(code)))
            .set((changes, categories::updated_at.eq(to_db(now))))
            .execute(conn)?;
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        by_code(conn, code)
    })
}

/// When any category last changed (Open311's discovery `changeset`); `None` with none stored.
pub fn last_changed(conn: &mut DbConnection) -> Result<Option<DateTime<Utc>>, StoreError> {
    let latest: Option<chrono::NaiveDateTime> = categories::table
        .select(diesel::dsl::max(categories::updated_at))
        .first(conn)?;
    Ok(latest.map(crate::time::from_db))
}
