//! Meetings on the wire: request bodies, views and enums with their schemas. Separate from the
//! stored records: a view is rendered for one caller (phones masked unless they manage it).

use chrono::{DateTime, NaiveDate, Utc};
use linli_domain::meeting::{
    ActionItemStatus, MeetingKind, MeetingStatus, ParticipantRole, PartyKind,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::dto_enum::dto_enum;

dto_enum!(
    /// 议事协商会 (deliberation) or 联席会议 (joint).
    MeetingKindDto <=> MeetingKind {
        /// 议事协商会
        Deliberation,
        /// 联席会议
        Joint,
    }
);

dto_enum!(
    /// scheduled → held → closed, or cancelled.
    MeetingStatusDto <=> MeetingStatus {
        /// Called, not yet held.
        Scheduled,
        /// Held; minutes recorded.
        Held,
        /// Every action item finished.
        Closed,
        /// Called off.
        Cancelled,
    }
);

dto_enum!(
    /// A participant's part.
    ParticipantRoleDto <=> ParticipantRole {
        /// Called the meeting.
        Organiser,
        /// Chairs it.
        Host,
        /// A party to the matter.
        Party,
        /// The lawyer.
        Lawyer,
        /// Takes the minutes.
        Recorder,
        /// Attends.
        Observer,
    }
);

dto_enum!(
    /// What an outside party is.
    PartyKindDto <=> PartyKind {
        /// 物业公司
        PropertyCompany,
        /// 律师
        Lawyer,
        /// Another organisation.
        Organisation,
        /// 居民代表
        ResidentRepresentative,
        /// Anyone else.
        Other,
    }
);

dto_enum!(
    /// open → done or dropped.
    ActionItemStatusDto <=> ActionItemStatus {
        /// To do.
        Open,
        /// Done.
        Done,
        /// Given up.
        Dropped,
    }
);

/// An outside party at the table.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
pub struct OutsidePartyBody {
    /// Name, 1–100 characters.
    #[schema(example = "王律师")]
    pub name: String,
    /// Organisation, up to 100 characters.
    #[schema(example = "陕西某律师事务所")]
    pub organisation: Option<String>,
    /// What they are.
    pub kind: PartyKindDto,
    /// Business contact phone (mobile or landline).
    #[schema(example = "029-88610099")]
    pub contact_phone: Option<String>,
}

/// A participant to add: a user by id, or an outside party.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
pub struct ParticipantBody {
    /// Their part.
    pub role: ParticipantRoleDto,
    /// A user of the system.
    pub user_id: Option<i64>,
    /// Someone from outside.
    pub party: Option<OutsidePartyBody>,
}

/// A meeting to call.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
pub struct CreateMeetingBody {
    /// The node it belongs to: a community, or a street for a joint meeting across communities.
    pub org_node_id: i64,
    /// For a street's meeting: the community it is filed under (inside the street).
    pub community_id: Option<i64>,
    /// Deliberation or joint.
    pub kind: MeetingKindDto,
    /// 1–100 characters.
    #[schema(example = "天兴都市花园与梧桐坊围墙修复联席会议")]
    pub title: String,
    /// When it starts.
    pub starts_at: DateTime<Utc>,
    /// Where, 1–100 characters.
    #[schema(example = "大兴东路社区党群服务中心会议室")]
    pub place: String,
    /// What it is to discuss, up to 1,000 characters.
    pub agenda: Option<String>,
    /// Participants besides the organiser (who is added as `organiser`).
    #[serde(default)]
    pub participants: Vec<ParticipantBody>,
    /// Requests it concerns (inside the node).
    #[serde(default)]
    pub request_ids: Vec<i64>,
}

/// Changes to a meeting; absent fields stay. `version` is the one the client read.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct UpdateMeetingBody {
    /// The version edited; another is 409 `meeting.version_conflict`.
    pub version: i32,
    /// New title.
    pub title: Option<String>,
    /// New time.
    pub starts_at: Option<DateTime<Utc>>,
    /// New place.
    pub place: Option<String>,
    /// New agenda.
    pub agenda: Option<String>,
    /// New minutes (a held meeting only).
    pub minutes: Option<String>,
}

/// Recording a meeting as held.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct HoldBody {
    /// The version read.
    pub version: i32,
    /// The minutes, 1–1,000 characters.
    pub minutes: String,
    /// Participants (ids) who attended; the others did not. Absent: attendance not recorded.
    pub attended: Option<Vec<i64>>,
}

/// Calling a meeting off.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct CancelBody {
    /// The version read.
    pub version: i32,
    /// Why, 1–1,000 characters.
    pub reason: String,
}

/// Closing a held meeting whose action items are all finished.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct CloseBody {
    /// The version read.
    pub version: i32,
}

/// A request to link.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct LinkBody {
    /// The request (inside the meeting's node).
    pub request_id: i64,
}

/// A signed agreement.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct AgreementBody {
    /// Who signed: 1–10 names.
    pub parties: Vec<String>,
    /// What they agreed, 1–1,000 characters.
    pub text: String,
    /// The day it was signed.
    pub signed_on: NaiveDate,
    /// The scanned copy: an http(s) link.
    pub attachment_url: Option<String>,
}

/// An action item to follow.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct ActionItemBody {
    /// What is to be done, 1–100 characters.
    pub title: String,
    /// A user participant who owns it…
    pub owner_user_id: Option<i64>,
    /// …or an outside owner by name (1–100 characters).
    pub owner_name: Option<String>,
    /// The last day (local).
    pub due_on: NaiveDate,
}

/// A resolution of a held meeting.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct ResolutionBody {
    /// What was decided, 1–1,000 characters.
    pub text: String,
    /// When; default now.
    pub decided_at: Option<DateTime<Utc>>,
    /// Finishing its action items resolves the meeting's linked requests (needs at least one
    /// action item).
    #[serde(default)]
    pub resolves_requests: bool,
    /// The signed agreement, if any.
    pub agreement: Option<AgreementBody>,
    /// What is to be done, by whom, by when (at most 20).
    #[serde(default)]
    pub action_items: Vec<ActionItemBody>,
}

/// Finishing an action item.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct FinishBody {
    /// What was done (done) or why it was dropped (dropped; required), 1–1,000 characters.
    pub note: Option<String>,
}

/// A participant as the caller sees them.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ParticipantView {
    /// Id (for attendance and removal).
    pub id: i64,
    /// Their part.
    pub role: ParticipantRoleDto,
    /// The user, when it is one.
    pub user_id: Option<i64>,
    /// The user's display name, or the outside party's name.
    pub name: String,
    /// The outside party's organisation.
    pub organisation: Option<String>,
    /// The outside party's kind; null for users.
    pub party_kind: Option<PartyKindDto>,
    /// The outside party's business phone: in full for those who manage the meeting, masked
    /// for the other participants.
    pub contact_phone: Option<String>,
    /// Attended (recorded when held).
    pub attended: Option<bool>,
}

/// A linked request.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LinkedRequestView {
    /// The request.
    pub request_id: i64,
    /// When linked.
    pub linked_at: DateTime<Utc>,
    /// When the meeting's agreement resolved it.
    pub resolved_at: Option<DateTime<Utc>>,
}

/// An agreement.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AgreementView {
    /// Who signed.
    pub parties: Vec<String>,
    /// What they agreed.
    pub text: String,
    /// When.
    pub signed_on: NaiveDate,
    /// The scanned copy.
    pub attachment_url: Option<String>,
}

/// An action item.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ActionItemView {
    /// Id.
    pub id: i64,
    /// What is to be done.
    pub title: String,
    /// The owning user.
    pub owner_user_id: Option<i64>,
    /// The owner's name.
    pub owner_name: String,
    /// The last day.
    pub due_on: NaiveDate,
    /// Where it stands.
    pub status: ActionItemStatusDto,
    /// Open past its due day (local).
    pub overdue: bool,
    /// Done by its due day.
    pub done_on_time: bool,
    /// The note when done, the reason when dropped.
    pub note: Option<String>,
    /// Who finished it.
    pub finished_by: Option<i64>,
    /// When.
    pub finished_at: Option<DateTime<Utc>>,
}

/// A resolution.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ResolutionView {
    /// Id.
    pub id: i64,
    /// What was decided.
    pub text: String,
    /// When.
    pub decided_at: DateTime<Utc>,
    /// Finishing its items resolves the linked requests.
    pub resolves_requests: bool,
    /// When it did.
    pub settled_at: Option<DateTime<Utc>>,
    /// The signed agreement.
    pub agreement: Option<AgreementView>,
    /// Its action items.
    pub action_items: Vec<ActionItemView>,
}

/// A meeting with everything recorded about it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MeetingView {
    /// Id.
    pub id: i64,
    /// Deliberation or joint.
    pub kind: MeetingKindDto,
    /// Where it stands.
    pub status: MeetingStatusDto,
    /// Title.
    pub title: String,
    /// When it starts.
    pub starts_at: DateTime<Utc>,
    /// Where.
    pub place: String,
    /// Its node.
    pub org_node_id: i64,
    /// Its community.
    pub community_id: i64,
    /// Who called it.
    pub organiser: OrganiserView,
    /// Agenda.
    pub agenda: Option<String>,
    /// Minutes.
    pub minutes: Option<String>,
    /// When recorded as held.
    pub held_at: Option<DateTime<Utc>>,
    /// Why cancelled.
    pub cancel_reason: Option<String>,
    /// When closed or cancelled.
    pub finished_at: Option<DateTime<Utc>>,
    /// Send it back with edits (optimistic concurrency).
    pub version: i32,
    /// The caller may change it.
    pub can_manage: bool,
    /// Participants.
    pub participants: Vec<ParticipantView>,
    /// Linked requests.
    pub requests: Vec<LinkedRequestView>,
    /// Resolutions.
    pub resolutions: Vec<ResolutionView>,
    /// Open action items past their due day.
    pub overdue_action_items: i64,
}

/// Who called a meeting.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OrganiserView {
    /// User id.
    pub id: i64,
    /// Display name.
    pub name: String,
}

/// A meeting in a list.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MeetingSummary {
    /// Id.
    pub id: i64,
    /// Kind.
    pub kind: MeetingKindDto,
    /// Status.
    pub status: MeetingStatusDto,
    /// Title.
    pub title: String,
    /// When.
    pub starts_at: DateTime<Utc>,
    /// Where.
    pub place: String,
    /// Its node.
    pub org_node_id: i64,
    /// Version.
    pub version: i32,
}

/// A page of meetings.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MeetingPage {
    /// Newest first.
    pub items: Vec<MeetingSummary>,
    /// Pass as `cursor` for the next page; null on the last.
    pub next_cursor: Option<String>,
}

/// A linked request the agreement could not resolve.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LeftRequest {
    /// The request.
    pub request_id: i64,
    /// Its status.
    pub status: String,
    /// Why: `invalid_transition` (resolved or closed already) or `forbidden`.
    pub reason: String,
}

/// An action item finished, and what it set off.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FinishResponse {
    /// The meeting after it.
    pub meeting: MeetingView,
    /// Linked requests the agreement resolved now.
    pub resolved_requests: Vec<i64>,
    /// Linked requests it left as they were.
    pub left_requests: Vec<LeftRequest>,
}
