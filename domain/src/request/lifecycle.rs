//! The request state machine: one function decides every command.
//!
//! Checks run in one order: who (is this actor allowed this action on this request as it stands,
//! whatever its status? else `Forbidden`), then the status (else `InvalidTransition`), then the
//! rest of the state (a pending extension, being overdue), then the command's arguments.

use std::ops::RangeInclusive;

use chrono::{DateTime, SecondsFormat, TimeDelta, Utc};
use chrono_tz::Tz;
use serde_json::{Value, json};

use crate::access::Actor;
use crate::category::Category;
use crate::request::authority;
use crate::request::{
    Assignee, Command, Event, EventKind, ExtensionDecision, QueueLevel, Request, RequestStatus,
};
use crate::stats::is_overdue;
use crate::time;

use RequestStatus::{Claimed, Closed, Dispatched, Escalated, InProgress, Resolved, Submitted};

/// The request after a command, and what happened to it, in order.
#[derive(Debug, Clone, PartialEq)]
pub struct Transition {
    /// The new state.
    pub request: Request,
    /// At least one event.
    pub events: Vec<Event>,
}

/// What a decision needs besides the request, the actor and the command.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    /// The time of the command.
    pub now: DateTime<Utc>,
    /// The community's time zone: deadlines are local calendar days.
    pub tz: Tz,
    /// The request's category, whose deadlines a reopened request gets anew.
    pub category: &'a Category,
}

/// Why a command was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    /// The actor may never do this to this request.
    #[error("not allowed to act on this request")]
    Forbidden,
    /// The actor may, but not while the request is in this status.
    #[error("cannot {action} a request that is {}", from.as_str())]
    InvalidTransition {
        /// The status it is in.
        from: RequestStatus,
        /// The action, as [`action_name`] gives it.
        action: &'static str,
    },
    /// The handler asked for more days while a request for days is still undecided.
    #[error("an extension is already waiting for a decision")]
    ExtensionAlreadyPending,
    /// A decision on an extension nobody asked for.
    #[error("no extension is waiting for a decision")]
    NoPendingExtension,
    /// An extension outside the days allowed.
    #[error("an extension is {min} to {max} days")]
    InvalidExtensionDays {
        /// Fewest days.
        min: i32,
        /// Most days.
        max: i32,
    },
    /// Supervision of a request that is finished or within its deadlines.
    #[error("the request is not overdue")]
    NotOverdue,
}

/// The days one extension may ask for.
pub const EXTENSION_DAYS: RangeInclusive<i32> = 1..=30;

/// The stable name of a command's action, as errors and the API spell it.
pub fn action_name(cmd: &Command) -> &'static str {
    match cmd {
        Command::Dispatch { .. } => "dispatch",
        Command::Claim => "claim",
        Command::Return => "return",
        Command::Progress => "progress",
        Command::Escalate => "escalate",
        Command::RequestExtension { .. } => "request_extension",
        Command::DecideExtension { .. } => "decide_extension",
        Command::Resolve => "resolve",
        Command::ResolveOnSpot => "resolve_on_spot",
        Command::Rate { .. } => "rate",
        Command::Reopen => "reopen",
        Command::Close => "close",
        Command::Supervise => "supervise",
        Command::ResolveByAgreement { .. } => "resolve_by_agreement",
    }
}

/// Decides `cmd` by `actor` on `req`: the new state and its events, or why not.
pub fn decide(
    req: &Request,
    actor: &Actor,
    cmd: &Command,
    ctx: &Context<'_>,
) -> Result<Transition, TransitionError> {
    if !authority::may(actor, req, cmd) {
        return Err(TransitionError::Forbidden);
    }
    let mut next = req.clone();
    let now = ctx.now;
    let events = match *cmd {
        Command::Dispatch { assignee } => {
            require(req, cmd, &[Submitted, Escalated])?;
            next.status = Dispatched;
            next.assignee = Some(assignee);
            next.responded_at = None;
            vec![event(
                EventKind::Dispatched,
                json!({ "assignee": assignee, "level": req.queue_level.as_str() }),
            )]
        }
        Command::Claim => {
            require(req, cmd, &[Dispatched])?;
            next.status = Claimed;
            next.responded_at = Some(now);
            vec![event(
                EventKind::Claimed,
                json!({ "assignee": req.assignee }),
            )]
        }
        Command::Return => {
            require(req, cmd, &[Dispatched, Claimed, InProgress])?;
            leave_handler(&mut next);
            next.status = queued(req.queue_level);
            vec![event(
                EventKind::Returned,
                json!({ "to": req.queue_level.as_str(), "status": next.status.as_str() }),
            )]
        }
        Command::Progress => {
            require(req, cmd, &[Claimed, InProgress])?;
            next.status = InProgress;
            vec![event(
                EventKind::Progressed,
                json!({ "status": InProgress.as_str() }),
            )]
        }
        Command::Escalate => {
            require(
                req,
                cmd,
                &[Submitted, Escalated, Dispatched, Claimed, InProgress],
            )?;
            let to = req.queue_level.above().ok_or_else(|| invalid(req, cmd))?;
            leave_handler(&mut next);
            next.status = Escalated;
            next.queue_level = to;
            vec![event(
                EventKind::Escalated,
                json!({ "from": req.queue_level.as_str(), "to": to.as_str() }),
            )]
        }
        Command::RequestExtension { days } => {
            require(req, cmd, &[Claimed, InProgress])?;
            if req.pending_extension_days.is_some() {
                return Err(TransitionError::ExtensionAlreadyPending);
            }
            if !EXTENSION_DAYS.contains(&days) {
                return Err(TransitionError::InvalidExtensionDays {
                    min: *EXTENSION_DAYS.start(),
                    max: *EXTENSION_DAYS.end(),
                });
            }
            next.pending_extension_days = Some(days);
            vec![event(
                EventKind::ExtensionRequested,
                json!({ "days": days }),
            )]
        }
        Command::DecideExtension { decision } => {
            require(req, cmd, &[Claimed, InProgress])?;
            let days = req
                .pending_extension_days
                .ok_or(TransitionError::NoPendingExtension)?;
            next.pending_extension_days = None;
            if decision == ExtensionDecision::Approve {
                next.resolution_due = time::extend(req.resolution_due, days, ctx.tz);
                next.extension_days = req.extension_days.saturating_add(days);
                forget_overdue_if_met(&mut next, now);
            }
            let decision = match decision {
                ExtensionDecision::Approve => "approve",
                ExtensionDecision::Reject => "reject",
            };
            vec![event(
                EventKind::ExtensionDecided,
                json!({
                    "decision": decision,
                    "days": days,
                    "resolution_due": stamp(next.resolution_due),
                }),
            )]
        }
        Command::Resolve => {
            require(req, cmd, &[Claimed, InProgress])?;
            resolve(&mut next, actor, now);
            vec![event(EventKind::Resolved, json!({ "on_spot": false }))]
        }
        Command::ResolveOnSpot => {
            require(req, cmd, &[Submitted, Dispatched])?;
            let me = Assignee::User(actor.user_id);
            next.assignee = Some(me);
            next.responded_at = req.responded_at.or(Some(now));
            resolve(&mut next, actor, now);
            vec![event(
                EventKind::Resolved,
                json!({ "on_spot": true, "assignee": me }),
            )]
        }
        Command::Rate { rating } => {
            require(req, cmd, &[Resolved])?;
            next.rating = Some(rating);
            let rated = event(EventKind::Rated, json!({ "rating": rating.as_str() }));
            if rating.is_satisfied() {
                next.status = Closed;
                next.closed_at = Some(now);
                vec![
                    rated,
                    event(EventKind::Closed, json!({ "reason": "rated" })),
                ]
            } else {
                vec![rated, reopen(&mut next, ctx)]
            }
        }
        Command::Reopen => {
            require(req, cmd, &[Resolved, Closed])?;
            vec![reopen(&mut next, ctx)]
        }
        Command::Close => {
            require(req, cmd, &[Resolved])?;
            next.status = Closed;
            next.closed_at = Some(now);
            vec![event(EventKind::Closed, json!({ "reason": "staff" }))]
        }
        Command::ResolveByAgreement { meeting_id } => {
            require(
                req,
                cmd,
                &[Submitted, Escalated, Dispatched, Claimed, InProgress],
            )?;
            // The handler (if any) stays on record; the meeting answered for it.
            next.responded_at = req.responded_at.or(Some(now));
            resolve(&mut next, actor, now);
            vec![event(
                EventKind::Resolved,
                json!({ "on_spot": false, "by_meeting": meeting_id }),
            )]
        }
        Command::Supervise => {
            let overdue = req.overdue_at.is_some() || request_overdue(req, now);
            if !(req.status.is_open() && overdue) {
                return Err(TransitionError::NotOverdue);
            }
            next.supervise_count = req.supervise_count.saturating_add(1);
            vec![event(
                EventKind::Supervised,
                json!({ "supervise_count": next.supervise_count }),
            )]
        }
    };
    Ok(Transition {
        request: next,
        events,
    })
}

/// The overdue sweep: flags an open request the first time it is found past a deadline
/// ([`is_overdue`]), with one `overdue` event. `None` when there is nothing to flag.
pub fn mark_overdue(req: &Request, now: DateTime<Utc>) -> Option<Transition> {
    if req.overdue_at.is_some() || !request_overdue(req, now) {
        return None;
    }
    let (deadline, due) = if now > req.resolution_due {
        ("resolution", req.resolution_due)
    } else {
        ("first_response", req.first_response_due)
    };
    let mut next = req.clone();
    next.overdue_at = Some(now);
    Some(Transition {
        request: next,
        events: vec![event(
            EventKind::Overdue,
            json!({ "deadline": deadline, "due": stamp(due) }),
        )],
    })
}

/// Closes a resolved request the resident left unrated for `quiet_days` after its resolution.
///
/// Being resolved is being unrated: a rating either closes the request or reopens it, so a
/// `rating` still present on a resolved request belongs to an earlier round and does not count.
pub fn auto_close(req: &Request, now: DateTime<Utc>, quiet_days: i64) -> Option<Transition> {
    if req.status != Resolved {
        return None;
    }
    let quiet_until = req
        .resolved_at?
        .checked_add_signed(TimeDelta::try_days(quiet_days)?)?;
    if now < quiet_until {
        return None;
    }
    let mut next = req.clone();
    next.status = Closed;
    next.closed_at = Some(now);
    Some(Transition {
        request: next,
        events: vec![event(
            EventKind::Closed,
            json!({ "reason": "quiet_period" }),
        )],
    })
}

fn require(req: &Request, cmd: &Command, allowed: &[RequestStatus]) -> Result<(), TransitionError> {
    if allowed.contains(&req.status) {
        Ok(())
    } else {
        Err(invalid(req, cmd))
    }
}

fn invalid(req: &Request, cmd: &Command) -> TransitionError {
    TransitionError::InvalidTransition {
        from: req.status,
        action: action_name(cmd),
    }
}

/// The status of a request waiting in the queue of `level`.
fn queued(level: QueueLevel) -> RequestStatus {
    match level {
        QueueLevel::Community => Submitted,
        QueueLevel::Street | QueueLevel::District => Escalated,
    }
}

/// The handler lets go (return, escalation): nobody has it, nobody has responded, and an
/// extension they asked for is moot.
fn leave_handler(next: &mut Request) {
    next.assignee = None;
    next.responded_at = None;
    next.pending_extension_days = None;
}

fn resolve(next: &mut Request, actor: &Actor, now: DateTime<Utc>) {
    next.status = Resolved;
    next.resolved_at = Some(now);
    next.resolved_by = Some(actor.user_id);
    next.pending_extension_days = None;
}

/// 重办: back to the same handler (or the queue when there is none) with both deadlines counted
/// anew from now. The first-response deadline is renewed too: the handler must claim it again,
/// and the old deadline, long past, would make every reopened request overdue at once.
fn reopen(next: &mut Request, ctx: &Context<'_>) -> Event {
    let (first_response_due, resolution_due) = time::deadlines(
        ctx.now,
        ctx.category.first_response_hours,
        ctx.category.resolution_days,
        ctx.tz,
    );
    next.status = if next.assignee.is_some() {
        Dispatched
    } else {
        queued(next.queue_level)
    };
    next.reopen_count = next.reopen_count.saturating_add(1);
    next.first_response_due = first_response_due;
    next.resolution_due = resolution_due;
    next.responded_at = None;
    next.resolved_at = None;
    next.resolved_by = None;
    next.closed_at = None;
    next.pending_extension_days = None;
    forget_overdue_if_met(next, ctx.now);
    event(
        EventKind::Reopened,
        json!({
            "reopen_count": next.reopen_count,
            "status": next.status.as_str(),
            "assignee": next.assignee,
            "resolution_due": stamp(resolution_due),
        }),
    )
}

/// After a deadline moves, the overdue flag stays only while the request is still overdue, so
/// the sweep flags it again if it misses the new deadline.
fn forget_overdue_if_met(next: &mut Request, now: DateTime<Utc>) {
    if !request_overdue(next, now) {
        next.overdue_at = None;
    }
}

fn request_overdue(req: &Request, now: DateTime<Utc>) -> bool {
    is_overdue(
        req.status,
        req.resolution_due,
        req.first_response_due,
        req.responded_at,
        now,
    )
}

fn event(kind: EventKind, data: Value) -> Event {
    Event { kind, data }
}

fn stamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod agreement_tests;
