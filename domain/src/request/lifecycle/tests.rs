use serde_json::json;

use super::*;
use crate::access::{RoleGrant, RoleKind, RoleScope};
use crate::request::Channel;
use crate::request::Rating;
use crate::request::fixtures::*;
use crate::{PropertyCompanyId, UserId};

use TransitionError::{Forbidden, NotOverdue};

/// Two days after the resolution deadline of the fixture requests: every clock has run out.
fn late() -> DateTime<Utc> {
    at("2026-11-12T09:00:00+08:00")
}

/// Three days after submission: within the resolution deadline, past the first response's.
fn midweek() -> DateTime<Utc> {
    at("2026-11-05T15:00:00+08:00")
}

fn run(
    req: &Request,
    who: &Actor,
    cmd: &Command,
    now: DateTime<Utc>,
) -> Result<Transition, TransitionError> {
    decide(req, who, cmd, &ctx(now))
}

fn kinds(t: &Transition) -> Vec<EventKind> {
    t.events.iter().map(|e| e.kind).collect()
}

fn dispatch_to_volunteer() -> Command {
    Command::Dispatch {
        assignee: Assignee::User(VOLUNTEER),
    }
}

/// Where each action leads from each status, as the product issue states it; any status not
/// listed refuses the action. Written out, not derived from the code under test.
const TABLE: [(&str, &[(RequestStatus, RequestStatus)]); 14] = [
    (
        "dispatch",
        &[(Submitted, Dispatched), (Escalated, Dispatched)],
    ),
    ("claim", &[(Dispatched, Claimed)]),
    (
        "return",
        &[
            (Dispatched, Submitted),
            (Claimed, Submitted),
            (InProgress, Submitted),
        ],
    ),
    (
        "progress",
        &[(Claimed, InProgress), (InProgress, InProgress)],
    ),
    (
        "escalate",
        &[
            (Submitted, Escalated),
            (Escalated, Escalated),
            (Dispatched, Escalated),
            (Claimed, Escalated),
            (InProgress, Escalated),
        ],
    ),
    (
        "request_extension",
        &[(Claimed, Claimed), (InProgress, InProgress)],
    ),
    (
        "decide_extension",
        &[(Claimed, Claimed), (InProgress, InProgress)],
    ),
    ("resolve", &[(Claimed, Resolved), (InProgress, Resolved)]),
    (
        "resolve_on_spot",
        &[(Submitted, Resolved), (Dispatched, Resolved)],
    ),
    ("rate", &[(Resolved, Closed)]),
    ("reopen", &[(Resolved, Dispatched), (Closed, Dispatched)]),
    ("close", &[(Resolved, Closed)]),
    (
        "supervise",
        &[
            (Submitted, Submitted),
            (Escalated, Escalated),
            (Dispatched, Dispatched),
            (Claimed, Claimed),
            (InProgress, InProgress),
        ],
    ),
    (
        "resolve_by_agreement",
        &[
            (Submitted, Resolved),
            (Escalated, Resolved),
            (Dispatched, Resolved),
            (Claimed, Resolved),
            (InProgress, Resolved),
        ],
    ),
];

/// Each command with an actor allowed it on the fixture request whatever its status.
fn rightful() -> Vec<(Command, Actor)> {
    vec![
        (dispatch_to_volunteer(), district()),
        (Command::Claim, grid_worker()),
        (Command::Return, grid_worker()),
        (Command::Progress, grid_worker()),
        (Command::Escalate, grid_worker()),
        (Command::RequestExtension { days: 3 }, grid_worker()),
        (
            Command::DecideExtension {
                decision: ExtensionDecision::Approve,
            },
            community(),
        ),
        (Command::Resolve, grid_worker()),
        (Command::ResolveOnSpot, butler()),
        (
            Command::Rate {
                rating: Rating::Satisfied,
            },
            resident(),
        ),
        (Command::Reopen, resident()),
        (Command::Close, community()),
        (Command::Supervise, street()),
        (
            Command::ResolveByAgreement {
                meeting_id: crate::meeting::MeetingId(7),
            },
            community(),
        ),
    ]
}

#[test]
fn every_action_from_every_status() {
    let cases = rightful();
    assert_eq!(cases.len(), TABLE.len());
    for (cmd, who) in cases {
        let action = action_name(&cmd);
        let (_, legal) = TABLE
            .iter()
            .find(|(name, _)| *name == action)
            .unwrap_or_else(|| panic!("{action} missing from the table"));
        for status in RequestStatus::ALL {
            let mut req = request(status);
            // The grid worker holds it in every status, so only the status decides.
            req.assignee = Some(Assignee::User(GRID_WORKER));
            if matches!(cmd, Command::DecideExtension { .. }) {
                req.pending_extension_days = Some(3);
            }
            let got = run(&req, &who, &cmd, late());
            match legal.iter().find(|(from, _)| *from == status) {
                Some((_, to)) => {
                    let t = got.unwrap_or_else(|e| panic!("{action} from {status:?}: {e}"));
                    assert_eq!(t.request.status, *to, "{action} from {status:?}");
                    assert!(!t.events.is_empty(), "{action} from {status:?}");
                }
                None if action == "supervise" => {
                    assert_eq!(got, Err(NotOverdue), "{action} from {status:?}")
                }
                None => assert_eq!(
                    got,
                    Err(TransitionError::InvalidTransition {
                        from: status,
                        action
                    }),
                    "{action} from {status:?}"
                ),
            }
        }
    }
}

#[test]
fn wrong_actors_are_forbidden() {
    let pending = || {
        let mut r = request(Claimed);
        r.pending_extension_days = Some(3);
        r
    };
    let decide_ext = Command::DecideExtension {
        decision: ExtensionDecision::Approve,
    };
    let rate = Command::Rate {
        rating: Rating::Satisfied,
    };
    let cases: Vec<(Request, Command, Actor, &str)> = vec![
        (
            request(Submitted),
            dispatch_to_volunteer(),
            grid_worker(),
            "a handler does not dispatch",
        ),
        (
            request(Submitted),
            dispatch_to_volunteer(),
            street(),
            "the community queue is the community's",
        ),
        (
            request(Submitted),
            dispatch_to_volunteer(),
            other_community(),
            "another community",
        ),
        (
            request(Escalated),
            dispatch_to_volunteer(),
            community(),
            "the street queue is the street's",
        ),
        (
            request(Dispatched),
            Command::Claim,
            other_grid_worker(),
            "grid 2's worker on grid 1's request",
        ),
        (
            request(Dispatched),
            Command::Claim,
            community(),
            "staff are not the handler",
        ),
        (
            request(Claimed),
            Command::Return,
            butler(),
            "not the handler",
        ),
        (
            request(Claimed),
            Command::Progress,
            resident(),
            "not the handler",
        ),
        (
            request(Claimed),
            Command::Escalate,
            other_grid_worker(),
            "not the handler",
        ),
        (
            request(Escalated),
            Command::Escalate,
            community(),
            "the street escalates its own queue",
        ),
        (
            request(Claimed),
            Command::RequestExtension { days: 3 },
            community(),
            "not the handler",
        ),
        (
            pending(),
            decide_ext.clone(),
            grid_worker(),
            "a handler does not approve their own days",
        ),
        (
            pending(),
            decide_ext,
            street(),
            "the community decides extensions",
        ),
        (
            request(Claimed),
            Command::Resolve,
            butler(),
            "not the handler",
        ),
        (
            request(Submitted),
            Command::ResolveOnSpot,
            other_grid_worker(),
            "another grid",
        ),
        (
            request(Submitted),
            Command::ResolveOnSpot,
            other_butler(),
            "another building",
        ),
        (
            request(Submitted),
            Command::ResolveOnSpot,
            community(),
            "not on the spot",
        ),
        (
            request(Resolved),
            rate.clone(),
            other_resident(),
            "a different resident",
        ),
        (
            request(Resolved),
            rate.clone(),
            community(),
            "the resident rates online requests",
        ),
        (
            request(Submitted),
            rate,
            other_resident(),
            "forbidden comes before the status",
        ),
        (
            request(Resolved),
            Command::Reopen,
            other_resident(),
            "a different resident",
        ),
        (
            request(Resolved),
            Command::Close,
            street(),
            "the community closes",
        ),
        (
            request(Resolved),
            Command::Close,
            resident(),
            "residents rate, not close",
        ),
        (
            request(Claimed),
            Command::Supervise,
            community(),
            "supervision comes from above",
        ),
        (
            request(Claimed),
            Command::Supervise,
            other_street(),
            "another street",
        ),
        (
            request(Claimed),
            Command::Supervise,
            resident(),
            "supervision comes from above",
        ),
    ];
    for (req, cmd, who, why) in cases {
        assert_eq!(
            run(&req, &who, &cmd, late()),
            Err(Forbidden),
            "{} by {:?}: {why}",
            action_name(&cmd),
            who.user_id
        );
    }
}

#[test]
fn a_queued_request_has_no_handler() {
    let r = request(Submitted);
    assert_eq!(
        run(&r, &grid_worker(), &Command::Claim, late()),
        Err(Forbidden)
    );
}

#[test]
fn any_staff_of_the_assigned_company_handles_it() {
    let mut r = request(Dispatched);
    r.assignee = Some(Assignee::Company(COMPANY));
    let t = run(&r, &property(), &Command::Claim, midweek()).unwrap();
    assert_eq!(t.request.status, Claimed);
    assert_eq!(
        t.events[0].data,
        json!({ "assignee": { "kind": "company", "id": 1 } })
    );
    assert_eq!(
        run(&r, &other_property(), &Command::Claim, midweek()),
        Err(Forbidden)
    );
}

#[test]
fn dispatch_by_the_level_that_holds_the_queue() {
    let mut r = request(Escalated);
    r.responded_at = Some(submitted_at());
    let t = run(&r, &street(), &dispatch_to_volunteer(), midweek()).unwrap();
    assert_eq!(t.request.status, Dispatched);
    assert_eq!(t.request.assignee, Some(Assignee::User(VOLUNTEER)));
    assert_eq!(t.request.responded_at, None);
    assert_eq!(kinds(&t), [EventKind::Dispatched]);
    assert_eq!(
        t.events[0].data,
        json!({ "assignee": { "kind": "user", "id": 106 }, "level": "street" })
    );
    r.queue_level = QueueLevel::District;
    assert_eq!(
        run(&r, &street(), &dispatch_to_volunteer(), midweek()),
        Err(Forbidden)
    );
    assert!(run(&r, &district(), &dispatch_to_volunteer(), midweek()).is_ok());
    let queued = request(Submitted);
    assert!(run(&queued, &community(), &dispatch_to_volunteer(), midweek()).is_ok());
}

#[test]
fn claim_records_the_response() {
    let t = run(
        &request(Dispatched),
        &grid_worker(),
        &Command::Claim,
        midweek(),
    )
    .unwrap();
    assert_eq!(t.request.status, Claimed);
    assert_eq!(t.request.responded_at, Some(midweek()));
    assert_eq!(kinds(&t), [EventKind::Claimed]);
}

#[test]
fn return_goes_back_to_the_queue_it_came_from() {
    let mut r = request(InProgress);
    r.pending_extension_days = Some(5);
    let t = run(&r, &grid_worker(), &Command::Return, midweek()).unwrap();
    assert_eq!(t.request.status, Submitted);
    assert_eq!(t.request.assignee, None);
    assert_eq!(t.request.responded_at, None);
    assert_eq!(t.request.pending_extension_days, None);
    assert_eq!(
        t.events[0].data,
        json!({ "to": "community", "status": "submitted" })
    );

    r.queue_level = QueueLevel::Street;
    let t = run(&r, &grid_worker(), &Command::Return, midweek()).unwrap();
    assert_eq!(t.request.status, Escalated);
    assert_eq!(t.request.queue_level, QueueLevel::Street);
}

#[test]
fn progress_moves_to_in_progress_and_repeats() {
    let t = run(
        &request(Claimed),
        &grid_worker(),
        &Command::Progress,
        midweek(),
    )
    .unwrap();
    assert_eq!(t.request.status, InProgress);
    let again = run(&t.request, &grid_worker(), &Command::Progress, midweek()).unwrap();
    assert_eq!(again.request.status, InProgress);
    assert_eq!(kinds(&again), [EventKind::Progressed]);
}

#[test]
fn escalation_climbs_one_level_at_a_time() {
    let t = run(
        &request(Claimed),
        &grid_worker(),
        &Command::Escalate,
        midweek(),
    )
    .unwrap();
    assert_eq!(t.request.status, Escalated);
    assert_eq!(t.request.queue_level, QueueLevel::Street);
    assert_eq!((t.request.assignee, t.request.responded_at), (None, None));
    assert_eq!(
        t.events[0].data,
        json!({ "from": "community", "to": "street" })
    );

    let by_staff = run(
        &request(Submitted),
        &community(),
        &Command::Escalate,
        midweek(),
    )
    .unwrap();
    assert_eq!(by_staff.request.queue_level, QueueLevel::Street);

    let t = run(&t.request, &street(), &Command::Escalate, midweek()).unwrap();
    assert_eq!(t.request.queue_level, QueueLevel::District);
    assert_eq!(
        t.events[0].data,
        json!({ "from": "street", "to": "district" })
    );

    let mut top = request(Claimed);
    top.queue_level = QueueLevel::District;
    assert_eq!(
        run(&top, &grid_worker(), &Command::Escalate, midweek()),
        Err(TransitionError::InvalidTransition {
            from: Claimed,
            action: "escalate"
        })
    );
}

#[test]
fn extension_days_are_one_to_thirty() {
    let r = request(Claimed);
    let ask = |days| {
        run(
            &r,
            &grid_worker(),
            &Command::RequestExtension { days },
            midweek(),
        )
    };
    for days in [0, 31, -1] {
        assert_eq!(
            ask(days),
            Err(TransitionError::InvalidExtensionDays { min: 1, max: 30 }),
            "{days}"
        );
    }
    for days in [1, 30] {
        let t = ask(days).unwrap();
        assert_eq!(t.request.pending_extension_days, Some(days));
        assert_eq!(t.request.resolution_due, r.resolution_due);
        assert_eq!(t.events[0].data, json!({ "days": days }));
    }
}

#[test]
fn one_extension_at_a_time() {
    let mut r = request(InProgress);
    r.pending_extension_days = Some(2);
    assert_eq!(
        run(
            &r,
            &grid_worker(),
            &Command::RequestExtension { days: 3 },
            midweek()
        ),
        Err(TransitionError::ExtensionAlreadyPending)
    );
    let decide_on = |r: &Request, decision| {
        run(
            r,
            &community(),
            &Command::DecideExtension { decision },
            midweek(),
        )
    };
    assert_eq!(
        decide_on(&request(InProgress), ExtensionDecision::Reject),
        Err(TransitionError::NoPendingExtension)
    );
}

#[test]
fn approval_moves_the_deadline_by_local_days() {
    let mut r = request(Claimed);
    r.pending_extension_days = Some(3);
    r.extension_days = 2;
    let approve = Command::DecideExtension {
        decision: ExtensionDecision::Approve,
    };
    let t = run(&r, &community(), &approve, midweek()).unwrap();
    assert_eq!(t.request.resolution_due, at("2026-11-13T00:00:00+08:00"));
    assert_eq!(t.request.extension_days, 5);
    assert_eq!(t.request.pending_extension_days, None);
    assert_eq!(t.request.status, Claimed);
    assert_eq!(
        t.events[0].data,
        json!({ "decision": "approve", "days": 3, "resolution_due": "2026-11-12T16:00:00Z" })
    );
}

#[test]
fn rejection_keeps_the_deadline() {
    let mut r = request(InProgress);
    r.pending_extension_days = Some(3);
    let reject = Command::DecideExtension {
        decision: ExtensionDecision::Reject,
    };
    let t = run(&r, &community(), &reject, midweek()).unwrap();
    assert_eq!(t.request.resolution_due, r.resolution_due);
    assert_eq!(t.request.extension_days, 0);
    assert_eq!(t.request.pending_extension_days, None);
    assert_eq!(t.events[0].data["decision"], "reject");
}

#[test]
fn an_approved_extension_lifts_the_overdue_flag_only_if_it_is_met() {
    let approve = Command::DecideExtension {
        decision: ExtensionDecision::Approve,
    };
    let mut r = request(Claimed);
    r.overdue_at = Some(at("2026-11-10T00:05:00+08:00"));
    r.pending_extension_days = Some(3);
    let now = at("2026-11-10T12:00:00+08:00");
    let t = run(&r, &community(), &approve, now).unwrap();
    assert_eq!(t.request.overdue_at, None);

    r.pending_extension_days = Some(1);
    let now = at("2026-11-12T12:00:00+08:00");
    let t = run(&r, &community(), &approve, now).unwrap();
    assert_eq!(t.request.overdue_at, r.overdue_at);
}

#[test]
fn resolve_records_who_and_when() {
    let mut r = request(InProgress);
    r.pending_extension_days = Some(4);
    let t = run(&r, &grid_worker(), &Command::Resolve, midweek()).unwrap();
    assert_eq!(t.request.status, Resolved);
    assert_eq!(t.request.resolved_at, Some(midweek()));
    assert_eq!(t.request.resolved_by, Some(GRID_WORKER));
    assert_eq!(t.request.assignee, Some(Assignee::User(GRID_WORKER)));
    assert_eq!(t.request.pending_extension_days, None);
    assert_eq!(t.events[0].data, json!({ "on_spot": false }));
}

#[test]
fn resolve_on_spot_by_the_butler_or_the_grid_worker() {
    let t = run(
        &request(Submitted),
        &butler(),
        &Command::ResolveOnSpot,
        midweek(),
    )
    .unwrap();
    assert_eq!(t.request.status, Resolved);
    assert_eq!(t.request.assignee, Some(Assignee::User(BUTLER)));
    assert_eq!(t.request.responded_at, Some(midweek()));
    assert_eq!(t.request.resolved_at, Some(midweek()));
    assert_eq!(t.request.resolved_by, Some(BUTLER));
    assert_eq!(kinds(&t), [EventKind::Resolved]);
    assert_eq!(
        t.events[0].data,
        json!({ "on_spot": true, "assignee": { "kind": "user", "id": 102 } })
    );

    let mut given = request(Dispatched);
    given.assignee = Some(Assignee::Company(COMPANY));
    let t = run(&given, &grid_worker(), &Command::ResolveOnSpot, midweek()).unwrap();
    assert_eq!(t.request.assignee, Some(Assignee::User(GRID_WORKER)));
}

#[test]
fn a_satisfied_rating_closes() {
    for rating in [Rating::Satisfied, Rating::BasicallySatisfied] {
        let t = run(
            &request(Resolved),
            &resident(),
            &Command::Rate { rating },
            midweek(),
        )
        .unwrap();
        assert_eq!(t.request.status, Closed);
        assert_eq!(t.request.closed_at, Some(midweek()));
        assert_eq!(t.request.rating, Some(rating));
        assert_eq!(kinds(&t), [EventKind::Rated, EventKind::Closed]);
        assert_eq!(t.events[0].data, json!({ "rating": rating.as_str() }));
        assert_eq!(t.events[1].data, json!({ "reason": "rated" }));
    }
}

#[test]
fn a_dissatisfied_rating_reopens_to_the_same_handler_with_fresh_deadlines() {
    let r = request(Resolved);
    let rate = Command::Rate {
        rating: Rating::Dissatisfied,
    };
    let t = run(&r, &resident(), &rate, midweek()).unwrap();
    let n = &t.request;
    assert_eq!(n.status, Dispatched);
    assert_eq!(n.assignee, Some(Assignee::User(GRID_WORKER)));
    assert_eq!(n.rating, Some(Rating::Dissatisfied));
    assert_eq!(n.reopen_count, 1);
    assert_eq!(
        (n.resolved_at, n.resolved_by, n.responded_at),
        (None, None, None)
    );
    // 15:00 on 5 November: 24 hours to claim, 7 days to the end of the 12th.
    assert_eq!(n.first_response_due, at("2026-11-06T15:00:00+08:00"));
    assert_eq!(n.resolution_due, at("2026-11-13T00:00:00+08:00"));
    assert_eq!(kinds(&t), [EventKind::Rated, EventKind::Reopened]);
    assert_eq!(
        t.events[1].data,
        json!({
            "reopen_count": 1,
            "status": "dispatched",
            "assignee": { "kind": "user", "id": 104 },
            "resolution_due": "2026-11-12T16:00:00Z",
        })
    );
    assert!(!is_overdue(
        n.status,
        n.resolution_due,
        n.first_response_due,
        n.responded_at,
        midweek()
    ));
}

#[test]
fn a_reopened_request_without_a_handler_goes_back_to_its_queue() {
    let mut r = request(Resolved);
    r.assignee = None;
    r.queue_level = QueueLevel::Street;
    let t = run(&r, &resident(), &Command::Reopen, midweek()).unwrap();
    assert_eq!(t.request.status, Escalated);
    assert_eq!(t.request.assignee, None);
}

#[test]
fn reopen_brings_back_a_closed_request() {
    let mut r = request(Closed);
    r.reopen_count = 2;
    r.overdue_at = Some(at("2026-11-03T11:00:00+08:00"));
    let t = run(&r, &resident(), &Command::Reopen, midweek()).unwrap();
    assert_eq!(t.request.status, Dispatched);
    assert_eq!(t.request.closed_at, None);
    assert_eq!(t.request.reopen_count, 3);
    assert_eq!(t.request.overdue_at, None);
    assert_eq!(kinds(&t), [EventKind::Reopened]);
}

#[test]
fn community_staff_rate_and_reopen_what_staff_typed_in() {
    let mut r = request(Resolved);
    r.channel = Channel::Hotline;
    r.submitted_by = DISTRICT_ADMIN;
    let rate = Command::Rate {
        rating: Rating::BasicallySatisfied,
    };
    assert!(run(&r, &community(), &rate, midweek()).is_ok());
    assert!(run(&r, &community(), &Command::Reopen, midweek()).is_ok());
    assert_eq!(
        run(&r, &other_community(), &rate, midweek()),
        Err(Forbidden)
    );
    assert_eq!(run(&r, &resident(), &rate, midweek()), Err(Forbidden));
}

#[test]
fn staff_close_a_resolved_request() {
    let t = run(&request(Resolved), &community(), &Command::Close, midweek()).unwrap();
    assert_eq!(t.request.status, Closed);
    assert_eq!(t.request.closed_at, Some(midweek()));
    assert_eq!(t.events[0].data, json!({ "reason": "staff" }));
}

#[test]
fn supervision_needs_an_open_overdue_request() {
    let on_time = request(Claimed);
    let supervise = |r: &Request, now| run(r, &street(), &Command::Supervise, now);
    assert_eq!(supervise(&on_time, midweek()), Err(NotOverdue));

    let mut flagged = on_time.clone();
    flagged.overdue_at = Some(midweek());
    let t = supervise(&flagged, midweek()).unwrap();
    assert_eq!(t.request.supervise_count, 1);
    assert_eq!(t.request.status, Claimed);
    assert_eq!(kinds(&t), [EventKind::Supervised]);

    let t = run(&on_time, &district(), &Command::Supervise, late()).unwrap();
    assert_eq!(t.events[0].data, json!({ "supervise_count": 1 }));
    // Never claimed, past the first-response deadline.
    assert!(supervise(&request(Submitted), midweek()).is_ok());
    let mut done = request(Resolved);
    done.overdue_at = Some(midweek());
    assert_eq!(supervise(&done, late()), Err(NotOverdue));
}

#[test]
fn the_sweep_flags_once() {
    let r = request(Submitted);
    assert_eq!(mark_overdue(&r, r.first_response_due), None);
    let now = r.first_response_due + TimeDelta::seconds(1);
    let t = mark_overdue(&r, now).unwrap();
    assert_eq!(t.request.overdue_at, Some(now));
    assert_eq!(kinds(&t), [EventKind::Overdue]);
    assert_eq!(
        t.events[0].data,
        json!({ "deadline": "first_response", "due": "2026-11-03T02:00:00Z" })
    );
    assert_eq!(mark_overdue(&t.request, late()), None);
}

#[test]
fn the_sweep_reads_the_resolution_deadline_once_claimed() {
    let r = request(Claimed);
    assert_eq!(mark_overdue(&r, midweek()), None);
    let t = mark_overdue(&r, r.resolution_due + TimeDelta::seconds(1)).unwrap();
    assert_eq!(t.events[0].data["deadline"], "resolution");
    assert_eq!(mark_overdue(&request(Resolved), late()), None);
    assert_eq!(mark_overdue(&request(Closed), late()), None);
}

#[test]
fn auto_close_after_the_quiet_period() {
    let r = request(Resolved);
    let resolved_at = r.resolved_at.unwrap();
    let quiet_until = resolved_at + TimeDelta::days(7);
    assert_eq!(auto_close(&r, quiet_until - TimeDelta::seconds(1), 7), None);
    let t = auto_close(&r, quiet_until, 7).unwrap();
    assert_eq!(t.request.status, Closed);
    assert_eq!(t.request.closed_at, Some(quiet_until));
    assert_eq!(t.events[0].data, json!({ "reason": "quiet_period" }));
    assert_eq!(
        auto_close(&request(Claimed), late() + TimeDelta::days(30), 7),
        None
    );
    assert_eq!(
        auto_close(&request(Closed), late() + TimeDelta::days(30), 7),
        None
    );
}

#[test]
fn auto_close_ignores_a_rating_from_an_earlier_round() {
    let mut r = request(Resolved);
    r.rating = Some(Rating::Dissatisfied);
    r.reopen_count = 1;
    assert!(auto_close(&r, late() + TimeDelta::days(30), 7).is_some());
}

#[test]
fn action_names_are_stable() {
    let names: Vec<_> = rightful().iter().map(|(c, _)| action_name(c)).collect();
    assert_eq!(
        names,
        [
            "dispatch",
            "claim",
            "return",
            "progress",
            "escalate",
            "request_extension",
            "decide_extension",
            "resolve",
            "resolve_on_spot",
            "rate",
            "reopen",
            "close",
            "supervise",
            "resolve_by_agreement",
        ]
    );
}

#[test]
fn a_user_with_several_roles_acts_through_any_of_them() {
    let mut both = grid_worker();
    both.roles.push(RoleGrant {
        kind: RoleKind::PropertyStaff,
        scope: RoleScope::Company(PropertyCompanyId(7)),
    });
    let mut r = request(Dispatched);
    r.assignee = Some(Assignee::Company(PropertyCompanyId(7)));
    assert!(run(&r, &both, &Command::Claim, midweek()).is_ok());
    r.assignee = Some(Assignee::User(UserId(999)));
    assert_eq!(run(&r, &both, &Command::Claim, midweek()), Err(Forbidden));
}
