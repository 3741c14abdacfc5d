use serde::{Deserialize, Serialize};

use crate::org::NodeKind;

/// A role a user holds, bound to an org node (or, for property staff, a property company).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RoleKind {
    /// 居民: bound to a household (or to nothing until a household is bound).
    Resident,
    /// 楼栋兴管家: bound to a building.
    Butler,
    /// 网格员: bound to a grid.
    GridWorker,
    /// 物业工作人员: bound to a property company; acts on the compounds it manages.
    PropertyStaff,
    /// 志愿者: bound to a community.
    Volunteer,
    /// 社区工作人员
    CommunityStaff,
    /// 街道工作人员
    StreetStaff,
    /// 区管理员
    DistrictAdmin,
}

/// A string that names no role.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown role `{0}`")]
pub struct UnknownRole(pub String);

impl RoleKind {
    /// Every role.
    pub const ALL: [RoleKind; 8] = [
        RoleKind::Resident,
        RoleKind::Butler,
        RoleKind::GridWorker,
        RoleKind::PropertyStaff,
        RoleKind::Volunteer,
        RoleKind::CommunityStaff,
        RoleKind::StreetStaff,
        RoleKind::DistrictAdmin,
    ];

    /// The stable identifier used in the API and the database.
    pub fn as_str(self) -> &'static str {
        match self {
            RoleKind::Resident => "resident",
            RoleKind::Butler => "butler",
            RoleKind::GridWorker => "grid_worker",
            RoleKind::PropertyStaff => "property_staff",
            RoleKind::Volunteer => "volunteer",
            RoleKind::CommunityStaff => "community_staff",
            RoleKind::StreetStaff => "street_staff",
            RoleKind::DistrictAdmin => "district_admin",
        }
    }

    /// Parses the stable identifier.
    pub fn parse(s: &str) -> Result<Self, UnknownRole> {
        Self::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| UnknownRole(s.to_owned()))
    }

    /// The kind of org node this role is bound to; `None` for property staff (bound to a company).
    pub fn node_kind(self) -> Option<NodeKind> {
        match self {
            RoleKind::Resident => Some(NodeKind::Household),
            RoleKind::Butler => Some(NodeKind::Building),
            RoleKind::GridWorker => Some(NodeKind::Grid),
            RoleKind::PropertyStaff => None,
            RoleKind::Volunteer | RoleKind::CommunityStaff => Some(NodeKind::Community),
            RoleKind::StreetStaff => Some(NodeKind::Street),
            RoleKind::DistrictAdmin => Some(NodeKind::District),
        }
    }

    /// Staff roles that administer a subtree: they manage its nodes and accounts.
    pub fn is_admin(self) -> bool {
        matches!(
            self,
            RoleKind::CommunityStaff | RoleKind::StreetStaff | RoleKind::DistrictAdmin
        )
    }
}
