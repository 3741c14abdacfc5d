//! Household binding: a resident asks, the building's butler or the community decides, and the
//! approval is what lets the resident report for the household.

use futures_util::future::join_all;
use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{Backend, TestApp, spawn_app};
use crate::on_both_backends;

on_both_backends!(
    a_resident_asks_the_butler_approves_and_the_resident_reports_for_home,
    rejection_leaving_duplicates_and_scope,
    two_deciders_at_once_one_wins,
);

async fn households(app: &TestApp, token: &str, building: &str) -> Vec<Value> {
    app.get(&format!("/api/v1/buildings/{building}/households"), token)
        .await
        .expect(200)["items"]
        .as_array()
        .unwrap()
        .clone()
}

async fn report_for(app: &TestApp, token: &str, household: i64) -> crate::helpers::Res {
    app.post(
        "/api/v1/requests",
        token,
        json!({"category": "home_life", "description": "家里水管漏水", "household_id": household}),
    )
    .await
}

async fn a_resident_asks_the_butler_approves_and_the_resident_reports_for_home(backend: Backend) {
    let app = spawn_app(backend).await;
    let newcomer = app.resident("o-newcomer-1").await;
    let homes = households(&app, &newcomer, "DX-01-1").await;
    assert_eq!(homes.len(), 4);
    let home = homes[1]["id"].as_i64().unwrap();

    // Before approval: the common areas only.
    let res = report_for(&app, &newcomer, home).await;
    res.expect(403);
    assert_eq!(res.code(), "request.household_forbidden");

    let asked = app
        .post(
            "/api/v1/me/households",
            &newcomer,
            json!({"household_id": home, "note": "户主的女儿"}),
        )
        .await;
    let asked = asked.expect(201).clone();
    assert_eq!(asked["status"], "pending");
    assert_eq!(asked["household"]["building_code"], "DX-01-1");
    assert_eq!(asked["note"], "户主的女儿");
    let id = asked["id"].as_i64().unwrap();

    // The building's butler sees it in the queue and approves.
    let butler = app.login("butler-txdsh-1").await;
    let queue = app
        .get("/api/v1/household-bindings?status=pending", &butler)
        .await;
    let items = queue.expect(200)["items"].as_array().unwrap().clone();
    assert_eq!(items.len(), 1, "{items:?}");
    assert_eq!(items[0]["id"], id);
    let approved = app
        .post(
            &format!("/api/v1/household-bindings/{id}/approve"),
            &butler,
            json!({}),
        )
        .await;
    assert_eq!(approved.expect(200)["status"], "approved");

    // Now the resident reports for home, and holds the resident role on it.
    report_for(&app, &newcomer, home).await.expect(201);
    let me = app.get("/api/v1/me", &newcomer).await;
    let roles = me.expect(200)["roles"].as_array().unwrap().clone();
    assert!(
        roles
            .iter()
            .any(|r| r["role"] == "resident" && r["node_id"] == home),
        "{roles:?}"
    );
    let mine = app.get("/api/v1/me/households", &newcomer).await;
    assert_eq!(mine.expect(200)["items"][0]["status"], "approved");

    // Leaving ends it: the household is out of reach again.
    let left = app
        .call(
            Method::DELETE,
            &format!("/api/v1/me/households/{id}"),
            Some(&newcomer),
            None,
        )
        .await;
    assert_eq!(left.expect(200)["status"], "left");
    report_for(&app, &newcomer, home).await.expect(403);
    // And the demo's residents are on record as bound; leaving takes their role too.
    let demo = app.resident("demo-resident-1").await;
    let theirs = app.get("/api/v1/me/households", &demo).await;
    let theirs = theirs.expect(200)["items"][0].clone();
    assert_eq!(theirs["status"], "approved");
    let their_home = theirs["household"]["id"].as_i64().unwrap();
    report_for(&app, &demo, their_home).await.expect(201);
    let path = format!("/api/v1/me/households/{}", theirs["id"]);
    app.call(Method::DELETE, &path, Some(&demo), None)
        .await
        .expect(200);
    report_for(&app, &demo, their_home).await.expect(403);
}

async fn rejection_leaving_duplicates_and_scope(backend: Backend) {
    let app = spawn_app(backend).await;
    let resident = app.resident("o-newcomer-2").await;
    let home = households(&app, &resident, "DX-01-1").await[2]["id"]
        .as_i64()
        .unwrap();
    let ask = || {
        app.post(
            "/api/v1/me/households",
            &resident,
            json!({"household_id": home}),
        )
    };
    let id = ask().await.expect(201)["id"].as_i64().unwrap();
    let again = ask().await;
    again.expect(409);
    assert_eq!(again.code(), "binding.duplicate");

    // Another building's butler neither sees nor decides it; a grid worker has no queue.
    let other_butler = app.login("butler-wtf-1").await;
    let queue = app.get("/api/v1/household-bindings", &other_butler).await;
    assert!(queue.expect(200)["items"].as_array().unwrap().is_empty());
    let res = app
        .post(
            &format!("/api/v1/household-bindings/{id}/approve"),
            &other_butler,
            json!({}),
        )
        .await;
    res.expect(404);
    let grid = app.login("grid1").await;
    let res = app.get("/api/v1/household-bindings", &grid).await;
    res.expect(403);
    assert_eq!(res.code(), "binding.not_allowed");
    // The resident cannot approve their own.
    let res = app
        .post(
            &format!("/api/v1/household-bindings/{id}/approve"),
            &resident,
            json!({}),
        )
        .await;
    res.expect(403);

    // The community rejects, with a reason the resident reads; a rejected one cannot be left.
    let community = app.login("community").await;
    let path = format!("/api/v1/household-bindings/{id}/reject");
    let res = app.post(&path, &community, json!({"reason": ""})).await;
    res.expect(422);
    let rejected = app
        .post(&path, &community, json!({"reason": "经核实，该户无此成员"}))
        .await;
    let rejected = rejected.expect(200).clone();
    assert_eq!(rejected["status"], "rejected");
    assert_eq!(rejected["reason"], "经核实，该户无此成员");
    let res = app
        .call(
            Method::DELETE,
            &format!("/api/v1/me/households/{id}"),
            Some(&resident),
            None,
        )
        .await;
    res.expect(409);
    assert_eq!(res.code(), "binding.invalid_transition");

    // Asking again after a rejection is allowed (a new binding), and withdrawing it works.
    let second = ask().await.expect(201)["id"].as_i64().unwrap();
    assert_ne!(second, id);
    let res = app
        .call(
            Method::DELETE,
            &format!("/api/v1/me/households/{second}"),
            Some(&resident),
            None,
        )
        .await;
    assert_eq!(res.expect(200)["status"], "left");

    // Bad input: an unknown household, a building node, a bad limit.
    let res = app
        .post(
            "/api/v1/me/households",
            &resident,
            json!({"household_id": 999_999}),
        )
        .await;
    res.expect(422);
    assert_eq!(res.body["error"]["details"][0]["field"], "household_id");
    let res = app
        .get("/api/v1/household-bindings?limit=0", &community)
        .await;
    res.expect(422);
    let res = app
        .get("/api/v1/buildings/DX-99-9/households", &resident)
        .await;
    res.expect(404);
}

async fn two_deciders_at_once_one_wins(backend: Backend) {
    let app = spawn_app(backend).await;
    let resident = app.resident("o-newcomer-3").await;
    let home = households(&app, &resident, "DX-01-1").await[3]["id"]
        .as_i64()
        .unwrap();
    let id = app
        .post(
            "/api/v1/me/households",
            &resident,
            json!({"household_id": home}),
        )
        .await
        .expect(201)["id"]
        .as_i64()
        .unwrap();
    let butler = app.login("butler-txdsh-1").await;
    let community = app.login("community").await;
    let approve = format!("/api/v1/household-bindings/{id}/approve");
    let reject = format!("/api/v1/household-bindings/{id}/reject");
    let calls = (0..6).map(|i| match i % 2 {
        0 => app.post(&approve, &butler, json!({})),
        _ => app.post(&reject, &community, json!({"reason": "不符"})),
    });
    let results = join_all(calls).await;
    let won: Vec<_> = results.iter().filter(|r| r.status == 200).collect();
    assert_eq!(won.len(), 1, "{results:?}");
    for r in results.iter().filter(|r| r.status != 200) {
        assert_eq!(r.status, 409, "{r:?}");
    }
    // The role follows the winner: exactly one resident role on the household, or none.
    let me = app.get("/api/v1/me", &resident).await;
    let on_home = me.expect(200)["roles"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["node_id"] == home)
        .count();
    let expected = usize::from(won[0].body["status"] == "approved");
    assert_eq!(on_home, expected);
}
