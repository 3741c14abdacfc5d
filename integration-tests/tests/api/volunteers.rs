//! Red Collar Home volunteers: applying, approval (with the volunteer role), suspension; points
//! earned by a rated home-life request, staff adjustments, the ledger, leaderboards; the same
//! award twice at once is one entry.

use futures_util::future::join_all;
use serde_json::{Value, json};

use crate::helpers::{Backend, Spawn, TestApp, spawn_app, spawn_with, submit};
use crate::on_both_backends;

on_both_backends!(
    a_resident_applies_is_approved_and_earns_points_for_a_rated_request,
    staff_adjust_points_with_a_reason_never_below_zero,
    the_same_award_twice_at_once_is_one_entry,
    the_demo_has_107_volunteers_a_catalogue_and_orders,
    points_older_than_the_communitys_period_lapse_once,
);

/// A resident who applied and was approved: (token, volunteer id, user id).
pub async fn volunteer(app: &TestApp, staff: &str, openid: &str) -> (String, i64, i64) {
    let (_, _, community) = crate::org::demo_ids(app).await;
    let token = app.resident(openid).await;
    let v = app
        .post(
            "/api/v1/volunteers",
            &token,
            json!({"community_id": community, "kind": "resident", "skills": ["repairs"]}),
        )
        .await;
    let id = v.expect(201)["id"].as_i64().unwrap();
    let user = v.body["user_id"].as_i64().unwrap();
    app.post(
        &format!("/api/v1/volunteers/{id}/decision"),
        staff,
        json!({"decision": "approve"}),
    )
    .await
    .expect(200);
    (token, id, user)
}

/// Gives a volunteer `amount` points by a staff adjustment.
pub async fn grant(app: &TestApp, staff: &str, volunteer: i64, amount: i64) {
    app.post(
        &format!("/api/v1/volunteers/{volunteer}/points/adjustments"),
        staff,
        json!({"amount": amount, "reason": "测试发放积分"}),
    )
    .await
    .expect(201);
}

/// Every balance under the staff member's nodes is its ledger's sum.
pub async fn balances_match_the_ledger(app: &TestApp, staff: &str) -> i64 {
    let check = app.get("/api/v1/points/balance-check", staff).await;
    let check = check.expect(200);
    assert_eq!(check["mismatches"], json!([]), "{check:#}");
    check["checked"].as_i64().unwrap()
}

async fn a_resident_applies_is_approved_and_earns_points_for_a_rated_request(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, _, community_id) = crate::org::demo_ids(&app).await;
    let staff = app.login("community").await;
    let me = app.resident("o-volunteer-1").await;

    // Bad applications name every field.
    let res = app
        .post(
            "/api/v1/volunteers",
            &me,
            json!({"community_id": 999_999, "kind": "veteran", "skills": [], "intro": "x".repeat(501)}),
        )
        .await;
    res.expect(422);
    let fields: Vec<&str> = res.body["error"]["details"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["skills", "intro"], "{:#}", res.body);
    let res = app
        .post(
            "/api/v1/volunteers",
            &me,
            json!({"community_id": 999_999, "kind": "veteran", "skills": ["medical"]}),
        )
        .await;
    res.expect(422);
    assert_eq!(res.body["error"]["details"][0]["field"], "community_id");

    let applied = app
        .post(
            "/api/v1/volunteers",
            &me,
            json!({"community_id": community_id, "kind": "veteran", "skills": ["repairs", "elderly_care"], "intro": "退役老兵，会修水电"}),
        )
        .await;
    let applied = applied.expect(201).clone();
    let id = applied["id"].as_i64().unwrap();
    assert_eq!(applied["status"], "pending");
    assert_eq!(applied["balance"], 0);
    let again = app
        .post(
            "/api/v1/volunteers",
            &me,
            json!({"community_id": community_id, "kind": "veteran", "skills": ["repairs"]}),
        )
        .await;
    again.expect(409);
    assert_eq!(again.code(), "volunteer.already_applied");
    // Only staff decide; the applicant may not approve themselves.
    let res = app
        .post(
            &format!("/api/v1/volunteers/{id}/decision"),
            &me,
            json!({"decision": "approve"}),
        )
        .await;
    res.expect(403);
    assert_eq!(res.code(), "volunteer.forbidden");
    let pending = app.get("/api/v1/volunteers?status=pending", &staff).await;
    assert!(
        pending.expect(200)["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|v| v["id"] == id)
    );
    let res = app
        .post(
            &format!("/api/v1/volunteers/{id}/decision"),
            &staff,
            json!({"decision": "suspend"}),
        )
        .await;
    res.expect(422);
    let res = app
        .post(
            &format!("/api/v1/volunteers/{id}/decision"),
            &staff,
            json!({"decision": "suspend", "reason": "先暂停"}),
        )
        .await;
    res.expect(409);
    assert_eq!(res.code(), "volunteer.invalid_transition");
    let approved = app
        .post(
            &format!("/api/v1/volunteers/{id}/decision"),
            &staff,
            json!({"decision": "approve"}),
        )
        .await;
    assert_eq!(approved.expect(200)["status"], "active");
    // Approval granted the volunteer role at the community.
    let roles = app.get("/api/v1/me", &me).await.expect(200)["roles"].clone();
    assert!(
        roles
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["role"] == "volunteer" && r["node_id"] == community_id),
        "{roles:#}"
    );

    // The community's rule: 40 points a satisfied request, veterans ×1.5.
    let rule_path = format!("/api/v1/points/rules/{community_id}");
    assert_eq!(
        app.get(&rule_path, &me).await.expect(200)["per_request"],
        20
    );
    let rule = json!({"per_hour": 10, "per_activity": 5, "per_request": 40,
        "basically_satisfied_share": 5000,
        "multipliers": [{"kind": "veteran", "basis_points": 15000}]});
    app.call(
        reqwest::Method::PUT,
        &rule_path,
        Some(&me),
        Some(rule.clone()),
    )
    .await
    .expect(403);
    let mut bad = rule.clone();
    bad["per_request"] = json!(-1);
    bad["multipliers"][0]["basis_points"] = json!(1_000_000);
    let res = app
        .call(reqwest::Method::PUT, &rule_path, Some(&staff), Some(bad))
        .await;
    res.expect(422);
    let set = app
        .call(reqwest::Method::PUT, &rule_path, Some(&staff), Some(rule))
        .await;
    let set = set.expect(200).clone();
    assert_eq!(set["per_request"], 40);
    assert!(
        set["multipliers"]
            .as_array()
            .unwrap()
            .contains(&json!({"kind": "veteran", "basis_points": 15000}))
    );

    // A home-life request dispatched to the volunteer, resolved and rated satisfied earns the
    // community's per-request points once: 40 × 1.5 for a veteran.
    let resident = app.resident("demo-resident-1").await;
    let request = submit(&app, &resident, "home_life", "DX-01-1").await;
    let user = app.get("/api/v1/me", &me).await.expect(200)["id"].clone();
    app.post(
        &format!("/api/v1/requests/{request}/dispatch"),
        &staff,
        json!({"assignee": {"kind": "user", "id": user}}),
    )
    .await
    .expect(200);
    app.post(&format!("/api/v1/requests/{request}/claim"), &me, json!({}))
        .await
        .expect(200);
    app.post(
        &format!("/api/v1/requests/{request}/resolve"),
        &me,
        json!({"outcome": "已更换水龙头"}),
    )
    .await
    .expect(200);
    app.post(
        &format!("/api/v1/requests/{request}/rate"),
        &resident,
        json!({"rating": "satisfied"}),
    )
    .await
    .expect(200);
    let ledger = app.get("/api/v1/me/points", &me).await;
    let ledger = ledger.expect(200).clone();
    assert_eq!(ledger["balance"], 60, "{ledger:#}");
    assert_eq!(
        ledger["items"][0]["source"],
        format!("request:{request}:volunteer:{id}")
    );
    assert_eq!(ledger["items"][0]["kind"], "award");

    // The month's leaderboard has them with their points.
    let board = app
        .get(
            &format!("/api/v1/points/leaderboard?community_id={community_id}"),
            &resident,
        )
        .await;
    let board = board.expect(200).clone();
    assert_eq!(board["items"][0]["volunteer_id"], id, "{board:#}");
    assert_eq!(board["items"][0]["points"], 60);
    assert_eq!(board["items"][0]["rank"], 1);
    let res = app
        .get(
            &format!("/api/v1/points/leaderboard?community_id={community_id}&period=2026-13"),
            &resident,
        )
        .await;
    res.expect(422);
    assert_eq!(res.body["error"]["details"][0]["field"], "period");

    // Suspended: the role goes; the points stay.
    let res = app
        .post(
            &format!("/api/v1/volunteers/{id}/decision"),
            &staff,
            json!({"decision": "suspend", "reason": "长期未参加活动"}),
        )
        .await;
    let res = res.expect(200).clone();
    assert_eq!(res["status"], "suspended");
    assert_eq!(res["balance"], 60);
    let roles = app.get("/api/v1/me", &me).await.expect(200)["roles"].clone();
    assert!(
        !roles
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["role"] == "volunteer"),
        "{roles:#}"
    );
    let figures = app
        .get(
            &format!("/api/v1/stats/volunteers?node={community_id}"),
            &staff,
        )
        .await;
    let veterans = figures.expect(200)["by_kind"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["kind"] == "veteran")
        .unwrap()
        .clone();
    assert!(veterans["suspended"].as_i64().unwrap() >= 1, "{veterans:#}");
    balances_match_the_ledger(&app, &staff).await;
}

async fn staff_adjust_points_with_a_reason_never_below_zero(backend: Backend) {
    let app = spawn_app(backend).await;
    let staff = app.login("community").await;
    let (me, id, _) = volunteer(&app, &staff, "o-volunteer-adjust").await;
    let path = format!("/api/v1/volunteers/{id}/points/adjustments");
    let res = app
        .post(&path, &staff, json!({"amount": 0, "reason": ""}))
        .await;
    res.expect(422);
    let res = app
        .post(&path, &staff, json!({"amount": 30, "reason": " "}))
        .await;
    res.expect(422);
    assert_eq!(res.body["error"]["details"][0]["field"], "reason");
    // A volunteer may not adjust their own points.
    let res = app
        .post(&path, &me, json!({"amount": 1000, "reason": "给自己加分"}))
        .await;
    res.expect(403);
    let added = app
        .post(
            &path,
            &staff,
            json!({"amount": 30, "reason": "补记重阳节活动积分"}),
        )
        .await;
    let added = added.expect(201).clone();
    assert_eq!(added["balance_after"], 30);
    assert_eq!(added["reason"], "补记重阳节活动积分");
    let res = app
        .post(&path, &staff, json!({"amount": -31, "reason": "更正"}))
        .await;
    res.expect(409);
    assert_eq!(res.code(), "points.insufficient");
    let taken = app
        .post(
            &path,
            &staff,
            json!({"amount": -30, "reason": "更正重复记分"}),
        )
        .await;
    assert_eq!(taken.expect(201)["balance_after"], 0);
    let ledger = app
        .get(&format!("/api/v1/volunteers/{id}/points?limit=1"), &staff)
        .await;
    let ledger = ledger.expect(200).clone();
    assert_eq!(ledger["balance"], 0);
    assert_eq!(ledger["items"].as_array().unwrap().len(), 1);
    assert_eq!(ledger["items"][0]["amount"], -30);
    let next = ledger["next_cursor"].as_str().unwrap();
    let older = app
        .get(
            &format!("/api/v1/volunteers/{id}/points?cursor={next}"),
            &staff,
        )
        .await;
    assert_eq!(older.expect(200)["items"][0]["amount"], 30);
    // Another volunteer's ledger is not the caller's to read.
    let (other, _, _) = volunteer(&app, &staff, "o-volunteer-adjust-2").await;
    app.get(&format!("/api/v1/volunteers/{id}/points"), &other)
        .await
        .expect(404);
    // A retried correction under one key is one entry; the same key with another body is not a
    // retry.
    let send = |body: Value| {
        let (app, staff, path) = (&app, &staff, &path);
        async move {
            let res = app
                .client
                .post(app.url(path))
                .bearer_auth(staff)
                .header("Idempotency-Key", "fix-42")
                .json(&body)
                .send()
                .await
                .unwrap();
            let replayed = res.headers().contains_key("idempotent-replayed");
            (res.status().as_u16(), replayed)
        }
    };
    let body = json!({"amount": 12, "reason": "补记义诊积分"});
    let answers = join_all((0..4).map(|_| send(body.clone()))).await;
    assert!(answers.iter().all(|(s, _)| *s == 201), "{answers:?}");
    assert_eq!(answers.iter().filter(|(_, r)| !r).count(), 1);
    assert_eq!(
        send(json!({"amount": 13, "reason": "补记义诊积分"}))
            .await
            .0,
        422
    );
    let ledger = app
        .get(&format!("/api/v1/volunteers/{id}/points"), &staff)
        .await;
    assert_eq!(ledger.expect(200)["balance"], 12);

    // Staff who volunteer too neither approve themselves nor credit their own points.
    let (_, _, community) = crate::org::demo_ids(&app).await;
    let mine = app
        .post(
            "/api/v1/volunteers",
            &staff,
            json!({"community_id": community, "kind": "serving_party_member", "skills": ["legal"]}),
        )
        .await;
    let mine = mine.expect(201)["id"].as_i64().unwrap();
    let res = app
        .post(
            &format!("/api/v1/volunteers/{mine}/decision"),
            &staff,
            json!({"decision": "approve"}),
        )
        .await;
    res.expect(403);
    assert_eq!(res.code(), "volunteer.own_record");
    let res = app
        .post(
            &format!("/api/v1/volunteers/{mine}/points/adjustments"),
            &staff,
            json!({"amount": 1000, "reason": "x"}),
        )
        .await;
    assert_eq!(res.code(), "volunteer.own_record");

    // After approval a volunteer's skills are staff's to change; the kind too.
    let res = app
        .call(
            reqwest::Method::PATCH,
            "/api/v1/me/volunteer",
            Some(&me),
            Some(json!({"skills": ["medical"]})),
        )
        .await;
    res.expect(409);
    assert_eq!(res.code(), "volunteer.skills_locked");
    let res = app
        .call(
            reqwest::Method::PATCH,
            "/api/v1/me/volunteer",
            Some(&me),
            Some(json!({"intro": "会修水电"})),
        )
        .await;
    assert_eq!(res.expect(200)["intro"], "会修水电");
    let res = app
        .call(
            reqwest::Method::PATCH,
            &format!("/api/v1/volunteers/{id}"),
            Some(&staff),
            Some(json!({"kind": "veteran", "skills": ["repairs", "medical"]})),
        )
        .await;
    let res = res.expect(200);
    assert_eq!(res["kind"], "veteran");
    assert_eq!(res["skills"], json!(["medical", "repairs"]));
    assert!(balances_match_the_ledger(&app, &staff).await >= 2);
}

async fn the_same_award_twice_at_once_is_one_entry(backend: Backend) {
    use linli_domain::activity::ActivityId;
    use linli_domain::points::{AwardSource, Entry, Points};
    use linli_domain::volunteer::VolunteerId;
    use linli_persistence::StoreError;
    use linli_persistence::volunteers::{self, NewEntry};

    let app = spawn_app(backend).await;
    let staff = app.login("community").await;
    let (_, id, _) = volunteer(&app, &staff, "o-volunteer-award").await;
    let (_, _, community) = crate::org::demo_ids(&app).await;
    let now = chrono::Utc::now();
    // Ten writers award the same source at the same moment (instances finishing one activity).
    let tries = (0..10).map(|_| {
        app.state.db.write(move |conn| {
            linli_persistence::tx::write_transaction(conn, |conn| {
                let source = AwardSource::Activity {
                    activity: ActivityId(77),
                    volunteer: VolunteerId(id),
                };
                let entry = Entry::award(&source, Points(15)).expect("positive");
                volunteers::lock(conn, VolunteerId(id), now)?;
                match volunteers::append(
                    conn,
                    &NewEntry {
                        volunteer: VolunteerId(id),
                        community_id: linli_domain::OrgNodeId(community),
                        entry: &entry,
                        minutes: Some(90),
                        recorded_by: None,
                    },
                    now,
                ) {
                    Ok(_) => Ok(true),
                    Err(StoreError::Duplicate(_)) => Ok(false),
                    Err(e) => Err(e.into()),
                }
            })
        })
    });
    let results: Vec<bool> = join_all(tries)
        .await
        .into_iter()
        .map(|r| r.expect("no error but the duplicate"))
        .collect();
    assert_eq!(results.iter().filter(|r| **r).count(), 1, "{results:?}");
    let ledger: Value = app
        .get(&format!("/api/v1/volunteers/{id}/points"), &staff)
        .await
        .expect(200)
        .clone();
    assert_eq!(ledger["balance"], 15);
    assert_eq!(ledger["items"].as_array().unwrap().len(), 1);
    assert_eq!(ledger["items"][0]["minutes"], 90);
    balances_match_the_ledger(&app, &staff).await;
}

async fn the_demo_has_107_volunteers_a_catalogue_and_orders(backend: Backend) {
    let app = spawn_with(
        backend,
        Spawn {
            demo_history: true,
            ..Default::default()
        },
    )
    .await;
    let staff = app.login("community").await;
    let figures = app.get("/api/v1/stats/volunteers", &staff).await;
    let figures = figures.expect(200).clone();
    assert_eq!(figures["active"], 107, "{figures:#}");
    assert_eq!(figures["activities_held"], 6);
    assert_eq!(figures["activities_open"], 2);
    assert!(
        figures["attendances"].as_i64().unwrap() >= 50,
        "{figures:#}"
    );
    assert!(figures["volunteers_attending"].as_i64().unwrap() >= 20);
    let by_kind: Vec<(String, i64)> = figures["by_kind"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| {
            (
                k["kind"].as_str().unwrap().to_owned(),
                k["active"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        by_kind,
        [
            ("serving_party_member".to_owned(), 31),
            ("retired_party_member".to_owned(), 42),
            ("veteran".to_owned(), 12),
            ("resident".to_owned(), 22),
        ]
    );
    // A demo volunteer signs in, sees the catalogue and their balance, and redeems.
    let me = app.resident("demo-volunteer-4").await;
    let mine = app
        .get("/api/v1/me/volunteer", &me)
        .await
        .expect(200)
        .clone();
    assert_eq!(mine["status"], "active");
    let catalogue = app.get("/api/v1/rewards", &me).await;
    let items = catalogue.expect(200)["items"].as_array().unwrap().clone();
    assert_eq!(items.len(), 6);
    let cheapest = items
        .iter()
        .min_by_key(|r| r["price"].as_i64().unwrap())
        .unwrap();
    if mine["balance"].as_i64().unwrap() >= cheapest["price"].as_i64().unwrap() {
        app.post(
            &format!("/api/v1/rewards/{}/redemptions", cheapest["id"]),
            &me,
            json!({}),
        )
        .await
        .expect(201);
    }
    let orders = app.get("/api/v1/redemptions?limit=100", &staff).await;
    let orders = orders.expect(200)["items"].as_array().unwrap().clone();
    assert!(orders.len() >= 5, "{orders:#?}");
    assert!(orders.iter().any(|o| o["status"] == "fulfilled"));
    // The seed's activities: six held and awarded, two coming up; the year's honour roll has
    // hours from them.
    let listed = app.get("/api/v1/activities?limit=100", &staff).await;
    let items = listed.expect(200)["items"].as_array().unwrap().clone();
    let titles: Vec<&str> = items.iter().map(|a| a["title"].as_str().unwrap()).collect();
    assert!(titles.contains(&"重阳节走访慰问独居老人"), "{titles:?}");
    assert_eq!(
        items.iter().filter(|a| a["status"] == "finished").count(),
        6
    );
    assert_eq!(
        items.iter().filter(|a| a["status"] == "published").count(),
        2
    );
    let (_, _, community) = crate::org::demo_ids(&app).await;
    let board = app
        .get(
            &format!("/api/v1/points/leaderboard?community_id={community}&period=all"),
            &me,
        )
        .await;
    let board = board.expect(200).clone();
    let first = &board["items"][0];
    assert_eq!(first["rank"], 1);
    assert!(first["hours"].as_f64().unwrap() > 0.0, "{board:#}");
    assert!(first["points"].as_i64().unwrap() > 0);
    assert_eq!(balances_match_the_ledger(&app, &staff).await, 107);
}

/// A community sets points to lapse after 30 days: what a volunteer holds beyond what they were
/// credited in the last 30 days lapses, once, however often the sweep runs.
async fn points_older_than_the_communitys_period_lapse_once(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, _, community) = crate::org::demo_ids(&app).await;
    let staff = app.login("community").await;
    let rule_path = format!("/api/v1/points/rules/{community}");
    let mut rule = app.get(&rule_path, &staff).await.expect(200).clone();
    assert!(rule["expire_after_days"].is_null());
    rule["expire_after_days"] = json!(7);
    let res = app
        .call(
            reqwest::Method::PUT,
            &rule_path,
            Some(&staff),
            Some(rule.clone()),
        )
        .await;
    res.expect(422);
    assert_eq!(
        res.body["error"]["details"][0]["field"],
        "expire_after_days"
    );
    rule["expire_after_days"] = json!(30);
    app.call(reqwest::Method::PUT, &rule_path, Some(&staff), Some(rule))
        .await
        .expect(200);

    let (_, id, _) = volunteer(&app, &staff, "o-volunteer-expiry").await;
    let (_, other, _) = volunteer(&app, &staff, "o-volunteer-expiry-2").await;
    grant(&app, &staff, id, 50).await;
    grant(&app, &staff, other, 20).await;
    app.post(
        &format!("/api/v1/volunteers/{id}/points/adjustments"),
        &staff,
        json!({"amount": -10, "reason": "更正"}),
    )
    .await
    .expect(201);
    // Nothing is old yet.
    let report = linli_api::volunteers::expiry::run_once(&app.state)
        .await
        .unwrap();
    assert_eq!(report.entries, 0);
    app.clock.advance(chrono::Duration::days(20));
    let staff = app.login("community").await;
    grant(&app, &staff, id, 15).await;
    app.clock.advance(chrono::Duration::days(15));
    let staff = app.login("community").await;
    // 35 days on: the first 50 (less the 10 spent) lapse, the 15 of day 20 stay; the other
    // volunteer's 20 lapse whole.
    let sweeps =
        join_all((0..3).map(|_| linli_api::volunteers::expiry::run_once(&app.state))).await;
    let lapsed: i64 = sweeps.iter().map(|r| r.as_ref().unwrap().points).sum();
    assert_eq!(lapsed, 40 + 20);
    let again = linli_api::volunteers::expiry::run_once(&app.state)
        .await
        .unwrap();
    assert_eq!(again.entries, 0);
    let ledger = app
        .get(&format!("/api/v1/volunteers/{id}/points"), &staff)
        .await;
    let ledger = ledger.expect(200).clone();
    assert_eq!(ledger["balance"], 15, "{ledger:#}");
    assert_eq!(ledger["items"][0]["kind"], "expiry");
    assert_eq!(ledger["items"][0]["amount"], -40);
    let theirs = app
        .get(&format!("/api/v1/volunteers/{other}/points"), &staff)
        .await;
    assert_eq!(theirs.expect(200)["balance"], 0);
    balances_match_the_ledger(&app, &staff).await;
}
