//! The conditional writes that settle races, driven directly: on SQLite the writer thread
//! serialises HTTP races before they reach the SQL, so these make sure the SQL itself decides.

use chrono::Duration;
use linli_domain::UserId;
use linli_domain::binding::BindingStatus;
use linli_domain::org::NodeKind;
use linli_persistence::{bindings, org, outbox};
use serde_json::json;

use crate::helpers::{Backend, ClockExt, spawn_app, submit};
use crate::on_both_backends;

on_both_backends!(
    a_binding_moves_from_a_status_once,
    an_outbox_event_is_taken_once,
);

async fn a_binding_moves_from_a_status_once(backend: Backend) {
    let app = spawn_app(backend).await;
    let resident = app.resident("o-race").await;
    let me = app.get("/api/v1/me", &resident).await.expect(200)["id"]
        .as_i64()
        .unwrap();
    let now = app.clock.now_utc();
    let outcomes = app
        .state
        .db
        .write(move |conn| {
            let building = org::find_building(conn, "DX-01-1")?;
            let household = org::children(conn, building.id)?
                .into_iter()
                .find(|n| n.kind == NodeKind::Household)
                .expect("households");
            let b = bindings::request(conn, UserId(me), &household, None, now)?;
            let first = bindings::transition(
                conn,
                b.id,
                BindingStatus::Pending,
                BindingStatus::Approved,
                None,
                None,
                now,
            )?;
            // A second decider who read `pending` before the first wrote.
            let second = bindings::transition(
                conn,
                b.id,
                BindingStatus::Pending,
                BindingStatus::Rejected,
                None,
                Some("不符"),
                now,
            )?;
            Ok((first, second, bindings::get(conn, b.id)?.status))
        })
        .await
        .unwrap();
    assert_eq!(outcomes, (true, false, BindingStatus::Approved));
}

async fn an_outbox_event_is_taken_once(backend: Backend) {
    let app = spawn_app(backend).await;
    let resident = app.resident("demo-resident-1").await;
    submit(&app, &resident, "property", "DX-01-1").await;
    let now = app.clock.now_utc() + Duration::seconds(1);
    let taken = app
        .state
        .db
        .write(move |conn| {
            let item = outbox::unprocessed(conn, 10)?.remove(0);
            assert_eq!(item.payload["type"], json!("request.submitted"));
            // Two instances that both listed the row: one takes it.
            let first = outbox::take(conn, item.id, now)?;
            let second = outbox::take(conn, item.id, now)?;
            Ok((first, second, outbox::unprocessed(conn, 10)?.len()))
        })
        .await
        .unwrap();
    assert_eq!(taken, (true, false, 0));
}
