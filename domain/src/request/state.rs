use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::org::NodePath;
use crate::request::{Channel, Rating};
use crate::{CategoryId, PropertyCompanyId, RequestId, UserId};

/// Where a request stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RequestStatus {
    /// In the community's queue (点单): waiting to be dispatched.
    Submitted,
    /// In the queue of a level above the community (上报), whose staff dispatch it.
    Escalated,
    /// Given to a handler (下单), not yet taken.
    Dispatched,
    /// Taken by the handler (接单).
    Claimed,
    /// The handler has reported progress.
    InProgress,
    /// The handler reports it done (办结); waiting for the resident's rating.
    Resolved,
    /// Finished.
    Closed,
}

impl RequestStatus {
    /// Every status.
    pub const ALL: [RequestStatus; 7] = [
        RequestStatus::Submitted,
        RequestStatus::Escalated,
        RequestStatus::Dispatched,
        RequestStatus::Claimed,
        RequestStatus::InProgress,
        RequestStatus::Resolved,
        RequestStatus::Closed,
    ];

    /// The stable identifier.
    pub fn as_str(self) -> &'static str {
        match self {
            RequestStatus::Submitted => "submitted",
            RequestStatus::Escalated => "escalated",
            RequestStatus::Dispatched => "dispatched",
            RequestStatus::Claimed => "claimed",
            RequestStatus::InProgress => "in_progress",
            RequestStatus::Resolved => "resolved",
            RequestStatus::Closed => "closed",
        }
    }

    /// Parses the stable identifier.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// Still waiting for a handler to finish it (not resolved, not closed).
    pub fn is_open(self) -> bool {
        !matches!(self, RequestStatus::Resolved | RequestStatus::Closed)
    }
}

/// Whose queue a request sits in when no handler has it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QueueLevel {
    /// The community's service supermarket.
    Community,
    /// The street office, after an escalation.
    Street,
    /// The district, after a second escalation.
    District,
}

impl QueueLevel {
    /// The stable identifier.
    pub fn as_str(self) -> &'static str {
        match self {
            QueueLevel::Community => "community",
            QueueLevel::Street => "street",
            QueueLevel::District => "district",
        }
    }

    /// Parses the stable identifier.
    pub fn parse(s: &str) -> Option<Self> {
        [
            QueueLevel::Community,
            QueueLevel::Street,
            QueueLevel::District,
        ]
        .into_iter()
        .find(|x| x.as_str() == s)
    }

    /// The level above, if any.
    pub fn above(self) -> Option<QueueLevel> {
        match self {
            QueueLevel::Community => Some(QueueLevel::Street),
            QueueLevel::Street => Some(QueueLevel::District),
            QueueLevel::District => None,
        }
    }
}

/// Who a request is dispatched to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum Assignee {
    /// A person: grid worker, butler, volunteer or community staff.
    User(UserId),
    /// A property company: any of its staff may act.
    Company(PropertyCompanyId),
}

/// The state of a request as the rules see it. Personal data (phone, description) is not here:
/// the rules don't need it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// Its id.
    pub id: RequestId,
    /// Where it stands.
    pub status: RequestStatus,
    /// Its service category.
    pub category_id: CategoryId,
    /// The path of the building it concerns (or of the household's building).
    pub building_path: NodePath,
    /// The property company that manages the building's compound now (filled in at load).
    pub managing_company: Option<PropertyCompanyId>,
    /// How it came in.
    pub channel: Channel,
    /// Who submitted it (the resident, or the staff member who typed it in).
    pub submitted_by: UserId,
    /// When it was submitted.
    pub submitted_at: DateTime<Utc>,
    /// Whose queue it sits in while no handler has it.
    pub queue_level: QueueLevel,
    /// The handler it is dispatched to.
    pub assignee: Option<Assignee>,
    /// When a handler must have claimed it.
    pub first_response_due: DateTime<Utc>,
    /// When it must be resolved (moved by approved extensions, renewed on reopening).
    pub resolution_due: DateTime<Utc>,
    /// When the current handler claimed it.
    pub responded_at: Option<DateTime<Utc>>,
    /// When it was last resolved.
    pub resolved_at: Option<DateTime<Utc>>,
    /// Who resolved it.
    pub resolved_by: Option<UserId>,
    /// When it was closed.
    pub closed_at: Option<DateTime<Utc>>,
    /// The resident's last rating.
    pub rating: Option<Rating>,
    /// How many times it was reopened after a dissatisfied rating or a reopen.
    pub reopen_count: i32,
    /// Days asked for by a pending extension request.
    pub pending_extension_days: Option<i32>,
    /// Days granted by approved extensions, in all.
    pub extension_days: i32,
    /// When the sweep found it overdue (it is flagged once).
    pub overdue_at: Option<DateTime<Utc>>,
    /// How many times the level above has supervised it (督办).
    pub supervise_count: i32,
}
