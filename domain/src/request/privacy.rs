//! Who sees a request's personal data whole. Everyone else who may see the request sees the
//! contact phone masked (138****5678).

use crate::access::{Actor, RoleKind};
use crate::request::Request;
use crate::request::authority::is_handler;

/// The submitting resident, the assigned handler and the community's staff see the contact
/// phone whole: they are the ones who call back.
pub fn sees_contact_phone(actor: &Actor, req: &Request) -> bool {
    req.submitted_by == actor.user_id
        || is_handler(actor, req.assignee)
        || actor.has_role_over(RoleKind::CommunityStaff, &req.building_path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::request::fixtures::*;
    use crate::request::{Assignee, RequestStatus};

    #[test]
    fn only_resident_handler_and_community_staff_see_the_phone() {
        let mut req = request(RequestStatus::Dispatched);
        req.submitted_by = resident().user_id;
        req.assignee = Some(Assignee::User(grid_worker().user_id));
        assert!(sees_contact_phone(&resident(), &req));
        assert!(sees_contact_phone(&grid_worker(), &req));
        assert!(sees_contact_phone(&community(), &req));
        assert!(!sees_contact_phone(&street(), &req));
        assert!(!sees_contact_phone(&butler(), &req));
        assert!(!sees_contact_phone(&other_resident(), &req));
        assert!(!sees_contact_phone(&other_community(), &req));
    }
}
