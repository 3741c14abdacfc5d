//! Query parameters of the registry's routes (kept apart from the handlers, as utoipa needs).

use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

/// A care need, by stable identifier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CareTagDto {
    /// 独居老人
    ElderlyLivingAlone,
    /// 空巢老人
    EmptyNestElderly,
    /// 困难家庭 (the household as a whole)
    HardshipFamily,
    /// 残疾人
    Disability,
    /// 重病慢病
    ChronicIllness,
    /// 留守儿童
    LeftBehindChild,
}

/// How a household's registry entry is read.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ViewParams {
    /// `true` to see names and phones whole (community staff only; logged with `purpose`).
    pub reveal: Option<bool>,
    /// Why they are revealed (1–200 characters), required with `reveal=true`.
    pub purpose: Option<String>,
}

/// Which households with which need.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CareNeedParams {
    /// The need.
    #[param(inline)]
    pub tag: CareTagDto,
    /// Page size, 1–100; default 20.
    pub limit: Option<i64>,
    /// From the previous page's `next_cursor`.
    pub cursor: Option<String>,
}

/// The access log's filters.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AccessLogParams {
    /// Only reads of this household.
    pub household: Option<i64>,
    /// Page size, 1–100; default 20.
    pub limit: Option<i64>,
    /// From the previous page's `next_cursor`.
    pub cursor: Option<String>,
}
