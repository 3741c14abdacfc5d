//! How many points serving earns, as data: per hour, per activity attended, per rated request,
//! with a multiplier per kind of volunteer.
//!
//! Rounding: each award is computed exactly in integers and rounded **down** once, at the end,
//! to whole points. Nobody receives a fraction more than the rule gives; a fraction is never
//! carried over.

use crate::request::Rating;
use crate::volunteer::VolunteerKind;

use super::Points;

/// A factor in basis points: 10,000 is ×1, 12,500 is ×1.25, 0 is ×0.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Multiplier(u32);

impl Multiplier {
    /// ×1.
    pub const ONE: Multiplier = Multiplier(10_000);
    /// The largest factor allowed: ×10.
    pub const MAX_BASIS_POINTS: u32 = 100_000;

    /// A factor of `basis_points` / 10,000, from 0 to ×10.
    pub fn from_basis_points(basis_points: i64) -> Result<Self, RuleError> {
        u32::try_from(basis_points)
            .ok()
            .filter(|bp| *bp <= Self::MAX_BASIS_POINTS)
            .map(Multiplier)
            .ok_or(RuleError::MultiplierOutOfRange)
    }

    /// The factor in basis points.
    pub fn basis_points(self) -> u32 {
        self.0
    }
}

/// Why numbers are not a points rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum RuleError {
    /// A base amount below zero or above [`PointsRule::MAX_BASE`].
    #[error(
        "points per hour, activity or request are from 0 to {}",
        PointsRule::MAX_BASE
    )]
    BaseOutOfRange,
    /// A multiplier below zero or above ×10.
    #[error(
        "a multiplier is from 0 to {} basis points",
        Multiplier::MAX_BASIS_POINTS
    )]
    MultiplierOutOfRange,
}

impl RuleError {
    /// The stable error code.
    pub fn code(self) -> &'static str {
        match self {
            RuleError::BaseOutOfRange => "points.rule_base_out_of_range",
            RuleError::MultiplierOutOfRange => "points.rule_multiplier_out_of_range",
        }
    }
}

/// How many points serving earns. Valid once held.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PointsRule {
    per_hour: Points,
    per_activity: Points,
    per_request: Points,
    basically_satisfied: Multiplier,
    by_kind: [Multiplier; 4],
}

impl Default for PointsRule {
    /// 10 points an hour, 5 for taking part, 20 for a request rated satisfied (half for
    /// basically satisfied), ×1 for every kind.
    fn default() -> Self {
        PointsRule {
            per_hour: Points(10),
            per_activity: Points(5),
            per_request: Points(20),
            basically_satisfied: Multiplier(5_000),
            by_kind: [Multiplier::ONE; 4],
        }
    }
}

fn kind_index(kind: VolunteerKind) -> usize {
    match kind {
        VolunteerKind::ServingPartyMember => 0,
        VolunteerKind::RetiredPartyMember => 1,
        VolunteerKind::Veteran => 2,
        VolunteerKind::Resident => 3,
    }
}

fn base(n: i64) -> Result<Points, RuleError> {
    (0..=PointsRule::MAX_BASE)
        .contains(&n)
        .then_some(Points(n))
        .ok_or(RuleError::BaseOutOfRange)
}

impl PointsRule {
    /// The largest base amount (per hour, per activity, per request).
    pub const MAX_BASE: i64 = 10_000;

    /// A rule with these base amounts, the default share for "basically satisfied" (half) and
    /// ×1 for every kind.
    pub fn new(per_hour: i64, per_activity: i64, per_request: i64) -> Result<Self, RuleError> {
        Ok(PointsRule {
            per_hour: base(per_hour)?,
            per_activity: base(per_activity)?,
            per_request: base(per_request)?,
            ..PointsRule::default()
        })
    }

    /// The same rule with `kind`'s multiplier set to `basis_points` / 10,000.
    pub fn with_multiplier(
        mut self,
        kind: VolunteerKind,
        basis_points: i64,
    ) -> Result<Self, RuleError> {
        self.by_kind[kind_index(kind)] = Multiplier::from_basis_points(basis_points)?;
        Ok(self)
    }

    /// The same rule with the share of `per_request` a "basically satisfied" rating earns.
    pub fn with_basically_satisfied_share(mut self, basis_points: i64) -> Result<Self, RuleError> {
        let m = Multiplier::from_basis_points(basis_points)?;
        if m > Multiplier::ONE {
            return Err(RuleError::MultiplierOutOfRange);
        }
        self.basically_satisfied = m;
        Ok(self)
    }

    /// Points per hour served.
    pub fn per_hour(&self) -> Points {
        self.per_hour
    }

    /// Points for taking part in an activity at all.
    pub fn per_activity(&self) -> Points {
        self.per_activity
    }

    /// Points for a resolved request rated satisfied.
    pub fn per_request(&self) -> Points {
        self.per_request
    }

    /// The share of `per_request` a "basically satisfied" rating earns.
    pub fn basically_satisfied_share(&self) -> Multiplier {
        self.basically_satisfied
    }

    /// The multiplier for `kind`.
    pub fn multiplier(&self, kind: VolunteerKind) -> Multiplier {
        self.by_kind[kind_index(kind)]
    }
}

/// Exact `amount × factors`, each a basis-point multiplier, rounded down and kept in `i64`.
fn scaled(numerator: i128, denominator: i128, factors: &[Multiplier]) -> Points {
    let mut num = numerator;
    let mut den = denominator;
    for f in factors {
        num = num.saturating_mul(i128::from(f.0));
        den *= 10_000;
    }
    Points(i64::try_from(num.div_euclid(den)).unwrap_or(i64::MAX))
}

/// The points a volunteer of `kind` earns for serving `minutes` at an activity:
/// (`per_activity` + `per_hour` × minutes / 60) × the kind's multiplier, rounded down. Nothing
/// when nothing was served (absent, or no check-out).
pub fn award_for_activity(rule: &PointsRule, kind: VolunteerKind, minutes: i64) -> Points {
    if minutes <= 0 {
        return Points::ZERO;
    }
    let sixtieths =
        i128::from(rule.per_activity.0) * 60 + i128::from(rule.per_hour.0) * i128::from(minutes);
    scaled(sixtieths, 60, &[rule.multiplier(kind)])
}

/// The points a volunteer of `kind` earns for a request they resolved, once the resident rated
/// it: `per_request` for satisfied, its basically-satisfied share for basically satisfied,
/// nothing for dissatisfied; × the kind's multiplier, rounded down.
pub fn award_for_request(rule: &PointsRule, kind: VolunteerKind, rating: Rating) -> Points {
    let share = match rating {
        Rating::Satisfied => Multiplier::ONE,
        Rating::BasicallySatisfied => rule.basically_satisfied,
        Rating::Dissatisfied => return Points::ZERO,
    };
    scaled(
        i128::from(rule.per_request.0),
        1,
        &[share, rule.multiplier(kind)],
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use VolunteerKind::*;

    #[test]
    fn activity_points_are_per_hour_plus_a_base_rounded_down() {
        let r = PointsRule::default();
        assert_eq!(award_for_activity(&r, Resident, 120), Points(25));
        assert_eq!(award_for_activity(&r, Resident, 90), Points(20));
        // 5 + 10 × 59/60 = 14.83… → 14.
        assert_eq!(award_for_activity(&r, Resident, 59), Points(14));
        assert_eq!(award_for_activity(&r, Resident, 1), Points(5));
        assert_eq!(award_for_activity(&r, Resident, 0), Points::ZERO);
        assert_eq!(award_for_activity(&r, Resident, -5), Points::ZERO);
    }

    #[test]
    fn multipliers_by_kind() {
        let r = PointsRule::default()
            .with_multiplier(RetiredPartyMember, 12_500)
            .unwrap()
            .with_multiplier(Veteran, 0)
            .unwrap();
        // (5 + 10 × 1.5) × 1.25 = 25.
        assert_eq!(award_for_activity(&r, RetiredPartyMember, 90), Points(25));
        // (5 + 10 × 1) × 1.25 = 18.75 → 18.
        assert_eq!(award_for_activity(&r, RetiredPartyMember, 60), Points(18));
        assert_eq!(award_for_activity(&r, Veteran, 600), Points::ZERO);
        assert_eq!(award_for_activity(&r, ServingPartyMember, 60), Points(15));
        assert_eq!(r.multiplier(RetiredPartyMember).basis_points(), 12_500);
        assert_eq!(r.multiplier(Resident), Multiplier::ONE);
    }

    #[test]
    fn request_points_follow_the_rating() {
        let r = PointsRule::new(10, 5, 15)
            .unwrap()
            .with_multiplier(Veteran, 15_000)
            .unwrap();
        assert_eq!(
            award_for_request(&r, Resident, Rating::Satisfied),
            Points(15)
        );
        // 15 × 0.5 = 7.5 → 7.
        assert_eq!(
            award_for_request(&r, Resident, Rating::BasicallySatisfied),
            Points(7)
        );
        assert_eq!(
            award_for_request(&r, Resident, Rating::Dissatisfied),
            Points::ZERO
        );
        // 15 × 0.5 × 1.5 = 11.25 → 11.
        assert_eq!(
            award_for_request(&r, Veteran, Rating::BasicallySatisfied),
            Points(11)
        );
        let generous = r.with_basically_satisfied_share(10_000).unwrap();
        assert_eq!(
            award_for_request(&generous, Resident, Rating::BasicallySatisfied),
            Points(15)
        );
    }

    #[test]
    fn out_of_range_numbers_are_refused() {
        assert_eq!(PointsRule::new(-1, 0, 0), Err(RuleError::BaseOutOfRange));
        assert_eq!(
            PointsRule::new(0, 10_001, 0),
            Err(RuleError::BaseOutOfRange)
        );
        assert!(PointsRule::new(0, 0, 10_000).is_ok());
        let r = PointsRule::default();
        assert_eq!(
            r.with_multiplier(Veteran, -1),
            Err(RuleError::MultiplierOutOfRange)
        );
        assert_eq!(
            r.with_multiplier(Veteran, 100_001),
            Err(RuleError::MultiplierOutOfRange)
        );
        assert!(r.with_multiplier(Veteran, 100_000).is_ok());
        assert_eq!(
            r.with_basically_satisfied_share(10_001),
            Err(RuleError::MultiplierOutOfRange)
        );
        assert_eq!(
            RuleError::BaseOutOfRange.code(),
            "points.rule_base_out_of_range"
        );
        // Huge minutes saturate rather than wrap.
        let max = PointsRule::new(10_000, 10_000, 0)
            .unwrap()
            .with_multiplier(Veteran, 100_000)
            .unwrap();
        assert!(award_for_activity(&max, Veteran, i64::MAX).is_positive());
    }
}
