//! Who may do what to which request: the permission table action by action, the scope of each
//! role (what they see and list), contact-phone masking, bad input, illegal transitions, and the
//! list's pagination and filters. Every refusal is checked to have stored nothing.

use std::collections::BTreeSet;

use chrono::Duration;
use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{Backend, Res, TestApp, spawn_app};
use crate::on_both_backends;

on_both_backends!(
    submit_channels_follow_the_permission_table,
    handler_actions_belong_to_the_assignee_or_its_company,
    returning_and_closing_follow_the_table,
    escalation_moves_the_request_to_the_street_queue,
    resolve_on_the_spot_is_for_the_buildings_butler_and_the_grids_worker,
    supervision_needs_an_overdue_request_and_the_level_above,
    staff_entered_requests_are_rated_by_community_staff,
    scope_limits_what_each_role_sees_and_lists,
    contact_phone_is_whole_only_for_those_who_call_back,
    bad_submissions_are_refused_and_nothing_is_stored,
    bad_action_bodies_and_list_queries_are_refused,
    illegal_transitions_are_409_with_the_status,
    pagination_walks_every_request_once_newest_first,
    list_filters_narrow_the_list,
);

const PHONE: &str = "13812345678";
const MASKED: &str = "138****5678";

// ---------------------------------------------------------------------------------------------
// Helpers

fn url(id: i64, action: &str) -> String {
    if action.is_empty() {
        format!("/api/v1/requests/{id}")
    } else {
        format!("/api/v1/requests/{id}/{action}")
    }
}

/// Submits a request as `token` through `channel`, with the contact phone; the raw answer.
async fn submit_via(
    app: &TestApp,
    token: &str,
    category: &str,
    building: &str,
    channel: &str,
) -> Res {
    app.post(
        "/api/v1/requests",
        token,
        json!({
            "category": category,
            "description": format!("{building} 的{category}问题"),
            "building_code": building,
            "contact_phone": PHONE,
            "channel": channel,
        }),
    )
    .await
}

/// Submits a request through the mini-program; returns its id.
async fn new_request(app: &TestApp, token: &str, category: &str, building: &str) -> i64 {
    let res = submit_via(app, token, category, building, "mini_program").await;
    res.expect(201)["id"].as_i64().unwrap()
}

async fn me(app: &TestApp, token: &str) -> Value {
    app.get("/api/v1/me", token).await.expect(200).clone()
}

async fn user_id(app: &TestApp, token: &str) -> i64 {
    me(app, token).await["id"].as_i64().unwrap()
}

async fn company_id(app: &TestApp, token: &str) -> i64 {
    me(app, token).await["roles"][0]["company_id"]
        .as_i64()
        .unwrap()
}

async fn act(app: &TestApp, token: &str, id: i64, action: &str, body: Value) -> Res {
    app.post(&url(id, action), token, body).await
}

/// An action that must succeed; the request after it.
async fn ok(app: &TestApp, token: &str, id: i64, action: &str, body: Value) -> Value {
    let res = act(app, token, id, action, body).await;
    assert_eq!(
        res.status.as_u16(),
        200,
        "{action} on #{id} should succeed: {:#}",
        res.body
    );
    res.body
}

/// The request with its timeline as `viewer` sees it.
async fn view(app: &TestApp, viewer: &str, id: i64) -> Value {
    let res = app.get(&url(id, ""), viewer).await;
    assert_eq!(res.status.as_u16(), 200, "view #{id}: {:#}", res.body);
    res.body
}

/// An action that must be refused with `status` and `code`, leaving the request exactly as it
/// was (state and timeline) as `viewer` sees it. Returns the error body.
#[allow(clippy::too_many_arguments)]
async fn refused(
    app: &TestApp,
    viewer: &str,
    token: &str,
    id: i64,
    action: &str,
    body: Value,
    status: u16,
    code: &str,
) -> Value {
    let before = view(app, viewer, id).await;
    let res = act(app, token, id, action, body).await;
    assert_eq!(
        (res.status.as_u16(), res.code()),
        (status, code),
        "{action} on #{id}: {:#}",
        res.body
    );
    let after = view(app, viewer, id).await;
    assert_eq!(
        before, after,
        "{action} on #{id} was refused but changed it"
    );
    res.body
}

/// Every id `token` may list with `query` (e.g. `status=dispatched`), newest first, over all
/// pages.
async fn list_ids(app: &TestApp, token: &str, query: &str) -> Vec<i64> {
    let mut ids = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut path = format!("/api/v1/requests?limit=100&{query}");
        if let Some(c) = &cursor {
            path.push_str(&format!("&cursor={c}"));
        }
        let res = app.get(&path, token).await;
        let body = res.expect(200);
        ids.extend(
            body["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r["id"].as_i64().unwrap()),
        );
        match body["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => return ids,
        }
    }
}

fn set(ids: &[i64]) -> BTreeSet<i64> {
    ids.iter().copied().collect()
}

/// True when a validation error lists `field` with `code`.
fn has_field(body: &Value, field: &str, code: &str) -> bool {
    body["error"]["details"]
        .as_array()
        .is_some_and(|d| d.iter().any(|f| f["field"] == field && f["code"] == code))
}

#[track_caller]
fn assert_field(res: &Res, status: u16, field: &str, code: &str) {
    assert_eq!(res.status.as_u16(), status, "body: {:#}", res.body);
    assert_eq!(res.code(), "validation.failed", "body: {:#}", res.body);
    assert!(
        has_field(&res.body, field, code),
        "expected field `{field}` with code `{code}`: {:#}",
        res.body
    );
}

async fn dispatch_to_user(app: &TestApp, community: &str, id: i64, user: i64) -> Value {
    ok(
        app,
        community,
        id,
        "dispatch",
        json!({"assignee": {"kind": "user", "id": user}}),
    )
    .await
}

async fn dispatch_to_company(app: &TestApp, community: &str, id: i64, company: i64) -> Value {
    ok(
        app,
        community,
        id,
        "dispatch",
        json!({"assignee": {"kind": "company", "id": company}}),
    )
    .await
}

/// Dispatches `id` to the user behind `handler` and has them claim it.
async fn claimed_by(app: &TestApp, community: &str, handler: &str, id: i64) {
    let uid = user_id(app, handler).await;
    dispatch_to_user(app, community, id, uid).await;
    let body = ok(app, handler, id, "claim", json!({})).await;
    assert_eq!(body["status"], "claimed");
}

fn timeline_len(detail: &Value) -> usize {
    detail["timeline"].as_array().unwrap().len()
}

// ---------------------------------------------------------------------------------------------
// 1. The permission table

async fn submit_channels_follow_the_permission_table(backend: Backend) {
    let app = spawn_app(backend).await;
    let resident = app.resident("demo-resident-1").await;
    let community = app.login("community").await;
    let grid1 = app.login("grid1").await;
    let grid2 = app.login("grid2").await;
    let butler = app.login("butler-txdsh-1").await;
    let other_butler = app.login("butler-wtf-1").await;

    let mut accepted = Vec::new();
    // Online channels: a resident, for any building (even outside their own grid).
    for (channel, building) in [
        ("mini_program", "DX-01-1"),
        ("qr_code", "DX-01-1"),
        ("mini_program", "DX-11-1"),
    ] {
        let res = submit_via(&app, &resident, "property", building, channel).await;
        let body = res.expect(201);
        assert_eq!(body["channel"], channel);
        assert_eq!(body["status"], "submitted");
        assert_eq!(body["queue_level"], "community");
        accepted.push(body["id"].as_i64().unwrap());
    }
    // The desk and the hotline are typed in by staff.
    for channel in ["front_desk", "hotline"] {
        let res = submit_via(&app, &community, "mediation", "DX-01-1", channel).await;
        assert_eq!(res.expect(201)["channel"], channel);
        accepted.push(res.body["id"].as_i64().unwrap());
    }
    // The butler channel: the building's butler and the grid's worker.
    for who in [&butler, &grid1] {
        let res = submit_via(&app, who, "home_life", "DX-01-1", "butler").await;
        assert_eq!(res.expect(201)["channel"], "butler");
        accepted.push(res.body["id"].as_i64().unwrap());
    }
    let stored = set(&list_ids(&app, &community, "").await);
    assert_eq!(stored, set(&accepted));

    // Refusals: 403 `request.channel_forbidden`, and nothing stored.
    let refusals: [(&str, &str, &str); 7] = [
        (&resident, "hotline", "DX-01-1"),
        (&resident, "front_desk", "DX-01-1"),
        (&resident, "butler", "DX-01-1"),
        (&grid1, "hotline", "DX-01-1"),
        (&other_butler, "butler", "DX-01-1"),
        (&grid2, "butler", "DX-01-1"),
        (&community, "partner", "DX-01-1"),
    ];
    for (who, channel, building) in refusals {
        let res = submit_via(&app, who, "property", building, channel).await;
        assert_eq!(
            (res.status.as_u16(), res.code()),
            (403, "request.channel_forbidden"),
            "{channel}: {:#}",
            res.body
        );
    }
    assert_eq!(set(&list_ids(&app, &community, "").await), stored);
}

async fn handler_actions_belong_to_the_assignee_or_its_company(backend: Backend) {
    let app = spawn_app(backend).await;
    let resident = app.resident("demo-resident-1").await;
    let other_resident = app.resident("demo-resident-4").await;
    let community = app.login("community").await;
    let street = app.login("street").await;
    let grid1 = app.login("grid1").await;
    let tianxing = app.login("wy-tianxing").await;
    let wutong = app.login("wy-wutong").await;
    let company = company_id(&app, &tianxing).await;

    let id = new_request(&app, &resident, "property", "DX-01-1").await;

    // 下单: community staff only. A grid worker and the street (not its queue) see it but may not.
    for who in [&grid1, &street] {
        refused(
            &app,
            &community,
            who,
            id,
            "dispatch",
            json!({"assignee": {"kind": "company", "id": company}}),
            403,
            "request.forbidden",
        )
        .await;
    }
    let body = dispatch_to_company(&app, &community, id, company).await;
    assert_eq!(body["status"], "dispatched");
    assert_eq!(body["assignee"]["kind"], "company");
    assert_eq!(body["assignee"]["id"], company);

    // 接单: any staff of the assigned company. A grid worker sees it but is not the handler;
    // another company's staff do not even see it.
    refused(
        &app,
        &community,
        &grid1,
        id,
        "claim",
        json!({}),
        403,
        "request.forbidden",
    )
    .await;
    refused(
        &app,
        &community,
        &wutong,
        id,
        "claim",
        json!({}),
        404,
        "request.not_found",
    )
    .await;
    assert_eq!(
        ok(&app, &tianxing, id, "claim", json!({})).await["status"],
        "claimed"
    );

    // Progress.
    let note = json!({"note": "已派维修工"});
    refused(
        &app,
        &community,
        &grid1,
        id,
        "progress",
        note.clone(),
        403,
        "request.forbidden",
    )
    .await;
    refused(
        &app,
        &community,
        &community,
        id,
        "progress",
        note.clone(),
        403,
        "request.forbidden",
    )
    .await;
    refused(
        &app,
        &community,
        &wutong,
        id,
        "progress",
        note.clone(),
        404,
        "request.not_found",
    )
    .await;
    assert_eq!(
        ok(&app, &tianxing, id, "progress", note).await["status"],
        "in_progress"
    );

    // 延期: asked for by the handler ...
    let ext = json!({"days": 3, "reason": "等配件"});
    for who in [&grid1, &community] {
        refused(
            &app,
            &community,
            who,
            id,
            "extension",
            ext.clone(),
            403,
            "request.forbidden",
        )
        .await;
    }
    assert_eq!(
        ok(&app, &tianxing, id, "extension", ext).await["pending_extension_days"],
        3
    );
    // ... decided by community staff only (not the handler, the grid, the street).
    let decision = json!({"decision": "approve"});
    for who in [&tianxing, &grid1, &street] {
        refused(
            &app,
            &community,
            who,
            id,
            "extension/decision",
            decision.clone(),
            403,
            "request.forbidden",
        )
        .await;
    }
    let body = ok(&app, &community, id, "extension/decision", decision).await;
    assert_eq!(body["extension_days"], 3);
    assert!(body["pending_extension_days"].is_null());

    // 办结: the handler.
    let outcome = json!({"outcome": "已更换灯泡"});
    for who in [&grid1, &community] {
        refused(
            &app,
            &community,
            who,
            id,
            "resolve",
            outcome.clone(),
            403,
            "request.forbidden",
        )
        .await;
    }
    refused(
        &app,
        &community,
        &wutong,
        id,
        "resolve",
        outcome.clone(),
        404,
        "request.not_found",
    )
    .await;
    assert_eq!(
        ok(&app, &tianxing, id, "resolve", outcome).await["status"],
        "resolved"
    );

    // 回访: the submitting resident. Another resident does not see it; staff may not rate a
    // request the resident submitted online.
    let rating = json!({"rating": "satisfied"});
    refused(
        &app,
        &community,
        &other_resident,
        id,
        "rate",
        rating.clone(),
        404,
        "request.not_found",
    )
    .await;
    for who in [&community, &tianxing, &grid1] {
        refused(
            &app,
            &community,
            who,
            id,
            "rate",
            rating.clone(),
            403,
            "request.forbidden",
        )
        .await;
    }
    let body = ok(&app, &resident, id, "rate", rating).await;
    assert_eq!(body["status"], "closed");
    assert_eq!(body["rating"], "satisfied");

    // 重办: also the submitting resident's.
    let reason = json!({"reason": "又坏了"});
    refused(
        &app,
        &community,
        &other_resident,
        id,
        "reopen",
        reason.clone(),
        404,
        "request.not_found",
    )
    .await;
    for who in [&community, &tianxing] {
        refused(
            &app,
            &community,
            who,
            id,
            "reopen",
            reason.clone(),
            403,
            "request.forbidden",
        )
        .await;
    }
    let body = ok(&app, &resident, id, "reopen", reason).await;
    assert_eq!(body["status"], "dispatched");
    assert_eq!(body["reopen_count"], 1);
    assert_eq!(body["assignee"]["id"], company);
}

async fn returning_and_closing_follow_the_table(backend: Backend) {
    let app = spawn_app(backend).await;
    let resident = app.resident("demo-resident-1").await;
    let community = app.login("community").await;
    let grid1 = app.login("grid1").await;
    let grid2 = app.login("grid2").await;
    let butler = app.login("butler-txdsh-1").await;

    // 退单: only the assignee; community staff who dispatched it may not return it for them.
    let id = new_request(&app, &resident, "mediation", "DX-01-1").await;
    claimed_by(&app, &community, &grid1, id).await;
    let reason = json!({"reason": "不属于网格职责"});
    for who in [&butler, &community, &resident] {
        refused(
            &app,
            &community,
            who,
            id,
            "return",
            reason.clone(),
            403,
            "request.forbidden",
        )
        .await;
    }
    refused(
        &app,
        &community,
        &grid2,
        id,
        "return",
        reason.clone(),
        404,
        "request.not_found",
    )
    .await;
    let body = ok(&app, &grid1, id, "return", reason).await;
    assert_eq!(body["status"], "submitted");
    assert!(body["assignee"].is_null());
    // No longer the handler: the former assignee cannot act on it any more.
    refused(
        &app,
        &community,
        &grid1,
        id,
        "resolve",
        json!({"outcome": "x"}),
        403,
        "request.forbidden",
    )
    .await;

    // Close: community staff only.
    claimed_by(&app, &community, &grid1, id).await;
    ok(&app, &grid1, id, "resolve", json!({"outcome": "已调解"})).await;
    for who in [&grid1, &resident, &butler] {
        refused(
            &app,
            &community,
            who,
            id,
            "close",
            json!({}),
            403,
            "request.forbidden",
        )
        .await;
    }
    let body = ok(
        &app,
        &community,
        id,
        "close",
        json!({"note": "电话回访未接通"}),
    )
    .await;
    assert_eq!(body["status"], "closed");
    assert!(body["rating"].is_null());
}

async fn escalation_moves_the_request_to_the_street_queue(backend: Backend) {
    let app = spawn_app(backend).await;
    let resident = app.resident("demo-resident-1").await;
    let community = app.login("community").await;
    let street = app.login("street").await;
    let grid1 = app.login("grid1").await;
    let butler = app.login("butler-txdsh-1").await;
    let grid1_id = user_id(&app, &grid1).await;

    // The handler escalates.
    let id = new_request(&app, &resident, "mediation", "DX-01-1").await;
    claimed_by(&app, &community, &grid1, id).await;
    let reason = json!({"reason": "涉及两个小区，需街道协调"});
    refused(
        &app,
        &community,
        &butler,
        id,
        "escalate",
        reason.clone(),
        403,
        "request.forbidden",
    )
    .await;
    let body = ok(&app, &grid1, id, "escalate", reason.clone()).await;
    assert_eq!(body["status"], "escalated");
    assert_eq!(body["queue_level"], "street");
    assert!(body["assignee"].is_null());

    // Now it is the street's queue: the community can no longer dispatch it, the street can.
    let to_grid1 = json!({"assignee": {"kind": "user", "id": grid1_id}});
    refused(
        &app,
        &community,
        &community,
        id,
        "dispatch",
        to_grid1.clone(),
        403,
        "request.forbidden",
    )
    .await;
    // Nor escalate it again: it is not in the community's queue and grid1 no longer holds it.
    for who in [&community, &grid1] {
        refused(
            &app,
            &community,
            who,
            id,
            "escalate",
            reason.clone(),
            403,
            "request.forbidden",
        )
        .await;
    }
    let body = ok(&app, &street, id, "dispatch", to_grid1).await;
    assert_eq!(body["status"], "dispatched");
    assert_eq!(body["queue_level"], "street");
    assert_eq!(body["assignee"]["id"], grid1_id);

    // Community staff escalate a request waiting in their own queue.
    let id = new_request(&app, &resident, "legal", "DX-01-1").await;
    refused(
        &app,
        &community,
        &grid1,
        id,
        "escalate",
        reason.clone(),
        403,
        "request.forbidden",
    )
    .await;
    let body = ok(&app, &community, id, "escalate", reason).await;
    assert_eq!(body["status"], "escalated");
    assert_eq!(body["queue_level"], "street");
}

async fn resolve_on_the_spot_is_for_the_buildings_butler_and_the_grids_worker(backend: Backend) {
    let app = spawn_app(backend).await;
    let resident = app.resident("demo-resident-1").await;
    let community = app.login("community").await;
    let grid1 = app.login("grid1").await;
    let grid2 = app.login("grid2").await;
    let butler = app.login("butler-txdsh-1").await;
    let other_butler = app.login("butler-wtf-1").await;
    let volunteer = app.login("volunteer-1").await;
    let butler_id = user_id(&app, &butler).await;
    let grid1_id = user_id(&app, &grid1).await;
    let outcome = json!({"outcome": "现场更换了灯泡"});

    let id = new_request(&app, &resident, "home_life", "DX-01-1").await;
    // Those who cannot see it: 404.
    for who in [&other_butler, &grid2, &volunteer] {
        refused(
            &app,
            &community,
            who,
            id,
            "resolve-on-spot",
            outcome.clone(),
            404,
            "request.not_found",
        )
        .await;
    }
    // Community staff see it, but are neither butler nor grid worker: 403.
    refused(
        &app,
        &community,
        &community,
        id,
        "resolve-on-spot",
        outcome.clone(),
        403,
        "request.forbidden",
    )
    .await;
    let body = ok(&app, &butler, id, "resolve-on-spot", outcome.clone()).await;
    assert_eq!(body["status"], "resolved");
    assert_eq!(body["assignee"]["id"], butler_id);
    assert_eq!(
        body["timeline"].as_array().unwrap().last().unwrap()["data"]["on_spot"],
        true
    );

    // The grid's worker, on another building of the grid.
    let id = new_request(&app, &resident, "home_life", "DX-02-1").await;
    let body = ok(&app, &grid1, id, "resolve-on-spot", outcome.clone()).await;
    assert_eq!(body["status"], "resolved");
    assert_eq!(body["assignee"]["id"], grid1_id);

    // The butler of DX-01-1 is not the butler of DX-01-2 of the same compound.
    let id = new_request(&app, &resident, "home_life", "DX-01-2").await;
    refused(
        &app,
        &community,
        &butler,
        id,
        "resolve-on-spot",
        outcome,
        404,
        "request.not_found",
    )
    .await;
}

async fn supervision_needs_an_overdue_request_and_the_level_above(backend: Backend) {
    let app = spawn_app(backend).await;
    let resident = app.resident("demo-resident-1").await;
    let community = app.login("community").await;
    let street = app.login("street").await;
    let admin = app.login("admin").await;
    let grid1 = app.login("grid1").await;
    let id = new_request(&app, &resident, "mediation", "DX-01-1").await;
    claimed_by(&app, &community, &grid1, id).await;
    let note = json!({"note": "请加快办理"});

    for who in [&street, &admin] {
        refused(
            &app,
            &community,
            who,
            id,
            "supervise",
            note.clone(),
            409,
            "request.not_overdue",
        )
        .await;
    }
    // Not theirs to supervise, overdue or not.
    for who in [&grid1, &community] {
        refused(
            &app,
            &community,
            who,
            id,
            "supervise",
            note.clone(),
            403,
            "request.forbidden",
        )
        .await;
    }

    // 20 days on, past the 15-day resolution deadline. (Access tokens expired meanwhile.)
    app.clock.advance(Duration::days(20));
    let community = app.login("community").await;
    let street = app.login("street").await;
    let admin = app.login("admin").await;
    let grid1 = app.login("grid1").await;
    assert_eq!(view(&app, &community, id).await["overdue"], true);
    refused(
        &app,
        &community,
        &grid1,
        id,
        "supervise",
        note.clone(),
        403,
        "request.forbidden",
    )
    .await;
    let body = ok(&app, &street, id, "supervise", note.clone()).await;
    assert_eq!(body["supervise_count"], 1);
    assert_eq!(body["status"], "claimed");
    let body = ok(&app, &admin, id, "supervise", note).await;
    assert_eq!(body["supervise_count"], 2);
}

async fn staff_entered_requests_are_rated_by_community_staff(backend: Backend) {
    let app = spawn_app(backend).await;
    let resident = app.resident("demo-resident-1").await;
    let community = app.login("community").await;
    let street = app.login("street").await;
    let grid1 = app.login("grid1").await;

    // Typed in from the hotline by the street: the community rates it for the caller.
    let res = submit_via(&app, &street, "mediation", "DX-01-1", "hotline").await;
    let id = res.expect(201)["id"].as_i64().unwrap();
    claimed_by(&app, &community, &grid1, id).await;
    ok(&app, &grid1, id, "resolve", json!({"outcome": "已调解"})).await;
    refused(
        &app,
        &community,
        &resident,
        id,
        "rate",
        json!({"rating": "satisfied"}),
        404,
        "request.not_found",
    )
    .await;
    refused(
        &app,
        &community,
        &grid1,
        id,
        "rate",
        json!({"rating": "satisfied"}),
        403,
        "request.forbidden",
    )
    .await;
    let body = ok(&app, &community, id, "rate", json!({"rating": "satisfied"})).await;
    assert_eq!(body["status"], "closed");
    assert_eq!(body["rating"], "satisfied");
    // ... and may reopen it for the caller.
    let body = ok(
        &app,
        &community,
        id,
        "reopen",
        json!({"reason": "居民来电称未解决"}),
    )
    .await;
    assert_eq!(body["status"], "dispatched");

    // Typed in at the desk by community staff: they rate it (dissatisfied reopens it).
    let res = submit_via(&app, &community, "mediation", "DX-01-1", "front_desk").await;
    let id = res.expect(201)["id"].as_i64().unwrap();
    ok(
        &app,
        &grid1,
        id,
        "resolve-on-spot",
        json!({"outcome": "现场调解"}),
    )
    .await;
    let body = ok(
        &app,
        &community,
        id,
        "rate",
        json!({"rating": "dissatisfied"}),
    )
    .await;
    assert_eq!(body["status"], "dispatched");
    assert_eq!(body["reopen_count"], 1);
}

// ---------------------------------------------------------------------------------------------
// 2. Scope

async fn scope_limits_what_each_role_sees_and_lists(backend: Backend) {
    let app = spawn_app(backend).await;
    let r1 = app.resident("demo-resident-1").await;
    let r2 = app.resident("demo-resident-2").await;
    let r4 = app.resident("demo-resident-4").await;
    let community = app.login("community").await;
    let grid1 = app.login("grid1").await;
    let grid2 = app.login("grid2").await;
    let grid3 = app.login("grid3").await;

    let a = new_request(&app, &r1, "property", "DX-01-1").await; // grid 1, 天兴
    let b = new_request(&app, &r2, "property", "DX-06-1").await; // grid 2, 蔚蓝
    let c = new_request(&app, &r4, "property", "DX-02-1").await; // grid 1, 梧桐坊
    let d = new_request(&app, &r1, "mediation", "DX-11-1").await; // grid 3, 红庙坡物业

    // A grid worker of grid 2 neither sees nor acts on grid 1's request.
    let res = app.get(&url(a, ""), &grid2).await;
    res.expect(404);
    assert_eq!(res.code(), "request.not_found");
    let grid1_id = user_id(&app, &grid1).await;
    let actions = [
        ("resolve-on-spot", json!({"outcome": "x"})),
        ("escalate", json!({"reason": "x"})),
        (
            "dispatch",
            json!({"assignee": {"kind": "user", "id": grid1_id}}),
        ),
        ("claim", json!({})),
        ("close", json!({})),
    ];
    for (action, body) in actions.iter().cloned() {
        refused(
            &app,
            &community,
            &grid2,
            a,
            action,
            body,
            404,
            "request.not_found",
        )
        .await;
    }
    let res = app.get(&format!("{}/candidates", url(a, "")), &grid2).await;
    res.expect(404);
    assert_eq!(res.code(), "request.not_found");

    // Lists.
    assert_eq!(set(&list_ids(&app, &grid2, "").await), set(&[b]));
    assert_eq!(set(&list_ids(&app, &grid1, "").await), set(&[a, c]));
    assert_eq!(set(&list_ids(&app, &grid3, "").await), set(&[d]));
    for who in ["community", "street", "admin"] {
        let token = app.login(who).await;
        assert_eq!(
            set(&list_ids(&app, &token, "").await),
            set(&[a, b, c, d]),
            "{who}"
        );
        for id in [a, b, c, d] {
            app.get(&url(id, ""), &token).await.expect(200);
        }
    }
    // Residents: their own requests only.
    assert_eq!(set(&list_ids(&app, &r1, "").await), set(&[a, d]));
    assert_eq!(set(&list_ids(&app, &r2, "").await), set(&[b]));
    let res = app.get(&url(b, ""), &r1).await;
    res.expect(404);
    assert_eq!(res.code(), "request.not_found");
    let stranger = app.resident("someone-new").await;
    assert!(list_ids(&app, &stranger, "").await.is_empty());
    // Butlers: their building.
    let butler = app.login("butler-txdsh-1").await;
    assert_eq!(set(&list_ids(&app, &butler, "").await), set(&[a]));
    // Property staff: the compounds their company manages.
    for (who, ids) in [
        ("wy-tianxing", vec![a]),
        ("wy-weilan", vec![b]),
        ("wy-wutong", vec![c]),
        ("wy-hongmiao", vec![d]),
        ("wy-fudi", vec![]),
    ] {
        let token = app.login(who).await;
        assert_eq!(set(&list_ids(&app, &token, "").await), set(&ids), "{who}");
    }
    let fudi = app.login("wy-fudi").await;
    app.get(&url(a, ""), &fudi).await.expect(404);
    // Volunteers see nothing until given something.
    let volunteer = app.login("volunteer-1").await;
    assert!(list_ids(&app, &volunteer, "").await.is_empty());
    let volunteer_id = user_id(&app, &volunteer).await;
    dispatch_to_user(&app, &community, d, volunteer_id).await;
    assert_eq!(set(&list_ids(&app, &volunteer, "").await), set(&[d]));
    app.get(&url(d, ""), &volunteer).await.expect(200);
}

// ---------------------------------------------------------------------------------------------
// 3. Phone masking

async fn contact_phone_is_whole_only_for_those_who_call_back(backend: Backend) {
    let app = spawn_app(backend).await;
    let resident = app.resident("demo-resident-1").await;
    let community = app.login("community").await;
    let street = app.login("street").await;
    let admin = app.login("admin").await;
    let grid1 = app.login("grid1").await;
    let butler = app.login("butler-txdsh-1").await;
    let tianxing = app.login("wy-tianxing").await;

    let res = submit_via(&app, &resident, "mediation", "DX-01-1", "mini_program").await;
    let body = res.expect(201);
    assert_eq!(body["contact_phone"], PHONE);
    assert_eq!(body["contact_phone_masked"], false);
    let id = body["id"].as_i64().unwrap();

    // Before dispatch the grid worker is not the handler yet: masked.
    let whole_before = [&resident, &community];
    let masked_before = [&street, &admin, &butler, &grid1, &tianxing];
    for who in whole_before {
        let v = view(&app, who, id).await;
        assert_eq!(
            (&v["contact_phone"], &v["contact_phone_masked"]),
            (&json!(PHONE), &json!(false))
        );
    }
    for who in masked_before {
        let v = view(&app, who, id).await;
        assert_eq!(
            (&v["contact_phone"], &v["contact_phone_masked"]),
            (&json!(MASKED), &json!(true))
        );
    }

    claimed_by(&app, &community, &grid1, id).await;
    for (who, whole) in [
        (&resident, true),
        (&grid1, true),
        (&community, true),
        (&street, false),
        (&admin, false),
        (&butler, false),
    ] {
        let (phone, masked) = if whole {
            (PHONE, false)
        } else {
            (MASKED, true)
        };
        let v = view(&app, who, id).await;
        assert_eq!(v["contact_phone"], phone, "{v:#}");
        assert_eq!(v["contact_phone_masked"], masked);
        // The list shows the same.
        let res = app.get("/api/v1/requests", who).await;
        let item = res.expect(200)["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["id"] == id)
            .unwrap()
            .clone();
        assert_eq!(item["contact_phone"], phone);
        assert_eq!(item["contact_phone_masked"], masked);
    }

    // Without a phone nothing is masked.
    let res = app
        .post(
            "/api/v1/requests",
            &resident,
            json!({"category": "property", "description": "无电话", "building_code": "DX-01-1"}),
        )
        .await;
    let id = res.expect(201)["id"].as_i64().unwrap();
    let v = view(&app, &street, id).await;
    assert!(v["contact_phone"].is_null());
    assert_eq!(v["contact_phone_masked"], false);
}

// ---------------------------------------------------------------------------------------------
// 4. Bad input

async fn bad_submissions_are_refused_and_nothing_is_stored(backend: Backend) {
    let app = spawn_app(backend).await;
    let resident = app.resident("demo-resident-1").await;
    let community = app.login("community").await;
    let good = json!({
        "category": "property",
        "description": "楼道灯坏了",
        "building_code": "DX-01-1",
        "contact_phone": PHONE,
    });
    let with = |patch: Value| {
        let mut b = good.clone();
        for (k, v) in patch.as_object().unwrap() {
            if v.is_null() {
                b.as_object_mut().unwrap().remove(k);
            } else {
                b[k] = v.clone();
            }
        }
        b
    };
    let photos: Vec<String> = (0..10)
        .map(|i| format!("https://img.example.com/{i}.jpg"))
        .collect();
    let cases: Vec<(Value, &str, &str)> = vec![
        (
            with(json!({"description": null})),
            "description",
            "required",
        ),
        (
            with(json!({"description": "   "})),
            "description",
            "required",
        ),
        (
            with(json!({"description": "漏".repeat(2001)})),
            "description",
            "too_long",
        ),
        (
            with(json!({"description": 5})),
            "description",
            "invalid_type",
        ),
        (
            with(json!({"category": "no_such_thing"})),
            "category",
            "not_found",
        ),
        (
            with(json!({"category": "Bad Code!"})),
            "category",
            "not_found",
        ),
        (
            with(json!({"building_code": "DX-99-9"})),
            "building_code",
            "not_found",
        ),
        (
            with(json!({"building_code": "DX 01 1"})),
            "building_code",
            "invalid_format",
        ),
        (
            with(json!({"building_code": null})),
            "building_code",
            "required",
        ),
        (with(json!({"household_id": 1})), "household_id", "conflict"),
        (
            with(json!({"contact_phone": "12345"})),
            "contact_phone",
            "invalid_format",
        ),
        (
            with(json!({"contact_phone": "138-abc-5678"})),
            "contact_phone",
            "invalid_format",
        ),
        (
            with(json!({"photo_urls": photos})),
            "photo_urls",
            "too_many",
        ),
        (
            with(json!({"photo_urls": ["ftp://x/1.jpg"]})),
            "photo_urls",
            "invalid_url",
        ),
        (
            with(json!({"photo_urls": "https://x/1.jpg"})),
            "photo_urls",
            "invalid_type",
        ),
        (with(json!({"channel": "fax"})), "channel", "invalid_value"),
        (
            with(json!({"household_id": "one"})),
            "household_id",
            "invalid_type",
        ),
    ];
    for (body, field, code) in cases {
        let res = app.post("/api/v1/requests", &resident, body.clone()).await;
        assert_eq!(res.status.as_u16(), 422, "{body}: {:#}", res.body);
        assert_eq!(res.code(), "validation.failed", "{body}: {:#}", res.body);
        assert!(
            has_field(&res.body, field, code),
            "{body}: expected `{field}`/`{code}`: {:#}",
            res.body
        );
    }

    // Every bad field is listed at once.
    let res = app
        .post(
            "/api/v1/requests",
            &resident,
            with(json!({"description": "", "contact_phone": "1", "photo_urls": ["nope"]})),
        )
        .await;
    assert_field(&res, 422, "description", "required");
    assert_field(&res, 422, "contact_phone", "invalid_format");
    assert_field(&res, 422, "photo_urls", "invalid_url");
    assert_eq!(res.body["error"]["details"].as_array().unwrap().len(), 3);

    // Malformed JSON.
    let res = app
        .client
        .post(app.url("/api/v1/requests"))
        .bearer_auth(&resident)
        .header("Content-Type", "application/json")
        .body(r#"{"category": "property", "description": "#)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 400);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["error"]["code"], "request.malformed_json");

    // Nothing was stored by any of it.
    assert!(list_ids(&app, &resident, "").await.is_empty());
    assert!(list_ids(&app, &community, "").await.is_empty());

    // Exactly 2,000 Chinese characters is fine (characters, not bytes).
    let res = app
        .post(
            "/api/v1/requests",
            &resident,
            with(json!({"description": "漏".repeat(2000)})),
        )
        .await;
    let id = res.expect(201)["id"].as_i64().unwrap();
    assert_eq!(
        res.body["description"].as_str().unwrap().chars().count(),
        2000
    );
    assert_eq!(list_ids(&app, &resident, "").await, vec![id]);
}

async fn bad_action_bodies_and_list_queries_are_refused(backend: Backend) {
    let app = spawn_app(backend).await;
    let resident = app.resident("demo-resident-2").await;
    let community = app.login("community").await;
    let grid2 = app.login("grid2").await;
    let weilan = app.login("wy-weilan").await;
    let id = new_request(&app, &resident, "mediation", "DX-06-1").await;
    claimed_by(&app, &community, &grid2, id).await;

    let cases: Vec<(&str, &str, Value, &str, &str)> = vec![
        (
            &resident,
            "rate",
            json!({"rating": "great"}),
            "rating",
            "invalid_value",
        ),
        (&resident, "rate", json!({}), "rating", "required"),
        (
            &grid2,
            "extension",
            json!({"days": 0, "reason": "等"}),
            "days",
            "out_of_range",
        ),
        (
            &grid2,
            "extension",
            json!({"days": 31, "reason": "等"}),
            "days",
            "out_of_range",
        ),
        (
            &grid2,
            "extension",
            json!({"days": -1, "reason": "等"}),
            "days",
            "out_of_range",
        ),
        (
            &grid2,
            "extension",
            json!({"days": "3", "reason": "等"}),
            "days",
            "invalid_type",
        ),
        (
            &grid2,
            "extension",
            json!({"days": 3, "reason": ""}),
            "reason",
            "required",
        ),
        (
            &grid2,
            "return",
            json!({"reason": ""}),
            "reason",
            "required",
        ),
        (
            &grid2,
            "return",
            json!({"reason": "  \n "}),
            "reason",
            "required",
        ),
        (&grid2, "return", json!({}), "reason", "required"),
        (
            &grid2,
            "progress",
            json!({"note": "x".repeat(1001)}),
            "note",
            "too_long",
        ),
        (
            &grid2,
            "resolve",
            json!({"outcome": ""}),
            "outcome",
            "required",
        ),
        (
            &community,
            "extension/decision",
            json!({"decision": "maybe"}),
            "decision",
            "invalid_value",
        ),
        (
            &community,
            "dispatch",
            json!({"assignee": {"kind": "team", "id": 1}}),
            "assignee.kind",
            "invalid_value",
        ),
    ];
    for (who, action, body, field, code) in cases {
        let detail = refused(
            &app,
            &community,
            who,
            id,
            action,
            body.clone(),
            422,
            "validation.failed",
        )
        .await;
        assert!(
            has_field(&detail, field, code),
            "{action} {body}: expected `{field}`/`{code}`: {detail:#}"
        );
    }
    // The valid extension right after: nothing was left pending by the refusals.
    let body = ok(
        &app,
        &grid2,
        id,
        "extension",
        json!({"days": 30, "reason": "等"}),
    )
    .await;
    assert_eq!(body["pending_extension_days"], 30);

    // Dispatch to someone who cannot take requests for this building (another compound's
    // company).
    let other = new_request(&app, &resident, "property", "DX-06-1").await;
    let tianxing = app.login("wy-tianxing").await;
    let tianxing_company = company_id(&app, &tianxing).await;
    refused(
        &app,
        &community,
        &community,
        other,
        "dispatch",
        json!({"assignee": {"kind": "company", "id": tianxing_company}}),
        422,
        "request.assignee_not_eligible",
    )
    .await;
    let weilan_company = company_id(&app, &weilan).await;
    dispatch_to_company(&app, &community, other, weilan_company).await;

    // List queries.
    for (query, field, code) in [
        ("limit=0", "limit", "out_of_range"),
        ("limit=101", "limit", "out_of_range"),
        ("limit=-5", "limit", "out_of_range"),
        ("cursor=garbage", "cursor", "invalid"),
        ("assignee=team:3", "assignee", "invalid"),
        ("from=2026-13-01", "from", "invalid_period"),
    ] {
        let res = app
            .get(&format!("/api/v1/requests?{query}"), &community)
            .await;
        assert_eq!(res.status.as_u16(), 422, "{query}: {:#}", res.body);
        assert_eq!(res.code(), "validation.failed", "{query}");
        assert!(has_field(&res.body, field, code), "{query}: {:#}", res.body);
    }
    for query in ["limit=ten", "status=lost", "overdue=perhaps"] {
        let res = app
            .get(&format!("/api/v1/requests?{query}"), &community)
            .await;
        assert_eq!(res.status.as_u16(), 422, "{query}: {:#}", res.body);
        assert_eq!(res.code(), "validation.failed", "{query}");
    }
    let res = app.get("/api/v1/requests?limit=100", &community).await;
    assert_eq!(res.expect(200)["items"].as_array().unwrap().len(), 2);
    let res = app.get("/api/v1/requests?node=999999", &community).await;
    res.expect(404);
    assert_eq!(res.code(), "org.node_not_found");

    // Ids that are not ids, or name nothing.
    let res = app.get("/api/v1/requests/abc", &community).await;
    res.expect(404);
    assert_eq!(res.code(), "route.not_found");
    let res = app
        .post("/api/v1/requests/abc/claim", &grid2, json!({}))
        .await;
    res.expect(404);
    let res = app.get("/api/v1/requests/999999", &community).await;
    res.expect(404);
    assert_eq!(res.code(), "request.not_found");
    let res = app
        .post("/api/v1/requests/999999/close", &community, json!({}))
        .await;
    res.expect(404);
    assert_eq!(res.code(), "request.not_found");

    // No token at all.
    let res = app.call(Method::GET, "/api/v1/requests", None, None).await;
    res.expect(401);
    assert_eq!(res.code(), "auth.unauthenticated");
    let res = app
        .call(Method::POST, &url(id, "claim"), None, Some(json!({})))
        .await;
    res.expect(401);
    assert_eq!(timeline_len(&view(&app, &community, id).await), 4);
}

// ---------------------------------------------------------------------------------------------
// 5. Illegal transitions

async fn illegal_transitions_are_409_with_the_status(backend: Backend) {
    let app = spawn_app(backend).await;
    let resident = app.resident("demo-resident-1").await;
    let community = app.login("community").await;
    let grid1 = app.login("grid1").await;
    let grid1_id = user_id(&app, &grid1).await;

    let invalid = |body: &Value, status: &str, action: &str| {
        assert_eq!(body["error"]["details"]["status"], status, "{body:#}");
        assert_eq!(body["error"]["details"]["action"], action, "{body:#}");
    };

    // Dispatched, not yet claimed: the handler cannot resolve or report progress yet.
    let id = new_request(&app, &resident, "mediation", "DX-01-1").await;
    // Nobody holds it: the would-be handler is refused as not the handler.
    refused(
        &app,
        &community,
        &grid1,
        id,
        "claim",
        json!({}),
        403,
        "request.forbidden",
    )
    .await;
    dispatch_to_user(&app, &community, id, grid1_id).await;
    let body = refused(
        &app,
        &community,
        &grid1,
        id,
        "resolve",
        json!({"outcome": "已解决"}),
        409,
        "request.invalid_transition",
    )
    .await;
    invalid(&body, "dispatched", "resolve");
    let body = refused(
        &app,
        &community,
        &grid1,
        id,
        "progress",
        json!({"note": "在办"}),
        409,
        "request.invalid_transition",
    )
    .await;
    invalid(&body, "dispatched", "progress");
    // Dispatching again while it is dispatched.
    let body = refused(
        &app,
        &community,
        &community,
        id,
        "dispatch",
        json!({"assignee": {"kind": "user", "id": grid1_id}}),
        409,
        "request.invalid_transition",
    )
    .await;
    invalid(&body, "dispatched", "dispatch");

    // Claimed: not yet for rating, closing or claiming again; extensions one at a time.
    ok(&app, &grid1, id, "claim", json!({})).await;
    let body = refused(
        &app,
        &community,
        &resident,
        id,
        "rate",
        json!({"rating": "satisfied"}),
        409,
        "request.invalid_transition",
    )
    .await;
    invalid(&body, "claimed", "rate");
    let body = refused(
        &app,
        &community,
        &community,
        id,
        "close",
        json!({}),
        409,
        "request.invalid_transition",
    )
    .await;
    invalid(&body, "claimed", "close");
    let body = refused(
        &app,
        &community,
        &grid1,
        id,
        "claim",
        json!({}),
        409,
        "request.invalid_transition",
    )
    .await;
    invalid(&body, "claimed", "claim");
    refused(
        &app,
        &community,
        &community,
        id,
        "extension/decision",
        json!({"decision": "approve"}),
        409,
        "request.no_pending_extension",
    )
    .await;
    ok(
        &app,
        &grid1,
        id,
        "extension",
        json!({"days": 5, "reason": "需协调"}),
    )
    .await;
    refused(
        &app,
        &community,
        &grid1,
        id,
        "extension",
        json!({"days": 3, "reason": "还要再等"}),
        409,
        "request.extension_pending",
    )
    .await;
    let body = ok(
        &app,
        &community,
        id,
        "extension/decision",
        json!({"decision": "reject"}),
    )
    .await;
    assert_eq!(body["extension_days"], 0);
    assert!(body["pending_extension_days"].is_null());
    refused(
        &app,
        &community,
        &community,
        id,
        "extension/decision",
        json!({"decision": "approve"}),
        409,
        "request.no_pending_extension",
    )
    .await;

    // Resolved then closed: nothing but reopening.
    ok(&app, &grid1, id, "resolve", json!({"outcome": "已调解"})).await;
    let body = refused(
        &app,
        &community,
        &grid1,
        id,
        "resolve",
        json!({"outcome": "again"}),
        409,
        "request.invalid_transition",
    )
    .await;
    invalid(&body, "resolved", "resolve");
    ok(&app, &resident, id, "rate", json!({"rating": "satisfied"})).await;
    let body = refused(
        &app,
        &community,
        &community,
        id,
        "dispatch",
        json!({"assignee": {"kind": "user", "id": grid1_id}}),
        409,
        "request.invalid_transition",
    )
    .await;
    invalid(&body, "closed", "dispatch");
    let body = refused(
        &app,
        &community,
        &community,
        id,
        "close",
        json!({}),
        409,
        "request.invalid_transition",
    )
    .await;
    invalid(&body, "closed", "close");
    let body = refused(
        &app,
        &community,
        &resident,
        id,
        "rate",
        json!({"rating": "dissatisfied"}),
        409,
        "request.invalid_transition",
    )
    .await;
    invalid(&body, "closed", "rate");
    let body = refused(
        &app,
        &community,
        &grid1,
        id,
        "resolve-on-spot",
        json!({"outcome": "x"}),
        409,
        "request.invalid_transition",
    )
    .await;
    invalid(&body, "closed", "resolve_on_spot");
    let body = refused(
        &app,
        &community,
        &community,
        id,
        "escalate",
        json!({"reason": "x"}),
        409,
        "request.invalid_transition",
    )
    .await;
    invalid(&body, "closed", "escalate");
    // Supervising a finished request: never overdue.
    app.clock.advance(Duration::days(40));
    let community = app.login("community").await;
    let street = app.login("street").await;
    refused(
        &app,
        &community,
        &street,
        id,
        "supervise",
        json!({"note": "?"}),
        409,
        "request.not_overdue",
    )
    .await;
}

// ---------------------------------------------------------------------------------------------
// 6. Pagination and filters

async fn pagination_walks_every_request_once_newest_first(backend: Backend) {
    let app = spawn_app(backend).await;
    let resident = app.resident("demo-resident-1").await;
    let community = app.login("community").await;
    let mut ids = Vec::new();
    for i in 0..25 {
        ids.push(new_request(&app, &resident, "property", "DX-01-1").await);
        if i % 2 == 0 {
            app.clock.advance(Duration::seconds(30));
        }
    }
    let newest_first: Vec<i64> = ids.iter().rev().copied().collect();
    for token in [&resident, &community] {
        let mut seen = Vec::new();
        let mut cursor: Option<String> = None;
        let mut sizes = Vec::new();
        let mut last_at: Option<String> = None;
        loop {
            let path = match &cursor {
                None => "/api/v1/requests?limit=10".to_owned(),
                Some(c) => format!("/api/v1/requests?limit=10&cursor={c}"),
            };
            let res = app.get(&path, token).await;
            let body = res.expect(200).clone();
            let items = body["items"].as_array().unwrap();
            sizes.push(items.len());
            for r in items {
                seen.push(r["id"].as_i64().unwrap());
                let at = r["submitted_at"].as_str().unwrap().to_owned();
                if let Some(prev) = &last_at {
                    let (p, a): (chrono::DateTime<chrono::Utc>, chrono::DateTime<chrono::Utc>) =
                        (prev.parse().unwrap(), at.parse().unwrap());
                    assert!(a <= p, "newest first by time: {prev} then {at}");
                }
                last_at = Some(at);
            }
            match body["next_cursor"].as_str() {
                Some(c) => {
                    assert!(sizes.len() < 3, "more than three pages");
                    cursor = Some(c.to_owned());
                }
                None => {
                    assert!(body["next_cursor"].is_null());
                    break;
                }
            }
        }
        assert_eq!(sizes, vec![10, 10, 5]);
        assert_eq!(seen, newest_first, "no duplicates, no gaps, newest first");
    }
    // Exactly a page's worth: no empty page after it.
    let res = app.get("/api/v1/requests?limit=25", &community).await;
    assert_eq!(res.expect(200)["items"].as_array().unwrap().len(), 25);
    assert!(res.body["next_cursor"].is_null());
    // A last page of one.
    let res = app.get("/api/v1/requests?limit=24", &community).await;
    let cursor = res.expect(200)["next_cursor"].as_str().unwrap().to_owned();
    let res = app
        .get(
            &format!("/api/v1/requests?limit=24&cursor={cursor}"),
            &community,
        )
        .await;
    let body = res.expect(200);
    assert_eq!(body["items"].as_array().unwrap().len(), 1);
    assert_eq!(body["items"][0]["id"], ids[0]);
    assert!(body["next_cursor"].is_null());
    // Another resident's pages are empty.
    let other = app.resident("demo-resident-2").await;
    let res = app.get("/api/v1/requests?limit=10", &other).await;
    assert!(res.expect(200)["items"].as_array().unwrap().is_empty());
    assert!(res.body["next_cursor"].is_null());
}

async fn list_filters_narrow_the_list(backend: Backend) {
    let app = spawn_app(backend).await;
    let resident = app.resident("demo-resident-1").await;
    let community = app.login("community").await;
    let grid1 = app.login("grid1").await;
    let grid2 = app.login("grid2").await;
    let grid1_id = user_id(&app, &grid1).await;
    let grid2_node = me(&app, &grid2).await["roles"][0]["node_id"]
        .as_i64()
        .unwrap();
    let grid1_node = me(&app, &grid1).await["roles"][0]["node_id"]
        .as_i64()
        .unwrap();

    // 25 requests: every fifth in grid 2, every third a mediation.
    let mut ids = Vec::new();
    for i in 0..25usize {
        let building = if i % 5 == 0 {
            "DX-06-1"
        } else if i % 2 == 0 {
            "DX-01-1"
        } else {
            "DX-02-1"
        };
        let category = if i % 3 == 0 { "mediation" } else { "property" };
        ids.push(new_request(&app, &resident, category, building).await);
        app.clock.advance(Duration::seconds(10));
    }
    let pick = |f: &dyn Fn(usize) -> bool| -> BTreeSet<i64> {
        (0..25).filter(|i| f(*i)).map(|i| ids[i]).collect()
    };
    let dispatched = [1usize, 2, 3];
    let resolved = [4usize, 6];
    for i in dispatched {
        dispatch_to_user(&app, &community, ids[i], grid1_id).await;
    }
    for i in resolved {
        ok(
            &app,
            &grid1,
            ids[i],
            "resolve-on-spot",
            json!({"outcome": "已解决"}),
        )
        .await;
    }

    let app_ref = &app;
    let q = move |token: &str, query: &str| {
        let (token, query) = (token.to_owned(), query.to_owned());
        async move { set(&list_ids(app_ref, &token, &query).await) }
    };
    assert_eq!(q(&community, "").await, pick(&|_| true));
    assert_eq!(
        q(&community, "status=dispatched").await,
        pick(&|i| dispatched.contains(&i))
    );
    assert_eq!(
        q(&community, "status=resolved").await,
        pick(&|i| resolved.contains(&i))
    );
    assert_eq!(
        q(&community, "status=submitted").await,
        pick(&|i| !dispatched.contains(&i) && !resolved.contains(&i))
    );
    assert!(q(&community, "status=closed").await.is_empty());
    assert_eq!(
        q(&community, "category=mediation").await,
        pick(&|i| i % 3 == 0)
    );
    assert_eq!(
        q(&community, "category=property").await,
        pick(&|i| i % 3 != 0)
    );
    assert!(q(&community, "category=no_such").await.is_empty());
    assert_eq!(
        q(&community, &format!("node={grid2_node}")).await,
        pick(&|i| i % 5 == 0)
    );
    assert_eq!(
        q(&community, &format!("node={grid1_node}")).await,
        pick(&|i| i % 5 != 0)
    );
    // Filters narrow what the caller may see anyway: grid 1's worker asking for grid 2.
    assert!(q(&grid1, &format!("node={grid2_node}")).await.is_empty());
    assert_eq!(
        q(&community, &format!("node={grid2_node}&category=mediation")).await,
        pick(&|i| i % 5 == 0 && i % 3 == 0)
    );
    assert_eq!(
        q(&grid1, "assignee=me").await,
        pick(&|i| dispatched.contains(&i) || resolved.contains(&i))
    );
    assert_eq!(
        q(&grid1, "assignee=me&status=dispatched").await,
        pick(&|i| dispatched.contains(&i))
    );
    assert_eq!(
        q(&community, &format!("assignee=user:{grid1_id}")).await,
        pick(&|i| dispatched.contains(&i) || resolved.contains(&i))
    );
    assert!(q(&grid2, "assignee=me").await.is_empty());
    assert!(q(&community, "assignee=me").await.is_empty());
    assert_eq!(
        q(&resident, "status=resolved").await,
        pick(&|i| resolved.contains(&i))
    );

    // Overdue: nothing yet; 20 days on, every open request and no resolved one.
    assert!(q(&community, "overdue=true").await.is_empty());
    assert_eq!(q(&community, "overdue=false").await, pick(&|_| true));
    app.clock.advance(Duration::days(20));
    let community = app.login("community").await;
    let grid1 = app.login("grid1").await;
    assert_eq!(
        q(&community, "overdue=true").await,
        pick(&|i| !resolved.contains(&i))
    );
    assert_eq!(
        q(&community, "overdue=true&status=dispatched").await,
        pick(&|i| dispatched.contains(&i))
    );
    assert_eq!(
        q(&grid1, "overdue=true&assignee=me").await,
        pick(&|i| dispatched.contains(&i))
    );
    let res = app
        .get("/api/v1/requests?overdue=true&limit=100", &community)
        .await;
    assert!(
        res.expect(200)["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["overdue"] == true)
    );
}
