//! Who sees which of a household's personal data, and how: plain, masked or not at all.
//!
//! The community office keeps the register and calls residents back, so its staff may reveal
//! names and phones whole (each reveal is logged with a purpose). The building's butler and the
//! grid's worker visit: they need to know who lives where and who needs care, not the whole
//! phone number or name, so they see both masked. Street and district offices plan and
//! supervise: counts and care tags, no names or phones. A resident sees their own household
//! whole. Everyone else (volunteers, property staff, other residents) does not see the
//! registry; volunteers are sent to households by the community.

use crate::access::{Actor, RoleKind};
use crate::org::NodePath;

/// A field of a household's registry entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    /// A resident's name.
    Name,
    /// A resident's phone.
    Phone,
    /// A resident's birth year.
    BirthYear,
    /// A resident's relation to the head of the household.
    Relation,
    /// The care tags, with their consent.
    CareTags,
    /// The household's notes (free text the office writes).
    Notes,
}

impl Field {
    /// Every field.
    pub const ALL: [Field; 6] = [
        Field::Name,
        Field::Phone,
        Field::BirthYear,
        Field::Relation,
        Field::CareTags,
        Field::Notes,
    ];

    /// The wire name (the access log lists fields by it).
    pub fn as_str(self) -> &'static str {
        match self {
            Field::Name => "name",
            Field::Phone => "phone",
            Field::BirthYear => "birth_year",
            Field::Relation => "relation",
            Field::CareTags => "care_tags",
            Field::Notes => "notes",
        }
    }
}

/// How a field is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Access {
    /// Whole.
    Plain,
    /// Masked (张*三, 138****5678).
    Masked,
    /// Not at all.
    Hidden,
}

/// In what capacity someone looks at a household's registry entry: the most that any of
/// their roles over the household gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Viewer {
    /// Street staff or a district admin above the household.
    Office,
    /// The grid worker of the household's grid.
    GridWorker,
    /// A butler of the household's building.
    Butler,
    /// Community staff of the household's community.
    CommunityStaff,
    /// A resident of the household itself.
    OwnHousehold,
}

impl Viewer {
    /// The capacity `actor` has over the household at `household`, if any (none: the
    /// registry entry is not theirs to see).
    pub fn of(actor: &Actor, household: &NodePath) -> Option<Viewer> {
        let holds = |k| actor.has_role_over(k, household);
        if holds(RoleKind::Resident) {
            Some(Viewer::OwnHousehold)
        } else if holds(RoleKind::CommunityStaff) {
            Some(Viewer::CommunityStaff)
        } else if holds(RoleKind::Butler) {
            Some(Viewer::Butler)
        } else if holds(RoleKind::GridWorker) {
            Some(Viewer::GridWorker)
        } else if holds(RoleKind::StreetStaff) || holds(RoleKind::DistrictAdmin) {
            Some(Viewer::Office)
        } else {
            None
        }
    }

    /// The stable name (the access log records in which capacity data was read).
    pub fn as_str(self) -> &'static str {
        match self {
            Viewer::Office => "office",
            Viewer::GridWorker => "grid_worker",
            Viewer::Butler => "butler",
            Viewer::CommunityStaff => "community_staff",
            Viewer::OwnHousehold => "own_household",
        }
    }
}

/// How `viewer` sees `field`, when they asked to reveal (`reveal`) or not. Only community
/// staff reveal; asking does nothing for anyone else (the API refuses it first).
pub fn access(field: Field, viewer: Viewer, reveal: bool) -> Access {
    use Access::*;
    match (viewer, field) {
        (Viewer::OwnHousehold, _) => Plain,
        (Viewer::CommunityStaff, Field::Name | Field::Phone) => {
            if reveal {
                Plain
            } else {
                Masked
            }
        }
        (Viewer::CommunityStaff, _) => Plain,
        (Viewer::Butler | Viewer::GridWorker, Field::Name | Field::Phone) => Masked,
        (Viewer::Butler | Viewer::GridWorker, Field::Notes) => Hidden,
        (Viewer::Butler | Viewer::GridWorker, _) => Plain,
        (Viewer::Office, Field::CareTags | Field::Relation) => Plain,
        (Viewer::Office, _) => Hidden,
    }
}

/// True when `viewer` may ask for names and phones whole.
pub fn may_reveal(viewer: Viewer) -> bool {
    viewer == Viewer::CommunityStaff
}

/// True when `viewer` may edit the registry: the profile and residents are the community's
/// register; care tags may also be recorded by the building's butler, who collects them on
/// visits (信息采集).
pub fn may_edit(viewer: Viewer) -> bool {
    viewer == Viewer::CommunityStaff
}

/// True when `viewer` may record or remove a care tag.
pub fn may_tag(viewer: Viewer) -> bool {
    matches!(viewer, Viewer::CommunityStaff | Viewer::Butler)
}

/// The fields a view shows whole (what an access-log row lists).
pub fn plain_fields(viewer: Viewer, reveal: bool) -> Vec<Field> {
    [Field::Name, Field::Phone]
        .into_iter()
        .filter(|f| access(*f, viewer, reveal) == Access::Plain)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::access::{RoleGrant, RoleScope};
    use crate::{OrgNodeId, UserId};

    fn path(ids: &[i64]) -> NodePath {
        let mut p = NodePath::root(OrgNodeId(ids[0]));
        for id in &ids[1..] {
            p = p.child(OrgNodeId(*id));
        }
        p
    }

    fn actor(kind: RoleKind, at: &[i64]) -> Actor {
        Actor {
            user_id: UserId(9),
            roles: vec![RoleGrant {
                kind,
                scope: RoleScope::Node(path(at)),
            }],
        }
    }

    /// District 1 / street 2 / community 3 / grid 4 / compound 5 / building 6 / household 7.
    #[test]
    fn each_role_over_the_household_has_its_capacity_and_others_none() {
        let h = path(&[1, 2, 3, 4, 5, 6, 7]);
        let cases = [
            (
                actor(RoleKind::Resident, &[1, 2, 3, 4, 5, 6, 7]),
                Some(Viewer::OwnHousehold),
            ),
            (
                actor(RoleKind::CommunityStaff, &[1, 2, 3]),
                Some(Viewer::CommunityStaff),
            ),
            (
                actor(RoleKind::Butler, &[1, 2, 3, 4, 5, 6]),
                Some(Viewer::Butler),
            ),
            (
                actor(RoleKind::GridWorker, &[1, 2, 3, 4]),
                Some(Viewer::GridWorker),
            ),
            (actor(RoleKind::StreetStaff, &[1, 2]), Some(Viewer::Office)),
            (actor(RoleKind::DistrictAdmin, &[1]), Some(Viewer::Office)),
            (actor(RoleKind::Volunteer, &[1, 2, 3]), None),
            (actor(RoleKind::Resident, &[1, 2, 3, 4, 5, 6, 8]), None),
            (actor(RoleKind::Butler, &[1, 2, 3, 4, 5, 9]), None),
            (actor(RoleKind::CommunityStaff, &[1, 2, 10]), None),
        ];
        for (a, expected) in cases {
            assert_eq!(Viewer::of(&a, &h), expected, "{a:?}");
        }
    }

    #[test]
    fn the_matrix() {
        use Access::*;
        // (viewer, reveal) → name, phone, birth year, relation, care tags, notes
        let table = [
            (
                (Viewer::OwnHousehold, false),
                [Plain, Plain, Plain, Plain, Plain, Plain],
            ),
            (
                (Viewer::CommunityStaff, false),
                [Masked, Masked, Plain, Plain, Plain, Plain],
            ),
            (
                (Viewer::CommunityStaff, true),
                [Plain, Plain, Plain, Plain, Plain, Plain],
            ),
            (
                (Viewer::Butler, false),
                [Masked, Masked, Plain, Plain, Plain, Hidden],
            ),
            (
                (Viewer::Butler, true),
                [Masked, Masked, Plain, Plain, Plain, Hidden],
            ),
            (
                (Viewer::GridWorker, false),
                [Masked, Masked, Plain, Plain, Plain, Hidden],
            ),
            (
                (Viewer::Office, false),
                [Hidden, Hidden, Hidden, Plain, Plain, Hidden],
            ),
            (
                (Viewer::Office, true),
                [Hidden, Hidden, Hidden, Plain, Plain, Hidden],
            ),
        ];
        for ((viewer, reveal), row) in table {
            for (field, expected) in Field::ALL.into_iter().zip(row) {
                assert_eq!(
                    access(field, viewer, reveal),
                    expected,
                    "{viewer:?} {reveal} {field:?}"
                );
            }
        }
        assert!(may_reveal(Viewer::CommunityStaff));
        for v in [
            Viewer::OwnHousehold,
            Viewer::Butler,
            Viewer::GridWorker,
            Viewer::Office,
        ] {
            assert!(!may_reveal(v), "{v:?}");
        }
        assert_eq!(plain_fields(Viewer::CommunityStaff, false), vec![]);
        assert_eq!(
            plain_fields(Viewer::CommunityStaff, true),
            vec![Field::Name, Field::Phone]
        );
        assert!(may_tag(Viewer::Butler) && !may_edit(Viewer::Butler));
        assert!(!may_tag(Viewer::GridWorker) && !may_tag(Viewer::Office));
    }
}
