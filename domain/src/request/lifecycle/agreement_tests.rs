//! Resolving a request by a meeting's agreement: who may, from where, and what the timeline says.

use serde_json::json;

use super::*;
use crate::meeting::MeetingId;
use crate::request::fixtures::*;

fn by_meeting() -> Command {
    Command::ResolveByAgreement {
        meeting_id: MeetingId(42),
    }
}

#[test]
fn staff_over_the_building_resolve_an_open_request_by_agreement() {
    for who in [community(), street(), district()] {
        for status in [Submitted, Escalated, Dispatched, Claimed, InProgress] {
            let req = request(status);
            let now = at("2026-11-06T10:00:00+08:00");
            let t = decide(&req, &who, &by_meeting(), &ctx(now)).unwrap();
            assert_eq!(t.request.status, Resolved);
            assert_eq!(t.request.resolved_at, Some(now));
            assert_eq!(t.request.resolved_by, Some(who.user_id));
            assert_eq!(t.events.len(), 1);
            assert_eq!(t.events[0].kind, EventKind::Resolved);
            assert_eq!(
                t.events[0].data,
                json!({"on_spot": false, "by_meeting": 42})
            );
        }
    }
}

#[test]
fn the_handler_stays_on_record_and_the_first_response_is_kept() {
    let mut req = request(Claimed);
    req.assignee = Some(Assignee::User(GRID_WORKER));
    let claimed_at = at("2026-11-03T10:00:00+08:00");
    req.responded_at = Some(claimed_at);
    let t = decide(
        &req,
        &community(),
        &by_meeting(),
        &ctx(at("2026-11-06T10:00:00+08:00")),
    )
    .unwrap();
    assert_eq!(t.request.assignee, Some(Assignee::User(GRID_WORKER)));
    assert_eq!(t.request.responded_at, Some(claimed_at));
}

#[test]
fn workers_and_other_communities_may_not() {
    for who in [
        grid_worker(),
        butler(),
        property(),
        resident(),
        other_community(),
        other_street(),
    ] {
        assert_eq!(
            decide(
                &request(Dispatched),
                &who,
                &by_meeting(),
                &ctx(at("2026-11-06T10:00:00+08:00"))
            ),
            Err(TransitionError::Forbidden)
        );
    }
}

#[test]
fn resolved_and_closed_requests_are_left_alone() {
    for status in [Resolved, Closed] {
        assert_eq!(
            decide(
                &request(status),
                &community(),
                &by_meeting(),
                &ctx(at("2026-11-06T10:00:00+08:00"))
            ),
            Err(TransitionError::InvalidTransition {
                from: status,
                action: "resolve_by_agreement"
            })
        );
    }
}
