//! A small tree, its people and requests in every status, shared by the request module's tests.
//!
//! District 1 → street 2 → community 3 → grids 4 and 5; compound 6 (company 1) and building 7
//! lie in grid 4, compound 8 and building 9 in grid 5. Street 20 → community 30 is elsewhere.

use std::sync::LazyLock;

use chrono::{DateTime, TimeDelta, Utc};
use chrono_tz::Tz;

use crate::access::{Actor, RoleGrant, RoleKind, RoleScope};
use crate::category::{Category, CategoryCode, HandlerKind};
use crate::org::NodePath;
use crate::request::{Assignee, Channel, Context, QueueLevel, Rating, Request, RequestStatus};
use crate::{CategoryId, OrgNodeId, PropertyCompanyId, RequestId, UserId};

pub const TZ: Tz = chrono_tz::Asia::Shanghai;

pub const RESIDENT: UserId = UserId(100);
pub const OTHER_RESIDENT: UserId = UserId(101);
pub const BUTLER: UserId = UserId(102);
pub const OTHER_BUTLER: UserId = UserId(103);
pub const GRID_WORKER: UserId = UserId(104);
pub const OTHER_GRID_WORKER: UserId = UserId(105);
pub const VOLUNTEER: UserId = UserId(106);
pub const COMMUNITY_STAFF: UserId = UserId(107);
pub const STREET_STAFF: UserId = UserId(108);
pub const DISTRICT_ADMIN: UserId = UserId(109);
pub const PROPERTY_STAFF: UserId = UserId(110);
pub const OTHER_PROPERTY_STAFF: UserId = UserId(111);
pub const OTHER_COMMUNITY_STAFF: UserId = UserId(112);
pub const OTHER_STREET_STAFF: UserId = UserId(113);

pub const COMPANY: PropertyCompanyId = PropertyCompanyId(1);
pub const OTHER_COMPANY: PropertyCompanyId = PropertyCompanyId(2);

pub fn path(ids: &[i64]) -> NodePath {
    let (root, rest) = ids.split_first().unwrap();
    rest.iter().fold(NodePath::root(OrgNodeId(*root)), |p, id| {
        p.child(OrgNodeId(*id))
    })
}

pub fn district_path() -> NodePath {
    path(&[1])
}
pub fn street_path() -> NodePath {
    path(&[1, 2])
}
pub fn community_path() -> NodePath {
    path(&[1, 2, 3])
}
pub fn grid_path() -> NodePath {
    path(&[1, 2, 3, 4])
}
pub fn other_grid_path() -> NodePath {
    path(&[1, 2, 3, 5])
}
pub fn building_path() -> NodePath {
    path(&[1, 2, 3, 4, 6, 7])
}
pub fn other_building_path() -> NodePath {
    path(&[1, 2, 3, 5, 8, 9])
}

fn on_node(user: UserId, kind: RoleKind, node: NodePath) -> Actor {
    Actor {
        user_id: user,
        roles: vec![RoleGrant {
            kind,
            scope: RoleScope::Node(node),
        }],
    }
}

pub fn resident() -> Actor {
    on_node(
        RESIDENT,
        RoleKind::Resident,
        building_path().child(OrgNodeId(70)),
    )
}
pub fn other_resident() -> Actor {
    on_node(
        OTHER_RESIDENT,
        RoleKind::Resident,
        building_path().child(OrgNodeId(71)),
    )
}
pub fn butler() -> Actor {
    on_node(BUTLER, RoleKind::Butler, building_path())
}
pub fn other_butler() -> Actor {
    on_node(OTHER_BUTLER, RoleKind::Butler, other_building_path())
}
pub fn grid_worker() -> Actor {
    on_node(GRID_WORKER, RoleKind::GridWorker, grid_path())
}
pub fn other_grid_worker() -> Actor {
    on_node(OTHER_GRID_WORKER, RoleKind::GridWorker, other_grid_path())
}
pub fn volunteer() -> Actor {
    on_node(VOLUNTEER, RoleKind::Volunteer, community_path())
}
pub fn community() -> Actor {
    on_node(COMMUNITY_STAFF, RoleKind::CommunityStaff, community_path())
}
pub fn street() -> Actor {
    on_node(STREET_STAFF, RoleKind::StreetStaff, street_path())
}
pub fn district() -> Actor {
    on_node(DISTRICT_ADMIN, RoleKind::DistrictAdmin, district_path())
}
pub fn other_community() -> Actor {
    on_node(
        OTHER_COMMUNITY_STAFF,
        RoleKind::CommunityStaff,
        path(&[1, 20, 30]),
    )
}
pub fn other_street() -> Actor {
    on_node(OTHER_STREET_STAFF, RoleKind::StreetStaff, path(&[1, 20]))
}
fn company_staff(user: UserId, company: PropertyCompanyId) -> Actor {
    Actor {
        user_id: user,
        roles: vec![RoleGrant {
            kind: RoleKind::PropertyStaff,
            scope: RoleScope::Company(company),
        }],
    }
}
pub fn property() -> Actor {
    company_staff(PROPERTY_STAFF, COMPANY)
}
pub fn other_property() -> Actor {
    company_staff(OTHER_PROPERTY_STAFF, OTHER_COMPANY)
}

/// Mediation: claim within 24 hours, resolve within 7 days.
pub static CATEGORY: LazyLock<Category> = LazyLock::new(|| Category {
    id: CategoryId(1),
    code: CategoryCode::parse("mediation").unwrap(),
    name: "矛盾调解".to_owned(),
    first_response_hours: 24,
    resolution_days: 7,
    default_handler: HandlerKind::GridWorker,
    active: true,
});

pub fn at(rfc3339: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(rfc3339).unwrap().to_utc()
}

/// 10:00 in Xi'an on Monday 2 November 2026.
pub fn submitted_at() -> DateTime<Utc> {
    at("2026-11-02T10:00:00+08:00")
}

pub fn ctx(now: DateTime<Utc>) -> Context<'static> {
    Context {
        now,
        tz: TZ,
        category: &CATEGORY,
    }
}

/// A request on building 7 as the lifecycle leaves it in `status`: submitted by the resident
/// through the mini-program, dispatched (from `Dispatched` on) to the grid worker.
pub fn request(status: RequestStatus) -> Request {
    use RequestStatus::*;
    let t = submitted_at();
    let assigned = !matches!(status, Submitted | Escalated);
    let claimed = !matches!(status, Submitted | Escalated | Dispatched);
    let resolved = matches!(status, Resolved | Closed);
    Request {
        id: RequestId(1),
        status,
        category_id: CATEGORY.id,
        building_path: building_path(),
        managing_company: Some(COMPANY),
        channel: Channel::MiniProgram,
        submitted_by: RESIDENT,
        submitted_at: t,
        queue_level: if status == Escalated {
            QueueLevel::Street
        } else {
            QueueLevel::Community
        },
        assignee: assigned.then_some(Assignee::User(GRID_WORKER)),
        first_response_due: at("2026-11-03T10:00:00+08:00"),
        resolution_due: at("2026-11-10T00:00:00+08:00"),
        responded_at: claimed.then(|| t + TimeDelta::hours(1)),
        resolved_at: resolved.then(|| t + TimeDelta::days(2)),
        resolved_by: resolved.then_some(GRID_WORKER),
        closed_at: (status == Closed).then(|| t + TimeDelta::days(3)),
        rating: (status == Closed).then_some(Rating::Satisfied),
        reopen_count: 0,
        pending_extension_days: None,
        extension_days: 0,
        overdue_at: None,
        supervise_count: 0,
    }
}
