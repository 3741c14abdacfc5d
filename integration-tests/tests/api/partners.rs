//! Partner platforms: district admins register them with a scope and an API key shown once;
//! the key authenticates the partner, until it is revoked or the partner suspended.

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{Backend, TestApp, spawn_app};
use crate::on_both_backends;

on_both_backends!(
    a_district_admin_registers_a_partner_whose_key_works,
    keys_rotate_and_revoke_and_partners_suspend,
    only_district_admins_register_partners_of_streets_and_communities,
);

/// The demo's district, street and community ids.
async fn tree(app: &TestApp, admin: &str) -> (i64, i64, i64) {
    let roots = app.get("/api/v1/org/roots", admin).await;
    let district = roots.expect(200)["items"][0]["id"].as_i64().unwrap();
    let child = |id: i64| {
        let path = format!("/api/v1/org/nodes/{id}");
        async move {
            app.get(&path, admin).await.expect(200)["children"][0]["id"]
                .as_i64()
                .unwrap()
        }
    };
    let street = child(district).await;
    let community = child(street).await;
    (district, street, community)
}

async fn me(app: &TestApp, key: &str) -> crate::helpers::Res {
    let res = app
        .client
        .get(app.url("/api/v1/partner/me"))
        .header("X-Api-Key", key)
        .send()
        .await
        .unwrap();
    let status = res.status();
    let body: Value = res.json().await.unwrap_or(Value::Null);
    crate::helpers::Res { status, body }
}

async fn register(app: &TestApp, admin: &str, name: &str, scope: i64) -> crate::helpers::Res {
    app.post(
        "/api/v1/partners",
        admin,
        json!({"name": name, "scope_node_id": scope}),
    )
    .await
}

async fn a_district_admin_registers_a_partner_whose_key_works(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.login("admin").await;
    let (_, street, _) = tree(&app, &admin).await;
    let res = register(&app, &admin, "云家园", street).await;
    let body = res.expect(201).clone();
    assert_eq!(body["partner"]["name"], "云家园");
    assert_eq!(body["partner"]["status"], "active");
    let key = body["key"]["api_key"].as_str().unwrap().to_owned();
    let key_id = body["key"]["key_id"].as_str().unwrap();
    assert!(key.starts_with(&format!("lk_{key_id}_")));

    // The key names its partner, by either header.
    assert_eq!(me(&app, &key).await.expect(200)["name"], "云家园");
    let bearer = app.get("/api/v1/partner/me", &key).await;
    assert_eq!(bearer.expect(200)["scope_node_id"], street);

    // Listed with its keys, never with a secret.
    let list = app.get("/api/v1/partners", &admin).await;
    let listed = list.expect(200).to_string();
    assert!(listed.contains(key_id) && !listed.contains(&key));

    // The name is unique; a wrong secret, a made-up key or none at all is 401.
    register(&app, &admin, "云家园", street).await.expect(409);
    let wrong = format!("{}x", &key[..key.len() - 1]);
    for bad in [wrong.as_str(), "lk_nope", ""] {
        let res = me(&app, bad).await;
        res.expect(401);
        assert_eq!(res.body["error"]["code"], "partner.invalid_key", "{bad}");
    }
}

async fn keys_rotate_and_revoke_and_partners_suspend(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.login("admin").await;
    let (_, _, community) = tree(&app, &admin).await;
    let body = register(&app, &admin, "社区服务平台", community)
        .await
        .expect(201)
        .clone();
    let id = body["partner"]["id"].as_i64().unwrap();
    let first = body["key"]["api_key"].as_str().unwrap().to_owned();
    let first_row = body["key"]["id"].as_i64().unwrap();

    // Rotation: both keys work until the old one is revoked.
    let added = app
        .post(&format!("/api/v1/partners/{id}/keys"), &admin, json!({}))
        .await;
    let second = added.expect(201)["api_key"].as_str().unwrap().to_owned();
    me(&app, &first).await.expect(200);
    me(&app, &second).await.expect(200);
    let res = app
        .call(
            Method::DELETE,
            &format!("/api/v1/partners/{id}/keys/{first_row}"),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(res.status, 204);
    me(&app, &first).await.expect(401);
    me(&app, &second).await.expect(200);

    // Suspended, its keys are refused as such; resumed, they work again.
    let res = app
        .post(&format!("/api/v1/partners/{id}/suspend"), &admin, json!({}))
        .await;
    assert_eq!(res.expect(200)["status"], "suspended");
    let res = me(&app, &second).await;
    res.expect(403);
    assert_eq!(res.body["error"]["code"], "partner.suspended");
    app.post(&format!("/api/v1/partners/{id}/resume"), &admin, json!({}))
        .await
        .expect(200);
    me(&app, &second).await.expect(200);
}

async fn only_district_admins_register_partners_of_streets_and_communities(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.login("admin").await;
    let (district, street, community) = tree(&app, &admin).await;
    // Street staff, community staff: not theirs to do.
    for who in ["street", "community"] {
        let token = app.login(who).await;
        let res = register(&app, &token, "某平台", street).await;
        res.expect(403);
        assert_eq!(res.code(), "partner.forbidden");
        app.get("/api/v1/partners", &token).await.expect(403);
    }
    // A district or a grid is no scope; nor is a node that does not exist; a name is required.
    let grid = app
        .get(&format!("/api/v1/org/nodes/{community}"), &admin)
        .await
        .expect(200)["children"][0]["id"]
        .as_i64()
        .unwrap();
    for scope in [district, grid, 999_999] {
        let res = register(&app, &admin, "某平台", scope).await;
        res.expect(422);
        assert_eq!(res.body["error"]["details"][0]["field"], "scope_node_id");
    }
    let res = register(&app, &admin, " ", street).await;
    res.expect(422);
    assert_eq!(res.body["error"]["details"][0]["field"], "name");
    // Nothing was stored.
    let list = app.get("/api/v1/partners", &admin).await;
    assert!(list.expect(200)["items"].as_array().unwrap().is_empty());
}
