//! Content security: residents' text through WeChat's text check and the local word list,
//! photos through WeChat's image check and its signed pushes, and staff review of what was
//! flagged. WeChat is the local fake.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{Value, json};
use sha1::{Digest, Sha1};

use crate::fake_wechat::{FakeWechat, PUSH_TOKEN};
use crate::helpers::{Backend, ClockExt, Res, Spawn, TestApp, spawn_with};
use crate::on_both_backends;

on_both_backends!(
    wechat_judges_residents_text_and_staff_text_is_not_sent,
    slow_or_failing_wechat_flags_the_text_and_never_loses_it,
    without_wechat_only_the_word_list_flags,
    photos_stay_hidden_until_wechats_signed_verdict,
    the_push_endpoint_answers_wechats_url_check,
    staff_clear_or_hide_flagged_content_on_the_timeline,
    failed_photo_submissions_are_retried_then_go_to_staff,
);

async fn spawn(backend: Backend, env: Vec<(&'static str, String)>) -> TestApp {
    spawn_with(
        backend,
        Spawn {
            env,
            ..Spawn::default()
        },
    )
    .await
}

async fn report(app: &TestApp, token: &str, description: &str, photos: &[&str]) -> Res {
    app.post(
        "/api/v1/requests",
        token,
        json!({
            "category": "property",
            "description": description,
            "building_code": "DX-01-1",
            "photo_urls": photos,
        }),
    )
    .await
}

async fn show(app: &TestApp, id: i64, token: &str) -> Value {
    app.get(&format!("/api/v1/requests/{id}"), token)
        .await
        .expect(200)
        .clone()
}

/// The timeline entries of one type.
fn events<'a>(detail: &'a Value, kind: &str) -> Vec<&'a Value> {
    detail["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["type"] == kind)
        .collect()
}

async fn ids_listed(app: &TestApp, token: &str, query: &str) -> Vec<i64> {
    app.get(&format!("/api/v1/requests?{query}"), token)
        .await
        .expect(200)["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_i64().unwrap())
        .collect()
}

/// Takes request `id` to `resolved`, as the community and the property company would.
async fn resolve(app: &TestApp, id: i64) {
    let community = app.login("community").await;
    let property = app.login("wy-tianxing").await;
    let base = format!("/api/v1/requests/{id}");
    app.post(&format!("{base}/dispatch"), &community, json!({}))
        .await
        .expect(200);
    app.post(&format!("{base}/claim"), &property, json!({}))
        .await
        .expect(200);
    app.post(
        &format!("{base}/resolve"),
        &property,
        json!({"outcome": "已处理"}),
    )
    .await
    .expect(200);
}

async fn wechat_judges_residents_text_and_staff_text_is_not_sent(backend: Backend) {
    let fake = FakeWechat::start().await;
    fake.text_verdict("赌场开业", "risky", 20006);
    fake.text_verdict("加微信领红包", "review", 10001);
    let app = spawn(backend, fake.env()).await;
    let resident = app.resident("demo-resident-1").await;
    let community = app.login("community").await;

    // risky: refused with WeChat's label, and nothing stored.
    let res = report(&app, &resident, "楼下新开的赌场开业了", &[]).await;
    res.expect(422);
    assert_eq!(res.code(), "content.rejected");
    assert_eq!(res.body["error"]["details"]["field"], "description");
    assert_eq!(res.body["error"]["details"]["label"], 20006);
    assert!(ids_listed(&app, &community, "").await.is_empty());

    // review: stored, flagged for staff, with WeChat's reason on the timeline.
    let res = report(&app, &resident, "楼道里有人贴加微信领红包的广告", &[]).await;
    let flagged = res.expect(201)["id"].as_i64().unwrap();
    assert_eq!(res.body["content_review"], "pending");
    assert_eq!(res.body["text_review"], "pending");
    assert_eq!(res.body["description"], "楼道里有人贴加微信领红包的广告");
    let detail = show(&app, flagged, &community).await;
    let flags = events(&detail, "request.content_flagged");
    assert_eq!(flags.len(), 1);
    assert_eq!(
        flags[0]["data"],
        json!({"source": "wechat", "suggest": "review", "label": 10001, "subject": "text"})
    );

    // pass: stored as is.
    let res = report(&app, &resident, "3单元楼道灯坏了", &[]).await;
    let passed = res.expect(201)["id"].as_i64().unwrap();
    assert_eq!(res.body["content_review"], "none");
    assert_eq!(
        ids_listed(&app, &community, "content_review=pending").await,
        [flagged]
    );
    assert_eq!(
        ids_listed(&app, &community, "content_review=none").await,
        [passed]
    );

    // What WeChat was asked: version 2, the forum scene for a request, the resident's openid,
    // the description with the location.
    let checks = fake.text_checks();
    assert_eq!(checks.len(), 3);
    for c in &checks {
        assert_eq!(c["version"], 2);
        assert_eq!(c["scene"], 3);
        assert_eq!(c["openid"], "demo-resident-1");
    }
    app.post(
        "/api/v1/requests",
        &resident,
        json!({"category": "property", "description": "电梯异响", "location_text": "2单元",
               "building_code": "DX-01-1"}),
    )
    .await
    .expect(201);
    assert_eq!(fake.text_checks()[3]["content"], "电梯异响\n2单元");

    // Staff text is not sent to WeChat: a front-desk report, a dispatch note.
    let res = app
        .post(
            "/api/v1/requests",
            &community,
            json!({"category": "property", "description": "赌场开业扰民", "building_code": "DX-01-1",
                   "channel": "front_desk"}),
        )
        .await;
    assert_eq!(res.expect(201)["content_review"], "none");
    assert_eq!(fake.calls("msg_sec_check"), 4);

    // The resident's comment on their rating: the comment scene; risky refuses the rating.
    resolve(&app, passed).await;
    assert_eq!(fake.calls("msg_sec_check"), 4, "staff notes are not sent");
    let rate = format!("/api/v1/requests/{passed}/rate");
    let res = app
        .post(
            &rate,
            &resident,
            json!({"rating": "dissatisfied", "comment": "物业在搞赌场开业"}),
        )
        .await;
    res.expect(422);
    assert_eq!(res.code(), "content.rejected");
    assert_eq!(res.body["error"]["details"]["field"], "comment");
    let detail = show(&app, passed, &resident).await;
    assert_eq!(detail["status"], "resolved", "nothing stored");
    assert!(events(&detail, "request.rated").is_empty());
    let last = fake.text_checks().pop().unwrap();
    assert_eq!(last["scene"], 2);
    assert_eq!(last["content"], "物业在搞赌场开业");

    // A comment WeChat wants reviewed: the rating stands, the note waits for staff.
    let res = app
        .post(
            &rate,
            &resident,
            json!({"rating": "dissatisfied", "comment": "加微信领红包才修"}),
        )
        .await;
    let body = res.expect(200);
    assert_eq!(body["status"], "dispatched");
    assert_eq!(body["content_review"], "pending");
    assert_eq!(body["text_review"], "none");
    let rated = events(body, "request.rated");
    assert_eq!(rated[0]["note"], "加微信领红包才修");
    assert_eq!(rated[0]["note_review"], "pending");
    assert_eq!(
        events(body, "request.content_flagged")[0]["data"]["subject"],
        "note"
    );
}

async fn slow_or_failing_wechat_flags_the_text_and_never_loses_it(backend: Backend) {
    let fake = FakeWechat::start().await;
    let mut env = fake.env();
    // The check waits 300 ms for WeChat; the fake takes far longer.
    env.push(("LINLI_CONTENT_CHECK_TIMEOUT_MS", "300".into()));
    let app = spawn(backend.clone(), env).await;
    let resident = app.resident("demo-resident-1").await;
    let community = app.login("community").await;

    fake.slow_checks(Duration::from_secs(30));
    let res = report(&app, &resident, "楼上漏水", &[]).await;
    let slow = res.expect(201)["id"].as_i64().unwrap();
    assert_eq!(res.body["content_review"], "pending");
    assert_eq!(res.body["description"], "楼上漏水");
    let detail = show(&app, slow, &community).await;
    assert_eq!(
        events(&detail, "request.content_flagged")[0]["data"],
        json!({"source": "unchecked", "subject": "text"})
    );

    // Busy (-1) or another error: the same.
    fake.slow_checks(Duration::ZERO);
    for errcode in [-1, 40003] {
        fake.fail_checks(Some(errcode));
        let res = report(&app, &resident, "停车道闸太吵", &[]).await;
        assert_eq!(res.expect(201)["content_review"], "pending", "{errcode}");
    }
    fake.fail_checks(None);
    let res = report(&app, &resident, "停车道闸太吵", &[]).await;
    assert_eq!(res.expect(201)["content_review"], "none");

    // WeChat unreachable.
    let offline = spawn(
        backend,
        vec![
            ("LINLI_WECHAT_APPID", fake.appid.clone()),
            ("LINLI_WECHAT_SECRET", "x".into()),
            ("LINLI_WECHAT_API_BASE", "http://127.0.0.1:9".into()),
        ],
    )
    .await;
    let resident = offline.resident("demo-resident-1").await;
    let res = report(&offline, &resident, "楼上漏水", &[]).await;
    assert_eq!(res.expect(201)["content_review"], "pending");
}

async fn without_wechat_only_the_word_list_flags(backend: Backend) {
    let words = std::env::temp_dir().join(format!("linli-words-{}", uuid::Uuid::new_v4()));
    std::fs::write(&words, "# 本社区补充\n高利贷\n").unwrap();
    let app = spawn(
        backend,
        vec![("LINLI_CONTENT_WORDS_FILE", words.display().to_string())],
    )
    .await;
    let resident = app.resident("demo-resident-1").await;
    let community = app.login("community").await;

    for (text, flagged) in [
        ("3单元楼道灯坏了", false),
        ("隔壁天天骂人傻 。逼", true),
        ("ＦＵＣＫ the barrier", true),
        ("有人在楼道发高 利 贷传单", true),
    ] {
        let res = report(&app, &resident, text, &[]).await;
        let body = res.expect(201);
        let expected = if flagged { "pending" } else { "none" };
        assert_eq!(body["content_review"], expected, "{text}");
        if flagged {
            let detail = show(&app, body["id"].as_i64().unwrap(), &community).await;
            assert_eq!(
                events(&detail, "request.content_flagged")[0]["data"]["source"],
                "word_list"
            );
        }
    }
    // Staff text passes the word list too: a front-desk report, a note on an action.
    let res = app
        .post(
            "/api/v1/requests",
            &community,
            json!({"category": "property", "description": "居民来电：f-u-c-k", "building_code": "DX-01-1",
                   "channel": "front_desk"}),
        )
        .await;
    assert_eq!(res.expect(201)["content_review"], "pending");
    let clean = report(&app, &resident, "电梯异响", &[]).await.expect(201)["id"]
        .as_i64()
        .unwrap();
    let res = app
        .post(
            &format!("/api/v1/requests/{clean}/dispatch"),
            &community,
            json!({"note": "这傻逼电梯又坏了"}),
        )
        .await;
    let body = res.expect(200);
    assert_eq!(body["content_review"], "pending");
    assert_eq!(
        events(body, "request.dispatched")[0]["note_review"],
        "pending"
    );
    std::fs::remove_file(&words).unwrap();
}

/// WeChat's signature over the push token, a timestamp and a nonce.
fn sign(timestamp: &str, nonce: &str) -> String {
    let mut parts = [PUSH_TOKEN, timestamp, nonce];
    parts.sort_unstable();
    Sha1::digest(parts.concat().as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A signed query for a push sent `age` seconds ago by the app's clock.
fn signed(app: &TestApp, age: i64) -> String {
    let timestamp = (app.clock.now_utc().timestamp() - age).to_string();
    let nonce = uuid::Uuid::new_v4().simple().to_string();
    format!(
        "signature={}&timestamp={timestamp}&nonce={nonce}",
        sign(&timestamp, &nonce)
    )
}

async fn push(app: &TestApp, query: &str, body: &Value) -> Res {
    let res = app
        .client
        .post(app.url(&format!("/api/v1/wechat/events?{query}")))
        .header("content-type", "application/json")
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    let status = res.status();
    let text = res.text().await.unwrap();
    let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
    Res { status, body }
}

/// WeChat's push with its verdict on an image check.
fn verdict(fake: &FakeWechat, trace_id: &str, suggest: &str, label: i64) -> Value {
    json!({
        "ToUserName": "gh_38cc49f9733b",
        "FromUserName": "oUMsk5QJk7rwWfZprsaGf2ESjV8g",
        "CreateTime": 1_800_000_000,
        "MsgType": "event",
        "Event": "wxa_media_check",
        "appid": fake.appid,
        "trace_id": trace_id,
        "version": 2,
        "detail": [{"strategy": "content_model", "errcode": 0, "suggest": suggest, "label": label, "prob": 90}],
        "errcode": 0,
        "errmsg": "ok",
        "result": {"suggest": suggest, "label": label},
    })
}

/// Each photo's (status, trace id, submissions), by position, as stored.
async fn stored_photos(app: &TestApp, id: i64) -> Vec<(String, Option<String>, i32)> {
    app.state
        .db
        .read(move |conn| {
            use diesel::prelude::*;
            use linli_persistence::schema::request_photos as p;
            Ok(p::table
                .filter(p::request_id.eq(id))
                .order(p::position)
                .select((p::status, p::trace_id, p::attempts))
                .load::<(String, Option<String>, i32)>(conn)
                .map_err(linli_persistence::StoreError::from)?)
        })
        .await
        .unwrap()
}

/// Waits (a bounded while) until `done` holds for the stored photos of request `id`; the
/// submission to WeChat runs after the submit has answered.
async fn photos_when(
    app: &TestApp,
    id: i64,
    done: impl Fn(&[(String, Option<String>, i32)]) -> bool,
) -> Vec<(String, Option<String>, i32)> {
    for _ in 0..400 {
        let photos = stored_photos(app, id).await;
        if done(&photos) {
            return photos;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("photos of {id}: {:?}", stored_photos(app, id).await);
}

fn urls(detail: &Value) -> Vec<&str> {
    detail["photo_urls"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u.as_str().unwrap())
        .collect()
}

async fn photos_stay_hidden_until_wechats_signed_verdict(backend: Backend) {
    let fake = FakeWechat::start().await;
    let app = spawn(backend, fake.env_with_push()).await;
    let resident = app.resident("demo-resident-1").await;
    let community = app.login("community").await;
    let property = app.login("wy-tianxing").await;
    let photos = [
        "https://cdn.example.cn/leak-1.jpg",
        "https://cdn.example.cn/leak-2.jpg",
        "https://cdn.example.cn/leak-3.jpg",
    ];
    let res = report(&app, &resident, "楼上漏水", &photos).await;
    let body = res.expect(201);
    let id = body["id"].as_i64().unwrap();
    // The author sees their photos, pending; nobody else sees them yet.
    assert_eq!(urls(body), photos);
    assert!(
        body["photos"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["check"] == "pending")
    );
    assert!(urls(&show(&app, id, &community).await).is_empty());
    assert!(urls(&show(&app, id, &property).await).is_empty());

    // Submitted after the answer, each with the resident's openid and the forum scene.
    let stored = photos_when(&app, id, |p| p.iter().all(|(_, trace, _)| trace.is_some())).await;
    let traces: Vec<String> = stored.into_iter().map(|(_, t, _)| t.unwrap()).collect();
    for (url, trace) in photos.iter().zip(&traces) {
        assert_eq!(fake.traces(url), std::slice::from_ref(trace));
    }
    for m in fake.media_checks() {
        assert_eq!(
            (m["media_type"].clone(), m["version"].clone()),
            (json!(2), json!(2))
        );
        assert_eq!(
            (m["scene"].clone(), m["openid"].clone()),
            (json!(3), json!("demo-resident-1"))
        );
    }

    // A forged, unsigned or old push changes nothing.
    let pass = verdict(&fake, &traces[0], "pass", 100);
    let forged = format!("signature={}&timestamp=1&nonce=x", sign("2", "x"));
    for query in [forged, String::new(), signed(&app, 3_600)] {
        let res = push(&app, &query, &pass).await;
        assert_eq!(
            res.status,
            StatusCode::UNAUTHORIZED,
            "{query}: {:?}",
            res.body
        );
    }
    assert!(urls(&show(&app, id, &community).await).is_empty());

    // pass: shown to everyone who sees the request.
    let res = push(&app, &signed(&app, 10), &pass).await;
    assert_eq!(
        (res.status, res.body.clone()),
        (StatusCode::OK, json!("success"))
    );
    assert_eq!(urls(&show(&app, id, &property).await), [photos[0]]);

    // review: content staff see it (to decide); others do not; the request is flagged.
    push(
        &app,
        &signed(&app, 0),
        &verdict(&fake, &traces[1], "review", 20002),
    )
    .await
    .expect(200);
    let staff_view = show(&app, id, &community).await;
    assert_eq!(urls(&staff_view), [photos[0], photos[1]]);
    assert_eq!(staff_view["photos"][1]["check"], "review");
    assert_eq!(staff_view["content_review"], "pending");
    assert_eq!(urls(&show(&app, id, &property).await), [photos[0]]);

    // risky: hidden for good from all but the author; flagged; a repeated push is a no-op.
    let risky = verdict(&fake, &traces[2], "risky", 20002);
    for _ in 0..2 {
        push(&app, &signed(&app, 0), &risky).await.expect(200);
    }
    push(&app, &signed(&app, 0), &pass).await.expect(200);
    let staff_view = show(&app, id, &community).await;
    assert_eq!(urls(&staff_view), [photos[0], photos[1]]);
    let flags = events(&staff_view, "request.content_flagged");
    assert_eq!(flags.len(), 2, "one flag per verdict, none for the repeat");
    assert_eq!(
        flags[1]["data"],
        json!({"source": "wechat", "suggest": "risky", "label": 20002, "subject": "photo", "photo": 2})
    );
    let author_view = show(&app, id, &resident).await;
    assert_eq!(urls(&author_view), photos);
    let checks: Vec<&Value> = author_view["photos"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| &p["check"])
        .collect();
    assert_eq!(checks, [&json!("pass"), &json!("review"), &json!("risky")]);
    assert_eq!(
        ids_listed(&app, &community, "content_review=pending").await,
        [id]
    );

    // Staff clear: the photo under review shows; the risky one stays hidden.
    let res = app
        .post(
            &format!("/api/v1/requests/{id}/content-review"),
            &community,
            json!({"decision": "clear"}),
        )
        .await;
    let body = res.expect(200);
    assert_eq!(body["content_review"], "cleared");
    assert_eq!(
        events(body, "request.content_reviewed")[0]["data"],
        json!({"decision": "clear", "text": false, "notes": 0, "photos": 1})
    );
    assert_eq!(
        urls(&show(&app, id, &property).await),
        [photos[0], photos[1]]
    );
    assert_eq!(stored_photos(&app, id).await[1].0, "cleared");
}

async fn the_push_endpoint_answers_wechats_url_check(backend: Backend) {
    let fake = FakeWechat::start().await;
    let app = spawn(backend.clone(), fake.env_with_push()).await;
    let url = |query: &str| app.url(&format!("/api/v1/wechat/events?{query}"));
    let res = app
        .client
        .get(url(&format!(
            "{}&echostr=5816927048326017",
            signed(&app, 5)
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.text().await.unwrap(), "5816927048326017");
    for query in [
        "signature=abc&timestamp=1&nonce=2&echostr=5816927048326017".to_owned(),
        "echostr=5816927048326017".to_owned(),
    ] {
        let res = app.client.get(url(&query)).send().await.unwrap();
        assert_eq!(res.status(), 401);
        let body: Value = res.json().await.unwrap();
        assert_eq!(body["error"]["code"], "wechat.bad_signature");
    }
    let res = app
        .client
        .get(url(&format!("{}&echostr=1", signed(&app, 3_600))))
        .send()
        .await
        .unwrap();
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["error"]["code"], "wechat.push_expired");

    // Without a push token, nothing is taken.
    let no_token = spawn(backend, fake.env()).await;
    let res = no_token
        .client
        .get(no_token.url(&format!(
            "/api/v1/wechat/events?{}&echostr=1",
            signed(&no_token, 0)
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 503);
}

async fn staff_clear_or_hide_flagged_content_on_the_timeline(backend: Backend) {
    let app = spawn(backend, vec![]).await;
    let resident = app.resident("demo-resident-1").await;
    let community = app.login("community").await;
    let grid = app.login("grid1").await;
    let property = app.login("wy-tianxing").await;
    let text = "隔壁那个傻逼天天半夜装修";
    let hidden = report(&app, &resident, text, &[]).await.expect(201)["id"]
        .as_i64()
        .unwrap();
    let cleared = report(&app, &resident, "楼下 fuck 涂鸦", &[])
        .await
        .expect(201)["id"]
        .as_i64()
        .unwrap();
    let clean = report(&app, &resident, "电梯异响", &[]).await.expect(201)["id"]
        .as_i64()
        .unwrap();
    assert_eq!(
        ids_listed(&app, &community, "content_review=pending").await,
        [cleared, hidden]
    );
    let res = app
        .get("/api/v1/requests?content_review=maybe", &community)
        .await;
    res.expect(422);

    // Only content staff decide.
    let review = |id: i64| format!("/api/v1/requests/{id}/content-review");
    for who in [&resident, &grid, &property] {
        let res = app
            .post(&review(hidden), who, json!({"decision": "hide"}))
            .await;
        assert_eq!(res.status, 403, "{:?}", res.body);
    }
    let res = app
        .post(&review(clean), &community, json!({"decision": "hide"}))
        .await;
    res.expect(409);
    assert_eq!(res.code(), "content.not_pending");

    // Hide: a placeholder for everyone but staff and the author; the decision on the timeline.
    let res = app
        .post(
            &review(hidden),
            &community,
            json!({"decision": "hide", "note": "含辱骂内容"}),
        )
        .await;
    let body = res.expect(200);
    assert_eq!(body["content_review"], "hidden");
    assert_eq!(body["text_review"], "hidden");
    assert_eq!(body["description"], text);
    let decision = events(body, "request.content_reviewed");
    assert_eq!(decision[0]["actor_name"], "大兴东路社区工作人员");
    assert_eq!(decision[0]["note"], "含辱骂内容");
    assert_eq!(
        decision[0]["data"],
        json!({"decision": "hide", "text": true, "notes": 0, "photos": 0})
    );
    assert_eq!(show(&app, hidden, &resident).await["description"], text);
    for who in [&grid, &property] {
        let seen = show(&app, hidden, who).await;
        assert_eq!(seen["description"], "该内容已被社区工作人员隐藏");
        assert_eq!(seen["text_review"], "hidden");
    }
    let res = app
        .post(&review(hidden), &community, json!({"decision": "clear"}))
        .await;
    assert_eq!(res.code(), "content.not_pending");

    // Clear: the text stands for everyone.
    let body = app
        .post(&review(cleared), &community, json!({"decision": "clear"}))
        .await;
    assert_eq!(body.expect(200)["content_review"], "cleared");
    assert_eq!(
        show(&app, cleared, &grid).await["description"],
        "楼下 fuck 涂鸦"
    );
    assert!(
        ids_listed(&app, &community, "content_review=pending")
            .await
            .is_empty()
    );
    assert_eq!(
        ids_listed(&app, &community, "content_review=hidden").await,
        [hidden]
    );

    // A flagged note hidden: the comment gives way to the placeholder for the handler.
    resolve(&app, clean).await;
    app.post(
        &format!("/api/v1/requests/{clean}/rate"),
        &resident,
        json!({"rating": "dissatisfied", "comment": "物业都是傻逼"}),
    )
    .await
    .expect(200);
    let body = app
        .post(&review(clean), &community, json!({"decision": "hide"}))
        .await;
    let body = body.expect(200);
    assert_eq!(
        body["text_review"], "none",
        "the request's own text was not flagged"
    );
    assert_eq!(
        events(body, "request.content_reviewed")[0]["data"]["notes"],
        2
    );
    let seen = show(&app, clean, &property).await;
    assert_eq!(seen["description"], "电梯异响");
    let rated = events(&seen, "request.rated");
    assert_eq!(rated[0]["note"], "该内容已被社区工作人员隐藏");
    assert_eq!(rated[0]["note_review"], "hidden");
    assert_eq!(
        events(&show(&app, clean, &resident).await, "request.rated")[0]["note"],
        "物业都是傻逼"
    );
}

async fn failed_photo_submissions_are_retried_then_go_to_staff(backend: Backend) {
    let fake = FakeWechat::start().await;
    let app = spawn(backend, fake.env_with_push()).await;
    let resident = app.resident("demo-resident-1").await;
    let flaky = "https://cdn.example.cn/flaky.jpg";
    let broken = "https://cdn.example.cn/broken.jpg";
    fake.fail_media(flaky, Some(-1));
    fake.fail_media(broken, Some(-1));
    let res = report(&app, &resident, "楼道堆物", &[flaky, broken]).await;
    let id = res.expect(201)["id"].as_i64().unwrap();
    // The submit answered although WeChat refused both; they stay pending, tried once.
    let stored = photos_when(&app, id, |p| p.iter().all(|(_, _, n)| *n == 1)).await;
    assert!(stored.iter().all(|(s, t, _)| s == "pending" && t.is_none()));

    // Not due yet: the worker leaves them.
    let pass = linli_api::content::photos::run_once(&app.state)
        .await
        .unwrap();
    assert_eq!(pass, Default::default());

    // WeChat is back for one: the next pass after the back-off submits it.
    fake.fail_media(flaky, None);
    app.clock.advance(chrono::Duration::minutes(2));
    let pass = linli_api::content::photos::run_once(&app.state)
        .await
        .unwrap();
    assert_eq!((pass.submitted, pass.failed), (1, 1));
    assert_eq!(fake.traces(flaky).len(), 1);
    let trace = fake.traces(flaky)[0].clone();
    assert_eq!(
        stored_photos(&app, id).await[0].1.as_deref(),
        Some(trace.as_str())
    );
    push(&app, &signed(&app, 0), &verdict(&fake, &trace, "pass", 100))
        .await
        .expect(200);
    assert_eq!(stored_photos(&app, id).await[0].0, "pass");

    // The other never goes through: after five submissions it goes to staff review.
    for _ in 0..4 {
        app.clock.advance(chrono::Duration::hours(3));
        linli_api::content::photos::run_once(&app.state)
            .await
            .unwrap();
    }
    let stored = stored_photos(&app, id).await;
    assert_eq!(stored[1].0, "review");
    assert_eq!(stored[1].2, 5);
    // (Tokens signed before the hours went by have expired.)
    let community = app.login("community").await;
    let detail = show(&app, id, &community).await;
    assert_eq!(detail["content_review"], "pending");
    assert_eq!(
        events(&detail, "request.content_flagged")[0]["data"],
        json!({"source": "unchecked", "subject": "photo", "photo": 1})
    );
    assert_eq!(
        urls(&detail),
        [flaky, broken],
        "content staff see it to decide"
    );
    assert_eq!(
        urls(&show(&app, id, &app.login("grid1").await).await),
        [flaky]
    );
}
