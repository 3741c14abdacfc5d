//! Who manages a meeting and who sees it.
//!
//! Community staff, street staff and the district administer the meeting's node and everything
//! below it: they call, edit, hold and follow its meetings. A street's joint meeting is about one
//! of its communities; that community's staff see it (they sit at the table) but the street runs
//! it. Anyone else (a grid worker, a butler,
//! property staff, a volunteer) sees a meeting only when they take part in it as a participant
//! or own one of its action items — a meeting's parties and minutes are not for every worker of
//! the area.

use crate::OrgNodeId;
use crate::access::Actor;
use crate::org::NodePath;

/// The path of the community a meeting is about: the meeting's own node for a community's
/// meeting, its child `community` for a street's.
pub fn community_path(meeting_node: &NodePath, community: OrgNodeId) -> NodePath {
    if meeting_node.node_id() == community {
        meeting_node.clone()
    } else {
        meeting_node.child(community)
    }
}

/// Staff whose node's subtree holds the meeting's node.
pub fn may_manage(actor: &Actor, meeting_node: &NodePath) -> bool {
    actor.administers(meeting_node)
}

/// A manager, the staff of the community it is about, or someone the meeting involves.
pub fn may_see(actor: &Actor, meeting_node: &NodePath, community: &NodePath, involved: bool) -> bool {
    involved || may_manage(actor, meeting_node) || actor.administers(community)
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
        assert!(!may_see(&grid, &community, &community, false));
        assert!(may_see(&grid, &community, &community, true));
    }

    #[test]
    fn the_community_a_street_meeting_is_about_sees_it_but_does_not_run_it() {
        let street = path(&[1, 2]);
        let about = community_path(&street, OrgNodeId(3));
        assert_eq!(about, path(&[1, 2, 3]));
        assert_eq!(community_path(&about, OrgNodeId(3)), about);
        let staff = actor(RoleKind::CommunityStaff, about.clone());
        assert!(may_see(&staff, &street, &about, false));
        assert!(!may_manage(&staff, &street));
        // The street's other communities do not see it.
        let other = actor(RoleKind::CommunityStaff, path(&[1, 2, 4]));
        assert!(!may_see(&other, &street, &about, false));
        // Nor does a worker of the community it is about.
        let grid = actor(RoleKind::GridWorker, path(&[1, 2, 3, 5]));
        assert!(!may_see(&grid, &street, &about, false));
    }
}
