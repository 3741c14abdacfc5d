//! Accounts and roles, managed by admins within their subtrees.

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{Backend, TestApp, spawn_app};
use crate::on_both_backends;
use crate::org::{building_id, card, demo_ids, second_street};

on_both_backends!(
    admins_create_accounts_that_log_in_with_their_password,
    who_may_grant_which_role_where,
    bad_bodies_list_every_field_and_store_nothing,
    deactivated_accounts_cannot_log_in,
    contact_phones_are_set_changed_and_removed,
    roles_are_granted_and_revoked_within_scope,
    lists_hold_the_accounts_of_the_subtree_a_page_at_a_time,
);

async fn login_as(app: &TestApp, username: &str, password: &str) -> crate::helpers::Res {
    app.call(
        Method::POST,
        "/api/v1/auth/login",
        None,
        Some(json!({"username": username, "password": password})),
    )
    .await
}

/// The id of an account, as the district admin lists it.
async fn user_id(app: &TestApp, username: &str) -> i64 {
    let admin = app.login("admin").await;
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(c) => format!("/api/v1/users?limit=200&cursor={c}"),
            None => "/api/v1/users?limit=200".to_owned(),
        };
        let page = app.get(&path, &admin).await.expect(200).clone();
        if let Some(u) = page["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["username"] == username)
        {
            return u["id"].as_i64().unwrap();
        }
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => panic!("no account {username}"),
        }
    }
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

fn usernames(list: &Value) -> Vec<String> {
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|u| u["username"].as_str().map(str::to_owned))
        .collect()
}

async fn admins_create_accounts_that_log_in_with_their_password(backend: Backend) {
    let app = spawn_app(backend).await;
    let community = app.login("community").await;
    let building = building_id(&app, &community, "DX-01-2").await;
    let res = app
        .post(
            "/api/v1/users",
            &community,
            json!({
                "username": "butler-txdsh-2", "display_name": " 钱兴管家 ",
                "password": "qian-password-1", "contact_phone": "139 9290 0102",
                "roles": [{"role": "butler", "node_id": building}]
            }),
        )
        .await;
    let user = res.expect(201).clone();
    assert_eq!(user["username"], "butler-txdsh-2");
    assert_eq!(user["display_name"], "钱兴管家");
    assert_eq!(user["contact_phone"], "13992900102");
    assert_eq!(user["active"], true);
    assert_eq!(user["roles"][0]["role"], "butler");
    assert_eq!(user["roles"][0]["node_id"], building);
    assert_eq!(user["roles"][0]["node_name"], "2号楼");
    assert!(user.get("password").is_none() && user.get("password_hash").is_none());
    let id = user["id"].as_i64().unwrap();

    // The password given works; the account is theirs. The role alone puts nobody on the
    // building's card: its butler team does (see butlers.rs).
    let token = login_as(&app, "butler-txdsh-2", "qian-password-1").await;
    let token = token.expect(200)["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let me = app.get("/api/v1/me", &token).await;
    assert_eq!(me.expect(200)["id"], id);
    let shown = card(&app, "DX-01-2").await["butlers"].to_string();
    assert!(!shown.contains("钱兴管家"), "{shown}");
    login_as(&app, "butler-txdsh-2", "wrong-password")
        .await
        .expect(401);

    let res = app.get(&format!("/api/v1/users/{id}"), &community).await;
    assert_eq!(res.expect(200)["username"], "butler-txdsh-2");

    // Usernames are unique.
    let res = app
        .post(
            "/api/v1/users",
            &community,
            json!({
                "username": "grid1", "display_name": "重名", "password": "some-password",
                "roles": [{"role": "volunteer", "node_id": card(&app, "DX-01-1").await["community"]["id"]}]
            }),
        )
        .await;
    res.expect(409);
    assert_eq!(res.code(), "conflict.duplicate");
    assert_eq!(res.body["error"]["details"]["field"], "username");

    // Street staff give a property company its staff.
    let street = app.login("street").await;
    let companies = app.get("/api/v1/property-companies", &street).await;
    let company = companies.expect(200)["items"][0]["id"].clone();
    let res = app
        .post(
            "/api/v1/users",
            &street,
            json!({
                "username": "wy-tianxing-2", "display_name": "天兴物业维修员",
                "password": "tianxing-password",
                "roles": [{"role": "property_staff", "company_id": company}]
            }),
        )
        .await;
    let staff = res.expect(201).clone();
    assert_eq!(staff["roles"][0]["company_id"], company);
    assert_eq!(staff["roles"][0]["node_id"], Value::Null);
}

async fn who_may_grant_which_role_where(backend: Backend) {
    let app = spawn_app(backend).await;
    let (district, street_id, community_id) = demo_ids(&app).await;
    let (_, _, _, _, other_building) = second_street(&app).await;
    let community = app.login("community").await;
    let building = building_id(&app, &community, "DX-01-1").await;
    let grid = card(&app, "DX-01-1").await["grid"]["id"].as_i64().unwrap();
    let body = |username: &str, role: Value| json!({"username": username, "display_name": "新账号", "password": "new-password-1", "roles": [role]});

    // Community staff grant no role that outranks theirs, and none outside their community.
    for (username, role) in [
        (
            "new-s1",
            json!({"role": "street_staff", "node_id": street_id}),
        ),
        (
            "new-d1",
            json!({"role": "district_admin", "node_id": district}),
        ),
        (
            "new-b1",
            json!({"role": "butler", "node_id": other_building}),
        ),
        ("new-b2", json!({"role": "butler", "node_id": 999_999})),
    ] {
        let res = app
            .post("/api/v1/users", &community, body(username, role))
            .await;
        res.expect(403);
        assert_eq!(res.code(), "user.forbidden", "{username}");
    }
    // Property staff of a company registered on the street are beyond them too.
    let companies = app.get("/api/v1/property-companies", &community).await;
    let company = companies.expect(200)["items"][0]["id"].clone();
    let res = app
        .post(
            "/api/v1/users",
            &community,
            body(
                "new-p1",
                json!({"role": "property_staff", "company_id": company}),
            ),
        )
        .await;
    res.expect(403);

    // A role bound to the wrong kind of node.
    let res = app
        .post(
            "/api/v1/users",
            &community,
            body(
                "new-g1",
                json!({"role": "grid_worker", "node_id": building}),
            ),
        )
        .await;
    res.expect(422);
    assert_eq!(res.code(), "user.role_node_mismatch");
    assert_eq!(res.body["error"]["details"]["expected"], "grid");
    // Residents come in through WeChat.
    let res = app
        .post(
            "/api/v1/users",
            &community,
            body("new-r1", json!({"role": "resident", "node_id": building})),
        )
        .await;
    res.expect(422);
    assert_eq!(
        fields(&res.body),
        [("roles[0].role".to_owned(), "not_allowed".to_owned())]
    );

    // Peers and field roles in their own community are theirs to grant.
    for (username, role) in [
        (
            "new-c2",
            json!({"role": "community_staff", "node_id": community_id}),
        ),
        ("new-g2", json!({"role": "grid_worker", "node_id": grid})),
        (
            "new-v4",
            json!({"role": "volunteer", "node_id": community_id}),
        ),
    ] {
        let res = app
            .post("/api/v1/users", &community, body(username, role))
            .await;
        res.expect(201);
    }
    // Street staff may make community staff and street staff, but not a district admin.
    let street = app.login("street").await;
    let res = app
        .post(
            "/api/v1/users",
            &street,
            body(
                "new-s2",
                json!({"role": "street_staff", "node_id": street_id}),
            ),
        )
        .await;
    res.expect(201);
    let res = app
        .post(
            "/api/v1/users",
            &street,
            body(
                "new-d2",
                json!({"role": "district_admin", "node_id": district}),
            ),
        )
        .await;
    res.expect(403);

    // Field roles administer nothing.
    let grid1 = app.login("grid1").await;
    let res = app
        .post(
            "/api/v1/users",
            &grid1,
            body("new-b3", json!({"role": "butler", "node_id": building})),
        )
        .await;
    res.expect(403);
    assert_eq!(res.code(), "user.forbidden");

    // Nothing refused was stored.
    for username in [
        "new-s1", "new-d1", "new-b1", "new-b2", "new-p1", "new-g1", "new-r1", "new-d2", "new-b3",
    ] {
        let res = login_as(&app, username, "new-password-1").await;
        res.expect(401);
    }
    login_as(&app, "new-g2", "new-password-1").await.expect(200);

    // In English on request.
    let res = app
        .client
        .post(app.url("/api/v1/users"))
        .bearer_auth(&community)
        .header("Accept-Language", "en-GB,en;q=0.9")
        .json(&body(
            "new-s9",
            json!({"role": "street_staff", "node_id": street_id}),
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    let b: Value = res.json().await.unwrap();
    assert_eq!(
        b["error"]["message"],
        "You may not grant or manage this role or account"
    );
}

async fn bad_bodies_list_every_field_and_store_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    let community = app.login("community").await;
    let res = app
        .post(
            "/api/v1/users",
            &community,
            json!({
                "username": "ab", "display_name": "  ", "password": "short",
                "contact_phone": "12345",
                "roles": [
                    {"role": "butler"},
                    {"role": "property_staff", "node_id": 3},
                    {"role": "mayor", "node_id": 3},
                    {"role": "volunteer", "node_id": 3, "company_id": 1}
                ]
            }),
        )
        .await;
    res.expect(422);
    assert_eq!(res.code(), "validation.failed");
    let got = fields(&res.body);
    let want = [
        ("username", "too_short"),
        ("display_name", "empty"),
        ("password", "too_short"),
        ("contact_phone", "invalid_format"),
        ("roles[0].node_id", "required"),
        ("roles[1].node_id", "not_allowed"),
        ("roles[1].company_id", "required"),
        ("roles[2].role", "invalid_value"),
        ("roles[3].company_id", "not_allowed"),
    ]
    .map(|(f, c)| (f.to_owned(), c.to_owned()));
    assert_eq!(got, want);
    login_as(&app, "ab", "short").await.expect(401);

    let res = app
        .post("/api/v1/users", &community, json!({"roles": []}))
        .await;
    res.expect(422);
    let got = fields(&res.body);
    let want = [
        ("username", "required"),
        ("display_name", "required"),
        ("password", "required"),
        ("roles", "empty"),
    ]
    .map(|(f, c)| (f.to_owned(), c.to_owned()));
    assert_eq!(got, want);

    // The list is as it was.
    let before = usernames(&app.get("/api/v1/users?limit=200", &community).await.body);
    assert!(!before.contains(&"ab".to_owned()));
    assert!(before.contains(&"grid1".to_owned()));
}

async fn contact_phones_are_set_changed_and_removed(backend: Backend) {
    let app = spawn_app(backend).await;
    let community = app.login("community").await;
    let path = format!("/api/v1/users/{}", user_id(&app, "grid1").await);
    let workers = |c: Value| c["grid"]["grid_workers"].clone();
    assert_eq!(
        workers(card(&app, "DX-01-1").await),
        json!([{"display_name": "王网格员", "contact_phone": "13892900001"}])
    );
    let patch = |body: Value| app.call(Method::PATCH, &path, Some(&community), Some(body));

    // Changed (normalised), left alone by a patch that does not name it, then removed.
    let res = patch(json!({"contact_phone": "029-8861 2345"})).await;
    assert_eq!(res.expect(200)["contact_phone"], "029-88612345");
    let res = patch(json!({"display_name": "王网格员"})).await;
    assert_eq!(res.expect(200)["contact_phone"], "029-88612345");
    assert_eq!(
        workers(card(&app, "DX-01-1").await)[0]["contact_phone"],
        "029-88612345"
    );
    let res = patch(json!({"contact_phone": null})).await;
    assert_eq!(res.expect(200)["contact_phone"], Value::Null);
    assert_eq!(
        workers(card(&app, "DX-01-1").await),
        json!([{"display_name": "王网格员", "contact_phone": null}])
    );

    // A number that is none is refused and changes nothing.
    let res = patch(json!({"contact_phone": "110"})).await;
    res.expect(422);
    assert_eq!(
        fields(&res.body),
        [("contact_phone".to_owned(), "invalid_format".to_owned())]
    );
    let res = app.get(&path, &community).await;
    assert_eq!(res.expect(200)["contact_phone"], Value::Null);
}

async fn deactivated_accounts_cannot_log_in(backend: Backend) {
    let app = spawn_app(backend).await;
    let community = app.login("community").await;
    let grid1_id = user_id(&app, "grid1").await;
    let path = format!("/api/v1/users/{grid1_id}");
    let grid1 = app.login("grid1").await;

    let res = app
        .call(
            Method::PATCH,
            &path,
            Some(&community),
            Some(json!({"active": false, "display_name": "王网格员(停用)"})),
        )
        .await;
    let u = res.expect(200);
    assert_eq!(u["active"], false);
    assert_eq!(u["display_name"], "王网格员(停用)");
    let res = login_as(&app, "grid1", crate::helpers::PASSWORD).await;
    res.expect(403);
    assert_eq!(res.code(), "auth.account_disabled");
    // The token they already hold stops working too.
    let res = app.get("/api/v1/me", &grid1).await;
    res.expect(403);
    assert_eq!(res.code(), "auth.account_disabled");
    // Gone from the building card's grid workers.
    assert_eq!(
        card(&app, "DX-01-1").await["grid"]["grid_workers"],
        json!([])
    );

    // Reactivated, with a new password.
    let res = app
        .call(
            Method::PATCH,
            &path,
            Some(&community),
            Some(json!({"active": true, "password": "a-new-password"})),
        )
        .await;
    assert_eq!(res.expect(200)["active"], true);
    login_as(&app, "grid1", crate::helpers::PASSWORD)
        .await
        .expect(401);
    login_as(&app, "grid1", "a-new-password").await.expect(200);

    // Nobody deactivates themselves; bad fields are listed.
    let me = app.get("/api/v1/me", &community).await.expect(200)["id"]
        .as_i64()
        .unwrap();
    let res = app
        .call(
            Method::PATCH,
            &format!("/api/v1/users/{me}"),
            Some(&community),
            Some(json!({"active": false})),
        )
        .await;
    res.expect(422);
    assert_eq!(res.code(), "user.cannot_deactivate_self");
    let res = app
        .call(
            Method::PATCH,
            &path,
            Some(&community),
            Some(json!({"display_name": "", "password": "short"})),
        )
        .await;
    res.expect(422);
    let got = fields(&res.body);
    assert_eq!(got.len(), 2, "{got:?}");

    // Accounts above them do not exist for them; field roles manage nobody.
    let street_id = user_id(&app, "street").await;
    let res = app
        .call(
            Method::PATCH,
            &format!("/api/v1/users/{street_id}"),
            Some(&community),
            Some(json!({"active": false})),
        )
        .await;
    res.expect(404);
    assert_eq!(res.code(), "user.not_found");
    let grid2 = app.login("grid2").await;
    let res = app
        .call(
            Method::PATCH,
            &path,
            Some(&grid2),
            Some(json!({"active": false})),
        )
        .await;
    res.expect(404);

    // Street staff who also butler here are seen by the community, but not theirs to manage:
    // no taking over an account that outranks you by setting its password.
    let admin = app.login("admin").await;
    let building = building_id(&app, &admin, "DX-01-2").await;
    app.post(
        &format!("/api/v1/users/{street_id}/roles"),
        &admin,
        json!({"role": "butler", "node_id": building}),
    )
    .await
    .expect(201);
    let res = app
        .get(&format!("/api/v1/users/{street_id}"), &community)
        .await;
    assert_eq!(res.expect(200)["roles"].as_array().unwrap().len(), 2);
    let res = app
        .call(
            Method::PATCH,
            &format!("/api/v1/users/{street_id}"),
            Some(&community),
            Some(json!({"password": "taken-over-1"})),
        )
        .await;
    res.expect(403);
    assert_eq!(res.code(), "user.forbidden");
    app.login("street").await;
}

async fn roles_are_granted_and_revoked_within_scope(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, _, community_id) = demo_ids(&app).await;
    let community = app.login("community").await;
    let id = user_id(&app, "butler-txdsh-1").await;
    let roles = format!("/api/v1/users/{id}/roles");

    let res = app
        .post(
            &roles,
            &community,
            json!({"role": "volunteer", "node_id": community_id}),
        )
        .await;
    let role = res.expect(201).clone();
    assert_eq!(role["role"], "volunteer");
    assert_eq!(role["node_name"], "大兴东路社区");
    let res = app
        .post(
            &roles,
            &community,
            json!({"role": "volunteer", "node_id": community_id}),
        )
        .await;
    res.expect(409);
    assert_eq!(res.code(), "user.role_exists");
    let res = app
        .post(&roles, &community, json!({"role": "street_staff"}))
        .await;
    res.expect(422);
    assert_eq!(
        fields(&res.body),
        [("node_id".to_owned(), "required".to_owned())]
    );

    let user = app.get(&format!("/api/v1/users/{id}"), &community).await;
    let held = user.expect(200)["roles"].as_array().unwrap().clone();
    assert_eq!(held.len(), 2);

    // Revoke the volunteer role; the last role stays (deactivate instead).
    let res = app
        .call(
            Method::DELETE,
            &format!("{roles}/{}", role["id"]),
            Some(&community),
            None,
        )
        .await;
    res.expect(204);
    let res = app
        .call(
            Method::DELETE,
            &format!("{roles}/{}", role["id"]),
            Some(&community),
            None,
        )
        .await;
    res.expect(404);
    assert_eq!(res.code(), "user.role_not_found");
    let res = app
        .call(
            Method::DELETE,
            &format!("{roles}/{}", held[0]["id"]),
            Some(&community),
            None,
        )
        .await;
    res.expect(422);
    assert_eq!(res.code(), "user.last_role");

    // A role above them cannot be revoked by them, even on an account they see.
    let admin = app.login("admin").await;
    let street_id = user_id(&app, "street").await;
    let building = building_id(&app, &admin, "DX-01-3").await;
    app.post(
        &format!("/api/v1/users/{street_id}/roles"),
        &admin,
        json!({"role": "butler", "node_id": building}),
    )
    .await
    .expect(201);
    let street_roles = app
        .get(&format!("/api/v1/users/{street_id}"), &community)
        .await
        .expect(200)["roles"]
        .as_array()
        .unwrap()
        .clone();
    let (staff_role, butler_role) = (&street_roles[0], &street_roles[1]);
    assert_eq!(staff_role["role"], "street_staff");
    let res = app
        .call(
            Method::DELETE,
            &format!("/api/v1/users/{street_id}/roles/{}", staff_role["id"]),
            Some(&community),
            None,
        )
        .await;
    res.expect(403);
    assert_eq!(res.code(), "user.forbidden");
    // ... but the butler role on their building is theirs to revoke.
    let res = app
        .call(
            Method::DELETE,
            &format!("/api/v1/users/{street_id}/roles/{}", butler_role["id"]),
            Some(&community),
            None,
        )
        .await;
    res.expect(204);
    // And now the account is out of their sight again.
    let res = app
        .get(&format!("/api/v1/users/{street_id}"), &community)
        .await;
    res.expect(404);
    assert_eq!(res.code(), "user.not_found");
}

async fn lists_hold_the_accounts_of_the_subtree_a_page_at_a_time(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, street_id, _) = demo_ids(&app).await;
    let community = app.login("community").await;
    let all = app.get("/api/v1/users?limit=200", &community).await;
    let names = usernames(all.expect(200));
    for inside in [
        "community",
        "grid1",
        "grid3",
        "butler-txdsh-1",
        "volunteer-1",
    ] {
        assert!(names.contains(&inside.to_owned()), "{inside} in {names:?}");
    }
    // Staff above them, and property staff of companies registered on the street, are not.
    for outside in ["admin", "street", "wy-tianxing"] {
        assert!(
            !names.contains(&outside.to_owned()),
            "{outside} in {names:?}"
        );
    }
    assert_eq!(all.body["next_cursor"], Value::Null);
    let street = app.login("street").await;
    let names_street = usernames(
        app.get("/api/v1/users?limit=200", &street)
            .await
            .expect(200),
    );
    assert!(names_street.contains(&"wy-tianxing".to_owned()));
    assert!(names_street.contains(&"street".to_owned()));

    // Pages follow each other without overlap.
    let total = all.body["items"].as_array().unwrap().len();
    let mut seen = Vec::new();
    let mut path = "/api/v1/users?limit=3".to_owned();
    loop {
        let page = app.get(&path, &community).await.expect(200).clone();
        let items = page["items"].as_array().unwrap();
        assert!(items.len() <= 3);
        seen.extend(items.iter().map(|u| u["id"].as_i64().unwrap()));
        match page["next_cursor"].as_str() {
            Some(c) => path = format!("/api/v1/users?limit=3&cursor={c}"),
            None => break,
        }
    }
    let mut unique = seen.clone();
    unique.dedup();
    assert_eq!(seen.len(), total);
    assert_eq!(unique, seen);
    assert!(seen.windows(2).all(|w| w[0] < w[1]));

    // A narrower subtree: grid 1 holds its worker and the butlers of its buildings.
    let grid = card(&app, "DX-01-1").await["grid"]["id"].as_i64().unwrap();
    let res = app
        .get(&format!("/api/v1/users?node_id={grid}"), &community)
        .await;
    let names = usernames(res.expect(200));
    assert!(names.contains(&"grid1".to_owned()));
    assert!(names.contains(&"butler-txdsh-1".to_owned()));
    assert!(!names.contains(&"grid2".to_owned()));
    assert!(!names.contains(&"community".to_owned()));

    // Above them, unknown, bad paging, no admin role.
    let res = app
        .get(&format!("/api/v1/users?node_id={street_id}"), &community)
        .await;
    res.expect(403);
    assert_eq!(res.code(), "user.forbidden");
    let res = app.get("/api/v1/users?node_id=999999", &community).await;
    res.expect(404);
    assert_eq!(res.code(), "org.node_not_found");
    let res = app
        .get("/api/v1/users?limit=0&cursor=abc", &community)
        .await;
    res.expect(422);
    assert_eq!(
        fields(&res.body),
        [
            ("limit".to_owned(), "out_of_range".to_owned()),
            ("cursor".to_owned(), "invalid".to_owned())
        ]
    );
    let grid1 = app.login("grid1").await;
    let res = app.get("/api/v1/users", &grid1).await;
    res.expect(403);
    assert_eq!(res.code(), "user.forbidden");
    let admin_id = user_id(&app, "admin").await;
    let res = app
        .get(&format!("/api/v1/users/{admin_id}"), &community)
        .await;
    res.expect(404);
    assert_eq!(res.code(), "user.not_found");
}
