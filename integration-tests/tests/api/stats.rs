//! The rates as the district reports them.

use chrono::Duration;
use serde_json::{Value, json};

use crate::helpers::{Backend, TestApp, spawn_app, submit};
use crate::on_both_backends;

on_both_backends!(
    rates_by_node_category_and_period,
    rates_are_scoped_to_the_callers_subtree
);

async fn drive(app: &TestApp, id: i64, steps: &[(&str, &str, Value)]) {
    for (action, token, body) in steps {
        app.post(
            &format!("/api/v1/requests/{id}/{action}"),
            token,
            body.clone(),
        )
        .await
        .expect(200);
    }
}

/// Four requests, one per grid outcome, as described in the test below.
async fn history(app: &TestApp) -> [i64; 4] {
    let r1_resident = app.resident("demo-resident-1").await;
    let r2_resident = app.resident("demo-resident-2").await;
    let r3_resident = app.resident("demo-resident-3").await;
    let community = app.login("community").await;
    let grid1 = app.login("grid1").await;
    let grid2 = app.login("grid2").await;
    let volunteer = app.login("volunteer-1").await;
    let property = app.login("wy-tianxing").await;

    let r1 = submit(app, &r1_resident, "property", "DX-01-1").await;
    let r2 = submit(app, &r2_resident, "mediation", "DX-06-1").await;
    let r3 = submit(app, &r3_resident, "care", "DX-11-1").await;
    let r4 = submit(app, &r1_resident, "home_life", "DX-02-1").await;
    // r1: resolved at once, satisfied.
    drive(
        app,
        r1,
        &[
            ("dispatch", &community, json!({})),
            ("claim", &property, json!({})),
            ("resolve", &property, json!({"outcome": "修好了"})),
            ("rate", &r1_resident, json!({"rating": "satisfied"})),
        ],
    )
    .await;
    // r2: resolved, rated dissatisfied: reopened, open again.
    drive(
        app,
        r2,
        &[
            ("dispatch", &community, json!({})),
            ("claim", &grid2, json!({})),
            ("resolve", &grid2, json!({"outcome": "已调解"})),
            ("rate", &r2_resident, json!({"rating": "dissatisfied"})),
        ],
    )
    .await;
    // r4: claimed by the suggested volunteer, resolved 10 days later: late for a 7-day category.
    drive(
        app,
        r4,
        &[
            ("dispatch", &community, json!({})),
            ("claim", &volunteer, json!({})),
        ],
    )
    .await;
    let _ = grid1;
    app.clock.advance(Duration::days(10));
    let volunteer = app.login("volunteer-1").await;
    drive(
        app,
        r4,
        &[("resolve", &volunteer, json!({"outcome": "已帮忙"}))],
    )
    .await;
    // r3: never dispatched; its 12-hour first-response deadline is long past.
    [r1, r2, r3, r4]
}

async fn rates_by_node_category_and_period(backend: Backend) {
    let app = spawn_app(backend).await;
    history(&app).await;
    let community = app.login("community").await;

    let res = app.get("/api/v1/stats/requests", &community).await;
    let body = res.expect(200);
    assert_eq!(body["node"]["name"], "大兴东路社区");
    let t = &body["totals"];
    assert_eq!(t["taken"], 4);
    assert_eq!(t["completed"], 2);
    assert_eq!(t["completion_rate"], 0.5);
    assert_eq!(t["on_time"], 1);
    assert_eq!(t["on_time_rate"], 0.5);
    assert_eq!(t["rated"], 2);
    assert_eq!(t["satisfied"], 1);
    assert_eq!(t["satisfaction_rate"], 0.5);
    assert_eq!(t["avg_hours_to_resolve"], 120.0);
    assert_eq!(t["overdue"], 2);

    let res = app
        .get("/api/v1/stats/requests?group_by=child_node", &community)
        .await;
    let groups = res.expect(200)["groups"].as_array().unwrap().clone();
    let by_label =
        |label: &str| groups.iter().find(|g| g["label"] == label).unwrap()["rates"].clone();
    assert_eq!(by_label("第一网格")["taken"], 2);
    assert_eq!(by_label("第一网格")["completed"], 2);
    assert_eq!(by_label("第二网格")["taken"], 1);
    assert_eq!(by_label("第二网格")["satisfaction_rate"], 0.0);
    assert_eq!(by_label("第三网格")["overdue"], 1);
    assert!(by_label("第三网格")["completion_rate"] == 0.0);
    assert!(
        by_label("第三网格")["satisfaction_rate"].is_null(),
        "nothing rated: null, not zero"
    );

    let res = app
        .get("/api/v1/stats/requests?group_by=category", &community)
        .await;
    let groups = res.expect(200)["groups"].as_array().unwrap().clone();
    let keys: Vec<&str> = groups.iter().map(|g| g["key"].as_str().unwrap()).collect();
    assert_eq!(keys.len(), 4);
    for k in ["property", "mediation", "care", "home_life"] {
        assert!(keys.contains(&k), "{keys:?}");
    }
    let property = groups.iter().find(|g| g["key"] == "property").unwrap();
    assert_eq!(property["label"], "物业管理");
    assert_eq!(property["rates"]["satisfaction_rate"], 1.0);

    let res = app
        .get("/api/v1/stats/requests?group_by=month", &community)
        .await;
    let groups = res.expect(200)["groups"].as_array().unwrap().clone();
    assert_eq!(groups.len(), 1);
    assert_eq!(groups[0]["key"], "2026-11");

    // Periods are local days: the requests were submitted on 2026-11-30 in Shanghai.
    let res = app
        .get("/api/v1/stats/requests?from=2026-12-01", &community)
        .await;
    let t = res.expect(200)["totals"].clone();
    assert_eq!(t["taken"], 0);
    assert!(t["completion_rate"].is_null());
    let res = app
        .get(
            "/api/v1/stats/requests?from=2026-11-30&to=2026-11-30",
            &community,
        )
        .await;
    assert_eq!(res.expect(200)["totals"]["taken"], 4);
    let res = app
        .get(
            "/api/v1/stats/requests?from=2026-12-02&to=2026-12-01",
            &community,
        )
        .await;
    res.expect(422);
    let res = app
        .get("/api/v1/stats/requests?group_by=weekday", &community)
        .await;
    res.expect(422);
}

async fn rates_are_scoped_to_the_callers_subtree(backend: Backend) {
    let app = spawn_app(backend).await;
    history(&app).await;
    let grid1 = app.login("grid1").await;
    let street = app.login("street").await;
    let admin = app.login("admin").await;
    let resident = app.resident("demo-resident-1").await;

    let res = app.get("/api/v1/stats/requests", &grid1).await;
    let body = res.expect(200);
    assert_eq!(body["node"]["name"], "第一网格");
    assert_eq!(body["totals"]["taken"], 2);

    let community_id = app.get("/api/v1/stats/requests", &street).await.body["node"]["id"].clone();
    let res = app.get("/api/v1/stats/requests", &street).await;
    assert_eq!(res.expect(200)["totals"]["taken"], 4);
    let res = app
        .get(
            &format!("/api/v1/stats/requests?node={community_id}"),
            &grid1,
        )
        .await;
    res.expect(403);
    assert_eq!(res.code(), "stats.forbidden");
    let res = app.get("/api/v1/stats/requests", &resident).await;
    res.expect(403);

    let res = app
        .get("/api/v1/stats/requests?group_by=child_node", &admin)
        .await;
    let body = res.expect(200);
    assert_eq!(body["node"]["name"], "莲湖区");
    assert_eq!(body["groups"][0]["label"], "红庙坡街道");
    assert_eq!(body["groups"][0]["rates"]["taken"], 4);
}
