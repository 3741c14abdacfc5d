//! Work logs: a butler logs a visit or a hazard, turns a hazard into a request in one call (the
//! request carries the link, and a double click makes one request), fixes one on the spot, and
//! the grid-work rates count it all.

use futures_util::future::join_all;
use serde_json::{Value, json};

use crate::helpers::{Backend, Spawn, TestApp, spawn_app, spawn_with};
use crate::on_both_backends;

on_both_backends!(
    a_butler_logs_a_hazard_converts_it_and_the_request_carries_the_link,
    a_hazard_fixed_on_the_spot_is_resolved_at_once_by_the_butler,
    a_double_click_makes_one_request,
    a_retried_fix_on_the_spot_is_logged_and_filed_once,
    visits_and_concerns_are_logged_in_scope,
    the_grid_work_rates_count_visits_and_hazards,
    the_demo_history_has_visits_and_hazards,
);

fn hazard(code: &str) -> Value {
    json!({
        "kind": "hazard_inspection", "building_code": code,
        "summary": "楼道堆放纸箱杂物，堵塞消防通道", "place": "3单元一楼楼道",
        "hazard_kind": "fire_safety", "severity": "high",
        "photo_urls": ["https://img.example.cn/h/1.jpg"]
    })
}

async fn log(app: &TestApp, token: &str, body: Value) -> Value {
    app.post("/api/v1/work-logs", token, body)
        .await
        .expect(201)
        .clone()
}

/// The grid-work events in the outbox, oldest first: (type, data).
async fn grid_events(app: &TestApp) -> Vec<(String, Value)> {
    app.state
        .db
        .read(|conn| Ok(linli_persistence::outbox::unprocessed(conn, 1000)?))
        .await
        .unwrap()
        .into_iter()
        .filter(|i| {
            let t = i.payload["type"].as_str().unwrap_or("");
            t.starts_with("hazard.") || t.starts_with("visit.")
        })
        .map(|i| {
            (
                i.payload["type"].as_str().unwrap().to_owned(),
                i.payload["data"].clone(),
            )
        })
        .collect()
}

async fn requests_of(app: &TestApp, token: &str) -> Vec<i64> {
    app.get("/api/v1/requests?limit=100", token)
        .await
        .expect(200)["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_i64().unwrap())
        .collect()
}

async fn a_butler_logs_a_hazard_converts_it_and_the_request_carries_the_link(backend: Backend) {
    let app = spawn_app(backend).await;
    let butler = app.login("butler-txdsh-1").await;
    let l = log(&app, &butler, hazard("DX-01-1")).await;
    assert_eq!(l["kind"], "hazard_inspection");
    assert_eq!(l["severity"], "high");
    assert_eq!(l["author"]["display_name"], "刘兴管家");
    assert_eq!(l["request_id"], Value::Null);
    assert_eq!(l["fixed_on_spot"], false);
    let id = l["id"].as_i64().unwrap();

    let res = app
        .post(
            &format!("/api/v1/work-logs/{id}/request"),
            &butler,
            json!({}),
        )
        .await;
    let converted = res.expect(201).clone();
    assert_eq!(converted["replayed"], false);
    let rid = converted["request_id"].as_i64().unwrap();
    assert_eq!(converted["work_log"]["request_id"], rid);

    let r = app.get(&format!("/api/v1/requests/{rid}"), &butler).await;
    let r = r.expect(200).clone();
    assert_eq!(r["work_log_id"], id);
    assert_eq!(r["channel"], "butler");
    assert_eq!(r["category"]["code"], "property");
    assert_eq!(r["status"], "submitted");
    assert_eq!(r["building"]["code"], "DX-01-1");
    assert_eq!(r["location_text"], "3单元一楼楼道");
    assert!(
        r["description"].as_str().unwrap().contains("堵塞消防通道"),
        "{r:#}"
    );
    let me = app.get("/api/v1/me", &butler).await.expect(200)["id"].clone();
    assert_eq!(r["submitted_by"], me);
    assert_eq!(
        app.get(&format!("/api/v1/work-logs/{id}"), &butler)
            .await
            .expect(200)["request_id"],
        rid
    );
    // Community staff see it in their queue, linked the same way.
    let community = app.login("community").await;
    let r = app
        .get(&format!("/api/v1/requests/{rid}"), &community)
        .await;
    assert_eq!(r.expect(200)["work_log_id"], id);

    // Again: the same request, nothing new.
    let res = app
        .post(
            &format!("/api/v1/work-logs/{id}/request"),
            &butler,
            json!({}),
        )
        .await;
    assert_eq!(res.expect(200)["request_id"], rid);
    assert_eq!(res.body["replayed"], true);
    assert_eq!(requests_of(&app, &community).await, vec![rid]);

    // A hazard names its place, kind and severity; other logs carry none of that.
    let res = app
        .post(
            "/api/v1/work-logs",
            &butler,
            json!({"kind": "hazard_inspection", "building_code": "DX-01-1", "summary": "x"}),
        )
        .await;
    res.expect(422);
    let fields: Vec<&str> = res.body["error"]["details"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, vec!["place", "hazard_kind", "severity"]);
    let res = app
        .post(
            "/api/v1/work-logs",
            &butler,
            json!({"kind": "home_visit", "building_code": "DX-01-1", "summary": "x",
                   "fixed_on_spot": true}),
        )
        .await;
    res.expect(422);
    assert_eq!(res.body["error"]["details"][0]["field"], "fixed_on_spot");
    assert_eq!(res.body["error"]["details"][0]["code"], "not_a_hazard");
}

async fn a_hazard_fixed_on_the_spot_is_resolved_at_once_by_the_butler(backend: Backend) {
    let app = spawn_app(backend).await;
    let butler = app.login("butler-txdsh-1").await;
    let me = app.get("/api/v1/me", &butler).await.expect(200)["id"].clone();
    let mut body = hazard("DX-01-1");
    body["fixed_on_spot"] = json!(true);
    body["summary"] = json!("楼道纸箱已当场清理");
    let l = log(&app, &butler, body).await;
    assert_eq!(l["fixed_on_spot"], true);
    let rid = l["request_id"].as_i64().expect("filed with the log");
    let r = app.get(&format!("/api/v1/requests/{rid}"), &butler).await;
    let r = r.expect(200).clone();
    assert_eq!(r["status"], "resolved");
    assert_eq!(r["channel"], "butler");
    assert_eq!(r["assignee"]["kind"], "user");
    assert_eq!(r["assignee"]["id"], me);
    assert_eq!(r["work_log_id"], l["id"]);
    assert_eq!(
        app.timeline(rid, &butler).await,
        vec!["request.submitted", "request.resolved"]
    );
    let resolved = &r["timeline"][1];
    assert_eq!(resolved["data"]["on_spot"], true);
    assert_eq!(resolved["note"], "现场已解决");
    // The outbox tells partners, with ids and kinds only: nothing of what was written.
    let events = grid_events(&app).await;
    let kinds: Vec<&str> = events.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(kinds, vec!["hazard.reported", "hazard.fixed_on_spot"]);
    assert_eq!(events[1].1["request_id"], rid);
    assert_eq!(events[1].1["work_log_id"], l["id"]);
    assert_eq!(events[0].1["severity"], "high");
    for (_, data) in &events {
        let text = data.to_string();
        assert!(!text.contains("纸箱") && !text.contains("单元"), "{text}");
    }
    // Converting it again changes nothing.
    let res = app
        .post(
            &format!("/api/v1/work-logs/{}/request", l["id"]),
            &butler,
            json!({}),
        )
        .await;
    assert_eq!(res.expect(200)["request_id"], rid);
    // A grid worker of the grid fixes one too; one of another grid may not log there.
    let grid1 = app.login("grid1").await;
    let mut body = hazard("DX-01-2");
    body["fixed_on_spot"] = json!(true);
    let l = log(&app, &grid1, body.clone()).await;
    let r = app
        .get(&format!("/api/v1/requests/{}", l["request_id"]), &grid1)
        .await;
    assert_eq!(r.expect(200)["status"], "resolved");
    let grid2 = app.login("grid2").await;
    let res = app.post("/api/v1/work-logs", &grid2, body).await;
    res.expect(403);
    assert_eq!(res.code(), "work_log.forbidden");
}

async fn a_double_click_makes_one_request(backend: Backend) {
    let app = spawn_app(backend).await;
    let butler = app.login("butler-txdsh-1").await;
    let id = log(&app, &butler, hazard("DX-01-1")).await["id"]
        .as_i64()
        .unwrap();
    let path = format!("/api/v1/work-logs/{id}/request");
    let answers = join_all((0..6).map(|_| app.post(&path, &butler, json!({})))).await;
    let mut created = 0;
    let mut ids = Vec::new();
    for a in &answers {
        match a.status.as_u16() {
            201 => created += 1,
            200 => assert_eq!(a.body["replayed"], true),
            other => panic!("{other}: {:#}", a.body),
        }
        ids.push(a.body["request_id"].as_i64().unwrap());
    }
    assert_eq!(created, 1, "{answers:#?}");
    ids.dedup();
    assert_eq!(ids.len(), 1, "{ids:?}");
    let community = app.login("community").await;
    assert_eq!(requests_of(&app, &community).await, ids);
}

async fn visits_and_concerns_are_logged_in_scope(backend: Backend) {
    let app = spawn_app(backend).await;
    let butler = app.login("butler-txdsh-1").await;
    let homes = app
        .get("/api/v1/buildings/DX-01-1/households", &butler)
        .await
        .expect(200)["items"]
        .clone();
    let home = homes[0]["id"].as_i64().unwrap();
    let visit = log(
        &app,
        &butler,
        json!({"kind": "home_visit", "household_id": home, "summary": "走访独居老人",
               "concerns": "家中水龙头漏水"}),
    )
    .await;
    assert_eq!(visit["building"]["code"], "DX-01-1");
    assert_eq!(visit["household"]["id"], home);
    let events = grid_events(&app).await;
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].0, "visit.recorded");
    assert_eq!(events[0].1["work_log_id"], visit["id"]);
    assert_eq!(events[0].1["concerns_raised"], true);
    assert!(!events[0].1.to_string().contains("漏水"));
    let quiet = log(
        &app,
        &butler,
        json!({"kind": "policy_outreach", "building_code": "DX-01-1", "summary": "宣传防诈骗"}),
    )
    .await;

    // Nothing to act on: 422. Concerns: a home-life request for the household.
    let res = app
        .post(
            &format!("/api/v1/work-logs/{}/request", quiet["id"]),
            &butler,
            json!({}),
        )
        .await;
    res.expect(422);
    assert_eq!(res.code(), "work_log.nothing_to_convert");
    let res = app
        .post(
            &format!("/api/v1/work-logs/{}/request", visit["id"]),
            &butler,
            json!({}),
        )
        .await;
    let rid = res.expect(201)["request_id"].as_i64().unwrap();
    let r = app.get(&format!("/api/v1/requests/{rid}"), &butler).await;
    let r = r.expect(200);
    assert_eq!(r["category"]["code"], "home_life");
    assert_eq!(r["household_id"], home);
    assert!(r["description"].as_str().unwrap().contains("水龙头漏水"));

    // Scope: the building's butler, its grid, the community see the logs; others do not.
    let id = visit["id"].as_i64().unwrap();
    for who in ["grid1", "community", "street"] {
        let token = app.login(who).await;
        app.get(&format!("/api/v1/work-logs/{id}"), &token)
            .await
            .expect(200);
        let list = app.get("/api/v1/work-logs", &token).await;
        assert_eq!(
            list.expect(200)["items"].as_array().unwrap().len(),
            2,
            "{who}"
        );
    }
    for who in ["grid2", "butler-wtf-1", "volunteer-1"] {
        let token = app.login(who).await;
        let res = app.get(&format!("/api/v1/work-logs/{id}"), &token).await;
        res.expect(404);
        assert_eq!(res.code(), "work_log.not_found");
        let list = app.get("/api/v1/work-logs", &token).await;
        assert_eq!(list.expect(200)["items"], json!([]), "{who}");
    }
    let resident = app.resident("demo-resident-1").await;
    app.get(&format!("/api/v1/work-logs/{id}"), &resident)
        .await
        .expect(404);
    // Filters and pages.
    let list = app
        .get("/api/v1/work-logs?kind=home_visit&author=me", &butler)
        .await;
    let items = list.expect(200)["items"].as_array().unwrap().clone();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["id"], id);
    let page = app.get("/api/v1/work-logs?limit=1", &butler).await;
    let page = page.expect(200).clone();
    assert_eq!(page["items"][0]["id"], quiet["id"]);
    let next = page["next_cursor"].as_str().unwrap();
    let page = app
        .get(&format!("/api/v1/work-logs?limit=1&cursor={next}"), &butler)
        .await;
    assert_eq!(page.expect(200)["items"][0]["id"], id);
    assert_eq!(page.body["next_cursor"], Value::Null);
    // Another building's butler may not log here.
    let other = app.login("butler-wtf-1").await;
    let res = app
        .post(
            "/api/v1/work-logs",
            &other,
            json!({"kind": "home_visit", "building_code": "DX-01-1", "summary": "x"}),
        )
        .await;
    res.expect(403);
}

async fn the_grid_work_rates_count_visits_and_hazards(backend: Backend) {
    let app = spawn_app(backend).await;
    let butler = app.login("butler-txdsh-1").await;
    // Two visits in October (local), one in November; hazards: one open, one converted, one
    // fixed on the spot.
    for at in [
        "2026-10-10T02:00:00Z",
        "2026-10-31T17:00:00Z", // 1 November, 01:00 in Shanghai
        "2026-10-20T02:00:00Z",
    ] {
        log(
            &app,
            &butler,
            json!({"kind": "home_visit", "building_code": "DX-01-1", "summary": "走访",
                   "occurred_at": at}),
        )
        .await;
    }
    log(&app, &butler, hazard("DX-01-1")).await;
    let converted = log(&app, &butler, hazard("DX-01-1")).await;
    app.post(
        &format!("/api/v1/work-logs/{}/request", converted["id"]),
        &butler,
        json!({}),
    )
    .await
    .expect(201);
    let mut fixed = hazard("DX-01-1");
    fixed["fixed_on_spot"] = json!(true);
    log(&app, &butler, fixed).await;

    let (_, _, community_id) = crate::org::demo_ids(&app).await;
    let community = app.login("community").await;
    let s = app
        .get(
            &format!("/api/v1/stats/grid-work?node={community_id}"),
            &community,
        )
        .await;
    let s = s.expect(200).clone();
    assert_eq!(
        s["totals"],
        json!({"logs": 6, "visits": 3, "hazards_found": 3, "hazards_fixed_on_spot": 1,
               "hazards_converted": 1, "concerns_converted": 0})
    );
    let visits: Vec<Value> = s["visits_per_building"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| json!([v["month"], v["building_code"], v["visits"]]))
        .collect();
    assert_eq!(
        visits,
        vec![
            json!(["2026-10", "DX-01-1", 2]),
            json!(["2026-11", "DX-01-1", 1])
        ]
    );
    let months: Vec<&str> = s["months"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["month"].as_str().unwrap())
        .collect();
    assert_eq!(months, vec!["2026-10", "2026-11"]);
    assert_eq!(s["months"][1]["hazards_found"], 3);
    let by_kind: Vec<(String, i64)> = s["by_kind"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| {
            (
                k["kind"].as_str().unwrap().to_owned(),
                k["count"].as_i64().unwrap(),
            )
        })
        .collect();
    assert!(by_kind.contains(&("home_visit".to_owned(), 3)));
    assert!(by_kind.contains(&("mediation".to_owned(), 0)));

    // A period: October only.
    let s = app
        .get(
            &format!("/api/v1/stats/grid-work?node={community_id}&from=2026-10-01&to=2026-10-31"),
            &community,
        )
        .await;
    assert_eq!(s.expect(200)["totals"]["visits"], 2);
    // Outside the caller's subtree.
    let grid2 = app.login("grid2").await;
    let res = app
        .get(
            &format!("/api/v1/stats/grid-work?node={community_id}"),
            &grid2,
        )
        .await;
    res.expect(403);
    assert_eq!(res.code(), "stats.forbidden");
}

async fn the_demo_history_has_visits_and_hazards(backend: Backend) {
    let opts = Spawn {
        demo_history: true,
        ..Default::default()
    };
    let app = spawn_with(backend, opts).await;
    let community = app.login("community").await;
    let s = app.get("/api/v1/stats/grid-work", &community).await;
    assert_eq!(
        s.expect(200)["totals"],
        json!({"logs": 48, "visits": 36, "hazards_found": 12, "hazards_fixed_on_spot": 4,
               "hazards_converted": 4, "concerns_converted": 0})
    );
    // A fixed hazard's request was resolved on the spot by the butler who logged it.
    let logs = app
        .get(
            "/api/v1/work-logs?kind=hazard_inspection&limit=100",
            &community,
        )
        .await;
    let fixed = logs.expect(200)["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["fixed_on_spot"] == true)
        .unwrap()
        .clone();
    let r = app
        .get(
            &format!("/api/v1/requests/{}", fixed["request_id"]),
            &community,
        )
        .await;
    let r = r.expect(200);
    assert_eq!(r["status"], "resolved");
    assert_eq!(r["assignee"]["id"], fixed["author"]["id"]);
    assert_eq!(r["work_log_id"], fixed["id"]);
}

/// A butler's phone sends "fixed on the spot" again (a double tap, a lost answer), several times
/// at once and once more later, under one `Idempotency-Key`: one log, one resolved request.
async fn a_retried_fix_on_the_spot_is_logged_and_filed_once(backend: Backend) {
    let app = spawn_app(backend).await;
    let butler = app.login("butler-txdsh-1").await;
    let community = app.login("community").await;
    let before = requests_of(&app, &community).await.len();
    let mut body = hazard("DX-01-1");
    body["fixed_on_spot"] = json!(true);
    let send = |key: &'static str| {
        let (app, butler, body) = (&app, &butler, body.clone());
        async move {
            let res = app
                .client
                .post(app.url("/api/v1/work-logs"))
                .bearer_auth(butler)
                .header("Idempotency-Key", key)
                .json(&body)
                .send()
                .await
                .expect("the server answers");
            let replayed = res.headers().contains_key("idempotent-replayed");
            let status = res.status().as_u16();
            let body: Value = res.json().await.unwrap();
            (status, replayed, body)
        }
    };
    let answers = join_all((0..5).map(|_| send("fix-7f3a"))).await;
    let again = send("fix-7f3a").await;
    let mut ids: Vec<(i64, i64)> = Vec::new();
    let mut fresh = 0;
    for (status, replayed, body) in answers.iter().chain([&again]) {
        assert_eq!(*status, 201, "{body:#}");
        fresh += usize::from(!replayed);
        ids.push((
            body["id"].as_i64().unwrap(),
            body["request_id"].as_i64().unwrap(),
        ));
    }
    assert_eq!(fresh, 1, "one answer made it, the others replayed it");
    ids.dedup();
    assert_eq!(ids.len(), 1, "{ids:?}");
    assert!(again.1, "the later retry is a replay");
    assert_eq!(requests_of(&app, &community).await.len(), before + 1);
    // Another key is another log.
    let (status, replayed, other) = send("fix-7f3b").await;
    assert_eq!((status, replayed), (201, false));
    assert_ne!(other["id"].as_i64().unwrap(), ids[0].0);
    let bad = app
        .client
        .post(app.url("/api/v1/work-logs"))
        .bearer_auth(&butler)
        .header("Idempotency-Key", "")
        .json(&hazard("DX-01-1"))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status().as_u16(), 422);
    // A used key with another body is refused, and stores nothing.
    let reused = app
        .client
        .post(app.url("/api/v1/work-logs"))
        .bearer_auth(&butler)
        .header("Idempotency-Key", "fix-7f3a")
        .json(&hazard("DX-01-2"))
        .send()
        .await
        .unwrap();
    assert_eq!(reused.status().as_u16(), 422);
    let reused: Value = reused.json().await.unwrap();
    assert_eq!(reused["error"]["code"], "idempotency.key_reused");
    assert_eq!(requests_of(&app, &community).await.len(), before + 2);
}
