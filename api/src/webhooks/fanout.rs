//! From an outbox event to webhook messages: one for each switched-on endpoint of an active
//! partner whose scope holds the event's place and whose filter takes its type. A request's
//! step happens at its building; grid work (a hazard, a meeting) at the node it was published
//! for.

use chrono::{DateTime, Utc};
use linli_domain::category::Category;
use linli_domain::org::NodePath;
use linli_domain::webhook::{EventFilter, Topic};
use linli_domain::{OrgNodeId, RequestId};
use linli_persistence::outbox::OutboxItem;
use linli_persistence::webhooks::endpoints::Subscriber;
use linli_persistence::webhooks::messages::{self, NewMessage};
use linli_persistence::{DbConnection, StoreError, org, requests};

use super::payload::{body, grid_body, message_id, request_of};

/// Queues the messages one event makes; returns how many. Runs in the dispatcher's
/// transaction, with the outbox row taken.
pub fn on_event(
    conn: &mut DbConnection,
    item: &OutboxItem,
    subscribers: &[Subscriber],
    categories: &[Category],
    now: DateTime<Utc>,
) -> Result<usize, StoreError> {
    let Some(topic) = topic_of(item) else {
        return Ok(0);
    };
    let wanted: Vec<&Subscriber> = subscribers
        .iter()
        .filter(|s| takes(&s.event_types, topic))
        .collect();
    if wanted.is_empty() {
        return Ok(0);
    }
    let Some(prepared) = prepare(conn, item, topic, categories, now)? else {
        return Ok(0);
    };
    let mut queued = 0;
    for s in wanted {
        if s.scope_path.contains(&prepared.place) {
            queued += usize::from(queue(conn, s.endpoint_id, item, &prepared, now)?);
        }
    }
    Ok(queued)
}

/// The event type of an outbox row, when it is one partners may hear of.
pub fn topic_of(item: &OutboxItem) -> Option<Topic> {
    item.payload["type"].as_str().and_then(Topic::parse)
}

/// A message ready to queue: what it is, where it happened and what it says.
pub struct Prepared {
    topic: Topic,
    request: Option<RequestId>,
    /// Where the event happened: a partner hears of it when its scope holds this.
    pub place: NodePath,
    body: String,
}

/// Builds the message an outbox row makes; `None` when there is nothing to send (the event is
/// gone from its request's timeline, or its place no longer exists).
pub fn prepare(
    conn: &mut DbConnection,
    item: &OutboxItem,
    topic: Topic,
    categories: &[Category],
    now: DateTime<Utc>,
) -> Result<Option<Prepared>, StoreError> {
    match topic {
        Topic::Request(_) => {
            let Some(request) = request_of(item) else {
                return Ok(None);
            };
            let rec = requests::get(conn, request)?;
            Ok(
                body(conn, item, &rec, categories, now)?.map(|body| Prepared {
                    topic,
                    request: Some(request),
                    place: rec.request.building_path.clone(),
                    body,
                }),
            )
        }
        Topic::Grid(_) => {
            let Some(node) = item.payload["community_id"].as_i64() else {
                return Ok(None);
            };
            let place = match org::get_node(conn, OrgNodeId(node)) {
                Ok(n) => n.path,
                Err(StoreError::NotFound) => return Ok(None),
                Err(e) => return Err(e),
            };
            Ok(Some(Prepared {
                topic,
                request: None,
                place,
                body: grid_body(item),
            }))
        }
    }
}

/// Queues a prepared message for one endpoint; false when it has it already.
pub fn queue(
    conn: &mut DbConnection,
    endpoint_id: i64,
    item: &OutboxItem,
    prepared: &Prepared,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let new = NewMessage {
        endpoint_id,
        msg_id: &message_id(item),
        outbox_id: item.id,
        request_id: prepared.request.map(|r| r.0),
        event_type: prepared.topic.as_str(),
        body: &prepared.body,
    };
    messages::enqueue(conn, &new, now)
}

/// True when an endpoint that stored these event types takes `topic` (see
/// [`EventFilter::stored`]).
pub fn takes(names: &[String], topic: Topic) -> bool {
    EventFilter::stored(names.iter().map(String::as_str)).accepts(topic)
}
