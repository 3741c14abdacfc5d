//! Staff review of flagged content: the state a request, its text and each note are in, who
//! decides, and who still sees content that staff have hidden.

use serde_json::json;

use crate::UserId;
use crate::access::Actor;
use crate::org::NodePath;
use crate::request::{Event, EventKind};

/// Where a piece of content (or a request, taken as a whole) stands in staff review.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum ContentReview {
    /// Never flagged.
    #[default]
    None,
    /// Flagged: waiting for staff.
    Pending,
    /// Staff looked and let it stand.
    Cleared,
    /// Staff hid it: a placeholder shows instead, except to staff and its author.
    Hidden,
}

/// What staff decide about flagged content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReviewDecision {
    /// Let it stand.
    Clear,
    /// Hide it.
    Hide,
}

impl ReviewDecision {
    /// The stable identifier.
    pub fn as_str(self) -> &'static str {
        match self {
            ReviewDecision::Clear => "clear",
            ReviewDecision::Hide => "hide",
        }
    }
}

/// What one decision changed: the request's own text or not, and how many notes and photos.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Decided {
    /// The request's description and location were pending.
    pub text: bool,
    /// Notes that were pending.
    pub notes: usize,
    /// Photos that were under review.
    pub photos: usize,
}

/// The timeline event of a decision: `request.content_reviewed`, with what it covered.
pub fn reviewed_event(decision: ReviewDecision, decided: Decided) -> Event {
    Event {
        kind: EventKind::ContentReviewed,
        data: json!({
            "decision": decision.as_str(),
            "text": decided.text,
            "notes": decided.notes,
            "photos": decided.photos,
        }),
    }
}

/// Why a review decision was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ReviewError {
    /// The actor does not review this request's content.
    #[error("not allowed to review this request's content")]
    Forbidden,
    /// Nothing on the request is waiting for review.
    #[error("nothing on this request is waiting for review")]
    NotPending,
}

impl ContentReview {
    /// Every state.
    pub const ALL: [ContentReview; 4] = [
        ContentReview::None,
        ContentReview::Pending,
        ContentReview::Cleared,
        ContentReview::Hidden,
    ];

    /// The stable identifier.
    pub fn as_str(self) -> &'static str {
        match self {
            ContentReview::None => "none",
            ContentReview::Pending => "pending",
            ContentReview::Cleared => "cleared",
            ContentReview::Hidden => "hidden",
        }
    }

    /// Parses the stable identifier.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// The state after staff decide: only pending content is decided; what was decided before
    /// (or never flagged) keeps its state.
    pub fn after(self, decision: ReviewDecision) -> Self {
        match (self, decision) {
            (ContentReview::Pending, ReviewDecision::Clear) => ContentReview::Cleared,
            (ContentReview::Pending, ReviewDecision::Hide) => ContentReview::Hidden,
            (other, _) => other,
        }
    }

    /// A request's state after staff decide on it as a whole, or why they may not.
    pub fn decide(
        self,
        actor: &Actor,
        building: &NodePath,
        decision: ReviewDecision,
    ) -> Result<Self, ReviewError> {
        if !may_review(actor, building) {
            return Err(ReviewError::Forbidden);
        }
        if self != ContentReview::Pending {
            return Err(ReviewError::NotPending);
        }
        Ok(self.after(decision))
    }
}

/// Content staff are the community staff over the request's building, and the street and
/// district offices above them (the admin roles): they review flagged content and see what
/// was hidden.
pub fn may_review(actor: &Actor, building: &NodePath) -> bool {
    actor.administers(building)
}

/// Whether `actor` sees content in `state` written by `author`: hidden content only its author
/// and content staff see; everything else, everyone who sees the request.
pub fn sees_hidden(
    actor: &Actor,
    state: ContentReview,
    author: UserId,
    building: &NodePath,
) -> bool {
    state != ContentReview::Hidden || actor.user_id == author || may_review(actor, building)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::request::fixtures::*;

    #[test]
    fn identifiers_round_trip() {
        for r in ContentReview::ALL {
            assert_eq!(ContentReview::parse(r.as_str()), Some(r));
        }
        assert_eq!(ContentReview::parse("maybe"), None);
        assert_eq!(ContentReview::default(), ContentReview::None);
    }

    #[test]
    fn staff_decide_only_what_is_pending() {
        let path = building_path();
        assert_eq!(
            ContentReview::Pending.decide(&community(), &path, ReviewDecision::Clear),
            Ok(ContentReview::Cleared)
        );
        assert_eq!(
            ContentReview::Pending.decide(&street(), &path, ReviewDecision::Hide),
            Ok(ContentReview::Hidden)
        );
        for state in [
            ContentReview::None,
            ContentReview::Cleared,
            ContentReview::Hidden,
        ] {
            assert_eq!(
                state.decide(&community(), &path, ReviewDecision::Hide),
                Err(ReviewError::NotPending)
            );
        }
    }

    #[test]
    fn only_admins_over_the_building_review() {
        let path = building_path();
        for who in [
            resident(),
            grid_worker(),
            butler(),
            property(),
            volunteer(),
            other_community(),
        ] {
            assert_eq!(
                ContentReview::Pending.decide(&who, &path, ReviewDecision::Clear),
                Err(ReviewError::Forbidden),
                "{who:?}"
            );
        }
    }

    #[test]
    fn the_decision_event_says_what_it_covered() {
        let e = reviewed_event(
            ReviewDecision::Hide,
            Decided {
                text: true,
                notes: 1,
                photos: 2,
            },
        );
        assert_eq!(e.kind, EventKind::ContentReviewed);
        assert_eq!(
            e.data,
            json!({"decision": "hide", "text": true, "notes": 1, "photos": 2})
        );
    }

    #[test]
    fn a_decision_leaves_what_was_not_pending() {
        assert_eq!(
            ContentReview::None.after(ReviewDecision::Hide),
            ContentReview::None
        );
        assert_eq!(
            ContentReview::Cleared.after(ReviewDecision::Hide),
            ContentReview::Cleared
        );
        assert_eq!(
            ContentReview::Pending.after(ReviewDecision::Hide),
            ContentReview::Hidden
        );
    }

    #[test]
    fn hidden_content_is_seen_by_its_author_and_staff_only() {
        let path = building_path();
        let author = resident().user_id;
        assert!(sees_hidden(
            &resident(),
            ContentReview::Hidden,
            author,
            &path
        ));
        assert!(sees_hidden(
            &community(),
            ContentReview::Hidden,
            author,
            &path
        ));
        assert!(sees_hidden(
            &district(),
            ContentReview::Hidden,
            author,
            &path
        ));
        for who in [
            grid_worker(),
            property(),
            other_resident(),
            other_community(),
        ] {
            assert!(
                !sees_hidden(&who, ContentReview::Hidden, author, &path),
                "{who:?}"
            );
            for shown in [
                ContentReview::None,
                ContentReview::Pending,
                ContentReview::Cleared,
            ] {
                assert!(sees_hidden(&who, shown, author, &path));
            }
        }
    }
}
