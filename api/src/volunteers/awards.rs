//! Points a rated request earns the volunteer who resolved it: awarded in the transaction that
//! stores the rating, once per request and volunteer (a request reopened and rated again earns
//! nothing more).

use chrono::{DateTime, Utc};
use linli_domain::points::{AwardSource, Entry, award_for_request, earns_for_request};
use linli_domain::request::{Assignee, EventKind, Transition};
use linli_persistence::volunteers::{self, NewEntry};
use linli_persistence::{DbConnection, StoreError, categories};

/// Awards the rated request's volunteer, if the transition rated it and the domain says they
/// earn for it ([`earns_for_request`]). Nothing for a dissatisfied rating.
pub fn for_rating(
    conn: &mut DbConnection,
    transition: &Transition,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let r = &transition.request;
    if !transition.events.iter().any(|e| e.kind == EventKind::Rated) {
        return Ok(());
    }
    let Some(rating) = r.rating else {
        return Ok(());
    };
    // Only a volunteer it was handed to by name can earn; the domain says whether they do.
    let Some(Assignee::User(user)) = r.assignee else {
        return Ok(());
    };
    let Some(v) = volunteers::by_user(conn, user)? else {
        return Ok(());
    };
    let handler = categories::get(conn, r.category_id)?.default_handler;
    if !earns_for_request(r, handler, user, v.status) {
        return Ok(());
    }
    let rule = volunteers::get_rule(conn, v.community_id)?;
    let amount = award_for_request(&rule, v.kind, rating);
    let source = AwardSource::Request {
        request: r.id,
        volunteer: v.id,
    };
    // Nothing earned (dissatisfied, or a rule of zero): no entry.
    let Ok(entry) = Entry::award(&source, amount) else {
        return Ok(());
    };
    volunteers::lock(conn, v.id, now)?;
    match volunteers::append(
        conn,
        &NewEntry {
            volunteer: v.id,
            community_id: v.community_id,
            entry: &entry,
            minutes: None,
            recorded_by: None,
        },
        now,
    ) {
        Ok(_) | Err(StoreError::Duplicate(_)) => Ok(()),
        Err(e) => Err(e),
    }
}
