use chrono::{DateTime, NaiveDate, Utc};
use linli_domain::meeting::{
    ActionItem, MeetingId, MeetingKind, MeetingStatus, ParticipantRole, PartyKind,
};
use linli_domain::org::NodePath;
use linli_domain::{OrgNodeId, RequestId, UserId};

/// A meeting as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct MeetingRecord {
    /// Its id.
    pub id: MeetingId,
    /// The community (tenant): itself for a community meeting, the host community of a street's.
    pub community_id: OrgNodeId,
    /// The node it belongs to (a community, or a street for a joint meeting across communities).
    pub org_node_id: OrgNodeId,
    /// That node's path.
    pub node_path: NodePath,
    /// Deliberation or joint.
    pub kind: MeetingKind,
    /// Where it stands.
    pub status: MeetingStatus,
    /// Its title.
    pub title: String,
    /// When it starts.
    pub starts_at: DateTime<Utc>,
    /// Where.
    pub place: String,
    /// Who called it.
    pub organiser_id: UserId,
    /// What it is to discuss.
    pub agenda: Option<String>,
    /// What was said (once held).
    pub minutes: Option<String>,
    /// When it was recorded as held.
    pub held_at: Option<DateTime<Utc>>,
    /// Why it was cancelled.
    pub cancel_reason: Option<String>,
    /// When it was closed or cancelled.
    pub finished_at: Option<DateTime<Utc>>,
    /// Bumped by every change.
    pub version: i32,
    /// When it was called.
    pub created_at: DateTime<Utc>,
    /// Its last change.
    pub updated_at: DateTime<Utc>,
}

/// Someone from outside the system at the table.
#[derive(Debug, Clone, PartialEq)]
pub struct OutsideParty {
    /// Their name.
    pub name: String,
    /// Their organisation.
    pub organisation: Option<String>,
    /// What they are.
    pub kind: PartyKind,
    /// The business contact phone, encrypted.
    pub contact_phone_enc: Option<String>,
    /// The same, masked.
    pub contact_phone_masked: Option<String>,
}

/// A participant: a user or an outside party.
#[derive(Debug, Clone, PartialEq)]
pub struct ParticipantRecord {
    /// Its id.
    pub id: i64,
    /// Their part.
    pub role: ParticipantRole,
    /// The user, when it is one.
    pub user_id: Option<UserId>,
    /// The user's display name.
    pub user_name: Option<String>,
    /// The outside party, when it is one.
    pub party: Option<OutsideParty>,
    /// Whether they attended (recorded when held).
    pub attended: Option<bool>,
}

/// A request the meeting concerns.
#[derive(Debug, Clone, PartialEq)]
pub struct LinkedRequest {
    /// The request.
    pub request_id: RequestId,
    /// When it was linked.
    pub linked_at: DateTime<Utc>,
    /// When the meeting's agreement resolved it.
    pub resolved_at: Option<DateTime<Utc>>,
}

/// A signed agreement.
#[derive(Debug, Clone, PartialEq)]
pub struct AgreementRecord {
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
#[derive(Debug, Clone, PartialEq)]
pub struct ActionItemRecord {
    /// Its id.
    pub id: i64,
    /// Its resolution.
    pub resolution_id: i64,
    /// What is to be done.
    pub title: String,
    /// The user who owns it.
    pub owner_user_id: Option<UserId>,
    /// The user's display name, or the outside owner's name.
    pub owner_name: String,
    /// Its state as the rules see it.
    pub item: ActionItem,
    /// The note when done, the reason when dropped.
    pub note: Option<String>,
}

/// A resolution with its agreement and action items.
#[derive(Debug, Clone, PartialEq)]
pub struct ResolutionRecord {
    /// Its id.
    pub id: i64,
    /// What was decided.
    pub text: String,
    /// When.
    pub decided_at: DateTime<Utc>,
    /// Finishing its action items resolves the meeting's linked requests.
    pub resolves_requests: bool,
    /// The agreement, when one was signed.
    pub agreement: Option<AgreementRecord>,
    /// When it resolved the linked requests.
    pub settled_at: Option<DateTime<Utc>>,
    /// Its action items, in order.
    pub items: Vec<ActionItemRecord>,
}

/// A meeting with everything recorded about it.
#[derive(Debug, Clone, PartialEq)]
pub struct MeetingDetail {
    /// The meeting.
    pub meeting: MeetingRecord,
    /// The organiser's display name.
    pub organiser_name: String,
    /// Participants, in the order added.
    pub participants: Vec<ParticipantRecord>,
    /// Linked requests, in the order linked.
    pub requests: Vec<LinkedRequest>,
    /// Resolutions, in the order recorded.
    pub resolutions: Vec<ResolutionRecord>,
}

impl MeetingDetail {
    /// Action items still open, across resolutions.
    pub fn open_items(&self) -> usize {
        self.resolutions
            .iter()
            .flat_map(|r| &r.items)
            .filter(|i| i.item.status == linli_domain::meeting::ActionItemStatus::Open)
            .count()
    }
}
