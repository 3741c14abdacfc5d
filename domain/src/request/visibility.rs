//! Who sees which request: one rule, for the rules and for the SQL alike.

use crate::access::{Actor, RoleKind, RoleScope};
use crate::org::NodePath;
use crate::request::{Assignee, Request};
use crate::{PropertyCompanyId, UserId};

/// The one rule for who sees which request, as plain data so that persistence can turn the same
/// struct into a `WHERE` clause.
///
/// A request is visible when its building lies in one of `subtrees`, or `user` submitted it or is
/// its assignee, or one of `companies` is its assignee or manages its building's compound.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Visibility {
    /// Subtrees the actor oversees through an area role, with none inside another.
    pub subtrees: Vec<NodePath>,
    /// The actor.
    pub user: UserId,
    /// The property companies the actor works for.
    pub companies: Vec<PropertyCompanyId>,
}

/// Roles that see every request in their node's subtree. Volunteers and residents are not among
/// them: they see what they submitted or were given.
const AREA_ROLES: [RoleKind; 5] = [
    RoleKind::DistrictAdmin,
    RoleKind::StreetStaff,
    RoleKind::CommunityStaff,
    RoleKind::GridWorker,
    RoleKind::Butler,
];

impl Visibility {
    /// What `actor` may see, from every role they hold.
    pub fn of(actor: &Actor) -> Self {
        let mut paths: Vec<&NodePath> = actor
            .roles
            .iter()
            .filter(|r| AREA_ROLES.contains(&r.kind))
            .filter_map(|r| match &r.scope {
                RoleScope::Node(p) => Some(p),
                _ => None,
            })
            .collect();
        // Shorter paths first, so a subtree inside one already kept is dropped.
        paths.sort_by_key(|p| (p.as_str().len(), p.as_str()));
        let mut subtrees: Vec<NodePath> = Vec::new();
        for p in paths {
            if !subtrees.iter().any(|kept| kept.contains(p)) {
                subtrees.push(p.clone());
            }
        }
        let mut companies: Vec<PropertyCompanyId> = actor
            .roles
            .iter()
            .filter(|r| r.kind == RoleKind::PropertyStaff)
            .filter_map(|r| match r.scope {
                RoleScope::Company(c) => Some(c),
                _ => None,
            })
            .collect();
        companies.sort();
        companies.dedup();
        Visibility {
            subtrees,
            user: actor.user_id,
            companies,
        }
    }

    /// True when the request is visible.
    pub fn allows(&self, req: &Request) -> bool {
        self.subtrees.iter().any(|s| s.contains(&req.building_path))
            || req.submitted_by == self.user
            || match req.assignee {
                Some(Assignee::User(u)) => u == self.user,
                Some(Assignee::Company(c)) => self.companies.contains(&c),
                None => false,
            }
            || req
                .managing_company
                .is_some_and(|c| self.companies.contains(&c))
    }
}

/// True when `actor` may see `req`.
pub fn can_see(actor: &Actor, req: &Request) -> bool {
    Visibility::of(actor).allows(req)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::request::RequestStatus;
    use crate::request::fixtures::*;

    /// A request on building 7 (grid 4, compound 6, managed by company 1), submitted by the
    /// resident and not yet dispatched.
    fn queued() -> Request {
        request(RequestStatus::Submitted)
    }

    #[test]
    fn area_roles_see_their_subtree_only() {
        let r = queued();
        for who in [district(), street(), community(), grid_worker(), butler()] {
            assert!(can_see(&who, &r), "{who:?}");
        }
        for who in [
            other_street(),
            other_community(),
            other_grid_worker(),
            other_butler(),
        ] {
            assert!(!can_see(&who, &r), "{who:?}");
        }
    }

    #[test]
    fn residents_and_volunteers_see_what_they_submitted_or_were_given() {
        let mut r = queued();
        assert!(can_see(&resident(), &r));
        assert!(!can_see(&other_resident(), &r));
        assert!(!can_see(&volunteer(), &r));
        r.assignee = Some(Assignee::User(VOLUNTEER));
        assert!(can_see(&volunteer(), &r));
    }

    #[test]
    fn property_staff_see_their_compounds_and_their_assignments() {
        let mut r = queued();
        assert!(can_see(&property(), &r));
        assert!(!can_see(&other_property(), &r));
        r.assignee = Some(Assignee::Company(OTHER_COMPANY));
        assert!(can_see(&other_property(), &r));
        r.managing_company = None;
        r.assignee = None;
        assert!(!can_see(&property(), &r));
    }

    #[test]
    fn nested_subtrees_collapse_and_companies_are_listed() {
        let mut who = community();
        who.roles.extend(grid_worker().roles);
        who.roles.extend(property().roles);
        who.roles.extend(property().roles);
        let v = Visibility::of(&who);
        assert_eq!(v.subtrees, vec![community_path()]);
        assert_eq!(v.companies, vec![COMPANY]);
        assert_eq!(v.user, COMMUNITY_STAFF);
        assert!(Visibility::of(&volunteer()).subtrees.is_empty());
        assert!(Visibility::of(&resident()).subtrees.is_empty());
    }
}
