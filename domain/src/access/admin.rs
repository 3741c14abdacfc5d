//! Administration: which part of the tree an actor sees, whose accounts they manage, and who may
//! grant which role where.
//!
//! Admin roles rank `district_admin` > `street_staff` > `community_staff` > every other role.
//! An admin acts within the subtree of the node their admin role is bound to, and never grants
//! (or revokes) a role that outranks the best admin role they hold over its site.

mod input;

pub use input::{
    CoordinateError, DeadlineError, FirstResponseHours, Label, LabelError, Latitude, Longitude,
    ResolutionDays,
};

use crate::access::{Actor, RoleKind, RoleScope};
use crate::org::{NodeKind, NodePath};

/// A role's rank when granting: district admin 3, street staff 2, community staff 1, any other 0.
pub fn rank(kind: RoleKind) -> u8 {
    match kind {
        RoleKind::DistrictAdmin => 3,
        RoleKind::StreetStaff => 2,
        RoleKind::CommunityStaff => 1,
        _ => 0,
    }
}

/// Where a role is (or would be) bound, as these rules read it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoleSite<'a> {
    /// An org node of a kind, at a path.
    Node {
        /// The node's kind.
        kind: NodeKind,
        /// The node's path.
        path: &'a NodePath,
    },
    /// A property company, registered under the node at this path.
    Company {
        /// The path of the node the company is registered under: its scope.
        registered_under: &'a NodePath,
    },
    /// Nowhere (a resident with no household yet).
    Unbound,
}

impl RoleSite<'_> {
    /// The path whose administrators answer for the role; `None` when unbound.
    pub fn path(&self) -> Option<&NodePath> {
        match self {
            RoleSite::Node { path, .. } => Some(path),
            RoleSite::Company { registered_under } => Some(registered_under),
            RoleSite::Unbound => None,
        }
    }
}

/// Why an actor may not grant (or revoke) a role at a site.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum GrantError {
    /// Resident roles come from a WeChat login and a household, never from an administrator.
    #[error("resident roles are not granted by administrators")]
    Resident,
    /// The site lies outside every subtree the actor administers.
    #[error("the role's site lies outside the actor's subtrees")]
    OutOfScope,
    /// The role is not bound to that kind of site (a butler to a grid, property staff to a node).
    #[error("a {} is not bound to that kind of site", role.as_str())]
    WrongSite {
        /// The role.
        role: RoleKind,
    },
    /// The role outranks every admin role the actor holds over the site.
    #[error("a {} outranks the actor there", role.as_str())]
    Outranks {
        /// The role.
        role: RoleKind,
    },
}

/// The highest rank among the actor's admin roles whose subtree holds `path`.
fn best_rank_over(actor: &Actor, path: &NodePath) -> Option<u8> {
    actor
        .roles
        .iter()
        .filter(|r| r.kind.is_admin())
        .filter_map(|r| match &r.scope {
            RoleScope::Node(p) if p.contains(path) => Some(rank(r.kind)),
            _ => None,
        })
        .max()
}

/// True when `role` is bound to sites like `site`: its node kind, or a company for property
/// staff.
fn fits(role: RoleKind, site: &RoleSite<'_>) -> bool {
    match (role.node_kind(), site) {
        (None, RoleSite::Company { .. }) => role == RoleKind::PropertyStaff,
        (Some(kind), RoleSite::Node { kind: at, .. }) => kind == *at,
        _ => false,
    }
}

/// May `actor` grant `role` at `site`? Checked in this order, so that an actor learns nothing
/// about sites outside their subtrees: residents never; the site must lie in a subtree the actor
/// administers; the role must be bound to that kind of site; and it must not outrank the best
/// admin role the actor holds there.
pub fn check_grant(actor: &Actor, role: RoleKind, site: &RoleSite<'_>) -> Result<(), GrantError> {
    if role == RoleKind::Resident {
        return Err(GrantError::Resident);
    }
    let best = site
        .path()
        .and_then(|p| best_rank_over(actor, p))
        .ok_or(GrantError::OutOfScope)?;
    if !fits(role, site) {
        return Err(GrantError::WrongSite { role });
    }
    if rank(role) > best {
        return Err(GrantError::Outranks { role });
    }
    Ok(())
}

/// May `actor` revoke a `role` held at `site`? The site must lie in a subtree the actor
/// administers and the role must not outrank them there. (Resident roles may be revoked, e.g.
/// when a household moves away.)
pub fn check_revoke(actor: &Actor, role: RoleKind, site: &RoleSite<'_>) -> Result<(), GrantError> {
    let best = site
        .path()
        .and_then(|p| best_rank_over(actor, p))
        .ok_or(GrantError::OutOfScope)?;
    if rank(role) > best {
        return Err(GrantError::Outranks { role });
    }
    Ok(())
}

/// True when `actor` sees an account holding roles at `sites`: one of them lies in a subtree the
/// actor administers. Accounts outside every such subtree do not exist for the actor.
pub fn sees_user(actor: &Actor, sites: &[RoleSite<'_>]) -> bool {
    sites
        .iter()
        .any(|s| s.path().is_some_and(|p| actor.administers(p)))
}

/// True when `actor` may edit an account (its name, password, whether it is active): they see
/// it, and could revoke every role it holds. So nobody takes over an account that outranks them,
/// or that also holds a role elsewhere, by resetting its password.
pub fn manages_user(actor: &Actor, roles: &[(RoleKind, RoleSite<'_>)]) -> bool {
    let sites: Vec<RoleSite<'_>> = roles.iter().map(|(_, s)| *s).collect();
    sees_user(actor, &sites)
        && roles.iter().all(|(kind, site)| {
            *site == RoleSite::Unbound || check_revoke(actor, *kind, site).is_ok()
        })
}

/// The subtrees the actor administers, outermost first, with none inside another.
pub fn administered(actor: &Actor) -> Vec<&NodePath> {
    let mut paths: Vec<&NodePath> = actor
        .roles
        .iter()
        .filter(|r| r.kind.is_admin())
        .filter_map(|r| match &r.scope {
            RoleScope::Node(p) => Some(p),
            _ => None,
        })
        .collect();
    paths.sort_by_key(|p| (p.as_str().len(), p.as_str()));
    let mut kept: Vec<&NodePath> = Vec::new();
    for p in paths {
        if !kept.iter().any(|k| k.contains(p)) {
            kept.push(p);
        }
    }
    kept
}

/// True when the node at `path` is visible to someone whose roles are bound at `entries`: it is
/// one of them, lies below one, or lies above one (so everyone sees their own breadcrumb).
pub fn sees_node(entries: &[NodePath], path: &NodePath) -> bool {
    entries.iter().any(|e| e.contains(path) || path.contains(e))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::access::RoleGrant;
    use crate::{OrgNodeId, UserId};

    // District 1 → street 2 → community 3 → grid 4 → compound 5 → building 6 → household 7;
    // street 20 → community 30 → grid 40 elsewhere in the district.
    fn path(ids: &[i64]) -> NodePath {
        let (root, rest) = ids.split_first().unwrap();
        rest.iter().fold(NodePath::root(OrgNodeId(*root)), |p, id| {
            p.child(OrgNodeId(*id))
        })
    }

    fn actor(roles: &[(RoleKind, &[i64])]) -> Actor {
        Actor {
            user_id: UserId(1),
            roles: roles
                .iter()
                .map(|(kind, ids)| RoleGrant {
                    kind: *kind,
                    scope: RoleScope::Node(path(ids)),
                })
                .collect(),
        }
    }

    fn node(kind: NodeKind, p: &NodePath) -> RoleSite<'_> {
        RoleSite::Node { kind, path: p }
    }

    const DISTRICT: &[i64] = &[1];
    const STREET: &[i64] = &[1, 2];
    const COMMUNITY: &[i64] = &[1, 2, 3];
    const GRID: &[i64] = &[1, 2, 3, 4];
    const BUILDING: &[i64] = &[1, 2, 3, 4, 5, 6];
    const OTHER_STREET: &[i64] = &[1, 20];
    const OTHER_COMMUNITY: &[i64] = &[1, 20, 30];
    const OTHER_GRID: &[i64] = &[1, 20, 30, 40];

    #[test]
    fn ranks_order_the_admin_roles_above_everyone_else() {
        assert!(rank(RoleKind::DistrictAdmin) > rank(RoleKind::StreetStaff));
        assert!(rank(RoleKind::StreetStaff) > rank(RoleKind::CommunityStaff));
        for k in RoleKind::ALL.into_iter().filter(|k| !k.is_admin()) {
            assert!(rank(RoleKind::CommunityStaff) > rank(k), "{k:?}");
        }
    }

    #[test]
    fn community_staff_grant_field_roles_and_peers_in_their_community() {
        let staff = actor(&[(RoleKind::CommunityStaff, COMMUNITY)]);
        let grid = path(GRID);
        let building = path(BUILDING);
        let community = path(COMMUNITY);
        let reg = path(COMMUNITY);
        assert_eq!(
            check_grant(&staff, RoleKind::GridWorker, &node(NodeKind::Grid, &grid)),
            Ok(())
        );
        assert_eq!(
            check_grant(
                &staff,
                RoleKind::Butler,
                &node(NodeKind::Building, &building)
            ),
            Ok(())
        );
        for role in [RoleKind::Volunteer, RoleKind::CommunityStaff] {
            assert_eq!(
                check_grant(&staff, role, &node(NodeKind::Community, &community)),
                Ok(()),
                "{role:?}"
            );
        }
        let company = RoleSite::Company {
            registered_under: &reg,
        };
        assert_eq!(
            check_grant(&staff, RoleKind::PropertyStaff, &company),
            Ok(())
        );
    }

    #[test]
    fn nobody_grants_outside_their_subtree() {
        let staff = actor(&[(RoleKind::CommunityStaff, COMMUNITY)]);
        let other_grid = path(OTHER_GRID);
        let street = path(STREET);
        assert_eq!(
            check_grant(
                &staff,
                RoleKind::GridWorker,
                &node(NodeKind::Grid, &other_grid)
            ),
            Err(GrantError::OutOfScope)
        );
        // Above them is outside too, whatever the role: they learn nothing about its kind.
        assert_eq!(
            check_grant(
                &staff,
                RoleKind::StreetStaff,
                &node(NodeKind::Street, &street)
            ),
            Err(GrantError::OutOfScope)
        );
        assert_eq!(
            check_grant(&staff, RoleKind::Butler, &node(NodeKind::Street, &street)),
            Err(GrantError::OutOfScope)
        );
        // A company registered on the street is beyond a community's staff.
        assert_eq!(
            check_grant(
                &staff,
                RoleKind::PropertyStaff,
                &RoleSite::Company {
                    registered_under: &street
                }
            ),
            Err(GrantError::OutOfScope)
        );
        // Field roles administer nothing.
        let grid_worker = actor(&[(RoleKind::GridWorker, GRID)]);
        let building = path(BUILDING);
        assert_eq!(
            check_grant(
                &grid_worker,
                RoleKind::Butler,
                &node(NodeKind::Building, &building)
            ),
            Err(GrantError::OutOfScope)
        );
    }

    #[test]
    fn roles_are_bound_to_their_kind_of_site() {
        let admin = actor(&[(RoleKind::DistrictAdmin, DISTRICT)]);
        let grid = path(GRID);
        let community = path(COMMUNITY);
        assert_eq!(
            check_grant(&admin, RoleKind::Butler, &node(NodeKind::Grid, &grid)),
            Err(GrantError::WrongSite {
                role: RoleKind::Butler
            })
        );
        assert_eq!(
            check_grant(
                &admin,
                RoleKind::PropertyStaff,
                &node(NodeKind::Community, &community)
            ),
            Err(GrantError::WrongSite {
                role: RoleKind::PropertyStaff
            })
        );
        assert_eq!(
            check_grant(
                &admin,
                RoleKind::Volunteer,
                &RoleSite::Company {
                    registered_under: &community
                }
            ),
            Err(GrantError::WrongSite {
                role: RoleKind::Volunteer
            })
        );
        assert_eq!(
            check_grant(&admin, RoleKind::Butler, &RoleSite::Unbound),
            Err(GrantError::OutOfScope)
        );
    }

    #[test]
    fn nobody_grants_a_role_that_outranks_them_there() {
        // A community's staff who is also street staff elsewhere: rank counts where it applies.
        let staff = actor(&[
            (RoleKind::CommunityStaff, COMMUNITY),
            (RoleKind::StreetStaff, OTHER_STREET),
        ]);
        let community = path(COMMUNITY);
        let other_community = path(OTHER_COMMUNITY);
        let street = path(STREET);
        assert_eq!(
            check_grant(
                &staff,
                RoleKind::CommunityStaff,
                &node(NodeKind::Community, &community)
            ),
            Ok(())
        );
        assert_eq!(
            check_grant(
                &staff,
                RoleKind::CommunityStaff,
                &node(NodeKind::Community, &other_community)
            ),
            Ok(())
        );
        let street_staff = actor(&[(RoleKind::StreetStaff, STREET)]);
        assert_eq!(
            check_grant(
                &street_staff,
                RoleKind::StreetStaff,
                &node(NodeKind::Street, &street)
            ),
            Ok(())
        );
        // Pretend a district admin role could sit on a street: the rank rule still refuses.
        assert_eq!(
            check_grant(
                &street_staff,
                RoleKind::DistrictAdmin,
                &node(NodeKind::District, &street)
            ),
            Err(GrantError::Outranks {
                role: RoleKind::DistrictAdmin
            })
        );
        assert_eq!(
            check_revoke(
                &staff,
                RoleKind::StreetStaff,
                &node(NodeKind::Street, &street)
            ),
            Err(GrantError::OutOfScope)
        );
        let district = path(DISTRICT);
        assert_eq!(
            check_revoke(
                &street_staff,
                RoleKind::StreetStaff,
                &node(NodeKind::Street, &street)
            ),
            Ok(())
        );
        assert_eq!(
            check_revoke(
                &street_staff,
                RoleKind::DistrictAdmin,
                &node(NodeKind::District, &district)
            ),
            Err(GrantError::OutOfScope)
        );
    }

    #[test]
    fn residents_are_never_granted_but_may_be_revoked() {
        let admin = actor(&[(RoleKind::DistrictAdmin, DISTRICT)]);
        let household = path(&[1, 2, 3, 4, 5, 6, 7]);
        let site = node(NodeKind::Household, &household);
        assert_eq!(
            check_grant(&admin, RoleKind::Resident, &site),
            Err(GrantError::Resident)
        );
        assert_eq!(check_revoke(&admin, RoleKind::Resident, &site), Ok(()));
    }

    #[test]
    fn accounts_are_seen_through_any_role_and_managed_through_all() {
        let staff = actor(&[(RoleKind::CommunityStaff, COMMUNITY)]);
        let building = path(BUILDING);
        let other_grid = path(OTHER_GRID);
        let street = path(STREET);
        let butler = [(RoleKind::Butler, node(NodeKind::Building, &building))];
        assert!(manages_user(&staff, &butler));
        // A butler here who is also a grid worker elsewhere: seen, not managed.
        let both = [
            butler[0],
            (RoleKind::GridWorker, node(NodeKind::Grid, &other_grid)),
        ];
        assert!(sees_user(&staff, &[both[0].1, both[1].1]));
        assert!(!manages_user(&staff, &both));
        // Street staff who also volunteer here: seen, never managed by the community.
        let street_staff = [
            (RoleKind::StreetStaff, node(NodeKind::Street, &street)),
            (RoleKind::Butler, node(NodeKind::Building, &building)),
        ];
        assert!(!manages_user(&staff, &street_staff));
        // Someone elsewhere does not exist for them.
        assert!(!sees_user(
            &staff,
            &[node(NodeKind::Grid, &other_grid), RoleSite::Unbound]
        ));
        // An unbound resident role neither shows nor blocks.
        assert!(manages_user(
            &staff,
            &[butler[0], (RoleKind::Resident, RoleSite::Unbound)]
        ));
    }

    #[test]
    fn administered_keeps_the_outermost_subtrees() {
        let a = actor(&[
            (RoleKind::CommunityStaff, COMMUNITY),
            (RoleKind::GridWorker, OTHER_GRID),
            (RoleKind::StreetStaff, STREET),
            (RoleKind::CommunityStaff, OTHER_COMMUNITY),
        ]);
        assert_eq!(
            administered(&a),
            vec![&path(STREET), &path(OTHER_COMMUNITY)]
        );
        assert!(administered(&actor(&[(RoleKind::Butler, BUILDING)])).is_empty());
    }

    #[test]
    fn nodes_are_seen_below_and_above_an_entry_but_not_beside_it() {
        let entries = [path(GRID)];
        assert!(sees_node(&entries, &path(GRID)));
        assert!(sees_node(&entries, &path(BUILDING)));
        assert!(sees_node(&entries, &path(COMMUNITY)));
        assert!(sees_node(&entries, &path(DISTRICT)));
        assert!(!sees_node(&entries, &path(&[1, 2, 3, 44])));
        assert!(!sees_node(&entries, &path(OTHER_STREET)));
        assert!(!sees_node(&[], &path(DISTRICT)));
    }
}
