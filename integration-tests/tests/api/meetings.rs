//! Meetings: the tilting wall between 天兴都市花园 and 梧桐坊, from the joint meeting with the
//! community lawyer to the signed agreement and the rebuilt wall that resolves the requests;
//! concurrent edits of the minutes; scope, overdue items and the rules of a closed meeting.

use futures_util::future::join_all;
use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{Backend, START, Spawn, TestApp, spawn_app, spawn_with, submit};
use crate::on_both_backends;

on_both_backends!(
    the_tilting_wall_joint_meeting_resolves_the_requests,
    two_staff_editing_the_minutes_at_once_one_wins,
    scope_overdue_items_and_finished_meetings,
    the_demo_records_eleven_meetings_and_the_wall_agreement_in_progress,
);

async fn user_id(app: &TestApp, token: &str) -> i64 {
    app.get("/api/v1/me", token).await.expect(200)["id"]
        .as_i64()
        .unwrap()
}

async fn call(
    app: &TestApp,
    method: Method,
    path: &str,
    token: &str,
    body: Value,
) -> crate::helpers::Res {
    app.call(method, path, Some(token), Some(body)).await
}

fn day(offset: i64) -> String {
    (*START + chrono::Duration::days(offset))
        .date_naive()
        .to_string()
}

/// A community meeting called by community staff; returns its view.
async fn call_meeting(app: &TestApp, token: &str, community: i64, extra: Value) -> Value {
    let mut body = json!({
        "org_node_id": community,
        "kind": "deliberation",
        "title": "楼道堆物议事协商会",
        "starts_at": "2026-12-01T06:00:00Z",
        "place": "社区党群服务中心",
    });
    body.as_object_mut()
        .unwrap()
        .extend(extra.as_object().unwrap().clone());
    app.post("/api/v1/meetings", token, body)
        .await
        .expect(201)
        .clone()
}

async fn the_tilting_wall_joint_meeting_resolves_the_requests(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, _, community_id) = crate::org::demo_ids(&app).await;
    let resident = app.resident("demo-resident-1").await;
    let community = app.login("community").await;
    let tianxing = app.login("wy-tianxing").await;
    let wutong = app.login("wy-wutong").await;
    let tianxing_id = user_id(&app, &tianxing).await;
    let wutong_id = user_id(&app, &wutong).await;

    // Two reports of the tilting wall, one from each side; the first went up to the street.
    let wall_a = submit(&app, &resident, "property", "DX-02-1").await;
    let wall_b = submit(&app, &resident, "property", "DX-01-2").await;
    app.post(
        &format!("/api/v1/requests/{wall_a}/escalate"),
        &community,
        json!({"reason": "涉及两家物业公司，需召开联席会议"}),
    )
    .await
    .expect(200);
    // A third, already solved on the spot by the butler: the agreement must leave it alone.
    let solved = submit(&app, &resident, "property", "DX-01-1").await;
    let butler = app.login("butler-txdsh-1").await;
    app.post(
        &format!("/api/v1/requests/{solved}/resolve-on-spot"),
        &butler,
        json!({"outcome": "已现场加固"}),
    )
    .await
    .expect(200);

    let body = json!({
        "org_node_id": community_id,
        "kind": "joint",
        "title": "天兴都市花园与梧桐坊围墙修复联席会议",
        "starts_at": "2026-12-01T06:00:00Z",
        "place": "大兴东路社区党群服务中心会议室",
        "agenda": "围墙倾斜的责任划分与修复方案",
        "participants": [
            {"role": "party", "user_id": tianxing_id},
            {"role": "party", "user_id": wutong_id},
            {"role": "lawyer", "party": {"name": "王律师", "organisation": "社区法律顾问", "kind": "lawyer", "contact_phone": "13912345678"}},
        ],
        "request_ids": [wall_a, wall_b, solved],
    });
    let res = app
        .client
        .post(app.url("/api/v1/meetings"))
        .bearer_auth(&community)
        .header("Idempotency-Key", "wall-meeting-1")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let meeting: Value = res.json().await.unwrap();
    let id = meeting["id"].as_i64().unwrap();
    assert_eq!(meeting["status"], "scheduled");
    assert_eq!(meeting["kind"], "joint");
    assert_eq!(meeting["participants"].as_array().unwrap().len(), 4);
    assert_eq!(meeting["participants"][0]["role"], "organiser");
    assert_eq!(meeting["participants"][3]["contact_phone"], "13912345678");
    assert_eq!(meeting["requests"].as_array().unwrap().len(), 3);
    // A double submit answers the same meeting.
    let again = app
        .client
        .post(app.url("/api/v1/meetings"))
        .bearer_auth(&community)
        .header("Idempotency-Key", "wall-meeting-1")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 201);
    assert_eq!(again.headers()["Idempotent-Replayed"], "true");
    let again: Value = again.json().await.unwrap();
    assert_eq!(again["id"], id);
    // The same key with another body is a mistake, not a retry.
    let mut other = body.clone();
    other["title"] = json!("另一个会议");
    let res = app
        .client
        .post(app.url("/api/v1/meetings"))
        .bearer_auth(&community)
        .header("Idempotency-Key", "wall-meeting-1")
        .json(&other)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
    let res: Value = res.json().await.unwrap();
    assert_eq!(res["error"]["code"], "idempotency.key_reused");
    let list = app.get("/api/v1/meetings", &community).await;
    assert_eq!(list.expect(200)["items"].as_array().unwrap().len(), 1);

    // A party sees the meeting with the lawyer's phone masked, and may not change it.
    let seen = app.get(&format!("/api/v1/meetings/{id}"), &tianxing).await;
    let seen = seen.expect(200);
    assert_eq!(seen["can_manage"], false);
    assert_eq!(seen["participants"][3]["contact_phone"], "139****5678");
    let res = call(
        &app,
        Method::PATCH,
        &format!("/api/v1/meetings/{id}"),
        &tianxing,
        json!({"version": 0, "title": "改名"}),
    )
    .await;
    res.expect(403);
    assert_eq!(res.code(), "meeting.forbidden");
    let mine = app.get("/api/v1/meetings", &tianxing).await;
    assert_eq!(mine.expect(200)["items"][0]["id"], id);
    // A grid worker of another grid, not at the table, does not see it at all.
    let grid3 = app.login("grid3").await;
    let res = app.get(&format!("/api/v1/meetings/{id}"), &grid3).await;
    res.expect(404);
    assert_eq!(res.code(), "meeting.not_found");
    assert!(
        app.get("/api/v1/meetings", &grid3).await.expect(200)["items"]
            .as_array()
            .unwrap()
            .is_empty()
    );

    // Held: minutes and attendance; an old version is refused.
    let version = seen["version"].as_i64().unwrap();
    let all: Vec<i64> = seen["participants"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_i64().unwrap())
        .collect();
    let res = app
        .post(
            &format!("/api/v1/meetings/{id}/hold"),
            &community,
            json!({"version": version + 5, "minutes": "x"}),
        )
        .await;
    res.expect(409);
    assert_eq!(res.code(), "meeting.version_conflict");
    let held = app
        .post(
            &format!("/api/v1/meetings/{id}/hold"),
            &community,
            json!({"version": version, "minutes": "双方物业同意共同出资拆除并重建围墙，社区律师见证。", "attended": all}),
        )
        .await;
    let held = held.expect(200).clone();
    assert_eq!(held["status"], "held");
    assert!(
        held["participants"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["attended"] == true)
    );

    // A bad attachment link is named.
    let mut resolution = json!({
        "text": "两家物业共同出资，一周内拆除并重建倾斜围墙",
        "resolves_requests": true,
        "agreement": {
            "parties": ["天兴物业服务有限公司", "梧桐坊物业管理有限公司"],
            "text": "围墙修复费用由双方各承担一半，天兴物业负责拆除，梧桐坊物业负责重建。",
            "signed_on": day(1),
            "attachment_url": "ftp://files/agreement.pdf",
        },
        "action_items": [
            {"title": "拆除倾斜围墙", "owner_user_id": tianxing_id, "due_on": day(3)},
            {"title": "重建围墙", "owner_user_id": wutong_id, "due_on": day(7)},
        ],
    });
    let res = app
        .post(
            &format!("/api/v1/meetings/{id}/resolutions"),
            &community,
            resolution.clone(),
        )
        .await;
    res.expect(422);
    assert_eq!(
        res.body["error"]["details"][0]["field"],
        "agreement.attachment_url"
    );
    resolution["agreement"]["attachment_url"] = json!("https://oss.example.cn/agreements/wall.pdf");
    let recorded = app
        .post(
            &format!("/api/v1/meetings/{id}/resolutions"),
            &community,
            resolution,
        )
        .await;
    let recorded = recorded.expect(200).clone();
    let r = &recorded["resolutions"][0];
    assert_eq!(r["agreement"]["parties"].as_array().unwrap().len(), 2);
    let items: Vec<i64> = r["action_items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_i64().unwrap())
        .collect();
    assert_eq!(r["action_items"][1]["owner_user_id"], wutong_id);

    // The wall comes down; the requests wait for the rebuilt wall. The owner reports their own
    // item; the other company may not report it for them, nor may an owner drop an item.
    app.clock.advance(chrono::Duration::days(2));
    // Access tokens are short-lived: log in again after the clock moved.
    let community = app.login("community").await;
    let tianxing = app.login("wy-tianxing").await;
    let wutong = app.login("wy-wutong").await;
    let res = app
        .post(
            &format!("/api/v1/meetings/{id}/action-items/{}/complete", items[0]),
            &wutong,
            json!({}),
        )
        .await;
    res.expect(403);
    assert_eq!(res.code(), "meeting.forbidden");
    let res = app
        .post(
            &format!("/api/v1/meetings/{id}/action-items/{}/drop", items[0]),
            &tianxing,
            json!({"note": "不做了"}),
        )
        .await;
    res.expect(403);
    let done = app
        .post(
            &format!("/api/v1/meetings/{id}/action-items/{}/complete", items[0]),
            &tianxing,
            json!({"note": "已拆除"}),
        )
        .await;
    let done = done.expect(200).clone();
    assert!(done["resolved_requests"].as_array().unwrap().is_empty());
    assert_eq!(done["meeting"]["status"], "held");
    // The owner is answered as a participant: the lawyer's phone stays masked.
    assert_eq!(done["meeting"]["can_manage"], false);
    assert_eq!(
        done["meeting"]["participants"][3]["contact_phone"],
        "139****5678"
    );
    let res = app
        .post(
            &format!("/api/v1/meetings/{id}/action-items/{}/complete", items[0]),
            &community,
            json!({}),
        )
        .await;
    res.expect(409);
    assert_eq!(res.code(), "meeting.action_item_finished");

    // Rebuilt within the week: the last item, reported by its owner (a property company, who
    // may not resolve requests itself), resolves both wall requests under the meeting's mandate
    // and closes the meeting.
    app.clock.advance(chrono::Duration::days(4));
    let community = app.login("community").await;
    let tianxing = app.login("wy-tianxing").await;
    let wutong = app.login("wy-wutong").await;
    let done = app
        .post(
            &format!("/api/v1/meetings/{id}/action-items/{}/complete", items[1]),
            &wutong,
            json!({"note": "围墙已重建并验收"}),
        )
        .await;
    let done = done.expect(200).clone();
    let mut resolved: Vec<i64> = done["resolved_requests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_i64().unwrap())
        .collect();
    resolved.sort();
    assert_eq!(resolved, vec![wall_a, wall_b]);
    assert_eq!(
        done["left_requests"],
        json!([{"request_id": solved, "status": "resolved", "reason": "invalid_transition"}])
    );
    assert_eq!(done["meeting"]["status"], "closed");
    assert!(done["meeting"]["resolutions"][0]["settled_at"].is_string());
    assert!(
        done["meeting"]["resolutions"][0]["action_items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["done_on_time"] == true)
    );

    // The requests' timelines say the meeting's agreement resolved them.
    for r in [wall_a, wall_b] {
        let detail = app.get(&format!("/api/v1/requests/{r}"), &community).await;
        let detail = detail.expect(200);
        assert_eq!(detail["status"], "resolved");
        let last = detail["timeline"]
            .as_array()
            .unwrap()
            .last()
            .unwrap()
            .clone();
        assert_eq!(last["type"], "request.resolved");
        assert_eq!(last["data"]["by_meeting"], id);
        // The request shows the meeting that took it up.
        assert_eq!(
            detail["meetings"],
            json!([{"id": id, "title": "天兴都市花园与梧桐坊围墙修复联席会议", "status": "closed"}])
        );
        assert!(
            last["note"].as_str().unwrap().contains("会议协议"),
            "{last}"
        );
    }
    let by_request = app
        .get(&format!("/api/v1/meetings?request_id={wall_a}"), &community)
        .await;
    assert_eq!(by_request.expect(200)["items"][0]["id"], id);

    // A closed meeting is a record: no edit of any kind.
    let v = done["meeting"]["version"].as_i64().unwrap();
    let res = call(
        &app,
        Method::PATCH,
        &format!("/api/v1/meetings/{id}"),
        &community,
        json!({"version": v, "minutes": "补记"}),
    )
    .await;
    res.expect(409);
    assert_eq!(res.code(), "meeting.closed");
    let res = app
        .post(
            &format!("/api/v1/meetings/{id}/requests"),
            &community,
            json!({"request_id": solved}),
        )
        .await;
    assert_eq!(res.code(), "meeting.closed");

    // The outbox carries the meeting's events, with ids, dates and counts but nobody's name.
    let since = *START - chrono::Duration::days(1);
    let events = app
        .state
        .db
        .read(move |conn| {
            let node =
                linli_persistence::org::get_node(conn, linli_domain::OrgNodeId(community_id))?;
            Ok(linli_persistence::outbox::since(
                conn, &node.path, since, 0, 1000,
            )?)
        })
        .await
        .unwrap();
    let meeting_events: Vec<&Value> = events
        .iter()
        .map(|e| &e.payload)
        .filter(|p| p["type"].as_str().unwrap_or("").starts_with("meeting."))
        .collect();
    let types: Vec<&str> = meeting_events
        .iter()
        .map(|p| p["type"].as_str().unwrap())
        .collect();
    assert_eq!(
        types,
        [
            "meeting.scheduled",
            "meeting.held",
            "meeting.agreement_signed",
            "meeting.action_item_completed",
            "meeting.action_item_completed",
        ]
    );
    assert_eq!(meeting_events[0]["data"]["meeting_id"], id);
    assert_eq!(meeting_events[0]["community_id"], community_id);
    assert_eq!(
        meeting_events[4]["data"]["resolved_request_ids"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    for e in &meeting_events {
        let text = e.to_string();
        assert!(
            !text.contains("王律师") && !text.contains("13912345678") && !text.contains("5678"),
            "{text}"
        );
    }

    // The figures.
    let stats = app
        .get(
            &format!("/api/v1/stats/meetings?node={community_id}"),
            &community,
        )
        .await;
    let t = stats.expect(200)["totals"].clone();
    assert_eq!(t["meetings"], 1);
    assert_eq!(t["joint"], 1);
    assert_eq!(t["closed"], 1);
    assert_eq!(t["agreements"], 1);
    assert_eq!(t["action_items"], 2);
    assert_eq!(t["done_on_time"], 2);
    assert_eq!(t["overdue"], 0);
    assert_eq!(t["requests_resolved"], 2);
    let res = app
        .get(
            &format!("/api/v1/stats/meetings?node={community_id}"),
            &tianxing,
        )
        .await;
    assert_eq!(res.code(), "stats.forbidden");
}

async fn two_staff_editing_the_minutes_at_once_one_wins(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, street_id, community_id) = crate::org::demo_ids(&app).await;
    let community = app.login("community").await;
    let street = app.login("street").await;
    let m = call_meeting(&app, &community, community_id, json!({})).await;
    let id = m["id"].as_i64().unwrap();
    let held = app
        .post(
            &format!("/api/v1/meetings/{id}/hold"),
            &community,
            json!({"version": m["version"], "minutes": "初稿"}),
        )
        .await;
    let version = held.expect(200)["version"].as_i64().unwrap();

    // Both read the same version and save at once: one edit wins, the other hears of it.
    let writers = [
        ("community", &community, "社区补充的纪要"),
        ("street", &street, "街道补充的纪要"),
    ];
    let path = format!("/api/v1/meetings/{id}");
    let results = join_all(writers.iter().map(|(_, token, text)| {
        call(
            &app,
            Method::PATCH,
            &path,
            token,
            json!({"version": version, "minutes": text}),
        )
    }))
    .await;
    let ok: Vec<usize> = (0..2).filter(|i| results[*i].status == 200).collect();
    assert_eq!(
        ok.len(),
        1,
        "{:?}",
        results.iter().map(|r| &r.body).collect::<Vec<_>>()
    );
    let loser = &results[1 - ok[0]];
    assert_eq!(loser.status, 409);
    assert_eq!(loser.code(), "meeting.version_conflict");
    let now = app.get(&format!("/api/v1/meetings/{id}"), &community).await;
    let now = now.expect(200);
    assert_eq!(now["minutes"], writers[ok[0]].2);
    assert_eq!(now["version"], version + 1);

    // The street manages a street-level joint meeting, filed under a community inside it.
    let res = app
        .post("/api/v1/meetings", &street, json!({"org_node_id": street_id, "kind": "joint", "title": "跨社区联席会议", "starts_at": "2026-12-02T06:00:00Z", "place": "街道办"}))
        .await;
    res.expect(422);
    assert_eq!(res.code(), "meeting.community_required");
    let res = app
        .post("/api/v1/meetings", &street, json!({"org_node_id": street_id, "community_id": community_id, "kind": "joint", "title": "跨社区联席会议", "starts_at": "2026-12-02T06:00:00Z", "place": "街道办"}))
        .await;
    let sm = res.expect(201).clone();
    assert_eq!(sm["community_id"], community_id);
    // The staff of the community it is about see the street's meeting, but the street runs it.
    let res = app
        .get(&format!("/api/v1/meetings/{}", sm["id"]), &community)
        .await;
    let seen = res.expect(200);
    assert_eq!(seen["can_manage"], false);
    assert_eq!(seen["title"], "跨社区联席会议");
    let listed = app.get("/api/v1/meetings", &community).await;
    assert!(
        listed.expect(200)["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["id"] == sm["id"]),
        "{:#}",
        listed.body
    );
    let res = call(
        &app,
        Method::PATCH,
        &format!("/api/v1/meetings/{}", sm["id"]),
        &community,
        json!({"version": sm["version"], "title": "改名"}),
    )
    .await;
    res.expect(403);
    assert_eq!(res.code(), "meeting.forbidden");
    // A worker of that community, not at the table, still does not see it.
    let grid1 = app.login("grid1").await;
    app.get(&format!("/api/v1/meetings/{}", sm["id"]), &grid1)
        .await
        .expect(404);
}

async fn scope_overdue_items_and_finished_meetings(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, _, community_id) = crate::org::demo_ids(&app).await;
    let (_, _, _, _, _) = crate::org::second_street(&app).await;
    let community = app.login("community").await;
    let grid1 = app.login("grid1").await;
    let resident = app.resident("demo-resident-1").await;

    // Only staff call meetings.
    let res = app
        .post("/api/v1/meetings", &grid1, json!({"org_node_id": community_id, "kind": "deliberation", "title": "t", "starts_at": "2026-12-01T06:00:00Z", "place": "p"}))
        .await;
    res.expect(403);
    assert_eq!(res.code(), "meeting.forbidden");

    let m = call_meeting(&app, &community, community_id, json!({"participants": [{"role": "observer", "party": {"name": "居民代表", "kind": "resident_representative"}}]})).await;
    let id = m["id"].as_i64().unwrap();
    // A request of another street's community is outside the meeting.
    let other_resident = app.resident("o-qingnian-1").await;
    let outside = submit(&app, &other_resident, "property", "QN-01-1").await;
    let res = app
        .post(
            &format!("/api/v1/meetings/{id}/requests"),
            &community,
            json!({"request_id": outside}),
        )
        .await;
    res.expect(422);
    assert_eq!(res.code(), "meeting.request_out_of_scope");
    let inside = submit(&app, &resident, "mediation", "DX-01-1").await;
    app.post(
        &format!("/api/v1/meetings/{id}/requests"),
        &community,
        json!({"request_id": inside}),
    )
    .await
    .expect(200);
    let res = app
        .post(
            &format!("/api/v1/meetings/{id}/requests"),
            &community,
            json!({"request_id": inside}),
        )
        .await;
    assert_eq!(res.code(), "meeting.duplicate_request");
    // Resolutions belong to a held meeting.
    let res = app
        .post(
            &format!("/api/v1/meetings/{id}/resolutions"),
            &community,
            json!({"text": "x"}),
        )
        .await;
    res.expect(409);
    assert_eq!(res.code(), "meeting.invalid_transition");
    // Every change bumps the version: the link above made it 1.
    let v = app
        .get(&format!("/api/v1/meetings/{id}"), &community)
        .await
        .expect(200)["version"]
        .clone();
    assert_eq!(v, 1);
    app.post(
        &format!("/api/v1/meetings/{id}/hold"),
        &community,
        json!({"version": v, "minutes": "协商一致"}),
    )
    .await
    .expect(200);
    let res = app
        .post(
            &format!("/api/v1/meetings/{id}/resolutions"),
            &community,
            json!({"text": "清理楼道", "resolves_requests": true}),
        )
        .await;
    res.expect(422);
    assert_eq!(res.body["error"]["details"][0]["field"], "action_items");
    let grid1_id = user_id(&app, &grid1).await;
    let res = app
        .post(&format!("/api/v1/meetings/{id}/resolutions"), &community, json!({"text": "清理楼道", "action_items": [{"title": "清理", "owner_user_id": grid1_id, "due_on": day(1)}]}))
        .await;
    assert_eq!(res.code(), "meeting.owner_not_participant");
    let rec = app
        .post(&format!("/api/v1/meetings/{id}/resolutions"), &community, json!({"text": "清理楼道", "resolves_requests": true, "action_items": [{"title": "清理楼道杂物", "owner_name": "居民代表", "due_on": day(1)}, {"title": "张贴告示", "owner_name": "居民代表", "due_on": day(5)}]}))
        .await;
    let rec = rec.expect(200).clone();
    let items: Vec<i64> = rec["resolutions"][0]["action_items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_i64().unwrap())
        .collect();
    assert_eq!(rec["overdue_action_items"], 0);

    // Two local days on, the first item is overdue.
    app.clock.advance(chrono::Duration::days(2));
    let community = app.login("community").await;
    let now = app.get(&format!("/api/v1/meetings/{id}"), &community).await;
    let now = now.expect(200);
    assert_eq!(now["overdue_action_items"], 1);
    assert_eq!(now["resolutions"][0]["action_items"][0]["overdue"], true);
    assert_eq!(now["resolutions"][0]["action_items"][1]["overdue"], false);
    let stats = app
        .get(
            &format!("/api/v1/stats/meetings?node={community_id}"),
            &community,
        )
        .await;
    assert_eq!(stats.expect(200)["totals"]["overdue"], 1);

    // Dropping needs a reason; dropping both settles nothing, so the request stays open.
    let res = app
        .post(
            &format!("/api/v1/meetings/{id}/action-items/{}/drop", items[0]),
            &community,
            json!({}),
        )
        .await;
    res.expect(422);
    let d = app
        .post(
            &format!("/api/v1/meetings/{id}/action-items/{}/drop", items[0]),
            &community,
            json!({"note": "杂物已由业主自行清走"}),
        )
        .await;
    assert_eq!(d.expect(200)["meeting"]["status"], "held");
    let d = app
        .post(
            &format!("/api/v1/meetings/{id}/action-items/{}/drop", items[1]),
            &community,
            json!({"note": "无需告示"}),
        )
        .await;
    let d = d.expect(200).clone();
    assert!(d["resolved_requests"].as_array().unwrap().is_empty());
    assert_eq!(d["meeting"]["status"], "closed");
    let req = app
        .get(&format!("/api/v1/requests/{inside}"), &community)
        .await;
    assert_eq!(req.expect(200)["status"], "submitted");

    // A cancelled meeting refuses edits with the same stable code.
    let m2 = call_meeting(
        &app,
        &community,
        community_id,
        json!({"title": "另一次议事会"}),
    )
    .await;
    let id2 = m2["id"].as_i64().unwrap();
    let c = app
        .post(
            &format!("/api/v1/meetings/{id2}/cancel"),
            &community,
            json!({"version": m2["version"], "reason": "改期"}),
        )
        .await;
    let c = c.expect(200).clone();
    assert_eq!(c["status"], "cancelled");
    let res = call(
        &app,
        Method::PATCH,
        &format!("/api/v1/meetings/{id2}"),
        &community,
        json!({"version": c["version"], "place": "新地点"}),
    )
    .await;
    res.expect(409);
    assert_eq!(res.code(), "meeting.closed");
    let cancelled = app
        .get("/api/v1/meetings?status=cancelled", &community)
        .await;
    assert_eq!(cancelled.expect(200)["items"].as_array().unwrap().len(), 1);
}

async fn the_demo_records_eleven_meetings_and_the_wall_agreement_in_progress(backend: Backend) {
    let app = spawn_with(
        backend,
        Spawn {
            demo_history: true,
            ..Default::default()
        },
    )
    .await;
    let community = app.login("community").await;
    let stats = app.get("/api/v1/stats/meetings", &community).await;
    let t = stats.expect(200)["totals"].clone();
    assert_eq!(t["meetings"], 11, "{t}");
    assert_eq!(t["deliberation"], 10);
    assert_eq!(t["joint"], 1);
    assert_eq!(t["closed"], 10);
    assert_eq!(t["held"], 1, "the wall's is held, its last item open");
    assert_eq!(t["agreements"], 1);
    assert_eq!(t["requests_resolved"], 0);
    let joint = app.get("/api/v1/meetings?kind=joint", &community).await;
    let id = joint.expect(200)["items"][0]["id"].as_i64().unwrap();
    let wall = app.get(&format!("/api/v1/meetings/{id}"), &community).await;
    let wall = wall.expect(200).clone();
    assert!(wall["title"].as_str().unwrap().contains("围墙"));
    let lawyer = wall["participants"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["party_kind"] == "lawyer")
        .expect("the community lawyer sat in")
        .clone();
    // Whole for the staff who manage the meeting, masked for the parties at the table.
    assert_eq!(lawyer["contact_phone"], "029-88610099", "{lawyer:#}");
    let party = app.login("wy-tianxing").await;
    let as_party = app.get(&format!("/api/v1/meetings/{id}"), &party).await;
    let phones: Vec<Value> = as_party.expect(200)["participants"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["contact_phone"].clone())
        .collect();
    assert!(phones.contains(&json!("029-******99")), "{phones:?}");
    let r = &wall["resolutions"][0];
    assert_eq!(r["agreement"]["parties"].as_array().unwrap().len(), 2);
    let items = r["action_items"].as_array().unwrap();
    assert_eq!(items[0]["status"], "done");
    assert_eq!(items[1]["status"], "open");
    let request = wall["requests"][0]["request_id"].as_i64().unwrap();
    let status = |d: &Value| d["status"].as_str().unwrap().to_owned();
    let before = app
        .get(&format!("/api/v1/requests/{request}"), &community)
        .await;
    assert_ne!(
        status(before.expect(200)),
        "resolved",
        "the seed's one open request"
    );

    // The wall rebuilt: the last item resolves the request through the agreement.
    let done = app
        .post(
            &format!(
                "/api/v1/meetings/{id}/action-items/{}/complete",
                items[1]["id"]
            ),
            &community,
            json!({"note": "围墙已重建并验收"}),
        )
        .await;
    let done = done.expect(200).clone();
    assert_eq!(done["resolved_requests"], json!([request]));
    assert_eq!(done["meeting"]["status"], "closed");
    let detail = app
        .get(&format!("/api/v1/requests/{request}"), &community)
        .await;
    let detail = detail.expect(200);
    assert_eq!(detail["status"], "resolved");
    assert_eq!(
        detail["timeline"].as_array().unwrap().last().unwrap()["data"]["by_meeting"],
        id
    );
}
