//! Outbound webhooks: a partner registers endpoints with its API key and receives signed events
//! for the requests in its scope, at least once, in order per request, with retries on the
//! schedule; 410 and days of failure switch an endpoint off; the log, redelivery and replay.

use std::time::Duration as StdDuration;

use chrono::Duration;
use serde_json::{Value, json};

use crate::helpers::{Backend, ClockExt, Res, Spawn, TestApp, spawn_instances, spawn_with, submit};
use crate::on_both_backends;
use crate::webhook_receiver::{Receiver, Reply};

on_both_backends!(
    a_partner_receives_signed_events_for_its_scope_only,
    endpoints_are_checked_and_managed,
    a_receiver_that_was_down_gets_everything_in_order,
    gone_or_failing_for_days_switches_an_endpoint_off,
    retry_after_is_honoured,
    a_rotated_secret_signs_alongside_the_new_one,
    the_log_redelivery_and_replay,
    two_instances_deliver_each_message_once,
    a_crashed_workers_claims_go_to_another,
    a_redelivery_during_an_attempt_is_not_lost,
    grid_work_reaches_the_endpoints_that_take_it,
);

struct World {
    apps: Vec<TestApp>,
    key: String,
    resident: String,
    community: String,
    grid_id: i64,
    receiver: Receiver,
}

impl World {
    fn app(&self) -> &TestApp {
        &self.apps[0]
    }
}

fn env() -> Vec<(&'static str, String)> {
    vec![
        ("LINLI_WEBHOOK_ALLOW_PRIVATE", "1".into()),
        ("LINLI_WEBHOOK_TIMEOUT_SECS", "3".into()),
    ]
}

/// `n` instances; a partner scoped to the demo street with its key; a resident; community
/// staff; a receiver.
async fn world_of(backend: Backend, n: usize) -> World {
    let apps = spawn_instances(
        backend,
        Spawn {
            env: env(),
            ..Spawn::default()
        },
        n,
    )
    .await;
    let app = &apps[0];
    let (_, street, _) = crate::org::demo_ids(app).await;
    let admin = app.login("admin").await;
    let res = app
        .post(
            "/api/v1/partners",
            &admin,
            json!({"name": "云家园", "scope_node_id": street}),
        )
        .await;
    let key = res.expect(201)["key"]["api_key"]
        .as_str()
        .unwrap()
        .to_owned();
    let resident = app.resident("o-webhook-resident").await;
    let community = app.login("community").await;
    let grid = app.login("grid1").await;
    let grid_id = app.get("/api/v1/me", &grid).await.expect(200)["id"]
        .as_i64()
        .unwrap();
    World {
        key,
        resident,
        community,
        grid_id,
        receiver: Receiver::start().await,
        apps,
    }
}

async fn world(backend: Backend) -> World {
    world_of(backend, 1).await
}

/// Registers an endpoint at the receiver; returns its id and secret.
async fn endpoint(w: &World, body: Value) -> (i64, String) {
    let mut body = body;
    if body.get("url").is_none() {
        body["url"] = json!(w.receiver.url);
    }
    let res = w.app().post("/api/v1/partner/webhooks", &w.key, body).await;
    let b = res.expect(201);
    (
        b["id"].as_i64().unwrap(),
        b["secret"].as_str().unwrap().to_owned(),
    )
}

/// A submitted request dispatched to grid worker 1: two events.
async fn dispatched(w: &World) -> i64 {
    let id = submit(w.app(), &w.resident, "property", "DX-01-2").await;
    w.app()
        .post(
            &format!("/api/v1/requests/{id}/dispatch"),
            &w.community,
            json!({"assignee": {"kind": "user", "id": w.grid_id}}),
        )
        .await
        .expect(200);
    id
}

impl TestApp {
    /// Dispatches the outbox, then delivers until nothing more is due now.
    async fn deliver(&self) -> usize {
        linli_api::dispatch::run_once(&self.state).await.unwrap();
        let mut attempted = 0;
        for _ in 0..100 {
            let r = linli_api::webhooks::deliver::run_once(&self.state)
                .await
                .unwrap();
            if r.attempted == 0 {
                return attempted;
            }
            attempted += r.attempted;
        }
        panic!("delivery does not settle");
    }

    async fn patch_json(&self, path: &str, token: &str, body: Value) -> Res {
        self.call(reqwest::Method::PATCH, path, Some(token), Some(body))
            .await
    }
}

async fn a_partner_receives_signed_events_for_its_scope_only(backend: Backend) {
    let w = world(backend).await;
    let app = w.app();
    let (_, secret) = endpoint(&w, json!({"description": "主端点"})).await;
    let (_, _) = endpoint(&w, json!({"event_types": ["request.dispatched"]})).await;

    // A partner of another street sees nothing of ours.
    let admin = app.login("admin").await;
    let (district, _, _) = crate::org::demo_ids(app).await;
    let other_street = crate::org::create(
        app,
        &admin,
        json!({"parent_id": district, "kind": "street", "name": "青年路街道"}),
    )
    .await;
    let res = app
        .post(
            "/api/v1/partners",
            &admin,
            json!({"name": "别的平台", "scope_node_id": other_street}),
        )
        .await;
    let other_key = res.expect(201)["key"]["api_key"]
        .as_str()
        .unwrap()
        .to_owned();
    let elsewhere = Receiver::start().await;
    app.post(
        "/api/v1/partner/webhooks",
        &other_key,
        json!({"url": elsewhere.url}),
    )
    .await
    .expect(201);

    let id = dispatched(&w).await;
    // Nothing is sent on the request's path: only the workers send.
    assert!(w.receiver.deliveries().is_empty());
    assert_eq!(
        app.deliver().await,
        3,
        "two events to one endpoint, one to the other"
    );
    assert!(elsewhere.deliveries().is_empty(), "out of scope");

    let got = w.receiver.deliveries();
    assert_eq!(got.len(), 3);
    assert!(
        w.receiver.verified_by(&secret)[..]
            .iter()
            .filter(|v| **v)
            .count()
            >= 2
    );
    let mut types: Vec<&str> = got.iter().map(|d| d.event_type()).collect();
    types.sort_unstable();
    assert_eq!(
        types,
        [
            "request.dispatched",
            "request.dispatched",
            "request.submitted"
        ]
    );
    let first = got
        .iter()
        .find(|d| d.event_type() == "request.submitted")
        .unwrap();
    assert!(first.id.starts_with("msg_"));
    let now = app.clock.now_utc().timestamp();
    assert!((first.timestamp.parse::<i64>().unwrap() - now).abs() <= 1);
    let data = &first.body["data"];
    assert_eq!(data["id"], id);
    assert_eq!(data["category"]["code"], "property");
    assert_eq!(data["building"]["code"], "DX-01-2");
    assert_eq!(data["event"]["type"], "request.submitted");
    assert!(first.body["timestamp"].is_string());
    // A partner gets the case, not the people in it.
    let text = first.body.to_string();
    assert!(!text.contains("13812345678") && !text.contains("138****5678"));
    assert!(data.get("submitted_by").is_none() && data.get("contact_phone").is_none());
    // The same event to two endpoints has one webhook-id.
    let dispatched_ids: Vec<&str> = got
        .iter()
        .filter(|d| d.event_type() == "request.dispatched")
        .map(|d| d.id.as_str())
        .collect();
    assert_eq!(dispatched_ids[0], dispatched_ids[1]);

    // Delivered is delivered: another pass sends nothing.
    assert_eq!(app.deliver().await, 0);
}

async fn endpoints_are_checked_and_managed(backend: Backend) {
    // Without LINLI_WEBHOOK_ALLOW_PRIVATE: our own network is off limits.
    let app = spawn_with(backend, Spawn::default()).await;
    let admin = app.login("admin").await;
    let (_, street, _) = crate::org::demo_ids(&app).await;
    let res = app
        .post(
            "/api/v1/partners",
            &admin,
            json!({"name": "云家园", "scope_node_id": street}),
        )
        .await;
    let key = res.expect(201)["key"]["api_key"]
        .as_str()
        .unwrap()
        .to_owned();
    let post = |body: Value| {
        let (app, key) = (&app, key.clone());
        async move { app.post("/api/v1/partner/webhooks", &key, body).await }
    };
    for url in [
        "http://127.0.0.1:8080/hook",
        "http://10.0.0.5/hook",
        "http://169.254.169.254/latest/meta-data",
        "http://[::1]/hook",
        "http://localhost/hook",
    ] {
        let res = post(json!({"url": url})).await;
        res.expect(422);
        assert_eq!(
            res.body["error"]["details"][0]["code"], "private_address",
            "{url}"
        );
    }
    for url in [
        "ftp://example.com/x",
        "not a url",
        "https://user:pw@example.com/x",
        "",
    ] {
        let res = post(json!({"url": url})).await;
        res.expect(422);
        assert_eq!(res.body["error"]["details"][0]["field"], "url", "{url}");
    }
    let res =
        post(json!({"url": "https://example.com/x", "event_types": ["request.exploded"]})).await;
    res.expect(422);
    assert_eq!(res.body["error"]["details"][0]["field"], "event_types");
    // No key, no endpoints.
    let res = app
        .call(reqwest::Method::GET, "/api/v1/partner/webhooks", None, None)
        .await;
    res.expect(401);

    // A public URL is taken; shown, changed, listed, switched off and on, removed.
    let res = post(json!({
        "url": "https://example.com/hooks/linli",
        "description": "云家园生产环境",
        "event_types": ["request.resolved", "request.submitted"],
    }))
    .await;
    let created = res.expect(201).clone();
    let id = created["id"].as_i64().unwrap();
    assert!(created["secret"].as_str().unwrap().starts_with("whsec_"));
    assert_eq!(
        created["event_types"],
        json!(["request.resolved", "request.submitted"])
    );
    assert_eq!(created["enabled"], true);
    let path = format!("/api/v1/partner/webhooks/{id}");
    let secret = app.get(&format!("{path}/secret"), &key).await;
    assert_eq!(secret.expect(200)["secret"], created["secret"]);
    let off = app
        .patch_json(&path, &key, json!({"enabled": false, "event_types": []}))
        .await;
    let off = off.expect(200);
    assert_eq!(off["enabled"], false);
    assert_eq!(off["event_types"], json!([]));
    assert!(off["disabled_reason"].is_string());
    let on = app.patch_json(&path, &key, json!({"enabled": true})).await;
    assert!(on.expect(200)["disabled_reason"].is_null());
    let list = app.get("/api/v1/partner/webhooks", &key).await;
    assert_eq!(list.expect(200)["items"].as_array().unwrap().len(), 1);
    let gone = app
        .call(reqwest::Method::DELETE, &path, Some(&key), None)
        .await;
    assert_eq!(gone.status.as_u16(), 204);
    let res = app.get(&path, &key).await;
    res.expect(404);
    assert_eq!(res.code(), "webhook.not_found");
}

async fn a_receiver_that_was_down_gets_everything_in_order(backend: Backend) {
    let w = world(backend).await;
    let app = w.app();
    endpoint(&w, json!({})).await;
    // Down: every delivery fails until further notice.
    w.receiver.always(Some(Reply::status(503)));
    let mut ids = Vec::new();
    for _ in 0..4 {
        let id = dispatched(&w).await;
        app.post(
            &format!("/api/v1/requests/{id}/claim"),
            &app.login("grid1").await,
            json!({}),
        )
        .await
        .expect(200);
        ids.push(id);
    }
    // One message per request is in flight at a time: the first of each.
    assert_eq!(app.deliver().await, 4);
    assert_eq!(w.receiver.deliveries().len(), 4);
    // The schedule: nothing is due before 5 seconds (less a tenth of jitter)…
    app.clock.advance(Duration::seconds(4));
    assert_eq!(app.deliver().await, 0);
    // …then the second attempt.
    app.clock.advance(Duration::seconds(2));
    assert_eq!(app.deliver().await, 4);
    // The third waits some 5 minutes.
    app.clock.advance(Duration::minutes(4));
    assert_eq!(app.deliver().await, 0);
    app.clock.advance(Duration::minutes(2));
    assert_eq!(app.deliver().await, 4);
    let log = app
        .get("/api/v1/partner/webhooks/1/messages?status=pending", &w.key)
        .await;
    let pending = log.expect(200)["items"].as_array().unwrap().clone();
    assert_eq!(pending.len(), 12, "three events per request, all waiting");
    let tried: Vec<i64> = pending
        .iter()
        .filter(|m| m["attempts"] == 3)
        .map(|m| m["last_status_code"].as_i64().unwrap())
        .collect();
    assert_eq!(tried, [503, 503, 503, 503]);

    // Back up: everything arrives, each request's events in order.
    w.receiver.always(None);
    for _ in 0..10 {
        app.clock.advance(Duration::minutes(40));
        app.deliver().await;
    }
    let accepted = w.receiver.accepted_once();
    assert_eq!(accepted.len(), 12);
    for id in ids {
        let events: Vec<(i64, String)> = accepted
            .iter()
            .filter(|d| d.request_and_event().0 == id)
            .map(|d| (d.request_and_event().1, d.event_type().to_owned()))
            .collect();
        let types: Vec<&str> = events.iter().map(|(_, t)| t.as_str()).collect();
        assert_eq!(
            types,
            ["request.submitted", "request.dispatched", "request.claimed"],
            "request {id}"
        );
        assert!(events.windows(2).all(|p| p[0].0 < p[1].0));
    }
    let endpoint = app.get("/api/v1/partner/webhooks/1", &w.key).await;
    assert!(
        endpoint.expect(200)["failing_since"].is_null(),
        "healthy again"
    );
}

async fn gone_or_failing_for_days_switches_an_endpoint_off(backend: Backend) {
    let w = world(backend).await;
    let app = w.app();
    let (id, _) = endpoint(&w, json!({})).await;
    let path = format!("/api/v1/partner/webhooks/{id}");

    // 410: switched off at once, and the partner sees why.
    w.receiver.script([Reply::status(410)]);
    submit(app, &w.resident, "property", "DX-01-2").await;
    assert_eq!(app.deliver().await, 1);
    let e = app.get(&path, &w.key).await;
    let e = e.expect(200);
    assert_eq!(e["enabled"], false);
    assert!(e["disabled_reason"].as_str().unwrap().contains("410"));
    // Nothing goes to it while it is off: not the waiting message, not new ones.
    submit(app, &w.resident, "property", "DX-01-2").await;
    app.clock.advance(Duration::hours(1));
    assert_eq!(app.deliver().await, 0);
    // Switched on again, the waiting message goes; a replay brings the one it missed.
    let resident = app.resident("o-webhook-resident").await;
    app.patch_json(&path, &w.key, json!({"enabled": true}))
        .await
        .expect(200);
    assert_eq!(app.deliver().await, 1);
    let since = (app.clock.now_utc() - Duration::days(1)).to_rfc3339();
    let replayed = app
        .post(&format!("{path}/replay"), &w.key, json!({"since": since}))
        .await;
    assert_eq!(replayed.expect(202)["queued"], 2);
    app.deliver().await;
    let ids: std::collections::BTreeSet<String> =
        w.receiver.accepted().into_iter().map(|d| d.id).collect();
    assert_eq!(ids.len(), 2, "both events, after de-duplication");

    // Failing every delivery for five days: switched off.
    w.receiver.always(Some(Reply::status(500)));
    submit(app, &resident, "property", "DX-01-2").await;
    app.deliver().await;
    let e = app.get(&path, &w.key).await;
    assert!(e.expect(200)["failing_since"].is_string());
    for _ in 0..5 {
        app.clock.advance(Duration::days(1));
        let resident = app.resident("o-webhook-resident").await;
        submit(app, &resident, "property", "DX-01-2").await;
        app.deliver().await;
    }
    let e = app.get(&path, &w.key).await;
    let e = e.expect(200);
    assert_eq!(e["enabled"], false);
    assert!(
        e["disabled_reason"]
            .as_str()
            .unwrap()
            .contains("failed since"),
        "{e}"
    );
}

async fn retry_after_is_honoured(backend: Backend) {
    let w = world(backend).await;
    let app = w.app();
    let (id, _) = endpoint(&w, json!({})).await;
    w.receiver.script([Reply {
        status: 429,
        retry_after: Some(120),
        delay: StdDuration::ZERO,
    }]);
    submit(app, &w.resident, "property", "DX-01-2").await;
    assert_eq!(app.deliver().await, 1);
    let log = app
        .get(&format!("/api/v1/partner/webhooks/{id}/messages"), &w.key)
        .await;
    let m = log.expect(200)["items"][0].clone();
    assert_eq!(m["last_status_code"], 429);
    let next = chrono::DateTime::parse_from_rfc3339(m["next_attempt_at"].as_str().unwrap())
        .unwrap()
        .with_timezone(&chrono::Utc);
    assert_eq!(next - app.clock.now_utc(), Duration::seconds(120));
    app.clock.advance(Duration::seconds(60));
    assert_eq!(app.deliver().await, 0, "not before Retry-After");
    app.clock.advance(Duration::seconds(61));
    assert_eq!(app.deliver().await, 1);
    assert_eq!(w.receiver.accepted().len(), 1);
}

async fn a_rotated_secret_signs_alongside_the_new_one(backend: Backend) {
    let w = world(backend).await;
    let app = w.app();
    let (id, old) = endpoint(&w, json!({})).await;
    let res = app
        .post(
            &format!("/api/v1/partner/webhooks/{id}/secret/rotate"),
            &w.key,
            json!({"grace_hours": 2}),
        )
        .await;
    let new = res.expect(200)["secret"].as_str().unwrap().to_owned();
    assert_ne!(new, old);
    submit(app, &w.resident, "property", "DX-01-2").await;
    app.deliver().await;
    let first = &w.receiver.deliveries()[0];
    assert_eq!(
        first.signatures.len(),
        2,
        "both secrets sign during the grace"
    );
    assert_eq!(w.receiver.verified_by(&old), [true]);
    assert_eq!(w.receiver.verified_by(&new), [true]);
    // After the grace, only the new one.
    app.clock.advance(Duration::hours(3));
    let resident = app.resident("o-webhook-resident").await;
    submit(app, &resident, "property", "DX-01-2").await;
    app.deliver().await;
    assert_eq!(w.receiver.deliveries()[1].signatures.len(), 1);
    assert_eq!(w.receiver.verified_by(&old), [true, false]);
    assert_eq!(w.receiver.verified_by(&new), [true, true]);
    let shown = app
        .get(&format!("/api/v1/partner/webhooks/{id}/secret"), &w.key)
        .await;
    assert_eq!(shown.expect(200)["secret"], new.as_str());
}

async fn the_log_redelivery_and_replay(backend: Backend) {
    let w = world(backend).await;
    let app = w.app();
    let (id, _) = endpoint(&w, json!({})).await;
    let base = format!("/api/v1/partner/webhooks/{id}");
    w.receiver.script([Reply::status(500)]);
    let request = dispatched(&w).await;
    app.deliver().await;
    app.clock.advance(Duration::seconds(10));
    app.deliver().await;
    // The log: newest first, with every attempt.
    let log = app.get(&format!("{base}/messages"), &w.key).await;
    let items = log.expect(200)["items"].as_array().unwrap().clone();
    assert_eq!(items.len(), 2);
    assert!(items.iter().all(|m| m["status"] == "delivered"));
    let submitted = items
        .iter()
        .find(|m| m["event_type"] == "request.submitted")
        .unwrap();
    assert_eq!(submitted["request_id"], request);
    let msg_id = submitted["msg_id"].as_str().unwrap();
    let detail = app.get(&format!("{base}/messages/{msg_id}"), &w.key).await;
    let detail = detail.expect(200);
    let outcomes: Vec<(&str, i64)> = detail["attempt_log"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["outcome"].as_str().unwrap(),
                a["status_code"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(outcomes, [("retry", 500), ("delivered", 204)]);
    assert!(detail["attempt_log"][0]["latency_ms"].as_i64().unwrap() >= 0);
    assert_eq!(detail["attempt_log"][0]["response_excerpt"], "answered 500");
    assert_eq!(detail["payload"]["type"], "request.submitted");
    let filtered = app
        .get(&format!("{base}/messages?status=failed"), &w.key)
        .await;
    assert_eq!(filtered.expect(200)["items"], json!([]));

    // Redelivery by hand: the same webhook-id again.
    let before = w.receiver.deliveries().len();
    app.post(
        &format!("{base}/messages/{msg_id}/redeliver"),
        &w.key,
        json!({}),
    )
    .await
    .expect(202);
    app.deliver().await;
    let all = w.receiver.deliveries();
    assert_eq!(all.len(), before + 1);
    assert_eq!(all.last().unwrap().id, msg_id);
    let res = app
        .post(
            &format!("{base}/messages/msg_0/redeliver"),
            &w.key,
            json!({}),
        )
        .await;
    res.expect(404);
    assert_eq!(res.code(), "webhook.message_not_found");

    // A new endpoint replays what happened before it existed.
    let late = Receiver::start().await;
    let res = app
        .post(
            "/api/v1/partner/webhooks",
            &w.key,
            json!({"url": late.url, "event_types": ["request.dispatched"]}),
        )
        .await;
    let late_id = res.expect(201)["id"].as_i64().unwrap();
    app.deliver().await;
    assert!(late.deliveries().is_empty());
    let since = (app.clock.now_utc() - Duration::hours(1)).to_rfc3339();
    let res = app
        .post(
            &format!("/api/v1/partner/webhooks/{late_id}/replay"),
            &w.key,
            json!({"since": since}),
        )
        .await;
    let r = res.expect(202);
    assert_eq!(r["queued"], 1, "only the type it takes");
    assert_eq!(r["truncated"], false);
    app.deliver().await;
    let got = late.deliveries();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].event_type(), "request.dispatched");
    // The log keeps finished messages 30 days; the events stay replayable.
    app.clock.advance(Duration::days(31));
    let purged = linli_api::webhooks::retention::run_once(&app.state)
        .await
        .unwrap();
    assert_eq!(purged, 3, "two on the first endpoint, one on the late one");
    let log = app.get(&format!("{base}/messages"), &w.key).await;
    assert_eq!(log.expect(200)["items"], json!([]));
    // Another partner's key does not reach this endpoint.
    let res = app
        .get(&format!("{base}/messages"), "lk_AAAAAAAAAAAA_x")
        .await;
    res.expect(401);
}

async fn two_instances_deliver_each_message_once(backend: Backend) {
    let w = world_of(backend, 2).await;
    endpoint(&w, json!({})).await;
    let mut ids = Vec::new();
    for _ in 0..15 {
        ids.push(dispatched(&w).await);
    }
    // Both instances dispatch and deliver at once, over and over, until nothing is left.
    let run = |app: &TestApp| {
        let state = app.state.clone();
        async move {
            for _ in 0..40 {
                linli_api::dispatch::run_once(&state).await.unwrap();
                linli_api::webhooks::deliver::run_once(&state)
                    .await
                    .unwrap();
            }
        }
    };
    tokio::join!(run(&w.apps[0]), run(&w.apps[1]));
    let got = w.receiver.deliveries();
    let unique: std::collections::HashSet<&str> = got.iter().map(|d| d.id.as_str()).collect();
    assert_eq!(unique.len(), 30, "every event");
    assert_eq!(got.len(), 30, "none twice");
}

async fn a_crashed_workers_claims_go_to_another(backend: Backend) {
    let w = world_of(backend, 2).await;
    let (a, b) = (&w.apps[0], &w.apps[1]);
    endpoint(&w, json!({})).await;
    for _ in 0..3 {
        submit(a, &w.resident, "property", "DX-01-2").await;
    }
    linli_api::dispatch::run_once(&a.state).await.unwrap();
    // Instance A claims the three and is killed while the receiver keeps it waiting.
    w.receiver.script(
        [Reply {
            status: 204,
            retry_after: None,
            delay: StdDuration::from_secs(30),
        }; 3],
    );
    let state = a.state.clone();
    let crashed = tokio::spawn(async move { linli_api::webhooks::deliver::run_once(&state).await });
    for _ in 0..100 {
        if w.receiver.deliveries().len() == 3 {
            break;
        }
        tokio::time::sleep(StdDuration::from_millis(50)).await;
    }
    assert_eq!(w.receiver.deliveries().len(), 3, "A sent all three");
    crashed.abort();
    // B passes them over while A's lease holds…
    assert_eq!(b.deliver().await, 0);
    // …and sends them once it ran out.
    b.clock.advance(Duration::minutes(3));
    assert_eq!(b.deliver().await, 3);
    assert_eq!(
        w.receiver.accepted().len(),
        6,
        "at least once: A's copies arrived too"
    );
    assert_eq!(
        w.receiver.accepted_once().len(),
        3,
        "exactly once by webhook-id"
    );
    let log = b
        .get(
            "/api/v1/partner/webhooks/1/messages?status=delivered",
            &w.key,
        )
        .await;
    assert_eq!(log.expect(200)["items"].as_array().unwrap().len(), 3);
}

async fn a_redelivery_during_an_attempt_is_not_lost(backend: Backend) {
    use linli_persistence::webhooks::messages::{self, AttemptLog, Outcome};
    let w = world(backend).await;
    let app = w.app();
    let (id, _) = endpoint(&w, json!({})).await;
    submit(app, &w.resident, "property", "DX-01-2").await;
    linli_api::dispatch::run_once(&app.state).await.unwrap();
    // A worker has claimed the message and is posting it…
    let now = app.clock.now_utc();
    let claimed = app
        .state
        .db
        .write(move |conn| Ok(messages::claim_due(conn, now, Duration::minutes(1), 10)?))
        .await
        .unwrap();
    assert_eq!(claimed.items.len(), 1);
    let msg = claimed.items[0].message.clone();
    // …when the partner asks for it again.
    let base = format!("/api/v1/partner/webhooks/{id}/messages/{}", msg.msg_id);
    app.post(&format!("{base}/redeliver"), &w.key, json!({}))
        .await
        .expect(202);
    // The worker's failure is logged but no longer decides: the message is due now.
    let claim = claimed.claim.clone();
    let recorded = app
        .state
        .db
        .write(move |conn| {
            let log = AttemptLog {
                status_code: Some(500),
                latency_ms: 12,
                ..AttemptLog::default()
            };
            let later = now + Duration::hours(1);
            Ok(messages::record_attempt(
                conn,
                msg.id,
                &claim,
                Outcome::Retry(later),
                &log,
                now,
            )?)
        })
        .await
        .unwrap();
    assert!(!recorded);
    let detail = app.get(&base, &w.key).await;
    let detail = detail.expect(200);
    assert_eq!(detail["status"], "pending");
    assert_eq!(
        detail["attempt_log"].as_array().unwrap().len(),
        1,
        "{detail}"
    );
    assert_eq!(app.deliver().await, 1, "due at once, not in an hour");
    let detail = app.get(&base, &w.key).await;
    assert_eq!(detail.expect(200)["status"], "delivered");
}

async fn grid_work_reaches_the_endpoints_that_take_it(backend: Backend) {
    let w = world(backend).await;
    let app = w.app();
    let (id, secret) = endpoint(
        &w,
        json!({"event_types": ["hazard.reported", "meeting.held"]}),
    )
    .await;
    let requests_only = Receiver::start().await;
    endpoint(
        &w,
        json!({"url": requests_only.url, "event_types": ["request.submitted"]}),
    )
    .await;
    // Another street's partner, taking everything, hears nothing of our street's grid work.
    let admin = app.login("admin").await;
    let (district, _, _) = crate::org::demo_ids(app).await;
    let other_street = crate::org::create(
        app,
        &admin,
        json!({"parent_id": district, "kind": "street", "name": "桃园路街道"}),
    )
    .await;
    let other_key = app
        .post(
            "/api/v1/partners",
            &admin,
            json!({"name": "别的平台", "scope_node_id": other_street}),
        )
        .await
        .expect(201)["key"]["api_key"]
        .as_str()
        .unwrap()
        .to_owned();
    let elsewhere = Receiver::start().await;
    app.post(
        "/api/v1/partner/webhooks",
        &other_key,
        json!({"url": elsewhere.url}),
    )
    .await
    .expect(201);

    let butler = app.login("butler-txdsh-1").await;
    let log = app
        .post(
            "/api/v1/work-logs",
            &butler,
            json!({
                "kind": "hazard_inspection", "building_code": "DX-01-1",
                "summary": "楼道堆放纸箱杂物，堵塞消防通道", "place": "3单元一楼楼道",
                "hazard_kind": "fire_safety", "severity": "high"
            }),
        )
        .await;
    let log_id = log.expect(201)["id"].as_i64().unwrap();
    app.deliver().await;

    let got = w.receiver.deliveries();
    assert_eq!(
        got.len(),
        1,
        "the hazard, to the endpoint that asked for it"
    );
    assert!(requests_only.deliveries().is_empty());
    assert!(elsewhere.deliveries().is_empty(), "out of scope");
    assert_eq!(w.receiver.verified_by(&secret), [true]);
    let hazard = &got[0];
    assert_eq!(hazard.event_type(), "hazard.reported");
    assert!(hazard.id.starts_with("msg_"));
    let data = &hazard.body["data"];
    assert_eq!(data["work_log_id"], log_id);
    assert_eq!(data["hazard_kind"], "fire_safety");
    assert_eq!(data["severity"], "high");
    let (_, _, community) = crate::org::demo_ids(app).await;
    assert_eq!(data["community_id"], community);
    // The facts, not the butler's words.
    let text = hazard.body.to_string();
    assert!(!text.contains("纸箱") && !text.contains("楼道"), "{text}");

    // The log shows it with no request; a replay sends it again under the same webhook-id.
    let base = format!("/api/v1/partner/webhooks/{id}");
    let items = app
        .get(&format!("{base}/messages"), &w.key)
        .await
        .expect(200)["items"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["event_type"], "hazard.reported");
    assert!(items[0].get("request_id").is_none_or(Value::is_null));
    let since = (app.clock.now_utc() - Duration::hours(1)).to_rfc3339();
    let replayed = app
        .post(&format!("{base}/replay"), &w.key, json!({"since": since}))
        .await;
    assert_eq!(replayed.expect(202)["queued"], 1);
    app.deliver().await;
    let again = w.receiver.deliveries();
    assert_eq!(again.len(), 2);
    assert_eq!(again[1].id, hazard.id);
}
