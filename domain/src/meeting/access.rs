//! Who manages a meeting and who sees it.
//!
//! Community staff, street staff and the district administer the meeting's node and everything
//! below it: they call, edit, hold and follow its meetings. Anyone else (a grid worker, a butler,
//! property staff, a volunteer) sees a meeting only when they take part in it as a participant
//! or own one of its action items — a meeting's parties and minutes are not for every worker of
//! the area.

use crate::access::Actor;
use crate::org::NodePath;

/// Staff whose node's subtree holds the meeting's node.
pub fn may_manage(actor: &Actor, meeting_node: &NodePath) -> bool {
    actor.administers(meeting_node)
}

/// A manager, or someone the meeting involves.
pub fn may_see(actor: &Actor, meeting_node: &NodePath, involved: bool) -> bool {
    involved || may_manage(actor, meeting_node)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::access::{RoleGrant, RoleKind, RoleScope};
    use crate::{OrgNodeId, UserId};

    fn path(ids: &[i64]) -> NodePath {
        let mut p = NodePath::root(OrgNodeId(ids[0]));
        for id in &ids[1..] {
            p = p.child(OrgNodeId(*id));
        }
        p
    }

    fn actor(kind: RoleKind, node: NodePath) -> Actor {
        Actor {
            user_id: UserId(9),
            roles: vec![RoleGrant {
                kind,
                scope: RoleScope::Node(node),
            }],
        }
    }

    #[test]
    fn staff_of_the_node_or_above_manage() {
        let community = path(&[1, 2, 3]);
        let street = path(&[1, 2]);
        assert!(may_manage(
            &actor(RoleKind::CommunityStaff, community.clone()),
            &community
        ));
        assert!(may_manage(
            &actor(RoleKind::StreetStaff, street.clone()),
            &community
        ));
        // Community staff do not manage the street's joint meeting.
        assert!(!may_manage(
            &actor(RoleKind::CommunityStaff, community.clone()),
            &street
        ));
        // Another community's staff do not manage this one's.
        assert!(!may_manage(
            &actor(RoleKind::CommunityStaff, path(&[1, 2, 4])),
            &community
        ));
    }

    #[test]
    fn workers_see_only_what_involves_them() {
        let community = path(&[1, 2, 3]);
        let grid = actor(RoleKind::GridWorker, path(&[1, 2, 3, 5]));
        assert!(!may_manage(&grid, &community));
        assert!(!may_see(&grid, &community, false));
        assert!(may_see(&grid, &community, true));
    }
}
