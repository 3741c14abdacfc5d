use reqwest::Method;
use serde_json::json;

use crate::helpers::{Backend, PASSWORD, Spawn, spawn_app, spawn_with};
use crate::on_both_backends;

on_both_backends!(
    login_refresh_rotation_and_logout,
    wrong_passwords_and_tokens_are_401,
    expired_access_tokens_are_refused_by_the_clock,
    dev_login_is_off_unless_enabled,
    the_cli_creates_the_first_admin,
    the_cli_starts_a_deployment_with_its_district,
);

async fn login_refresh_rotation_and_logout(backend: Backend) {
    let app = spawn_app(backend).await;
    let res = app
        .call(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"username": "community", "password": PASSWORD})),
        )
        .await;
    let pair = res.expect(200).clone();
    assert_eq!(pair["token_type"], "Bearer");
    assert_eq!(pair["expires_in"], 900);
    let access = pair["access_token"].as_str().unwrap();
    let me = app.get("/api/v1/me", access).await;
    assert_eq!(me.expect(200)["username"], "community");
    assert_eq!(me.body["roles"][0]["role"], "community_staff");
    assert_eq!(me.body["roles"][0]["node_name"], "大兴东路社区");

    // Rotation: the first refresh works, the second use of the same token revokes the family.
    let first = pair["refresh_token"].clone();
    let res = app
        .call(
            Method::POST,
            "/api/v1/auth/refresh",
            None,
            Some(json!({"refresh_token": first})),
        )
        .await;
    let second = res.expect(200)["refresh_token"].clone();
    assert_ne!(first, second);
    let res = app
        .call(
            Method::POST,
            "/api/v1/auth/refresh",
            None,
            Some(json!({"refresh_token": first})),
        )
        .await;
    res.expect(401);
    assert_eq!(res.code(), "auth.invalid_refresh_token");
    // ... and the token issued in between is dead too.
    let res = app
        .call(
            Method::POST,
            "/api/v1/auth/refresh",
            None,
            Some(json!({"refresh_token": second})),
        )
        .await;
    res.expect(401);

    // Logout ends the session.
    let res = app
        .call(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"username": "grid1", "password": PASSWORD})),
        )
        .await;
    let refresh = res.expect(200)["refresh_token"].clone();
    app.call(
        Method::POST,
        "/api/v1/auth/logout",
        None,
        Some(json!({"refresh_token": refresh})),
    )
    .await
    .expect(204);
    let res = app
        .call(
            Method::POST,
            "/api/v1/auth/refresh",
            None,
            Some(json!({"refresh_token": refresh})),
        )
        .await;
    res.expect(401);
}

async fn wrong_passwords_and_tokens_are_401(backend: Backend) {
    let app = spawn_app(backend).await;
    for (user, pw) in [("community", "wrong-password"), ("nobody", PASSWORD)] {
        let res = app
            .call(
                Method::POST,
                "/api/v1/auth/login",
                None,
                Some(json!({"username": user, "password": pw})),
            )
            .await;
        res.expect(401);
        assert_eq!(res.code(), "auth.invalid_credentials");
    }
    let res = app.call(Method::GET, "/api/v1/me", None, None).await;
    res.expect(401);
    assert_eq!(res.code(), "auth.unauthenticated");
    let res = app.get("/api/v1/me", "not-a-token").await;
    res.expect(401);
}

async fn expired_access_tokens_are_refused_by_the_clock(backend: Backend) {
    let app = spawn_app(backend).await;
    let token = app.login("street").await;
    app.get("/api/v1/me", &token).await.expect(200);
    app.clock.advance(chrono::Duration::minutes(16));
    let res = app.get("/api/v1/me", &token).await;
    res.expect(401);
    assert_eq!(res.code(), "auth.token_expired");
}

async fn dev_login_is_off_unless_enabled(backend: Backend) {
    let app = spawn_with(
        backend,
        Spawn {
            no_dev_login: true,
            ..Spawn::default()
        },
    )
    .await;
    let res = app
        .call(
            Method::POST,
            "/api/v1/auth/dev/login",
            None,
            Some(json!({"openid": "x"})),
        )
        .await;
    res.expect(404);
    drop(app);
}

async fn the_cli_creates_the_first_admin(backend: Backend) {
    use linli_api::cli::{AddUser, add_user};
    let app = spawn_app(backend).await;
    let settings = app.settings();
    let added = add_user(
        &settings,
        AddUser {
            username: "ops".into(),
            role: "street_staff".into(),
            node: "莲湖区/红庙坡街道".into(),
            name: Some("运维".into()),
            password: None,
        },
    )
    .await
    .unwrap();
    assert_eq!(added.node_name, "红庙坡街道");
    let password = added.generated_password.expect("generated and shown once");
    let res = app
        .call(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"username": "ops", "password": password})),
        )
        .await;
    let token = res.expect(200)["access_token"].as_str().unwrap().to_owned();
    let me = app.get("/api/v1/me", &token).await;
    assert_eq!(me.expect(200)["roles"][0]["role"], "street_staff");

    // A role bound to the wrong kind of node, an unknown node, a taken name: refused, nothing stored.
    for (username, role, node) in [
        ("ops2", "street_staff", "莲湖区"),
        ("ops3", "community_staff", "莲湖区/没有这个街道"),
        ("ops", "street_staff", "莲湖区/红庙坡街道"),
    ] {
        let e = add_user(
            &settings,
            AddUser {
                username: username.into(),
                role: role.into(),
                node: node.into(),
                name: None,
                password: Some("long-enough-1".into()),
            },
        )
        .await
        .unwrap_err();
        assert!(!e.to_string().is_empty());
    }
    let res = app
        .call(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"username": "ops2", "password": "long-enough-1"})),
        )
        .await;
    res.expect(401);
}

async fn the_cli_starts_a_deployment_with_its_district(backend: Backend) {
    use linli_api::cli::{AddUser, add_district, add_user};
    let app = spawn_app(backend).await;
    let settings = app.settings();

    // Two operators creating the same district at once: one district.
    let (a, b) = tokio::join!(
        add_district(&settings, " 碑林区 "),
        add_district(&settings, "碑林区")
    );
    let district = match (a, b) {
        (Ok(d), Err(e)) | (Err(e), Ok(d)) => {
            assert!(e.to_string().contains("碑林区"), "{e}");
            d
        }
        other => panic!("exactly one district is created: {other:?}"),
    };
    assert_eq!(district.name, "碑林区");
    // The demo's district exists already; a name must be one line.
    assert!(add_district(&settings, "莲湖区").await.is_err());
    assert!(add_district(&settings, "两行\n名字").await.is_err());

    // Its first admin, who sees it as their root.
    add_user(
        &settings,
        AddUser {
            username: "beilin".into(),
            role: "district_admin".into(),
            node: "碑林区".into(),
            name: None,
            password: Some("long-enough-1".into()),
        },
    )
    .await
    .unwrap();
    let res = app
        .call(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"username": "beilin", "password": "long-enough-1"})),
        )
        .await;
    let token = res.expect(200)["access_token"].as_str().unwrap().to_owned();
    let roots = app.get("/api/v1/org/roots", &token).await;
    let roots = roots.expect(200)["items"].as_array().unwrap().clone();
    assert_eq!(roots.len(), 1);
    assert_eq!(roots[0]["id"], district.id.0);
    assert_eq!(roots[0]["kind"], "district");
}
