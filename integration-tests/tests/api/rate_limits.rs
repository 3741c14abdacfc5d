//! Rate limits on login, partner and Open311 routes: the call past the quota is 429 with
//! `Retry-After` and the draft's `RateLimit-Policy` / `RateLimit` fields; limits count per
//! client IP and per API key; instances sharing Redis share them, others count alone; calls
//! fired at once pass exactly the quota. (The database plays no part: SQLite only.)

use std::time::Duration;

use reqwest::header::ACCEPT_LANGUAGE;
use reqwest::{RequestBuilder, Response};
use serde_json::{Value, json};

use crate::helpers::{
    Backend, PASSWORD, Spawn, TestApp, spawn_instances, spawn_with, test_redis_url,
};

fn env(pairs: &[(&'static str, &str)]) -> Spawn {
    Spawn {
        env: pairs.iter().map(|(k, v)| (*k, (*v).to_owned())).collect(),
        ..Spawn::default()
    }
}

fn header(res: &Response, name: &str) -> String {
    res.headers()
        .get(name)
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default()
}

async fn login(app: &TestApp, from: Option<&str>) -> Response {
    let mut req = app
        .client
        .post(app.url("/api/v1/auth/login"))
        .json(&json!({"username": "community", "password": PASSWORD}));
    if let Some(ip) = from {
        req = req.header("X-Forwarded-For", ip);
    }
    req.send().await.unwrap()
}

fn from(req: RequestBuilder, ip: &str) -> RequestBuilder {
    req.header("X-Forwarded-For", ip)
}

/// Deletes the keys a test left under its prefix, whatever happens to the test.
struct RedisKeys {
    url: String,
    prefix: String,
}

impl Drop for RedisKeys {
    fn drop(&mut self) {
        if let Ok(client) = redis::Client::open(self.url.as_str())
            && let Ok(mut conn) = client.get_connection()
        {
            let keys: Vec<String> = redis::cmd("KEYS")
                .arg(format!("{}*", self.prefix))
                .query(&mut conn)
                .unwrap_or_default();
            if !keys.is_empty() {
                let _: Result<(), _> = redis::cmd("DEL").arg(keys).query(&mut conn);
            }
        }
    }
}

fn unique_prefix() -> String {
    format!("linli_test:{}:", uuid::Uuid::new_v4().simple())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_call_past_the_quota_is_429_with_the_headers() {
    let app = spawn_with(Backend::Sqlite, env(&[("LINLI_RATE_LIMIT_LOGIN", "3/60")])).await;
    // 3 calls a minute: each costs 20 s of the quota.
    for (remaining, reset) in [(2, 20), (1, 40), (0, 60)] {
        let res = login(&app, None).await;
        assert_eq!(res.status(), 200);
        assert_eq!(header(&res, "ratelimit-policy"), r#""login";q=3;w=60"#);
        assert_eq!(
            header(&res, "ratelimit"),
            format!(r#""login";r={remaining};t={reset}"#)
        );
    }
    // Not trusted as a proxy, the peer cannot name another client.
    let res = login(&app, Some("9.9.9.9")).await;
    assert_eq!(res.status(), 429);
    assert_eq!(header(&res, "retry-after"), "20");
    assert_eq!(header(&res, "ratelimit-policy"), r#""login";q=3;w=60"#);
    assert_eq!(header(&res, "ratelimit"), r#""login";r=0;t=60"#);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["error"]["code"], "rate_limited");
    assert!(body["error"]["message"].as_str().unwrap().contains("20"));
    let en = app
        .client
        .post(app.url("/api/v1/auth/login"))
        .header(ACCEPT_LANGUAGE, "en")
        .json(&json!({"username": "community", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(en.status(), 429);
    assert_eq!(header(&en, "retry-after"), "20");
    let body: Value = en.json().await.unwrap();
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("Too many")
    );

    // One call's worth of time later, one more passes; routes outside the policies never count.
    app.clock.advance(chrono::Duration::seconds(20));
    assert_eq!(login(&app, None).await.status(), 200);
    assert_eq!(login(&app, None).await.status(), 429);
    let refresh = app
        .client
        .post(app.url("/api/v1/auth/refresh"))
        .json(&json!({"refresh_token": "x"}))
        .send()
        .await
        .unwrap();
    assert_ne!(refresh.status(), 429);
    assert!(refresh.headers().get("ratelimit").is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn partner_and_open311_limits_count_per_key_and_per_ip() {
    let app = spawn_with(
        Backend::Sqlite,
        env(&[
            ("LINLI_RATE_LIMIT_PARTNER", "2/60"),
            ("LINLI_RATE_LIMIT_OPEN311", "2/60"),
            ("LINLI_TRUSTED_PROXIES", "127.0.0.1, ::1"),
        ]),
    )
    .await;
    let admin = app.login("admin").await;
    let roots = app.get("/api/v1/org/roots", &admin).await;
    let district = roots.expect(200)["items"][0]["id"].as_i64().unwrap();
    let street = app
        .get(&format!("/api/v1/org/nodes/{district}"), &admin)
        .await
        .expect(200)["children"][0]["id"]
        .as_i64()
        .unwrap();
    let mut keys = Vec::new();
    for name in ["云家园", "另一平台"] {
        let res = app
            .post(
                "/api/v1/partners",
                &admin,
                json!({"name": name, "scope_node_id": street}),
            )
            .await;
        keys.push(
            res.expect(201)["key"]["api_key"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
    }
    let me = |key: &str, ip: &str| {
        from(app.client.get(app.url("/api/v1/partner/me")), ip)
            .header("X-Api-Key", key)
            .send()
    };
    // Key A from one address: two calls, then 429.
    for r in ["1", "0"] {
        let res = me(&keys[0], "1.1.1.1").await.unwrap();
        assert_eq!(res.status(), 200);
        assert_eq!(
            header(&res, "ratelimit"),
            format!(r#""partner";r={r};t={}"#, if r == "1" { 30 } else { 60 })
        );
    }
    assert_eq!(me(&keys[0], "1.1.1.1").await.unwrap().status(), 429);
    // The same key from elsewhere: the key is spent.
    let res = me(&keys[0], "2.2.2.2").await.unwrap();
    assert_eq!(res.status(), 429);
    assert_eq!(header(&res, "retry-after"), "30");
    // Another key from that address: the address had one call counted (the refused key's).
    assert_eq!(me(&keys[1], "2.2.2.2").await.unwrap().status(), 200);
    assert_eq!(me(&keys[1], "2.2.2.2").await.unwrap().status(), 429);
    // The partner admins' routes are no partner routes.
    app.get("/api/v1/partners", &admin).await.expect(200);

    // Open311: per address, answered in Open311's shape.
    let services = |ip: &str, ext: &str| {
        from(
            app.client
                .get(app.url(&format!("/open311/v2/services.{ext}"))),
            ip,
        )
        .send()
    };
    for _ in 0..2 {
        let res = services("3.3.3.3", "json").await.unwrap();
        assert_eq!(res.status(), 200);
        assert!(header(&res, "ratelimit").starts_with(r#""open311";"#));
    }
    let res = services("3.3.3.3", "json").await.unwrap();
    assert_eq!(res.status(), 429);
    assert_eq!(header(&res, "retry-after"), "30");
    assert_eq!(header(&res, "ratelimit-policy"), r#""open311";q=2;w=60"#);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body[0]["code"], 429);
    let res = services("3.3.3.3", "xml").await.unwrap();
    assert_eq!(res.status(), 429);
    let text = res.text().await.unwrap();
    let doc = roxmltree::Document::parse(&text).unwrap();
    assert_eq!(doc.root_element().tag_name().name(), "errors");
    // Another client is not held up.
    assert_eq!(services("4.4.4.4", "xml").await.unwrap().status(), 200);
    // A form's api_key counts too: key B has no Open311 calls yet, its address is new, and the
    // third POST with the same key from a third address is refused.
    let key = &keys[1];
    let last = if key.ends_with('A') { "B" } else { "A" };
    let wrong = format!("{}{last}", &key[..key.len() - 1]);
    for (ip, status) in [("5.5.5.5", 403), ("6.6.6.6", 403), ("7.7.7.7", 429)] {
        let res = from(app.client.post(app.url("/open311/v2/requests.json")), ip)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body(format!("api_key={wrong}&service_code=property"))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), status, "{ip}");
    }
}

async fn spend(app: &TestApp) -> u16 {
    app.client
        .get(app.url("/open311/v2/services.json"))
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_redis_each_instance_counts_alone() {
    let apps = spawn_instances(
        Backend::Sqlite,
        env(&[("LINLI_RATE_LIMIT_OPEN311", "2/60")]),
        2,
    )
    .await;
    for app in &apps {
        assert_eq!(spend(app).await, 200);
        assert_eq!(spend(app).await, 200);
        assert_eq!(spend(app).await, 429);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn instances_sharing_redis_share_the_limit() {
    let Some(url) = test_redis_url() else { return };
    let prefix = unique_prefix();
    let _cleanup = RedisKeys {
        url: url.clone(),
        prefix: prefix.clone(),
    };
    let apps = spawn_instances(
        Backend::Sqlite,
        env(&[
            ("REDIS_URL", &url),
            ("LINLI_RATE_LIMIT_PREFIX", &prefix),
            ("LINLI_RATE_LIMIT_OPEN311", "4/60"),
        ]),
        2,
    )
    .await;
    let mut statuses = Vec::new();
    for i in 0..6 {
        statuses.push(spend(&apps[i % 2]).await);
    }
    assert_eq!(statuses, [200, 200, 200, 200, 429, 429]);
}

/// Fires `n` calls at once across `apps` and counts those that passed.
async fn burst(apps: &[TestApp], n: usize) -> usize {
    let calls = (0..n).map(|i| spend(&apps[i % apps.len()]));
    let statuses = futures_util::future::join_all(calls).await;
    assert!(
        statuses.iter().all(|s| *s == 200 || *s == 429),
        "{statuses:?}"
    );
    statuses.iter().filter(|s| **s == 200).count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn calls_fired_at_once_pass_exactly_the_quota() {
    let quota = [("LINLI_RATE_LIMIT_OPEN311", "10/60")];
    let app = spawn_with(Backend::Sqlite, env(&quota)).await;
    assert_eq!(burst(std::slice::from_ref(&app), 40).await, 10);

    let Some(url) = test_redis_url() else { return };
    let prefix = unique_prefix();
    let _cleanup = RedisKeys {
        url: url.clone(),
        prefix: prefix.clone(),
    };
    let apps = spawn_instances(
        Backend::Sqlite,
        env(&[
            quota[0],
            ("REDIS_URL", &url),
            ("LINLI_RATE_LIMIT_PREFIX", &prefix),
        ]),
        2,
    )
    .await;
    assert_eq!(burst(&apps, 40).await, 10);
    // The keys expire by themselves once the quota is whole again.
    let client = redis::Client::open(url.as_str()).unwrap();
    let mut conn = client.get_connection().unwrap();
    let keys: Vec<String> = redis::cmd("KEYS")
        .arg(format!("{prefix}*"))
        .query(&mut conn)
        .unwrap();
    assert_eq!(keys.len(), 1, "one client, one key: {keys:?}");
    let ttl: i64 = redis::cmd("PTTL").arg(&keys[0]).query(&mut conn).unwrap();
    assert!(
        ttl > 0 && ttl <= Duration::from_secs(60).as_millis() as i64,
        "{ttl}"
    );
}
