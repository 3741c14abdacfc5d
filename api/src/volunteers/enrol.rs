//! Becoming a volunteer and staying one: a user applies to serve a community; its staff approve
//! (the `volunteer` role at the community comes with it, so home-life requests can be dispatched
//! to them), reject, suspend (the role goes) or reinstate.

use linli_domain::UserId;
use linli_domain::access::{Actor, RoleKind};
use linli_domain::text::Note;
use linli_domain::volunteer::{Skills, VolunteerAction, VolunteerId, VolunteerStatus};
use linli_persistence::StoreError;
use linli_persistence::tx::{transaction, write_transaction};
use linli_persistence::users::{self, RoleBinding};
use linli_persistence::volunteers::{self, NewVolunteer, VolunteerRecord};

use super::wire::{
    ApplyBody, DecisionBody, DecisionDto, ProfilePatch, SkillDto, StaffProfilePatch, VolunteerView,
};
use crate::error::{ApiError, Msg};
use crate::state::AppState;
use crate::validation::Fields;

/// 404 `volunteer.not_found` (also for those the caller may not see).
pub fn not_found() -> ApiError {
    ApiError::not_found(
        "volunteer.not_found",
        Msg::new("志愿者不存在", "No such volunteer"),
    )
}

/// 403 `volunteer.forbidden`.
pub fn forbidden() -> ApiError {
    ApiError::forbidden(
        "volunteer.forbidden",
        Msg::new(
            "只有该社区的工作人员可以管理志愿者",
            "Only the community's staff manage its volunteers",
        ),
    )
}

/// 403 `volunteer.own_record`: staff acting on their own volunteer record.
pub fn own_record() -> ApiError {
    ApiError::forbidden(
        "volunteer.own_record",
        Msg::new(
            "不能审批或调整自己的志愿者记录，请由其他工作人员办理",
            "Staff do not decide on or adjust their own volunteer record",
        ),
    )
}

fn skills(f: &mut Fields, field: &str, given: &[SkillDto]) -> Skills {
    let skills = Skills::new(given.iter().map(|s| (*s).into()));
    if skills.is_empty() {
        f.push(
            field,
            "required",
            "请至少选择一项特长",
            "Name at least one skill",
        );
    }
    skills
}

fn intro(f: &mut Fields, given: Option<&str>) -> Option<String> {
    match given.map(str::trim) {
        None | Some("") => None,
        Some(t) if t.chars().count() > 500 => {
            f.push(
                "intro",
                "too_long",
                "自我介绍最多 500 字",
                "intro is at most 500 characters",
            );
            None
        }
        Some(t) => f.check("intro", Note::parse(t)).map(Note::into_inner),
    }
}

/// A volunteer the caller manages (staff of their community or above), else 404/403.
pub fn load_managed(
    conn: &mut linli_persistence::DbConnection,
    actor: &Actor,
    id: VolunteerId,
) -> Result<VolunteerRecord, ApiError> {
    let v = match volunteers::get(conn, id) {
        Ok(v) => v,
        Err(StoreError::NotFound) => return Err(not_found()),
        Err(e) => return Err(e.into()),
    };
    if !actor.administers(&v.community_path) {
        return Err(if v.user_id == actor.user_id {
            forbidden()
        } else {
            not_found()
        });
    }
    // Staff who volunteer too do not approve themselves or credit their own points.
    if v.user_id == actor.user_id {
        return Err(own_record());
    }
    Ok(v)
}

/// Applies to volunteer for a community (any signed-in user; one application per account).
pub async fn apply(
    state: &AppState,
    actor: Actor,
    body: ApplyBody,
) -> Result<VolunteerView, ApiError> {
    let mut f = Fields::new();
    let skills = skills(&mut f, "skills", &body.skills);
    let intro = intro(&mut f, body.intro.as_deref());
    f.finish()?;
    let now = state.clock.now();
    state
        .db
        .write(move |conn| {
            transaction(conn, |conn| {
                let community =
                    crate::community::named_in(conn, body.community_id, "community_id")?;
                let new = NewVolunteer {
                    user_id: actor.user_id,
                    community_id: community.id,
                    community_path: community.path.clone(),
                    kind: body.kind.into(),
                    skills,
                    intro,
                };
                let id = volunteers::create(conn, &new, now).map_err(|e| match e {
                    StoreError::Duplicate(_) => ApiError::conflict(
                        "volunteer.already_applied",
                        Msg::new("您已提交过志愿者申请", "This account has applied already"),
                    ),
                    e => e.into(),
                })?;
                Ok(volunteers::get(conn, id)?.into())
            })
        })
        .await
}

/// Staff decide on a volunteer: approve (granting the `volunteer` role at the community),
/// reject, suspend (taking the role away) or reinstate (granting it again).
pub async fn decide(
    state: &AppState,
    actor: Actor,
    id: VolunteerId,
    body: DecisionBody,
) -> Result<VolunteerView, ApiError> {
    let action = match body.decision {
        DecisionDto::Approve => VolunteerAction::Approve,
        DecisionDto::Reject => VolunteerAction::Reject,
        DecisionDto::Suspend => VolunteerAction::Suspend,
        DecisionDto::Reinstate => VolunteerAction::Reinstate,
    };
    let mut f = Fields::new();
    let reason = match body.reason.as_deref().map(str::trim) {
        None | Some("") => {
            if matches!(action, VolunteerAction::Reject | VolunteerAction::Suspend) {
                f.push("reason", "required", "请填写原因", "A reason is required");
            }
            None
        }
        Some(r) => f.check("reason", Note::parse(r)).map(Note::into_inner),
    };
    f.finish()?;
    let now = state.clock.now();
    let by = actor.user_id;
    let (view, user) = state
        .db
        .write(move |conn| {
            transaction(conn, |conn| {
                load_managed(conn, &actor, id)?;
                // Decide on the row as locked: two decisions at once take turns, and the second
                // sees what the first did.
                let v = volunteers::lock(conn, id, now)?;
                let next = v.status.apply(action).map_err(|e| {
                    ApiError::conflict(
                        e.code(),
                        Msg::new(
                            format!("志愿者当前为“{}”，不能{}", v.status.zh(), action.zh()),
                            e.to_string(),
                        ),
                    )
                })?;
                volunteers::set_status(conn, id, next, reason.as_deref(), by, now)?;
                match next {
                    VolunteerStatus::Active if v.role_id.is_none() => {
                        let role = users::add_role(
                            conn,
                            v.user_id,
                            RoleKind::Volunteer,
                            RoleBinding::Node(v.community_id),
                            now,
                        )?;
                        volunteers::set_role(conn, id, Some(role))?;
                    }
                    VolunteerStatus::Suspended | VolunteerStatus::Rejected => {
                        if let Some(role) = v.role_id {
                            match users::remove_role(conn, v.user_id, role) {
                                Ok(()) | Err(StoreError::NotFound) => {}
                                Err(e) => return Err(e.into()),
                            }
                            volunteers::set_role(conn, id, None)?;
                        }
                    }
                    _ => {}
                }
                Ok((VolunteerView::from(volunteers::get(conn, id)?), v.user_id))
            })
        })
        .await?;
    // Their roles changed: their next call must not see the old ones here.
    state.caches.actors.forget(&user);
    Ok(view)
}

/// The caller's own volunteer profile.
pub async fn mine(state: &AppState, user: UserId) -> Result<VolunteerView, ApiError> {
    state
        .db
        .read(move |conn| {
            volunteers::by_user(conn, user)?
                .map(Into::into)
                .ok_or_else(not_found)
        })
        .await
}

/// A volunteer changes their own introduction, or their skills while the application waits.
pub async fn update_mine(
    state: &AppState,
    user: UserId,
    body: ProfilePatch,
) -> Result<VolunteerView, ApiError> {
    let mut f = Fields::new();
    let skills = body.skills.as_deref().map(|s| skills(&mut f, "skills", s));
    let new_intro = body.intro.as_deref().map(|i| intro(&mut f, Some(i)));
    f.finish()?;
    let now = state.clock.now();
    state
        .db
        .write(move |conn| {
            write_transaction(conn, |conn| {
                let v = volunteers::by_user(conn, user)?.ok_or_else(not_found)?;
                let v = volunteers::lock(conn, v.id, now)?;
                if skills.is_some() && v.status != VolunteerStatus::Pending {
                    return Err(ApiError::conflict(
                        "volunteer.skills_locked",
                        Msg::new(
                            "审核通过后，特长由社区工作人员更新",
                            "After approval, staff change a volunteer's skills",
                        ),
                    ));
                }
                let skills = skills.unwrap_or(v.skills);
                let intro = new_intro.unwrap_or(v.intro);
                volunteers::update_profile(conn, v.id, v.kind, &skills, intro.as_deref(), now)?;
                Ok(volunteers::get(conn, v.id)?.into())
            })
        })
        .await
}

/// Staff change a volunteer's kind or skills (not their own).
pub async fn update(
    state: &AppState,
    actor: Actor,
    id: VolunteerId,
    body: StaffProfilePatch,
) -> Result<VolunteerView, ApiError> {
    let mut f = Fields::new();
    let skills = body.skills.as_deref().map(|s| skills(&mut f, "skills", s));
    f.finish()?;
    let now = state.clock.now();
    state
        .db
        .write(move |conn| {
            write_transaction(conn, |conn| {
                load_managed(conn, &actor, id)?;
                let v = volunteers::lock(conn, id, now)?;
                let kind = body.kind.map(Into::into).unwrap_or(v.kind);
                let skills = skills.unwrap_or(v.skills);
                volunteers::update_profile(conn, id, kind, &skills, v.intro.as_deref(), now)?;
                Ok(volunteers::get(conn, id)?.into())
            })
        })
        .await
}
