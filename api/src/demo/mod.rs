//! The demo community, seeded by `linli serve --demo` into an empty database.

mod butlers;
mod data;
mod registry;

use chrono::{DateTime, Utc};
use linli_domain::access::RoleKind;
use linli_domain::org::NodeKind;
use linli_domain::{OrgNodeId, PropertyCompanyId, UserId};
use linli_persistence::org::{self, NewNode, OrgNode};
use linli_persistence::tx::{lock_for_seeding, transaction};
use linli_persistence::users::{self, NewUser, RoleBinding};
use linli_persistence::{DbConnection, StoreError};
use secrecy::ExposeSecret;

use crate::config::Settings;
use crate::db::Db;
use data::*;

/// The seeded community's ids, for the request history.
pub struct DemoCommunity {
    /// The community node.
    pub community: OrgNode,
    /// Grids 1–3.
    pub grids: Vec<OrgNode>,
    /// Every building, with its compound index.
    pub buildings: Vec<(usize, OrgNode)>,
    /// Property companies, in `COMPANIES` order.
    pub companies: Vec<PropertyCompanyId>,
    /// Account ids by username (and residents by openid).
    pub accounts: std::collections::HashMap<String, UserId>,
}

/// Seeds the demo into an empty database; says so and does nothing on a non-empty one.
pub async fn seed_if_empty(db: &Db, settings: &Settings, now: DateTime<Utc>) -> anyhow::Result<()> {
    let empty = db
        .read(|conn| Ok(org::roots(conn)?.is_empty()))
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    if !empty {
        tracing::info!("--demo: the database already holds data; serving it as it is");
        return Ok(());
    }
    let password = settings.demo_password.expose_secret().to_owned();
    let usernames =
        STAFF.len() + GRID_WORKERS.len() + BUTLERS.len() + VOLUNTEERS.len() + COMPANIES.len();
    // One salted hash per account; argon2 is slow, so off the executor.
    let hashes = tokio::task::spawn_blocking(move || {
        (0..usernames)
            .map(|_| crate::auth::password::hash(&password))
            .collect::<Result<Vec<_>, _>>()
    })
    .await??;
    let tz = settings.tz;
    let with_history = settings.demo_history;
    let cipher = crate::crypto::DataCipher::new(settings.data_key_bytes());
    let seeded = db
        .write(move |conn| {
            transaction(conn, |conn| {
                // Instances starting together: the first seeds, the others find it done.
                lock_for_seeding(conn)?;
                if !org::roots(conn)?.is_empty() {
                    return Ok(false);
                }
                let demo = seed_org_and_accounts(conn, hashes, now)?;
                registry::seed(conn, &demo, &cipher, now)?;
                butlers::seed_teams(conn, &demo, now)?;
                if with_history {
                    history::seed(conn, &demo, now, tz)?;
                    butlers::seed_logs(conn, &demo, now, tz)?;
                    meetings::seed(conn, &demo, &cipher, now, tz)?;
                    let roster = volunteers::seed(conn, &demo, now)?;
                    activities::seed(conn, &demo, &roster.volunteers, now, tz)?;
                    volunteers::seed_orders(conn, &demo, &roster, now)?;
                }
                Ok::<_, crate::error::ApiError>(true)
            })
        })
        .await
        .map_err(|e| anyhow::anyhow!("seeding the demo community: {e}"))?;
    if seeded {
        tracing::info!("seeded the demo community 大兴东路社区");
    } else {
        tracing::info!("--demo: another instance seeded the demo community");
    }
    Ok(())
}

mod activities;
mod history;
mod meetings;
mod volunteers;

fn node(
    conn: &mut DbConnection,
    parent: Option<OrgNodeId>,
    kind: NodeKind,
    name: &str,
    now: DateTime<Utc>,
) -> Result<OrgNode, StoreError> {
    org::create_node(
        conn,
        &NewNode {
            parent,
            kind,
            name: name.to_owned(),
            code: None,
            latitude: None,
            longitude: None,
            property_company_id: None,
        },
        now,
    )
}

fn account(
    conn: &mut DbConnection,
    username: &str,
    display: &str,
    hash: String,
    role: RoleKind,
    binding: RoleBinding,
    now: DateTime<Utc>,
) -> Result<UserId, StoreError> {
    let u = users::create_user(
        conn,
        &NewUser {
            username: Some(username.to_owned()),
            password_hash: Some(hash),
            display_name: display.to_owned(),
            openid: None,
            contact_phone: None,
        },
        now,
    )?;
    users::add_role(conn, u.id, role, binding, now)?;
    Ok(u.id)
}

fn seed_org_and_accounts(
    conn: &mut DbConnection,
    hashes: Vec<String>,
    now: DateTime<Utc>,
) -> Result<DemoCommunity, StoreError> {
    let mut hashes = hashes.into_iter();
    let mut next_hash = || hashes.next().expect("one hash per account");
    let district = node(conn, None, NodeKind::District, DISTRICT, now)?;
    let street = node(conn, Some(district.id), NodeKind::Street, STREET, now)?;
    let community = node(conn, Some(street.id), NodeKind::Community, COMMUNITY, now)?;
    let mut grids = Vec::new();
    for g in GRIDS {
        grids.push(node(conn, Some(community.id), NodeKind::Grid, g, now)?);
    }
    let mut companies = Vec::new();
    for (name, _, phone) in COMPANIES {
        companies.push(PropertyCompanyId(
            org::create_company(conn, name, street.id, Some(phone), now)?.id,
        ));
    }
    let mut buildings = Vec::new();
    let mut compound_nodes = Vec::new();
    for (ci, c) in COMPOUNDS.iter().enumerate() {
        let compound = org::create_node(
            conn,
            &NewNode {
                parent: Some(grids[c.grid - 1].id),
                kind: NodeKind::Compound,
                name: c.name.to_owned(),
                code: None,
                latitude: None,
                longitude: None,
                property_company_id: Some(companies[c.company]),
            },
            now,
        )?;
        for b in 1..=c.buildings {
            // Spread around the community's real location (34.27°N, 108.92°E).
            let building = org::create_node(
                conn,
                &NewNode {
                    parent: Some(compound.id),
                    kind: NodeKind::Building,
                    name: format!("{b}号楼"),
                    code: Some(format!("DX-{:02}-{b}", ci + 1)),
                    latitude: Some(34.2700 + ci as f64 * 0.0008),
                    longitude: Some(108.9200 + b as f64 * 0.0006),
                    property_company_id: None,
                },
                now,
            )?;
            for h in 0..HOUSEHOLDS_PER_BUILDING {
                let unit = h / 2 + 1;
                let room = 100 * (h % 2 + 1) + 1 + h % 2;
                node(
                    conn,
                    Some(building.id),
                    NodeKind::Household,
                    &format!("{unit}单元{room}"),
                    now,
                )?;
            }
            buildings.push((ci, building));
        }
        compound_nodes.push(compound);
    }
    let mut accounts = std::collections::HashMap::new();
    let staff_nodes = [district.id, street.id, community.id];
    let staff_roles = [
        RoleKind::DistrictAdmin,
        RoleKind::StreetStaff,
        RoleKind::CommunityStaff,
    ];
    for (i, (username, display)) in STAFF.iter().enumerate() {
        let id = account(
            conn,
            username,
            display,
            next_hash(),
            staff_roles[i],
            RoleBinding::Node(staff_nodes[i]),
            now,
        )?;
        accounts.insert(username.to_string(), id);
    }
    for (i, (username, display, phone)) in GRID_WORKERS.iter().enumerate() {
        let id = account(
            conn,
            username,
            display,
            next_hash(),
            RoleKind::GridWorker,
            RoleBinding::Node(grids[i].id),
            now,
        )?;
        users::set_contact_phone(conn, id, Some(phone))?;
        accounts.insert(username.to_string(), id);
    }
    for (username, display, compound, number, phone) in BUTLERS {
        let building = buildings
            .iter()
            .filter(|(ci, _)| *ci == compound)
            .nth(number - 1)
            .map(|(_, b)| b.id)
            .expect("the butler's building exists");
        let id = account(
            conn,
            username,
            display,
            next_hash(),
            RoleKind::Butler,
            RoleBinding::Node(building),
            now,
        )?;
        users::set_contact_phone(conn, id, Some(phone))?;
        accounts.insert(username.to_string(), id);
    }
    for (username, display) in VOLUNTEERS {
        let id = account(
            conn,
            username,
            display,
            next_hash(),
            RoleKind::Volunteer,
            RoleBinding::Node(community.id),
            now,
        )?;
        accounts.insert(username.to_string(), id);
    }
    for (i, (name, username, _)) in COMPANIES.iter().enumerate() {
        let display = format!("{name}客服");
        let id = account(
            conn,
            username,
            &display,
            next_hash(),
            RoleKind::PropertyStaff,
            RoleBinding::Company(companies[i]),
            now,
        )?;
        accounts.insert(username.to_string(), id);
    }
    for (i, (openid, grid)) in RESIDENTS.iter().enumerate() {
        // The i-th resident of a grid lives in the first household of a building of that grid.
        let building = buildings
            .iter()
            .filter(|(ci, _)| COMPOUNDS[*ci].grid == *grid)
            .nth(i)
            .map(|(_, b)| b)
            .expect("the grid has buildings");
        let household = org::children(conn, building.id)?
            .into_iter()
            .next()
            .expect("buildings have households");
        let u = users::create_user(
            conn,
            &NewUser {
                username: None,
                password_hash: None,
                display_name: format!("居民{}", i + 1),
                openid: Some(openid.to_string()),
                contact_phone: None,
            },
            now,
        )?;
        let role = users::add_role(
            conn,
            u.id,
            RoleKind::Resident,
            RoleBinding::Node(household.id),
            now,
        )?;
        // Known to the community already: their binding is on record as approved.
        linli_persistence::bindings::record_approved(conn, u.id, &household, None, role, now)?;
        accounts.insert(openid.to_string(), u.id);
    }
    let _ = compound_nodes;
    Ok(DemoCommunity {
        community,
        grids,
        buildings,
        companies,
        accounts,
    })
}
