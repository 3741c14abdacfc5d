//! The inbound partner API: a partner pushes requests in with its API key and a Standard
//! Webhooks signature made with its inbound secret, idempotently by its own external id, and
//! reads the requests of its scope. Pushes are signed here with this file's own HMAC over the
//! specification's string, not with the server's signing code.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use diesel::{QueryDsl, RunQueryDsl};
use hmac::{Hmac, Mac};
use reqwest::StatusCode;
use serde_json::{Value, json};
use sha2::Sha256;

use crate::helpers::{Backend, ClockExt, Res, TestApp, spawn_app};
use crate::on_both_backends;
use crate::org::{demo_ids, second_street};

on_both_backends!(
    a_signed_push_becomes_a_partner_request_the_native_api_shows,
    refused_pushes_store_nothing_and_may_be_mended_and_resent,
    replays_are_refused_and_external_ids_are_idempotent,
    concurrent_pushes_of_one_external_id_make_one_request,
    partners_read_only_their_scope,
    district_admins_issue_and_rotate_inbound_secrets,
    old_message_ids_are_forgotten_by_the_sweep,
);

/// A registered partner with its API key and inbound secret.
struct Partner {
    id: i64,
    key: String,
    secret: Option<String>,
}

async fn register(app: &TestApp, admin: &str, name: &str, scope: i64) -> Partner {
    let res = app
        .post(
            "/api/v1/partners",
            admin,
            json!({"name": name, "scope_node_id": scope}),
        )
        .await;
    let body = res.expect(201);
    Partner {
        id: body["partner"]["id"].as_i64().unwrap(),
        key: body["key"]["api_key"].as_str().unwrap().to_owned(),
        secret: None,
    }
}

async fn issue_secret(app: &TestApp, token: &str, partner: i64) -> Res {
    app.post(
        &format!("/api/v1/partners/{partner}/inbound-secret"),
        token,
        json!({}),
    )
    .await
}

/// A partner scoped to `scope`, with an inbound secret.
async fn partner(app: &TestApp, name: &str, scope: i64) -> Partner {
    let admin = app.login("admin").await;
    let mut p = register(app, &admin, name, scope).await;
    let res = issue_secret(app, &admin, p.id).await;
    p.secret = Some(res.expect(201)["secret"].as_str().unwrap().to_owned());
    p
}

/// `v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">`, keyed with the base64 after `whsec_`:
/// the Standard Webhooks signature, computed here independently of the server.
fn sign(secret: &str, id: &str, timestamp: i64, body: &[u8]) -> String {
    let key = STANDARD
        .decode(secret.strip_prefix("whsec_").expect("a whsec_ secret"))
        .unwrap();
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&key).unwrap();
    mac.update(format!("{id}.{timestamp}.").as_bytes());
    mac.update(body);
    format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes()))
}

/// An answer to a push, with the headers that matter.
#[derive(Debug)]
struct Pushed {
    res: Res,
    location: Option<String>,
    replayed: bool,
}

/// Sends raw bytes with the given signature headers (none left out unless `None`).
async fn send(
    app: &TestApp,
    key: &str,
    id: Option<&str>,
    timestamp: Option<i64>,
    signature: Option<&str>,
    body: &[u8],
) -> Pushed {
    let mut req = app
        .client
        .post(app.url("/api/v1/partner/requests"))
        .header("X-Api-Key", key)
        .header("Content-Type", "application/json")
        .body(body.to_vec());
    if let Some(id) = id {
        req = req.header("webhook-id", id);
    }
    if let Some(ts) = timestamp {
        req = req.header("webhook-timestamp", ts.to_string());
    }
    if let Some(sig) = signature {
        req = req.header("webhook-signature", sig);
    }
    let res = req.send().await.unwrap();
    let status = res.status();
    let header = |name: &str| {
        res.headers()
            .get(name)
            .map(|v| v.to_str().unwrap().to_owned())
    };
    let location = header("location");
    let replayed = header("idempotent-replayed").as_deref() == Some("true");
    let body: Value = res.json().await.unwrap_or(Value::Null);
    Pushed {
        res: Res { status, body },
        location,
        replayed,
    }
}

/// Pushes `body` signed now (by the app's clock) under message id `id`.
async fn push(app: &TestApp, p: &Partner, id: &str, body: &Value) -> Pushed {
    let ts = app.clock.now_utc().timestamp();
    push_at(app, p, id, ts, body).await
}

async fn push_at(app: &TestApp, p: &Partner, id: &str, ts: i64, body: &Value) -> Pushed {
    let bytes = serde_json::to_vec(body).unwrap();
    let secret = p.secret.as_deref().expect("the partner has a secret");
    let sig = sign(secret, id, ts, &bytes);
    send(app, &p.key, Some(id), Some(ts), Some(&sig), &bytes).await
}

fn body(external_id: &str, building: &str) -> Value {
    json!({
        "external_id": external_id,
        "category": "property",
        "description": "云家园转来：3单元楼道灯坏了",
        "building_code": building,
        "location_text": "3单元2楼",
        "contact_phone": "13812345678",
        "submitted_at": "2026-11-30T00:30:00Z",
    })
}

/// Every request stored, as the district admin lists them.
async fn request_count(app: &TestApp) -> usize {
    let admin = app.login("admin").await;
    let res = app.get("/api/v1/requests?limit=100", &admin).await;
    res.expect(200)["items"].as_array().unwrap().len()
}

/// Message ids remembered (straight from storage: no API shows them).
async fn message_ids(app: &TestApp) -> i64 {
    app.state
        .db
        .read(|conn| {
            use linli_persistence::schema::partner_inbound_messages as pm;
            pm::table
                .count()
                .get_result::<i64>(conn)
                .map_err(|e| linli_persistence::StoreError::from(e).into())
        })
        .await
        .unwrap()
}

async fn a_signed_push_becomes_a_partner_request_the_native_api_shows(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, _, community) = demo_ids(&app).await;
    let p = partner(&app, "云家园", community).await;

    let pushed = push(&app, &p, "msg_1", &body("YJY-1", "DX-01-1")).await;
    let created = pushed.res.expect(201).clone();
    let id = created["id"].as_i64().unwrap();
    assert_eq!(
        pushed.location.as_deref(),
        Some(format!("/api/v1/partner/requests/{id}").as_str())
    );
    assert!(!pushed.replayed);
    assert_eq!(created["channel"], "partner");
    assert_eq!(created["status"], "submitted");
    assert_eq!(created["external_id"], "YJY-1");
    assert_eq!(created["external_submitted_at"], "2026-11-30T00:30:00Z");
    assert_eq!(created["replayed"], false);
    assert_eq!(created["building"]["code"], "DX-01-1");
    // A partner sees no people: no phone, no submitter.
    let text = created.to_string();
    assert!(!text.contains("13812345678") && !text.contains("submitted_by"));

    // The community's staff see it in the native API, as a partner's, with its deadlines.
    let staff = app.login("community").await;
    let native = app.get(&format!("/api/v1/requests/{id}"), &staff).await;
    let native = native.expect(200);
    assert_eq!(native["channel"], "partner");
    assert_eq!(native["category"]["code"], "property");
    assert_eq!(app.timeline(id, &staff).await, ["request.submitted"]);

    // Staff act on it; the partner reads the status and the timeline.
    app.post(
        &format!("/api/v1/requests/{id}/dispatch"),
        &staff,
        json!({"note": "请物业尽快处理"}),
    )
    .await
    .expect(200);
    let read = app
        .get(&format!("/api/v1/partner/requests/{id}"), &p.key)
        .await;
    let read = read.expect(200);
    assert_eq!(read["status"], "dispatched");
    assert_eq!(read["external_id"], "YJY-1");
    let steps: Vec<(&str, &str)> = read["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["type"].as_str().unwrap(), e["status"].as_str().unwrap()))
        .collect();
    assert_eq!(
        steps,
        [
            ("request.submitted", "submitted"),
            ("request.dispatched", "dispatched")
        ]
    );
    assert!(!read.to_string().contains("actor"));

    // Found by its external id, and in the partner's list.
    let found = app
        .get("/api/v1/partner/requests?external_id=YJY-1", &p.key)
        .await;
    let items = found.expect(200)["items"].as_array().unwrap().clone();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["id"], id);
    assert_eq!(items[0]["status"], "dispatched");
    let none = app
        .get("/api/v1/partner/requests?external_id=YJY-404", &p.key)
        .await;
    assert_eq!(none.expect(200)["items"], json!([]));

    // A list pages by cursor, newest first.
    push(&app, &p, "msg_2", &body("YJY-2", "DX-01-2"))
        .await
        .res
        .expect(201);
    let page = app.get("/api/v1/partner/requests?limit=1", &p.key).await;
    let page = page.expect(200).clone();
    assert_eq!(page["items"][0]["external_id"], "YJY-2");
    let cursor = page["next_cursor"].as_str().unwrap();
    let next = app
        .get(
            &format!("/api/v1/partner/requests?limit=1&cursor={cursor}"),
            &p.key,
        )
        .await;
    let next = next.expect(200);
    assert_eq!(next["items"][0]["external_id"], "YJY-1");
    assert_eq!(next["next_cursor"], Value::Null);
    app.get("/api/v1/partner/requests?limit=0", &p.key)
        .await
        .expect(422);
}

async fn refused_pushes_store_nothing_and_may_be_mended_and_resent(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, _, community) = demo_ids(&app).await;
    let (_, other_community, ..) = second_street(&app).await;
    let p = partner(&app, "云家园", community).await;
    let secret = p.secret.clone().unwrap();
    let good = body("YJY-1", "DX-01-1");
    let bytes = serde_json::to_vec(&good).unwrap();
    let now = app.clock.now_utc().timestamp();
    let code = |pushed: &Pushed, status: u16| {
        pushed.res.expect(status);
        pushed.res.code().to_owned()
    };

    // A signature by another secret, or over another body, or with no signature at all.
    let wrong = format!("whsec_{}", STANDARD.encode([7u8; 32]));
    let sig = sign(&wrong, "msg_1", now, &bytes);
    let res = send(&app, &p.key, Some("msg_1"), Some(now), Some(&sig), &bytes).await;
    assert_eq!(code(&res, 401), "partner.bad_signature");
    let sig = sign(&secret, "msg_1", now, b"{}");
    let res = send(&app, &p.key, Some("msg_1"), Some(now), Some(&sig), &bytes).await;
    assert_eq!(code(&res, 401), "partner.bad_signature");
    let sig = sign(&secret, "msg_1", now, &bytes);
    let res = send(&app, &p.key, Some("msg_1"), Some(now), None, &bytes).await;
    assert_eq!(code(&res, 401), "partner.missing_signature");
    let res = send(&app, &p.key, None, Some(now), Some(&sig), &bytes).await;
    assert_eq!(code(&res, 401), "partner.missing_signature");
    // The right signature with a wrong API key is still refused, for the key.
    let res = send(
        &app,
        "lk_nope",
        Some("msg_1"),
        Some(now),
        Some(&sig),
        &bytes,
    )
    .await;
    assert_eq!(code(&res, 401), "partner.invalid_key");

    // Timestamps more than 5 minutes off, either way; then the server's clock moves on.
    for ts in [now - 301, now + 301] {
        let res = push_at(&app, &p, "msg_1", ts, &good).await;
        assert_eq!(code(&res, 401), "partner.stale_timestamp");
    }
    app.clock.advance(chrono::Duration::minutes(6));
    let res = send(&app, &p.key, Some("msg_1"), Some(now), Some(&sig), &bytes).await;
    assert_eq!(code(&res, 401), "partner.stale_timestamp");

    // A building outside the scope, or none such, or a category none has: clear 4xx.
    let res = push(&app, &p, "msg_1", &body("YJY-1", "QN-01-1")).await;
    assert_eq!(code(&res, 403), "partner.out_of_scope");
    let res = push(&app, &p, "msg_1", &body("YJY-1", "DX-99-9")).await;
    assert_eq!(code(&res, 403), "partner.out_of_scope");
    let mut unknown = good.clone();
    unknown["category"] = json!("no_such_category");
    let res = push(&app, &p, "msg_1", &unknown).await;
    assert_eq!(code(&res, 422), "validation.failed");
    assert_eq!(res.res.body["error"]["details"][0]["field"], "category");
    assert_eq!(res.res.body["error"]["details"][0]["code"], "not_found");
    // Every bad field at once.
    let bad = json!({"external_id": "has space", "category": "property", "description": "",
        "building_code": "DX-01-1", "submitted_at": "2030-01-01T00:00:00Z"});
    let res = push(&app, &p, "msg_1", &bad).await;
    res.res.expect(422);
    let mut fields: Vec<&str> = res.res.body["error"]["details"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["field"].as_str().unwrap())
        .collect();
    fields.sort_unstable();
    assert_eq!(fields, ["description", "external_id", "submitted_at"]);
    let missing = json!({"external_id": "YJY-1", "category": "property", "description": "x"});
    let res = push(&app, &p, "msg_1", &missing).await;
    res.res.expect(422);
    assert_eq!(
        res.res.body["error"]["details"][0]["field"],
        "building_code"
    );
    let res = push_at(
        &app,
        &p,
        "msg_1",
        app.clock.now_utc().timestamp(),
        &json!(1),
    )
    .await;
    res.res.expect(422);
    let bytes_bad = b"{not json";
    let ts = app.clock.now_utc().timestamp();
    let sig = sign(&secret, "msg_1", ts, bytes_bad);
    let res = send(&app, &p.key, Some("msg_1"), Some(ts), Some(&sig), bytes_bad).await;
    assert_eq!(code(&res, 400), "request.malformed_json");

    // A partner with no inbound secret yet cannot push at all.
    let admin = app.login("admin").await;
    let mut bare = register(&app, &admin, "另一平台", other_community).await;
    bare.secret = Some(secret.clone());
    let res = push(&app, &bare, "msg_1", &body("X-1", "QN-01-1")).await;
    assert_eq!(code(&res, 403), "partner.no_inbound_secret");

    // Nothing of all that was stored: the same message id, mended, is accepted.
    assert_eq!(request_count(&app).await, 0);
    assert_eq!(message_ids(&app).await, 0);
    push(&app, &p, "msg_1", &good).await.res.expect(201);
    assert_eq!(request_count(&app).await, 1);
}

async fn replays_are_refused_and_external_ids_are_idempotent(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, _, community) = demo_ids(&app).await;
    let p = partner(&app, "云家园", community).await;
    let first = push(&app, &p, "msg_1", &body("YJY-1", "DX-01-1")).await;
    let id = first.res.expect(201)["id"].as_i64().unwrap();

    // The very same message again (same id, timestamp, signature): a replay.
    let ts = app.clock.now_utc().timestamp();
    let again = push_at(&app, &p, "msg_1", ts, &body("YJY-1", "DX-01-1")).await;
    again.res.expect(409);
    assert_eq!(again.res.code(), "partner.replayed");
    // Even carrying another request.
    let other = push(&app, &p, "msg_1", &body("YJY-2", "DX-01-1")).await;
    assert_eq!(other.res.code(), "partner.replayed");

    // A new message with the same external id and body: the same request, said to be so.
    let retry = push(&app, &p, "msg_2", &body("YJY-1", "DX-01-1")).await;
    assert_eq!(retry.res.expect(200)["id"], id);
    assert!(retry.replayed);
    assert_eq!(retry.res.body["replayed"], true);
    assert_eq!(retry.location, None);
    // ... whose id is now seen too.
    let res = push(&app, &p, "msg_2", &body("YJY-1", "DX-01-1")).await;
    assert_eq!(res.res.code(), "partner.replayed");

    // The same external id with another body: 409, naming the request it is.
    let mut changed = body("YJY-1", "DX-01-1");
    changed["description"] = json!("换了说法");
    let res = push(&app, &p, "msg_3", &changed).await;
    res.res.expect(409);
    assert_eq!(res.res.code(), "partner.external_id_conflict");
    assert_eq!(res.res.body["error"]["details"]["request_id"], id);
    // ... and refused, so its id may be used again.
    push(&app, &p, "msg_3", &body("YJY-3", "DX-01-1"))
        .await
        .res
        .expect(201);

    // Another partner's external ids are its own.
    let (_, other_community, ..) = second_street(&app).await;
    let q = partner(&app, "另一平台", other_community).await;
    push(&app, &q, "msg_1", &body("YJY-1", "QN-01-1"))
        .await
        .res
        .expect(201);
    assert_eq!(request_count(&app).await, 3);
}

async fn concurrent_pushes_of_one_external_id_make_one_request(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, _, community) = demo_ids(&app).await;
    let p = partner(&app, "云家园", community).await;

    // Different message ids, one external id: one request, the others answered with it.
    let b = body("YJY-RACE", "DX-02-1");
    let pushes: Vec<_> = (0..8)
        .map(|i| {
            let (app, p, b) = (&app, &p, &b);
            async move { push(app, p, &format!("msg_race_{i}"), b).await }
        })
        .collect();
    let results = futures_util::future::join_all(pushes).await;
    let statuses: Vec<StatusCode> = results.iter().map(|r| r.res.status).collect();
    assert_eq!(
        statuses
            .iter()
            .filter(|s| **s == StatusCode::CREATED)
            .count(),
        1,
        "{statuses:?}"
    );
    assert!(
        statuses
            .iter()
            .all(|s| *s == StatusCode::CREATED || *s == StatusCode::OK),
        "{statuses:?}"
    );
    let ids: Vec<&Value> = results.iter().map(|r| &r.res.body["id"]).collect();
    assert!(ids.iter().all(|id| *id == ids[0]), "{ids:?}");
    assert_eq!(request_count(&app).await, 1);

    // One message id, different external ids: one accepted, the others replays.
    let pushes: Vec<_> = (0..8)
        .map(|i| {
            let (app, p) = (&app, &p);
            async move { push(app, p, "msg_same", &body(&format!("YJY-{i}"), "DX-02-1")).await }
        })
        .collect();
    let results = futures_util::future::join_all(pushes).await;
    let codes: Vec<(u16, String)> = results
        .iter()
        .map(|r| (r.res.status.as_u16(), r.res.code().to_owned()))
        .collect();
    assert_eq!(
        codes.iter().filter(|(s, _)| *s == 201).count(),
        1,
        "{codes:?}"
    );
    assert!(
        codes
            .iter()
            .all(|(s, c)| *s == 201 || (*s == 409 && c == "partner.replayed")),
        "{codes:?}"
    );
    assert_eq!(request_count(&app).await, 2);
}

async fn partners_read_only_their_scope(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, other_community, ..) = second_street(&app).await;
    let p = partner(&app, "青年路平台", other_community).await;

    // A resident's request in the demo community: not the partner's to see.
    let resident = app.resident("openid-reader").await;
    let outside = crate::helpers::submit(&app, &resident, "property", "DX-01-1").await;
    let res = app
        .get(&format!("/api/v1/partner/requests/{outside}"), &p.key)
        .await;
    res.expect(404);
    assert_eq!(res.code(), "request.not_found");
    app.get("/api/v1/partner/requests/999999", &p.key)
        .await
        .expect(404);

    // One in its scope, submitted natively: readable, with no external id.
    let inside = crate::helpers::submit(&app, &resident, "property", "QN-01-1").await;
    let res = app
        .get(&format!("/api/v1/partner/requests/{inside}"), &p.key)
        .await;
    let read = res.expect(200);
    assert_eq!(read["channel"], "mini_program");
    assert_eq!(read["external_id"], Value::Null);
    assert_eq!(read["timeline"][0]["type"], "request.submitted");
    // Not among the partner's own pushes.
    let list = app.get("/api/v1/partner/requests", &p.key).await;
    assert_eq!(list.expect(200)["items"], json!([]));

    // Without a key, nothing.
    let res = app
        .client
        .get(app.url(&format!("/api/v1/partner/requests/{inside}")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
}

async fn district_admins_issue_and_rotate_inbound_secrets(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, _, community) = demo_ids(&app).await;
    let admin = app.login("admin").await;
    let mut p = register(&app, &admin, "云家园", community).await;

    // Staff below the district manage no partners; an unknown partner is 404.
    for who in ["street", "community"] {
        let token = app.login(who).await;
        let res = issue_secret(&app, &token, p.id).await;
        assert!(matches!(res.status.as_u16(), 403 | 404), "{res:?}");
    }
    issue_secret(&app, &admin, 999_999).await.expect(404);

    let first = issue_secret(&app, &admin, p.id).await;
    let first = first.expect(201)["secret"].as_str().unwrap().to_owned();
    assert!(first.starts_with("whsec_"));
    p.secret = Some(first.clone());
    push(&app, &p, "msg_1", &body("YJY-1", "DX-01-1"))
        .await
        .res
        .expect(201);
    // Never listed.
    let list = app.get("/api/v1/partners", &admin).await;
    assert!(!list.expect(200).to_string().contains(&first));

    // Rotation replaces the secret at once.
    let second = issue_secret(&app, &admin, p.id).await;
    let second = second.expect(201)["secret"].as_str().unwrap().to_owned();
    assert_ne!(first, second);
    let res = push(&app, &p, "msg_2", &body("YJY-2", "DX-01-1")).await;
    assert_eq!(res.res.code(), "partner.bad_signature");
    p.secret = Some(second);
    push(&app, &p, "msg_2", &body("YJY-2", "DX-01-1"))
        .await
        .res
        .expect(201);

    // Both pushes stand in the service account's name, which no one can sign in as.
    let staff = app.login("community").await;
    let list = app.get("/api/v1/requests", &staff).await;
    let items = list.expect(200)["items"].as_array().unwrap().clone();
    assert_eq!(items.len(), 2);
    assert!(items.iter().all(|r| r["channel"] == "partner"));
}

async fn old_message_ids_are_forgotten_by_the_sweep(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, _, community) = demo_ids(&app).await;
    let p = partner(&app, "云家园", community).await;
    push(&app, &p, "msg_1", &body("YJY-1", "DX-01-1"))
        .await
        .res
        .expect(201);
    let forget = || linli_api::requests::partner_inbound::forget_old_message_ids(&app.state);
    // Within the tolerance and a good while after, a replay is still recognised.
    app.clock.advance(chrono::Duration::minutes(30));
    assert_eq!(forget().await.unwrap(), 0);
    assert_eq!(message_ids(&app).await, 1);
    // Long after, the id is forgotten: a replay of it is refused for its timestamp anyway.
    app.clock.advance(chrono::Duration::minutes(31));
    assert_eq!(forget().await.unwrap(), 1);
    assert_eq!(message_ids(&app).await, 0);
}
