//! Content security for the free text and photos people put in requests: what WeChat's checks
//! and the local word list say, what that means for storing the content, and who sees content
//! that staff have reviewed.
//!
//! Pure, like the rest of the domain: the API layer asks WeChat and reads the word list; these
//! functions decide.

pub mod filter;
pub mod photo;
pub mod review;
pub mod screening;

pub use filter::{WordList, normalise};
pub use photo::{MAX_SUBMISSIONS, PhotoCheck, give_up, photo_visible, resubmit_after};
pub use review::{
    ContentReview, Decided, ReviewDecision, ReviewError, may_review, reviewed_event, sees_hidden,
};
pub use screening::{
    FlagReason, Remote, Scene, Screening, Subject, Suggest, checked_by_wechat, flagged_event,
    screen,
};
