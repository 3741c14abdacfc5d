use crate::access::{Actor, RoleKind};
use crate::request::{Assignee, Command, QueueLevel, Request};

/// Who may give `cmd` on `req`, judged on the request as it stands (its building, queue level,
/// assignee, submitter and channel) but not its status: the status is the lifecycle's to check,
/// after this, so a permitted actor in the wrong state hears "invalid transition", not "forbidden".
pub(crate) fn may(actor: &Actor, req: &Request, cmd: &Command) -> bool {
    let over = |kind| actor.has_role_over(kind, &req.building_path);
    let handler = is_handler(actor, req.assignee);
    let community = over(RoleKind::CommunityStaff);
    let street = over(RoleKind::StreetStaff);
    // Whoever owns the queue the request sits in: the community's, then the street's.
    let queue_owner = match req.queue_level {
        QueueLevel::Community => community,
        QueueLevel::Street => street,
        QueueLevel::District => false,
    };
    match cmd {
        Command::Dispatch { .. } => queue_owner || over(RoleKind::DistrictAdmin),
        Command::Claim
        | Command::Return
        | Command::Progress
        | Command::RequestExtension { .. }
        | Command::Resolve => handler,
        Command::Escalate => handler || queue_owner,
        Command::DecideExtension { .. } | Command::Close => community,
        Command::ResolveOnSpot => over(RoleKind::Butler) || over(RoleKind::GridWorker),
        Command::Rate { .. } | Command::Reopen => {
            req.submitted_by == actor.user_id || (req.channel.is_staff_entered() && community)
        }
        Command::Supervise => street || over(RoleKind::DistrictAdmin),
        // Whoever administers the building follows the meeting that settled it.
        Command::ResolveByAgreement { .. } => actor.administers(&req.building_path),
    }
}

/// The handler is the assigned person, or any staff member of the assigned company.
pub(crate) fn is_handler(actor: &Actor, assignee: Option<Assignee>) -> bool {
    match assignee {
        Some(Assignee::User(u)) => u == actor.user_id,
        Some(Assignee::Company(c)) => actor.is_staff_of(c),
        None => false,
    }
}
