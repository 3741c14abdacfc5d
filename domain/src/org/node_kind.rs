use serde::{Deserialize, Serialize};

/// The level of a node in the five-level grid (plus the district and street above it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NodeKind {
    /// 区
    District,
    /// 街道
    Street,
    /// 社区: the tenant.
    Community,
    /// 网格
    Grid,
    /// 小区: managed by one property company.
    Compound,
    /// 楼栋: has a butler team and a QR code.
    Building,
    /// 居民家庭
    Household,
}

/// A string that names no node kind.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown node kind `{0}`")]
pub struct UnknownNodeKind(pub String);

impl NodeKind {
    /// Every kind, from the top of the tree down.
    pub const ALL: [NodeKind; 7] = [
        NodeKind::District,
        NodeKind::Street,
        NodeKind::Community,
        NodeKind::Grid,
        NodeKind::Compound,
        NodeKind::Building,
        NodeKind::Household,
    ];

    /// The stable identifier used in the API and the database.
    pub fn as_str(self) -> &'static str {
        match self {
            NodeKind::District => "district",
            NodeKind::Street => "street",
            NodeKind::Community => "community",
            NodeKind::Grid => "grid",
            NodeKind::Compound => "compound",
            NodeKind::Building => "building",
            NodeKind::Household => "household",
        }
    }

    /// Parses the stable identifier.
    pub fn parse(s: &str) -> Result<Self, UnknownNodeKind> {
        Self::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| UnknownNodeKind(s.to_owned()))
    }

    /// The kind a child of this node must have; `None` for a household, which has no children.
    pub fn child_kind(self) -> Option<NodeKind> {
        let i = Self::ALL.iter().position(|k| *k == self)?;
        Self::ALL.get(i + 1).copied()
    }

    /// Depth in the tree: the district is 0.
    pub fn depth(self) -> usize {
        Self::ALL.iter().position(|k| *k == self).unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_round_trip_and_chain() {
        for k in NodeKind::ALL {
            assert_eq!(NodeKind::parse(k.as_str()), Ok(k));
        }
        assert_eq!(NodeKind::Grid.child_kind(), Some(NodeKind::Compound));
        assert_eq!(NodeKind::Household.child_kind(), None);
        assert!(NodeKind::parse("village").is_err());
    }
}
