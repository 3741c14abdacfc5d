//! The demo's household registry: profiles and residents for the first two households of the
//! first eight buildings, a handful tagged for care with consent. Every name and phone is made
//! up (phones in 137-0029-xxxx), and the same on every seeding.

use chrono::{DateTime, Utc};
use linli_domain::access::RoleKind;
use linli_domain::registry::{CareTag, ConsentMethod, Relation, ResidentName};
use linli_domain::text::PhoneNumber;
use linli_domain::{OrgNodeId, UserId};
use linli_persistence::DbConnection;
use linli_persistence::org;
use linli_persistence::registry::care::{self, NewCareTag};
use linli_persistence::registry::households::{self, NewProfile, NewResident};
use linli_persistence::users::{self, RoleBinding};

use super::DemoCommunity;
use super::data::RESIDENTS;
use crate::crypto::DataCipher;
use crate::error::ApiError;
use crate::registry::seal;

/// (name, relation, birth year) of each household's members, in seeding order.
const FAMILIES: [&[(&str, Relation, i32)]; 16] = [
    &[
        ("张建华", Relation::Head, 1968),
        ("刘芳", Relation::Spouse, 1970),
        ("张宇", Relation::Child, 1996),
    ],
    &[("赵桂芝", Relation::Head, 1941)],
    &[
        ("陈志强", Relation::Head, 1975),
        ("林静", Relation::Spouse, 1978),
    ],
    &[
        ("杨淑珍", Relation::Head, 1946),
        ("杨卫东", Relation::Child, 1972),
    ],
    &[
        ("黄国庆", Relation::Head, 1959),
        ("何秀兰", Relation::Spouse, 1961),
    ],
    &[
        ("周海燕", Relation::Head, 1983),
        ("吴磊", Relation::Spouse, 1982),
        ("吴一凡", Relation::Child, 2012),
    ],
    &[
        ("徐长林", Relation::Head, 1950),
        ("马玉梅", Relation::Spouse, 1952),
    ],
    &[("孙立新", Relation::Head, 1988)],
    &[
        ("朱文斌", Relation::Head, 1965),
        ("胡晓丽", Relation::Spouse, 1967),
    ],
    &[("郭凤英", Relation::Head, 1939)],
    &[
        ("高建军", Relation::Head, 1972),
        ("罗敏", Relation::Spouse, 1974),
        ("高思远", Relation::Child, 2001),
    ],
    &[("梁德胜", Relation::Head, 1955)],
    &[
        ("宋佳", Relation::Head, 1990),
        ("唐浩", Relation::Spouse, 1989),
    ],
    &[
        ("韩玉兰", Relation::Head, 1944),
        ("韩小军", Relation::Child, 1970),
    ],
    &[
        ("冯晓东", Relation::Head, 1979),
        ("邓丽娟", Relation::Spouse, 1980),
    ],
    &[("曹金花", Relation::Head, 1948)],
];

/// (household index in `FAMILIES`, member index, tag, consent).
const TAGS: [(usize, usize, CareTag, ConsentMethod); 5] = [
    (1, 0, CareTag::ElderlyLivingAlone, ConsentMethod::Written),
    (3, 0, CareTag::EmptyNestElderly, ConsentMethod::Verbal),
    (9, 0, CareTag::ElderlyLivingAlone, ConsentMethod::Guardian),
    (11, 0, CareTag::HardshipFamily, ConsentMethod::Written),
    (13, 1, CareTag::Disability, ConsentMethod::Verbal),
];

/// Seeds the registry into the freshly seeded demo community.
pub fn seed(
    conn: &mut DbConnection,
    demo: &DemoCommunity,
    cipher: &DataCipher,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    // The demo residents' households: their heads are linked to their accounts.
    let mut home_of: std::collections::HashMap<OrgNodeId, UserId> = Default::default();
    for (openid, _) in RESIDENTS {
        let Some(user) = demo.accounts.get(openid) else {
            continue;
        };
        for r in users::roles_of(conn, *user)? {
            if let (RoleKind::Resident, RoleBinding::Node(h)) = (r.kind, &r.binding) {
                home_of.insert(*h, *user);
            }
        }
    }
    let recorder = demo.accounts.get("community").copied().unwrap_or(UserId(1));
    let mut f = 0;
    for (_, building) in demo.buildings.iter().take(8) {
        for household in org::children(conn, building.id)?.into_iter().take(2) {
            let members = FAMILIES[f];
            let (unit, room) = household.name.split_once("单元").unwrap_or(("1", "101"));
            households::put_profile(
                conn,
                &household,
                &NewProfile {
                    unit: unit.to_owned(),
                    room: room.to_owned(),
                    size: members.len() as i32,
                    notes: None,
                },
                now,
            )?;
            for (m, (name, relation, year)) in members.iter().enumerate() {
                let name = ResidentName::parse(name).expect("demo names are valid");
                let phone = PhoneNumber::parse(&format!("1370029{:02}{:02}", f, m))
                    .expect("demo phones are valid");
                let rec = households::add_resident(
                    conn,
                    &household,
                    &NewResident {
                        name: seal::name(cipher, &name)?,
                        relation: *relation,
                        birth_year: Some(*year),
                        phone: Some(seal::phone(cipher, &phone)?),
                        user_id: (m == 0)
                            .then(|| home_of.get(&household.id).copied())
                            .flatten(),
                    },
                    now,
                )?;
                for (tf, tm, tag, consent) in TAGS {
                    if tf == f && tm == m {
                        care::add(
                            conn,
                            &household,
                            &NewCareTag {
                                tag,
                                resident_id: (!tag.is_household_wide()).then_some(rec.id),
                                consent_method: consent,
                                consent_by_resident_id: Some(rec.id),
                                consent_at: now - chrono::Duration::days(30),
                                recorded_by: recorder,
                            },
                            now,
                        )?;
                    }
                }
            }
            f += 1;
        }
    }
    Ok(())
}
