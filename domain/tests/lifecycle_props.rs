//! Random commands by random actors on random requests: the state machine's promises hold
//! whatever the order, and the rates stay rates.

use chrono::{DateTime, TimeDelta, Utc};
use chrono_tz::Tz;
use linli_domain::access::{Actor, RoleGrant, RoleKind, RoleScope};
use linli_domain::category::{Category, CategoryCode, HandlerKind};
use linli_domain::org::NodePath;
use linli_domain::request::{
    Assignee, Channel, Command, Context, ExtensionDecision, QueueLevel, Rating, Request,
    RequestStatus, Submission, Transition, TransitionError, auto_close, decide, mark_overdue,
    submit,
};
use linli_domain::stats::{RateInput, rates};
use linli_domain::{CategoryId, OrgNodeId, PropertyCompanyId, RequestId, UserId};
use proptest::prelude::*;

fn path(ids: &[i64]) -> NodePath {
    let (root, rest) = ids.split_first().unwrap();
    rest.iter().fold(NodePath::root(OrgNodeId(*root)), |p, id| {
        p.child(OrgNodeId(*id))
    })
}

/// Buildings 7 (grid 4) and 9 (grid 5) of community 3, street 2, district 1.
fn building(i: usize) -> NodePath {
    [path(&[1, 2, 3, 4, 6, 7]), path(&[1, 2, 3, 5, 8, 9])][i].clone()
}

fn on_node(user: i64, kind: RoleKind, ids: &[i64]) -> Actor {
    Actor {
        user_id: UserId(user),
        roles: vec![RoleGrant {
            kind,
            scope: RoleScope::Node(path(ids)),
        }],
    }
}

fn staff_of(user: i64, company: i64) -> Actor {
    Actor {
        user_id: UserId(user),
        roles: vec![RoleGrant {
            kind: RoleKind::PropertyStaff,
            scope: RoleScope::Company(PropertyCompanyId(company)),
        }],
    }
}

/// Everyone who might act: each role, inside and outside the buildings' subtrees.
fn actors() -> Vec<Actor> {
    vec![
        on_node(100, RoleKind::Resident, &[1, 2, 3, 4, 6, 7, 70]),
        on_node(101, RoleKind::Resident, &[1, 2, 3, 5, 8, 9, 90]),
        on_node(102, RoleKind::Butler, &[1, 2, 3, 4, 6, 7]),
        on_node(103, RoleKind::Butler, &[1, 2, 3, 5, 8, 9]),
        on_node(104, RoleKind::GridWorker, &[1, 2, 3, 4]),
        on_node(105, RoleKind::GridWorker, &[1, 2, 3, 5]),
        on_node(106, RoleKind::Volunteer, &[1, 2, 3]),
        on_node(107, RoleKind::CommunityStaff, &[1, 2, 3]),
        on_node(108, RoleKind::StreetStaff, &[1, 2]),
        on_node(109, RoleKind::DistrictAdmin, &[1]),
        staff_of(110, 1),
        staff_of(111, 2),
        on_node(112, RoleKind::CommunityStaff, &[1, 20, 30]),
    ]
}

fn base() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-02T10:00:00+08:00")
        .unwrap()
        .to_utc()
}

fn arb_tz() -> impl Strategy<Value = Tz> {
    prop_oneof![
        Just(chrono_tz::Asia::Shanghai),
        Just(chrono_tz::Europe::Berlin),
        Just(chrono_tz::America::Santiago),
    ]
}

fn arb_category() -> impl Strategy<Value = Category> {
    (1..=72i32, 1..=15i32).prop_map(|(hours, days)| Category {
        id: CategoryId(1),
        code: CategoryCode::parse("mediation").unwrap(),
        name: "矛盾调解".to_owned(),
        first_response_hours: hours,
        resolution_days: days,
        default_handler: HandlerKind::GridWorker,
        active: true,
    })
}

fn arb_assignee() -> impl Strategy<Value = Assignee> {
    prop_oneof![
        (100..=112i64).prop_map(|u| Assignee::User(UserId(u))),
        (1..=2i64).prop_map(|c| Assignee::Company(PropertyCompanyId(c))),
    ]
}

fn arb_rating() -> impl Strategy<Value = Rating> {
    prop_oneof![
        Just(Rating::Satisfied),
        Just(Rating::BasicallySatisfied),
        Just(Rating::Dissatisfied),
    ]
}

fn arb_command() -> impl Strategy<Value = Command> {
    prop_oneof![
        1 => arb_assignee().prop_map(|assignee| Command::Dispatch { assignee }),
        1 => Just(Command::Claim),
        1 => Just(Command::Return),
        1 => Just(Command::Progress),
        1 => Just(Command::Escalate),
        3 => (-2..=35i32).prop_map(|days| Command::RequestExtension { days }),
        3 => prop_oneof![Just(ExtensionDecision::Approve), Just(ExtensionDecision::Reject)]
            .prop_map(|decision| Command::DecideExtension { decision }),
        1 => Just(Command::Resolve),
        1 => Just(Command::ResolveOnSpot),
        1 => arb_rating().prop_map(|rating| Command::Rate { rating }),
        1 => Just(Command::Reopen),
        1 => Just(Command::Close),
        1 => Just(Command::Supervise),
    ]
}

/// Who gives a command: anyone, or (so that walks get past the first steps) the first actor,
/// from a random place in the list on, whom the rules don't forbid to.
#[derive(Debug, Clone, Copy)]
enum Who {
    /// An index into [`actors`].
    Anyone(usize),
    /// The first permitted actor from this index on.
    Permitted(usize),
}

impl Who {
    fn pick(self, req: &Request, cmd: &Command, ctx: &Context<'_>, actors: &[Actor]) -> Actor {
        match self {
            Who::Anyone(i) => actors[i].clone(),
            Who::Permitted(from) => (0..actors.len())
                .map(|k| &actors[(from + k) % actors.len()])
                .find(|a| decide(req, a, cmd, ctx) != Err(TransitionError::Forbidden))
                .unwrap_or(&actors[from])
                .clone(),
        }
    }
}

fn arb_who() -> impl Strategy<Value = Who> {
    let n = actors().len();
    prop_oneof![
        1 => (0..n).prop_map(Who::Anyone),
        3 => (0..n).prop_map(Who::Permitted),
    ]
}

/// One thing that happens to a request.
#[derive(Debug, Clone)]
enum Step {
    /// Someone gives a command.
    Act(Who, Command),
    /// The overdue sweep runs.
    Sweep,
    /// The quiet-period closer runs.
    AutoClose(i64),
    /// Time passes, in minutes.
    Wait(i64),
}

fn arb_step() -> impl Strategy<Value = Step> {
    prop_oneof![
        6 => (arb_who(), arb_command()).prop_map(|(a, c)| Step::Act(a, c)),
        1 => Just(Step::Sweep),
        1 => (0..=10i64).prop_map(Step::AutoClose),
        2 => (0..=6 * 24 * 60i64).prop_map(Step::Wait),
    ]
}

fn arb_time() -> impl Strategy<Value = DateTime<Utc>> {
    (-20 * 24 * 60..=40 * 24 * 60i64).prop_map(|m| base() + TimeDelta::minutes(m))
}

/// Any request storage could hold, consistent or not: statuses, deadlines and timestamps in any
/// combination. Only a pending extension is kept to what `request_extension` lets in.
fn arb_request() -> impl Strategy<Value = Request> {
    (
        (
            proptest::sample::select(RequestStatus::ALL.to_vec()),
            0..2usize,
            proptest::option::of(1..=2i64),
            proptest::sample::select(Channel::ALL.to_vec()),
            proptest::sample::select(vec![100i64, 101, 107, 109]),
            prop_oneof![
                Just(QueueLevel::Community),
                Just(QueueLevel::Street),
                Just(QueueLevel::District)
            ],
            proptest::option::of(arb_assignee()),
        ),
        (
            arb_time(),
            arb_time(),
            proptest::option::of(arb_time()),
            proptest::option::of(arb_time()),
            proptest::option::of(arb_time()),
            proptest::option::of(arb_rating()),
        ),
        (
            0..5i32,
            proptest::option::of(1..=30i32),
            0..60i32,
            proptest::option::of(arb_time()),
            0..5i32,
        ),
    )
        .prop_map(
            |(
                (status, b, company, channel, by, queue_level, assignee),
                (first_due, resolution_due, responded_at, resolved_at, closed_at, rating),
                (reopen_count, pending, extension_days, overdue_at, supervise_count),
            )| Request {
                id: RequestId(1),
                status,
                category_id: CategoryId(1),
                building_path: building(b),
                managing_company: company.map(PropertyCompanyId),
                channel,
                submitted_by: UserId(by),
                submitted_at: base(),
                queue_level,
                assignee,
                first_response_due: first_due,
                resolution_due,
                responded_at,
                resolved_at,
                resolved_by: resolved_at.map(|_| UserId(104)),
                closed_at,
                rating,
                reopen_count,
                pending_extension_days: pending,
                extension_days,
                overdue_at,
                supervise_count,
            },
        )
}

/// A request as `submit` makes it: by the resident online, or by staff at the desk.
fn arb_submitted(category: Category, tz: Tz) -> impl Strategy<Value = Request> {
    (0..2usize, any::<bool>()).prop_map(move |(b, by_staff)| {
        let (who, channel) = if by_staff {
            (actors()[7].clone(), Channel::FrontDesk)
        } else {
            (actors()[0].clone(), Channel::MiniProgram)
        };
        let s = Submission {
            category: &category,
            building_path: building(b),
            channel,
            managing_company: Some(PropertyCompanyId(1)),
        };
        let (new, _) = submit(&who, s, base(), tz).unwrap();
        new.with_id(RequestId(1))
    })
}

/// What must hold of any step, whatever the request was.
fn check_step(before: &Request, cmd: Option<&Command>, after: &Transition) {
    let r = &after.request;
    assert!(!after.events.is_empty(), "a change without an event");
    assert_eq!(
        (
            r.id,
            r.category_id,
            &r.building_path,
            r.channel,
            r.submitted_by,
            r.submitted_at
        ),
        (
            before.id,
            before.category_id,
            &before.building_path,
            before.channel,
            before.submitted_by,
            before.submitted_at
        ),
        "who, what and where never change"
    );
    assert!(r.reopen_count >= before.reopen_count);
    assert!(r.supervise_count >= before.supervise_count);
    assert!(r.extension_days >= before.extension_days);
    let renewed = matches!(
        cmd,
        Some(Command::Reopen)
            | Some(Command::Rate {
                rating: Rating::Dissatisfied
            })
    );
    if !renewed {
        assert!(
            r.resolution_due >= before.resolution_due,
            "{cmd:?} moved the deadline from {} to {}",
            before.resolution_due,
            r.resolution_due
        );
    }
    match cmd {
        Some(Command::RequestExtension { days }) => {
            assert_eq!(r.pending_extension_days, Some(*days));
        }
        Some(Command::DecideExtension { .. }) => assert_eq!(r.pending_extension_days, None),
        _ => {}
    }
    if matches!(
        cmd,
        Some(
            Command::RequestExtension { .. } | Command::DecideExtension { .. } | Command::Supervise
        )
    ) {
        assert_eq!(r.status, before.status, "{cmd:?} changed the status");
    }
    if before.status == RequestStatus::Closed {
        assert!(
            matches!(cmd, Some(Command::Reopen)) || r.status == RequestStatus::Closed,
            "{cmd:?} left closed"
        );
    }
}

/// What must hold of every request the rules themselves produced.
fn check_consistent(r: &Request) {
    use RequestStatus::*;
    match r.status {
        Submitted => assert_eq!((r.assignee, r.queue_level), (None, QueueLevel::Community)),
        Escalated => {
            assert_eq!(r.assignee, None);
            assert_ne!(r.queue_level, QueueLevel::Community);
        }
        Dispatched => assert!(r.assignee.is_some() && r.responded_at.is_none()),
        Claimed | InProgress => assert!(r.assignee.is_some() && r.responded_at.is_some()),
        Resolved => assert!(r.resolved_at.is_some() && r.resolved_by.is_some()),
        Closed => assert!(r.closed_at.is_some()),
    }
    if r.status.is_open() {
        assert_eq!((r.resolved_at, r.closed_at), (None, None), "{r:?}");
    }
    if r.pending_extension_days.is_some() {
        assert!(matches!(r.status, Claimed | InProgress), "{r:?}");
    }
    if r.status == Resolved {
        assert_eq!(r.closed_at, None);
    }
}

/// Runs `steps` from `start`, checking each; `consistent` adds the invariants of reachable states.
fn walk(start: Request, steps: &[Step], category: &Category, tz: Tz, consistent: bool) {
    let actors = actors();
    let mut req = start;
    let mut now = base();
    for step in steps {
        let (cmd, result) = match step {
            Step::Wait(m) => {
                now += TimeDelta::minutes(*m);
                continue;
            }
            Step::Act(who, cmd) => {
                let ctx = Context { now, tz, category };
                let actor = who.pick(&req, cmd, &ctx, &actors);
                (Some(cmd), decide(&req, &actor, cmd, &ctx).ok())
            }
            Step::Sweep => (None, mark_overdue(&req, now)),
            Step::AutoClose(days) => {
                let t = auto_close(&req, now, *days);
                if let Some(t) = &t {
                    assert_eq!(
                        (req.status, t.request.status),
                        (RequestStatus::Resolved, RequestStatus::Closed)
                    );
                }
                (None, t)
            }
        };
        if req.status == RequestStatus::Closed && !matches!(cmd, Some(Command::Reopen)) {
            assert!(
                result.is_none(),
                "closed is terminal, but {step:?} succeeded"
            );
        }
        if let Some(t) = result {
            check_step(&req, cmd, &t);
            if matches!(step, Step::Sweep) {
                assert_eq!(
                    t.request.status, req.status,
                    "the sweep never moves a request"
                );
            }
            req = t.request;
            if consistent {
                check_consistent(&req);
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn any_request_any_commands(
        start in arb_request(),
        steps in proptest::collection::vec(arb_step(), 1..40),
        category in arb_category(),
        tz in arb_tz(),
    ) {
        walk(start, &steps, &category, tz, false);
    }

    #[test]
    fn submitted_requests_stay_consistent(
        (category, tz, start) in (arb_category(), arb_tz())
            .prop_flat_map(|(c, tz)| (Just(c.clone()), Just(tz), arb_submitted(c, tz))),
        steps in proptest::collection::vec(arb_step(), 1..60),
    ) {
        check_consistent(&start);
        walk(start, &steps, &category, tz, true);
    }

    #[test]
    fn rates_are_rates(
        items in proptest::collection::vec(arb_request(), 0..40),
        more in proptest::collection::vec(arb_request(), 0..40),
        now in arb_time(),
    ) {
        let inputs: Vec<RateInput> = items.iter().map(RateInput::from).collect();
        let r = rates(&inputs, now);
        prop_assert_eq!(r.taken, inputs.len() as i64);
        prop_assert!(r.completed <= r.taken);
        prop_assert!(r.on_time <= r.completed);
        prop_assert!(r.satisfied <= r.rated);
        prop_assert!(r.rated <= r.taken);
        prop_assert!(r.overdue + r.completed <= r.taken);
        for rate in [r.completion_rate, r.on_time_rate, r.satisfaction_rate].into_iter().flatten() {
            prop_assert!((0.0..=1.0).contains(&rate), "{}", rate);
        }
        prop_assert_eq!(r.completion_rate.is_none(), r.taken == 0);
        prop_assert_eq!(r.on_time_rate.is_none(), r.completed == 0);
        prop_assert_eq!(r.satisfaction_rate.is_none(), r.rated == 0);

        // Counts add up over a union of two sets.
        let others: Vec<RateInput> = more.iter().map(RateInput::from).collect();
        let both: Vec<RateInput> = inputs.iter().chain(&others).copied().collect();
        let (a, b, ab) = (r, rates(&others, now), rates(&both, now));
        prop_assert_eq!(ab.taken, a.taken + b.taken);
        prop_assert_eq!(ab.completed, a.completed + b.completed);
        prop_assert_eq!(ab.on_time, a.on_time + b.on_time);
        prop_assert_eq!(ab.rated, a.rated + b.rated);
        prop_assert_eq!(ab.satisfied, a.satisfied + b.satisfied);
        prop_assert_eq!(ab.overdue, a.overdue + b.overdue);
    }
}
