//! Service categories: public to read, district admins edit them.

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{Backend, TestApp, spawn_app};
use crate::on_both_backends;

on_both_backends!(
    the_six_categories_are_public_and_in_order,
    district_admins_add_and_edit_categories,
    others_may_not_and_bad_bodies_list_every_field,
);

async fn list(app: &TestApp) -> Vec<Value> {
    app.call(Method::GET, "/api/v1/categories", None, None)
        .await
        .expect(200)["items"]
        .as_array()
        .unwrap()
        .clone()
}

fn codes(items: &[Value]) -> Vec<&str> {
    items.iter().map(|c| c["code"].as_str().unwrap()).collect()
}

fn fields(res: &Value) -> Vec<(String, String)> {
    res["error"]["details"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["field"].as_str().unwrap().to_owned(),
                d["code"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

async fn the_six_categories_are_public_and_in_order(backend: Backend) {
    let app = spawn_app(backend).await;
    let items = list(&app).await;
    assert_eq!(
        codes(&items),
        [
            "property",
            "home_life",
            "mediation",
            "social_org",
            "legal",
            "care"
        ]
    );
    assert_eq!(
        items[0],
        json!({
            "code": "property", "name": "物业管理", "first_response_hours": 24,
            "resolution_days": 7, "default_handler": "property_company", "active": true
        })
    );
    assert!(
        items
            .iter()
            .all(|c| c["resolution_days"].as_i64().unwrap() <= 15)
    );
}

async fn district_admins_add_and_edit_categories(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.login("admin").await;
    let res = app
        .post(
            "/api/v1/categories",
            &admin,
            json!({
                "code": "elderly_care", "name": " 养老服务 ", "first_response_hours": 12,
                "resolution_days": 15, "default_handler": "volunteer"
            }),
        )
        .await;
    let created = res.expect(201).clone();
    assert_eq!(created["name"], "养老服务");
    assert_eq!(created["active"], true);
    let items = list(&app).await;
    assert_eq!(items.len(), 7);
    assert_eq!(items[6], created, "added after the others");

    let res = app
        .post(
            "/api/v1/categories",
            &admin,
            json!({
                "code": "elderly_care", "name": "重复", "first_response_hours": 12,
                "resolution_days": 5, "default_handler": "volunteer"
            }),
        )
        .await;
    res.expect(409);
    assert_eq!(res.code(), "conflict.duplicate");
    assert_eq!(res.body["error"]["details"]["field"], "code");

    let res = app
        .call(
            Method::PATCH,
            "/api/v1/categories/property",
            Some(&admin),
            Some(json!({"first_response_hours": 48, "default_handler": "grid_worker"})),
        )
        .await;
    let patched = res.expect(200);
    assert_eq!(patched["first_response_hours"], 48);
    assert_eq!(patched["default_handler"], "grid_worker");
    assert_eq!(patched["name"], "物业管理");
    assert_eq!(patched["resolution_days"], 7);
    let res = app
        .call(
            Method::PATCH,
            "/api/v1/categories/elderly_care",
            Some(&admin),
            Some(json!({"active": false, "name": "养老助餐"})),
        )
        .await;
    res.expect(200);
    let items = list(&app).await;
    assert_eq!(items[0]["first_response_hours"], 48);
    assert_eq!(items[6]["active"], false);
    assert_eq!(items[6]["name"], "养老助餐");

    // An empty change is no change.
    let res = app
        .call(
            Method::PATCH,
            "/api/v1/categories/care",
            Some(&admin),
            Some(json!({})),
        )
        .await;
    assert_eq!(res.expect(200)["resolution_days"], 10);

    for code in ["nothing_here", "Not A Code"] {
        let res = app
            .call(
                Method::PATCH,
                &format!("/api/v1/categories/{code}"),
                Some(&admin),
                Some(json!({"active": false})),
            )
            .await;
        res.expect(404);
        assert_eq!(res.code(), "category.not_found");
    }
}

async fn others_may_not_and_bad_bodies_list_every_field(backend: Backend) {
    let app = spawn_app(backend).await;
    let good = json!({
        "code": "parking", "name": "停车管理", "first_response_hours": 24,
        "resolution_days": 7, "default_handler": "property_company"
    });
    for who in ["community", "street", "grid1"] {
        let token = app.login(who).await;
        let res = app.post("/api/v1/categories", &token, good.clone()).await;
        res.expect(403);
        assert_eq!(res.code(), "category.forbidden");
        let res = app
            .call(
                Method::PATCH,
                "/api/v1/categories/property",
                Some(&token),
                Some(json!({"resolution_days": 3})),
            )
            .await;
        res.expect(403);
    }
    let res = app
        .call(Method::POST, "/api/v1/categories", None, Some(good.clone()))
        .await;
    res.expect(401);

    // In English on request.
    let community = app.login("community").await;
    let res = app
        .client
        .post(app.url("/api/v1/categories"))
        .bearer_auth(&community)
        .header("Accept-Language", "en")
        .json(&good)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    let body: Value = res.json().await.unwrap();
    assert_eq!(
        body["error"]["message"],
        "Only district admins edit service categories"
    );

    let admin = app.login("admin").await;
    let res = app
        .post(
            "/api/v1/categories",
            &admin,
            json!({
                "code": "Bad Code", "name": "", "first_response_hours": 0,
                "resolution_days": 16, "default_handler": "mayor"
            }),
        )
        .await;
    res.expect(422);
    let want = [
        ("code", "invalid_format"),
        ("name", "empty"),
        ("first_response_hours", "out_of_range"),
        ("resolution_days", "out_of_range"),
        ("default_handler", "invalid_value"),
    ]
    .map(|(f, c)| (f.to_owned(), c.to_owned()));
    assert_eq!(fields(&res.body), want);
    let res = app.post("/api/v1/categories", &admin, json!({})).await;
    res.expect(422);
    assert_eq!(fields(&res.body).len(), 5);
    assert!(fields(&res.body).iter().all(|(_, c)| c == "required"));
    let res = app
        .call(
            Method::PATCH,
            "/api/v1/categories/property",
            Some(&admin),
            Some(
                json!({"first_response_hours": 721, "resolution_days": 0, "name": "x".repeat(101)}),
            ),
        )
        .await;
    res.expect(422);
    assert_eq!(fields(&res.body).len(), 3);

    // Nothing was stored or changed.
    let items = list(&app).await;
    assert_eq!(items.len(), 6);
    assert_eq!(items[0]["first_response_hours"], 24);
    assert_eq!(items[0]["resolution_days"], 7);
}
