//! Activities on the wire: request bodies, views and enums with their schemas. Separate from
//! the stored records: a view is rendered for one caller (their own sign-up and position).

use chrono::{DateTime, Utc};
use linli_domain::activity::{ActivityStatus, CheckinPurpose, SignupStatus};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

macro_rules! dto_enum {
    ($(#[$doc:meta])* $dto:ident <=> $domain:ident { $($(#[$vdoc:meta])* $v:ident),* $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
        #[serde(rename_all = "snake_case")]
        pub enum $dto {
            $($(#[$vdoc])* $v,)*
        }

        impl From<$dto> for $domain {
            fn from(d: $dto) -> Self {
                match d {
                    $($dto::$v => $domain::$v,)*
                }
            }
        }

        impl From<$domain> for $dto {
            fn from(d: $domain) -> Self {
                match d {
                    $($domain::$v => $dto::$v,)*
                }
            }
        }
    };
}

dto_enum!(
    /// draft → published → ongoing → finished, or cancelled.
    ActivityStatusDto <=> ActivityStatus {
        /// Being prepared; volunteers do not see it.
        Draft,
        /// Open for sign-up.
        Published,
        /// Under way (started, or the first volunteer checked in).
        Ongoing,
        /// Over; points awarded.
        Finished,
        /// Called off.
        Cancelled,
    }
);

dto_enum!(
    /// A sign-up: a place (`confirmed`), on the waiting list (`waiting`), or `withdrawn`.
    SignupStatusDto <=> SignupStatus {
        /// Has a place.
        Confirmed,
        /// On the waiting list.
        Waiting,
        /// Withdrew.
        Withdrawn,
    }
);

dto_enum!(
    /// What a check-in code does: check `in` or check `out`.
    CheckinPurposeDto <=> CheckinPurpose {
        /// Check in.
        In,
        /// Check out.
        Out,
    }
);

/// What kind of organisation a partner is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PartnerKindDto {
    /// A hospital or clinic (free clinics).
    Hospital,
    /// A law firm (legal advice days).
    LawFirm,
    /// A social organisation.
    SocialOrganisation,
    /// A school.
    School,
    /// A company.
    Enterprise,
    /// A government office.
    Government,
    /// Anything else.
    Other,
}

impl PartnerKindDto {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            PartnerKindDto::Hospital => "hospital",
            PartnerKindDto::LawFirm => "law_firm",
            PartnerKindDto::SocialOrganisation => "social_organisation",
            PartnerKindDto::School => "school",
            PartnerKindDto::Enterprise => "enterprise",
            PartnerKindDto::Government => "government",
            PartnerKindDto::Other => "other",
        }
    }
}

/// A partner organisation.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PartnerBody {
    /// Its name, e.g. 莲湖区人民医院.
    pub name: String,
    /// Its kind.
    pub kind: PartnerKindDto,
}

/// A partner organisation as shown.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PartnerView {
    /// Its name.
    pub name: String,
    /// Its kind (`hospital`, `law_firm`, …).
    pub kind: String,
}

/// A new activity (stored as a draft).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CreateActivityBody {
    /// The community it belongs to; default the caller's own community (community staff).
    pub community_id: Option<i64>,
    /// Title, 1–100 characters.
    pub title: String,
    /// Description, up to 1,000 characters.
    pub description: Option<String>,
    /// Who runs it; default the community's name.
    pub organiser: Option<String>,
    /// Partner organisations (at most 10).
    #[serde(default)]
    pub partners: Vec<PartnerBody>,
    /// Where.
    pub place: String,
    /// When it starts.
    pub starts_at: DateTime<Utc>,
    /// When it ends (after the start, at most 72 hours later).
    pub ends_at: DateTime<Utc>,
    /// The last moment to sign up; default the start.
    pub signup_deadline: Option<DateTime<Utc>>,
    /// Places, 1–10,000.
    pub capacity: i64,
    /// Skills a volunteer must have (`medical`, `legal`, `recitation`, …).
    #[serde(default)]
    pub required_skills: Vec<String>,
    /// Points per hour instead of the community's rule (0–10,000).
    pub points_per_hour: Option<i64>,
    /// Points for taking part instead of the community's rule (0–10,000).
    pub points_per_activity: Option<i64>,
}

/// Changes to a draft or published activity, at the version read; absent fields stay.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct UpdateActivityBody {
    /// The version the client read; another one answers 409 `activity.version_conflict`.
    pub version: i64,
    /// Title.
    pub title: Option<String>,
    /// Description (empty clears it).
    pub description: Option<String>,
    /// Organiser.
    pub organiser: Option<String>,
    /// Partner organisations (replace the list).
    pub partners: Option<Vec<PartnerBody>>,
    /// Where.
    pub place: Option<String>,
    /// Start.
    pub starts_at: Option<DateTime<Utc>>,
    /// End.
    pub ends_at: Option<DateTime<Utc>>,
    /// Sign-up deadline.
    pub signup_deadline: Option<DateTime<Utc>>,
    /// Places: never below the confirmed; more places promote from the waiting list.
    pub capacity: Option<i64>,
    /// Required skills (replace the list).
    pub required_skills: Option<Vec<String>>,
    /// Points per hour override.
    pub points_per_hour: Option<i64>,
    /// Points per activity override.
    pub points_per_activity: Option<i64>,
}

/// Why an activity is cancelled.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct CancelActivityBody {
    /// The reason, shown to the volunteers who signed up.
    pub reason: String,
}

/// The caller's own sign-up.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MySignupView {
    /// Its status.
    pub status: SignupStatusDto,
    /// 1-based position on the waiting list, when waiting.
    pub position: Option<u32>,
    /// When they signed up.
    pub signed_up_at: DateTime<Utc>,
    /// When they checked in.
    pub checked_in_at: Option<DateTime<Utc>>,
    /// When they checked out.
    pub checked_out_at: Option<DateTime<Utc>>,
    /// Minutes served, once finished.
    pub minutes: Option<i64>,
    /// Points awarded, once finished.
    pub points: Option<i64>,
}

/// An activity.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ActivityView {
    /// Its id.
    pub id: i64,
    /// The community.
    pub community_id: i64,
    /// Title.
    pub title: String,
    /// Description.
    pub description: Option<String>,
    /// Who runs it.
    pub organiser: String,
    /// Partner organisations.
    pub partners: Vec<PartnerView>,
    /// Where.
    pub place: String,
    /// Start.
    pub starts_at: DateTime<Utc>,
    /// End.
    pub ends_at: DateTime<Utc>,
    /// Sign-up closes.
    pub signup_deadline: DateTime<Utc>,
    /// Places.
    pub capacity: u32,
    /// Required skills.
    pub required_skills: Vec<String>,
    /// The activity's own points per hour, if it overrides the community's rule.
    pub points_per_hour: Option<i64>,
    /// The activity's own points for taking part, if it overrides the community's rule.
    pub points_per_activity: Option<i64>,
    /// Where it stands.
    pub status: ActivityStatusDto,
    /// Why it was cancelled.
    pub cancel_reason: Option<String>,
    /// Bumped by every change; send it back with an edit.
    pub version: i64,
    /// Confirmed places taken.
    pub confirmed_count: u32,
    /// Volunteers on the waiting list.
    pub waiting_count: u32,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// When it was published.
    pub published_at: Option<DateTime<Utc>>,
    /// When it finished.
    pub finished_at: Option<DateTime<Utc>>,
    /// The caller manages it.
    pub manageable: bool,
    /// The caller's own current sign-up (single views only).
    pub my_signup: Option<MySignupView>,
}

/// A page of activities, newest first.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ActivityPage {
    /// The activities.
    pub items: Vec<ActivityView>,
    /// The cursor of the next page, if any.
    pub next_cursor: Option<String>,
}

/// Filters of `GET /api/v1/activities`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ActivityListParams {
    /// Only this status.
    #[param(inline)]
    pub status: Option<ActivityStatusDto>,
    /// Starting at or after (RFC 3339).
    pub from: Option<DateTime<Utc>>,
    /// Starting at or before (RFC 3339).
    pub to: Option<DateTime<Utc>>,
    /// Page size, 1–100 (default 20).
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// The outcome of signing up.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SignupResult {
    /// The activity.
    pub activity_id: i64,
    /// The volunteer.
    pub volunteer_id: i64,
    /// `confirmed` or `waiting`.
    pub status: SignupStatusDto,
    /// 1-based position on the waiting list, when waiting.
    pub position: Option<u32>,
    /// When.
    pub signed_up_at: DateTime<Utc>,
}

/// The outcome of withdrawing.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct WithdrawResult {
    /// The activity.
    pub activity_id: i64,
    /// The volunteer who withdrew.
    pub volunteer_id: i64,
    /// What the sign-up was.
    pub was: SignupStatusDto,
    /// Volunteers moved from the waiting list to a place, in order.
    pub promoted: Vec<i64>,
}

/// A sign-up as managers see it, with attendance.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SignupView {
    /// The volunteer.
    pub volunteer_id: i64,
    /// Their name.
    pub display_name: String,
    /// Status.
    pub status: SignupStatusDto,
    /// Position on the waiting list.
    pub position: Option<u32>,
    /// Signed up.
    pub signed_up_at: DateTime<Utc>,
    /// Promoted from the waiting list.
    pub promoted_at: Option<DateTime<Utc>>,
    /// Withdrew.
    pub withdrawn_at: Option<DateTime<Utc>>,
    /// Checked in.
    pub checked_in_at: Option<DateTime<Utc>>,
    /// Checked out.
    pub checked_out_at: Option<DateTime<Utc>>,
    /// Why the organiser corrected the attendance.
    pub correction_reason: Option<String>,
    /// Minutes served, once finished.
    pub minutes: Option<i64>,
    /// Points awarded, once finished.
    pub points: Option<i64>,
}

/// Every sign-up of an activity, in the order made.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SignupList {
    /// The sign-ups.
    pub items: Vec<SignupView>,
}

/// Parameters of the check-in code routes.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CodeParams {
    /// `in` (default) or `out`.
    #[param(inline)]
    pub purpose: Option<CheckinPurposeDto>,
}

/// The current check-in code, to show as a QR code.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CheckinCodeView {
    /// The activity.
    pub activity_id: i64,
    /// In or out.
    pub purpose: CheckinPurposeDto,
    /// The code a volunteer's phone scans and posts back.
    pub code: String,
    /// Until when it is accepted.
    pub valid_until: DateTime<Utc>,
    /// When to fetch the next one.
    pub refresh_at: DateTime<Utc>,
}

/// A scanned code.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct CodeBody {
    /// The code as scanned.
    pub code: String,
}

/// A volunteer's attendance.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AttendanceView {
    /// The activity.
    pub activity_id: i64,
    /// The volunteer.
    pub volunteer_id: i64,
    /// Checked in.
    pub checked_in_at: Option<DateTime<Utc>>,
    /// Checked out.
    pub checked_out_at: Option<DateTime<Utc>>,
    /// Who corrected it.
    pub corrected_by: Option<i64>,
    /// Why.
    pub correction_reason: Option<String>,
}

/// An organiser's correction of one volunteer's attendance.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct CorrectionBody {
    /// Check-in (absent with the check-out: marks them absent).
    pub checked_in_at: Option<DateTime<Utc>>,
    /// Check-out.
    pub checked_out_at: Option<DateTime<Utc>>,
    /// Why (required).
    pub reason: String,
}

/// One attendee's award at the finish.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AwardView {
    /// The volunteer.
    pub volunteer_id: i64,
    /// Minutes served within the activity's window.
    pub minutes: i64,
    /// Points awarded (0 when nothing was served).
    pub points: i64,
}

/// A finished activity and what each confirmed volunteer got.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FinishResult {
    /// The activity.
    pub activity: ActivityView,
    /// One per confirmed volunteer.
    pub awards: Vec<AwardView>,
}

/// One activity of the caller's, with their hours and points.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MyActivityView {
    /// The activity.
    pub activity_id: i64,
    /// Title.
    pub title: String,
    /// Where.
    pub place: String,
    /// Start.
    pub starts_at: DateTime<Utc>,
    /// End.
    pub ends_at: DateTime<Utc>,
    /// The activity's status.
    pub activity_status: ActivityStatusDto,
    /// The sign-up's status.
    pub signup_status: SignupStatusDto,
    /// Position on the waiting list.
    pub position: Option<u32>,
    /// Checked in.
    pub checked_in_at: Option<DateTime<Utc>>,
    /// Checked out.
    pub checked_out_at: Option<DateTime<Utc>>,
    /// Minutes served (once finished).
    pub minutes: Option<i64>,
    /// Points awarded (once finished).
    pub points: Option<i64>,
}

/// The caller's activities and totals.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MyActivities {
    /// Their sign-ups, newest first (a withdrawn one only when they have no later one).
    pub items: Vec<MyActivityView>,
    /// Minutes served over finished activities.
    pub total_minutes: i64,
    /// Points from finished activities.
    pub total_points: i64,
}
