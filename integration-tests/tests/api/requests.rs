//! The request lifecycle end to end, races, idempotency and the sweep.

use chrono::Duration;
use futures_util::future::join_all;
use linli_domain::PropertyCompanyId;
use linli_domain::access::RoleKind;
use linli_persistence::users::RoleBinding;
use reqwest::Method;
use serde_json::json;

use crate::helpers::{Backend, spawn_app, submit};
use crate::on_both_backends;

on_both_backends!(
    the_whole_lifecycle_with_reopening_and_extension,
    two_handlers_claiming_at_once_one_wins,
    a_retried_submit_returns_the_first_result,
    concurrent_retries_with_one_key_store_one_request,
    simultaneous_submits_each_store_their_own_request,
    the_sweep_flags_overdue_once_and_the_street_supervises,
    resolved_requests_close_after_the_quiet_period,
    escalation_goes_to_the_street_queue,
    possible_duplicates_are_hinted,
);

async fn the_whole_lifecycle_with_reopening_and_extension(backend: Backend) {
    let app = spawn_app(backend).await;
    let resident = app.resident("demo-resident-1").await;
    let community = app.login("community").await;
    let property = app.login("wy-tianxing").await;

    let id = submit(&app, &resident, "property", "DX-01-1").await;
    let base = format!("/api/v1/requests/{id}");

    // 下单 without naming a handler: property requests go to the compound's company.
    let res = app
        .post(
            &format!("{base}/dispatch"),
            &community,
            json!({"note": "请尽快处理"}),
        )
        .await;
    let body = res.expect(200);
    assert_eq!(body["status"], "dispatched");
    assert_eq!(body["assignee"]["kind"], "company");
    assert_eq!(body["assignee"]["name"], "天兴物业服务有限公司");

    app.post(&format!("{base}/claim"), &property, json!({}))
        .await
        .expect(200);
    let res = app
        .post(
            &format!("{base}/progress"),
            &property,
            json!({"note": "已派维修工"}),
        )
        .await;
    assert_eq!(res.expect(200)["status"], "in_progress");

    // 延期: approved days move the resolution deadline.
    let due_before: chrono::DateTime<chrono::Utc> = res.body["resolution_due"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    app.post(
        &format!("{base}/extension"),
        &property,
        json!({"days": 3, "reason": "等配件"}),
    )
    .await
    .expect(200);
    let res = app
        .post(
            &format!("{base}/extension/decision"),
            &community,
            json!({"decision": "approve"}),
        )
        .await;
    let body = res.expect(200);
    let due_after: chrono::DateTime<chrono::Utc> =
        body["resolution_due"].as_str().unwrap().parse().unwrap();
    assert_eq!(due_after - due_before, Duration::days(3));
    assert_eq!(body["extension_days"], 3);
    assert!(body["pending_extension_days"].is_null());

    app.post(
        &format!("{base}/resolve"),
        &property,
        json!({"outcome": "已更换"}),
    )
    .await
    .expect(200);

    // 不满意 → 重办: back to the same handler, counted.
    let res = app
        .post(
            &format!("{base}/rate"),
            &resident,
            json!({"rating": "dissatisfied", "comment": "还是坏的"}),
        )
        .await;
    let body = res.expect(200);
    assert_eq!(body["status"], "dispatched");
    assert_eq!(body["reopen_count"], 1);
    assert_eq!(body["assignee"]["kind"], "company");

    app.post(&format!("{base}/claim"), &property, json!({}))
        .await
        .expect(200);
    app.post(
        &format!("{base}/resolve"),
        &property,
        json!({"outcome": "已彻底修好"}),
    )
    .await
    .expect(200);
    let res = app
        .post(
            &format!("{base}/rate"),
            &resident,
            json!({"rating": "basically_satisfied"}),
        )
        .await;
    let body = res.expect(200);
    assert_eq!(body["status"], "closed");
    assert_eq!(body["rating"], "basically_satisfied");

    let kinds: Vec<&str> = body["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["type"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        [
            "request.submitted",
            "request.dispatched",
            "request.claimed",
            "request.progressed",
            "request.extension_requested",
            "request.extension_decided",
            "request.resolved",
            "request.rated",
            "request.reopened",
            "request.claimed",
            "request.resolved",
            "request.rated",
            "request.closed",
        ]
    );
    // Who did what, and what they said, is on the timeline the resident sees.
    let timeline = body["timeline"].as_array().unwrap();
    assert_eq!(timeline[1]["note"], "请尽快处理");
    assert_eq!(timeline[1]["actor_name"], "大兴东路社区工作人员");
    assert_eq!(timeline[7]["data"]["rating"], "dissatisfied");
}

async fn two_handlers_claiming_at_once_one_wins(backend: Backend) {
    let app = spawn_app(backend).await;
    // A second staff member of the company that manages DX-01-*.
    app.add_account(
        "wy-tianxing-2",
        RoleKind::PropertyStaff,
        RoleBinding::Company(PropertyCompanyId(1)),
    )
    .await;
    let resident = app.resident("demo-resident-1").await;
    let community = app.login("community").await;
    let a = app.login("wy-tianxing").await;
    let b = app.login("wy-tianxing-2").await;

    for round in 0..3 {
        let id = submit(&app, &resident, "property", "DX-01-2").await;
        app.post(
            &format!("/api/v1/requests/{id}/dispatch"),
            &community,
            json!({}),
        )
        .await
        .expect(200);
        let path = format!("/api/v1/requests/{id}/claim");
        let tokens = [&a, &b, &a, &b, &a, &b];
        let results = join_all(tokens.iter().map(|t| app.post(&path, t, json!({})))).await;
        let won = results.iter().filter(|r| r.status == 200).count();
        let lost: Vec<_> = results.iter().filter(|r| r.status != 200).collect();
        assert_eq!(won, 1, "round {round}: exactly one claim wins: {results:?}");
        for r in lost {
            assert_eq!(r.status, 409, "{r:?}");
            assert_eq!(r.code(), "request.invalid_transition");
        }
        let claimed = app
            .timeline(id, &community)
            .await
            .iter()
            .filter(|k| *k == "request.claimed")
            .count();
        assert_eq!(claimed, 1, "one claim event");
    }
}

async fn a_retried_submit_returns_the_first_result(backend: Backend) {
    let app = spawn_app(backend).await;
    let resident = app.resident("demo-resident-2").await;
    let body =
        json!({"category": "home_life", "description": "水管漏水", "building_code": "DX-06-1"});
    let send = |key: &'static str, body: serde_json::Value| {
        let req = app
            .client
            .post(app.url("/api/v1/requests"))
            .bearer_auth(&resident)
            .header("Idempotency-Key", key)
            .json(&body);
        async move { req.send().await.unwrap() }
    };
    let first = send("retry-1", body.clone()).await;
    assert_eq!(first.status(), 201);
    assert!(first.headers().get("Idempotent-Replayed").is_none());
    let first: serde_json::Value = first.json().await.unwrap();
    let again = send("retry-1", body.clone()).await;
    assert_eq!(again.status(), 201);
    assert_eq!(again.headers()["Idempotent-Replayed"], "true");
    let again: serde_json::Value = again.json().await.unwrap();
    assert_eq!(first["id"], again["id"]);

    // The same key with another body is refused, and stores nothing.
    let other = send(
        "retry-1",
        json!({"category": "home_life", "description": "换了内容", "building_code": "DX-06-1"}),
    )
    .await;
    assert_eq!(other.status(), 422);
    let other: serde_json::Value = other.json().await.unwrap();
    assert_eq!(other["error"]["code"], "idempotency.key_reused");

    // Keys are per user: another resident's identical key is a new request.
    let other_resident = app.resident("demo-resident-5").await;
    let res = app
        .client
        .post(app.url("/api/v1/requests"))
        .bearer_auth(&other_resident)
        .header("Idempotency-Key", "retry-1")
        .json(&body)
        .send()
        .await
        .unwrap();
    let theirs: serde_json::Value = res.json().await.unwrap();
    assert_ne!(theirs["id"], first["id"]);

    let mine = app.get("/api/v1/requests", &resident).await;
    assert_eq!(mine.expect(200)["items"].as_array().unwrap().len(), 1);
}

async fn concurrent_retries_with_one_key_store_one_request(backend: Backend) {
    let app = spawn_app(backend).await;
    let resident = app.resident("demo-resident-3").await;
    let body =
        json!({"category": "care", "description": "独居老人需要帮助", "building_code": "DX-11-1"});
    let sends = (0..8).map(|_| {
        app.client
            .post(app.url("/api/v1/requests"))
            .bearer_auth(&resident)
            .header("Idempotency-Key", "race-key")
            .json(&body)
            .send()
    });
    let results = join_all(sends).await;
    let mut ids = Vec::new();
    for r in results {
        let r = r.unwrap();
        assert_eq!(r.status(), 201);
        let v: serde_json::Value = r.json().await.unwrap();
        ids.push(v["id"].as_i64().unwrap());
    }
    ids.dedup();
    assert_eq!(ids.len(), 1, "every retry answers with the one request");
    let mine = app.get("/api/v1/requests", &resident).await;
    assert_eq!(mine.expect(200)["items"].as_array().unwrap().len(), 1);
}

/// On SQLite, submits that arrive together are committed together: each must still come back
/// with its own request, timeline and duplicate hints, and a retry inside the same group must
/// find the first write.
async fn simultaneous_submits_each_store_their_own_request(backend: Backend) {
    let app = spawn_app(backend).await;
    let residents = [
        app.resident("demo-resident-1").await,
        app.resident("demo-resident-2").await,
        app.resident("demo-resident-4").await,
    ];
    let community = app.login("community").await;
    let before = app
        .get("/api/v1/requests?limit=100", &community)
        .await
        .expect(200)["items"]
        .as_array()
        .unwrap()
        .len();
    let sends = (0..30).map(|i| {
        // Every fifth send repeats the one before it, key and all: a retry.
        let n = if i % 5 == 4 { i - 1 } else { i };
        app.client
            .post(app.url("/api/v1/requests"))
            .bearer_auth(&residents[n % 3])
            .header("Idempotency-Key", format!("burst-{n}"))
            .json(&json!({
                "category": "property",
                "description": format!("同时提交 {n}"),
                "building_code": "DX-03-2",
            }))
            .send()
    });
    let mut by_send = Vec::new();
    for r in join_all(sends).await {
        let r = r.unwrap();
        assert_eq!(r.status(), 201);
        let v: serde_json::Value = r.json().await.unwrap();
        by_send.push((
            v["id"].as_i64().unwrap(),
            v["description"].as_str().unwrap().to_owned(),
        ));
    }
    for (i, (id, description)) in by_send.iter().enumerate() {
        let n = if i % 5 == 4 { i - 1 } else { i };
        assert_eq!(description, &format!("同时提交 {n}"));
        if i % 5 == 4 {
            assert_eq!(
                *id,
                by_send[i - 1].0,
                "a retry answers with the first request"
            );
        }
        assert_eq!(app.timeline(*id, &community).await, ["request.submitted"]);
    }
    let mut ids: Vec<i64> = by_send.iter().map(|(id, _)| *id).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 24);
    let after = app
        .get("/api/v1/requests?limit=100", &community)
        .await
        .expect(200)["items"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(after, before + 24);
}

async fn the_sweep_flags_overdue_once_and_the_street_supervises(backend: Backend) {
    let app = spawn_app(backend).await;
    let resident = app.resident("demo-resident-1").await;
    let community = app.login("community").await;
    let id = submit(&app, &resident, "mediation", "DX-03-1").await;
    app.post(
        &format!("/api/v1/requests/{id}/dispatch"),
        &community,
        json!({}),
    )
    .await
    .expect(200);

    // Within the first-response window nothing is overdue.
    app.clock.advance(Duration::hours(23));
    assert_eq!(app.sweep().await.overdue, 0);
    // Access tokens live 15 minutes of the app's clock: log in again.
    let street = app.login("street").await;
    let res = app
        .post(
            &format!("/api/v1/requests/{id}/supervise"),
            &street,
            json!({"note": "请加快"}),
        )
        .await;
    res.expect(409);
    assert_eq!(res.code(), "request.not_overdue");

    // Past it (24 h for mediation) the sweep flags it, once.
    app.clock.advance(Duration::hours(2));
    let (community, street) = (app.login("community").await, app.login("street").await);
    assert_eq!(app.sweep().await.overdue, 1);
    assert_eq!(app.sweep().await.overdue, 0);
    let kinds = app.timeline(id, &community).await;
    assert_eq!(kinds.iter().filter(|k| *k == "request.overdue").count(), 1);
    let res = app.get(&format!("/api/v1/requests/{id}"), &community).await;
    assert_eq!(res.expect(200)["overdue"], true);
    assert!(res.body["overdue_at"].is_string());

    let listed = app.get("/api/v1/requests?overdue=true", &street).await;
    assert_eq!(listed.expect(200)["items"][0]["id"], id);

    let res = app
        .post(
            &format!("/api/v1/requests/{id}/supervise"),
            &street,
            json!({"note": "请加快"}),
        )
        .await;
    assert_eq!(res.expect(200)["supervise_count"], 1);
}

async fn resolved_requests_close_after_the_quiet_period(backend: Backend) {
    let app = spawn_app(backend).await;
    let resident = app.resident("demo-resident-4").await;
    let community = app.login("community").await;
    let grid = app.login("grid1").await;
    let id = submit(&app, &resident, "mediation", "DX-04-2").await;
    let base = format!("/api/v1/requests/{id}");
    app.post(&format!("{base}/dispatch"), &community, json!({}))
        .await
        .expect(200);
    app.post(&format!("{base}/claim"), &grid, json!({}))
        .await
        .expect(200);
    app.post(
        &format!("{base}/resolve"),
        &grid,
        json!({"outcome": "双方和解"}),
    )
    .await
    .expect(200);

    app.clock.advance(Duration::days(6));
    assert_eq!(app.sweep().await.closed, 0);
    app.clock.advance(Duration::days(2));
    assert_eq!(app.sweep().await.closed, 1);
    let resident = app.resident("demo-resident-4").await;
    let res = app.get(&base, &resident).await;
    let body = res.expect(200);
    assert_eq!(body["status"], "closed");
    assert!(body["rating"].is_null());
    let last = body["timeline"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["type"], "request.closed");
    assert_eq!(last["data"]["reason"], "quiet_period");
    assert!(last["actor_name"].is_null(), "the system closed it");
}

async fn escalation_goes_to_the_street_queue(backend: Backend) {
    let app = spawn_app(backend).await;
    let resident = app.resident("demo-resident-2").await;
    let community = app.login("community").await;
    let street = app.login("street").await;
    let grid = app.login("grid2").await;
    let id = submit(&app, &resident, "legal", "DX-07-1").await;
    let base = format!("/api/v1/requests/{id}");

    let res = app
        .post(
            &format!("{base}/escalate"),
            &community,
            json!({"reason": "涉及多方，需街道协调"}),
        )
        .await;
    let body = res.expect(200);
    assert_eq!(body["status"], "escalated");
    assert_eq!(body["queue_level"], "street");

    // Now it is the street's to dispatch, not the community's.
    let res = app
        .post(&format!("{base}/dispatch"), &community, json!({}))
        .await;
    res.expect(403);
    let grid_id = app.get("/api/v1/me", &grid).await.body["id"].clone();
    let res = app
        .post(
            &format!("{base}/dispatch"),
            &street,
            json!({"assignee": {"kind": "user", "id": grid_id}}),
        )
        .await;
    assert_eq!(res.expect(200)["status"], "dispatched");

    // A handler the building's candidates don't include is refused.
    let id2 = submit(&app, &resident, "legal", "DX-07-1").await;
    let grid3_id = app.get("/api/v1/me", &app.login("grid3").await).await.body["id"].clone();
    let res = app
        .post(
            &format!("/api/v1/requests/{id2}/dispatch"),
            &community,
            json!({"assignee": {"kind": "user", "id": grid3_id}}),
        )
        .await;
    res.expect(422);
    assert_eq!(res.code(), "request.assignee_not_eligible");
}

async fn possible_duplicates_are_hinted(backend: Backend) {
    let app = spawn_app(backend).await;
    let a = app.resident("demo-resident-1").await;
    let b = app.resident("demo-resident-4").await;
    let first = submit(&app, &a, "property", "DX-01-3").await;
    let res = app
        .call(
            Method::POST,
            "/api/v1/requests",
            Some(&b),
            Some(json!({"category": "property", "description": "电梯又坏了", "building_code": "DX-01-3"})),
        )
        .await;
    let body = res.expect(201);
    assert_eq!(body["possible_duplicates"][0]["id"], first);
    // Another category or building is not a duplicate.
    let res = app
        .post(
            "/api/v1/requests",
            &b,
            json!({"category": "mediation", "description": "邻里纠纷", "building_code": "DX-01-3"}),
        )
        .await;
    assert!(
        res.expect(201)["possible_duplicates"]
            .as_array()
            .unwrap()
            .is_empty()
    );
}
