//! Who is told what, and when: the rules behind the WeChat subscribe messages. A resident hears
//! that their request was taken, resolved (and waits for a rating) and reopened; a handler
//! hears that a request was dispatched to them and, a day before its deadline, that it is due.
//! Nobody is told about what they did themselves.

use chrono::{DateTime, Duration, Utc};

use crate::UserId;
use crate::request::{Assignee, EventKind, Request};

/// How long before a request's resolution deadline its handler is reminded.
pub const REMINDER_LEAD: Duration = Duration::hours(24);

/// How old news may be and still be sent: after the sender was stopped for a while (WeChat
/// off, an outage), the backlog is passed over rather than sent as news.
pub const NEWS_LIFETIME: Duration = Duration::days(1);

/// True when an event that happened at `happened` is too old to tell anyone about at `now`.
pub fn is_stale(happened: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    happened < now - NEWS_LIFETIME
}

/// What a message says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NoticeKind {
    /// To the resident: a handler took the request (接单).
    Taken,
    /// To the resident: resolved, please rate (办结, 请评价).
    Resolved,
    /// To the resident: the request was reopened.
    Reopened,
    /// To the handler: a request was dispatched to you.
    Assigned,
    /// To the handler: the request is due within a day.
    DueSoon,
}

impl NoticeKind {
    /// Every kind.
    pub const ALL: [NoticeKind; 5] = [
        NoticeKind::Taken,
        NoticeKind::Resolved,
        NoticeKind::Reopened,
        NoticeKind::Assigned,
        NoticeKind::DueSoon,
    ];

    /// The stored and wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            NoticeKind::Taken => "taken",
            NoticeKind::Resolved => "resolved",
            NoticeKind::Reopened => "reopened",
            NoticeKind::Assigned => "assigned",
            NoticeKind::DueSoon => "due_soon",
        }
    }

    /// Parses a stored name.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// One message to one person.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Notice {
    /// What it says.
    pub kind: NoticeKind,
    /// Who gets it.
    pub to: UserId,
}

/// The messages an event on a request (in its state after the event) calls for.
pub fn on_event(kind: EventKind, request: &Request, actor: Option<UserId>) -> Vec<Notice> {
    let resident = request.submitted_by;
    let mut out = Vec::new();
    match kind {
        EventKind::Claimed => out.push(Notice {
            kind: NoticeKind::Taken,
            to: resident,
        }),
        EventKind::Resolved => out.push(Notice {
            kind: NoticeKind::Resolved,
            to: resident,
        }),
        EventKind::Reopened => out.push(Notice {
            kind: NoticeKind::Reopened,
            to: resident,
        }),
        EventKind::Dispatched => {
            if let Some(Assignee::User(handler)) = request.assignee {
                out.push(Notice {
                    kind: NoticeKind::Assigned,
                    to: handler,
                });
            }
        }
        _ => {}
    }
    out.retain(|n| Some(n.to) != actor);
    out
}

/// The handler to remind now that `request` is due soon, if any: a person holds it, it is
/// still open, and its deadline is less than [`REMINDER_LEAD`] away but not yet past (past it,
/// the overdue sweep takes over).
pub fn reminder_due(request: &Request, now: DateTime<Utc>) -> Option<UserId> {
    let open = request.status.is_open();
    let window = request.resolution_due - REMINDER_LEAD <= now && now < request.resolution_due;
    match request.assignee {
        Some(Assignee::User(handler)) if open && window => Some(handler),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::request::RequestStatus;
    use crate::request::fixtures::*;

    fn with(status: RequestStatus, assignee: Option<Assignee>) -> Request {
        let mut r = request(status);
        r.assignee = assignee;
        r
    }

    #[test]
    fn residents_hear_of_taking_resolving_and_reopening() {
        let handler = UserId(77);
        let r = with(RequestStatus::Claimed, Some(Assignee::User(handler)));
        let resident = r.submitted_by;
        let to_resident = |kind| vec![Notice { kind, to: resident }];
        assert_eq!(
            on_event(EventKind::Claimed, &r, Some(handler)),
            to_resident(NoticeKind::Taken)
        );
        assert_eq!(
            on_event(EventKind::Resolved, &r, Some(handler)),
            to_resident(NoticeKind::Resolved)
        );
        assert_eq!(
            on_event(EventKind::Reopened, &r, Some(UserId(5))),
            to_resident(NoticeKind::Reopened)
        );
        // A resident who reopens by rating is not told what they did.
        assert!(on_event(EventKind::Reopened, &r, Some(resident)).is_empty());
        for quiet in [
            EventKind::Submitted,
            EventKind::Progressed,
            EventKind::Rated,
            EventKind::Closed,
            EventKind::Supervised,
        ] {
            assert!(on_event(quiet, &r, Some(handler)).is_empty(), "{quiet:?}");
        }
    }

    #[test]
    fn a_person_dispatched_to_hears_of_it_a_company_does_not() {
        let staff = UserId(9);
        let r = with(RequestStatus::Dispatched, Some(Assignee::User(UserId(77))));
        assert_eq!(
            on_event(EventKind::Dispatched, &r, Some(staff)),
            vec![Notice {
                kind: NoticeKind::Assigned,
                to: UserId(77)
            }]
        );
        // Dispatching to oneself tells nobody.
        assert!(on_event(EventKind::Dispatched, &r, Some(UserId(77))).is_empty());
        let r = with(
            RequestStatus::Dispatched,
            Some(Assignee::Company(crate::PropertyCompanyId(1))),
        );
        assert!(on_event(EventKind::Dispatched, &r, Some(staff)).is_empty());
    }

    #[test]
    fn reminders_fall_in_the_day_before_the_deadline() {
        let mut r = with(RequestStatus::InProgress, Some(Assignee::User(UserId(77))));
        let due = r.resolution_due;
        assert_eq!(reminder_due(&r, due - Duration::hours(25)), None);
        assert_eq!(
            reminder_due(&r, due - Duration::hours(24)),
            Some(UserId(77))
        );
        assert_eq!(
            reminder_due(&r, due - Duration::minutes(1)),
            Some(UserId(77))
        );
        assert_eq!(reminder_due(&r, due), None, "overdue is the sweep's");
        r.status = RequestStatus::Resolved;
        assert_eq!(reminder_due(&r, due - Duration::hours(1)), None);
        r.status = RequestStatus::Dispatched;
        r.assignee = Some(Assignee::Company(crate::PropertyCompanyId(1)));
        assert_eq!(reminder_due(&r, due - Duration::hours(1)), None);
    }

    #[test]
    fn news_keeps_for_a_day() {
        let now = request(RequestStatus::Submitted).resolution_due;
        assert!(!is_stale(now - Duration::hours(23), now));
        assert!(!is_stale(now - NEWS_LIFETIME, now));
        assert!(is_stale(now - NEWS_LIFETIME - Duration::seconds(1), now));
    }

    #[test]
    fn kinds_round_trip() {
        for k in NoticeKind::ALL {
            assert_eq!(NoticeKind::parse(k.as_str()), Some(k));
        }
    }
}
