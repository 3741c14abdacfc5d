//! A partner's webhook receiver, for the tests: it records every delivery, verifies its
//! signatures with its own HMAC over the specification's signed content (not our signing code),
//! and answers as scripted: an error status, a `Retry-After`, a delay, or 204.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use actix_web::dev::ServerHandle;
use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use serde_json::Value;
use sha2::Sha256;

/// One delivery as received.
#[derive(Debug, Clone)]
pub struct Delivery {
    pub id: String,
    pub timestamp: String,
    pub signatures: Vec<String>,
    pub body: Value,
    /// The status we answered with.
    pub answered: u16,
}

impl Delivery {
    /// The request id and event id it carries.
    pub fn request_and_event(&self) -> (i64, i64) {
        (
            self.body["data"]["id"].as_i64().unwrap(),
            self.body["data"]["event"]["id"].as_i64().unwrap(),
        )
    }

    pub fn event_type(&self) -> &str {
        self.body["type"].as_str().unwrap()
    }
}

/// How to answer one delivery.
#[derive(Debug, Clone, Copy)]
pub struct Reply {
    pub status: u16,
    pub retry_after: Option<u64>,
    pub delay: Duration,
}

impl Reply {
    pub fn status(status: u16) -> Self {
        Reply {
            status,
            retry_after: None,
            delay: Duration::ZERO,
        }
    }
}

#[derive(Default)]
struct State {
    deliveries: Vec<Delivery>,
    script: VecDeque<Reply>,
    /// Answer every delivery like this once the script is used up (default 204).
    fallback: Option<Reply>,
    /// Raw bodies with their headers, for signature checks.
    raw: Vec<(String, String, String, Vec<u8>)>,
}

pub struct Receiver {
    pub url: String,
    state: Arc<Mutex<State>>,
    handle: ServerHandle,
}

impl Drop for Receiver {
    fn drop(&mut self) {
        let handle = self.handle.clone();
        tokio::spawn(async move { handle.stop(false).await });
    }
}

async fn receive(
    state: web::Data<Arc<Mutex<State>>>,
    req: HttpRequest,
    body: web::Bytes,
) -> HttpResponse {
    let header = |n: &str| {
        req.headers()
            .get(n)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    let (id, ts, sig) = (
        header("webhook-id"),
        header("webhook-timestamp"),
        header("webhook-signature"),
    );
    let reply = {
        let mut s = state.lock().unwrap();
        let reply = s
            .script
            .pop_front()
            .or(s.fallback)
            .unwrap_or(Reply::status(204));
        s.deliveries.push(Delivery {
            id: id.clone(),
            timestamp: ts.clone(),
            signatures: sig.split(' ').map(str::to_owned).collect(),
            body: serde_json::from_slice(&body).unwrap_or(Value::Null),
            answered: reply.status,
        });
        s.raw.push((id, ts, sig, body.to_vec()));
        reply
    };
    if !reply.delay.is_zero() {
        tokio::time::sleep(reply.delay).await;
    }
    let mut res = HttpResponse::build(actix_web::http::StatusCode::from_u16(reply.status).unwrap());
    if let Some(s) = reply.retry_after {
        res.insert_header(("Retry-After", s.to_string()));
    }
    res.body(format!("answered {}", reply.status))
}

impl Receiver {
    pub async fn start() -> Receiver {
        let state = Arc::new(Mutex::new(State::default()));
        let data = web::Data::new(state.clone());
        let server = HttpServer::new(move || {
            App::new()
                .app_data(data.clone())
                .default_service(web::to(receive))
        })
        .workers(2)
        .bind(("127.0.0.1", 0))
        .unwrap();
        let port = server.addrs()[0].port();
        let server = server.run();
        let handle = server.handle();
        tokio::spawn(server);
        Receiver {
            url: format!("http://127.0.0.1:{port}/hooks"),
            state,
            handle,
        }
    }

    /// The next deliveries are answered like this, in order.
    pub fn script(&self, replies: impl IntoIterator<Item = Reply>) {
        self.state.lock().unwrap().script.extend(replies);
    }

    /// Every delivery after the script is answered like this (`None`: 204).
    pub fn always(&self, reply: Option<Reply>) {
        self.state.lock().unwrap().fallback = reply;
    }

    pub fn deliveries(&self) -> Vec<Delivery> {
        self.state.lock().unwrap().deliveries.clone()
    }

    /// The deliveries we answered 2xx.
    pub fn accepted(&self) -> Vec<Delivery> {
        self.deliveries()
            .into_iter()
            .filter(|d| (200..300).contains(&d.answered))
            .collect()
    }

    /// The accepted deliveries after de-duplication by `webhook-id`, first copy kept.
    pub fn accepted_once(&self) -> Vec<Delivery> {
        let mut seen = std::collections::HashSet::new();
        self.accepted()
            .into_iter()
            .filter(|d| seen.insert(d.id.clone()))
            .collect()
    }

    /// How many deliveries carry a valid signature by `secret` (for every one received).
    pub fn verified_by(&self, secret: &str) -> Vec<bool> {
        let key = STANDARD
            .decode(secret.strip_prefix("whsec_").expect("a whsec_ secret"))
            .unwrap();
        self.state
            .lock()
            .unwrap()
            .raw
            .iter()
            .map(|(id, ts, sig, body)| {
                let mut mac = Hmac::<Sha256>::new_from_slice(&key).unwrap();
                mac.update(format!("{id}.{ts}.").as_bytes());
                mac.update(body);
                let expected = format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes()));
                sig.split(' ').any(|s| s == expected)
            })
            .collect()
    }
}
