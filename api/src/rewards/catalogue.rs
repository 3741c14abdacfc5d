//! The catalogue: community staff put rewards up, change and withdraw them; volunteers of the
//! community browse what is offered.

use linli_domain::OrgNodeId;
use linli_domain::access::Actor;
use linli_domain::org::NodePath;
use linli_domain::reward::{
    PerPersonLimit, Price, Reward, RewardError, RewardId, RewardName, Stock, Validity,
};
use linli_domain::text::Note;
use linli_persistence::rewards::{self, NewReward, RewardChange, RewardFilter, RewardRecord};
use linli_persistence::tx::transaction;
use linli_persistence::{DbConnection, StoreError, org, volunteers};

use super::wire::{NewRewardBody, RewardList, RewardParams, RewardPatch, RewardView};
use crate::error::{ApiError, Msg};
use crate::state::AppState;
use crate::validation::Fields;

/// 404 `reward.not_found` (also for a reward outside what the caller sees).
pub fn not_found() -> ApiError {
    ApiError::not_found("reward.not_found", Msg::new("奖品不存在", "No such reward"))
}

fn forbidden() -> ApiError {
    ApiError::forbidden(
        "reward.forbidden",
        Msg::new(
            "只有该社区的工作人员可以管理奖品",
            "Only the community's staff manage its rewards",
        ),
    )
}

fn term<T>(f: &mut Fields, field: &str, r: Result<T, RewardError>) -> Option<T> {
    match r {
        Ok(v) => Some(v),
        Err(e) => {
            let zh = match e {
                RewardError::Name => "名称应为 1 到 60 个字的一行文字",
                RewardError::Price => "兑换积分应为 1 到 1000000",
                RewardError::Stock => "库存应为 0 到 1000000",
                RewardError::Limit => "每人限兑次数应大于 0",
                RewardError::ValidityReversed => "有效期开始应早于结束",
            };
            f.push(field, e.code(), zh, e.to_string());
            None
        }
    }
}

fn line(f: &mut Fields, field: &str, given: Option<&str>, max: usize) -> Option<String> {
    match given.map(str::trim) {
        None | Some("") => None,
        Some(t) if t.chars().count() > max => {
            f.push(
                field,
                "too_long",
                format!("最多 {max} 字"),
                format!("At most {max} characters"),
            );
            None
        }
        Some(t) => f.check(field, Note::parse(t)).map(Note::into_inner),
    }
}

/// The communities a caller browses: the one of their volunteer profile, and those under the
/// nodes they administer.
fn seen_paths(conn: &mut DbConnection, actor: &Actor) -> Result<Vec<NodePath>, ApiError> {
    let mut paths: Vec<NodePath> = actor.administered().cloned().collect();
    if let Some(v) = volunteers::by_user(conn, actor.user_id)?
        && v.status.may_serve()
    {
        paths.push(v.community_path);
    }
    Ok(paths)
}

/// A reward the caller may see (404 otherwise).
pub fn load_seen(
    conn: &mut DbConnection,
    actor: &Actor,
    id: RewardId,
) -> Result<RewardRecord, ApiError> {
    let r = match rewards::get(conn, id) {
        Ok(r) => r,
        Err(StoreError::NotFound) => return Err(not_found()),
        Err(e) => return Err(e.into()),
    };
    if !seen_paths(conn, actor)?
        .iter()
        .any(|p| p.contains(&r.community_path))
    {
        return Err(not_found());
    }
    Ok(r)
}

/// Puts a reward up (community staff of its community or above).
pub async fn create(
    state: &AppState,
    actor: Actor,
    body: NewRewardBody,
) -> Result<RewardView, ApiError> {
    let mut f = Fields::new();
    let name = term(&mut f, "name", RewardName::parse(&body.name));
    let price = term(&mut f, "price", Price::new(body.price));
    let stock = term(&mut f, "stock", Stock::from_stored(body.stock));
    let limit = body
        .per_person_limit
        .and_then(|n| term(&mut f, "per_person_limit", PerPersonLimit::new(n)));
    let validity = term(
        &mut f,
        "valid_until",
        Validity::new(body.valid_from, body.valid_until),
    );
    let description = line(&mut f, "description", body.description.as_deref(), 500);
    let provider = line(&mut f, "provider", body.provider.as_deref(), 100);
    f.finish()?;
    let reward = Reward {
        name: name.expect("checked"),
        kind: body.kind.into(),
        price: price.expect("checked"),
        stock: stock.expect("checked"),
        per_person_limit: limit,
        validity: validity.expect("checked"),
        active: true,
    };
    let now = state.clock.now();
    state
        .db
        .write(move |conn| {
            transaction(conn, |conn| {
                let community =
                    crate::community::named_in(conn, body.community_id, "community_id")?;
                if !actor.administers(&community.path) {
                    return Err(forbidden());
                }
                let id = rewards::create(
                    conn,
                    &NewReward {
                        community_id: community.id,
                        community_path: community.path.clone(),
                        reward,
                        description,
                        provider,
                        created_by: actor.user_id,
                    },
                    now,
                )?;
                Ok(rewards::get(conn, id)?.into())
            })
        })
        .await
}

/// The catalogue of a community the caller sees; withdrawn rewards only for staff who ask.
pub async fn list(state: &AppState, actor: Actor, p: RewardParams) -> Result<RewardList, ApiError> {
    state
        .db
        .read(move |conn| {
            let seen = seen_paths(conn, &actor)?;
            let under = match p.community_id {
                None => seen,
                Some(c) => match org::get_node(conn, OrgNodeId(c)) {
                    Ok(n) if seen.iter().any(|p| p.contains(&n.path)) => vec![n.path],
                    Ok(_) | Err(StoreError::NotFound) => Vec::new(),
                    Err(e) => return Err(e.into()),
                },
            };
            let staff = under.iter().all(|p| actor.administers(p));
            let filter = RewardFilter {
                active_only: !(staff && p.include_inactive.unwrap_or(false)),
                under,
            };
            Ok(RewardList {
                items: rewards::list(conn, &filter, 200)?
                    .into_iter()
                    .map(Into::into)
                    .collect(),
            })
        })
        .await
}

/// One reward.
pub async fn get(state: &AppState, actor: Actor, id: RewardId) -> Result<RewardView, ApiError> {
    state
        .db
        .read(move |conn| Ok(load_seen(conn, &actor, id)?.into()))
        .await
}

/// Changes a reward (staff of its community).
pub async fn update(
    state: &AppState,
    actor: Actor,
    id: RewardId,
    body: RewardPatch,
) -> Result<RewardView, ApiError> {
    let mut f = Fields::new();
    let change = RewardChange {
        name: body
            .name
            .as_deref()
            .and_then(|n| term(&mut f, "name", RewardName::parse(n))),
        price: body
            .price
            .and_then(|p| term(&mut f, "price", Price::new(p))),
        stock_delta: body.stock_delta,
        per_person_limit: body
            .per_person_limit
            .map(|l| l.and_then(|n| term(&mut f, "per_person_limit", PerPersonLimit::new(n)))),
        // Checked against the window as stored, below.
        validity: None,
        active: body.active,
        description: body
            .description
            .as_ref()
            .map(|d| line(&mut f, "description", d.as_deref(), 500)),
        provider: body
            .provider
            .as_ref()
            .map(|p| line(&mut f, "provider", p.as_deref(), 100)),
    };
    if let Some(d) = body.stock_delta
        && (d == 0 || d.unsigned_abs() > 1_000_000)
    {
        f.push(
            "stock_delta",
            "out_of_range",
            "库存调整应为非零且不超过 1000000",
            "stock_delta must be non-zero and at most 1,000,000",
        );
    }
    f.finish()?;
    let now = state.clock.now();
    state
        .db
        .write(move |conn| {
            transaction(conn, |conn| {
                let r = load_seen(conn, &actor, id)?;
                if !actor.administers(&r.community_path) {
                    return Err(forbidden());
                }
                let mut change = change;
                if body.valid_from.is_some() || body.valid_until.is_some() {
                    let from = body.valid_from.unwrap_or(r.reward.validity.from());
                    let until = body.valid_until.unwrap_or(r.reward.validity.until());
                    let mut f = Fields::new();
                    change.validity = term(&mut f, "valid_until", Validity::new(from, until));
                    f.finish()?;
                }
                if change.stock_delta.is_some() && r.reward.stock == Stock::Unlimited {
                    let mut f = Fields::new();
                    f.push(
                        "stock_delta",
                        "unlimited",
                        "该奖品不计库存",
                        "This reward has no counted stock",
                    );
                    return Err(f.finish().expect_err("one error"));
                }
                rewards::update(conn, id, &change, now).map_err(|e| match e {
                    StoreError::Stale => ApiError::conflict(
                        "reward.stock_short",
                        Msg::new(
                            "剩余库存不足以减少这么多",
                            "Fewer units are left than would be withdrawn",
                        ),
                    ),
                    e => e.into(),
                })?;
                Ok(rewards::get(conn, id)?.into())
            })
        })
        .await
}
