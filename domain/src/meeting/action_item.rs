//! Action items: what a resolution asks someone to do by a date. Open → done (with a note, who,
//! when) or dropped (with a reason). Overdue is open past its due date, in local calendar days.

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use crate::UserId;

/// Where an action item stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActionItemStatus {
    /// Still to do.
    Open,
    /// Done.
    Done,
    /// Given up, with a reason.
    Dropped,
}

impl ActionItemStatus {
    /// The stable identifier.
    pub fn as_str(self) -> &'static str {
        match self {
            ActionItemStatus::Open => "open",
            ActionItemStatus::Done => "done",
            ActionItemStatus::Dropped => "dropped",
        }
    }

    /// Parses the stable identifier.
    pub fn parse(s: &str) -> Option<Self> {
        [
            ActionItemStatus::Open,
            ActionItemStatus::Done,
            ActionItemStatus::Dropped,
        ]
        .into_iter()
        .find(|x| x.as_str() == s)
    }
}

/// An action item as the rules see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionItem {
    /// Where it stands.
    pub status: ActionItemStatus,
    /// The last local day it is due on.
    pub due_on: NaiveDate,
    /// When it was finished.
    pub finished_at: Option<DateTime<Utc>>,
    /// Who finished it.
    pub finished_by: Option<UserId>,
}

/// How an open item is finished.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemOutcome {
    /// Done.
    Done,
    /// Dropped.
    Dropped,
}

/// Why an item cannot be finished.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ActionItemError {
    /// It is done or dropped already.
    #[error("the action item is already {}", status.as_str())]
    AlreadyFinished {
        /// Done or dropped.
        status: ActionItemStatus,
    },
}

impl ActionItem {
    /// Finishes an open item as `by` at `now`.
    pub fn finish(
        &self,
        outcome: ItemOutcome,
        by: UserId,
        now: DateTime<Utc>,
    ) -> Result<ActionItem, ActionItemError> {
        if self.status != ActionItemStatus::Open {
            return Err(ActionItemError::AlreadyFinished {
                status: self.status,
            });
        }
        Ok(ActionItem {
            status: match outcome {
                ItemOutcome::Done => ActionItemStatus::Done,
                ItemOutcome::Dropped => ActionItemStatus::Dropped,
            },
            finished_at: Some(now),
            finished_by: Some(by),
            ..self.clone()
        })
    }

    /// Open and its due day is over, in the community's calendar.
    pub fn is_overdue(&self, now: DateTime<Utc>, tz: Tz) -> bool {
        self.status == ActionItemStatus::Open && now.with_timezone(&tz).date_naive() > self.due_on
    }

    /// Done on or before its due day.
    pub fn done_on_time(&self, tz: Tz) -> bool {
        self.status == ActionItemStatus::Done
            && self
                .finished_at
                .is_some_and(|t| t.with_timezone(&tz).date_naive() <= self.due_on)
    }
}

/// A resolution's items are settled when none is open and at least one was done: then a
/// resolution that resolves its meeting's requests does so. (All dropped settles nothing: the
/// agreement was not carried out.)
pub fn settles(items: &[ActionItemStatus]) -> bool {
    !items.contains(&ActionItemStatus::Open) && items.contains(&ActionItemStatus::Done)
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    const TZ: Tz = chrono_tz::Asia::Shanghai;

    fn item(due: (i32, u32, u32)) -> ActionItem {
        ActionItem {
            status: ActionItemStatus::Open,
            due_on: NaiveDate::from_ymd_opt(due.0, due.1, due.2).unwrap(),
            finished_at: None,
            finished_by: None,
        }
    }

    #[test]
    fn overdue_starts_the_local_day_after_the_due_day() {
        let it = item((2026, 12, 7));
        // 2026-12-07 23:30 in Shanghai is 15:30 UTC: still the due day.
        let late_on_due_day = Utc.with_ymd_and_hms(2026, 12, 7, 15, 30, 0).unwrap();
        assert!(!it.is_overdue(late_on_due_day, TZ));
        // 2026-12-08 00:30 in Shanghai is 16:30 UTC on the 7th.
        let next_local_day = Utc.with_ymd_and_hms(2026, 12, 7, 16, 30, 0).unwrap();
        assert!(it.is_overdue(next_local_day, TZ));
        let done = it
            .finish(ItemOutcome::Done, UserId(1), next_local_day)
            .unwrap();
        assert!(!done.is_overdue(next_local_day, TZ));
        assert!(!done.done_on_time(TZ));
    }

    #[test]
    fn done_by_the_due_day_is_on_time() {
        let at = Utc.with_ymd_and_hms(2026, 12, 7, 15, 0, 0).unwrap();
        let done = item((2026, 12, 7))
            .finish(ItemOutcome::Done, UserId(1), at)
            .unwrap();
        assert!(done.done_on_time(TZ));
        assert_eq!(done.finished_by, Some(UserId(1)));
        let dropped = item((2026, 12, 7))
            .finish(ItemOutcome::Dropped, UserId(1), at)
            .unwrap();
        assert!(!dropped.done_on_time(TZ));
    }

    #[test]
    fn an_item_is_finished_once() {
        let at = Utc.with_ymd_and_hms(2026, 12, 1, 0, 0, 0).unwrap();
        let done = item((2026, 12, 7))
            .finish(ItemOutcome::Done, UserId(1), at)
            .unwrap();
        assert_eq!(
            done.finish(ItemOutcome::Dropped, UserId(2), at),
            Err(ActionItemError::AlreadyFinished {
                status: ActionItemStatus::Done
            })
        );
    }

    #[test]
    fn settled_means_nothing_open_and_something_done() {
        use ActionItemStatus::*;
        assert!(settles(&[Done, Done]));
        assert!(settles(&[Done, Dropped]));
        assert!(!settles(&[Done, Open]));
        assert!(!settles(&[Dropped]));
        assert!(!settles(&[]));
    }
}
