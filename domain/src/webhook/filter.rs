//! Which events an endpoint receives.

use std::collections::BTreeSet;

use super::Topic;
use crate::request::EventKind;

/// True for the events partners may subscribe to: the life of a request and the grid's work.
/// Content moderation (`request.content_flagged`, `request.content_reviewed`) is our staff's
/// business.
pub fn published_to_partners(topic: impl Into<Topic>) -> bool {
    !matches!(
        topic.into(),
        Topic::Request(EventKind::ContentFlagged | EventKind::ContentReviewed)
    )
}

/// The event types an endpoint asked for; empty means every published type.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EventFilter(BTreeSet<Topic>);

/// An event type that does not exist or is not published to partners.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown event type `{0}`")]
pub struct UnknownEventType(pub String);

impl EventFilter {
    /// Parses event type names (`request.submitted`, `meeting.held`…); repeats are ignored.
    pub fn parse<'a>(names: impl IntoIterator<Item = &'a str>) -> Result<Self, UnknownEventType> {
        names
            .into_iter()
            .map(|n| {
                Topic::parse(n)
                    .filter(|k| published_to_partners(*k))
                    .ok_or_else(|| UnknownEventType(n.to_owned()))
            })
            .collect::<Result<BTreeSet<_>, _>>()
            .map(Self)
    }

    /// The filter an endpoint stored earlier. A name we no longer know (a type retired since)
    /// is passed over; if none of its names is known any more it takes nothing, never every
    /// type.
    pub fn stored<'a>(names: impl IntoIterator<Item = &'a str>) -> StoredFilter {
        let mut any = false;
        let known = names
            .into_iter()
            .inspect(|_| any = true)
            .filter_map(|n| Topic::parse(n).filter(|k| published_to_partners(*k)))
            .collect::<BTreeSet<_>>();
        match (any, known.is_empty()) {
            (false, _) => StoredFilter::Takes(EventFilter::default()),
            (true, true) => StoredFilter::Nothing,
            (true, false) => StoredFilter::Takes(EventFilter(known)),
        }
    }

    /// True when the endpoint gets events of this kind.
    pub fn accepts(&self, kind: impl Into<Topic>) -> bool {
        let kind = kind.into();
        published_to_partners(kind) && (self.0.is_empty() || self.0.contains(&kind))
    }

    /// The names asked for, in a stable order (empty for every type).
    pub fn names(&self) -> Vec<&'static str> {
        let mut names: Vec<_> = self.0.iter().map(|k| k.as_str()).collect();
        names.sort_unstable();
        names
    }
}

/// A filter read back from storage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoredFilter {
    /// It takes what this filter takes.
    Takes(EventFilter),
    /// Every type it named is gone: it takes nothing.
    Nothing,
}

impl StoredFilter {
    /// True when the endpoint gets events of this kind.
    pub fn accepts(&self, kind: impl Into<Topic>) -> bool {
        match self {
            StoredFilter::Takes(f) => f.accepts(kind),
            StoredFilter::Nothing => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_means_every_published_type() {
        let all = EventFilter::default();
        assert!(all.accepts(EventKind::Submitted));
        assert!(all.accepts(EventKind::Overdue));
        assert!(!all.accepts(EventKind::ContentFlagged));
    }

    #[test]
    fn a_list_narrows_it() {
        let f =
            EventFilter::parse(["request.resolved", "request.closed", "request.resolved"]).unwrap();
        assert!(f.accepts(EventKind::Resolved));
        assert!(!f.accepts(EventKind::Submitted));
        assert_eq!(f.names(), ["request.closed", "request.resolved"]);
    }

    #[test]
    fn a_stored_filter_never_widens() {
        let none: [&str; 0] = [];
        assert!(EventFilter::stored(none).accepts(EventKind::Submitted));
        let some = EventFilter::stored(["request.retired", "request.closed"]);
        assert!(some.accepts(EventKind::Closed));
        assert!(!some.accepts(EventKind::Submitted));
        let gone = EventFilter::stored(["request.retired"]);
        assert_eq!(gone, StoredFilter::Nothing);
        assert!(!gone.accepts(EventKind::Submitted));
    }

    #[test]
    fn grid_work_is_published_and_filtered_like_requests() {
        use crate::grid_event::GridEventKind;
        assert!(EventFilter::default().accepts(GridEventKind::MeetingHeld));
        let f = EventFilter::parse(["meeting.held", "request.closed"]).unwrap();
        assert!(f.accepts(GridEventKind::MeetingHeld));
        assert!(!f.accepts(GridEventKind::HazardReported));
        assert!(f.accepts(EventKind::Closed));
        assert_eq!(f.names(), ["meeting.held", "request.closed"]);
    }

    #[test]
    fn unknown_and_internal_types_are_refused() {
        assert_eq!(
            EventFilter::parse(["request.exploded"]),
            Err(UnknownEventType("request.exploded".into()))
        );
        assert!(EventFilter::parse(["request.content_flagged"]).is_err());
    }
}
