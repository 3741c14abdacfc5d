//! A volunteer's standing: pending → active (approved) ⇄ suspended; pending → rejected.

use crate::labelled::labelled_enum;

labelled_enum!(
    /// Where a volunteer's application stands.
    VolunteerStatus, "volunteer status", {
        /// Applied; community staff have not decided.
        Pending => "pending", "待审核",
        /// Approved: may sign up and be dispatched requests.
        Active => "active", "已通过",
        /// Stopped by staff for a while; may be reinstated.
        Suspended => "suspended", "已暂停",
        /// Not approved. Final: a new application starts a new profile.
        Rejected => "rejected", "未通过",
    }
);

labelled_enum!(
    /// What community staff do to a volunteer's standing.
    VolunteerAction, "volunteer action", {
        /// Pending → active.
        Approve => "approve", "通过",
        /// Pending → rejected.
        Reject => "reject", "驳回",
        /// Active → suspended.
        Suspend => "suspend", "暂停",
        /// Suspended → active.
        Reinstate => "reinstate", "恢复",
    }
);

/// Why a change of standing was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum VolunteerError {
    /// The action does not apply in this status.
    #[error("cannot {} a volunteer who is {}", action.as_str(), from.as_str())]
    InvalidTransition {
        /// Where the volunteer stands.
        from: VolunteerStatus,
        /// What was asked.
        action: VolunteerAction,
    },
}

impl VolunteerError {
    /// The stable error code.
    pub fn code(self) -> &'static str {
        match self {
            VolunteerError::InvalidTransition { .. } => "volunteer.invalid_transition",
        }
    }
}

impl VolunteerStatus {
    /// The status after `action`, or why it does not apply.
    pub fn apply(self, action: VolunteerAction) -> Result<VolunteerStatus, VolunteerError> {
        use VolunteerAction::{Approve, Reinstate, Reject, Suspend};
        use VolunteerStatus::{Active, Pending, Rejected, Suspended};
        match (self, action) {
            (Pending, Approve) | (Suspended, Reinstate) => Ok(Active),
            (Pending, Reject) => Ok(Rejected),
            (Active, Suspend) => Ok(Suspended),
            (from, action) => Err(VolunteerError::InvalidTransition { from, action }),
        }
    }

    /// Pending → active.
    pub fn approve(self) -> Result<VolunteerStatus, VolunteerError> {
        self.apply(VolunteerAction::Approve)
    }

    /// Pending → rejected.
    pub fn reject(self) -> Result<VolunteerStatus, VolunteerError> {
        self.apply(VolunteerAction::Reject)
    }

    /// Active → suspended.
    pub fn suspend(self) -> Result<VolunteerStatus, VolunteerError> {
        self.apply(VolunteerAction::Suspend)
    }

    /// Suspended → active.
    pub fn reinstate(self) -> Result<VolunteerStatus, VolunteerError> {
        self.apply(VolunteerAction::Reinstate)
    }

    /// May serve: sign up for activities, check in, be dispatched requests.
    pub fn may_serve(self) -> bool {
        self == VolunteerStatus::Active
    }
}

#[cfg(test)]
mod tests {
    use super::VolunteerAction::*;
    use super::VolunteerStatus::*;
    use super::*;

    #[test]
    fn approval_suspension_and_reinstatement() {
        assert_eq!(Pending.approve(), Ok(Active));
        assert_eq!(Pending.reject(), Ok(Rejected));
        assert_eq!(Active.suspend(), Ok(Suspended));
        assert_eq!(Suspended.reinstate(), Ok(Active));
        assert!(Active.may_serve());
        for s in [Pending, Suspended, Rejected] {
            assert!(!s.may_serve());
        }
    }

    #[test]
    fn every_other_pair_is_an_invalid_transition() {
        let allowed = [
            (Pending, Approve),
            (Pending, Reject),
            (Active, Suspend),
            (Suspended, Reinstate),
        ];
        for from in VolunteerStatus::ALL {
            for action in VolunteerAction::ALL {
                let got = from.apply(*action);
                if allowed.contains(&(*from, *action)) {
                    assert!(got.is_ok());
                } else {
                    let err = got.unwrap_err();
                    assert_eq!(
                        err,
                        VolunteerError::InvalidTransition {
                            from: *from,
                            action: *action
                        }
                    );
                    assert_eq!(err.code(), "volunteer.invalid_transition");
                }
            }
        }
        assert_eq!(
            Rejected.approve().unwrap_err().to_string(),
            "cannot approve a volunteer who is rejected"
        );
        for s in VolunteerStatus::ALL {
            assert_eq!(VolunteerStatus::parse(s.as_str()), Ok(*s));
        }
    }
}
