//! Rewards and redemption: the catalogue, an order's life (fulfilled, or cancelled with its
//! points refunded once and the unit back), the terms (limit, validity, stock), idempotent
//! retries; and under real concurrency, never more sold than the stock and never a negative
//! balance. After each, every balance is recomputed from the ledger.

use futures_util::future::join_all;
use serde_json::{Value, json};

use crate::helpers::{Backend, TestApp, spawn_app};
use crate::on_both_backends;
use crate::volunteers::{balances_match_the_ledger, grant, volunteer};

on_both_backends!(
    an_order_is_fulfilled_or_cancelled_with_a_refund,
    the_terms_limit_validity_stock_and_a_retried_order,
    two_hundred_orders_for_ten_units_sell_ten,
    fifty_orders_from_a_balance_that_covers_three_take_three,
);

async fn reward(app: &TestApp, staff: &str, extra: Value) -> i64 {
    let (_, _, community) = crate::org::demo_ids(app).await;
    let mut body = json!({
        "community_id": community, "name": "免费理发一次", "kind": "service",
        "provider": "社区爱心理发店", "price": 10,
    });
    body.as_object_mut()
        .unwrap()
        .extend(extra.as_object().unwrap().clone());
    app.post("/api/v1/rewards", staff, body).await.expect(201)["id"]
        .as_i64()
        .unwrap()
}

async fn redeem(app: &TestApp, token: &str, reward: i64) -> crate::helpers::Res {
    app.post(
        &format!("/api/v1/rewards/{reward}/redemptions"),
        token,
        json!({}),
    )
    .await
}

async fn an_order_is_fulfilled_or_cancelled_with_a_refund(backend: Backend) {
    let app = spawn_app(backend).await;
    let staff = app.login("community").await;
    let (me, id, _) = volunteer(&app, &staff, "o-reward-1").await;
    grant(&app, &staff, id, 50).await;
    let rice = reward(
        &app,
        &staff,
        json!({"name": "大米一袋", "kind": "gift", "price": 20, "stock": 5}),
    )
    .await;

    // Bad terms are named, field by field.
    let (_, _, community) = crate::org::demo_ids(&app).await;
    let res = app
        .post(
            "/api/v1/rewards",
            &staff,
            json!({"community_id": community, "name": "", "kind": "gift", "price": 0, "stock": -1,
                   "valid_from": "2026-12-02T00:00:00Z", "valid_until": "2026-12-01T00:00:00Z"}),
        )
        .await;
    res.expect(422);
    let fields: Vec<&str> = res.body["error"]["details"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["name", "price", "stock", "valid_until"]);
    // Volunteers may not put rewards up.
    let res = app
        .post(
            "/api/v1/rewards",
            &me,
            json!({"community_id": community, "name": "x", "kind": "gift", "price": 1}),
        )
        .await;
    res.expect(403);

    let listed = app.get("/api/v1/rewards", &me).await;
    assert!(
        listed.expect(200)["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["id"] == rice && r["stock_left"] == 5)
    );
    let order = redeem(&app, &me, rice).await;
    let order = order.expect(201).clone();
    assert_eq!(order["status"], "pending");
    assert_eq!(order["balance_after"], 30);
    assert_eq!(order["reward_name"], "大米一袋");
    let o1 = order["id"].as_i64().unwrap();
    let o2 = redeem(&app, &me, rice).await.expect(201)["id"]
        .as_i64()
        .unwrap();
    let shelf = app.get(&format!("/api/v1/rewards/{rice}"), &me).await;
    assert_eq!(shelf.expect(200)["stock_left"], 3);

    // Handed over: final.
    let done = app
        .post(
            &format!("/api/v1/redemptions/{o1}/fulfil"),
            &staff,
            json!({}),
        )
        .await;
    assert_eq!(done.expect(200)["status"], "fulfilled");
    let res = app
        .post(
            &format!("/api/v1/redemptions/{o1}/cancel"),
            &staff,
            json!({"reason": "x"}),
        )
        .await;
    res.expect(409);
    assert_eq!(res.code(), "redemption.invalid_transition");
    // A volunteer may not hand their own over.
    app.post(&format!("/api/v1/redemptions/{o2}/fulfil"), &me, json!({}))
        .await
        .expect(403);
    // Staff cancel with a reason: points and the unit come back, once.
    let res = app
        .post(
            &format!("/api/v1/redemptions/{o2}/cancel"),
            &staff,
            json!({}),
        )
        .await;
    res.expect(422);
    let cancel_path = format!("/api/v1/redemptions/{o2}/cancel");
    let cancels =
        join_all((0..4).map(|_| app.post(&cancel_path, &staff, json!({"reason": "大米暂时缺货"}))))
            .await;
    let ok: Vec<_> = cancels.iter().filter(|r| r.status == 200).collect();
    assert_eq!(ok.len(), 1, "{cancels:?}");
    assert_eq!(ok[0].body["balance_after"], 30);
    assert!(
        cancels
            .iter()
            .filter(|r| r.status != 200)
            .all(|r| r.code() == "redemption.invalid_transition")
    );
    let ledger = app.get("/api/v1/me/points", &me).await.expect(200).clone();
    assert_eq!(ledger["balance"], 30);
    let kinds: Vec<&str> = ledger["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["refund", "redemption", "redemption", "adjustment"]);
    assert_eq!(ledger["items"][0]["source"], format!("refund:{o2}"));
    assert_eq!(
        app.get(&format!("/api/v1/rewards/{rice}"), &me)
            .await
            .expect(200)["stock_left"],
        4
    );
    let mine = app.get("/api/v1/me/redemptions", &me).await;
    let statuses: Vec<&str> = mine.expect(200)["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["cancelled", "fulfilled"]);
    let pending = app
        .get("/api/v1/redemptions?status=fulfilled", &staff)
        .await;
    assert_eq!(pending.expect(200)["items"][0]["id"], o1);
    balances_match_the_ledger(&app, &staff).await;
}

async fn the_terms_limit_validity_stock_and_a_retried_order(backend: Backend) {
    let app = spawn_app(backend).await;
    let staff = app.login("community").await;
    let (me, id, _) = volunteer(&app, &staff, "o-reward-terms").await;
    grant(&app, &staff, id, 100).await;
    let haircut = reward(&app, &staff, json!({"per_person_limit": 1})).await;
    redeem(&app, &me, haircut).await.expect(201);
    let res = redeem(&app, &me, haircut).await;
    res.expect(409);
    assert_eq!(res.code(), "redemption.limit_reached");
    let later = reward(
        &app,
        &staff,
        json!({"name": "春节礼包", "kind": "gift", "valid_from": "2030-01-01T00:00:00Z"}),
    )
    .await;
    let res = redeem(&app, &me, later).await;
    res.expect(409);
    assert_eq!(res.code(), "redemption.not_yet_valid");
    let one = reward(
        &app,
        &staff,
        json!({"name": "保温杯", "kind": "gift", "stock": 1}),
    )
    .await;
    // A retried order under one key is one order, even sent five times at once.
    let send = |key: &'static str| {
        let (app, me) = (&app, &me);
        async move {
            let res = app
                .client
                .post(app.url(&format!("/api/v1/rewards/{one}/redemptions")))
                .bearer_auth(me)
                .header("Idempotency-Key", key)
                .send()
                .await
                .unwrap();
            let replayed = res.headers().contains_key("idempotent-replayed");
            let status = res.status().as_u16();
            let body: Value = res.json().await.unwrap();
            (status, replayed, body)
        }
    };
    let answers = join_all((0..5).map(|_| send("cup-1"))).await;
    assert!(answers.iter().all(|(s, _, _)| *s == 201), "{answers:?}");
    assert_eq!(answers.iter().filter(|(_, r, _)| !r).count(), 1);
    let ids: std::collections::BTreeSet<i64> = answers
        .iter()
        .map(|(_, _, b)| b["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids.len(), 1);
    let res = redeem(&app, &me, one).await;
    res.expect(409);
    assert_eq!(res.code(), "redemption.out_of_stock");
    // Staff lift the limit (null removes it), then close the window.
    let patch = |body: Value| {
        let (app, staff) = (&app, &staff);
        async move {
            app.call(
                reqwest::Method::PATCH,
                &format!("/api/v1/rewards/{haircut}"),
                Some(staff),
                Some(body),
            )
            .await
        }
    };
    let lifted = patch(json!({"per_person_limit": null, "provider": "红庙坡理发店"})).await;
    let lifted = lifted.expect(200).clone();
    assert!(lifted["per_person_limit"].is_null());
    assert_eq!(lifted["provider"], "红庙坡理发店");
    redeem(&app, &me, haircut).await.expect(201);
    let res =
        patch(json!({"valid_from": "2026-12-02T00:00:00Z", "valid_until": "2026-12-01T00:00:00Z"}))
            .await;
    res.expect(422);
    assert_eq!(res.body["error"]["details"][0]["field"], "valid_until");
    patch(json!({"valid_until": "2020-01-01T00:00:00Z"}))
        .await
        .expect(200);
    let res = redeem(&app, &me, haircut).await;
    res.expect(409);
    assert_eq!(res.code(), "redemption.expired");
    patch(json!({"valid_until": null})).await.expect(200);
    // Withdrawn from the catalogue: not redeemable.
    app.call(
        reqwest::Method::PATCH,
        &format!("/api/v1/rewards/{haircut}"),
        Some(&staff),
        Some(json!({"active": false})),
    )
    .await
    .expect(200);
    let (other, oid, _) = volunteer(&app, &staff, "o-reward-terms-2").await;
    grant(&app, &staff, oid, 100).await;
    let res = redeem(&app, &other, haircut).await;
    res.expect(409);
    assert_eq!(res.code(), "redemption.reward_inactive");
    // Residents who are not volunteers redeem nothing.
    let resident = app.resident("demo-resident-1").await;
    let res = redeem(&app, &resident, one).await;
    res.expect(403);
    assert_eq!(res.code(), "redemption.not_a_volunteer");
    // Stock can be topped up but not withdrawn below what is left.
    let res = app
        .call(
            reqwest::Method::PATCH,
            &format!("/api/v1/rewards/{one}"),
            Some(&staff),
            Some(json!({"stock_delta": -1})),
        )
        .await;
    res.expect(409);
    assert_eq!(res.code(), "reward.stock_short");
    let topped = app
        .call(
            reqwest::Method::PATCH,
            &format!("/api/v1/rewards/{one}"),
            Some(&staff),
            Some(json!({"stock_delta": 2})),
        )
        .await;
    let topped = topped.expect(200);
    assert_eq!(
        (
            topped["stock_total"].as_i64(),
            topped["stock_left"].as_i64()
        ),
        (Some(3), Some(2))
    );
    balances_match_the_ledger(&app, &staff).await;
}

/// 200 orders at once, from 20 volunteers who can each afford many, for a reward with 10 units:
/// exactly 10 are taken.
async fn two_hundred_orders_for_ten_units_sell_ten(backend: Backend) {
    let app = spawn_app(backend).await;
    let staff = app.login("community").await;
    let mut buyers = Vec::new();
    for i in 0..20 {
        let (token, id, _) = volunteer(&app, &staff, &format!("o-rush-{i}")).await;
        grant(&app, &staff, id, 1000).await;
        buyers.push(token);
    }
    let oil = reward(
        &app,
        &staff,
        json!({"name": "食用油一桶", "kind": "gift", "stock": 10}),
    )
    .await;
    let orders = (0..200).map(|i| redeem(&app, &buyers[i % 20], oil));
    let results = join_all(orders).await;
    let sold = results.iter().filter(|r| r.status == 201).count();
    assert_eq!(sold, 10);
    for r in results.iter().filter(|r| r.status != 201) {
        assert_eq!(r.status.as_u16(), 409, "{:#}", r.body);
        assert_eq!(r.code(), "redemption.out_of_stock");
    }
    let shelf = app.get(&format!("/api/v1/rewards/{oil}"), &staff).await;
    assert_eq!(shelf.expect(200)["stock_left"], 0);
    let all = app.get("/api/v1/redemptions?limit=100", &staff).await;
    assert_eq!(all.expect(200)["items"].as_array().unwrap().len(), 10);
    assert!(balances_match_the_ledger(&app, &staff).await >= 20);
}

/// 50 orders at once from one volunteer whose balance covers 3: exactly 3 are taken, and the
/// balance ends at zero, never below.
async fn fifty_orders_from_a_balance_that_covers_three_take_three(backend: Backend) {
    let app = spawn_app(backend).await;
    let staff = app.login("community").await;
    let (me, id, _) = volunteer(&app, &staff, "o-spender").await;
    grant(&app, &staff, id, 30).await;
    let check = reward(&app, &staff, json!({"name": "免费体检一次", "stock": 100})).await;
    let results = join_all((0..50).map(|_| redeem(&app, &me, check))).await;
    let taken = results.iter().filter(|r| r.status == 201).count();
    assert_eq!(taken, 3);
    for r in results.iter().filter(|r| r.status != 201) {
        assert_eq!(r.status.as_u16(), 409, "{:#}", r.body);
        assert_eq!(r.code(), "points.insufficient");
    }
    let ledger = app.get("/api/v1/me/points?limit=100", &me).await;
    let ledger = ledger.expect(200).clone();
    assert_eq!(ledger["balance"], 0);
    assert_eq!(ledger["items"].as_array().unwrap().len(), 4);
    assert!(
        ledger["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["balance_after"].as_i64().unwrap() >= 0)
    );
    assert_eq!(
        app.get(&format!("/api/v1/rewards/{check}"), &me)
            .await
            .expect(200)["stock_left"],
        97
    );
    balances_match_the_ledger(&app, &staff).await;
}
