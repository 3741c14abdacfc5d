//! Work logs: what butlers and grid workers record, and when a log becomes a request.

use super::parse_among;
use crate::RequestId;

/// What was done.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum WorkLogKind {
    /// 入户走访: a visit to a household (summary, concerns raised).
    HomeVisit,
    /// 政策宣传
    PolicyOutreach,
    /// 信息采集
    InformationCollection,
    /// 隐患排查: a hazard found on an inspection round.
    HazardInspection,
    /// 和谐邻里: mediation of a dispute between neighbours.
    Mediation,
}

/// A string that names no work log kind.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown work log kind `{0}`")]
pub struct UnknownWorkLogKind(pub String);

impl WorkLogKind {
    /// Every kind.
    pub const ALL: [WorkLogKind; 5] = [
        WorkLogKind::HomeVisit,
        WorkLogKind::PolicyOutreach,
        WorkLogKind::InformationCollection,
        WorkLogKind::HazardInspection,
        WorkLogKind::Mediation,
    ];

    /// The stable identifier.
    pub fn as_str(self) -> &'static str {
        match self {
            WorkLogKind::HomeVisit => "home_visit",
            WorkLogKind::PolicyOutreach => "policy_outreach",
            WorkLogKind::InformationCollection => "information_collection",
            WorkLogKind::HazardInspection => "hazard_inspection",
            WorkLogKind::Mediation => "mediation",
        }
    }

    /// The Chinese name.
    pub fn zh(self) -> &'static str {
        match self {
            WorkLogKind::HomeVisit => "入户走访",
            WorkLogKind::PolicyOutreach => "政策宣传",
            WorkLogKind::InformationCollection => "信息采集",
            WorkLogKind::HazardInspection => "隐患排查",
            WorkLogKind::Mediation => "和谐邻里",
        }
    }

    /// Parses the stable identifier.
    pub fn parse(s: &str) -> Result<Self, UnknownWorkLogKind> {
        parse_among(&Self::ALL, s, Self::as_str).ok_or_else(|| UnknownWorkLogKind(s.to_owned()))
    }
}

/// What kind of hazard.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HazardKind {
    /// 消防安全: blocked escape routes, missing extinguishers, e-bikes charging indoors.
    FireSafety,
    /// 用电安全
    Electrical,
    /// 房屋结构: cracks, tilting walls, falling render.
    Structural,
    /// 排水: blocked drains, leaks, flooding.
    Drainage,
    /// 电梯
    Elevator,
    /// 其他
    Other,
}

/// A string that names no hazard kind.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown hazard kind `{0}`")]
pub struct UnknownHazardKind(pub String);

impl HazardKind {
    /// Every kind.
    pub const ALL: [HazardKind; 6] = [
        HazardKind::FireSafety,
        HazardKind::Electrical,
        HazardKind::Structural,
        HazardKind::Drainage,
        HazardKind::Elevator,
        HazardKind::Other,
    ];

    /// The stable identifier.
    pub fn as_str(self) -> &'static str {
        match self {
            HazardKind::FireSafety => "fire_safety",
            HazardKind::Electrical => "electrical",
            HazardKind::Structural => "structural",
            HazardKind::Drainage => "drainage",
            HazardKind::Elevator => "elevator",
            HazardKind::Other => "other",
        }
    }

    /// The Chinese name.
    pub fn zh(self) -> &'static str {
        match self {
            HazardKind::FireSafety => "消防安全",
            HazardKind::Electrical => "用电安全",
            HazardKind::Structural => "房屋结构",
            HazardKind::Drainage => "排水",
            HazardKind::Elevator => "电梯",
            HazardKind::Other => "其他",
        }
    }

    /// Parses the stable identifier.
    pub fn parse(s: &str) -> Result<Self, UnknownHazardKind> {
        parse_among(&Self::ALL, s, Self::as_str).ok_or_else(|| UnknownHazardKind(s.to_owned()))
    }
}

/// How serious a hazard is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Severity {
    /// 一般
    Low,
    /// 较大
    Medium,
    /// 重大
    High,
    /// 特别重大: people are in danger now.
    Critical,
}

/// A string that names no severity.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown severity `{0}`")]
pub struct UnknownSeverity(pub String);

impl Severity {
    /// Every severity, least first.
    pub const ALL: [Severity; 4] = [
        Severity::Low,
        Severity::Medium,
        Severity::High,
        Severity::Critical,
    ];

    /// The stable identifier.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }

    /// The Chinese name.
    pub fn zh(self) -> &'static str {
        match self {
            Severity::Low => "一般",
            Severity::Medium => "较大",
            Severity::High => "重大",
            Severity::Critical => "特别重大",
        }
    }

    /// Parses the stable identifier.
    pub fn parse(s: &str) -> Result<Self, UnknownSeverity> {
        parse_among(&Self::ALL, s, Self::as_str).ok_or_else(|| UnknownSeverity(s.to_owned()))
    }
}

/// Why a new log's fields do not fit its kind. `field` names the body's field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum NewLogError {
    /// A hazard inspection names the place, the hazard's kind and its severity.
    #[error("a hazard inspection needs `{field}`")]
    HazardFieldMissing {
        /// The missing field.
        field: &'static str,
    },
    /// Only a hazard inspection carries hazard fields (or is fixed on the spot).
    #[error("`{field}` belongs to hazard inspections only")]
    NotAHazard {
        /// The field given.
        field: &'static str,
    },
}

/// Which hazard fields a new log was given.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct HazardFieldsGiven {
    /// `place`.
    pub place: bool,
    /// `hazard_kind`.
    pub hazard_kind: bool,
    /// `severity`.
    pub severity: bool,
    /// `fixed_on_spot` true.
    pub fixed_on_spot: bool,
}

/// Checks that a new log's hazard fields fit its kind; every misfit is listed.
pub fn check_new(kind: WorkLogKind, given: HazardFieldsGiven) -> Vec<NewLogError> {
    let fields = [
        ("place", given.place),
        ("hazard_kind", given.hazard_kind),
        ("severity", given.severity),
    ];
    if kind == WorkLogKind::HazardInspection {
        fields
            .into_iter()
            .filter(|(_, g)| !g)
            .map(|(field, _)| NewLogError::HazardFieldMissing { field })
            .collect()
    } else {
        fields
            .into_iter()
            .chain([("fixed_on_spot", given.fixed_on_spot)])
            .filter(|(_, g)| *g)
            .map(|(field, _)| NewLogError::NotAHazard { field })
            .collect()
    }
}

/// What conversion reads of a log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LogFacts {
    /// Its kind.
    pub kind: WorkLogKind,
    /// True when it records concerns raised.
    pub has_concerns: bool,
    /// The request it became, if any.
    pub request: Option<RequestId>,
}

/// A log that may become a request, and the category it goes to unless the author names one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Conversion {
    /// A service category code: property for hazards, mediation for disputes, home life for
    /// the concerns of a visit, outreach or collection round.
    pub default_category: &'static str,
}

/// Why a log cannot become a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ConvertError {
    /// It became one already: converting twice never makes two.
    #[error("the log became request {0} already")]
    AlreadyConverted(RequestId),
    /// Neither a hazard nor a log with concerns: nothing for anyone to act on.
    #[error("the log records no hazard and no concerns")]
    NothingToConvert,
}

/// Decides whether a log becomes a request.
pub fn conversion(log: LogFacts) -> Result<Conversion, ConvertError> {
    if let Some(id) = log.request {
        return Err(ConvertError::AlreadyConverted(id));
    }
    let default_category = match log.kind {
        WorkLogKind::HazardInspection => "property",
        _ if !log.has_concerns => return Err(ConvertError::NothingToConvert),
        WorkLogKind::Mediation => "mediation",
        _ => "home_life",
    };
    Ok(Conversion { default_category })
}

/// The request's description made from a log: the concern or hazard first, then the summary,
/// cut to `max` characters.
pub fn request_text(
    kind: WorkLogKind,
    hazard: Option<(HazardKind, Severity)>,
    summary: &str,
    concerns: Option<&str>,
    max: usize,
) -> String {
    let text = match (hazard, concerns) {
        (Some((k, s)), _) => format!("【隐患排查·{}·{}】{summary}", k.zh(), s.zh()),
        (None, Some(c)) => format!("【{}·民情】{c}\n{summary}", kind.zh()),
        (None, None) => format!("【{}】{summary}", kind.zh()),
    };
    text.chars().take(max).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for k in WorkLogKind::ALL {
            assert_eq!(WorkLogKind::parse(k.as_str()), Ok(k));
        }
        for k in HazardKind::ALL {
            assert_eq!(HazardKind::parse(k.as_str()), Ok(k));
        }
        for s in Severity::ALL {
            assert_eq!(Severity::parse(s.as_str()), Ok(s));
        }
        assert!(WorkLogKind::parse("visit").is_err());
        assert!(Severity::Critical > Severity::Low);
    }

    #[test]
    fn a_hazard_names_place_kind_and_severity_and_only_a_hazard_does() {
        let all = HazardFieldsGiven {
            place: true,
            hazard_kind: true,
            severity: true,
            fixed_on_spot: false,
        };
        assert!(check_new(WorkLogKind::HazardInspection, all).is_empty());
        let fixed = HazardFieldsGiven {
            fixed_on_spot: true,
            ..all
        };
        assert!(check_new(WorkLogKind::HazardInspection, fixed).is_empty());
        assert_eq!(
            check_new(
                WorkLogKind::HazardInspection,
                HazardFieldsGiven {
                    place: true,
                    ..Default::default()
                }
            ),
            vec![
                NewLogError::HazardFieldMissing {
                    field: "hazard_kind"
                },
                NewLogError::HazardFieldMissing { field: "severity" },
            ]
        );
        assert!(check_new(WorkLogKind::HomeVisit, HazardFieldsGiven::default()).is_empty());
        assert_eq!(
            check_new(WorkLogKind::HomeVisit, fixed),
            vec![
                NewLogError::NotAHazard { field: "place" },
                NewLogError::NotAHazard {
                    field: "hazard_kind"
                },
                NewLogError::NotAHazard { field: "severity" },
                NewLogError::NotAHazard {
                    field: "fixed_on_spot"
                },
            ]
        );
    }

    #[test]
    fn hazards_and_concerns_convert_once() {
        let facts = |kind, has_concerns, request| LogFacts {
            kind,
            has_concerns,
            request,
        };
        assert_eq!(
            conversion(facts(WorkLogKind::HazardInspection, false, None)),
            Ok(Conversion {
                default_category: "property"
            })
        );
        assert_eq!(
            conversion(facts(WorkLogKind::Mediation, true, None)),
            Ok(Conversion {
                default_category: "mediation"
            })
        );
        for kind in [
            WorkLogKind::HomeVisit,
            WorkLogKind::PolicyOutreach,
            WorkLogKind::InformationCollection,
        ] {
            assert_eq!(
                conversion(facts(kind, true, None)),
                Ok(Conversion {
                    default_category: "home_life"
                })
            );
            assert_eq!(
                conversion(facts(kind, false, None)),
                Err(ConvertError::NothingToConvert)
            );
        }
        assert_eq!(
            conversion(facts(
                WorkLogKind::HazardInspection,
                false,
                Some(RequestId(7))
            )),
            Err(ConvertError::AlreadyConverted(RequestId(7)))
        );
    }

    #[test]
    fn the_request_text_leads_with_the_problem_and_fits() {
        let t = request_text(
            WorkLogKind::HazardInspection,
            Some((HazardKind::FireSafety, Severity::High)),
            "3单元楼道堆放纸箱，堵塞消防通道",
            None,
            2000,
        );
        assert_eq!(
            t,
            "【隐患排查·消防安全·重大】3单元楼道堆放纸箱，堵塞消防通道"
        );
        let t = request_text(WorkLogKind::HomeVisit, None, "走访", Some("水管漏水"), 2000);
        assert_eq!(t, "【入户走访·民情】水管漏水\n走访");
        let long = "长".repeat(3000);
        assert_eq!(
            request_text(WorkLogKind::Mediation, None, &long, None, 2000)
                .chars()
                .count(),
            2000
        );
    }
}
