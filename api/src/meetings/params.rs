//! Query parameters of the meeting routes (kept apart from the handlers, as utoipa wants).

use serde::Deserialize;
use utoipa::IntoParams;

use super::wire::{MeetingKindDto, MeetingStatusDto};

/// Filters for `GET /api/v1/meetings`; each narrows what the caller may see anyway.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// Only this status.
    #[param(inline)]
    pub status: Option<MeetingStatusDto>,
    /// Only this kind.
    #[param(inline)]
    pub kind: Option<MeetingKindDto>,
    /// Only under this org node (id).
    pub node: Option<i64>,
    /// Only meetings concerning this request.
    pub request_id: Option<i64>,
    /// Page size, 1–100 (default 20).
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// Parameters of `GET /api/v1/stats/meetings`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MeetingStatsParams {
    /// The org node (id); default the caller's own top node.
    pub node: Option<i64>,
    /// Meetings starting on or after this local date (YYYY-MM-DD); default all time.
    pub from: Option<String>,
    /// Meetings starting on or before this local date.
    pub to: Option<String>,
}
