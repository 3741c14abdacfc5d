//! Who manages teams, who logs work, who reads the logs.

use crate::UserId;
use crate::access::{Actor, RoleKind};
use crate::org::NodePath;
use crate::request::Visibility;

/// True when `actor` may set up the butler team of the building at `building`: community
/// staff over it, or the levels above.
pub fn may_manage_team(actor: &Actor, building: &NodePath) -> bool {
    actor.administers(building)
}

/// True when `actor` may log work at the building at `building`: one of its butlers, or a grid
/// worker of its grid.
pub fn may_log(actor: &Actor, building: &NodePath) -> bool {
    actor.has_role_over(RoleKind::Butler, building)
        || actor.has_role_over(RoleKind::GridWorker, building)
}

/// True when `actor` sees a log of the building at `building` written by `author`: its author,
/// and whoever sees the building's requests by area (its butlers, its grid's workers, the
/// community's staff and the levels above).
pub fn may_see_log(actor: &Actor, building: &NodePath, author: UserId) -> bool {
    author == actor.user_id
        || Visibility::of(actor)
            .subtrees
            .iter()
            .any(|s| s.contains(building))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::OrgNodeId;
    use crate::access::{RoleGrant, RoleScope};

    fn path(ids: &[i64]) -> NodePath {
        let (root, rest) = ids.split_first().unwrap();
        rest.iter().fold(NodePath::root(OrgNodeId(*root)), |p, id| {
            p.child(OrgNodeId(*id))
        })
    }

    fn actor(id: i64, kind: RoleKind, at: &[i64]) -> Actor {
        Actor {
            user_id: UserId(id),
            roles: vec![RoleGrant {
                kind,
                scope: RoleScope::Node(path(at)),
            }],
        }
    }

    // District 1 / street 2 / community 3 / grid 4 / compound 5 / building 6; building 8 is
    // in another compound of grid 4; grid 40 is another grid.
    const BUILDING: &[i64] = &[1, 2, 3, 4, 5, 6];

    #[test]
    fn butlers_and_grid_workers_log_admins_manage() {
        let b = path(BUILDING);
        let butler = actor(1, RoleKind::Butler, BUILDING);
        let other_butler = actor(2, RoleKind::Butler, &[1, 2, 3, 4, 7, 8]);
        let grid = actor(3, RoleKind::GridWorker, &[1, 2, 3, 4]);
        let other_grid = actor(4, RoleKind::GridWorker, &[1, 2, 3, 40]);
        let community = actor(5, RoleKind::CommunityStaff, &[1, 2, 3]);
        let volunteer = actor(6, RoleKind::Volunteer, &[1, 2, 3]);
        assert!(may_log(&butler, &b) && may_log(&grid, &b));
        for no in [&other_butler, &other_grid, &community, &volunteer] {
            assert!(!may_log(no, &b), "{no:?}");
        }
        assert!(may_manage_team(&community, &b));
        for no in [&butler, &grid, &volunteer] {
            assert!(!may_manage_team(no, &b), "{no:?}");
        }
    }

    #[test]
    fn logs_are_seen_by_area_and_by_their_author() {
        let b = path(BUILDING);
        let author = UserId(9);
        assert!(may_see_log(
            &actor(1, RoleKind::Butler, BUILDING),
            &b,
            author
        ));
        assert!(may_see_log(
            &actor(3, RoleKind::GridWorker, &[1, 2, 3, 4]),
            &b,
            author
        ));
        assert!(may_see_log(
            &actor(5, RoleKind::CommunityStaff, &[1, 2, 3]),
            &b,
            author
        ));
        assert!(may_see_log(
            &actor(7, RoleKind::StreetStaff, &[1, 2]),
            &b,
            author
        ));
        assert!(!may_see_log(
            &actor(4, RoleKind::GridWorker, &[1, 2, 3, 40]),
            &b,
            author
        ));
        assert!(!may_see_log(
            &actor(6, RoleKind::Volunteer, &[1, 2, 3]),
            &b,
            author
        ));
        // A butler moved elsewhere still sees what they wrote.
        assert!(may_see_log(
            &actor(9, RoleKind::Butler, &[1, 2, 3, 40, 41, 42]),
            &b,
            author
        ));
    }
}
