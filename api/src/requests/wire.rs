//! The request enums as the API spells them (with OpenAPI schemas), mapped to the domain's.

use linli_domain::content::{ContentReview, PhotoCheck, ReviewDecision};
use linli_domain::request::{Channel, ExtensionDecision, QueueLevel, Rating, RequestStatus};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

macro_rules! mirror {
    ($(#[$doc:meta])* $dto:ident <=> $domain:ident { $($variant:ident),* $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
        #[serde(rename_all = "snake_case")]
        pub enum $dto { $($variant),* }

        impl From<$domain> for $dto {
            fn from(v: $domain) -> Self {
                match v { $($domain::$variant => $dto::$variant),* }
            }
        }

        impl From<$dto> for $domain {
            fn from(v: $dto) -> Self {
                match v { $($dto::$variant => $domain::$variant),* }
            }
        }
    };
}

mirror!(
    /// Where a request stands: `submitted` (in the community's queue) → `dispatched` →
    /// `claimed` → `in_progress` → `resolved` → `closed`; `escalated` is the queue of a level
    /// above the community.
    StatusDto <=> RequestStatus { Submitted, Escalated, Dispatched, Claimed, InProgress, Resolved, Closed }
);

mirror!(
    /// How a request came in.
    ChannelDto <=> Channel { MiniProgram, QrCode, FrontDesk, Hotline, Butler, Partner }
);

mirror!(
    /// The resident's verdict (回访): `dissatisfied` reopens the request.
    RatingDto <=> Rating { Satisfied, BasicallySatisfied, Dissatisfied }
);

mirror!(
    /// Whose queue a request sits in while no handler has it.
    QueueLevelDto <=> QueueLevel { Community, Street, District }
);

mirror!(
    /// The community's answer to an extension request.
    DecisionDto <=> ExtensionDecision { Approve, Reject }
);

mirror!(
    /// Where content stands in staff review: `none` (never flagged), `pending` (flagged by
    /// WeChat's check or the word list, waiting for community staff), `cleared` (staff let it
    /// stand) or `hidden` (staff hid it: a placeholder shows instead, except to staff and its
    /// author).
    ContentReviewDto <=> ContentReview { None, Pending, Cleared, Hidden }
);

mirror!(
    /// Where a photo stands in WeChat's image check: `pending` (no verdict yet: shown to its
    /// author only), `pass`, `review` (waiting for staff), `risky` (never shown but to its
    /// author), `cleared` / `hidden` (staff's decision on one under review), `unchecked` (not
    /// checked: image checks are off, or staff uploaded it).
    PhotoCheckDto <=> PhotoCheck { Pending, Pass, Review, Risky, Cleared, Hidden, Unchecked }
);

mirror!(
    /// Content staff's decision on flagged content: `clear` lets it stand, `hide` hides it.
    ReviewDecisionDto <=> ReviewDecision { Clear, Hide }
);

/// What kind of handler a request is assigned to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AssigneeKindDto {
    /// A person (grid worker, butler, volunteer, community staff).
    User,
    /// A property company (any of its staff may act).
    Company,
}
