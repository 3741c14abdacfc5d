//! Volunteers on the wire: bodies, views and enums with their schemas.

use chrono::{DateTime, Utc};
use linli_domain::points::EntryKind;
use linli_domain::volunteer::{Skill, VolunteerKind, VolunteerStatus};
use linli_persistence::volunteers::{EntryRecord, VolunteerRecord};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::dto_enum::dto_enum;

dto_enum!(
    /// 在职党员, 离退休老党员, 退役军人 or 热心群众.
    VolunteerKindDto <=> VolunteerKind {
        /// 在职党员
        ServingPartyMember,
        /// 离退休老党员
        RetiredPartyMember,
        /// 退役军人
        Veteran,
        /// 热心群众
        Resident,
    }
);

dto_enum!(
    /// What a volunteer can do.
    SkillDto <=> Skill {
        /// 医疗
        Medical,
        /// 法律
        Legal,
        /// 朗诵
        Recitation,
        /// 维修
        Repairs,
        /// 理发
        Haircut,
        /// 心理疏导
        Counselling,
        /// 辅导
        Tutoring,
        /// 助老
        ElderlyCare,
        /// 其他
        Other,
    }
);

dto_enum!(
    /// pending → active (approved) ⇄ suspended; pending → rejected.
    VolunteerStatusDto <=> VolunteerStatus {
        /// 待审核
        Pending,
        /// 已通过
        Active,
        /// 已暂停
        Suspended,
        /// 未通过
        Rejected,
    }
);

dto_enum!(
    /// What a ledger entry records.
    EntryKindDto <=> EntryKind {
        /// Earned by serving.
        Award,
        /// Spent on a reward.
        Redemption,
        /// A cancelled redemption's points back.
        Refund,
        /// A correction by staff, with a reason.
        Adjustment,
        /// Lapsed points.
        Expiry,
    }
);

/// An application to volunteer.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApplyBody {
    /// The community to serve.
    pub community_id: i64,
    /// What kind of volunteer.
    pub kind: VolunteerKindDto,
    /// What they can do (at least one).
    pub skills: Vec<SkillDto>,
    /// A few words about themselves, up to 500 characters.
    pub intro: Option<String>,
}

/// What a volunteer changes of their own profile: the introduction always; skills only while
/// the application waits (after approval, staff change them: they open activities that ask for
/// a skill).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProfilePatch {
    /// What they can do (at least one); only while pending.
    pub skills: Option<Vec<SkillDto>>,
    /// About themselves; empty clears it.
    pub intro: Option<String>,
}

/// What staff change of a volunteer: their kind (which sets their points multiplier) and the
/// skills staff vouch for.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StaffProfilePatch {
    /// What kind of volunteer.
    pub kind: Option<VolunteerKindDto>,
    /// What they can do (at least one).
    pub skills: Option<Vec<SkillDto>>,
}

/// What staff decide.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DecisionDto {
    /// Approve an application (grants the `volunteer` role at the community).
    Approve,
    /// Turn an application down (a reason is required).
    Reject,
    /// Suspend an active volunteer (a reason is required; the role is taken away).
    Suspend,
    /// Reinstate a suspended volunteer.
    Reinstate,
}

/// A decision on a volunteer.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionBody {
    /// What is decided.
    pub decision: DecisionDto,
    /// Why; required to reject or suspend.
    pub reason: Option<String>,
}

/// A volunteer.
#[derive(Debug, Serialize, ToSchema)]
pub struct VolunteerView {
    /// Its id.
    pub id: i64,
    /// Their account.
    pub user_id: i64,
    /// Their name.
    pub display_name: String,
    /// The community they serve.
    pub community_id: i64,
    /// Their kind.
    pub kind: VolunteerKindDto,
    /// Their skills.
    pub skills: Vec<SkillDto>,
    /// About themselves.
    pub intro: Option<String>,
    /// Where they stand.
    pub status: VolunteerStatusDto,
    /// Why staff decided as they did.
    pub status_reason: Option<String>,
    /// When staff last decided.
    pub decided_at: Option<DateTime<Utc>>,
    /// Their points balance.
    pub balance: i64,
    /// When they applied.
    pub applied_at: DateTime<Utc>,
}

impl From<VolunteerRecord> for VolunteerView {
    fn from(v: VolunteerRecord) -> Self {
        VolunteerView {
            id: v.id.0,
            user_id: v.user_id.0,
            display_name: v.display_name,
            community_id: v.community_id.0,
            kind: v.kind.into(),
            skills: v.skills.as_slice().iter().map(|s| (*s).into()).collect(),
            intro: v.intro,
            status: v.status.into(),
            status_reason: v.status_reason,
            decided_at: v.decided_at,
            balance: v.balance.get(),
            applied_at: v.applied_at,
        }
    }
}

/// A page of volunteers.
#[derive(Debug, Serialize, ToSchema)]
pub struct VolunteerPage {
    /// Oldest first.
    pub items: Vec<VolunteerView>,
    /// Pass as `cursor` for the next page; null on the last.
    pub next_cursor: Option<String>,
}

/// Which volunteers to list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct VolunteerParams {
    /// Only under this node (default: everything the caller administers).
    pub node: Option<i64>,
    /// Only of this status.
    pub status: Option<VolunteerStatusDto>,
    /// Only of this kind.
    pub kind: Option<VolunteerKindDto>,
    /// Only with this skill.
    pub skill: Option<SkillDto>,
    /// 1–100, default 20.
    pub limit: Option<i64>,
    /// From `next_cursor`.
    pub cursor: Option<String>,
}

/// One entry of a volunteer's points ledger.
#[derive(Debug, Serialize, ToSchema)]
pub struct EntryView {
    /// Its id.
    pub id: i64,
    /// What it records.
    pub kind: EntryKindDto,
    /// Signed: credits positive, debits negative.
    pub amount: i64,
    /// The balance after it.
    pub balance_after: i64,
    /// What it is for: `activity:{id}:volunteer:{id}`, `request:{id}:volunteer:{id}`,
    /// `redemption:{id}`, `refund:{id}`; null for adjustments.
    pub source: Option<String>,
    /// Why (adjustments).
    pub reason: Option<String>,
    /// Minutes served (activity awards).
    pub minutes: Option<i64>,
    /// When.
    pub created_at: DateTime<Utc>,
}

impl From<EntryRecord> for EntryView {
    fn from(e: EntryRecord) -> Self {
        EntryView {
            id: e.id,
            kind: e.entry.kind().into(),
            amount: e.entry.amount().get(),
            balance_after: e.balance_after.get(),
            source: e.entry.key().map(str::to_owned),
            reason: e.entry.reason().map(|r| r.as_str().to_owned()),
            minutes: e.minutes,
            created_at: e.created_at,
        }
    }
}

/// A volunteer's points: the balance and the ledger, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct LedgerPage {
    /// The balance now.
    pub balance: i64,
    /// Entries, newest first.
    pub items: Vec<EntryView>,
    /// Pass as `cursor` for the next page; null on the last.
    pub next_cursor: Option<String>,
}

/// Paging through a ledger.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LedgerParams {
    /// 1–100, default 20.
    pub limit: Option<i64>,
    /// From `next_cursor`.
    pub cursor: Option<String>,
}

/// A staff correction of a balance.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AdjustBody {
    /// Points to add (positive) or take (negative); never below a zero balance.
    pub amount: i64,
    /// Why, 1–500 characters (kept in the ledger for good).
    pub reason: String,
}

/// One balance that does not match its ledger.
#[derive(Debug, Serialize, ToSchema)]
pub struct BalanceMismatchView {
    /// The volunteer.
    pub volunteer_id: i64,
    /// The balance kept on the volunteer.
    pub cached: i64,
    /// The sum of their ledger.
    pub summed: i64,
}

/// Every balance under the caller's nodes recomputed from the ledger.
#[derive(Debug, Serialize, ToSchema)]
pub struct BalanceCheckView {
    /// Volunteers checked.
    pub checked: i64,
    /// Those whose balance is not their ledger's sum (empty when all is well).
    pub mismatches: Vec<BalanceMismatchView>,
}
