//! A local stand-in for WeChat's server API, speaking the documented requests, answers and
//! error codes of the endpoints Linli calls, and counting the calls. Tests script it: which
//! login codes belong to whom, which fail with which errcode, which phone a code shares.

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use actix_web::dev::ServerHandle;
use actix_web::{App, HttpResponse, HttpServer, web};
use serde::Deserialize;
use serde_json::{Value, json};

/// The app id and secret the fake accepts.
pub const SECRET: &str = "fake-app-secret";

#[derive(Default)]
struct State {
    appid: String,
    calls: HashMap<&'static str, usize>,
    /// Login code → (openid, unionid).
    sessions: HashMap<String, (String, Option<String>)>,
    /// Login codes already exchanged (WeChat's codes work once).
    used: HashSet<String>,
    /// Any code → the errcode WeChat answers with.
    failures: HashMap<String, i64>,
    /// Phone code → (pure number, country code).
    phones: HashMap<String, (String, String)>,
    /// The access token WeChat currently accepts, and how many were issued.
    token: Option<String>,
    issued: usize,
    /// How long a token fetch takes (to widen races).
    token_delay: Duration,
    /// Subscribe messages WeChat accepted, as sent.
    messages: Vec<Value>,
    /// Per openid, the errcodes the next sends answer with (then success).
    send_failures: HashMap<String, VecDeque<i64>>,
    /// Mini-program code requests, as made.
    wxacodes: Vec<Value>,
    /// The errcodes the next mini-program code requests answer with.
    wxacode_failures: VecDeque<i64>,
    /// Content checks: text containing the first string gets (suggest, label); otherwise pass.
    text_verdicts: Vec<(String, String, i64)>,
    /// The bodies of every text check, in order.
    text_checks: Vec<Value>,
    /// How long a content check (text or image) takes to answer.
    check_delay: Duration,
    /// Content checks answer with this errcode (WeChat busy: -1).
    check_errcode: Option<i64>,
    /// Image URL → the errcode `media_check_async` answers with.
    media_failures: HashMap<String, i64>,
    /// Image URL → the trace ids issued for it, oldest first.
    traces: HashMap<String, Vec<String>>,
    /// The bodies of every image submission, in order.
    media_checks: Vec<Value>,
}

/// The bytes the fake serves as the mini-program code for a scene: a PNG signature and the
/// scene, so a test can tell which code it got.
pub fn wxacode_bytes(scene: &str) -> Vec<u8> {
    let mut b = b"\x89PNG\r\n\x1a\n".to_vec();
    b.extend_from_slice(scene.as_bytes());
    b
}

async fn wxacode(
    state: web::Data<Arc<Mutex<State>>>,
    q: web::Query<TokenQuery>,
    body: web::Json<Value>,
) -> HttpResponse {
    let mut s = state.lock().unwrap();
    *s.calls.entry("getwxacodeunlimit").or_default() += 1;
    if let Some(refused) = refuse_token(&s, &q) {
        return refused;
    }
    if let Some(code) = s.wxacode_failures.pop_front() {
        return err(code, "scripted failure");
    }
    let scene = body["scene"].as_str().unwrap_or_default().to_owned();
    let allowed = |c: char| c.is_ascii_alphanumeric() || "!#$&'()*+,/:;=?@-._~".contains(c);
    if scene.is_empty() || scene.len() > 32 || !scene.chars().all(allowed) {
        return err(40169, "invalid length for scene, or the data is not json");
    }
    s.wxacodes.push(body.into_inner());
    HttpResponse::Ok()
        .content_type("image/png")
        .body(wxacode_bytes(&scene))
}

/// The fake server; it stops when dropped.
pub struct FakeWechat {
    /// Its base URL, for `LINLI_WECHAT_API_BASE`.
    pub base: String,
    /// The app id it expects (unique per fake, so Redis keys never collide between tests).
    pub appid: String,
    state: Arc<Mutex<State>>,
    handle: ServerHandle,
}

impl Drop for FakeWechat {
    fn drop(&mut self) {
        let handle = self.handle.clone();
        tokio::spawn(async move { handle.stop(false).await });
    }
}

fn err(code: i64, msg: &str) -> HttpResponse {
    HttpResponse::Ok().json(json!({ "errcode": code, "errmsg": msg }))
}

#[derive(Deserialize)]
struct SessionQuery {
    appid: String,
    secret: String,
    js_code: String,
    grant_type: String,
}

async fn jscode2session(
    state: web::Data<Arc<Mutex<State>>>,
    q: web::Query<SessionQuery>,
) -> HttpResponse {
    let mut s = state.lock().unwrap();
    *s.calls.entry("jscode2session").or_default() += 1;
    if q.appid != s.appid || q.secret != SECRET {
        return err(40125, "invalid appsecret");
    }
    if q.grant_type != "authorization_code" {
        return err(40002, "invalid grant_type");
    }
    if let Some(code) = s.failures.get(&q.js_code) {
        return err(*code, "scripted failure");
    }
    if !s.used.insert(q.js_code.clone()) {
        return err(40163, "code been used");
    }
    match s.sessions.get(&q.js_code) {
        Some((openid, unionid)) => {
            let mut body = json!({ "openid": openid, "session_key": "c2Vzc2lvbi1rZXk=" });
            if let Some(u) = unionid {
                body["unionid"] = json!(u);
            }
            HttpResponse::Ok().json(body)
        }
        None => err(40029, "invalid code"),
    }
}

async fn stable_token(state: web::Data<Arc<Mutex<State>>>, body: web::Json<Value>) -> HttpResponse {
    let delay = {
        let mut s = state.lock().unwrap();
        *s.calls.entry("stable_token").or_default() += 1;
        if body["grant_type"] != "client_credential"
            || body["appid"] != s.appid.as_str()
            || body["secret"] != SECRET
        {
            return err(40125, "invalid appsecret");
        }
        if body["force_refresh"] == true {
            *s.calls.entry("force_refresh").or_default() += 1;
            s.token = None;
        }
        s.token_delay
    };
    tokio::time::sleep(delay).await;
    let mut s = state.lock().unwrap();
    // Stable tokens: the same token while it is valid, a new one only once it is not.
    let token = match &s.token {
        Some(t) => t.clone(),
        None => {
            s.issued += 1;
            let t = format!("ACCESS_TOKEN_{}_{}", s.appid, s.issued);
            s.token = Some(t.clone());
            t
        }
    };
    HttpResponse::Ok().json(json!({ "access_token": token, "expires_in": 7200 }))
}

#[derive(Deserialize)]
struct TokenQuery {
    access_token: String,
}

/// Checks the access token as WeChat does; `None` when it is good.
fn refuse_token(s: &State, q: &TokenQuery) -> Option<HttpResponse> {
    (s.token.as_deref() != Some(q.access_token.as_str())).then(|| {
        err(
            40001,
            "invalid credential, access_token is invalid or not latest",
        )
    })
}

async fn phone_number(
    state: web::Data<Arc<Mutex<State>>>,
    q: web::Query<TokenQuery>,
    body: web::Json<Value>,
) -> HttpResponse {
    let mut s = state.lock().unwrap();
    *s.calls.entry("getuserphonenumber").or_default() += 1;
    if let Some(refused) = refuse_token(&s, &q) {
        return refused;
    }
    let code = body["code"].as_str().unwrap_or_default().to_owned();
    if let Some(e) = s.failures.get(&code) {
        return err(*e, "scripted failure");
    }
    match s.phones.get(&code) {
        Some((number, country)) => HttpResponse::Ok().json(json!({
            "errcode": 0,
            "errmsg": "ok",
            "phone_info": {
                "phoneNumber": format!("+{country} {number}"),
                "purePhoneNumber": number,
                "countryCode": country,
                "watermark": { "timestamp": 1_700_000_000, "appid": s.appid },
            }
        })),
        None => err(40029, "invalid code"),
    }
}

/// WeChat's documented limits on subscribe-message values; a message breaking one is refused
/// whole with 47003, as WeChat does.
fn value_ok(key: &str, value: &str) -> bool {
    let n = value.chars().count();
    let kind = key.trim_end_matches(|c: char| c.is_ascii_digit());
    match kind {
        "thing" => (1..=20).contains(&n),
        "phrase" => {
            (1..=5).contains(&n)
                && value
                    .chars()
                    .all(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
        }
        "name" => (1..=10).contains(&n) || (value.is_ascii() && (1..=20).contains(&n)),
        "character_string" => (1..=32).contains(&n) && value.chars().all(|c| c.is_ascii_graphic()),
        "time" => (1..=24).contains(&n) && value.contains('年') && value.contains(':'),
        _ => false,
    }
}

async fn subscribe_send(
    state: web::Data<Arc<Mutex<State>>>,
    q: web::Query<TokenQuery>,
    body: web::Json<Value>,
) -> HttpResponse {
    let mut s = state.lock().unwrap();
    *s.calls.entry("subscribe_send").or_default() += 1;
    if let Some(refused) = refuse_token(&s, &q) {
        return refused;
    }
    let touser = body["touser"].as_str().unwrap_or_default().to_owned();
    if let Some(code) = s
        .send_failures
        .get_mut(&touser)
        .and_then(VecDeque::pop_front)
    {
        return err(code, "scripted failure");
    }
    let Some(data) = body["data"].as_object() else {
        return err(47003, "argument invalid! data is empty");
    };
    for (key, v) in data {
        if !value_ok(key, v["value"].as_str().unwrap_or_default()) {
            return err(
                47003,
                &format!("argument invalid! data.{key}.value invalid"),
            );
        }
    }
    if body["template_id"].as_str().is_none_or(str::is_empty) {
        return err(40037, "invalid template id");
    }
    s.messages.push(body.into_inner());
    err(0, "ok")
}

/// What WeChat refuses in a content check's body, as errcode 47001 (data format error).
fn malformed_check(body: &Value) -> bool {
    body["version"] != 2
        || !(1..=4).contains(&body["scene"].as_i64().unwrap_or(0))
        || body["openid"].as_str().is_none_or(str::is_empty)
}

async fn msg_sec_check(
    state: web::Data<Arc<Mutex<State>>>,
    q: web::Query<TokenQuery>,
    body: web::Json<Value>,
) -> HttpResponse {
    let (delay, answer) = {
        let mut s = state.lock().unwrap();
        *s.calls.entry("msg_sec_check").or_default() += 1;
        if let Some(refused) = refuse_token(&s, &q) {
            return refused;
        }
        s.text_checks.push(body.0.clone());
        let answer = if let Some(code) = s.check_errcode {
            err(code, "system error")
        } else if malformed_check(&body) || !body["content"].is_string() {
            err(47001, "data format error")
        } else {
            let content = body["content"].as_str().unwrap_or_default();
            let (suggest, label) = s
                .text_verdicts
                .iter()
                .find(|(needle, _, _)| content.contains(needle.as_str()))
                .map(|(_, suggest, label)| (suggest.clone(), *label))
                .unwrap_or_else(|| ("pass".into(), 100));
            HttpResponse::Ok().json(json!({
                "errcode": 0,
                "errmsg": "ok",
                "result": { "suggest": suggest, "label": label },
                "detail": [{ "strategy": "content_model", "errcode": 0, "suggest": suggest, "label": label, "prob": 90 }],
                "trace_id": "fake-text-trace",
            }))
        };
        (s.check_delay, answer)
    };
    tokio::time::sleep(delay).await;
    answer
}

async fn media_check_async(
    state: web::Data<Arc<Mutex<State>>>,
    q: web::Query<TokenQuery>,
    body: web::Json<Value>,
) -> HttpResponse {
    let (delay, answer) = {
        let mut s = state.lock().unwrap();
        *s.calls.entry("media_check_async").or_default() += 1;
        if let Some(refused) = refuse_token(&s, &q) {
            return refused;
        }
        s.media_checks.push(body.0.clone());
        let url = body["media_url"].as_str().unwrap_or_default().to_owned();
        let answer = if let Some(code) = s.check_errcode.or(s.media_failures.get(&url).copied()) {
            err(code, "scripted failure")
        } else if malformed_check(&body) || body["media_type"] != 2 || url.is_empty() {
            err(47001, "data format error")
        } else {
            let n: usize = s.traces.values().map(Vec::len).sum();
            let trace = format!("trace-{}-{n}", s.appid);
            s.traces.entry(url).or_default().push(trace.clone());
            HttpResponse::Ok().json(json!({ "errcode": 0, "errmsg": "ok", "trace_id": trace }))
        };
        (s.check_delay, answer)
    };
    tokio::time::sleep(delay).await;
    answer
}

/// The push token apps talking to the fake are configured with (see [`FakeWechat::env_with_push`]).
pub const PUSH_TOKEN: &str = "fakePushToken2026";

impl FakeWechat {
    /// Starts a fake on a free port.
    pub async fn start() -> FakeWechat {
        let appid = format!("wx{}", &uuid::Uuid::new_v4().simple().to_string()[..16]);
        let state = Arc::new(Mutex::new(State {
            appid: appid.clone(),
            ..State::default()
        }));
        let data = web::Data::new(state.clone());
        let server = HttpServer::new(move || {
            App::new()
                .app_data(data.clone())
                .route("/sns/jscode2session", web::get().to(jscode2session))
                .route("/cgi-bin/stable_token", web::post().to(stable_token))
                .route(
                    "/wxa/business/getuserphonenumber",
                    web::post().to(phone_number),
                )
                .route(
                    "/cgi-bin/message/subscribe/send",
                    web::post().to(subscribe_send),
                )
                .route("/wxa/getwxacodeunlimit", web::post().to(wxacode))
                .route("/wxa/msg_sec_check", web::post().to(msg_sec_check))
                .route("/wxa/media_check_async", web::post().to(media_check_async))
        })
        .workers(1)
        .bind(("127.0.0.1", 0))
        .unwrap();
        let port = server.addrs()[0].port();
        let server = server.run();
        let handle = server.handle();
        tokio::spawn(server);
        FakeWechat {
            base: format!("http://127.0.0.1:{port}"),
            appid,
            state,
            handle,
        }
    }

    /// The settings that point the app at this fake.
    pub fn env(&self) -> Vec<(&'static str, String)> {
        vec![
            ("LINLI_WECHAT_APPID", self.appid.clone()),
            ("LINLI_WECHAT_SECRET", SECRET.into()),
            ("LINLI_WECHAT_API_BASE", self.base.clone()),
        ]
    }

    /// The settings for this fake with WeChat's message push configured too (so photos are
    /// sent for checking and signed pushes are taken).
    pub fn env_with_push(&self) -> Vec<(&'static str, String)> {
        let mut env = self.env();
        env.push(("LINLI_WECHAT_PUSH_TOKEN", PUSH_TOKEN.into()));
        env
    }

    /// Text checks of content containing `needle` answer `suggest` with `label`.
    pub fn text_verdict(&self, needle: &str, suggest: &str, label: i64) {
        self.state
            .lock()
            .unwrap()
            .text_verdicts
            .push((needle.into(), suggest.into(), label));
    }

    /// Content checks (text and image) take this long to answer.
    pub fn slow_checks(&self, delay: Duration) {
        self.state.lock().unwrap().check_delay = delay;
    }

    /// Content checks answer with `errcode` (`None`: as usual).
    pub fn fail_checks(&self, errcode: Option<i64>) {
        self.state.lock().unwrap().check_errcode = errcode;
    }

    /// Image submissions of `url` answer with `errcode` (`None`: as usual).
    pub fn fail_media(&self, url: &str, errcode: Option<i64>) {
        let mut s = self.state.lock().unwrap();
        match errcode {
            Some(code) => s.media_failures.insert(url.into(), code),
            None => s.media_failures.remove(url),
        };
    }

    /// The bodies of the text checks received, in order.
    pub fn text_checks(&self) -> Vec<Value> {
        self.state.lock().unwrap().text_checks.clone()
    }

    /// The bodies of the image submissions received, in order.
    pub fn media_checks(&self) -> Vec<Value> {
        self.state.lock().unwrap().media_checks.clone()
    }

    /// The trace ids issued for an image URL, oldest first.
    pub fn traces(&self, url: &str) -> Vec<String> {
        self.state
            .lock()
            .unwrap()
            .traces
            .get(url)
            .cloned()
            .unwrap_or_default()
    }

    /// `code` logs in the user `openid` (with a unionid, if given).
    pub fn login_code(&self, code: &str, openid: &str, unionid: Option<&str>) {
        self.state
            .lock()
            .unwrap()
            .sessions
            .insert(code.into(), (openid.into(), unionid.map(str::to_owned)));
    }

    /// `code` shares this phone number.
    pub fn phone_code(&self, code: &str, number: &str, country: &str) {
        self.state
            .lock()
            .unwrap()
            .phones
            .insert(code.into(), (number.into(), country.into()));
    }

    /// WeChat answers `errcode` for this code.
    pub fn fail(&self, code: &str, errcode: i64) {
        self.state
            .lock()
            .unwrap()
            .failures
            .insert(code.into(), errcode);
    }

    /// WeChat stops accepting the current access token (as after a refresh elsewhere).
    pub fn expire_token(&self) {
        self.state.lock().unwrap().token = None;
    }

    /// Token fetches take this long.
    pub fn slow_tokens(&self, delay: Duration) {
        self.state.lock().unwrap().token_delay = delay;
    }

    /// The next sends to `openid` fail with these errcodes, in order.
    pub fn fail_sends(&self, openid: &str, errcodes: &[i64]) {
        self.state
            .lock()
            .unwrap()
            .send_failures
            .insert(openid.into(), errcodes.iter().copied().collect());
    }

    /// The mini-program code requests WeChat served, in order.
    pub fn wxacodes(&self) -> Vec<Value> {
        self.state.lock().unwrap().wxacodes.clone()
    }

    /// The next mini-program code requests fail with these errcodes.
    pub fn fail_wxacodes(&self, errcodes: &[i64]) {
        self.state.lock().unwrap().wxacode_failures = errcodes.iter().copied().collect();
    }

    /// The subscribe messages WeChat accepted, in order.
    pub fn messages(&self) -> Vec<Value> {
        self.state.lock().unwrap().messages.clone()
    }

    /// Templates for every notice, named `tpl-<kind>`, on top of [`FakeWechat::env`].
    pub fn env_with_templates(&self) -> Vec<(&'static str, String)> {
        let mut env = self.env();
        for (name, kind) in [
            ("LINLI_WECHAT_TEMPLATE_TAKEN", "taken"),
            ("LINLI_WECHAT_TEMPLATE_RESOLVED", "resolved"),
            ("LINLI_WECHAT_TEMPLATE_REOPENED", "reopened"),
            ("LINLI_WECHAT_TEMPLATE_ASSIGNED", "assigned"),
            ("LINLI_WECHAT_TEMPLATE_DUE_SOON", "due_soon"),
        ] {
            env.push((name, format!("tpl-{kind}")));
        }
        env
    }

    /// How many times an endpoint was called (`stable_token`, `jscode2session`,
    /// `getuserphonenumber`, `force_refresh`, `subscribe_send`, `getwxacodeunlimit`,
    /// `msg_sec_check`, `media_check_async`).
    pub fn calls(&self, endpoint: &str) -> usize {
        self.state
            .lock()
            .unwrap()
            .calls
            .get(endpoint)
            .copied()
            .unwrap_or(0)
    }
}
