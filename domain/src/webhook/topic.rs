//! The event types a webhook can carry: a request's steps and the grid's work.

use crate::grid_event::GridEventKind;
use crate::request::EventKind;

/// One event type a partner may hear of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Topic {
    /// A step of a request (`request.*`).
    Request(EventKind),
    /// Grid work (`hazard.*`, `visit.*`, `meeting.*`).
    Grid(GridEventKind),
}

impl Topic {
    /// The stable event type.
    pub fn as_str(self) -> &'static str {
        match self {
            Topic::Request(k) => k.as_str(),
            Topic::Grid(k) => k.as_str(),
        }
    }

    /// Parses the stable event type.
    pub fn parse(s: &str) -> Option<Self> {
        EventKind::parse(s)
            .map(Topic::Request)
            .or_else(|| GridEventKind::parse(s).map(Topic::Grid))
    }
}

impl From<EventKind> for Topic {
    fn from(k: EventKind) -> Self {
        Topic::Request(k)
    }
}

impl From<GridEventKind> for Topic {
    fn from(k: GridEventKind) -> Self {
        Topic::Grid(k)
    }
}
