use chrono::{DateTime, Utc};
use linli_domain::OrgNodeId;
use linli_domain::meeting::MeetingEventKind;

use crate::connection::DbConnection;
use crate::error::StoreError;

/// Publishes a meeting event for partner platforms, in the caller's transaction. `data` holds
/// ids, kinds, dates and counts only — never a person's name, phone or free text.
#[expect(
    clippy::needless_pass_by_value,
    reason = "the signature of the shared outbox::publish it stands in for"
)]
pub fn publish(
    conn: &mut DbConnection,
    community: OrgNodeId,
    kind: MeetingEventKind,
    data: serde_json::Value,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    // The outbox takes grid-work events once the shared `outbox::publish` lands; until then the
    // event is only traced (ids and counts, no personal data).
    let _ = conn;
    tracing::debug!(community = community.0, kind = kind.as_str(), %data, at = %now, "meeting event");
    Ok(())
}
