//! The demo's meetings: the seed's record of 11 — ten deliberation meetings over the months of
//! the request history and the joint meeting on the tilting wall between 天兴都市花园 and 梧桐坊,
//! with the community lawyer, a signed repair agreement and both action items done, whose last
//! one resolves the wall request through the request lifecycle. Deterministic: the same ids,
//! titles and times (relative to the seeding time) every run.

use chrono::{DateTime, Datelike, Duration, TimeZone, Utc};
use chrono_tz::Tz;
use linli_domain::access::Actor;
use linli_domain::meeting::{
    Change, ItemOutcome, MeetingKind, ParticipantRole, PartyKind, close_when_settled, decide,
};
use linli_domain::request::{Command, Context, decide as decide_request};
use linli_domain::RequestId;
use linli_persistence::meetings::{
    self, MeetingRecord, NewActionItem, NewAgreement, NewMeeting, NewParticipant, NewResolution,
    ParticipantWho,
};
use linli_persistence::{DbConnection, StoreError, categories, requests, users};

use super::DemoCommunity;

/// Ten deliberation meetings: title, what was decided, the action item and its outside owner.
const DELIBERATIONS: [(&str, &str, &str, &str); 10] = [
    (
        "楼道堆物清理议事协商会",
        "各楼栋限期清理楼道杂物",
        "清理楼道杂物",
        "楼栋兴管家",
    ),
    (
        "小区停车秩序议事协商会",
        "划定临时停车位并错峰停车",
        "施划临时停车位",
        "物业服务中心",
    ),
    (
        "老旧楼栋加装电梯议事协商会",
        "征集意见后报街道审批",
        "征集住户意见",
        "居民代表",
    ),
    (
        "垃圾分类投放点议事协商会",
        "迁移投放点并定时投放",
        "迁移垃圾投放点",
        "物业服务中心",
    ),
    (
        "夜间噪音治理议事协商会",
        "商户晚十点后停止外摆",
        "张贴营业时间告示",
        "商户代表",
    ),
    (
        "绿化带改造议事协商会",
        "补种绿植并增设座椅",
        "补种绿植",
        "物业服务中心",
    ),
    (
        "电动车充电桩议事协商会",
        "在车棚加装充电桩",
        "加装充电桩",
        "物业服务中心",
    ),
    (
        "物业服务质量议事协商会",
        "物业每月公示服务记录",
        "公示服务记录",
        "物业服务中心",
    ),
    (
        "文明养犬议事协商会",
        "签订文明养犬公约",
        "发放养犬公约",
        "楼栋兴管家",
    ),
    (
        "独居老人关爱议事协商会",
        "志愿者结对每周探访",
        "建立结对名单",
        "红领之家志愿者",
    ),
];

fn store(e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("demo meetings: {e}"))
}

/// 14:00 local on the `day`th of the month `back` months before `now`'s.
fn month_day(now: DateTime<Utc>, back: u32, day: u32, tz: Tz) -> DateTime<Utc> {
    let local = now.with_timezone(&tz);
    let months = local.year() * 12 + local.month0() as i32 - back as i32;
    let (y, m) = (months.div_euclid(12), months.rem_euclid(12) as u32 + 1);
    tz.with_ymd_and_hms(y, m, day, 14, 0, 0)
        .earliest()
        .expect("14:00 exists")
        .with_timezone(&Utc)
}

/// Moves a meeting from `before` to `status` through the rules, with `edit` applied.
fn advance(
    conn: &mut DbConnection,
    before: &MeetingRecord,
    change: Change,
    at: DateTime<Utc>,
    edit: impl FnOnce(&mut MeetingRecord),
) -> Result<MeetingRecord, StoreError> {
    let status =
        decide(before.status, before.version, Some(before.version), change).map_err(store)?;
    let mut after = before.clone();
    after.status = status;
    edit(&mut after);
    after.version = meetings::bump(conn, before, &after, at)?;
    Ok(after)
}

/// Finishes every open item of the meeting as done by `by`, one per entry of `at`, and closes
/// it; the last item settles a resolution that resolves the linked requests.
fn finish_all(
    conn: &mut DbConnection,
    meeting: &MeetingRecord,
    by: &Actor,
    at: &[DateTime<Utc>],
    tz: Tz,
) -> Result<MeetingRecord, StoreError> {
    let detail = meetings::get_detail(conn, meeting.id)?;
    let items: Vec<_> = detail
        .resolutions
        .iter()
        .flat_map(|r| r.items.clone())
        .collect();
    let mut current = meeting.clone();
    for (i, (item, when)) in items.iter().zip(at).enumerate() {
        let after = item
            .item
            .finish(ItemOutcome::Done, by.user_id, *when)
            .map_err(store)?;
        meetings::finish_item(conn, item.id, &after, Some("已完成"))?;
        let open = items.len() - i - 1;
        if open == 0 {
            for r in detail.resolutions.iter().filter(|r| r.resolves_requests) {
                resolve_linked(conn, &current, &detail.requests, by, *when, tz)?;
                meetings::set_settled(conn, r.id, *when)?;
            }
        }
        current = advance(conn, &current, Change::FinishActionItem, *when, |m| {
            m.status = close_when_settled(m.status, open);
            if open == 0 {
                m.finished_at = Some(*when);
            }
        })?;
    }
    Ok(current)
}

fn resolve_linked(
    conn: &mut DbConnection,
    meeting: &MeetingRecord,
    linked: &[meetings::LinkedRequest],
    by: &Actor,
    at: DateTime<Utc>,
    tz: Tz,
) -> Result<(), StoreError> {
    let note = format!(
        "经会议协议办结：{}（会议编号 {}）",
        meeting.title, meeting.id
    );
    for link in linked {
        let rec = requests::get(conn, link.request_id)?;
        let category = categories::get(conn, rec.request.category_id)?;
        let ctx = Context {
            now: at,
            tz,
            category: &category,
        };
        let cmd = Command::ResolveByAgreement {
            meeting_id: meeting.id,
        };
        if let Ok(t) = decide_request(&rec.request, by, &cmd, &ctx) {
            requests::apply(conn, &rec, &t, Some(by.user_id), Some(&note), at)?;
            meetings::mark_request_resolved(conn, meeting.id, link.request_id, at)?;
        }
    }
    Ok(())
}

/// The wall request the history seeded (found by its text, whatever its id).
fn wall_request(conn: &mut DbConnection) -> Result<Option<RequestId>, StoreError> {
    for id in 1..=200 {
        match requests::get(conn, RequestId(id)) {
            Ok(r) if r.description.contains("围墙倾斜") => return Ok(Some(r.request.id)),
            Ok(_) => {}
            Err(StoreError::NotFound) => return Ok(None),
            Err(e) => return Err(e),
        }
    }
    Ok(None)
}

/// Seeds the meetings described above (after the request history).
pub fn seed(
    conn: &mut DbConnection,
    demo: &DemoCommunity,
    now: DateTime<Utc>,
    tz: Tz,
) -> Result<(), StoreError> {
    let staff = demo.accounts["community"];
    let community_staff = users::actor_of(conn, staff)?;
    let community = &demo.community;
    let new = |kind, title: &str, starts_at| NewMeeting {
        community_id: community.id,
        org_node_id: community.id,
        node_path: community.path.clone(),
        kind,
        title: title.to_owned(),
        starts_at,
        place: "大兴东路社区党群服务中心会议室".to_owned(),
        organiser_id: staff,
        agenda: None,
        idempotency_key: None,
    };
    for (i, (title, decided, item, owner)) in DELIBERATIONS.iter().enumerate() {
        let back = 10 - i as u32;
        let at = month_day(now, back, 10, tz);
        let m = meetings::create(
            conn,
            &new(MeetingKind::Deliberation, title, at),
            at - Duration::days(5),
        )?;
        meetings::add_participant(
            conn,
            &m,
            &NewParticipant {
                role: ParticipantRole::Party,
                who: ParticipantWho::Party {
                    name: (*owner).to_owned(),
                    organisation: None,
                    kind: PartyKind::ResidentRepresentative,
                    contact_phone_enc: None,
                    contact_phone_masked: None,
                },
            },
            at - Duration::days(5),
        )?;
        let m = advance(conn, &m, Change::Hold, at + Duration::hours(2), |m| {
            m.minutes = Some(format!("与会各方充分协商，一致同意：{decided}。"));
            m.held_at = Some(at + Duration::hours(2));
        })?;
        meetings::record_resolution(
            conn,
            &m,
            &NewResolution {
                text: (*decided).to_owned(),
                decided_at: at + Duration::hours(2),
                resolves_requests: false,
                agreement: None,
                items: vec![NewActionItem {
                    title: (*item).to_owned(),
                    owner_user_id: None,
                    owner_name: Some((*owner).to_owned()),
                    due_on: (at + Duration::days(10)).with_timezone(&tz).date_naive(),
                }],
            },
            staff,
            at + Duration::hours(2),
        )?;
        finish_all(conn, &m, &community_staff, &[at + Duration::days(7)], tz)?;
    }
    wall_meeting(
        conn,
        demo,
        &community_staff,
        tz,
        &new(
            MeetingKind::Joint,
            "天兴都市花园与梧桐坊围墙修复联席会议",
            now - Duration::days(6),
        ),
    )
}

fn wall_meeting(
    conn: &mut DbConnection,
    demo: &DemoCommunity,
    staff: &Actor,
    tz: Tz,
    new: &NewMeeting,
) -> Result<(), StoreError> {
    let at = new.starts_at;
    let called = at - Duration::days(1);
    let m = meetings::create(conn, new, called)?;
    let mut parties = vec![
        (
            ParticipantRole::Host,
            ParticipantWho::User(demo.accounts["street"]),
        ),
        (
            ParticipantRole::Party,
            ParticipantWho::User(demo.accounts["wy-tianxing"]),
        ),
        (
            ParticipantRole::Party,
            ParticipantWho::User(demo.accounts["wy-wutong"]),
        ),
    ];
    parties.push((
        ParticipantRole::Lawyer,
        ParticipantWho::Party {
            name: "社区法律顾问".to_owned(),
            organisation: Some("大兴东路社区法律服务室".to_owned()),
            kind: PartyKind::Lawyer,
            contact_phone_enc: None,
            contact_phone_masked: None,
        },
    ));
    for (role, who) in parties {
        meetings::add_participant(conn, &m, &NewParticipant { role, who }, called)?;
    }
    if let Some(wall) = wall_request(conn)? {
        meetings::link_request(conn, &m, wall, staff.user_id, called)?;
    }
    let held_at = at + Duration::hours(2);
    let m = advance(conn, &m, Change::Hold, held_at, |m| {
        m.minutes = Some(
            "两家物业公司就围墙倾斜责任各执一词，社区律师解读相关规定后，双方同意共同出资拆除重建。"
                .to_owned(),
        );
        m.held_at = Some(held_at);
    })?;
    let detail = meetings::get_detail(conn, m.id)?;
    let everyone: Vec<i64> = detail.participants.iter().map(|p| p.id).collect();
    meetings::set_attendance(conn, m.id, &everyone)?;
    let day = |d: i64| (at + Duration::days(d)).with_timezone(&tz).date_naive();
    meetings::record_resolution(
        conn,
        &m,
        &NewResolution {
            text: "两家物业共同出资，一周内拆除并重建倾斜围墙".to_owned(),
            decided_at: held_at,
            resolves_requests: true,
            agreement: Some(NewAgreement {
                parties: vec![
                    "天兴物业服务有限公司".to_owned(),
                    "梧桐坊物业管理有限公司".to_owned(),
                ],
                text: "围墙修复费用由双方各承担一半：天兴物业负责拆除，梧桐坊物业负责重建，社区律师见证。"
                    .to_owned(),
                signed_on: day(0),
                attachment_url: None,
            }),
            items: vec![
                NewActionItem {
                    title: "拆除倾斜围墙".to_owned(),
                    owner_user_id: Some(demo.accounts["wy-tianxing"]),
                    owner_name: None,
                    due_on: day(3),
                },
                NewActionItem {
                    title: "重建围墙并验收".to_owned(),
                    owner_user_id: Some(demo.accounts["wy-wutong"]),
                    owner_name: None,
                    due_on: day(7),
                },
            ],
        },
        staff.user_id,
        held_at,
    )?;
    // The wall is down and being rebuilt: the seed's record keeps it the one request of the
    // 54 not yet completed, and finishing the last item (due tomorrow) resolves it, live.
    finish_all(conn, &m, staff, &[at + Duration::days(2)], tz)?;
    Ok(())
}
