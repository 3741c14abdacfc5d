//! Staff's side of an activity: creating a draft, editing it at the version read, publishing,
//! starting and cancelling it; and the lists and views everyone reads.

use chrono::{DateTime, Utc};
use linli_domain::OrgNodeId;
use linli_domain::access::{Actor, RoleKind};
use linli_domain::activity::{
    ActivityAction, ActivityId, ActivityStatus, Capacity, CapacityError, Schedule, ScheduleError,
    decide, promotions,
};
use linli_domain::meeting::Title;
use linli_domain::points::PointsRule;
use linli_domain::text::Note;
use linli_domain::volunteer::Skills;
use linli_persistence::activities::{
    self, ActivityFields, ActivityFilter, ActivityRecord, NewActivity, PartnerOrg,
};
use linli_persistence::tx::transaction;
use linli_persistence::{StoreError, volunteers};

use super::errors::{forbidden, version_conflict};
use super::wire::{
    ActivityListParams, ActivityPage, ActivityView, CancelActivityBody, CreateActivityBody,
    PartnerBody, UpdateActivityBody,
};
use super::{load_managed, render, view};
use crate::error::{ApiError, Msg};
use crate::state::AppState;
use crate::validation::Fields;

/// An activity's fields as the client sent them (or as stored, for an edit), before checking.
struct Raw {
    title: String,
    description: Option<String>,
    organiser: String,
    partners: Vec<PartnerOrg>,
    place: String,
    starts_at: DateTime<Utc>,
    ends_at: DateTime<Utc>,
    signup_deadline: Option<DateTime<Utc>>,
    capacity: i64,
    required_skills: Vec<String>,
    points_per_hour: Option<i64>,
    points_per_activity: Option<i64>,
}

fn partners(body: &[PartnerBody]) -> Vec<PartnerOrg> {
    body.iter()
        .map(|p| PartnerOrg {
            name: p.name.clone(),
            kind: p.kind.as_str().to_owned(),
        })
        .collect()
}

fn schedule_field(e: ScheduleError) -> (&'static str, &'static str) {
    match e {
        ScheduleError::EndsBeforeStart => ("ends_at", "结束时间须晚于开始时间"),
        ScheduleError::TooLong => ("ends_at", "活动时长不能超过 72 小时"),
        ScheduleError::DeadlineAfterStart => ("signup_deadline", "报名截止时间不能晚于开始时间"),
    }
}

/// Checks every field, answering 422 with each bad one.
fn check(raw: Raw) -> Result<ActivityFields, ApiError> {
    let mut f = Fields::new();
    let title = f.check("title", Title::parse(&raw.title));
    let place = f.check("place", Title::parse(&raw.place));
    let organiser = f.check("organiser", Title::parse(&raw.organiser));
    let description = match raw.description.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(d) => f.check("description", Note::parse(d)).map(Note::into_inner),
    };
    if raw.partners.len() > 10 {
        f.push(
            "partners",
            "too_many",
            "合作单位最多 10 个",
            "At most 10 partners",
        );
    }
    let partners: Vec<PartnerOrg> = raw
        .partners
        .into_iter()
        .enumerate()
        .filter_map(|(i, p)| {
            f.check(&format!("partners[{i}].name"), Title::parse(&p.name))
                .map(|name| PartnerOrg {
                    name: name.as_str().to_owned(),
                    kind: p.kind,
                })
        })
        .collect();
    let schedule = match Schedule::new(raw.starts_at, raw.ends_at, raw.signup_deadline) {
        Ok(s) => Some(s),
        Err(e) => {
            let (field, zh) = schedule_field(e);
            f.push(field, e.code(), zh, e.to_string());
            None
        }
    };
    let capacity = match Capacity::new(raw.capacity) {
        Ok(c) => Some(c),
        Err(e) => {
            f.push("capacity", e.code(), "名额应为 1 到 10000", e.to_string());
            None
        }
    };
    let skills = match Skills::parse(raw.required_skills.iter().map(String::as_str)) {
        Ok(s) => Some(s),
        Err(e) => {
            f.push(
                "required_skills",
                "unknown_skill",
                format!("未知的技能：{}", e.value),
                e.to_string(),
            );
            None
        }
    };
    for (field, v) in [
        ("points_per_hour", raw.points_per_hour),
        ("points_per_activity", raw.points_per_activity),
    ] {
        if let Some(n) = v
            && !(0..=PointsRule::MAX_BASE).contains(&n)
        {
            f.push(
                field,
                "out_of_range",
                format!("积分应为 0 到 {}", PointsRule::MAX_BASE),
                format!("Points are 0 to {}", PointsRule::MAX_BASE),
            );
        }
    }
    f.finish()?;
    Ok(ActivityFields {
        title: title.expect("checked").as_str().to_owned(),
        description,
        organiser: organiser.expect("checked").as_str().to_owned(),
        partners,
        place: place.expect("checked").as_str().to_owned(),
        schedule: schedule.expect("checked"),
        capacity: capacity.expect("checked"),
        required_skills: skills.expect("checked"),
        points_per_hour: raw.points_per_hour,
        points_per_activity: raw.points_per_activity,
    })
}

fn community_required() -> ApiError {
    ApiError::unprocessable(
        "activity.community_required",
        Msg::new(
            "请指定活动所属社区（community_id）",
            "Name the community the activity belongs to (community_id)",
        ),
    )
}

/// Creates a draft in a community the caller administers; with an idempotency key seen before
/// from the same caller, answers the first activity instead (`true`: replayed).
pub async fn create(
    state: &AppState,
    actor: Actor,
    body: CreateActivityBody,
    key: Option<String>,
) -> Result<(ActivityView, bool), ApiError> {
    let now = state.clock.now();
    let hash = key
        .as_ref()
        .map(|_| crate::idempotency::body_hash(&state.cipher, &body));
    state
        .db
        .write(move |conn| {
            transaction(conn, |conn| {
                let replay = |conn: &mut linli_persistence::DbConnection, k: &str| {
                    match activities::find_idempotent(conn, actor.user_id, k)? {
                        Some((seen, first)) => {
                            crate::idempotency::check_replay(
                                first.as_deref(),
                                hash.as_deref().unwrap_or_default(),
                            )?;
                            Ok::<_, ApiError>(Some(view(conn, seen, &actor)?))
                        }
                        None => Ok(None),
                    }
                };
                if let Some(k) = key.as_deref()
                    && let Some(v) = replay(conn, k)?
                {
                    return Ok((v, true));
                }
                let community_id = match body.community_id {
                    Some(c) => OrgNodeId(c),
                    None => {
                        let mine: Vec<_> = actor.paths_of(RoleKind::CommunityStaff).collect();
                        match mine.as_slice() {
                            [one] => one.node_id(),
                            _ => return Err(community_required()),
                        }
                    }
                };
                let node = crate::community::find(conn, community_id)?.ok_or_else(|| {
                    ApiError::unprocessable(
                        "activity.unknown_community",
                        Msg::new("社区不存在", "No such community"),
                    )
                })?;
                if !actor.administers(&node.path) {
                    return Err(forbidden());
                }
                let fields = check(Raw {
                    title: body.title.clone(),
                    description: body.description.clone(),
                    organiser: body.organiser.clone().unwrap_or_else(|| node.name.clone()),
                    partners: partners(&body.partners),
                    place: body.place.clone(),
                    starts_at: body.starts_at,
                    ends_at: body.ends_at,
                    signup_deadline: body.signup_deadline,
                    capacity: body.capacity,
                    required_skills: body.required_skills.clone(),
                    points_per_hour: body.points_per_hour,
                    points_per_activity: body.points_per_activity,
                })?;
                let created = activities::create(
                    conn,
                    &NewActivity {
                        community_id: node.id,
                        community_path: node.path.clone(),
                        fields,
                        created_by: actor.user_id,
                        idempotency_key: key.clone(),
                        idempotency_hash: hash.clone(),
                    },
                    now,
                );
                match created {
                    Ok(id) => Ok((view(conn, id, &actor)?, false)),
                    // The same key at the same time: the other call won; answer its activity.
                    Err(StoreError::Duplicate("idempotency_key")) => {
                        let k = key.as_deref().unwrap_or_default();
                        match replay(conn, k)? {
                            Some(v) => Ok((v, true)),
                            None => Err(StoreError::Duplicate("idempotency_key").into()),
                        }
                    }
                    Err(e) => Err(e.into()),
                }
            })
        })
        .await
}

/// Edits a draft or published activity at the version read. A larger capacity promotes from
/// the waiting list in the same transaction; a smaller one never turns anyone away.
pub async fn update(
    state: &AppState,
    actor: Actor,
    id: ActivityId,
    body: UpdateActivityBody,
) -> Result<ActivityView, ApiError> {
    let now = state.clock.now();
    state
        .db
        .write(move |conn| {
            transaction(conn, |conn| {
                let a = load_managed(conn, id, &actor, true)?;
                if a.version != body.version {
                    return Err(version_conflict(body.version, a.version));
                }
                decide(a.status, ActivityAction::Edit)?;
                let f = &a.fields;
                let fields = check(Raw {
                    title: body.title.clone().unwrap_or_else(|| f.title.clone()),
                    description: match &body.description {
                        Some(d) => Some(d.clone()),
                        None => f.description.clone(),
                    },
                    organiser: body
                        .organiser
                        .clone()
                        .unwrap_or_else(|| f.organiser.clone()),
                    partners: body
                        .partners
                        .as_deref()
                        .map(partners)
                        .unwrap_or_else(|| f.partners.clone()),
                    place: body.place.clone().unwrap_or_else(|| f.place.clone()),
                    starts_at: body.starts_at.unwrap_or(f.schedule.starts_at()),
                    ends_at: body.ends_at.unwrap_or(f.schedule.ends_at()),
                    signup_deadline: Some(
                        body.signup_deadline.unwrap_or(f.schedule.signup_deadline()),
                    ),
                    capacity: body.capacity.unwrap_or_else(|| i64::from(f.capacity.get())),
                    required_skills: body.required_skills.clone().unwrap_or_else(|| {
                        f.required_skills
                            .as_slice()
                            .iter()
                            .map(|s| s.as_str().to_owned())
                            .collect()
                    }),
                    points_per_hour: body.points_per_hour.or(f.points_per_hour),
                    points_per_activity: body.points_per_activity.or(f.points_per_activity),
                })?;
                let signups = activities::signups_of(conn, id)?;
                let domain: Vec<_> = signups.iter().map(|s| s.as_signup()).collect();
                let confirmed = domain
                    .iter()
                    .filter(|s| s.status == linli_domain::activity::SignupStatus::Confirmed)
                    .count();
                let confirmed = u32::try_from(confirmed).map_err(ApiError::internal)?;
                fields
                    .capacity
                    .check_change(confirmed)
                    .map_err(|e: CapacityError| ApiError::from(e))?;
                match activities::update_fields(conn, id, body.version, &fields, now) {
                    Ok(()) => {}
                    Err(StoreError::Stale) => {
                        let current = activities::get(conn, id)?.version;
                        return Err(version_conflict(body.version, current));
                    }
                    Err(e) => return Err(e.into()),
                }
                for v in promotions(&domain, fields.capacity) {
                    activities::promote(conn, id, v, now)?;
                }
                view(conn, id, &actor)
            })
        })
        .await
}

/// Moves a managed activity by `action` (publish, start, cancel with a reason).
pub async fn transition(
    state: &AppState,
    actor: Actor,
    id: ActivityId,
    action: ActivityAction,
    reason: Option<String>,
) -> Result<ActivityView, ApiError> {
    let now = state.clock.now();
    state
        .db
        .write(move |conn| {
            transaction(conn, |conn| {
                let a: ActivityRecord = load_managed(conn, id, &actor, true)?;
                let next = decide(a.status, action)?;
                if !activities::set_status(conn, id, a.status, next, reason.as_deref(), now)? {
                    // Unreachable under the lock; answered as the transition it now is.
                    let current = activities::get(conn, id)?.status;
                    decide(current, action)?;
                }
                view(conn, id, &actor)
            })
        })
        .await
}

/// Cancels with a reason.
pub async fn cancel(
    state: &AppState,
    actor: Actor,
    id: ActivityId,
    body: CancelActivityBody,
) -> Result<ActivityView, ApiError> {
    let mut f = Fields::new();
    let reason = f.check("reason", Note::parse(&body.reason));
    f.finish()?;
    let reason = reason.expect("checked").into_inner();
    transition(state, actor, id, ActivityAction::Cancel, Some(reason)).await
}

/// One activity as the caller sees it.
pub async fn get(state: &AppState, actor: Actor, id: ActivityId) -> Result<ActivityView, ApiError> {
    state.db.read(move |conn| view(conn, id, &actor)).await
}

/// A page of the activities the caller sees: all under the nodes they administer, and the
/// published (and later) ones of the community they volunteer in.
pub async fn list(
    state: &AppState,
    actor: Actor,
    p: ActivityListParams,
) -> Result<ActivityPage, ApiError> {
    let mut f = Fields::new();
    let (before, limit) = crate::paging::page_into(&mut f, "a", p.cursor.as_deref(), p.limit);
    let before = before.map(ActivityId);
    if let (Some(from), Some(to)) = (p.from, p.to)
        && from > to
    {
        f.push(
            "to",
            "before_from",
            "结束时间不能早于开始时间",
            "`to` is before `from`",
        );
    }
    f.finish()?;
    state
        .db
        .read(move |conn| {
            let managed: Vec<_> = actor.administered().cloned().collect();
            let visible_in: Vec<_> = volunteers::by_user(conn, actor.user_id)?
                .map(|v| v.community_path)
                .into_iter()
                .collect();
            let filter = ActivityFilter {
                managed,
                visible_in,
                status: p.status.map(ActivityStatus::from),
                from: p.from,
                to: p.to,
                before,
            };
            let rows = activities::list(conn, &filter, limit + 1)?;
            let more = rows.len() as i64 > limit;
            let rows: Vec<_> = rows.into_iter().take(limit as usize).collect();
            let ids: Vec<_> = rows.iter().map(|a| a.id).collect();
            let counts = activities::counts(conn, &ids)?;
            let next_cursor = more
                .then(|| rows.last().map(|a| crate::paging::cursor("a", a.id.0)))
                .flatten();
            Ok(ActivityPage {
                items: rows
                    .iter()
                    .map(|a| {
                        render(
                            a,
                            counts.get(&a.id).copied().unwrap_or_default(),
                            actor.administers(&a.community_path),
                            None,
                        )
                    })
                    .collect(),
                next_cursor,
            })
        })
        .await
}
