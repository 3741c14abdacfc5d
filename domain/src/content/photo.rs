//! A photo's way through WeChat's asynchronous image check: pending until WeChat pushes its
//! verdict, then shown (`pass`), kept for staff (`review`) or hidden for good (`risky`).

use chrono::Duration;

use super::review::{ReviewDecision, may_review};
use super::screening::Suggest;
use crate::UserId;
use crate::access::Actor;
use crate::org::NodePath;

/// Where a photo stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PhotoCheck {
    /// Sent (or about to be sent) to WeChat; no verdict yet.
    Pending,
    /// WeChat found nothing.
    Pass,
    /// WeChat suggests a person looks (or WeChat never answered): waiting for staff.
    Review,
    /// WeChat found it must not be shown.
    Risky,
    /// Staff cleared a photo under review.
    Cleared,
    /// Staff hid a photo under review.
    Hidden,
    /// Not checked: WeChat's image check is off, or staff uploaded it.
    Unchecked,
}

impl PhotoCheck {
    /// Every state.
    pub const ALL: [PhotoCheck; 7] = [
        PhotoCheck::Pending,
        PhotoCheck::Pass,
        PhotoCheck::Review,
        PhotoCheck::Risky,
        PhotoCheck::Cleared,
        PhotoCheck::Hidden,
        PhotoCheck::Unchecked,
    ];

    /// The stable identifier.
    pub fn as_str(self) -> &'static str {
        match self {
            PhotoCheck::Pending => "pending",
            PhotoCheck::Pass => "pass",
            PhotoCheck::Review => "review",
            PhotoCheck::Risky => "risky",
            PhotoCheck::Cleared => "cleared",
            PhotoCheck::Hidden => "hidden",
            PhotoCheck::Unchecked => "unchecked",
        }
    }

    /// Parses the stable identifier.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.as_str() == s)
    }

    /// True when anyone who sees the request may see the photo, including outsiders such as
    /// partner platforms: WeChat passed it, staff cleared it, or nothing checks photos.
    pub fn public(self) -> bool {
        matches!(
            self,
            PhotoCheck::Pass | PhotoCheck::Cleared | PhotoCheck::Unchecked
        )
    }

    /// A new photo's state: pending when WeChat will check it, else unchecked.
    pub fn initial(checked_by_wechat: bool) -> Self {
        if checked_by_wechat {
            PhotoCheck::Pending
        } else {
            PhotoCheck::Unchecked
        }
    }

    /// The state WeChat's verdict puts a pending photo in.
    pub fn from_verdict(suggest: Suggest) -> Self {
        match suggest {
            Suggest::Pass => PhotoCheck::Pass,
            Suggest::Review => PhotoCheck::Review,
            Suggest::Risky => PhotoCheck::Risky,
        }
    }

    /// True when this state puts the request in front of staff.
    pub fn flags_request(self) -> bool {
        matches!(self, PhotoCheck::Review | PhotoCheck::Risky)
    }

    /// The state after staff decide on the request: only a photo under review changes.
    pub fn after(self, decision: ReviewDecision) -> Self {
        match (self, decision) {
            (PhotoCheck::Review, ReviewDecision::Clear) => PhotoCheck::Cleared,
            (PhotoCheck::Review, ReviewDecision::Hide) => PhotoCheck::Hidden,
            (other, _) => other,
        }
    }
}

/// Whether `actor` sees a photo in `state` that `author` uploaded to a request on `building`.
///
/// The author always sees their own photos (with their state, so the mini-program can say
/// "checking"). Everyone else who sees the request sees a photo once WeChat passed it or staff
/// cleared it (or when nothing checks photos); content staff also see photos waiting for their
/// review and those they hid. A pending photo is shown to nobody else, and a risky one never.
pub fn photo_visible(
    state: PhotoCheck,
    actor: &Actor,
    author: UserId,
    building: &NodePath,
) -> bool {
    if actor.user_id == author {
        return true;
    }
    match state {
        _ if state.public() => true,
        PhotoCheck::Review | PhotoCheck::Hidden => may_review(actor, building),
        _ => false,
    }
}

/// How many times a photo is submitted to WeChat before it goes to staff instead.
pub const MAX_SUBMISSIONS: i32 = 5;

/// True when a photo submitted `attempts` times without a verdict goes to staff instead.
pub fn give_up(attempts: i32) -> bool {
    attempts >= MAX_SUBMISSIONS
}

/// How long to wait, after the `attempts`-th submission, before submitting again (or, after
/// the last, giving up): briefly after a failed call (WeChat busy or unreachable), an hour after
/// a call WeChat accepted (its verdict comes within 30 minutes; one that never came is asked
/// for again).
pub fn resubmit_after(attempts: i32, accepted: bool) -> Duration {
    if accepted {
        return Duration::hours(1);
    }
    match attempts {
        ..=1 => Duration::minutes(1),
        2 => Duration::minutes(5),
        3 => Duration::minutes(30),
        _ => Duration::hours(2),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::request::fixtures::*;

    #[test]
    fn identifiers_round_trip() {
        for p in PhotoCheck::ALL {
            assert_eq!(PhotoCheck::parse(p.as_str()), Some(p));
        }
        assert_eq!(PhotoCheck::parse("ok"), None);
    }

    #[test]
    fn wechats_verdict_sets_the_state_and_flags_review_and_risky() {
        assert_eq!(PhotoCheck::from_verdict(Suggest::Pass), PhotoCheck::Pass);
        assert_eq!(
            PhotoCheck::from_verdict(Suggest::Review),
            PhotoCheck::Review
        );
        assert_eq!(PhotoCheck::from_verdict(Suggest::Risky), PhotoCheck::Risky);
        assert!(PhotoCheck::Review.flags_request());
        assert!(PhotoCheck::Risky.flags_request());
        assert!(!PhotoCheck::Pass.flags_request());
        assert_eq!(PhotoCheck::initial(true), PhotoCheck::Pending);
        assert_eq!(PhotoCheck::initial(false), PhotoCheck::Unchecked);
    }

    #[test]
    fn staff_decide_photos_under_review_only() {
        assert_eq!(
            PhotoCheck::Review.after(ReviewDecision::Clear),
            PhotoCheck::Cleared
        );
        assert_eq!(
            PhotoCheck::Review.after(ReviewDecision::Hide),
            PhotoCheck::Hidden
        );
        for p in [PhotoCheck::Risky, PhotoCheck::Pending, PhotoCheck::Pass] {
            assert_eq!(p.after(ReviewDecision::Clear), p, "{p:?}");
        }
    }

    #[test]
    fn who_sees_a_photo() {
        let path = building_path();
        let author = resident().user_id;
        let seen_by = |state, who: &Actor| photo_visible(state, who, author, &path);
        for state in PhotoCheck::ALL {
            assert!(seen_by(state, &resident()), "the author sees {state:?}");
        }
        for who in [community(), grid_worker(), property()] {
            assert!(seen_by(PhotoCheck::Pass, &who));
            assert!(seen_by(PhotoCheck::Cleared, &who));
            assert!(seen_by(PhotoCheck::Unchecked, &who));
            assert!(!seen_by(PhotoCheck::Pending, &who), "{who:?}");
            assert!(!seen_by(PhotoCheck::Risky, &who), "{who:?}");
        }
        assert!(seen_by(PhotoCheck::Review, &community()));
        assert!(seen_by(PhotoCheck::Hidden, &community()));
        assert!(!seen_by(PhotoCheck::Review, &grid_worker()));
        assert!(!seen_by(PhotoCheck::Hidden, &property()));
    }

    #[test]
    fn submissions_back_off_then_go_to_staff() {
        assert_eq!(resubmit_after(1, false), Duration::minutes(1));
        assert_eq!(resubmit_after(2, false), Duration::minutes(5));
        assert_eq!(resubmit_after(4, false), Duration::hours(2));
        assert_eq!(resubmit_after(1, true), Duration::hours(1));
        assert!(!give_up(MAX_SUBMISSIONS - 1));
        assert!(give_up(MAX_SUBMISSIONS));
    }
}
