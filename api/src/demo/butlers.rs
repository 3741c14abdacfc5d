//! The demo's butler teams: one for each of the 34 buildings, 86 members in all (the model's
//! count), spread over the three kinds of member, each with a public work phone; and, with the
//! request history, a few dozen home visits and some hazards (some fixed on the spot, some
//! turned into requests) through the same steps the API takes. Deterministic: the same seed
//! gives the same teams and logs.

use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;
use linli_domain::butler::{Duties, Duty, HazardKind, MemberKind, Severity, WorkLogKind};
use linli_domain::category::Category;
use linli_domain::content::ContentReview;
use linli_domain::request::{Channel, Command, Context, Submission, decide, submit};
use linli_domain::{OrgNodeId, UserId};
use linli_persistence::butlers::teams::{self, NewMember};
use linli_persistence::butlers::work_logs::{self, NewWorkLog};
use linli_persistence::requests::{self, IdempotentSubmit, NewRequestDetails};
use linli_persistence::users::{self, NewUser};
use linli_persistence::{DbConnection, StoreError, categories, org};

use super::DemoCommunity;
use super::data::{BUTLERS, COMPOUNDS};

/// Buildings (in seed order) before this index have three members, the rest two: 18 × 3 +
/// 16 × 2 = 86.
const THREE_MEMBER_BUILDINGS: usize = 18;

const SURNAMES: [&str; 17] = [
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭",
    "何",
];
const GIVEN: [&str; 13] = [
    "建国", "秀兰", "志强", "桂英", "玉珍", "国华", "淑芬", "卫东", "丽娟", "红梅", "德明", "春生",
    "海燕",
];

/// The `j`-th member's kind (0-based): the leader is a party-member household head, then
/// property staff, then a party-member volunteer.
fn kind(j: usize) -> MemberKind {
    MemberKind::ALL[j % 3]
}

fn duties(j: usize) -> Duties {
    match kind(j) {
        _ if j == 0 => Duties::new(Duty::ALL),
        MemberKind::PropertyStaff => {
            Duties::new([Duty::HazardInspection, Duty::InformationCollection])
        }
        _ => Duties::new([
            Duty::HomeVisit,
            Duty::PolicyOutreach,
            Duty::NeighbourHarmony,
        ]),
    }
}

fn store(e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("demo butlers: {e}"))
}

/// Seeds a team for every building, with its members' accounts and butler roles.
pub fn seed_teams(
    conn: &mut DbConnection,
    demo: &DemoCommunity,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    // Every demo account has the demo password: the seeded butlers' hash serves the new ones
    // too, which saves 82 argon2 runs on every seed.
    let first = demo.accounts[BUTLERS[0].0];
    let hash = users::get_user(conn, first)?.password_hash;
    let mut person = 0usize;
    for (i, (ci, building)) in demo.buildings.iter().enumerate() {
        let number = demo.buildings[..i].iter().filter(|(c, _)| c == ci).count() + 1;
        let team = teams::create_team(
            conn,
            demo.community.id,
            &format!("{}{}兴管家服务团", COMPOUNDS[*ci].name, building.name),
            std::slice::from_ref(building),
            None,
            now,
        )?;
        let size = if i < THREE_MEMBER_BUILDINGS { 3 } else { 2 };
        let seeded = BUTLERS
            .iter()
            .find(|(_, _, c, n, _)| c == ci && *n == number);
        for j in 0..size {
            let (user, name, phone) = match (j, seeded) {
                (0, Some((username, display, _, _, phone))) => (
                    demo.accounts[*username],
                    display.to_string(),
                    phone.to_string(),
                ),
                _ => {
                    let name = format!(
                        "{}{}",
                        SURNAMES[person % SURNAMES.len()],
                        GIVEN[(person * 7) % GIVEN.len()]
                    );
                    person += 1;
                    let u = users::create_user(
                        conn,
                        &NewUser {
                            username: Some(format!("butler-{:02}-{number}-{}", ci + 1, j + 1)),
                            password_hash: hash.clone(),
                            display_name: name.clone(),
                            openid: None,
                            contact_phone: None,
                        },
                        now,
                    )?;
                    let phone = format!("13993{:02}{:02}{:02}", ci + 1, number, j + 1);
                    users::set_contact_phone(conn, u.id, Some(&phone))?;
                    (u.id, name, phone)
                }
            };
            let duties = duties(j);
            teams::add_member(
                conn,
                &team,
                &NewMember {
                    user_id: Some(user),
                    display_name: &name,
                    kind: kind(j),
                    duties: &duties,
                    leader: j == 0,
                    work_phone: Some(&phone),
                },
                None,
                now,
            )?;
        }
    }
    Ok(())
}

/// What the demo's butlers noted on their rounds.
const VISITS: [(&str, Option<&str>); 6] = [
    ("走访独居老人，身体状况良好，叮嘱注意防寒", None),
    ("走访新入住家庭，介绍社区服务和兴管家联系方式", None),
    (
        "走访困难家庭，了解冬季取暖情况",
        Some("家中暖气不热，希望物业检查"),
    ),
    ("走访高龄老人，协助预约上门体检", None),
    (
        "走访租户，登记居住信息",
        Some("楼道声控灯不亮，晚上看不清台阶"),
    ),
    ("走访党员中心户，收集楼栋居民意见", None),
];

const HAZARDS: [(&str, &str, HazardKind, Severity); 6] = [
    (
        "楼道堆放纸箱杂物，堵塞消防通道",
        "3单元一楼楼道",
        HazardKind::FireSafety,
        Severity::High,
    ),
    (
        "电动车在楼道内充电，私拉电线",
        "1单元楼梯间",
        HazardKind::Electrical,
        Severity::High,
    ),
    (
        "外墙瓷砖松动，有脱落风险",
        "楼栋北侧外墙",
        HazardKind::Structural,
        Severity::Medium,
    ),
    (
        "雨水井盖破损",
        "楼前雨水井",
        HazardKind::Drainage,
        Severity::Low,
    ),
    (
        "电梯运行时有异响",
        "2单元电梯",
        HazardKind::Elevator,
        Severity::Medium,
    ),
    (
        "消防栓箱门损坏",
        "2单元二楼",
        HazardKind::FireSafety,
        Severity::Low,
    ),
];

/// Seeds 36 home visits over the last three months and 12 hazards: every third fixed on the
/// spot, every third turned into a request this month, the rest open.
pub fn seed_logs(
    conn: &mut DbConnection,
    demo: &DemoCommunity,
    now: DateTime<Utc>,
    tz: Tz,
) -> Result<(), StoreError> {
    let cats = categories::list(conn)?;
    let property = cats
        .iter()
        .find(|c| c.code.as_str() == "property")
        .cloned()
        .ok_or_else(|| store("no property category"))?;
    let leaders: Vec<(OrgNodeId, UserId)> = demo
        .buildings
        .iter()
        .map(|(_, b)| {
            let team = teams::team_of_building(conn, b.id)?.ok_or_else(|| store("no team"))?;
            let leader = teams::members(conn, team, false)?
                .into_iter()
                .find_map(|m| m.user_id.filter(|_| m.leader))
                .ok_or_else(|| store("no leader"))?;
            Ok((b.id, leader))
        })
        .collect::<Result<_, StoreError>>()?;
    for i in 0..36usize {
        let (building, author) = leaders[(i * 5) % leaders.len()];
        let (summary, concerns) = VISITS[i % VISITS.len()];
        let at = now - Duration::days((i * 90 / 36) as i64 + 1) - Duration::hours((i % 5) as i64);
        log(
            conn,
            building,
            author,
            WorkLogKind::HomeVisit,
            summary,
            concerns,
            None,
            at,
        )?;
    }
    for i in 0..12usize {
        let (building, author) = leaders[(i * 7 + 3) % leaders.len()];
        let (summary, place, kind, severity) = HAZARDS[i % HAZARDS.len()];
        // This month, so the request history before it keeps its record.
        let at = now - Duration::hours((i * 5 + 2) as i64);
        let fixed = i % 3 == 0;
        let id = log(
            conn,
            building,
            author,
            WorkLogKind::HazardInspection,
            summary,
            None,
            Some((place, kind, severity, fixed)),
            at,
        )?;
        if i % 3 == 2 || fixed {
            let request = file(
                conn, demo, building, author, &property, summary, place, at, tz,
            )?;
            work_logs::link_request(conn, id, request.request.id, at)?;
            if fixed {
                let actor = users::actor_of(conn, author)?;
                let ctx = Context {
                    now: at,
                    tz,
                    category: &property,
                };
                let t = decide(&request.request, &actor, &Command::ResolveOnSpot, &ctx)
                    .map_err(store)?;
                requests::apply(conn, &request, &t, Some(author), Some("现场已解决"), at)?;
            }
        }
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)]
fn log(
    conn: &mut DbConnection,
    building: OrgNodeId,
    author: UserId,
    kind: WorkLogKind,
    summary: &str,
    concerns: Option<&str>,
    hazard: Option<(&str, HazardKind, Severity, bool)>,
    at: DateTime<Utc>,
) -> Result<i64, StoreError> {
    let b = org::get_node(conn, building)?;
    let new = NewWorkLog {
        community_id: b.community_id.ok_or_else(|| store("no community"))?,
        building_id: b.id,
        building_path: b.path,
        household_id: None,
        kind,
        author,
        occurred_at: at,
        summary: summary.to_owned(),
        concerns: concerns.map(str::to_owned),
        text_review: ContentReview::None,
        place: hazard.map(|(p, ..)| p.to_owned()),
        hazard: hazard.map(|(_, k, s, _)| (k, s)),
        photo_urls: Vec::new(),
        fixed_on_spot: hazard.is_some_and(|(.., f)| f),
        idempotency_key: None,
        idempotency_hash: None,
    };
    let id = work_logs::insert(conn, &new, at)?;
    crate::butlers::events::recorded(conn, &new, id, None, at).map_err(store)?;
    Ok(id)
}

#[allow(clippy::too_many_arguments)]
fn file(
    conn: &mut DbConnection,
    demo: &DemoCommunity,
    building: OrgNodeId,
    by: UserId,
    category: &Category,
    summary: &str,
    place: &str,
    at: DateTime<Utc>,
    tz: Tz,
) -> Result<requests::RequestRecord, StoreError> {
    let actor = users::actor_of(conn, by)?;
    let b = org::get_node(conn, building)?;
    let compound = org::get_node(conn, b.parent_id.ok_or_else(|| store("no compound"))?)?;
    let (new, event) = submit(
        &actor,
        Submission {
            category,
            building_path: b.path.clone(),
            channel: Channel::Butler,
            managing_company: compound.property_company_id,
        },
        at,
        tz,
    )
    .map_err(store)?;
    let details = NewRequestDetails {
        community_id: demo.community.id,
        building_id: b.id,
        compound_id: compound.id,
        household_id: None,
        description: format!("【隐患排查】{summary}"),
        location_text: Some(place.to_owned()),
        photo_urls: Vec::new(),
        contact_phone_enc: None,
        contact_phone_masked: None,
        content: Default::default(),
    };
    match requests::submit(conn, &new, &details, &event, by, None, None, at)? {
        IdempotentSubmit::Created(rec) => Ok(*rec),
        IdempotentSubmit::Replayed { .. } => Err(store("unexpected replay")),
    }
}
