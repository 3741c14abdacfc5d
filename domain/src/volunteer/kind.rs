//! What a volunteer is and what they can do.

use crate::UnknownName;
use crate::labelled::labelled_enum;

labelled_enum!(
    /// The four kinds of volunteer the model counts (107 in the seed).
    VolunteerKind, "volunteer kind", {
        /// A party member in work, serving where they live.
        ServingPartyMember => "serving_party_member", "在职党员",
        /// A retired party member.
        RetiredPartyMember => "retired_party_member", "离退休老党员",
        /// A veteran.
        Veteran => "veteran", "退役军人",
        /// Any other resident who volunteers.
        Resident => "resident", "热心群众",
    }
);

labelled_enum!(
    /// A skill a volunteer offers and an activity may require; a closed set.
    Skill, "skill", {
        /// Medical (a free clinic).
        Medical => "medical", "医疗",
        /// Legal advice.
        Legal => "legal", "法律",
        /// Recitation (the group reading for elderly people living alone).
        Recitation => "recitation", "朗诵",
        /// Household repairs.
        Repairs => "repairs", "维修",
        /// Haircuts.
        Haircut => "haircut", "理发",
        /// Counselling.
        Counselling => "counselling", "心理疏导",
        /// Tutoring children.
        Tutoring => "tutoring", "辅导",
        /// Caring for elderly people.
        ElderlyCare => "elderly_care", "助老",
        /// Anything else.
        Other => "other", "其他",
    }
);

/// A set of skills, kept in declaration order, each once; stored as a comma-separated list.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Skills(Vec<Skill>);

impl Skills {
    /// The skills named, each once, in declaration order.
    pub fn new(skills: impl IntoIterator<Item = Skill>) -> Self {
        let mut v: Vec<Skill> = skills.into_iter().collect();
        v.sort();
        v.dedup();
        Skills(v)
    }

    /// Parses wire names; the first unknown one is the error.
    pub fn parse<'a>(names: impl IntoIterator<Item = &'a str>) -> Result<Self, UnknownName> {
        names
            .into_iter()
            .map(Skill::parse)
            .collect::<Result<Vec<_>, _>>()
            .map(Self::new)
    }

    /// Parses the stored form (empty means none).
    pub fn from_stored(s: &str) -> Result<Self, UnknownName> {
        Self::parse(s.split(',').filter(|p| !p.is_empty()))
    }

    /// The stored form: identifiers joined by commas.
    pub fn to_stored(&self) -> String {
        self.0
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join(",")
    }

    /// The skills, in order.
    pub fn as_slice(&self) -> &[Skill] {
        &self.0
    }

    /// True when the set holds `skill`.
    pub fn contains(&self, skill: Skill) -> bool {
        self.0.binary_search(&skill).is_ok()
    }

    /// The skills of `required` this set lacks, in order (empty when it has them all).
    pub fn missing(&self, required: &Skills) -> Vec<Skill> {
        required
            .0
            .iter()
            .copied()
            .filter(|s| !self.contains(*s))
            .collect()
    }

    /// True when the set is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl FromIterator<Skill> for Skills {
    fn from_iter<I: IntoIterator<Item = Skill>>(iter: I) -> Self {
        Skills::new(iter)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_have_chinese_labels() {
        for k in VolunteerKind::ALL {
            assert_eq!(VolunteerKind::parse(k.as_str()), Ok(*k));
            assert!(!k.zh().is_empty());
        }
        for s in Skill::ALL {
            assert_eq!(Skill::parse(s.as_str()), Ok(*s));
        }
        assert_eq!(Skill::ALL.len(), 9);
        assert_eq!(VolunteerKind::Veteran.zh(), "退役军人");
        assert_eq!(
            VolunteerKind::RetiredPartyMember.to_string(),
            "retired_party_member"
        );
        assert_eq!(
            VolunteerKind::parse("soldier"),
            Err(UnknownName {
                what: "volunteer kind",
                value: "soldier".into()
            })
        );
        assert!(Skill::parse("Medical").is_err());
    }

    #[test]
    fn skills_are_a_set_stored_as_a_list() {
        let s = Skills::parse(["legal", "medical", "legal"]).unwrap();
        assert_eq!(s.as_slice(), &[Skill::Medical, Skill::Legal]);
        assert_eq!(s.to_stored(), "medical,legal");
        assert_eq!(Skills::from_stored(&s.to_stored()), Ok(s.clone()));
        assert_eq!(Skills::from_stored(""), Ok(Skills::default()));
        assert!(Skills::parse(["medical", "juggling"]).is_err());
        assert!(Skills::from_stored("medical,,legal").is_ok());
    }

    #[test]
    fn missing_lists_what_a_volunteer_lacks() {
        let has = Skills::new([Skill::Medical, Skill::Haircut]);
        let needs = Skills::new([Skill::Legal, Skill::Medical, Skill::Counselling]);
        assert_eq!(has.missing(&needs), vec![Skill::Legal, Skill::Counselling]);
        assert!(has.missing(&Skills::default()).is_empty());
        assert!(has.contains(Skill::Haircut));
        assert!(!has.contains(Skill::Other));
    }
}
