//! Building butler teams (楼栋"兴管家") and their work logs.
//!
//! A team serves one or more buildings; its members are party-member household heads, property
//! staff and party-member volunteers, each with duty roles and a public work phone, and a team
//! leader (楼栋长). Butlers and grid workers log their work (home visits, policy outreach,
//! information collection, hazard inspections, mediation); a concern or hazard becomes a
//! request on the `butler` channel, and a hazard fixed on the spot is resolved at once.

mod access;
mod member;
mod work_log;

pub use access::{may_log, may_manage_team, may_see_log};
pub use member::{Duties, Duty, MemberKind, UnknownDuty, UnknownMemberKind};
pub use work_log::{
    Conversion, ConvertError, HazardFieldsGiven, HazardKind, LogFacts, NewLogError, Severity,
    UnknownHazardKind, UnknownSeverity, UnknownWorkLogKind, WorkLogKind, check_new, conversion,
    request_text,
};

/// Parses a stored or wire name among `all`, by their `as_str`.
fn parse_among<T: Copy>(all: &[T], s: &str, name: impl Fn(T) -> &'static str) -> Option<T> {
    all.iter().copied().find(|v| name(*v) == s)
}
