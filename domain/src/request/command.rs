use serde::{Deserialize, Serialize};

use crate::meeting::MeetingId;
use crate::request::Assignee;

/// The resident's verdict on a resolved request (回访 / 满意度).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rating {
    /// 满意
    Satisfied,
    /// 基本满意
    BasicallySatisfied,
    /// 不满意: reopens the request.
    Dissatisfied,
}

impl Rating {
    /// The stable identifier.
    pub fn as_str(self) -> &'static str {
        match self {
            Rating::Satisfied => "satisfied",
            Rating::BasicallySatisfied => "basically_satisfied",
            Rating::Dissatisfied => "dissatisfied",
        }
    }

    /// Parses the stable identifier.
    pub fn parse(s: &str) -> Option<Self> {
        [
            Rating::Satisfied,
            Rating::BasicallySatisfied,
            Rating::Dissatisfied,
        ]
        .into_iter()
        .find(|r| r.as_str() == s)
    }

    /// Counts towards the satisfaction rate.
    pub fn is_satisfied(self) -> bool {
        !matches!(self, Rating::Dissatisfied)
    }
}

/// The community's answer to an extension request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExtensionDecision {
    /// The resolution deadline moves by the days asked for.
    Approve,
    /// The deadline stays.
    Reject,
}

/// What an actor asks to do to a request. (What the system does on its own — the overdue sweep,
/// auto-close — are functions of their own, not commands.) Free-text notes travel beside the command
/// (in the event), not in it: the rules don't read them, except where one is required.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// 下单: community staff (or the level it is escalated to) give it to a handler.
    Dispatch {
        /// The handler.
        assignee: Assignee,
    },
    /// 接单: the assigned handler takes it.
    Claim,
    /// 退单: the handler sends it back to the queue; a reason is required.
    Return,
    /// The handler reports progress; the first note moves it to `in_progress`.
    Progress,
    /// 上报: to the level above.
    Escalate,
    /// 延期: the handler asks for more days (1–30).
    RequestExtension {
        /// How many days.
        days: i32,
    },
    /// Community staff approve or reject the pending extension.
    DecideExtension {
        /// The answer.
        decision: ExtensionDecision,
    },
    /// 办结: the handler reports the outcome.
    Resolve,
    /// 现场解决: the building's butler or the grid's worker solved it on the spot.
    ResolveOnSpot,
    /// 回访: the resident rates the outcome.
    Rate {
        /// The verdict.
        rating: Rating,
    },
    /// 重办: the resident (or staff for hotline/front-desk requests) says it is not done.
    Reopen,
    /// Community staff close a resolved request.
    Close,
    /// 督办: street staff or the district flag an overdue request.
    Supervise,
    /// 办结 by a meeting's agreement: the staff following a meeting finished the last action
    /// item of a resolution that settles the requests the meeting concerns.
    ResolveByAgreement {
        /// The meeting whose agreement settled it.
        meeting_id: MeetingId,
    },
}
