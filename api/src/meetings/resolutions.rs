//! What a held meeting decided: resolutions, signed agreements and their action items.

use chrono::NaiveDate;
use linli_domain::UserId;
use linli_domain::access::Actor;
use linli_domain::meeting::{
    AgreementParties, AttachmentUrl, Change, MeetingEventKind, MeetingId, Title,
};
use linli_domain::text::Note;
use linli_persistence::meetings::{self, NewActionItem, NewAgreement, NewResolution};
use serde_json::json;

use super::change::change;
use super::wire::{MeetingView, ResolutionBody};
use crate::error::{ApiError, Msg};
use crate::state::AppState;
use crate::validation::Fields;

/// The most action items of one resolution.
const MAX_ITEMS: usize = 20;

/// A resolution's text, agreement and items (title, owner, due day), as parsed.
type Parsed = (
    String,
    Option<NewAgreement>,
    Vec<(String, Owner, NaiveDate)>,
);

/// An action item's owner as parsed: a user (checked against the participants later) or a name.
enum Owner {
    User(UserId),
    Named(String),
}

fn parse(body: &ResolutionBody, f: &mut Fields) -> Option<Parsed> {
    let text = f.check("text", Note::parse(&body.text));
    let agreement = body.agreement.as_ref().and_then(|a| {
        let parties = match AgreementParties::parse(&a.parties) {
            Ok(p) => Some(p),
            Err(e) => {
                f.push(
                    "agreement.parties",
                    "invalid",
                    "协议签署方应为 1 到 10 个不重复、不超过 100 字的名称",
                    e.to_string(),
                );
                None
            }
        };
        let text = f.check("agreement.text", Note::parse(&a.text));
        let url = match a.attachment_url.as_deref().map(str::trim) {
            None | Some("") => Some(None),
            Some(u) => match AttachmentUrl::parse(u) {
                Ok(u) => Some(Some(u.as_str().to_owned())),
                Err(e) => {
                    f.push(
                        "agreement.attachment_url",
                        "invalid_url",
                        "附件地址应为 http(s) 地址，不超过 500 个字符",
                        e.to_string(),
                    );
                    None
                }
            },
        };
        Some(NewAgreement {
            parties: parties?.names().to_vec(),
            text: text?.into_inner(),
            signed_on: a.signed_on,
            attachment_url: url?,
        })
    });
    if body.action_items.len() > MAX_ITEMS {
        f.push(
            "action_items",
            "too_many",
            format!("待办事项最多 {MAX_ITEMS} 项"),
            format!("At most {MAX_ITEMS} action items"),
        );
    }
    if body.resolves_requests && body.action_items.is_empty() {
        f.push(
            "action_items",
            "required",
            "办结关联诉求的决议至少需要一项待办事项",
            "A resolution that resolves the linked requests needs an action item",
        );
    }
    let mut items = Vec::new();
    for (i, it) in body.action_items.iter().enumerate() {
        let title = f.check(&format!("action_items[{i}].title"), Title::parse(&it.title));
        let owner = match (it.owner_user_id, it.owner_name.as_deref()) {
            (Some(u), None) => Some(Owner::User(UserId(u))),
            (None, Some(n)) => f
                .check(&format!("action_items[{i}].owner_name"), Title::parse(n))
                .map(|t| Owner::Named(t.as_str().to_owned())),
            _ => {
                f.push(
                    &format!("action_items[{i}]"),
                    "invalid_owner",
                    "责任人应为参会用户（owner_user_id）或外部责任方名称（owner_name），二选一",
                    "The owner is a participant user (owner_user_id) or a name (owner_name)",
                );
                None
            }
        };
        if let (Some(t), Some(o)) = (title, owner) {
            items.push((t.as_str().to_owned(), o, it.due_on));
        }
    }
    Some((text?.into_inner(), agreement, items))
}

/// Records a resolution of a held meeting, with its agreement and action items.
pub async fn record(
    state: &AppState,
    actor: Actor,
    id: MeetingId,
    body: ResolutionBody,
) -> Result<MeetingView, ApiError> {
    let mut f = Fields::new();
    let parsed = parse(&body, &mut f);
    f.finish()?;
    let (text, agreement, items) = parsed.expect("checked");
    let decided_at = body.decided_at;
    let resolves_requests = body.resolves_requests;
    let (view, ()) = change(
        state,
        actor,
        id,
        None,
        Change::RecordResolution,
        move |conn, s| {
            let detail = meetings::get_detail(conn, id)?;
            let mut new_items = Vec::with_capacity(items.len());
            for (title, owner, due_on) in items {
                let (owner_user_id, owner_name) = match owner {
                    Owner::User(u) => {
                        if !detail.participants.iter().any(|p| p.user_id == Some(u)) {
                            return Err(ApiError::unprocessable(
                                "meeting.owner_not_participant",
                                Msg::new(
                                    "责任人须为本次会议的参会用户",
                                    "An owning user must take part in the meeting",
                                ),
                            ));
                        }
                        (Some(u), None)
                    }
                    Owner::Named(n) => (None, Some(n)),
                };
                new_items.push(NewActionItem {
                    title,
                    owner_user_id,
                    owner_name,
                    due_on,
                });
            }
            let item_count = new_items.len();
            let signed = agreement.as_ref().map(|a| (a.signed_on, a.parties.len()));
            let (rid, _) = meetings::record_resolution(
                conn,
                s.before,
                &NewResolution {
                    text,
                    decided_at: decided_at.unwrap_or(s.now),
                    resolves_requests,
                    agreement,
                    items: new_items,
                },
                s.actor.user_id,
                s.now,
            )?;
            if let Some((signed_on, parties)) = signed {
                meetings::publish(
                    conn,
                    s.before.community_id,
                    MeetingEventKind::AgreementSigned,
                    json!({
                        "meeting_id": s.before.id,
                        "resolution_id": rid,
                        "kind": s.before.kind.as_str(),
                        "signed_on": signed_on,
                        "party_count": parties,
                        "action_item_count": item_count,
                        "resolves_requests": resolves_requests,
                    }),
                    s.now,
                )?;
            }
            Ok((s.before.clone(), ()))
        },
    )
    .await?;
    Ok(view)
}
