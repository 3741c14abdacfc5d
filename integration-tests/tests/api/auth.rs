use reqwest::Method;
use serde_json::json;

use crate::helpers::{Backend, PASSWORD, Spawn, spawn_app, spawn_with};
use crate::on_both_backends;

on_both_backends!(
    login_refresh_rotation_and_logout,
    wrong_passwords_and_tokens_are_401,
    expired_access_tokens_are_refused_by_the_clock,
    dev_login_is_off_unless_enabled,
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
