//! A resident's relation to the head of the household (与户主关系).

/// Who a resident is in the household, as the community's register records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Relation {
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

/// A string that names no relation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("not a relation (head, spouse, child, parent, other / 户主, 配偶, 子女, 父母, 其他)")]
pub struct UnknownRelation;

impl Relation {
    /// Every relation.
    pub const ALL: [Relation; 5] = [
        Relation::Head,
        Relation::Spouse,
        Relation::Child,
        Relation::Parent,
        Relation::Other,
    ];

    /// The stored and wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Relation::Head => "head",
            Relation::Spouse => "spouse",
            Relation::Child => "child",
            Relation::Parent => "parent",
            Relation::Other => "other",
        }
    }

    /// The name on a community office's form.
    pub fn zh(self) -> &'static str {
        match self {
            Relation::Head => "户主",
            Relation::Spouse => "配偶",
            Relation::Child => "子女",
            Relation::Parent => "父母",
            Relation::Other => "其他",
        }
    }

    /// Parses the wire name or the Chinese one (as offices write it, with a few common
    /// variants: 本人 for the head, 儿子/女儿 for a child).
    pub fn parse(s: &str) -> Result<Self, UnknownRelation> {
        let s = s.trim();
        if let Some(r) = Self::ALL
            .into_iter()
            .find(|r| r.as_str().eq_ignore_ascii_case(s) || r.zh() == s)
        {
            return Ok(r);
        }
        match s {
            "本人" => Ok(Relation::Head),
            "妻子" | "丈夫" | "夫" | "妻" => Ok(Relation::Spouse),
            "儿子" | "女儿" | "子" | "女" => Ok(Relation::Child),
            "父亲" | "母亲" => Ok(Relation::Parent),
            _ => Err(UnknownRelation),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relations_parse_in_both_languages() {
        for r in Relation::ALL {
            assert_eq!(Relation::parse(r.as_str()), Ok(r));
            assert_eq!(Relation::parse(r.zh()), Ok(r));
        }
        assert_eq!(Relation::parse(" 本人 "), Ok(Relation::Head));
        assert_eq!(Relation::parse("女儿"), Ok(Relation::Child));
        assert_eq!(Relation::parse("邻居"), Err(UnknownRelation));
    }
}
