//! Identifier newtypes. Their database mapping lives in `persistence`.

use serde::{Deserialize, Serialize};

macro_rules! id_type {
    ($(#[$doc:meta] $name:ident),* $(,)?) => {$(
        #[$doc]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }
    )*};
}

id_type!(
    /// A user account (a person; partners come later).
    UserId,
    /// A node of the organisation tree (district … household).
    OrgNodeId,
    /// A property company (物业公司).
    PropertyCompanyId,
    /// A resident's request (诉求 / 工单).
    RequestId,
    /// A service category (服务类别).
    CategoryId,
);
