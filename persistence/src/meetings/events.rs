use chrono::{DateTime, Utc};
use linli_domain::OrgNodeId;
use linli_domain::grid_event::GridEventKind;
use linli_domain::meeting::MeetingEventKind;

use crate::connection::DbConnection;
use crate::error::StoreError;

/// The outbox's name for a meeting event.
fn grid_kind(kind: MeetingEventKind) -> GridEventKind {
    match kind {
        MeetingEventKind::Scheduled => GridEventKind::MeetingScheduled,
        MeetingEventKind::Held => GridEventKind::MeetingHeld,
        MeetingEventKind::Cancelled => GridEventKind::MeetingCancelled,
        MeetingEventKind::AgreementSigned => GridEventKind::AgreementSigned,
        MeetingEventKind::ActionItemCompleted => GridEventKind::ActionItemCompleted,
    }
}

/// Publishes a meeting event for partner platforms through the outbox, in the caller's
/// transaction. `data` holds ids, kinds, dates and counts only — never a person's name, phone or
/// free text.
pub fn publish(
    conn: &mut DbConnection,
    community: OrgNodeId,
    kind: MeetingEventKind,
    data: serde_json::Value,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    crate::outbox::publish(conn, community.0, grid_kind(kind), data, now)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn meeting_events_keep_their_names_in_the_outbox() {
        for k in [
            MeetingEventKind::Scheduled,
            MeetingEventKind::Held,
            MeetingEventKind::Cancelled,
            MeetingEventKind::AgreementSigned,
            MeetingEventKind::ActionItemCompleted,
        ] {
            assert_eq!(grid_kind(k).as_str(), k.as_str());
        }
    }
}
