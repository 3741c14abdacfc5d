//! Who may report for a particular household (as opposed to a building's common areas).

use crate::access::{Actor, RoleKind};
use crate::org::NodePath;

/// A resident reports for their own household; staff, grid workers and butlers for the
/// households under them (on the resident's behalf).
pub fn may_report_for_household(actor: &Actor, household: &NodePath) -> bool {
    [
        RoleKind::Resident,
        RoleKind::Butler,
        RoleKind::GridWorker,
        RoleKind::CommunityStaff,
        RoleKind::StreetStaff,
        RoleKind::DistrictAdmin,
    ]
    .into_iter()
    .any(|kind| actor.has_role_over(kind, household))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::OrgNodeId;
    use crate::request::fixtures::*;

    #[test]
    fn own_household_or_staff_over_it() {
        let home = building_path().child(OrgNodeId(900));
        let mut owner = resident();
        owner.roles = vec![crate::access::RoleGrant {
            kind: RoleKind::Resident,
            scope: crate::access::RoleScope::Node(home.clone()),
        }];
        assert!(may_report_for_household(&owner, &home));
        assert!(may_report_for_household(&butler(), &home));
        assert!(may_report_for_household(&grid_worker(), &home));
        assert!(may_report_for_household(&community(), &home));
        assert!(!may_report_for_household(&other_resident(), &home));
        assert!(!may_report_for_household(&other_grid_worker(), &home));
        assert!(!may_report_for_household(&volunteer(), &home));
    }
}
