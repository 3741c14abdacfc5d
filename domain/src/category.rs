//! Service categories (服务类别): data, not code. Six are seeded; district admins edit them.

use serde::{Deserialize, Serialize};

use crate::CategoryId;

/// Who a category's requests go to by default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HandlerKind {
    /// The property company that manages the building's compound.
    PropertyCompany,
    /// A volunteer of the community, else one of the building's butlers.
    Volunteer,
    /// The grid's worker.
    GridWorker,
    /// Community staff.
    CommunityStaff,
}

impl HandlerKind {
    /// The stable identifier.
    pub fn as_str(self) -> &'static str {
        match self {
            HandlerKind::PropertyCompany => "property_company",
            HandlerKind::Volunteer => "volunteer",
            HandlerKind::GridWorker => "grid_worker",
            HandlerKind::CommunityStaff => "community_staff",
        }
    }

    /// Parses the stable identifier.
    pub fn parse(s: &str) -> Option<Self> {
        [
            HandlerKind::PropertyCompany,
            HandlerKind::Volunteer,
            HandlerKind::GridWorker,
            HandlerKind::CommunityStaff,
        ]
        .into_iter()
        .find(|h| h.as_str() == s)
    }
}

/// A category's short stable code, e.g. `property`: `[a-z0-9_]`, 1–32 characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CategoryCode(String);

/// Why a string is not a category code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a category code has 1 to 32 characters of a-z, 0-9 and '_'")]
pub struct CategoryCodeError;

impl CategoryCode {
    /// Parses a code.
    pub fn parse(s: &str) -> Result<Self, CategoryCodeError> {
        let ok = !s.is_empty()
            && s.len() <= 32
            && s.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if ok {
            Ok(CategoryCode(s.to_owned()))
        } else {
            Err(CategoryCodeError)
        }
    }

    /// The code as stored.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The most days a category may give for resolution by default (feedback within 15 days).
pub const MAX_RESOLUTION_DAYS: i32 = 15;

/// A service category with its deadlines and default handler.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Category {
    /// Its id.
    pub id: CategoryId,
    /// Its stable code.
    pub code: CategoryCode,
    /// Its name, in Chinese.
    pub name: String,
    /// Hours within which a handler must claim a request.
    pub first_response_hours: i32,
    /// Days within which a request must be resolved.
    pub resolution_days: i32,
    /// Who requests go to by default.
    pub default_handler: HandlerKind,
    /// Whether new requests may use it.
    pub active: bool,
}

/// A category to seed a new deployment with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CategorySeed {
    /// Stable code.
    pub code: &'static str,
    /// Chinese name.
    pub name: &'static str,
    /// Hours to first response.
    pub first_response_hours: i32,
    /// Days to resolution.
    pub resolution_days: i32,
    /// Default handler.
    pub default_handler: HandlerKind,
}

/// The six categories of the 360 service supermarket.
pub const DEFAULT_CATEGORIES: [CategorySeed; 6] = [
    CategorySeed {
        code: "property",
        name: "物业管理",
        first_response_hours: 24,
        resolution_days: 7,
        default_handler: HandlerKind::PropertyCompany,
    },
    CategorySeed {
        code: "home_life",
        name: "居家生活",
        first_response_hours: 24,
        resolution_days: 7,
        default_handler: HandlerKind::Volunteer,
    },
    CategorySeed {
        code: "mediation",
        name: "矛盾调解",
        first_response_hours: 24,
        resolution_days: 15,
        default_handler: HandlerKind::GridWorker,
    },
    CategorySeed {
        code: "social_org",
        name: "社会组织",
        first_response_hours: 48,
        resolution_days: 15,
        default_handler: HandlerKind::CommunityStaff,
    },
    CategorySeed {
        code: "legal",
        name: "法律服务",
        first_response_hours: 48,
        resolution_days: 15,
        default_handler: HandlerKind::CommunityStaff,
    },
    CategorySeed {
        code: "care",
        name: "帮扶救助",
        first_response_hours: 12,
        resolution_days: 10,
        default_handler: HandlerKind::GridWorker,
    },
];
