use crate::OrgNodeId;

/// A materialised path: the ids from the root down to a node, as `/1/4/9/`.
///
/// "Everything under this node" is every path that starts with this one, so a subtree is one
/// indexed prefix query.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct NodePath(String);

/// A string that is not a well-formed path.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("malformed node path `{0}`")]
pub struct NodePathError(pub String);

impl NodePath {
    /// The path of a root node.
    pub fn root(id: OrgNodeId) -> Self {
        NodePath(format!("/{}/", id.0))
    }

    /// The path of a child of this node.
    pub fn child(&self, id: OrgNodeId) -> Self {
        NodePath(format!("{}{}/", self.0, id.0))
    }

    /// Parses a stored path, checking its shape.
    pub fn parse(s: &str) -> Result<Self, NodePathError> {
        let err = || NodePathError(s.to_owned());
        let inner = s
            .strip_prefix('/')
            .and_then(|r| r.strip_suffix('/'))
            .ok_or_else(err)?;
        if inner.is_empty()
            || !inner
                .split('/')
                .all(|p| !p.is_empty() && p.parse::<u64>().is_ok())
        {
            return Err(err());
        }
        Ok(NodePath(s.to_owned()))
    }

    /// The path as stored.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The ids from the root down to the node itself.
    pub fn ids(&self) -> Vec<OrgNodeId> {
        self.0
            .split('/')
            .filter(|p| !p.is_empty())
            .filter_map(|p| p.parse().ok())
            .map(OrgNodeId)
            .collect()
    }

    /// The node this path ends at.
    pub fn node_id(&self) -> OrgNodeId {
        *self
            .ids()
            .last()
            .expect("a parsed path has at least one id")
    }

    /// The child of this node on the way down to `descendant`; `None` when `descendant` is this
    /// node or not below it.
    pub fn child_toward(&self, descendant: &NodePath) -> Option<OrgNodeId> {
        if !self.contains(descendant) {
            return None;
        }
        descendant.ids().get(self.ids().len()).copied()
    }

    /// True when `other` is this node or lies below it.
    pub fn contains(&self, other: &NodePath) -> bool {
        other.0.starts_with(&self.0)
    }
}

impl std::fmt::Display for NodePath {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subtree_is_a_prefix_but_not_of_a_sibling_with_a_longer_id() {
        let a = NodePath::root(OrgNodeId(1)).child(OrgNodeId(2));
        let b = a.child(OrgNodeId(3));
        let sibling = NodePath::root(OrgNodeId(1)).child(OrgNodeId(22));
        assert!(a.contains(&b));
        assert!(a.contains(&a));
        assert!(!b.contains(&a));
        assert!(!a.contains(&sibling));
        assert_eq!(b.ids(), vec![OrgNodeId(1), OrgNodeId(2), OrgNodeId(3)]);
        assert_eq!(b.node_id(), OrgNodeId(3));
    }

    #[test]
    fn child_toward_a_descendant() {
        let grid = NodePath::root(OrgNodeId(1)).child(OrgNodeId(2));
        let building = grid.child(OrgNodeId(3)).child(OrgNodeId(4));
        assert_eq!(grid.child_toward(&building), Some(OrgNodeId(3)));
        assert_eq!(grid.child_toward(&grid), None);
        let elsewhere = NodePath::root(OrgNodeId(9)).child(OrgNodeId(3));
        assert_eq!(grid.child_toward(&elsewhere), None);
    }

    #[test]
    fn parse_rejects_malformed() {
        assert!(NodePath::parse("/1/2/").is_ok());
        for bad in ["", "/", "1/2/", "/1/2", "/1//2/", "/a/"] {
            assert!(NodePath::parse(bad).is_err(), "{bad}");
        }
    }
}
