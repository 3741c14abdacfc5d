//! Several instances on one database, started together: a deployment that scales out.

use futures_util::future::join_all;
use reqwest::Method;
use serde_json::json;

use crate::helpers::{Backend, Spawn, spawn_instances, submit};
use crate::on_both_backends;

on_both_backends!(instances_started_together_seed_once_and_serve_as_one);

async fn instances_started_together_seed_once_and_serve_as_one(backend: Backend) {
    let apps = spawn_instances(backend, Spawn::default(), 3).await;
    for app in &apps {
        app.call(Method::GET, "/readyz", None, None)
            .await
            .expect(200);
    }

    // The categories and the demo community exist once, whoever seeded them.
    let categories = apps[1]
        .call(Method::GET, "/api/v1/categories", None, None)
        .await;
    assert_eq!(categories.expect(200)["items"].as_array().unwrap().len(), 6);
    let admin = apps[2].login("admin").await;
    let roots = apps[2].get("/api/v1/org/roots", &admin).await;
    let roots = roots.expect(200)["items"].as_array().unwrap().clone();
    assert_eq!(roots.len(), 1, "{roots:?}");
    let district = apps[0]
        .get(&format!("/api/v1/org/nodes/{}", roots[0]["id"]), &admin)
        .await;
    assert_eq!(
        district.expect(200)["children"].as_array().unwrap().len(),
        1
    );

    // A token from one instance is good on the others (one signing secret), and what one
    // instance writes the others read.
    let resident = apps[0].resident("demo-resident-1").await;
    let community = apps[1].login("community").await;
    let id = submit(&apps[0], &resident, "property", "DX-01-2").await;
    for app in &apps {
        assert_eq!(app.timeline(id, &community).await, ["request.submitted"]);
    }

    // Two instances dispatching at once: one wins, the other is told it lost.
    let path = format!("/api/v1/requests/{id}/dispatch");
    let results = join_all(
        apps.iter()
            .map(|app| app.post(&path, &community, json!({}))),
    )
    .await;
    let won = results.iter().filter(|r| r.status == 200).count();
    assert_eq!(won, 1, "{results:?}");
    for r in results.iter().filter(|r| r.status != 200) {
        assert_eq!(r.status, 409, "{r:?}");
    }
    let events = apps[2].timeline(id, &community).await;
    assert_eq!(events, ["request.submitted", "request.dispatched"]);
}
