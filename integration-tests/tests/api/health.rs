use reqwest::Method;
use serde_json::json;

use crate::helpers::{Backend, spawn_app};
use crate::on_both_backends;

on_both_backends!(
    health_and_readiness_answer,
    unknown_routes_and_bad_bodies_use_the_envelope
);

async fn health_and_readiness_answer(backend: Backend) {
    let app = spawn_app(backend).await;
    let res = app.call(Method::GET, "/healthz", None, None).await;
    assert_eq!(res.expect(200)["status"], "ok");
    let res = app.call(Method::GET, "/readyz", None, None).await;
    assert_eq!(res.expect(200)["status"], "ok");
    let res = app.call(Method::GET, "/openapi.json", None, None).await;
    assert!(res.expect(200)["paths"]["/api/v1/auth/login"].is_object());
}

async fn unknown_routes_and_bad_bodies_use_the_envelope(backend: Backend) {
    let app = spawn_app(backend).await;
    let res = app
        .call(Method::GET, "/api/v1/nothing-here", None, None)
        .await;
    res.expect(404);
    assert_eq!(res.code(), "route.not_found");
    assert_eq!(res.body["error"]["message"], "请求的地址不存在");

    // A known path with the wrong method is 405, in the envelope.
    let res = app
        .call(Method::DELETE, "/api/v1/requests/1/claim", None, None)
        .await;
    res.expect(405);
    assert_eq!(res.code(), "route.method_not_allowed");
    assert_eq!(res.body["error"]["details"]["allow"], "POST");

    let res = app
        .client
        .get(app.url("/api/v1/nothing-here"))
        .header("Accept-Language", "en-US,en;q=0.9")
        .send()
        .await
        .unwrap();
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["error"]["message"], "No such route");

    // Malformed JSON is 400; the right JSON with a wrong type is 422 naming the field.
    let res = app
        .client
        .post(app.url("/api/v1/auth/login"))
        .header("content-type", "application/json")
        .body("{\"username\": ")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["error"]["code"], "request.malformed_json");

    let res = app
        .call(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"username": 5, "password": "x"})),
        )
        .await;
    res.expect(422);
    assert_eq!(res.code(), "validation.failed");
    assert_eq!(res.body["error"]["details"][0]["field"], "username");
    assert_eq!(res.body["error"]["details"][0]["code"], "invalid_type");

    // A body over the limit is 413 in the envelope.
    let huge = "x".repeat(200 * 1024);
    let res = app
        .call(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"username": huge, "password": "x"})),
        )
        .await;
    res.expect(413);
    assert_eq!(res.code(), "request.too_large");
}
