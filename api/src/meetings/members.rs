//! Who sits at the table and which requests a meeting concerns: adding and removing
//! participants, linking and unlinking requests (only requests inside the meeting's node).

use linli_domain::access::Actor;
use linli_domain::meeting::{Change, MeetingId, ParticipantRole, Title};
use linli_domain::org::NodePath;
use linli_domain::text::PhoneNumber;
use linli_domain::{RequestId, UserId};
use linli_persistence::meetings::{self, NewParticipant, ParticipantWho};
use linli_persistence::{DbConnection, StoreError, requests, users};

use super::change::change;
use super::wire::{MeetingView, ParticipantBody};
use crate::crypto::DataCipher;
use crate::error::{ApiError, Msg};
use crate::state::AppState;
use crate::validation::Fields;

/// Parses a participant body; `field` prefixes the names of bad fields (e.g. `participants[1]`).
pub fn parse_participant(
    f: &mut Fields,
    field: &str,
    b: &ParticipantBody,
    cipher: &DataCipher,
) -> Option<NewParticipant> {
    let role: ParticipantRole = b.role.into();
    if role == ParticipantRole::Organiser {
        f.push(
            &format!("{field}.role"),
            "invalid",
            "召集人由系统记录，不能另行添加",
            "The organiser is recorded by the system",
        );
        return None;
    }
    match (&b.user_id, &b.party) {
        (Some(u), None) => Some(NewParticipant {
            role,
            who: ParticipantWho::User(UserId(*u)),
        }),
        (None, Some(p)) => {
            let name = f.check(&format!("{field}.party.name"), Title::parse(&p.name));
            let organisation = match p.organisation.as_deref().map(str::trim) {
                None | Some("") => None,
                Some(o) => f
                    .check(&format!("{field}.party.organisation"), Title::parse(o))
                    .map(|t| t.as_str().to_owned()),
            };
            let phone = match p.contact_phone.as_deref().map(str::trim) {
                None | Some("") => None,
                Some(ph) => f.check(
                    &format!("{field}.party.contact_phone"),
                    PhoneNumber::parse(ph),
                ),
            };
            let name = name?;
            let (enc, masked) = match phone {
                Some(ph) => match cipher.encrypt(ph.as_str()) {
                    Ok(enc) => (Some(enc), Some(ph.masked())),
                    Err(_) => {
                        f.push(
                            &format!("{field}.party.contact_phone"),
                            "invalid",
                            "电话号码无法保存",
                            "The phone cannot be stored",
                        );
                        return None;
                    }
                },
                None => (None, None),
            };
            Some(NewParticipant {
                role,
                who: ParticipantWho::Party {
                    name: name.as_str().to_owned(),
                    organisation,
                    kind: p.kind.into(),
                    contact_phone_enc: enc,
                    contact_phone_masked: masked,
                },
            })
        }
        _ => {
            f.push(
                field,
                "invalid",
                "参会人应为系统用户（user_id）或外部单位（party），二选一",
                "A participant is either a user (user_id) or an outside party (party)",
            );
            None
        }
    }
}

/// 422 for a participant who is not a user.
fn unknown_user() -> ApiError {
    ApiError::unprocessable(
        "meeting.unknown_user",
        Msg::new("参会用户不存在", "No such user"),
    )
}

/// Checks a user participant exists (inside the caller's transaction).
pub fn check_user(conn: &mut DbConnection, p: &NewParticipant) -> Result<(), ApiError> {
    if let ParticipantWho::User(u) = p.who {
        match users::get_user(conn, u) {
            Ok(_) => {}
            Err(StoreError::NotFound) => return Err(unknown_user()),
            Err(e) => return Err(e.into()),
        }
    }
    Ok(())
}

/// 422 for a request outside the meeting's node (or none at all: its existence is not told).
fn out_of_scope() -> ApiError {
    ApiError::unprocessable(
        "meeting.request_out_of_scope",
        Msg::new(
            "该诉求不在会议所属范围内",
            "The request is not inside the meeting's node",
        ),
    )
}

/// Checks a request exists inside `node`.
pub fn check_request(
    conn: &mut DbConnection,
    node: &NodePath,
    id: RequestId,
) -> Result<(), ApiError> {
    match requests::get(conn, id) {
        Ok(r) if node.contains(&r.request.building_path) => Ok(()),
        Ok(_) | Err(StoreError::NotFound) => Err(out_of_scope()),
        Err(e) => Err(e.into()),
    }
}

fn duplicate(code: &'static str, zh: &'static str, en: &'static str) -> ApiError {
    ApiError::conflict(code, Msg::new(zh, en))
}

/// Adds a participant.
pub async fn add_participant(
    state: &AppState,
    actor: Actor,
    id: MeetingId,
    body: ParticipantBody,
) -> Result<MeetingView, ApiError> {
    let mut f = Fields::new();
    let p = parse_participant(&mut f, "participant", &body, &state.cipher);
    f.finish()?;
    let p = p.expect("checked");
    let (view, ()) = change(
        state,
        actor,
        id,
        None,
        Change::EditMembers,
        move |conn, s| {
            check_user(conn, &p)?;
            match meetings::add_participant(conn, s.before, &p, s.now) {
                Ok(_) => {}
                Err(StoreError::Duplicate(_)) => {
                    return Err(duplicate(
                        "meeting.duplicate_participant",
                        "该用户已在参会名单中",
                        "The user already takes part",
                    ));
                }
                Err(e) => return Err(e.into()),
            }
            Ok((s.before.clone(), ()))
        },
    )
    .await?;
    Ok(view)
}

/// Removes a participant (not the organiser).
pub async fn remove_participant(
    state: &AppState,
    actor: Actor,
    id: MeetingId,
    participant: i64,
) -> Result<MeetingView, ApiError> {
    let (view, ()) = change(
        state,
        actor,
        id,
        None,
        Change::EditMembers,
        move |conn, s| {
            let detail = meetings::get_detail(conn, id)?;
            let p = detail
                .participants
                .iter()
                .find(|p| p.id == participant)
                .ok_or_else(|| {
                    ApiError::not_found(
                        "meeting.participant_not_found",
                        Msg::new("参会人不存在", "No such participant"),
                    )
                })?;
            if p.role == ParticipantRole::Organiser {
                return Err(ApiError::unprocessable(
                    "meeting.organiser_stays",
                    Msg::new("召集人不能移出", "The organiser cannot be removed"),
                ));
            }
            meetings::remove_participant(conn, id, participant)?;
            Ok((s.before.clone(), ()))
        },
    )
    .await?;
    Ok(view)
}

/// Links a request inside the meeting's node.
pub async fn link(
    state: &AppState,
    actor: Actor,
    id: MeetingId,
    request: RequestId,
) -> Result<MeetingView, ApiError> {
    let (view, ()) = change(
        state,
        actor,
        id,
        None,
        Change::EditMembers,
        move |conn, s| {
            check_request(conn, &s.before.node_path, request)?;
            match meetings::link_request(conn, s.before, request, s.actor.user_id, s.now) {
                Ok(()) => {}
                Err(StoreError::Duplicate(_)) => {
                    return Err(duplicate(
                        "meeting.duplicate_request",
                        "该诉求已关联到本次会议",
                        "The request is already linked",
                    ));
                }
                Err(e) => return Err(e.into()),
            }
            Ok((s.before.clone(), ()))
        },
    )
    .await?;
    Ok(view)
}

/// Unlinks a request.
pub async fn unlink(
    state: &AppState,
    actor: Actor,
    id: MeetingId,
    request: RequestId,
) -> Result<MeetingView, ApiError> {
    let (view, ()) = change(
        state,
        actor,
        id,
        None,
        Change::EditMembers,
        move |conn, s| match meetings::unlink_request(conn, id, request) {
            Ok(()) => Ok((s.before.clone(), ())),
            Err(StoreError::NotFound) => Err(ApiError::not_found(
                "meeting.request_not_linked",
                Msg::new("该诉求未关联到本次会议", "The request is not linked"),
            )),
            Err(e) => Err(e.into()),
        },
    )
    .await?;
    Ok(view)
}
