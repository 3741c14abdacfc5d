//! From an outbox event to webhook messages: one for each switched-on endpoint of an active
//! partner whose scope holds the request and whose filter takes the event type.

use chrono::{DateTime, Utc};
use linli_domain::category::Category;
use linli_domain::request::EventKind;
use linli_domain::webhook::EventFilter;
use linli_persistence::outbox::OutboxItem;
use linli_persistence::webhooks::endpoints::Subscriber;
use linli_persistence::webhooks::messages::{self, NewMessage};
use linli_persistence::{DbConnection, StoreError, requests};

use super::payload::{body, message_id, request_of};

/// Queues the messages one event makes; returns how many. Runs in the dispatcher's
/// transaction, with the outbox row taken.
pub fn on_event(
    conn: &mut DbConnection,
    item: &OutboxItem,
    subscribers: &[Subscriber],
    categories: &[Category],
    now: DateTime<Utc>,
) -> Result<usize, StoreError> {
    let Some(kind) = item.payload["type"].as_str().and_then(EventKind::parse) else {
        return Ok(0);
    };
    let wanted: Vec<&Subscriber> = subscribers
        .iter()
        .filter(|s| takes(&s.event_types, kind))
        .collect();
    if wanted.is_empty() {
        return Ok(0);
    }
    let Some(request) = request_of(item) else {
        return Ok(0);
    };
    let rec = requests::get(conn, request)?;
    let inside: Vec<&&Subscriber> = wanted
        .iter()
        .filter(|s| s.scope_path.contains(&rec.request.building_path))
        .collect();
    if inside.is_empty() {
        return Ok(0);
    }
    let Some(body) = body(conn, item, &rec, categories, now)? else {
        return Ok(0);
    };
    let mut queued = 0;
    for s in inside {
        queued += usize::from(queue(conn, s.endpoint_id, item, kind, &body, now)?);
    }
    Ok(queued)
}

/// Queues the message an outbox row makes for one endpoint; false when it has it already.
pub fn queue(
    conn: &mut DbConnection,
    endpoint_id: i64,
    item: &OutboxItem,
    kind: EventKind,
    body: &str,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let Some(request) = request_of(item) else {
        return Ok(false);
    };
    let new = NewMessage {
        endpoint_id,
        msg_id: &message_id(item),
        outbox_id: item.id,
        request_id: request.0,
        event_type: kind.as_str(),
        body,
    };
    messages::enqueue(conn, &new, now)
}

/// True when an endpoint that stored these event types takes `kind` (see
/// [`EventFilter::stored`]).
pub fn takes(names: &[String], kind: EventKind) -> bool {
    EventFilter::stored(names.iter().map(String::as_str)).accepts(kind)
}
