//! Household binding (绑定居民家庭): a resident asks to be recognised as living in a household;
//! a butler of that building or the community's staff approves or rejects. Until approved the
//! resident reports only for the building's common areas; once approved they hold the
//! resident role on the household and may report for it, and they may leave it later.

use crate::access::{Actor, RoleKind};
use crate::org::NodePath;

/// Where a binding stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BindingStatus {
    /// Asked for, waiting for a decision.
    Pending,
    /// Approved: the resident holds the resident role on the household.
    Approved,
    /// Rejected, with a reason.
    Rejected,
    /// Withdrawn before a decision, or left after approval.
    Left,
}

impl BindingStatus {
    /// Every status.
    pub const ALL: [BindingStatus; 4] = [
        BindingStatus::Pending,
        BindingStatus::Approved,
        BindingStatus::Rejected,
        BindingStatus::Left,
    ];

    /// The stored and wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            BindingStatus::Pending => "pending",
            BindingStatus::Approved => "approved",
            BindingStatus::Rejected => "rejected",
            BindingStatus::Left => "left",
        }
    }

    /// Parses a stored name.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|b| b.as_str() == s)
    }

    /// True while the binding counts: a resident cannot ask twice for one household.
    pub fn is_live(self) -> bool {
        matches!(self, BindingStatus::Pending | BindingStatus::Approved)
    }
}

/// What is done to a binding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BindingAction {
    /// A decider approves a pending binding.
    Approve,
    /// A decider rejects a pending binding.
    Reject,
    /// The resident withdraws a pending binding or leaves an approved one.
    Leave,
}

/// Why a binding action is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum BindingError {
    /// Not this actor's to do.
    #[error("not allowed")]
    NotAllowed,
    /// Not from this status.
    #[error("cannot {action:?} a binding that is {from:?}")]
    InvalidTransition {
        /// The binding's status.
        from: BindingStatus,
        /// What was tried.
        action: BindingAction,
    },
}

/// True when `actor` may approve or reject bindings to the household at `household`: a butler
/// bound to its building, or community staff of its community (or a community above it).
pub fn may_decide(actor: &Actor, household: &NodePath) -> bool {
    actor.has_role_over(RoleKind::Butler, household)
        || actor.has_role_over(RoleKind::CommunityStaff, household)
}

/// True when `actor` may ask to be bound to a household: any resident.
pub fn may_request(actor: &Actor) -> bool {
    actor.roles.iter().any(|r| r.kind == RoleKind::Resident)
}

/// Decides an action on a binding held by `owner` to the household at `household`.
pub fn decide(
    actor: &Actor,
    owner: crate::UserId,
    household: &NodePath,
    from: BindingStatus,
    action: BindingAction,
) -> Result<BindingStatus, BindingError> {
    let allowed = match action {
        BindingAction::Approve | BindingAction::Reject => may_decide(actor, household),
        BindingAction::Leave => actor.user_id == owner,
    };
    if !allowed {
        return Err(BindingError::NotAllowed);
    }
    use BindingAction as A;
    use BindingStatus as S;
    match (from, action) {
        (S::Pending, A::Approve) => Ok(S::Approved),
        (S::Pending, A::Reject) => Ok(S::Rejected),
        (S::Pending | S::Approved, A::Leave) => Ok(S::Left),
        (from, action) => Err(BindingError::InvalidTransition { from, action }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::access::{RoleGrant, RoleScope};
    use crate::{OrgNodeId, UserId};

    fn path(ids: &[i64]) -> NodePath {
        let mut p = NodePath::root(OrgNodeId(ids[0]));
        for id in &ids[1..] {
            p = p.child(OrgNodeId(*id));
        }
        p
    }

    /// District 1 / street 2 / community 3 / grid 4 / compound 5 / building 6 / household 7.
    fn household() -> NodePath {
        path(&[1, 2, 3, 4, 5, 6, 7])
    }

    fn actor(id: i64, roles: &[(RoleKind, Option<NodePath>)]) -> Actor {
        Actor {
            user_id: UserId(id),
            roles: roles
                .iter()
                .map(|(kind, p)| RoleGrant {
                    kind: *kind,
                    scope: p.clone().map_or(RoleScope::Unbound, RoleScope::Node),
                })
                .collect(),
        }
    }

    #[test]
    fn the_buildings_butler_and_the_communitys_staff_decide() {
        let h = household();
        assert!(may_decide(
            &actor(2, &[(RoleKind::Butler, Some(path(&[1, 2, 3, 4, 5, 6])))]),
            &h
        ));
        assert!(may_decide(
            &actor(2, &[(RoleKind::CommunityStaff, Some(path(&[1, 2, 3])))]),
            &h
        ));
        for outsider in [
            actor(2, &[(RoleKind::Butler, Some(path(&[1, 2, 3, 4, 5, 8])))]),
            actor(2, &[(RoleKind::CommunityStaff, Some(path(&[1, 2, 9])))]),
            actor(2, &[(RoleKind::GridWorker, Some(path(&[1, 2, 3, 4])))]),
            actor(2, &[(RoleKind::Resident, Some(h.clone()))]),
        ] {
            assert!(!may_decide(&outsider, &h), "{outsider:?}");
        }
    }

    #[test]
    fn every_action_from_every_status() {
        let h = household();
        let butler = actor(2, &[(RoleKind::Butler, Some(path(&[1, 2, 3, 4, 5, 6])))]);
        let owner = actor(1, &[(RoleKind::Resident, None)]);
        use BindingAction as A;
        use BindingStatus as S;
        for from in S::ALL {
            for (who, action) in [
                (&butler, A::Approve),
                (&butler, A::Reject),
                (&owner, A::Leave),
            ] {
                let expected = match (from, action) {
                    (S::Pending, A::Approve) => Some(S::Approved),
                    (S::Pending, A::Reject) => Some(S::Rejected),
                    (S::Pending | S::Approved, A::Leave) => Some(S::Left),
                    _ => None,
                };
                let got = decide(who, UserId(1), &h, from, action);
                match expected {
                    Some(to) => assert_eq!(got, Ok(to), "{from:?} {action:?}"),
                    None => assert_eq!(
                        got,
                        Err(BindingError::InvalidTransition { from, action }),
                        "{from:?} {action:?}"
                    ),
                }
            }
        }
        // Only the owner leaves; only deciders approve.
        assert_eq!(
            decide(&butler, UserId(1), &h, S::Approved, A::Leave),
            Err(BindingError::NotAllowed)
        );
        assert_eq!(
            decide(&owner, UserId(1), &h, S::Pending, A::Approve),
            Err(BindingError::NotAllowed)
        );
    }

    #[test]
    fn statuses_round_trip_and_only_pending_and_approved_are_live() {
        for s in BindingStatus::ALL {
            assert_eq!(BindingStatus::parse(s.as_str()), Some(s));
        }
        assert!(BindingStatus::Pending.is_live() && BindingStatus::Approved.is_live());
        assert!(!BindingStatus::Rejected.is_live() && !BindingStatus::Left.is_live());
        assert!(may_request(&actor(1, &[(RoleKind::Resident, None)])));
        assert!(!may_request(&actor(
            1,
            &[(RoleKind::GridWorker, Some(household()))]
        )));
    }
}
