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
    /// `getuserphonenumber`, `force_refresh`, `subscribe_send`).
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
