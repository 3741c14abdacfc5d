//! The demo's Red Collar activities, as the seed tells them: the Double Ninth visit to elderly
//! people living alone, free clinics with a local hospital, the recitation group, legal advice
//! and a women's and children's rights talk — held, attended and awarded through the same
//! finish as the API's; and two coming up, open for sign-up.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use chrono_tz::Tz;
use linli_domain::activity::{ActivityStatus, Capacity, Schedule, SignupStatus};
use linli_domain::time::local_day_start;
use linli_domain::volunteer::{Skill, Skills, VolunteerId};
use linli_persistence::DbConnection;
use linli_persistence::activities::{self, ActivityFields, NewActivity, PartnerOrg};

use super::DemoCommunity;
use crate::error::ApiError;

/// (title, month, day, hours long, capacity, attendees, partner, skill, what)
type Held = (
    &'static str,
    u32,
    u32,
    i64,
    i64,
    usize,
    Option<(&'static str, &'static str)>,
    Option<Skill>,
    &'static str,
);

const HELD: [Held; 6] = [
    (
        "重阳节走访慰问独居老人",
        10,
        29,
        3,
        20,
        16,
        None,
        Some(Skill::ElderlyCare),
        "为辖区独居老人送去重阳糕和慰问品，陪老人聊天、打扫卫生。",
    ),
    (
        "社区义诊（测血压、血糖）",
        9,
        20,
        3,
        12,
        10,
        Some(("西安市第九医院", "hospital")),
        Some(Skill::Medical),
        "联合医院开展义诊，为居民测量血压血糖、提供用药咨询。",
    ),
    (
        "社区义诊（眼科、口腔）",
        11,
        15,
        3,
        12,
        9,
        Some(("西安市第九医院", "hospital")),
        Some(Skill::Medical),
        "眼科与口腔科专家进社区。",
    ),
    (
        "“银龄朗读”独居老人朗诵陪伴",
        11,
        8,
        2,
        15,
        12,
        None,
        Some(Skill::Recitation),
        "朗诵小组为独居老人读报、读诗，陪伴老人。",
    ),
    (
        "法律咨询日",
        10,
        12,
        4,
        8,
        6,
        Some(("陕西某律师事务所", "law_firm")),
        Some(Skill::Legal),
        "社区律师与党员志愿者解答婚姻家庭、物业纠纷等法律问题。",
    ),
    (
        "妇女儿童权益保护宣传",
        9,
        6,
        2,
        10,
        8,
        Some(("区妇联", "organisation")),
        None,
        "宣传妇女儿童权益保护法律法规，发放宣传资料。",
    ),
];

/// The local 09:00 on `month`/`day` of the latest year that puts it before `now`.
fn held_at(now: DateTime<Utc>, month: u32, day: u32, tz: Tz) -> DateTime<Utc> {
    let this_year = chrono::Datelike::year(&now.with_timezone(&tz));
    let at = |y: i32| {
        NaiveDate::from_ymd_opt(y, month, day).map(|d| local_day_start(d, tz) + Duration::hours(9))
    };
    match at(this_year) {
        Some(t) if t + Duration::days(1) < now => t,
        _ => at(this_year - 1).expect("a real date"),
    }
}

fn fields(
    title: &str,
    what: &str,
    partner: Option<(&str, &str)>,
    skill: Option<Skill>,
    schedule: Schedule,
    capacity: i64,
) -> Result<ActivityFields, ApiError> {
    Ok(ActivityFields {
        title: title.to_owned(),
        description: Some(what.to_owned()),
        organiser: "大兴东路社区红领之家".to_owned(),
        partners: partner
            .map(|(name, kind)| PartnerOrg {
                name: name.to_owned(),
                kind: kind.to_owned(),
            })
            .into_iter()
            .collect(),
        place: "大兴东路社区党群服务中心".to_owned(),
        schedule,
        capacity: Capacity::new(capacity).map_err(ApiError::internal)?,
        required_skills: Skills::new(skill),
        points_per_hour: None,
        points_per_activity: None,
    })
}

/// Seeds the activities; `volunteers` are the demo's with their skills, in seeding order.
pub fn seed(
    conn: &mut DbConnection,
    demo: &DemoCommunity,
    volunteers: &[(VolunteerId, Skills)],
    now: DateTime<Utc>,
    tz: Tz,
) -> Result<(), ApiError> {
    let community = &demo.community;
    let staff = demo.accounts["community"];
    let mut turn = 0;
    for (title, month, day, hours, capacity, attendees, partner, skill, what) in HELD {
        let start = held_at(now, month, day, tz);
        let schedule = Schedule::new(start, start + Duration::hours(hours), Some(start))
            .map_err(ApiError::internal)?;
        let id = activities::create(
            conn,
            &NewActivity {
                community_id: community.id,
                community_path: community.path.clone(),
                fields: fields(title, what, partner, skill, schedule, capacity)?,
                created_by: staff,
                idempotency_key: None,
                idempotency_hash: None,
            },
            start - Duration::days(10),
        )?;
        activities::set_status(
            conn,
            id,
            ActivityStatus::Draft,
            ActivityStatus::Published,
            None,
            start - Duration::days(10),
        )?;
        // Volunteers with the skill asked for, in turn, each signing up a few days before; most
        // stay the whole time.
        let able: Vec<VolunteerId> = volunteers
            .iter()
            .filter(|(_, s)| skill.is_none_or(|k| s.contains(k)))
            .map(|(v, _)| *v)
            .collect();
        let mut signed = Vec::new();
        for k in 0..attendees {
            let v = able[(turn + k * 3) % able.len()];
            if signed.contains(&v) {
                continue;
            }
            activities::insert_signup(
                conn,
                id,
                v,
                community.id,
                SignupStatus::Confirmed,
                start - Duration::days(5) + Duration::minutes(k as i64),
            )?;
            signed.push(v);
        }
        turn += attendees;
        activities::set_status(
            conn,
            id,
            ActivityStatus::Published,
            ActivityStatus::Ongoing,
            None,
            start,
        )?;
        for (k, v) in signed.iter().enumerate() {
            activities::record_check_in(conn, id, *v, start + Duration::minutes(k as i64 % 10))?;
            // One in five left an hour early.
            let out = if k % 5 == 4 {
                start + Duration::hours(hours - 1)
            } else {
                start + Duration::hours(hours) + Duration::minutes(5)
            };
            activities::record_check_out(conn, id, *v, out)?;
        }
        let finished = start + Duration::hours(hours) + Duration::minutes(30);
        activities::set_status(
            conn,
            id,
            ActivityStatus::Ongoing,
            ActivityStatus::Finished,
            None,
            finished,
        )?;
        let record = activities::get(conn, id)?;
        crate::activities::finish::award_attendees(conn, &record, staff, finished)?;
    }
    // Coming up, open for sign-up.
    let upcoming = [
        (
            "元旦社区义诊",
            12,
            3,
            12,
            Some(("西安市第九医院", "hospital")),
            Some(Skill::Medical),
            "新年前的义诊，测血压血糖、送医送药。",
        ),
        (
            "“银龄朗读”陪伴（冬季第一期）",
            6,
            2,
            15,
            None,
            Some(Skill::Recitation),
            "为独居老人读报、读诗。",
        ),
    ];
    for (title, in_days, hours, capacity, partner, skill, what) in upcoming {
        let day = (now.with_timezone(&tz) + Duration::days(in_days)).date_naive();
        let start = local_day_start(day, tz) + Duration::hours(9);
        let schedule = Schedule::new(
            start,
            start + Duration::hours(hours),
            Some(start - Duration::days(1)),
        )
        .map_err(ApiError::internal)?;
        let id = activities::create(
            conn,
            &NewActivity {
                community_id: community.id,
                community_path: community.path.clone(),
                fields: fields(title, what, partner, skill, schedule, capacity)?,
                created_by: staff,
                idempotency_key: None,
                idempotency_hash: None,
            },
            now - Duration::days(2),
        )?;
        activities::set_status(
            conn,
            id,
            ActivityStatus::Draft,
            ActivityStatus::Published,
            None,
            now - Duration::days(2),
        )?;
    }
    Ok(())
}
