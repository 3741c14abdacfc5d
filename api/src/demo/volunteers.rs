//! The demo's Red Collar Home (红领之家): the seed's 107 volunteers of the four kinds (made-up
//! names; `volunteer-1` … `volunteer-3` sign in with a password, the others by development
//! login as `demo-volunteer-N`), balances carried over
//! from the community's paper points book, a small catalogue of gifts and services, and a few
//! orders, one of them handed over.

use chrono::{DateTime, Duration, Utc};
use linli_domain::access::RoleKind;
use linli_domain::points::{Entry, Points};
use linli_domain::reward::{
    PerPersonLimit, Price, Reward, RewardKind, RewardName, Stock, Validity, decide_redemption,
};
use linli_domain::volunteer::{Skill, Skills, VolunteerId, VolunteerKind, VolunteerStatus};
use linli_persistence::rewards::{self, NewRedemption, NewReward};
use linli_persistence::users::{self, NewUser, RoleBinding};
use linli_persistence::volunteers::{self, NewEntry, NewVolunteer};
use linli_persistence::{DbConnection, StoreError};

use super::DemoCommunity;

/// How many of each kind: 在职党员, 离退休老党员, 退役军人, 热心群众 (107 in all, as the seed says).
const KINDS: [(VolunteerKind, usize); 4] = [
    (VolunteerKind::ServingPartyMember, 31),
    (VolunteerKind::RetiredPartyMember, 42),
    (VolunteerKind::Veteran, 12),
    (VolunteerKind::Resident, 22),
];

const SURNAMES: &str = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文";
const GIVEN: [&str; 24] = [
    "建国", "秀英", "桂兰", "志强", "淑珍", "海燕", "德明", "玉梅", "国庆", "红梅", "立新", "春花",
    "永刚", "丽娟", "文华", "凤英", "卫东", "素芬", "振华", "桂芳", "晓东", "翠兰", "宏伟", "爱华",
];

/// Skills by kind: what such volunteers in the seed do (clinics, legal advice, recitation…).
fn skills(kind: VolunteerKind, i: usize) -> Skills {
    let pool: &[Skill] = match kind {
        VolunteerKind::ServingPartyMember => &[Skill::Medical, Skill::Legal, Skill::Tutoring],
        VolunteerKind::RetiredPartyMember => {
            &[Skill::Recitation, Skill::ElderlyCare, Skill::Counselling]
        }
        VolunteerKind::Veteran => &[Skill::Repairs, Skill::ElderlyCare],
        VolunteerKind::Resident => &[Skill::Haircut, Skill::Repairs, Skill::Other],
    };
    Skills::new([pool[i % pool.len()], pool[(i / 2 + 1) % pool.len()]])
}

fn store(e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("demo volunteers: {e}"))
}

/// One item of the catalogue: name, kind, price, stock, per-person limit, provider.
type Item = (
    &'static str,
    RewardKind,
    i64,
    Option<i64>,
    Option<i64>,
    &'static str,
);

/// The catalogue.
const CATALOGUE: [Item; 6] = [
    (
        "免费理发一次",
        RewardKind::Service,
        30,
        None,
        Some(2),
        "社区爱心理发店",
    ),
    (
        "免费健康体检一次",
        RewardKind::Service,
        80,
        Some(20),
        Some(1),
        "大兴东路社区卫生服务站",
    ),
    (
        "上门小家电维修一次",
        RewardKind::Service,
        50,
        None,
        Some(2),
        "红领之家维修队",
    ),
    (
        "大米一袋（5公斤）",
        RewardKind::Gift,
        60,
        Some(30),
        Some(1),
        "社区党群服务中心",
    ),
    (
        "食用油一桶（5升）",
        RewardKind::Gift,
        70,
        Some(25),
        Some(1),
        "社区党群服务中心",
    ),
    (
        "保温杯一个",
        RewardKind::Gift,
        40,
        Some(15),
        Some(1),
        "社区党群服务中心",
    ),
];

/// Seeds the volunteers, their carried-over balances and the catalogue.
pub fn seed(
    conn: &mut DbConnection,
    demo: &DemoCommunity,
    now: DateTime<Utc>,
) -> Result<Roster, StoreError> {
    let community = &demo.community;
    let staff = demo.accounts["community"];
    let surnames: Vec<char> = SURNAMES.chars().collect();
    let opened = now - Duration::days(180);
    let mut ids = Vec::new();
    let mut roster = Vec::new();
    let mut n = 0;
    for (kind, count) in KINDS {
        for i in 0..count {
            n += 1;
            let name = format!(
                "{}{}",
                surnames[(n * 7) % surnames.len()],
                GIVEN[(n * 5 + i) % GIVEN.len()]
            );
            // The three staff-login volunteer accounts (`volunteer-1` … `volunteer-3`) are the
            // first three of the 107, with the role they were seeded with; the others sign in
            // by development login.
            let existing = demo.accounts.get(&format!("volunteer-{n}")).copied();
            let user = match existing {
                Some(u) => u,
                None => {
                    users::create_user(
                        conn,
                        &NewUser {
                            username: None,
                            password_hash: None,
                            display_name: name,
                            openid: Some(format!("demo-volunteer-{n}")),
                            contact_phone: None,
                        },
                        opened,
                    )?
                    .id
                }
            };
            let id = volunteers::create(
                conn,
                &NewVolunteer {
                    user_id: user,
                    community_id: community.id,
                    community_path: community.path.clone(),
                    kind,
                    skills: skills(kind, i),
                    intro: None,
                },
                opened,
            )?;
            volunteers::set_status(conn, id, VolunteerStatus::Active, None, staff, opened)?;
            let held = users::roles_of(conn, user)?
                .into_iter()
                .find(|r| r.kind == RoleKind::Volunteer)
                .map(|r| r.id);
            let role = match held {
                Some(r) => r,
                None => users::add_role(
                    conn,
                    user,
                    RoleKind::Volunteer,
                    RoleBinding::Node(community.id),
                    opened,
                )?,
            };
            volunteers::set_role(conn, id, Some(role))?;
            // The paper points book's balance, carried over when the system opened.
            let carried = ((n * 37) % 90 + 10) as i64;
            let entry = Entry::adjustment(Points(carried), "纸质积分台账结转").map_err(store)?;
            volunteers::append(
                conn,
                &NewEntry {
                    volunteer: id,
                    community_id: community.id,
                    entry: &entry,
                    minutes: None,
                    recorded_by: Some(staff),
                },
                opened,
            )?;
            ids.push(id);
            roster.push((id, skills(kind, i)));
        }
    }
    let mut rewards_ids = Vec::new();
    for (name, kind, price, stock, limit, provider) in CATALOGUE {
        let reward = Reward {
            name: RewardName::parse(name).map_err(store)?,
            kind,
            price: Price::new(price).map_err(store)?,
            stock: Stock::from_stored(stock).map_err(store)?,
            per_person_limit: limit.map(PerPersonLimit::new).transpose().map_err(store)?,
            validity: Validity::always(),
            active: true,
        };
        let id = rewards::create(
            conn,
            &NewReward {
                community_id: community.id,
                community_path: community.path.clone(),
                reward,
                description: None,
                provider: Some(provider.to_owned()),
                created_by: staff,
            },
            opened,
        )?;
        rewards_ids.push(id);
    }
    Ok(Roster {
        volunteers: roster,
        ids,
        rewards: rewards_ids,
    })
}

/// The demo's volunteers (with their skills) and catalogue, as seeded.
pub struct Roster {
    /// Volunteers and their skills, in seeding order.
    pub volunteers: Vec<(VolunteerId, Skills)>,
    ids: Vec<VolunteerId>,
    rewards: Vec<linli_domain::reward::RewardId>,
}

/// A few orders, a week ago, through the same steps as the API's (decide, take a unit, place,
/// debit); one handed over.
pub fn seed_orders(
    conn: &mut DbConnection,
    demo: &DemoCommunity,
    roster: &Roster,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let (community, staff) = (&demo.community, demo.accounts["community"]);
    let (ids, rewards_ids) = (&roster.ids, &roster.rewards);
    let at = now - Duration::days(7);
    for (k, (from, r)) in [(0, 0), (5, 1), (9, 3), (14, 0), (20, 5)]
        .into_iter()
        .enumerate()
    {
        let reward = rewards::get(conn, rewards_ids[r])?;
        // The first volunteer from `from` on whose balance covers it.
        let mut chosen = None;
        for v in &ids[from..] {
            let me = volunteers::lock(conn, *v, at)?;
            let held = rewards::count_held(conn, me.id, reward.id)?;
            if let Ok(plan) =
                decide_redemption(&reward.reward, reward.stock_left, held, me.balance, at)
            {
                chosen = Some((me, plan));
                break;
            }
        }
        let Some((me, plan)) = chosen else {
            continue;
        };
        if !rewards::take_stock(conn, reward.id)? {
            continue;
        }
        let order = rewards::insert(
            conn,
            &NewRedemption {
                reward_id: reward.id,
                volunteer_id: me.id,
                community_id: community.id,
                community_path: community.path.clone(),
                points: plan.price.points(),
                idempotency_key: None,
            },
            at,
        )?;
        volunteers::append(
            conn,
            &NewEntry {
                volunteer: me.id,
                community_id: community.id,
                entry: &plan.debit(order),
                minutes: None,
                recorded_by: None,
            },
            at,
        )?;
        if k == 0 {
            rewards::set_fulfilled(conn, order, staff, at + Duration::days(1))?;
        }
    }
    Ok(())
}
