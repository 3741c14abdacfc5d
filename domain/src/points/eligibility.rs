//! Who earns points for what: the rules that keep paid work and self-dealing out of the ledger.

use crate::UserId;
use crate::category::HandlerKind;
use crate::request::{Assignee, Request};
use crate::volunteer::VolunteerStatus;

/// Whether `volunteer` (an account with a volunteer profile in `status`) earns points for the
/// rated `request` of a category handled by `handler`: only a home-life kind of request (one the
/// service supermarket gives volunteers), handed to them by name and resolved by them, that they
/// did not submit themselves; and only while they may serve. A grid worker or staff member who
/// also volunteers earns nothing for a request they resolved on the spot as part of their job.
pub fn earns_for_request(
    request: &Request,
    handler: HandlerKind,
    volunteer: UserId,
    status: VolunteerStatus,
) -> bool {
    handler == HandlerKind::Volunteer
        && status.may_serve()
        && request.assignee == Some(Assignee::User(volunteer))
        && request.resolved_by == Some(volunteer)
        && request.submitted_by != volunteer
}

/// Whether a volunteer in `status` earns an activity's award at its finish: only while they may
/// serve (a suspended volunteer's attendance stays on record but earns nothing).
pub fn earns_for_activity(status: VolunteerStatus) -> bool {
    status.may_serve()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::request::fixtures;

    #[test]
    fn only_the_volunteer_who_was_given_and_resolved_a_home_life_request_earns() {
        let v = UserId(30);
        let mut r = fixtures::request(crate::request::RequestStatus::Resolved);
        r.assignee = Some(Assignee::User(v));
        r.resolved_by = Some(v);
        assert!(earns_for_request(
            &r,
            HandlerKind::Volunteer,
            v,
            VolunteerStatus::Active
        ));
        // Another category: paid work, not volunteering.
        assert!(!earns_for_request(
            &r,
            HandlerKind::GridWorker,
            v,
            VolunteerStatus::Active
        ));
        // Suspended, or not approved.
        assert!(!earns_for_request(
            &r,
            HandlerKind::Volunteer,
            v,
            VolunteerStatus::Suspended
        ));
        assert!(!earns_for_request(
            &r,
            HandlerKind::Volunteer,
            v,
            VolunteerStatus::Pending
        ));
        // Resolved by someone else (on the spot, by agreement).
        let mut other = r.clone();
        other.resolved_by = Some(UserId(31));
        assert!(!earns_for_request(
            &other,
            HandlerKind::Volunteer,
            v,
            VolunteerStatus::Active
        ));
        // Not theirs by name.
        let mut unassigned = r.clone();
        unassigned.assignee = None;
        assert!(!earns_for_request(
            &unassigned,
            HandlerKind::Volunteer,
            v,
            VolunteerStatus::Active
        ));
        // Their own request.
        let mut own = r.clone();
        own.submitted_by = v;
        assert!(!earns_for_request(
            &own,
            HandlerKind::Volunteer,
            v,
            VolunteerStatus::Active
        ));
    }

    #[test]
    fn a_suspended_volunteer_earns_no_activity_award() {
        assert!(earns_for_activity(VolunteerStatus::Active));
        assert!(!earns_for_activity(VolunteerStatus::Suspended));
    }
}
