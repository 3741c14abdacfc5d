//! WeChat subscribe messages: made from the outbox by the notification pass, sent to the fake
//! WeChat (which refuses values beyond WeChat's limits, as WeChat does), retried, recorded.

use chrono::Duration;
use futures_util::future::join_all;
use serde_json::{Value, json};

use crate::fake_wechat::FakeWechat;
use crate::helpers::{Backend, ClockExt, Spawn, TestApp, spawn_instances, spawn_with};
use crate::on_both_backends;

on_both_backends!(
    a_requests_life_sends_the_right_messages,
    not_subscribed_is_final_and_busy_is_retried_with_backoff,
    a_wechat_outage_never_touches_the_request,
    two_instances_send_each_message_once,
    a_sender_whose_lease_ran_out_cannot_record_over_the_next,
    a_backlog_a_day_old_is_passed_over,
);

const LONG: &str = "3单元楼道灯坏了一个多星期，晚上完全看不见台阶，老人已经差点摔倒两次了";

struct World {
    app: TestApp,
    fake: FakeWechat,
    resident: String,
    community: String,
    grid: String,
    grid_id: i64,
}

/// An app on the fake WeChat with every template configured; a resident who came in through
/// WeChat (`o-resident`), and grid worker 1 with WeChat linked (`o-grid1`).
async fn world(backend: Backend) -> World {
    let fake = FakeWechat::start().await;
    let app = spawn_with(
        backend,
        Spawn {
            env: fake.env_with_templates(),
            ..Spawn::default()
        },
    )
    .await;
    setup(app, fake).await
}

async fn setup(app: TestApp, fake: FakeWechat) -> World {
    fake.login_code("resident-code", "o-resident", None);
    fake.login_code("grid-code", "o-grid1", None);
    let login = app
        .call(
            reqwest::Method::POST,
            "/api/v1/auth/wechat/login",
            None,
            Some(json!({"code": "resident-code"})),
        )
        .await;
    let resident = login.expect(200)["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let grid = app.login("grid1").await;
    let res = app
        .post("/api/v1/me/wechat", &grid, json!({"code": "grid-code"}))
        .await;
    assert_eq!(res.status, 204, "{res:?}");
    let grid_id = app.get("/api/v1/me", &grid).await.expect(200)["id"]
        .as_i64()
        .unwrap();
    let community = app.login("community").await;
    World {
        app,
        fake,
        resident,
        community,
        grid,
        grid_id,
    }
}

/// A request on grid 1's building DX-01-2, dispatched to grid worker 1.
async fn dispatched(w: &World) -> i64 {
    let res = w
        .app
        .post(
            "/api/v1/requests",
            &w.resident,
            json!({"category": "property", "description": LONG, "building_code": "DX-01-2"}),
        )
        .await;
    let id = res.expect(201)["id"].as_i64().unwrap();
    w.app
        .post(
            &format!("/api/v1/requests/{id}/dispatch"),
            &w.community,
            json!({"assignee": {"kind": "user", "id": w.grid_id}}),
        )
        .await
        .expect(200);
    id
}

fn to(messages: &[Value], openid: &str) -> Vec<Value> {
    messages
        .iter()
        .filter(|m| m["touser"] == openid)
        .cloned()
        .collect()
}

async fn log_of(w: &World, id: i64) -> Vec<Value> {
    w.app
        .get(
            &format!("/api/v1/requests/{id}/notifications"),
            &w.community,
        )
        .await
        .expect(200)["items"]
        .as_array()
        .unwrap()
        .clone()
}

async fn a_requests_life_sends_the_right_messages(backend: Backend) {
    let w = world(backend).await;
    let id = dispatched(&w).await;
    // Nothing reaches WeChat on the request's path: only the notification pass sends.
    assert_eq!(w.fake.calls("subscribe_send"), 0);
    let report = w.app.notify().await;
    assert_eq!(report.events, 2, "submitted and dispatched");
    let sent = w.fake.messages();
    assert_eq!(sent.len(), 1, "{sent:?}");
    let assigned = &sent[0];
    assert_eq!(assigned["touser"], "o-grid1");
    assert_eq!(assigned["template_id"], "tpl-assigned");
    assert_eq!(assigned["page"], format!("pages/request/detail?id={id}"));
    assert_eq!(assigned["miniprogram_state"], "formal");
    let thing = assigned["data"]["thing1"]["value"].as_str().unwrap();
    assert_eq!(thing.chars().count(), 20);
    assert!(thing.ends_with('…') && LONG.starts_with(thing.trim_end_matches('…')));
    assert_eq!(assigned["data"]["phrase4"]["value"], "待接单");

    // 接单 → the resident hears it was taken; 办结 → asked to rate.
    let base = format!("/api/v1/requests/{id}");
    w.app
        .post(&format!("{base}/claim"), &w.grid, json!({}))
        .await
        .expect(200);
    w.app
        .post(
            &format!("{base}/resolve"),
            &w.grid,
            json!({"outcome": "已更换楼道灯泡并测试正常"}),
        )
        .await
        .expect(200);
    w.app.notify().await;
    let mine = to(&w.fake.messages(), "o-resident");
    let templates: Vec<_> = mine.iter().map(|m| m["template_id"].clone()).collect();
    assert_eq!(templates, [json!("tpl-taken"), json!("tpl-resolved")]);
    assert_eq!(mine[0]["data"]["name2"]["value"], "王网格员");
    assert_eq!(mine[0]["data"]["phrase4"]["value"], "已接单");
    assert!(
        mine[0]["data"]["time3"]["value"]
            .as_str()
            .unwrap()
            .starts_with("2026年11月30日")
    );
    assert_eq!(
        mine[1]["data"]["thing2"]["value"],
        "已更换楼道灯泡并测试正常"
    );

    // The resident reopens by rating: they are not told what they did themselves.
    w.app
        .post(
            &format!("{base}/rate"),
            &w.resident,
            json!({"rating": "dissatisfied", "comment": "灯还是不亮"}),
        )
        .await
        .expect(200);
    w.app.notify().await;
    assert_eq!(to(&w.fake.messages(), "o-resident").len(), 2);

    // A second pass sends nothing twice.
    let before = w.fake.messages().len();
    w.app.notify().await;
    assert_eq!(w.fake.messages().len(), before);

    // The day before the deadline, the handler is reminded, once.
    let due = w.app.get(&base, &w.community).await.expect(200)["resolution_due"]
        .as_str()
        .unwrap()
        .parse::<chrono::DateTime<chrono::Utc>>()
        .unwrap();
    w.app.clock.set(due - Duration::hours(23));
    w.app.notify().await;
    w.app.notify().await;
    let reminders: Vec<_> = to(&w.fake.messages(), "o-grid1")
        .into_iter()
        .filter(|m| m["template_id"] == "tpl-due_soon")
        .collect();
    assert_eq!(reminders.len(), 1);

    // Community staff see every message and how it went; the resident may not.
    let community = w.app.login("community").await;
    let log = w
        .app
        .get(&format!("/api/v1/requests/{id}/notifications"), &community)
        .await;
    let log = log.expect(200)["items"].as_array().unwrap().clone();
    let kinds: Vec<_> = log.iter().map(|n| n["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["assigned", "taken", "resolved", "due_soon"]);
    assert!(
        log.iter()
            .all(|n| n["status"] == "sent" && n["attempts"].as_array().unwrap().len() == 1)
    );
    // (The clock moved on: the resident logs in again.)
    w.fake.login_code("resident-code-2", "o-resident", None);
    let login = w
        .app
        .call(
            reqwest::Method::POST,
            "/api/v1/auth/wechat/login",
            None,
            Some(json!({"code": "resident-code-2"})),
        )
        .await;
    let resident = login.expect(200)["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let res = w
        .app
        .get(&format!("/api/v1/requests/{id}/notifications"), &resident)
        .await;
    res.expect(403);
}

async fn not_subscribed_is_final_and_busy_is_retried_with_backoff(backend: Backend) {
    let w = world(backend).await;
    w.fake.fail_sends("o-grid1", &[-1, -1]);
    w.fake.fail_sends("o-resident", &[43101]);
    let id = dispatched(&w).await;
    w.app
        .post(&format!("/api/v1/requests/{id}/claim"), &w.grid, json!({}))
        .await
        .expect(200);
    w.app.notify().await;
    let log = log_of(&w, id).await;
    let (assigned, taken) = (&log[0], &log[1]);
    assert_eq!(assigned["status"], "pending");
    assert_eq!(assigned["attempts"][0]["outcome"], "retry");
    assert_eq!(assigned["attempts"][0]["errcode"], -1);
    assert_eq!(taken["status"], "not_subscribed");

    // Not due yet: nothing is tried.
    let calls = w.fake.calls("subscribe_send");
    w.app.notify().await;
    assert_eq!(w.fake.calls("subscribe_send"), calls);
    // 30 s later the second try (busy again), 60 s after that the third, which gets through.
    w.app.clock.advance(Duration::seconds(31));
    w.app.notify().await;
    w.app.clock.advance(Duration::seconds(61));
    w.app.notify().await;
    let log = log_of(&w, id).await;
    assert_eq!(log[0]["status"], "sent");
    let outcomes: Vec<_> = log[0]["attempts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["outcome"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(outcomes, ["retry", "retry", "sent"]);
    // 43101 was never tried again.
    assert_eq!(log[1]["attempts"].as_array().unwrap().len(), 1);
    assert_eq!(to(&w.fake.messages(), "o-resident").len(), 0);
}

async fn a_wechat_outage_never_touches_the_request(backend: Backend) {
    let w = world(backend).await;
    let id = dispatched(&w).await;
    // WeChat goes away: the request goes on all the same.
    drop(w.fake);
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    let base = format!("/api/v1/requests/{id}");
    w.app
        .post(&format!("{base}/claim"), &w.grid, json!({}))
        .await
        .expect(200);
    w.app
        .post(
            &format!("{base}/resolve"),
            &w.grid,
            json!({"outcome": "已修好"}),
        )
        .await
        .expect(200);
    // The pass does not fail either: the messages wait for WeChat.
    let report = w.app.notify().await;
    assert_eq!(report.attempted, 3);
    let log = w
        .app
        .get(&format!("{base}/notifications"), &w.community)
        .await;
    for n in log.expect(200)["items"].as_array().unwrap() {
        assert_eq!(n["status"], "pending", "{n}");
        assert_eq!(n["attempts"][0]["outcome"], "retry");
    }
}

async fn two_instances_send_each_message_once(backend: Backend) {
    let fake = FakeWechat::start().await;
    let mut apps = spawn_instances(
        backend,
        Spawn {
            env: fake.env_with_templates(),
            ..Spawn::default()
        },
        2,
    )
    .await;
    let other = apps.pop().unwrap();
    let w = setup(apps.pop().unwrap(), fake).await;
    let mut ids = Vec::new();
    for _ in 0..5 {
        ids.push(dispatched(&w).await);
    }
    for id in &ids {
        w.app
            .post(&format!("/api/v1/requests/{id}/claim"), &w.grid, json!({}))
            .await
            .expect(200);
    }
    // Both instances pass at once, twice.
    for _ in 0..2 {
        join_all([w.app.notify(), other.notify()]).await;
    }
    let sent = w.fake.messages();
    assert_eq!(
        to(&sent, "o-grid1").len(),
        5,
        "one assigned message per request"
    );
    assert_eq!(
        to(&sent, "o-resident").len(),
        5,
        "one taken message per request"
    );
}

async fn a_sender_whose_lease_ran_out_cannot_record_over_the_next(backend: Backend) {
    use linli_persistence::notifications::{self, Outcome};
    let w = world(backend).await;
    w.fake.fail_sends("o-grid1", &[-1]);
    dispatched(&w).await;
    w.app.notify().await; // the assigned message: busy, retry in 30 s
    w.app.clock.advance(Duration::seconds(31));
    let claim = |minutes: i64| {
        let now = w.app.clock.now_utc();
        w.app.state.db.write(move |conn| {
            Ok(notifications::claim_due(
                conn,
                now,
                Duration::minutes(minutes),
                10,
            )?)
        })
    };
    let first = claim(5).await.unwrap();
    assert_eq!(first.items.len(), 1);
    // Held: nobody else gets it.
    assert!(claim(5).await.unwrap().items.is_empty());
    // The first sender stalls past its lease; a second takes the message over.
    w.app.clock.advance(Duration::minutes(6));
    let second = claim(5).await.unwrap();
    assert_eq!(second.items.len(), 1);
    let id = second.items[0].id;
    let record = |claim: String, outcome: Outcome| {
        let now = w.app.clock.now_utc();
        w.app.state.db.write(move |conn| {
            Ok(notifications::record_attempt(
                conn, id, &claim, &outcome, None, None, now,
            )?)
        })
    };
    assert!(record(second.claim.clone(), Outcome::Sent).await.unwrap());
    // The first, late, cannot turn a sent message back into a pending one.
    let later = w.app.clock.now_utc() + Duration::seconds(30);
    assert!(
        !record(first.claim.clone(), Outcome::Retry(later))
            .await
            .unwrap()
    );
    let log = log_of(&w, second.items[0].request_id.0).await;
    assert_eq!(log[0]["status"], "sent");
    let outcomes: Vec<_> = log[0]["attempts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["outcome"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(outcomes, ["retry", "sent"]);
}

async fn a_backlog_a_day_old_is_passed_over(backend: Backend) {
    let w = world(backend).await;
    let id = dispatched(&w).await;
    // The worker did not run for two days (WeChat was off, say): nobody hears stale news.
    w.app.clock.advance(Duration::days(2));
    let report = w.app.notify().await;
    assert_eq!(report.events, 2, "taken all the same");
    assert_eq!(w.fake.calls("subscribe_send"), 0);
    let community = w.app.login("community").await;
    let log = w
        .app
        .get(&format!("/api/v1/requests/{id}/notifications"), &community)
        .await;
    assert!(log.expect(200)["items"].as_array().unwrap().is_empty());
}
