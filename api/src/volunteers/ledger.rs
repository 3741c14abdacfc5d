//! The points ledger over HTTP: a volunteer's balance and entries, staff adjustments (with a
//! reason, never below zero), and a check that every balance is its ledger's sum.

use linli_domain::access::Actor;
use linli_domain::points::{Entry, LedgerError, Points, apply};
use linli_domain::volunteer::VolunteerId;
use linli_persistence::StoreError;
use linli_persistence::tx::write_transaction;
use linli_persistence::volunteers::{self, NewEntry};

use super::enrol::{load_managed, not_found};
use super::wire::{
    AdjustBody, BalanceCheckView, BalanceMismatchView, EntryView, LedgerPage, LedgerParams,
};
use crate::error::{ApiError, Msg};
use crate::state::AppState;

/// 409 `points.insufficient`, saying what the balance is.
pub fn insufficient(balance: Points, needed: Points) -> ApiError {
    ApiError::conflict(
        "points.insufficient",
        Msg::new(
            format!("积分不足：当前余额 {balance}，需要 {needed}"),
            format!("Not enough points: the balance is {balance}, {needed} are needed"),
        ),
    )
}

/// A ledger refusal in the envelope.
pub fn ledger_error(e: &LedgerError) -> ApiError {
    match e {
        LedgerError::InsufficientPoints { balance, needed } => insufficient(*balance, *needed),
        e => ApiError::conflict(e.code(), Msg::new("积分记账失败", e.to_string())),
    }
}

/// A volunteer's balance and ledger, newest first: for the volunteer and the staff over them.
pub async fn page(
    state: &AppState,
    actor: Actor,
    id: Option<VolunteerId>,
    p: LedgerParams,
) -> Result<LedgerPage, ApiError> {
    let (before, limit) = crate::paging::page("p", p.cursor.as_deref(), p.limit)?;
    state
        .db
        .read(move |conn| {
            let v = match id {
                // The caller's own.
                None => volunteers::by_user(conn, actor.user_id)?.ok_or_else(not_found)?,
                Some(id) => {
                    let v = match volunteers::get(conn, id) {
                        Ok(v) => v,
                        Err(StoreError::NotFound) => return Err(not_found()),
                        Err(e) => return Err(e.into()),
                    };
                    if v.user_id != actor.user_id && !actor.administers(&v.community_path) {
                        return Err(not_found());
                    }
                    v
                }
            };
            let rows = volunteers::entries_of(conn, v.id, before, limit + 1)?;
            let read = rows.len();
            let items: Vec<EntryView> = rows
                .into_iter()
                .take(limit as usize)
                .map(Into::into)
                .collect();
            let next_cursor = crate::paging::next("p", read, limit, items.last().map(|e| e.id));
            Ok(LedgerPage {
                balance: v.balance.get(),
                items,
                next_cursor,
            })
        })
        .await
}

/// A staff correction: an entry of `amount` (either sign) with its reason; a debit beyond the
/// balance is refused whole.
pub async fn adjust(
    state: &AppState,
    actor: Actor,
    id: VolunteerId,
    body: AdjustBody,
    key: Option<String>,
) -> Result<(EntryView, bool), ApiError> {
    let entry = Entry::adjustment(Points(body.amount), body.reason.trim()).map_err(|e| {
        let field = if matches!(e, linli_domain::points::EntryError::Reason(_)) {
            "reason"
        } else {
            "amount"
        };
        let mut f = crate::validation::Fields::new();
        f.push(
            field,
            e.code(),
            "积分调整无效（数额不能为 0，须写明原因）",
            e.to_string(),
        );
        f.finish().expect_err("one error")
    })?;
    if body.amount.unsigned_abs() > 1_000_000 {
        let mut f = crate::validation::Fields::new();
        f.push(
            "amount",
            "out_of_range",
            "单次调整不超过 1000000 分",
            "At most 1,000,000 points at a time",
        );
        f.finish()?;
    }
    let now = state.clock.now();
    let by = actor.user_id;
    // A staff member's retry key, per volunteer and staff member: the ledger's unique key.
    let key = key.map(|k| format!("adjustment:{id}:{by}:{k}"));
    let entry = match &key {
        Some(k) => entry.keyed(k.clone()),
        None => entry,
    };
    state
        .db
        .write(move |conn| {
            write_transaction(conn, |conn| {
                load_managed(conn, &actor, id)?;
                let v = volunteers::lock(conn, id, now)?;
                // Under the lock: a retry finds the first, or its twin waits and then finds it.
                if let Some(k) = &key
                    && let Some(first) = volunteers::find_entry(conn, k)?
                {
                    if first.entry.amount() != entry.amount()
                        || first.entry.reason() != entry.reason()
                    {
                        return Err(crate::idempotency::key_reused());
                    }
                    return Ok((first.into(), true));
                }
                apply(v.balance, &entry).map_err(|e| ledger_error(&e))?;
                let rec = volunteers::append(
                    conn,
                    &NewEntry {
                        volunteer: id,
                        community_id: v.community_id,
                        entry: &entry,
                        minutes: None,
                        recorded_by: Some(by),
                    },
                    now,
                )?;
                Ok((rec.into(), false))
            })
        })
        .await
}

/// Recomputes every balance under the nodes the caller administers from the ledger. A balance
/// that looks off in the first (unlocked) pass is checked again under the volunteer's lock, so an
/// entry landing between two reads is not reported.
pub async fn check(state: &AppState, actor: Actor) -> Result<BalanceCheckView, ApiError> {
    let managed: Vec<_> = actor.administered().cloned().collect();
    if managed.is_empty() {
        return Err(super::enrol::forbidden());
    }
    let (checked, suspects) = state
        .db
        .read(move |conn| {
            let mut checked = 0;
            let mut suspects = Vec::new();
            for c in volunteers::balance_checks(conn)? {
                if !managed.iter().any(|p| p.contains(&c.community_path)) {
                    continue;
                }
                checked += 1;
                if c.cached != c.summed {
                    suspects.push(c.volunteer);
                }
            }
            Ok((checked, suspects))
        })
        .await?;
    let now = state.clock.now();
    let mut mismatches = Vec::new();
    for id in suspects {
        let c = state
            .db
            .write(move |conn| {
                write_transaction(conn, |conn| {
                    volunteers::lock(conn, id, now)?;
                    Ok(volunteers::balance_check_of(conn, id)?)
                })
            })
            .await?;
        if c.cached != c.summed {
            tracing::error!(
                volunteer = c.volunteer.0,
                cached = c.cached.get(),
                summed = c.summed.get(),
                "a points balance is not its ledger's sum"
            );
            mismatches.push(BalanceMismatchView {
                volunteer_id: c.volunteer.0,
                cached: c.cached.get(),
                summed: c.summed.get(),
            });
        }
    }
    Ok(BalanceCheckView {
        checked,
        mismatches,
    })
}
