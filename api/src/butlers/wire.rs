//! The butler enums as the API spells them (with OpenAPI schemas), mapped to the domain's.

use linli_domain::butler::{Duty, HazardKind, MemberKind, Severity, WorkLogKind};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

macro_rules! mirror {
    ($(#[$doc:meta])* $dto:ident <=> $domain:ident { $($variant:ident),* $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
        #[serde(rename_all = "snake_case")]
        pub enum $dto { $($variant),* }

        impl From<$domain> for $dto {
            fn from(v: $domain) -> Self {
                match v { $($domain::$variant => $dto::$variant),* }
            }
        }

        impl From<$dto> for $domain {
            fn from(v: $dto) -> Self {
                match v { $($dto::$variant => $domain::$variant),* }
            }
        }
    };
}

mirror!(
    /// What a team member is: `party_member_household_head` (党员中心户), `property_staff`
    /// (物业工作人员) or `party_member_volunteer` (党员志愿者).
    MemberKindDto <=> MemberKind { PartyMemberHouseholdHead, PropertyStaff, PartyMemberVolunteer }
);

mirror!(
    /// A duty: `home_visit` (入户走访), `policy_outreach` (政策宣传), `information_collection`
    /// (信息采集), `concern_collection` (民情收集), `hazard_inspection` (隐患排查),
    /// `neighbour_harmony` (和谐邻里).
    DutyDto <=> Duty { HomeVisit, PolicyOutreach, InformationCollection, ConcernCollection, HazardInspection, NeighbourHarmony }
);

mirror!(
    /// What a work log records: `home_visit` (入户走访), `policy_outreach` (政策宣传),
    /// `information_collection` (信息采集), `hazard_inspection` (隐患排查), `mediation` (和谐邻里).
    WorkLogKindDto <=> WorkLogKind { HomeVisit, PolicyOutreach, InformationCollection, HazardInspection, Mediation }
);

mirror!(
    /// A hazard's kind.
    HazardKindDto <=> HazardKind { FireSafety, Electrical, Structural, Drainage, Elevator, Other }
);

mirror!(
    /// A hazard's severity, least first.
    SeverityDto <=> Severity { Low, Medium, High, Critical }
);
