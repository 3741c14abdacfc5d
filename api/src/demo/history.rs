//! The demo's request history, replayed through the real rules with backdated times, so every
//! timeline and rate is what the system itself would have produced.
//!
//! The ten months before the current one hold the seed's record: 54 requests taken, 53 completed
//! (one wall dispute between two compounds is still with the street), satisfaction above 95%.
//! The current month holds a few open requests in other states, for the queue.

use chrono::{DateTime, Datelike, Duration, TimeZone, Utc};
use chrono_tz::Tz;
use linli_domain::access::Actor;
use linli_domain::category::Category;
use linli_domain::request::{
    Assignee, Channel, Command, Context, ExtensionDecision, Rating, Submission, decide, submit,
    suggest,
};
use linli_domain::{OrgNodeId, UserId};
use linli_persistence::requests::{self, IdempotentSubmit, NewRequestDetails, RequestRecord};
use linli_persistence::{DbConnection, StoreError, categories, org, users};

use super::DemoCommunity;
use super::data::COMPOUNDS;

/// What residents reported, by category code.
const REPORTS: [(&str, &str); 12] = [
    ("property", "楼道声控灯坏了，晚上上下楼看不清台阶"),
    ("property", "电梯运行时有异响，老人不敢乘坐"),
    ("property", "停车道闸抬杆声音太大，影响夜间休息"),
    ("home_life", "独居老人家中水龙头漏水，需要帮忙更换"),
    ("home_life", "家里老人行动不便，需要志愿者帮忙代购药品"),
    ("mediation", "楼上住户装修噪音持续到晚上十点以后"),
    ("mediation", "邻居在楼道堆放杂物，协商未果"),
    ("social_org", "希望社区组织针对老年人的防诈骗讲座"),
    ("legal", "房屋租赁合同纠纷，想咨询社区律师"),
    ("care", "困难家庭冬季取暖有困难，申请帮扶"),
    ("property", "小区绿化带杂草丛生，蚊虫多"),
    ("care", "残疾人家庭需要上门办理证件协助"),
];

struct Seeder<'a> {
    conn: &'a mut DbConnection,
    demo: &'a DemoCommunity,
    tz: Tz,
    categories: Vec<Category>,
}

fn store(e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("demo history: {e}"))
}

impl Seeder<'_> {
    fn actor(&mut self, user: UserId) -> Result<Actor, StoreError> {
        users::actor_of(self.conn, user)
    }

    fn account(&self, name: &str) -> UserId {
        self.demo.accounts[name]
    }

    fn category(&self, code: &str) -> Category {
        self.categories
            .iter()
            .find(|c| c.code.as_str() == code)
            .cloned()
            .expect("seeded category")
    }

    /// Submits through the rules, as `by`, at `at`.
    fn submit(
        &mut self,
        by: UserId,
        channel: Channel,
        (ci, building): (usize, OrgNodeId),
        code: &str,
        text: &str,
        at: DateTime<Utc>,
    ) -> Result<RequestRecord, StoreError> {
        let actor = self.actor(by)?;
        let building = org::get_node(self.conn, building)?;
        let compound = org::get_node(self.conn, building.parent_id.expect("compound"))?;
        let category = self.category(code);
        let (new, event) = submit(
            &actor,
            Submission {
                category: &category,
                building_path: building.path.clone(),
                channel,
                managing_company: compound.property_company_id,
            },
            at,
            self.tz,
        )
        .map_err(store)?;
        let details = NewRequestDetails {
            community_id: self.demo.community.id,
            building_id: building.id,
            compound_id: compound.id,
            household_id: None,
            description: format!("{}（{}{}）", text, COMPOUNDS[ci].name, building.name),
            location_text: None,
            photo_urls: Vec::new(),
            contact_phone_enc: None,
            contact_phone_masked: None,
            content: Default::default(),
        };
        match requests::submit(self.conn, &new, &details, &event, by, None, None, at)? {
            IdempotentSubmit::Created(rec) => Ok(*rec),
            IdempotentSubmit::Replayed { .. } => Err(store("unexpected replay")),
        }
    }

    /// Applies one command through the rules; each step replaces the record it was given.
    #[expect(clippy::needless_pass_by_value, reason = "the old record is done with")]
    fn act(
        &mut self,
        rec: RequestRecord,
        by: UserId,
        cmd: Command,
        note: Option<&str>,
        at: DateTime<Utc>,
    ) -> Result<RequestRecord, StoreError> {
        let actor = self.actor(by)?;
        let category = categories::get(self.conn, rec.request.category_id)?;
        let ctx = Context {
            now: at,
            tz: self.tz,
            category: &category,
        };
        let t = decide(&rec.request, &actor, &cmd, &ctx).map_err(store)?;
        requests::apply(self.conn, &rec, &t, Some(by), note, at)
    }

    /// The suggested handler, and a user who acts for it.
    fn handler(&mut self, rec: &RequestRecord) -> Result<(Assignee, UserId), StoreError> {
        let category = categories::get(self.conn, rec.request.category_id)?;
        let candidates: Vec<_> =
            requests::dispatch_candidates(self.conn, &rec.request.building_path)?
                .into_iter()
                .map(|(c, _)| c)
                .collect();
        let pick = suggest(category.default_handler, &candidates)
            .ok_or_else(|| store("no handler for a demo request"))?;
        let user = match pick.assignee {
            Assignee::User(u) => u,
            Assignee::Company(c) => {
                let i = self
                    .demo
                    .companies
                    .iter()
                    .position(|x| *x == c)
                    .expect("demo company");
                self.account(super::data::COMPANIES[i].1)
            }
        };
        Ok((pick.assignee, user))
    }
}

/// The first instant of the month `back` months before `now`'s month, local time.
fn month_start(now: DateTime<Utc>, back: u32, tz: Tz) -> DateTime<Utc> {
    let local = now.with_timezone(&tz);
    let months = local.year() * 12 + local.month0() as i32 - back as i32;
    let (y, m) = (months.div_euclid(12), months.rem_euclid(12) as u32 + 1);
    tz.with_ymd_and_hms(y, m, 1, 9, 0, 0)
        .earliest()
        .expect("9:00 exists")
        .with_timezone(&Utc)
}

/// Seeds the history described above.
pub fn seed(
    conn: &mut DbConnection,
    demo: &DemoCommunity,
    now: DateTime<Utc>,
    tz: Tz,
) -> Result<(), StoreError> {
    let categories = categories::list(conn)?;
    let mut s = Seeder {
        conn,
        demo,
        tz,
        categories,
    };
    let community = s.account("community");
    let residents: Vec<UserId> = (1..=5)
        .map(|i| s.account(&format!("demo-resident-{i}")))
        .collect();
    let butlers = [
        "butler-txdsh-1",
        "butler-wtf-1",
        "butler-tllx-1",
        "butler-xchy-1",
    ];
    let buildings: Vec<(usize, OrgNodeId)> =
        demo.buildings.iter().map(|(ci, b)| (*ci, b.id)).collect();

    // 53 completed requests across the ten previous months.
    for i in 0..53usize {
        let month = 10 - (i * 10 / 53) as u32;
        let t0 = month_start(now, month, tz)
            + Duration::days((i * 7 % 26) as i64)
            + Duration::hours((i % 8) as i64);
        let (code, text) = REPORTS[i % REPORTS.len()];
        let building = buildings[(i * 11) % buildings.len()];
        // The channel mix of the seed: mostly the mini-program and QR codes.
        let (channel, by) = match i % 10 {
            0 => (Channel::Hotline, community),
            1 => (Channel::FrontDesk, community),
            2 | 3 => (Channel::QrCode, residents[i % 5]),
            4 => {
                let b = i % butlers.len();
                match demo_building_of_butler(demo, butlers[b]) {
                    Some(bb) => {
                        let rec =
                            s.submit(s.account(butlers[b]), Channel::Butler, bb, code, text, t0)?;
                        // Butlers solve what they can on the spot (现场解决).
                        let rec = s.act(
                            rec,
                            s.account(butlers[b]),
                            Command::ResolveOnSpot,
                            Some("现场已解决"),
                            t0 + Duration::hours(1),
                        )?;
                        s.act(
                            rec,
                            community,
                            Command::Close,
                            Some("管家现场解决，居民电话确认"),
                            t0 + Duration::days(1),
                        )?;
                        continue;
                    }
                    None => (Channel::MiniProgram, residents[i % 5]),
                }
            }
            _ => (Channel::MiniProgram, residents[i % 5]),
        };
        let rec = s.submit(by, channel, building, code, text, t0)?;
        let (assignee, handler) = s.handler(&rec)?;
        let rec = s.act(
            rec,
            community,
            Command::Dispatch { assignee },
            Some("请按时处理"),
            t0 + Duration::hours(2),
        )?;
        let rec = s.act(rec, handler, Command::Claim, None, t0 + Duration::hours(5))?;
        let rec = s.act(
            rec,
            handler,
            Command::Progress,
            Some("已上门查看"),
            t0 + Duration::days(1),
        )?;
        // Two of them ran late; one needed an extension.
        let done = match i {
            17 | 38 => t0 + Duration::days(18),
            _ => t0 + Duration::days(2 + (i % 4) as i64),
        };
        let rec = if i == 25 {
            let rec = s.act(
                rec,
                handler,
                Command::RequestExtension { days: 5 },
                Some("需等待配件"),
                t0 + Duration::days(2),
            )?;
            s.act(
                rec,
                community,
                Command::DecideExtension {
                    decision: ExtensionDecision::Approve,
                },
                Some("同意延期"),
                t0 + Duration::days(2) + Duration::hours(3),
            )?
        } else {
            rec
        };
        let rec = s.act(rec, handler, Command::Resolve, Some("已处理完毕"), done)?;
        // Staff rate what they typed in for residents without the mini-program.
        let rater = if channel.is_staff_entered() {
            community
        } else {
            by
        };
        let rating = match i {
            9 => Some(Rating::Dissatisfied),
            13 | 31 => Some(Rating::BasicallySatisfied),
            44 | 51 => None,
            _ => Some(Rating::Satisfied),
        };
        match rating {
            Some(Rating::Dissatisfied) => {
                // 重办: reopened, done properly, then satisfied.
                let rec = s.act(
                    rec,
                    rater,
                    Command::Rate {
                        rating: Rating::Dissatisfied,
                    },
                    Some("问题没有彻底解决"),
                    done + Duration::hours(4),
                )?;
                let rec = s.act(
                    rec,
                    handler,
                    Command::Claim,
                    None,
                    done + Duration::hours(6),
                )?;
                let rec = s.act(
                    rec,
                    handler,
                    Command::Resolve,
                    Some("已彻底处理"),
                    done + Duration::days(2),
                )?;
                s.act(
                    rec,
                    rater,
                    Command::Rate {
                        rating: Rating::Satisfied,
                    },
                    None,
                    done + Duration::days(2) + Duration::hours(3),
                )?;
            }
            Some(rating) => {
                s.act(
                    rec,
                    rater,
                    Command::Rate { rating },
                    None,
                    done + Duration::hours(4),
                )?;
            }
            None => {
                // Resident unreachable: community staff close it.
                s.act(
                    rec,
                    community,
                    Command::Close,
                    Some("多次回访未接通，按办结关闭"),
                    done + Duration::days(8),
                )?;
            }
        }
    }

    // The 54th: the tilting wall between 天兴都市花园 and 梧桐坊, whose two property companies
    // disagree: escalated to the street, which is convening a joint meeting.
    let wall_building = demo
        .buildings
        .iter()
        .find(|(ci, _)| *ci == 1)
        .map(|(ci, b)| (*ci, b.id))
        .expect("梧桐坊");
    let t0 = month_start(now, 1, tz) + Duration::days(20);
    let rec = s.submit(
        residents[0],
        Channel::MiniProgram,
        wall_building,
        "property",
        "天兴都市花园与梧桐坊之间的围墙倾斜，存在倒塌隐患",
        t0,
    )?;
    s.act(
        rec,
        community,
        Command::Escalate,
        Some("涉及两家物业公司，需街道协调召开联席会议"),
        t0 + Duration::hours(3),
    )?;

    // The current month: a few open requests in other states.
    let today = now - Duration::hours(1);
    let mk = |i: usize| buildings[(i * 7 + 3) % buildings.len()];
    s.submit(
        residents[1],
        Channel::MiniProgram,
        mk(1),
        "mediation",
        "楼下烧烤店油烟直排进卧室",
        today,
    )?;
    let rec = s.submit(
        residents[2],
        Channel::QrCode,
        mk(2),
        "property",
        "单元门门禁失灵，陌生人随意进出",
        today - Duration::days(1),
    )?;
    let (assignee, _) = s.handler(&rec)?;
    s.act(
        rec,
        community,
        Command::Dispatch { assignee },
        Some("请物业尽快修复"),
        today - Duration::days(1) + Duration::hours(1),
    )?;
    let rec = s.submit(
        residents[3],
        Channel::MiniProgram,
        mk(3),
        "home_life",
        "老人家中电灯不亮，需要帮忙检查线路",
        today - Duration::days(2),
    )?;
    let (assignee, handler) = s.handler(&rec)?;
    let rec = s.act(
        rec,
        community,
        Command::Dispatch { assignee },
        None,
        today - Duration::days(2) + Duration::hours(1),
    )?;
    s.act(
        rec,
        handler,
        Command::Claim,
        None,
        today - Duration::days(2) + Duration::hours(3),
    )?;
    let rec = s.submit(
        residents[4],
        Channel::MiniProgram,
        mk(4),
        "property",
        "楼顶防水层破损，下雨时顶楼渗水",
        today - Duration::days(4),
    )?;
    let (assignee, handler) = s.handler(&rec)?;
    let rec = s.act(
        rec,
        community,
        Command::Dispatch { assignee },
        None,
        today - Duration::days(4) + Duration::hours(1),
    )?;
    let rec = s.act(
        rec,
        handler,
        Command::Claim,
        None,
        today - Duration::days(4) + Duration::hours(2),
    )?;
    let rec = s.act(
        rec,
        handler,
        Command::Progress,
        Some("已联系防水施工队"),
        today - Duration::days(3),
    )?;
    s.act(
        rec,
        handler,
        Command::RequestExtension { days: 5 },
        Some("需等待连续晴天施工"),
        today - Duration::days(1),
    )?;
    Ok(())
}

fn demo_building_of_butler(demo: &DemoCommunity, butler: &str) -> Option<(usize, OrgNodeId)> {
    let (_, _, compound, number, _) = super::data::BUTLERS.iter().find(|b| b.0 == butler)?;
    demo.buildings
        .iter()
        .filter(|(ci, _)| ci == compound)
        .nth(number - 1)
        .map(|(ci, b)| (*ci, b.id))
}
