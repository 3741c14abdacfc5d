//! Who is on a butler team: the kind of member and their duty roles.

use super::parse_among;

/// What a team member is (the three kinds the model names).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MemberKind {
    /// 党员中心户: a party member who heads a household in the building.
    PartyMemberHouseholdHead,
    /// 物业工作人员: staff of the property company.
    PropertyStaff,
    /// 党员志愿者: a party-member volunteer.
    PartyMemberVolunteer,
}

/// A string that names no member kind.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown member kind `{0}`")]
pub struct UnknownMemberKind(pub String);

impl MemberKind {
    /// Every kind.
    pub const ALL: [MemberKind; 3] = [
        MemberKind::PartyMemberHouseholdHead,
        MemberKind::PropertyStaff,
        MemberKind::PartyMemberVolunteer,
    ];

    /// The stable identifier.
    pub fn as_str(self) -> &'static str {
        match self {
            MemberKind::PartyMemberHouseholdHead => "party_member_household_head",
            MemberKind::PropertyStaff => "property_staff",
            MemberKind::PartyMemberVolunteer => "party_member_volunteer",
        }
    }

    /// The Chinese name, as a card shows it.
    pub fn zh(self) -> &'static str {
        match self {
            MemberKind::PartyMemberHouseholdHead => "党员中心户",
            MemberKind::PropertyStaff => "物业工作人员",
            MemberKind::PartyMemberVolunteer => "党员志愿者",
        }
    }

    /// Parses the stable identifier.
    pub fn parse(s: &str) -> Result<Self, UnknownMemberKind> {
        parse_among(&Self::ALL, s, Self::as_str).ok_or_else(|| UnknownMemberKind(s.to_owned()))
    }
}

/// A duty a member takes on (the six duties of the model).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Duty {
    /// 入户走访
    HomeVisit,
    /// 政策宣传
    PolicyOutreach,
    /// 信息采集
    InformationCollection,
    /// 民情收集
    ConcernCollection,
    /// 隐患排查
    HazardInspection,
    /// 和谐邻里
    NeighbourHarmony,
}

/// A string that names no duty.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown duty `{0}`")]
pub struct UnknownDuty(pub String);

impl Duty {
    /// Every duty, in the model's order.
    pub const ALL: [Duty; 6] = [
        Duty::HomeVisit,
        Duty::PolicyOutreach,
        Duty::InformationCollection,
        Duty::ConcernCollection,
        Duty::HazardInspection,
        Duty::NeighbourHarmony,
    ];

    /// The stable identifier.
    pub fn as_str(self) -> &'static str {
        match self {
            Duty::HomeVisit => "home_visit",
            Duty::PolicyOutreach => "policy_outreach",
            Duty::InformationCollection => "information_collection",
            Duty::ConcernCollection => "concern_collection",
            Duty::HazardInspection => "hazard_inspection",
            Duty::NeighbourHarmony => "neighbour_harmony",
        }
    }

    /// The Chinese name.
    pub fn zh(self) -> &'static str {
        match self {
            Duty::HomeVisit => "入户走访",
            Duty::PolicyOutreach => "政策宣传",
            Duty::InformationCollection => "信息采集",
            Duty::ConcernCollection => "民情收集",
            Duty::HazardInspection => "隐患排查",
            Duty::NeighbourHarmony => "和谐邻里",
        }
    }

    /// Parses the stable identifier.
    pub fn parse(s: &str) -> Result<Self, UnknownDuty> {
        parse_among(&Self::ALL, s, Self::as_str).ok_or_else(|| UnknownDuty(s.to_owned()))
    }
}

/// A member's duties: a set, kept in the model's order, stored as a comma-separated list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Duties(Vec<Duty>);

impl Duties {
    /// The duties named, each once, in the model's order.
    pub fn new(duties: impl IntoIterator<Item = Duty>) -> Self {
        let mut v: Vec<Duty> = duties.into_iter().collect();
        v.sort();
        v.dedup();
        Duties(v)
    }

    /// Parses wire names; the first unknown one is the error.
    pub fn parse<'a>(names: impl IntoIterator<Item = &'a str>) -> Result<Self, UnknownDuty> {
        names
            .into_iter()
            .map(Duty::parse)
            .collect::<Result<Vec<_>, _>>()
            .map(Self::new)
    }

    /// Parses the stored form (empty means none).
    pub fn from_stored(s: &str) -> Result<Self, UnknownDuty> {
        Self::parse(s.split(',').filter(|p| !p.is_empty()))
    }

    /// The stored form.
    pub fn to_stored(&self) -> String {
        self.0
            .iter()
            .map(|d| d.as_str())
            .collect::<Vec<_>>()
            .join(",")
    }

    /// The duties, in order.
    pub fn as_slice(&self) -> &[Duty] {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for k in MemberKind::ALL {
            assert_eq!(MemberKind::parse(k.as_str()), Ok(k));
        }
        for d in Duty::ALL {
            assert_eq!(Duty::parse(d.as_str()), Ok(d));
        }
        assert!(MemberKind::parse("butler").is_err());
        assert_eq!(Duty::parse("x"), Err(UnknownDuty("x".into())));
    }

    #[test]
    fn duties_are_a_set_in_the_models_order_and_store_as_a_list() {
        let d = Duties::parse(["hazard_inspection", "home_visit", "home_visit"]).unwrap();
        assert_eq!(d.as_slice(), &[Duty::HomeVisit, Duty::HazardInspection]);
        assert_eq!(d.to_stored(), "home_visit,hazard_inspection");
        assert_eq!(Duties::from_stored(&d.to_stored()), Ok(d));
        assert_eq!(Duties::from_stored(""), Ok(Duties::default()));
        assert!(Duties::parse(["home_visit", "dancing"]).is_err());
    }
}
