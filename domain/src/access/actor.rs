use crate::access::RoleKind;
use crate::org::NodePath;
use crate::{PropertyCompanyId, UserId};

/// Where a role applies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RoleScope {
    /// The node and everything below it.
    Node(NodePath),
    /// The compounds a property company manages, and what is assigned to the company.
    Company(PropertyCompanyId),
    /// A resident not yet bound to a household: sees only what they submitted.
    Unbound,
}

/// One role held by a user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleGrant {
    /// What the role is.
    pub kind: RoleKind,
    /// Where it applies.
    pub scope: RoleScope,
}

/// The authenticated user acting on a command, with every role they hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    /// The user.
    pub user_id: UserId,
    /// Their roles; a user may hold several.
    pub roles: Vec<RoleGrant>,
}

impl Actor {
    /// True when the actor holds `kind` on a node whose subtree contains `path`.
    pub fn has_role_over(&self, kind: RoleKind, path: &NodePath) -> bool {
        self.roles
            .iter()
            .any(|r| r.kind == kind && matches!(&r.scope, RoleScope::Node(p) if p.contains(path)))
    }

    /// True when the actor is staff of the given property company.
    pub fn is_staff_of(&self, company: PropertyCompanyId) -> bool {
        self.roles
            .iter()
            .any(|r| r.kind == RoleKind::PropertyStaff && r.scope == RoleScope::Company(company))
    }

    /// True when some admin role (community staff, street staff, district admin) covers `path`.
    pub fn administers(&self, path: &NodePath) -> bool {
        self.roles.iter().any(|r| {
            r.kind.is_admin() && matches!(&r.scope, RoleScope::Node(p) if p.contains(path))
        })
    }

    /// The nodes the actor administers (their staff roles bound to a node), as paths.
    pub fn administered(&self) -> impl Iterator<Item = &NodePath> {
        self.roles.iter().filter_map(|r| match &r.scope {
            RoleScope::Node(p) if r.kind.is_admin() => Some(p),
            _ => None,
        })
    }

    /// The node paths of the roles the actor holds of `kind`.
    pub fn paths_of(&self, kind: RoleKind) -> impl Iterator<Item = &NodePath> {
        self.roles.iter().filter_map(move |r| match &r.scope {
            RoleScope::Node(p) if r.kind == kind => Some(p),
            _ => None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::OrgNodeId;

    #[test]
    fn the_administered_nodes_are_the_staff_roles_bound_to_a_node() {
        let community = NodePath::root(OrgNodeId(1)).child(OrgNodeId(2));
        let grid = community.child(OrgNodeId(3));
        let actor = Actor {
            user_id: UserId(9),
            roles: vec![
                RoleGrant {
                    kind: RoleKind::GridWorker,
                    scope: RoleScope::Node(grid),
                },
                RoleGrant {
                    kind: RoleKind::CommunityStaff,
                    scope: RoleScope::Node(community.clone()),
                },
                RoleGrant {
                    kind: RoleKind::Resident,
                    scope: RoleScope::Unbound,
                },
            ],
        };
        assert_eq!(actor.administered().collect::<Vec<_>>(), vec![&community]);
    }
}
