//! One action on a request: load it, check the actor may see it, let the domain decide, store
//! the new state with its events. When another writer changed the request in between, decide
//! again on the fresh state (which usually turns the loser's action into a 409).

use chrono::{DateTime, Utc};
use linli_domain::RequestId;
use linli_domain::access::Actor;
use linli_domain::content::{Scene, Subject};
use linli_domain::request::{
    Assignee, Command, Context, Transition, can_see, decide, is_eligible, suggest,
};
use linli_domain::text::Note;
use linli_persistence::requests::{self, Noted, RequestRecord, dispatch_candidates, timeline};
use linli_persistence::{DbConnection, StoreError};
use serde::Serialize;
use utoipa::ToSchema;

use super::errors::not_found;
use super::view::{
    AssigneeView, RequestDetail, all_categories, category_by_id, render, timeline_entry,
};
use super::wire::AssigneeKindDto;
use crate::auth::Auth;
use crate::cache::Caches;
use crate::content::screen::{Screened, screen_text, wechat_author};
use crate::crypto::DataCipher;
use crate::error::{ApiError, Msg};
use crate::state::AppState;

/// How often a lost race is decided again before giving up with 409.
pub const ATTEMPTS: usize = 3;

/// A dispatch target as the client names it; `None` takes the suggestion.
pub type Target = Option<Assignee>;

/// Loads a request the actor may see, or 404 (whether it is missing or out of scope).
pub fn load_visible(
    conn: &mut DbConnection,
    id: RequestId,
    actor: &Actor,
) -> Result<RequestRecord, ApiError> {
    match requests::get(conn, id) {
        Ok(rec) if can_see(actor, &rec.request) => Ok(rec),
        Ok(_) | Err(StoreError::NotFound) => Err(not_found()),
        Err(e) => Err(e.into()),
    }
}

/// A request for those who administer it (community staff and the levels above): 404 when the
/// actor may not see it, 403 with `refusal` when they see it but do not administer it.
pub fn load_administered(
    conn: &mut DbConnection,
    id: RequestId,
    actor: &Actor,
    refusal: Msg,
) -> Result<RequestRecord, ApiError> {
    let rec = load_visible(conn, id, actor)?;
    if !actor.administers(&rec.request.building_path) {
        return Err(ApiError::forbidden("request.forbidden", refusal));
    }
    Ok(rec)
}

/// The request with its timeline, as the actor may see it.
pub fn detail(
    conn: &mut DbConnection,
    rec: &RequestRecord,
    actor: &Actor,
    cipher: &DataCipher,
    caches: &Caches,
    now: DateTime<Utc>,
) -> Result<RequestDetail, ApiError> {
    let categories = all_categories(conn, caches)?;
    Ok(RequestDetail {
        request: render(rec, &categories, actor, cipher, now),
        work_log_id: crate::butlers::convert::source_of(conn, rec.request.id)?,
        meetings: linli_persistence::meetings::meetings_of_request(conn, rec.request.id)?
            .into_iter()
            .map(|(id, title, status)| super::view::RequestMeetingView {
                id: id.0,
                title,
                status: status.into(),
            })
            .collect(),
        timeline: timeline(conn, rec.request.id)?
            .into_iter()
            .map(|e| timeline_entry(e, actor, &rec.request))
            .collect(),
    })
}

/// A note on an action and the field it came in (named when content screening refuses it).
#[derive(Debug, Clone)]
pub struct FieldNote {
    /// The body's field: `note`, `reason`, `outcome`, `comment`.
    pub field: &'static str,
    /// The note.
    pub note: Note,
}

/// Parses a required note (reason, outcome, progress).
pub fn required_note(field: &'static str, text: &str) -> Result<FieldNote, ApiError> {
    let mut f = crate::validation::Fields::new();
    let note = f.check(field, Note::parse(text));
    f.finish()?;
    Ok(FieldNote {
        field,
        note: note.expect("checked"),
    })
}

/// Parses an optional note; empty means none.
pub fn optional_note(
    field: &'static str,
    text: Option<&str>,
) -> Result<Option<FieldNote>, ApiError> {
    match text.map(str::trim) {
        None | Some("") => Ok(None),
        Some(t) => required_note(field, t).map(Some),
    }
}

/// Performs `cmd` on request `id` for the caller.
pub async fn act(
    state: &AppState,
    auth: Auth,
    id: RequestId,
    cmd: Command,
    note: Option<FieldNote>,
) -> Result<RequestDetail, ApiError> {
    act_with(state, auth, id, move |_, _, _| Ok(cmd.clone()), note).await
}

/// Dispatches request `id` to `target`, or to the suggested handler when `target` is `None`.
pub async fn dispatch(
    state: &AppState,
    auth: Auth,
    id: RequestId,
    target: Target,
    note: Option<FieldNote>,
) -> Result<RequestDetail, ApiError> {
    act_with(
        state,
        auth,
        id,
        move |conn, rec, caches| {
            let candidates: Vec<_> = dispatch_candidates(conn, &rec.request.building_path)?
                .into_iter()
                .map(|(c, _)| c)
                .collect();
            let assignee = match target {
                Some(a) if is_eligible(a, &candidates) => a,
                Some(_) => {
                    return Err(ApiError::unprocessable(
                        "request.assignee_not_eligible",
                        Msg::new(
                            "该处理人不能承接此楼栋的诉求",
                            "This handler cannot take requests for this building",
                        ),
                    ));
                }
                None => {
                    let category = category_by_id(conn, caches, rec.request.category_id)?;
                    suggest(category.default_handler, &candidates)
                        .map(|c| c.assignee)
                        .ok_or_else(|| {
                            ApiError::unprocessable(
                                "request.no_handler",
                                Msg::new(
                                    "没有可派单的处理人，请指定处理人",
                                    "No handler is available; name one",
                                ),
                            )
                        })?
                }
            };
            Ok(Command::Dispatch { assignee })
        },
        note,
    )
    .await
}

async fn act_with<F>(
    state: &AppState,
    auth: Auth,
    id: RequestId,
    make: F,
    note: Option<FieldNote>,
) -> Result<RequestDetail, ApiError>
where
    F: Fn(&mut DbConnection, &RequestRecord, &Caches) -> Result<Command, ApiError>
        + Send
        + Sync
        + 'static,
{
    let now = state.clock.now();
    let tz = state.tz;
    let openid = wechat_author(&auth);
    let actor = std::sync::Arc::new(auth.actor);
    let make = std::sync::Arc::new(make);
    // Screened once, after the first decision allowed the action: WeChat is never asked about
    // the note of an action that is refused anyway, nor asked again when a race is retried.
    let mut screened: Option<Screened> = None;
    for _ in 0..ATTEMPTS {
        // Read and decide on a reader connection; the writer only stores the outcome, under a
        // version check, so it is held for the few statements of one transaction.
        let (rec, transition) = {
            let (actor, make, caches) = (actor.clone(), make.clone(), state.caches.clone());
            state
                .db
                .read(move |conn| {
                    let rec = load_visible(conn, id, &actor)?;
                    let category = category_by_id(conn, &caches, rec.request.category_id)?;
                    let cmd = make(conn, &rec, &caches)?;
                    let ctx = Context {
                        now,
                        tz,
                        category: &category,
                    };
                    let transition: Transition = decide(&rec.request, &actor, &cmd, &ctx)?;
                    Ok((rec, transition))
                })
                .await?
        };
        if screened.is_none()
            && let Some(n) = &note
        {
            let text = n.note.as_str();
            let s = screen_text(
                state,
                openid.as_deref(),
                text,
                Scene::NOTE,
                Subject::Note,
                n.field,
            )
            .await?;
            screened = Some(s);
        }
        let by = actor.user_id;
        let noted = note.clone().zip(screened.clone());
        let stored = state
            .db
            .write(move |conn| {
                let noted = noted.as_ref().map(|(n, s)| Noted {
                    text: n.note.as_str(),
                    review: s.review,
                    flag: s.flag.clone(),
                });
                // A rating's award to the volunteer who resolved it is stored with the rating.
                let stored = linli_persistence::tx::transaction(conn, |conn| {
                    let after = requests::apply_noted(
                        conn,
                        &rec,
                        &transition,
                        Some(by),
                        noted.as_ref(),
                        now,
                    )?;
                    crate::volunteers::awards::for_rating(conn, &transition, now)?;
                    Ok::<_, StoreError>(after)
                });
                match stored {
                    Ok(after) => Ok(Some(after.version)),
                    // Another writer changed it since we read it: decide again on fresh state.
                    Err(StoreError::Stale) => Ok(None),
                    Err(e) => Err(e.into()),
                }
            })
            .await?;
        if stored.is_some() {
            let (cipher, caches, actor) =
                (state.cipher.clone(), state.caches.clone(), actor.clone());
            // Read back: a new assignee's name comes with the record.
            return state
                .db
                .read(move |conn| {
                    let after = requests::get(conn, id)?;
                    detail(conn, &after, &actor, &cipher, &caches, now)
                })
                .await;
        }
    }
    Err(StoreError::Stale.into())
}

/// Someone who could take a request.
#[derive(Debug, Serialize, ToSchema)]
pub struct CandidateView {
    /// The handler.
    pub assignee: AssigneeView,
    /// `property_company`, `volunteer`, `butler`, `grid_worker` or `community_staff`.
    #[schema(example = "grid_worker")]
    pub role: &'static str,
    /// Requests they have in hand now.
    pub open_load: i64,
    /// The one the dispatch rule picks.
    pub suggested: bool,
}

/// Everyone who could take the request, with the suggestion marked.
#[derive(Debug, Serialize, ToSchema)]
pub struct CandidateList {
    /// Candidates, suggested first.
    pub items: Vec<CandidateView>,
}

/// The dispatch candidates, for those who dispatch (admins over the building).
pub async fn candidates(
    state: &AppState,
    actor: Actor,
    id: RequestId,
) -> Result<CandidateList, ApiError> {
    use linli_domain::request::CandidateKind;
    let caches = state.caches.clone();
    state
        .db
        .read(move |conn| {
            let rec = load_administered(
                conn,
                id,
                &actor,
                Msg::new(
                    "您无权查看派单候选人",
                    "You may not see dispatch candidates",
                ),
            )?;
            let category = category_by_id(conn, &caches, rec.request.category_id)?;
            let found = dispatch_candidates(conn, &rec.request.building_path)?;
            let plain: Vec<_> = found.iter().map(|(c, _)| *c).collect();
            let pick = suggest(category.default_handler, &plain).map(|c| c.assignee);
            let mut items: Vec<CandidateView> = found
                .into_iter()
                .map(|(c, name)| CandidateView {
                    assignee: match c.assignee {
                        Assignee::User(u) => AssigneeView {
                            kind: AssigneeKindDto::User,
                            id: u.0,
                            name,
                        },
                        Assignee::Company(co) => AssigneeView {
                            kind: AssigneeKindDto::Company,
                            id: co.0,
                            name,
                        },
                    },
                    role: match c.kind {
                        CandidateKind::PropertyCompany => "property_company",
                        CandidateKind::Volunteer => "volunteer",
                        CandidateKind::Butler => "butler",
                        CandidateKind::GridWorker => "grid_worker",
                        CandidateKind::CommunityStaff => "community_staff",
                    },
                    open_load: c.open_load,
                    suggested: Some(c.assignee) == pick,
                })
                .collect();
            items.sort_by_key(|c| !c.suggested);
            Ok(CandidateList { items })
        })
        .await
}
