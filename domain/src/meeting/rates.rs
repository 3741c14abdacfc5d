//! The meeting figures the district reports beside the request rates: meetings by kind and
//! status, agreements signed, action items done on time or overdue, requests resolved.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde::Serialize;

use crate::meeting::{ActionItem, ActionItemStatus, MeetingKind, MeetingStatus};

/// What the figures read of one meeting.
#[derive(Debug, Clone)]
pub struct MeetingInput {
    /// Its kind.
    pub kind: MeetingKind,
    /// Its status.
    pub status: MeetingStatus,
    /// Agreements signed at it.
    pub agreements: i64,
    /// Its action items.
    pub items: Vec<ActionItem>,
    /// Linked requests its agreements resolved.
    pub requests_resolved: i64,
}

/// The figures for a set of meetings.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct MeetingRates {
    /// Meetings.
    pub meetings: i64,
    /// 议事协商会.
    pub deliberation: i64,
    /// 联席会议.
    pub joint: i64,
    /// Scheduled, not yet held.
    pub scheduled: i64,
    /// Held, still followed.
    pub held: i64,
    /// Closed.
    pub closed: i64,
    /// Cancelled.
    pub cancelled: i64,
    /// Agreements signed.
    pub agreements: i64,
    /// Action items in all.
    pub action_items: i64,
    /// Done.
    pub done: i64,
    /// Done by their due day.
    pub done_on_time: i64,
    /// Dropped.
    pub dropped: i64,
    /// Open now.
    pub open: i64,
    /// Open past their due day now.
    pub overdue: i64,
    /// Requests resolved by meetings' agreements.
    pub requests_resolved: i64,
}

/// The figures of `meetings` as of `now`.
pub fn meeting_rates<'a>(
    meetings: impl IntoIterator<Item = &'a MeetingInput>,
    now: DateTime<Utc>,
    tz: Tz,
) -> MeetingRates {
    let mut r = MeetingRates::default();
    for m in meetings {
        r.meetings += 1;
        match m.kind {
            MeetingKind::Deliberation => r.deliberation += 1,
            MeetingKind::Joint => r.joint += 1,
        }
        match m.status {
            MeetingStatus::Scheduled => r.scheduled += 1,
            MeetingStatus::Held => r.held += 1,
            MeetingStatus::Closed => r.closed += 1,
            MeetingStatus::Cancelled => r.cancelled += 1,
        }
        r.agreements += m.agreements;
        r.requests_resolved += m.requests_resolved;
        for i in &m.items {
            r.action_items += 1;
            match i.status {
                ActionItemStatus::Done => r.done += 1,
                ActionItemStatus::Dropped => r.dropped += 1,
                ActionItemStatus::Open => r.open += 1,
            }
            if i.done_on_time(tz) {
                r.done_on_time += 1;
            }
            if i.is_overdue(now, tz) {
                r.overdue += 1;
            }
        }
    }
    r
}

#[cfg(test)]
mod tests {
    use chrono::{NaiveDate, TimeZone};

    use super::*;
    use crate::UserId;

    #[test]
    fn counts_meetings_items_and_requests() {
        let tz = chrono_tz::Asia::Shanghai;
        let due = NaiveDate::from_ymd_opt(2026, 12, 7).unwrap();
        let now = Utc.with_ymd_and_hms(2026, 12, 10, 2, 0, 0).unwrap();
        let on_time = Utc.with_ymd_and_hms(2026, 12, 6, 2, 0, 0).unwrap();
        let item = |status, at| ActionItem {
            status,
            due_on: due,
            finished_at: at,
            finished_by: at.map(|_| UserId(1)),
        };
        let meetings = [
            MeetingInput {
                kind: MeetingKind::Joint,
                status: MeetingStatus::Held,
                agreements: 1,
                items: vec![
                    item(ActionItemStatus::Done, Some(on_time)),
                    item(ActionItemStatus::Done, Some(now)),
                    item(ActionItemStatus::Open, None),
                ],
                requests_resolved: 0,
            },
            MeetingInput {
                kind: MeetingKind::Deliberation,
                status: MeetingStatus::Closed,
                agreements: 0,
                items: vec![item(ActionItemStatus::Dropped, Some(on_time))],
                requests_resolved: 2,
            },
        ];
        let r = meeting_rates(&meetings, now, tz);
        assert_eq!((r.meetings, r.joint, r.deliberation), (2, 1, 1));
        assert_eq!((r.held, r.closed), (1, 1));
        assert_eq!(r.agreements, 1);
        assert_eq!((r.action_items, r.done, r.done_on_time), (4, 2, 1));
        assert_eq!((r.dropped, r.open, r.overdue), (1, 1, 1));
        assert_eq!(r.requests_resolved, 2);
    }
}
