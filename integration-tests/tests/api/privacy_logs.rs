//! Nothing personal in the logs: a resident's name and phone pass through registering (also
//! idempotently), editing, removing, revealing, searching, importing (with a bad row),
//! exporting and erasing, and no log line carries them,
//! while the lines these steps do write are there.
//!
//! The capture is the process's global subscriber, installed by the first test that asks, at
//! debug for our crates: it also takes other tests' lines, which only makes the check wider.

use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock};

use serde_json::json;

use crate::helpers::{Backend, spawn_app};
use crate::on_both_backends;
use crate::registry::{blank_household, put};

on_both_backends!(no_log_line_carries_a_residents_name_or_phone);

/// At most this much is kept, so a whole suite's lines cannot grow without end.
const CAP: usize = 64 * 1024 * 1024;

static LOGS: OnceLock<Arc<Mutex<Vec<u8>>>> = OnceLock::new();

struct Sink(Arc<Mutex<Vec<u8>>>);

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let mut kept = self.0.lock().unwrap();
        if kept.len() < CAP {
            kept.extend_from_slice(buf);
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn captured() -> Arc<Mutex<Vec<u8>>> {
    LOGS.get_or_init(|| {
        let buf = Arc::new(Mutex::new(Vec::new()));
        let sink = buf.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::new(
                "info,linli_api=debug,linli_persistence=debug,linli_domain=debug",
            ))
            .with_ansi(false)
            .with_writer(move || Sink(sink.clone()))
            .finish();
        tracing::subscriber::set_global_default(subscriber).expect("the only subscriber");
        buf
    })
    .clone()
}

fn text(logs: &Arc<Mutex<Vec<u8>>>) -> String {
    String::from_utf8_lossy(&logs.lock().unwrap()).into_owned()
}

async fn no_log_line_carries_a_residents_name_or_phone(backend: Backend) {
    let logs = captured();
    let app = spawn_app(backend).await;
    let (name, phone, spaced) = ("蔺思琪", "13566778899", "135 6677 8899");
    let community = app.login("community").await;
    let grid = app.login("grid1").await;
    let h = blank_household(&app, &community, "DX-01-2", 2).await;
    let me = app.resident("o-privacy-logs").await;
    let my_id = app.get("/api/v1/me", &me).await.expect(200)["id"]
        .as_i64()
        .unwrap();
    let asked = app
        .post("/api/v1/me/households", &me, json!({"household_id": h}))
        .await;
    let bid = asked.expect(201)["id"].as_i64().unwrap();
    app.post(
        &format!("/api/v1/household-bindings/{bid}/approve"),
        &community,
        json!({}),
    )
    .await
    .expect(200);
    put(
        &app,
        &format!("/api/v1/households/{h}/profile"),
        &community,
        json!({"unit": "2", "room": "303", "size": 1}),
    )
    .await
    .expect(200);
    app.post(
        &format!("/api/v1/households/{h}/residents"),
        &community,
        json!({"name": name, "relation": "head", "birth_year": 1950, "phone": spaced, "user_id": my_id}),
    )
    .await
    .expect(201);
    // A bad phone is refused; its value stays out of the log too.
    app.post(
        &format!("/api/v1/households/{h}/residents"),
        &community,
        json!({"name": name, "relation": "spouse", "phone": format!("{phone}9")}),
    )
    .await
    .expect(422);
    // Added under an Idempotency-Key (and retried), edited, edited badly, removed.
    let (name2, phone2, name3, phone3) = ("蔺思远", "13566770011", "蔺思源", "13566770022");
    let mut spouse = 0;
    for _ in 0..2 {
        let res = app
            .client
            .post(app.url(&format!("/api/v1/households/{h}/residents")))
            .bearer_auth(&community)
            .header("Idempotency-Key", "privacy-spouse")
            .json(&json!({"name": name2, "relation": "spouse", "phone": phone2}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status().as_u16(), 201);
        let v: serde_json::Value = res.json().await.unwrap();
        spouse = v["residents"][1]["id"].as_i64().unwrap();
    }
    let entry = format!("/api/v1/households/{h}/residents/{spouse}");
    let edit = |body: serde_json::Value| {
        app.call(reqwest::Method::PATCH, &entry, Some(&community), Some(body))
    };
    edit(json!({"name": name3, "phone": phone3}))
        .await
        .expect(200);
    edit(json!({"phone": format!("{phone3}8")}))
        .await
        .expect(422);
    app.call(reqwest::Method::DELETE, &entry, Some(&community), None)
        .await
        .expect(204);
    app.get(
        &format!("/api/v1/households/{h}/registry?reveal=true&purpose=callback"),
        &community,
    )
    .await
    .expect(200);
    app.get(&format!("/api/v1/households/{h}/registry"), &grid)
        .await
        .expect(200);
    app.post("/api/v1/registry/search", &community, json!({"name": name}))
        .await
        .expect(200);
    app.post(
        "/api/v1/registry/search",
        &community,
        json!({"phone": phone}),
    )
    .await
    .expect(200);
    let (_, _, community_id) = crate::org::demo_ids(&app).await;
    let csv = format!(
        "楼栋,单元,房号,人数,姓名,关系,出生年份,电话,关爱标签,同意方式\n\
         DX-14-2,9,901,1,{name},户主,1950,{phone}0,,\n"
    );
    let res = app
        .client
        .post(app.url(&format!(
            "/api/v1/org/nodes/{community_id}/households/import"
        )))
        .bearer_auth(&community)
        .header("content-type", "text/csv")
        .body(csv)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 422, "the bad phone is reported");
    app.get("/api/v1/me/data", &me).await.expect(200);
    app.post("/api/v1/me/deletion", &me, json!({}))
        .await
        .expect(200);

    let lines = text(&logs);
    assert!(
        lines.contains("personal data erased") && lines.contains(&format!("user={my_id}")),
        "the capture works: the erasure is logged by id"
    );
    for secret in [
        name,
        phone,
        spaced,
        "6677 8899",
        &format!("{phone}0"),
        name2,
        phone2,
        name3,
        phone3,
        &format!("{phone3}8"),
    ] {
        assert!(
            !lines.contains(secret),
            "a log line carries `{secret}`:\n{}",
            lines
                .lines()
                .filter(|l| l.contains(secret))
                .take(3)
                .collect::<Vec<_>>()
                .join("\n")
        );
    }
}
