//! The dispatch suggestion: who the service supermarket proposes to hand a request to.

use crate::category::HandlerKind;
use crate::request::Assignee;

/// What kind of handler a candidate is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CandidateKind {
    /// The company managing the building's compound.
    PropertyCompany,
    /// A volunteer of the community.
    Volunteer,
    /// A butler of the building.
    Butler,
    /// A grid worker of the building's grid.
    GridWorker,
    /// Community staff of the building's community.
    CommunityStaff,
}

/// Someone who could take a request for a building, as persistence gathers them: the company
/// managing its compound, the community's volunteers, the building's butlers, the grid's workers
/// and the community's staff.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Candidate {
    /// Who.
    pub assignee: Assignee,
    /// As what.
    pub kind: CandidateKind,
    /// How many open requests they already hold.
    pub open_load: i64,
}

/// The kinds to try for a category's default handler, best first.
fn preference(default: HandlerKind) -> &'static [CandidateKind] {
    use CandidateKind as K;
    match default {
        HandlerKind::PropertyCompany => &[K::PropertyCompany, K::GridWorker],
        HandlerKind::Volunteer => &[K::Volunteer, K::Butler, K::GridWorker],
        HandlerKind::GridWorker => &[K::GridWorker, K::CommunityStaff],
        HandlerKind::CommunityStaff => &[K::CommunityStaff],
    }
}

/// The handler the supermarket suggests: the first kind in the category's preference that has
/// anyone, and among those the least loaded, ties going to the smallest id so the suggestion is
/// stable. `None` when nobody of a preferred kind is there.
pub fn suggest(default: HandlerKind, candidates: &[Candidate]) -> Option<Candidate> {
    preference(default).iter().find_map(|kind| {
        candidates
            .iter()
            .filter(|c| c.kind == *kind)
            .min_by_key(|c| (c.open_load, id_order(c.assignee)))
            .copied()
    })
}

/// Orders assignees by id (people before companies, which never share a kind anyway).
fn id_order(a: Assignee) -> (u8, i64) {
    match a {
        Assignee::User(u) => (0, u.0),
        Assignee::Company(c) => (1, c.0),
    }
}

/// True when `assignee` is among those who could take the request: staff may dispatch to anyone
/// gathered, not only to the suggestion.
pub fn is_eligible(assignee: Assignee, candidates: &[Candidate]) -> bool {
    candidates.iter().any(|c| c.assignee == assignee)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{PropertyCompanyId, UserId};
    use CandidateKind::*;

    fn user(id: i64, kind: CandidateKind, open_load: i64) -> Candidate {
        Candidate {
            assignee: Assignee::User(UserId(id)),
            kind,
            open_load,
        }
    }

    fn company(id: i64, open_load: i64) -> Candidate {
        Candidate {
            assignee: Assignee::Company(PropertyCompanyId(id)),
            kind: PropertyCompany,
            open_load,
        }
    }

    fn suggested(default: HandlerKind, candidates: &[Candidate]) -> Option<Assignee> {
        suggest(default, candidates).map(|c| c.assignee)
    }

    #[test]
    fn property_requests_go_to_the_company_else_a_grid_worker() {
        let all = [
            user(5, GridWorker, 0),
            company(9, 40),
            user(3, CommunityStaff, 0),
        ];
        assert_eq!(
            suggested(HandlerKind::PropertyCompany, &all),
            Some(Assignee::Company(PropertyCompanyId(9)))
        );
        assert_eq!(
            suggested(HandlerKind::PropertyCompany, &all[..1]),
            Some(Assignee::User(UserId(5)))
        );
        assert_eq!(suggested(HandlerKind::PropertyCompany, &all[2..]), None);
    }

    #[test]
    fn home_life_goes_to_a_volunteer_else_a_butler_else_a_grid_worker() {
        let volunteer = user(30, Volunteer, 7);
        let butler = user(20, Butler, 0);
        let grid = user(10, GridWorker, 0);
        let h = HandlerKind::Volunteer;
        assert_eq!(
            suggested(h, &[grid, butler, volunteer]),
            Some(volunteer.assignee)
        );
        assert_eq!(suggested(h, &[grid, butler]), Some(butler.assignee));
        assert_eq!(suggested(h, &[grid]), Some(grid.assignee));
        assert_eq!(suggested(h, &[user(1, CommunityStaff, 0)]), None);
    }

    #[test]
    fn grid_and_community_categories() {
        let staff = user(3, CommunityStaff, 0);
        let grid = user(10, GridWorker, 5);
        assert_eq!(
            suggested(HandlerKind::GridWorker, &[staff, grid]),
            Some(grid.assignee)
        );
        assert_eq!(
            suggested(HandlerKind::GridWorker, &[staff]),
            Some(staff.assignee)
        );
        assert_eq!(
            suggested(HandlerKind::CommunityStaff, &[grid, staff]),
            Some(staff.assignee)
        );
        assert_eq!(suggested(HandlerKind::CommunityStaff, &[grid]), None);
    }

    #[test]
    fn least_loaded_wins_and_ties_go_to_the_smallest_id() {
        let h = HandlerKind::GridWorker;
        let busy = user(1, GridWorker, 4);
        let idle_high = user(9, GridWorker, 2);
        let idle_low = user(7, GridWorker, 2);
        assert_eq!(
            suggested(h, &[busy, idle_high, idle_low]),
            Some(idle_low.assignee)
        );
        assert_eq!(
            suggested(h, &[idle_low, idle_high, busy]),
            Some(idle_low.assignee)
        );
        let a = company(8, 1);
        let b = company(4, 1);
        assert_eq!(
            suggested(HandlerKind::PropertyCompany, &[a, b]),
            Some(b.assignee)
        );
    }

    #[test]
    fn suggestion_keeps_the_load() {
        let c = user(7, GridWorker, 2);
        assert_eq!(suggest(HandlerKind::GridWorker, &[c]), Some(c));
    }

    #[test]
    fn eligibility_is_membership() {
        let all = [user(5, GridWorker, 0), company(9, 0)];
        assert!(is_eligible(Assignee::User(UserId(5)), &all));
        assert!(is_eligible(Assignee::Company(PropertyCompanyId(9)), &all));
        assert!(!is_eligible(Assignee::User(UserId(9)), &all));
        assert!(!is_eligible(Assignee::Company(PropertyCompanyId(5)), &all));
        assert!(!is_eligible(Assignee::User(UserId(5)), &[]));
    }
}
