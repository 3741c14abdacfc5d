//! WeChat: login by code, the shared phone, and the access token shared by instances, against
//! a local fake of WeChat's server API.

use std::time::Duration;

use futures_util::future::join_all;
use linli_domain::UserId;
use reqwest::Method;
use serde_json::json;

use crate::fake_wechat::FakeWechat;
use crate::helpers::{Backend, Spawn, TestApp, spawn_instances, spawn_with, test_redis_url};
use crate::on_both_backends;

on_both_backends!(
    wechat_login_creates_a_resident_once_and_maps_wechats_errors,
    without_wechat_its_features_say_they_are_off,
    a_shared_phone_is_stored_encrypted_and_shown_masked,
    a_refused_access_token_is_fetched_again_once,
    instances_sharing_redis_fetch_the_access_token_once,
    a_buildings_mini_program_code_comes_from_wechat_once,
);

async fn with_wechat(backend: Backend, fake: &FakeWechat) -> TestApp {
    spawn_with(
        backend,
        Spawn {
            env: fake.env(),
            ..Spawn::default()
        },
    )
    .await
}

async fn wechat_login(app: &TestApp, code: &str) -> crate::helpers::Res {
    app.call(
        Method::POST,
        "/api/v1/auth/wechat/login",
        None,
        Some(json!({ "code": code })),
    )
    .await
}

async fn me(app: &TestApp, token: &str) -> serde_json::Value {
    app.get("/api/v1/me", token).await.expect(200).clone()
}

async fn wechat_login_creates_a_resident_once_and_maps_wechats_errors(backend: Backend) {
    let fake = FakeWechat::start().await;
    let app = with_wechat(backend, &fake).await;
    fake.login_code("code-1", "o-resident-abcd", None);
    fake.login_code("code-2", "o-resident-abcd", Some("u-union-1"));

    let first = wechat_login(&app, "code-1").await;
    let token = first.expect(200)["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let first_me = me(&app, &token).await;
    assert_eq!(first_me["display_name"], "居民abcd");
    assert_eq!(first_me["roles"][0]["role"], "resident");
    assert!(first_me["phone"].is_null());

    // The same person again: the same account, now with the unionid WeChat gave.
    let again = wechat_login(&app, "code-2").await;
    let token = again.expect(200)["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(me(&app, &token).await["id"], first_me["id"]);
    let id = UserId(first_me["id"].as_i64().unwrap());
    let unionid = app
        .state
        .db
        .read(move |conn| Ok(linli_persistence::residents::unionid(conn, id)?))
        .await
        .unwrap();
    assert_eq!(unionid.as_deref(), Some("u-union-1"));

    // A staff member links their WeChat to receive messages; a WeChat already linked elsewhere
    // is refused.
    fake.login_code("link-1", "o-resident-abcd", None);
    fake.login_code("link-2", "o-staff-grid2", None);
    let grid2 = app.login("grid2").await;
    let res = app
        .post(
            "/api/v1/me/wechat",
            &grid2,
            json!({"code": "never-issued-link"}),
        )
        .await;
    res.expect(422);
    let res = app
        .post("/api/v1/me/wechat", &grid2, json!({"code": "link-1"}))
        .await;
    res.expect(409);
    assert_eq!(res.code(), "wechat.already_linked");
    let res = app
        .post("/api/v1/me/wechat", &grid2, json!({"code": "link-2"}))
        .await;
    assert_eq!(res.status, 204, "{res:?}");
    // Linked, the staff member still signs in with their password, not with WeChat.
    fake.login_code("link-3", "o-staff-grid2", None);
    let res = wechat_login(&app, "link-3").await;
    res.expect(403);
    assert_eq!(res.code(), "auth.password_required");

    // Two first logins of a new person at once: one account.
    fake.login_code("race-1", "o-newcomer", None);
    fake.login_code("race-2", "o-newcomer", None);
    let (a, b) = tokio::join!(wechat_login(&app, "race-1"), wechat_login(&app, "race-2"));
    let (a, b) = (
        a.expect(200)["access_token"].as_str().unwrap().to_owned(),
        b.expect(200)["access_token"].as_str().unwrap().to_owned(),
    );
    assert_eq!(me(&app, &a).await["id"], me(&app, &b).await["id"]);

    // WeChat's errors are the API's, each with its own code; nothing is created.
    fake.fail("limited", 45011);
    fake.fail("blocked", 40226);
    fake.fail("busy", -1);
    fake.fail("odd", 40013);
    for (code, status, expected) in [
        ("code-1", 401, "wechat.invalid_code"), // used already (40163)
        ("never-issued", 401, "wechat.invalid_code"), // 40029
        ("limited", 429, "wechat.rate_limited"),
        ("blocked", 403, "wechat.user_blocked"),
        ("busy", 503, "wechat.unavailable"),
        ("odd", 502, "wechat.error"),
    ] {
        let res = wechat_login(&app, code).await;
        assert_eq!(res.status, status, "{code}: {res:?}");
        assert_eq!(res.code(), expected, "{code}");
    }
    let res = wechat_login(&app, "  ").await;
    res.expect(422);
    assert_eq!(res.body["error"]["details"][0]["field"], "code");
    assert_eq!(
        fake.calls("jscode2session"),
        14,
        "a blank code never reaches WeChat"
    );

    // WeChat unreachable: 503, not 500.
    let offline = spawn_with(
        app_backend(&app),
        Spawn {
            env: vec![
                ("LINLI_WECHAT_APPID", fake.appid.clone()),
                ("LINLI_WECHAT_SECRET", "x".into()),
                ("LINLI_WECHAT_API_BASE", "http://127.0.0.1:9".into()),
            ],
            ..Spawn::default()
        },
    )
    .await;
    let res = wechat_login(&offline, "code-x").await;
    assert_eq!(res.status, 503, "{res:?}");
    assert_eq!(res.code(), "wechat.unavailable");
}

/// The backend an app runs on (to spawn another on the same kind).
fn app_backend(app: &TestApp) -> Backend {
    if app.settings().database_url.sqlite_path().is_some() {
        Backend::Sqlite
    } else {
        Backend::postgres().expect("the app runs on PostgreSQL")
    }
}

async fn without_wechat_its_features_say_they_are_off(backend: Backend) {
    let app = spawn_with(backend, Spawn::default()).await;
    let res = wechat_login(&app, "code").await;
    assert_eq!(res.status, 503);
    assert_eq!(res.code(), "wechat.disabled");
    let resident = app.resident("demo-resident-1").await;
    let res = app
        .post("/api/v1/me/phone", &resident, json!({"code": "x"}))
        .await;
    assert_eq!(res.code(), "wechat.disabled");
}

async fn share_phone(app: &TestApp, token: &str, code: &str) -> crate::helpers::Res {
    app.post("/api/v1/me/phone", token, json!({ "code": code }))
        .await
}

async fn a_shared_phone_is_stored_encrypted_and_shown_masked(backend: Backend) {
    let fake = FakeWechat::start().await;
    let app = with_wechat(backend, &fake).await;
    fake.login_code("login", "o-phone-owner", None);
    fake.phone_code("phone-1", "13912345678", "86");
    fake.phone_code("phone-hk", "91234567", "852");
    let token = wechat_login(&app, "login").await.expect(200)["access_token"]
        .as_str()
        .unwrap()
        .to_owned();

    let res = share_phone(&app, &token, "phone-1").await;
    assert_eq!(res.expect(200)["phone"], "139****5678");
    assert_eq!(me(&app, &token).await["phone"], "139****5678");

    // Stored encrypted, with the keyed hash of the normalised number.
    let id = UserId(me(&app, &token).await["id"].as_i64().unwrap());
    let state = app.state.clone();
    let (enc, hash) = app
        .state
        .db
        .read(move |conn| {
            use diesel::prelude::*;
            use linli_persistence::schema::users;
            Ok(users::table
                .find(id.0)
                .select((users::phone_enc, users::phone_hash))
                .get_result::<(Option<String>, Option<String>)>(conn)
                .map_err(linli_persistence::StoreError::from)?)
        })
        .await
        .unwrap();
    let enc = enc.unwrap();
    assert!(!enc.contains("13912345678"));
    assert_eq!(state.cipher.decrypt(&enc).unwrap(), "13912345678");
    assert_eq!(hash.unwrap(), state.cipher.lookup_hash("13912345678"));

    // Outside mainland China, a bad code, no code: refused, nothing changed.
    let res = share_phone(&app, &token, "phone-hk").await;
    res.expect(422);
    assert_eq!(res.code(), "phone.unsupported");
    // Signed in, a refused code is 422: a 401 would look like an expired session.
    let res = share_phone(&app, &token, "unknown").await;
    res.expect(422);
    assert_eq!(res.code(), "wechat.invalid_code");
    share_phone(&app, &token, "").await.expect(422);
    assert_eq!(me(&app, &token).await["phone"], "139****5678");
    // One token fetch served every call.
    assert_eq!(fake.calls("stable_token"), 1);
    assert_eq!(fake.calls("force_refresh"), 0);
}

async fn a_refused_access_token_is_fetched_again_once(backend: Backend) {
    let fake = FakeWechat::start().await;
    let app = with_wechat(backend, &fake).await;
    fake.phone_code("p", "13812345678", "86");
    let resident = app.resident("demo-resident-2").await;
    share_phone(&app, &resident, "p").await.expect(200);
    assert_eq!(fake.calls("stable_token"), 1);

    // WeChat drops the token: the call is refused (40001), a new token is fetched once and
    // the call retried, whatever the number of callers at that moment.
    fake.expire_token();
    let results = join_all((0..6).map(|_| share_phone(&app, &resident, "p"))).await;
    for r in results {
        r.expect(200);
    }
    assert_eq!(fake.calls("stable_token"), 2);
    assert_eq!(fake.calls("force_refresh"), 0, "never forces a refresh");
}

async fn instances_sharing_redis_fetch_the_access_token_once(backend: Backend) {
    let Some(redis) = test_redis_url() else {
        return;
    };
    let fake = FakeWechat::start().await;
    fake.slow_tokens(Duration::from_millis(200));
    fake.phone_code("p", "13812345678", "86");
    let mut env = fake.env();
    env.push(("REDIS_URL", redis.clone()));
    let apps = spawn_instances(
        backend.clone(),
        Spawn {
            env,
            ..Spawn::default()
        },
        2,
    )
    .await;
    let _keys = RedisKeys::new(&redis, &fake.appid);
    let tokens = [
        apps[0].resident("demo-resident-1").await,
        apps[1].resident("demo-resident-2").await,
    ];
    let calls = (0..8).map(|i| share_phone(&apps[i % 2], &tokens[i % 2], "p"));
    for r in join_all(calls).await {
        r.expect(200);
    }
    assert_eq!(
        fake.calls("stable_token"),
        1,
        "one fetch for both instances"
    );

    // The token is refused on both instances at once: one new fetch between them.
    fake.expire_token();
    let calls = (0..8).map(|i| share_phone(&apps[i % 2], &tokens[i % 2], "p"));
    for r in join_all(calls).await {
        r.expect(200);
    }
    assert_eq!(fake.calls("stable_token"), 2);

    // Without Redis each instance keeps its own token, and still works.
    let local = spawn_instances(
        backend,
        Spawn {
            env: fake.env(),
            ..Spawn::default()
        },
        2,
    )
    .await;
    for app in &local {
        let t = app.resident("demo-resident-3").await;
        share_phone(app, &t, "p").await.expect(200);
    }
    // (WeChat hands the still-valid stable token to each.)
    assert_eq!(fake.calls("stable_token"), 4, "one fetch per instance");
}

/// Deletes the test's Redis keys when it ends: CI shares the Redis server.
struct RedisKeys {
    url: String,
    appid: String,
}

impl RedisKeys {
    fn new(url: &str, appid: &str) -> Self {
        RedisKeys {
            url: url.to_owned(),
            appid: appid.to_owned(),
        }
    }
}

impl Drop for RedisKeys {
    fn drop(&mut self) {
        if let Ok(client) = redis::Client::open(self.url.as_str())
            && let Ok(mut conn) = client.get_connection()
        {
            let _: Result<(), _> = redis::cmd("DEL")
                .arg(format!("linli:wechat:{}:access_token", self.appid))
                .arg(format!("linli:wechat:{}:access_token:lock", self.appid))
                .query(&mut conn);
        }
    }
}

async fn a_buildings_mini_program_code_comes_from_wechat_once(backend: Backend) {
    use crate::fake_wechat::wxacode_bytes;
    let fake = FakeWechat::start().await;
    let app = with_wechat(backend.clone(), &fake).await;
    let get = |path: String| {
        let req = app.client.get(app.url(&path));
        async move { req.send().await.unwrap() }
    };

    // With WeChat the default is the mini-program code, made once and then served from cache.
    for _ in 0..2 {
        let res = get("/api/v1/buildings/DX-01-1/qrcode".into()).await;
        assert_eq!(res.status(), 200);
        assert_eq!(res.headers()["content-type"], "image/png");
        assert_eq!(
            res.bytes().await.unwrap().to_vec(),
            wxacode_bytes("b=DX-01-1")
        );
    }
    assert_eq!(fake.calls("getwxacodeunlimit"), 1);
    let asked = &fake.wxacodes()[0];
    assert_eq!(asked["scene"], "b=DX-01-1");
    assert_eq!(asked["page"], "pages/report/index");
    assert_eq!(asked["env_version"], "release");

    // The standard QR code is still there; a mini-program code has no SVG.
    let qr = get("/api/v1/buildings/DX-01-1/qrcode?kind=qr".into()).await;
    assert_eq!(qr.status(), 200);
    assert_ne!(
        qr.bytes().await.unwrap().to_vec(),
        wxacode_bytes("b=DX-01-1")
    );
    let res = app
        .call(
            Method::GET,
            "/api/v1/buildings/DX-01-1/qrcode?format=svg",
            None,
            None,
        )
        .await;
    res.expect(422);
    assert_eq!(res.body["error"]["details"][0]["field"], "format");

    // WeChat's refusal (JSON where an image was expected) is a 502 with its errcode; a refused
    // token is fetched again and the code made.
    fake.fail_wxacodes(&[41030]);
    let res = app
        .call(Method::GET, "/api/v1/buildings/DX-01-2/qrcode", None, None)
        .await;
    assert_eq!(res.status, 502, "{res:?}");
    assert_eq!(res.body["error"]["details"]["errcode"], 41030);
    fake.expire_token();
    let res = get("/api/v1/buildings/DX-01-2/qrcode".into()).await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        res.bytes().await.unwrap().to_vec(),
        wxacode_bytes("b=DX-01-2")
    );

    // Without WeChat, asking for one says WeChat is off.
    let plain = spawn_with(backend, Spawn::default()).await;
    let res = plain
        .call(
            Method::GET,
            "/api/v1/buildings/DX-01-1/qrcode?kind=miniprogram",
            None,
            None,
        )
        .await;
    assert_eq!(res.status, 503);
    assert_eq!(res.code(), "wechat.disabled");
}
