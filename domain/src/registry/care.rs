//! Care tags (关爱标签): who in the community needs looking after, each recorded with the
//! consent of the person (or their guardian) it is about.

/// A care need, by stable identifier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CareTag {
    /// 独居老人: an elderly person living alone.
    ElderlyLivingAlone,
    /// 空巢老人: elderly people whose children live elsewhere.
    EmptyNestElderly,
    /// 困难家庭: a family in hardship (低保, 特困).
    HardshipFamily,
    /// 残疾人: a person with a disability.
    Disability,
    /// 重病/慢病: serious or chronic illness.
    ChronicIllness,
    /// 留守儿童: a child whose parents work elsewhere.
    LeftBehindChild,
}

/// A string that names no care tag.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("not a care tag")]
pub struct UnknownCareTag;

impl CareTag {
    /// Every tag.
    pub const ALL: [CareTag; 6] = [
        CareTag::ElderlyLivingAlone,
        CareTag::EmptyNestElderly,
        CareTag::HardshipFamily,
        CareTag::Disability,
        CareTag::ChronicIllness,
        CareTag::LeftBehindChild,
    ];

    /// The stored and wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            CareTag::ElderlyLivingAlone => "elderly_living_alone",
            CareTag::EmptyNestElderly => "empty_nest_elderly",
            CareTag::HardshipFamily => "hardship_family",
            CareTag::Disability => "disability",
            CareTag::ChronicIllness => "chronic_illness",
            CareTag::LeftBehindChild => "left_behind_child",
        }
    }

    /// The name on a community office's form.
    pub fn zh(self) -> &'static str {
        match self {
            CareTag::ElderlyLivingAlone => "独居老人",
            CareTag::EmptyNestElderly => "空巢老人",
            CareTag::HardshipFamily => "困难家庭",
            CareTag::Disability => "残疾人",
            CareTag::ChronicIllness => "重病慢病",
            CareTag::LeftBehindChild => "留守儿童",
        }
    }

    /// Parses the wire name or the Chinese one.
    pub fn parse(s: &str) -> Result<Self, UnknownCareTag> {
        let s = s.trim();
        Self::ALL
            .into_iter()
            .find(|t| t.as_str().eq_ignore_ascii_case(s) || t.zh() == s)
            .ok_or(UnknownCareTag)
    }

    /// True when the need belongs to the household as a whole (a family in hardship), not to
    /// one person in it.
    pub fn is_household_wide(self) -> bool {
        matches!(self, CareTag::HardshipFamily)
    }

    /// Parses a cell listing several tags, separated by `,`, `，`, `、`, `;` or `；`. Empty
    /// gives none; duplicates count once.
    pub fn parse_list(s: &str) -> Result<Vec<Self>, UnknownCareTag> {
        let mut tags = Vec::new();
        for part in s.split([',', '，', '、', ';', '；']) {
            if part.trim().is_empty() {
                continue;
            }
            let t = Self::parse(part)?;
            if !tags.contains(&t) {
                tags.push(t);
            }
        }
        Ok(tags)
    }
}

/// How consent to a care tag was given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ConsentMethod {
    /// 书面: signed on paper.
    Written,
    /// 口头: said to the person recording it.
    Verbal,
    /// 监护人: given by a guardian for someone who cannot.
    Guardian,
}

/// A string that names no consent method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("not a consent method (written, verbal, guardian / 书面, 口头, 监护人)")]
pub struct UnknownConsentMethod;

impl ConsentMethod {
    /// Every method.
    pub const ALL: [ConsentMethod; 3] = [
        ConsentMethod::Written,
        ConsentMethod::Verbal,
        ConsentMethod::Guardian,
    ];

    /// The stored and wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            ConsentMethod::Written => "written",
            ConsentMethod::Verbal => "verbal",
            ConsentMethod::Guardian => "guardian",
        }
    }

    /// The name on a form.
    pub fn zh(self) -> &'static str {
        match self {
            ConsentMethod::Written => "书面",
            ConsentMethod::Verbal => "口头",
            ConsentMethod::Guardian => "监护人",
        }
    }

    /// Parses the wire name or the Chinese one.
    pub fn parse(s: &str) -> Result<Self, UnknownConsentMethod> {
        let s = s.trim();
        Self::ALL
            .into_iter()
            .find(|m| m.as_str().eq_ignore_ascii_case(s) || m.zh() == s)
            .ok_or(UnknownConsentMethod)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_and_methods_round_trip_in_both_languages() {
        for t in CareTag::ALL {
            assert_eq!(CareTag::parse(t.as_str()), Ok(t));
            assert_eq!(CareTag::parse(t.zh()), Ok(t));
        }
        for m in ConsentMethod::ALL {
            assert_eq!(ConsentMethod::parse(m.as_str()), Ok(m));
            assert_eq!(ConsentMethod::parse(m.zh()), Ok(m));
        }
        assert_eq!(ConsentMethod::parse("email"), Err(UnknownConsentMethod));
    }

    #[test]
    fn a_cell_lists_several_tags_once_each() {
        assert_eq!(
            CareTag::parse_list("独居老人、disability；独居老人"),
            Ok(vec![CareTag::ElderlyLivingAlone, CareTag::Disability])
        );
        assert_eq!(CareTag::parse_list("  "), Ok(vec![]));
        assert_eq!(CareTag::parse_list("独居老人,富豪"), Err(UnknownCareTag));
        assert!(CareTag::HardshipFamily.is_household_wide());
        assert!(!CareTag::ElderlyLivingAlone.is_household_wide());
    }
}
