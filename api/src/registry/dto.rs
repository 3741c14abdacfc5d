//! The registry's request and response types (never the stored rows).

use chrono::{DateTime, Utc};
use linli_domain::registry::{CareTag, ConsentMethod, Relation};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::params::CareTagDto;

impl From<CareTag> for CareTagDto {
    fn from(t: CareTag) -> Self {
        match t {
            CareTag::ElderlyLivingAlone => Self::ElderlyLivingAlone,
            CareTag::EmptyNestElderly => Self::EmptyNestElderly,
            CareTag::HardshipFamily => Self::HardshipFamily,
            CareTag::Disability => Self::Disability,
            CareTag::ChronicIllness => Self::ChronicIllness,
            CareTag::LeftBehindChild => Self::LeftBehindChild,
        }
    }
}

impl From<CareTagDto> for CareTag {
    fn from(t: CareTagDto) -> Self {
        match t {
            CareTagDto::ElderlyLivingAlone => Self::ElderlyLivingAlone,
            CareTagDto::EmptyNestElderly => Self::EmptyNestElderly,
            CareTagDto::HardshipFamily => Self::HardshipFamily,
            CareTagDto::Disability => Self::Disability,
            CareTagDto::ChronicIllness => Self::ChronicIllness,
            CareTagDto::LeftBehindChild => Self::LeftBehindChild,
        }
    }
}

/// A resident's relation to the head of the household.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RelationDto {
    /// 户主
    Head,
    /// 配偶
    Spouse,
    /// 子女
    Child,
    /// 父母
    Parent,
    /// 其他
    Other,
}

impl From<Relation> for RelationDto {
    fn from(r: Relation) -> Self {
        match r {
            Relation::Head => Self::Head,
            Relation::Spouse => Self::Spouse,
            Relation::Child => Self::Child,
            Relation::Parent => Self::Parent,
            Relation::Other => Self::Other,
        }
    }
}

impl From<RelationDto> for Relation {
    fn from(r: RelationDto) -> Self {
        match r {
            RelationDto::Head => Self::Head,
            RelationDto::Spouse => Self::Spouse,
            RelationDto::Child => Self::Child,
            RelationDto::Parent => Self::Parent,
            RelationDto::Other => Self::Other,
        }
    }
}

/// How consent to a care tag was given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ConsentMethodDto {
    /// 书面
    Written,
    /// 口头
    Verbal,
    /// 监护人
    Guardian,
}

impl From<ConsentMethod> for ConsentMethodDto {
    fn from(m: ConsentMethod) -> Self {
        match m {
            ConsentMethod::Written => Self::Written,
            ConsentMethod::Verbal => Self::Verbal,
            ConsentMethod::Guardian => Self::Guardian,
        }
    }
}

impl From<ConsentMethodDto> for ConsentMethod {
    fn from(m: ConsentMethodDto) -> Self {
        match m {
            ConsentMethodDto::Written => Self::Written,
            ConsentMethodDto::Verbal => Self::Verbal,
            ConsentMethodDto::Guardian => Self::Guardian,
        }
    }
}

/// Where a household is.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct HouseholdRef {
    /// Household node id.
    pub id: i64,
    /// The node's name (unit and room).
    #[schema(example = "1单元101")]
    pub name: String,
    /// The building's public code.
    #[schema(example = "DX-01-1")]
    pub building_code: Option<String>,
}

/// A household's profile.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ProfileView {
    /// Unit.
    pub unit: String,
    /// Room.
    pub room: String,
    /// People living there.
    pub size: i32,
    /// The office's notes; null when not shown to the caller.
    pub notes: Option<String>,
    /// When last changed.
    pub updated_at: DateTime<Utc>,
}

/// A resident as the caller may see them.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ResidentView {
    /// Registry entry id.
    pub id: i64,
    /// Name: whole, masked (张*三) or null, as the caller's role allows.
    pub name: Option<String>,
    /// True when `name` is masked.
    pub name_masked: bool,
    /// Relation to the head.
    pub relation: RelationDto,
    /// Birth year; null when not shown.
    pub birth_year: Option<i32>,
    /// Phone: whole, masked (138****5678) or null.
    pub phone: Option<String>,
    /// True when `phone` is masked.
    pub phone_masked: bool,
    /// True when linked to a resident's account.
    pub has_account: bool,
    /// True when anonymised at the resident's request.
    pub anonymised: bool,
}

/// The consent a care tag was recorded under.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ConsentView {
    /// How it was given.
    pub method: ConsentMethodDto,
    /// The registry entry of who gave it (or for whom a guardian did), if in the register.
    pub given_by_resident_id: Option<i64>,
    /// When.
    pub given_at: DateTime<Utc>,
    /// The account that recorded it.
    pub recorded_by: i64,
}

/// A care tag in force.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CareTagView {
    /// Its id.
    pub id: i64,
    /// The need.
    pub tag: CareTagDto,
    /// The resident it is about; null for the household as a whole.
    pub resident_id: Option<i64>,
    /// The consent.
    pub consent: ConsentView,
    /// When recorded.
    pub recorded_at: DateTime<Utc>,
}

/// A household's registry entry, as the caller may see it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct HouseholdRegistryView {
    /// The household.
    pub household: HouseholdRef,
    /// In which capacity the caller sees it: `own_household`, `community_staff`, `butler`,
    /// `grid_worker`, `office`.
    pub capacity: String,
    /// True when names and phones are shown whole (and the read was logged).
    pub revealed: bool,
    /// The profile; null until recorded.
    pub profile: Option<ProfileView>,
    /// The residents.
    pub residents: Vec<ResidentView>,
    /// The care tags in force.
    pub care_tags: Vec<CareTagView>,
}

/// A household's profile, to record.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ProfileBody {
    /// Unit (`2` or `2单元`).
    pub unit: String,
    /// Room (`101`).
    pub room: String,
    /// People living there, 1–20.
    pub size: i32,
    /// Notes, up to 1,000 characters.
    pub notes: Option<String>,
}

/// A resident to record.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ResidentBody {
    /// Name, 1–50 characters.
    #[schema(example = "王秀英")]
    pub name: String,
    /// Relation to the head.
    pub relation: RelationDto,
    /// Birth year.
    #[schema(example = 1948)]
    pub birth_year: Option<i32>,
    /// Phone (mobile or landline).
    #[schema(example = "13812345678")]
    pub phone: Option<String>,
    /// The resident's account, when they have one.
    pub user_id: Option<i64>,
}

/// Consent, as recorded with a tag.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ConsentBody {
    /// How it was given.
    pub method: ConsentMethodDto,
    /// The registry entry of who gave it (or for whom a guardian did).
    pub given_by_resident_id: Option<i64>,
    /// When; now when left out.
    pub given_at: Option<DateTime<Utc>>,
}

/// A care tag to record.
#[derive(Debug, Deserialize, ToSchema)]
pub struct CareTagBody {
    /// The need.
    pub tag: CareTagDto,
    /// The resident it is about; leave out for the household as a whole.
    pub resident_id: Option<i64>,
    /// The consent it is recorded under.
    pub consent: ConsentBody,
}

/// Households with a care need.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CareNeedList {
    /// By household id.
    pub items: Vec<HouseholdRegistryView>,
    /// For the next page; null on the last.
    pub next_cursor: Option<String>,
}

/// A logged read of personal data in the clear.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AccessLogView {
    /// Its id.
    pub id: i64,
    /// Who read.
    pub user_id: i64,
    /// In which capacity.
    pub capacity: String,
    /// The household.
    pub household_id: i64,
    /// One resident, when the read was of one.
    pub resident_id: Option<i64>,
    /// Fields shown whole.
    pub fields: Vec<String>,
    /// Why.
    pub purpose: String,
    /// When.
    pub at: DateTime<Utc>,
}

/// The access log, newest first.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AccessLogList {
    /// Entries.
    pub items: Vec<AccessLogView>,
    /// For the next page; null on the last.
    pub next_cursor: Option<String>,
}

/// A staff search of the register by name or phone (a body, so neither lands in a URL log).
#[derive(Debug, Deserialize, ToSchema)]
pub struct SearchBody {
    /// A name, exactly (white space and Latin case ignored).
    pub name: Option<String>,
    /// A phone number.
    pub phone: Option<String>,
}

/// Households whose register holds the name or phone searched for, masked.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SearchResult {
    /// The matching households as the caller may see them.
    pub items: Vec<HouseholdRegistryView>,
}

/// Changes to a resident's entry: only the fields given change; `null` clears `birth_year`,
/// `phone` or `user_id`.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResidentPatch {
    /// New name, 1–50 characters.
    #[schema(example = "王秀英")]
    pub name: Option<String>,
    /// New relation to the head.
    pub relation: Option<RelationDto>,
    /// New birth year; `null` clears it.
    #[serde(default, deserialize_with = "crate::extract::present")]
    #[schema(value_type = Option<i32>, example = 1948)]
    pub birth_year: Option<Option<i32>>,
    /// New phone; `null` (or "") clears it.
    #[serde(default, deserialize_with = "crate::extract::present")]
    #[schema(value_type = Option<String>, example = "13812345678")]
    pub phone: Option<Option<String>>,
    /// The resident's account; `null` unlinks it.
    #[serde(default, deserialize_with = "crate::extract::present")]
    #[schema(value_type = Option<i64>)]
    pub user_id: Option<Option<i64>>,
}
