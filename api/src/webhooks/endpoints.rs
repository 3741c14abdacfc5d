//! A partner's endpoints: registering, changing and removing them, their secrets and rotation,
//! the delivery log, redelivery and replay. Partners manage their own, with their API key.

use chrono::{DateTime, Duration, Utc};
use linli_domain::webhook::{EventFilter, UnknownEventType};
use linli_persistence::partners::Partner;
use linli_persistence::tx::transaction;
use linli_persistence::webhooks::endpoints::{self, Endpoint, EndpointChanges, NewEndpoint};
use linli_persistence::webhooks::messages::{self, Attempt, Message, MessageStatus};
use linli_persistence::{StoreError, categories, outbox};
use url::Url;

use super::fanout::{prepare, queue, takes, topic_of};
use super::payload::message_id;
use super::signature::WebhookSecret;
use crate::error::{ApiError, FieldError, Msg};
use crate::state::AppState;

/// Endpoints one partner may have.
pub const MAX_ENDPOINTS: i64 = 20;

/// The longest URL taken.
const MAX_URL: usize = 2000;

/// The longest description taken, in characters.
const MAX_DESCRIPTION: usize = 200;

/// Events one replay goes through at most; a partner asks again from the last one's time.
pub const REPLAY_LIMIT: i64 = 10_000;

/// How long the previous secret keeps signing after a rotation, unless the partner says.
pub const DEFAULT_GRACE: Duration = Duration::hours(24);

fn not_found() -> ApiError {
    ApiError::not_found(
        "webhook.not_found",
        Msg::new("Webhook 端点不存在", "No such webhook endpoint"),
    )
}

fn message_not_found() -> ApiError {
    ApiError::not_found(
        "webhook.message_not_found",
        Msg::new("消息不存在", "No such webhook message"),
    )
}

fn mine<T>(r: Result<T, StoreError>) -> Result<T, ApiError> {
    r.map_err(|e| match e {
        StoreError::NotFound => not_found(),
        e => e.into(),
    })
}

/// Checks a URL: http(s), a host, no credentials, and an address we may reach.
fn parse_url(state: &AppState, raw: &str) -> Result<Url, FieldError> {
    let bad =
        |code, zh: &'static str, en: &'static str| FieldError::new("url", code, Msg::new(zh, en));
    let raw = raw.trim();
    if raw.is_empty() {
        return Err(bad("required", "请填写 URL", "url is required"));
    }
    if raw.len() > MAX_URL {
        return Err(bad(
            "too_long",
            "URL 不能超过 2000 个字符",
            "url is longer than 2000 characters",
        ));
    }
    let url = Url::parse(raw)
        .map_err(|_| bad("invalid_format", "URL 格式不正确", "url is not a valid URL"))?;
    if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
        return Err(bad(
            "invalid_format",
            "URL 须以 http:// 或 https:// 开头并包含主机名",
            "url must be http(s) with a host",
        ));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(bad(
            "invalid_format",
            "URL 不能包含用户名或密码",
            "url must not carry credentials",
        ));
    }
    if !state.webhooks.may_reach(&url) {
        return Err(bad(
            "private_address",
            "不能向内网、本机或链路本地地址推送",
            "url must not point at a private, loopback or link-local address",
        ));
    }
    Ok(url)
}

fn parse_types(names: &[String]) -> Result<Vec<&str>, FieldError> {
    let filter =
        EventFilter::parse(names.iter().map(String::as_str)).map_err(|UnknownEventType(t)| {
            FieldError::new(
                "event_types",
                "unknown",
                Msg::new(
                    format!("未知的事件类型 `{t}`"),
                    format!("unknown event type `{t}`"),
                ),
            )
        })?;
    Ok(filter.names())
}

fn parse_description(raw: &str) -> Result<&str, FieldError> {
    let d = raw.trim();
    if d.chars().count() > MAX_DESCRIPTION {
        return Err(FieldError::new(
            "description",
            "too_long",
            Msg::new(
                "说明不能超过 200 个字",
                "description is longer than 200 characters",
            ),
        ));
    }
    Ok(d)
}

/// What a partner sends to register or change an endpoint.
#[derive(Debug, Clone, Default)]
pub struct EndpointInput {
    /// The URL.
    pub url: Option<String>,
    /// A description.
    pub description: Option<String>,
    /// Event types; empty for every one.
    pub event_types: Option<Vec<String>>,
    /// Switched on.
    pub enabled: Option<bool>,
}

/// The input, checked: every bad field at once.
struct Checked<'a> {
    url: Option<String>,
    description: Option<&'a str>,
    event_types: Option<Vec<&'a str>>,
}

fn check<'a>(state: &AppState, input: &'a EndpointInput) -> Result<Checked<'a>, ApiError> {
    let mut errors = Vec::new();
    let url = match input.url.as_deref().map(|u| parse_url(state, u)) {
        Some(Ok(u)) => Some(u.to_string()),
        Some(Err(e)) => {
            errors.push(e);
            None
        }
        None => None,
    };
    let description = match input.description.as_deref().map(parse_description) {
        Some(Ok(d)) => Some(d),
        Some(Err(e)) => {
            errors.push(e);
            None
        }
        None => None,
    };
    let event_types = match input.event_types.as_deref().map(parse_types) {
        Some(Ok(t)) => Some(t),
        Some(Err(e)) => {
            errors.push(e);
            None
        }
        None => None,
    };
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    Ok(Checked {
        url,
        description,
        event_types,
    })
}

/// Registers an endpoint; answers it with its signing secret.
pub async fn create(
    state: &AppState,
    partner: &Partner,
    input: EndpointInput,
) -> Result<(Endpoint, String), ApiError> {
    let Some(_) = input.url else {
        return Err(ApiError::validation(vec![FieldError::new(
            "url",
            "required",
            Msg::new("请填写 URL", "url is required"),
        )]));
    };
    let checked = check(state, &input)?;
    let secret = WebhookSecret::generate().expose();
    let secret_enc = state.cipher.encrypt(&secret).map_err(ApiError::internal)?;
    let url = checked.url.expect("checked above");
    let description = checked.description.unwrap_or_default().to_owned();
    let types: Vec<String> = checked
        .event_types
        .unwrap_or_default()
        .into_iter()
        .map(str::to_owned)
        .collect();
    let enabled = input.enabled.unwrap_or(true);
    let partner_id = partner.id;
    let now = state.clock.now();
    let endpoint = state
        .db
        .write(move |conn| {
            transaction(conn, |conn| {
                if endpoints::count_of(conn, partner_id)? >= MAX_ENDPOINTS {
                    return Err(ApiError::conflict(
                        "webhook.too_many",
                        Msg::new(
                            "每个合作平台最多登记 20 个端点",
                            "A partner may register at most 20 endpoints",
                        ),
                    ));
                }
                let types: Vec<&str> = types.iter().map(String::as_str).collect();
                Ok(endpoints::create(
                    conn,
                    &NewEndpoint {
                        partner_id,
                        url: &url,
                        description: &description,
                        event_types: &types,
                        enabled,
                        secret_enc: &secret_enc,
                    },
                    now,
                )?)
            })
        })
        .await?;
    Ok((endpoint, secret))
}

/// Changes an endpoint. Switching it on again clears why it was off.
pub async fn update(
    state: &AppState,
    partner: &Partner,
    id: i64,
    input: EndpointInput,
) -> Result<Endpoint, ApiError> {
    let checked = check(state, &input)?;
    let url = checked.url;
    let description = checked.description.map(str::to_owned);
    let types: Option<Vec<String>> = checked
        .event_types
        .map(|t| t.into_iter().map(str::to_owned).collect());
    let enabled = input.enabled;
    let partner_id = partner.id;
    let now = state.clock.now();
    state
        .db
        .write(move |conn| {
            let types: Option<Vec<&str>> = types
                .as_ref()
                .map(|t| t.iter().map(String::as_str).collect());
            let changes = EndpointChanges {
                url: url.as_deref(),
                description: description.as_deref(),
                event_types: types.as_deref(),
                enabled,
            };
            mine(transaction(conn, |conn| {
                endpoints::update(conn, partner_id, id, &changes, now)
            }))
        })
        .await
}

/// One endpoint.
pub async fn get(state: &AppState, partner: &Partner, id: i64) -> Result<Endpoint, ApiError> {
    let partner_id = partner.id;
    state
        .db
        .read(move |conn| mine(endpoints::get(conn, partner_id, id)))
        .await
}

/// The partner's endpoints.
pub async fn list(state: &AppState, partner: &Partner) -> Result<Vec<Endpoint>, ApiError> {
    let partner_id = partner.id;
    state
        .db
        .read(move |conn| Ok(endpoints::list(conn, partner_id)?))
        .await
}

/// Removes an endpoint and its delivery log.
pub async fn delete(state: &AppState, partner: &Partner, id: i64) -> Result<(), ApiError> {
    let partner_id = partner.id;
    state
        .db
        .write(move |conn| {
            mine(transaction(conn, |conn| {
                endpoints::delete(conn, partner_id, id)
            }))
        })
        .await
}

/// The endpoint's current signing secret, and until when the previous one still signs.
pub async fn secret(
    state: &AppState,
    partner: &Partner,
    id: i64,
) -> Result<(String, Option<DateTime<Utc>>), ApiError> {
    let e = get(state, partner, id).await?;
    let secret = state
        .cipher
        .decrypt(&e.secret_enc)
        .map_err(ApiError::internal)?;
    let now = state.clock.now();
    Ok((secret, e.previous_secret_until.filter(|u| *u > now)))
}

/// Rotates the secret: deliveries carry signatures from both secrets for `grace`, so the
/// partner can switch its verification over without missing a message.
pub async fn rotate(
    state: &AppState,
    partner: &Partner,
    id: i64,
    grace: Duration,
) -> Result<(String, DateTime<Utc>), ApiError> {
    let secret = WebhookSecret::generate().expose();
    let secret_enc = state.cipher.encrypt(&secret).map_err(ApiError::internal)?;
    let now = state.clock.now();
    let until = now + grace;
    let partner_id = partner.id;
    state
        .db
        .write(move |conn| {
            mine(transaction(conn, |conn| {
                endpoints::rotate_secret(conn, partner_id, id, &secret_enc, until, now)
            }))
        })
        .await?;
    Ok((secret, until))
}

/// A page of the endpoint's messages, newest first.
pub async fn messages(
    state: &AppState,
    partner: &Partner,
    id: i64,
    status: Option<MessageStatus>,
    before: Option<i64>,
    limit: i64,
) -> Result<Vec<Message>, ApiError> {
    let partner_id = partner.id;
    state
        .db
        .read(move |conn| {
            mine(endpoints::get(conn, partner_id, id))?;
            Ok(messages::list(conn, id, status, before, limit)?)
        })
        .await
}

/// One message with its attempts.
pub async fn message(
    state: &AppState,
    partner: &Partner,
    id: i64,
    msg_id: String,
) -> Result<(Message, Vec<Attempt>), ApiError> {
    let partner_id = partner.id;
    state
        .db
        .read(move |conn| {
            mine(endpoints::get(conn, partner_id, id))?;
            let m = messages::find(conn, id, &msg_id)?.ok_or_else(message_not_found)?;
            let attempts = messages::attempts_of(conn, m.id)?;
            Ok((m, attempts))
        })
        .await
}

/// Sends one message again, now, from the start of the schedule.
pub async fn redeliver(
    state: &AppState,
    partner: &Partner,
    id: i64,
    msg_id: String,
) -> Result<(), ApiError> {
    let partner_id = partner.id;
    let now = state.clock.now();
    state
        .db
        .write(move |conn| {
            mine(endpoints::get(conn, partner_id, id))?;
            if messages::redeliver(conn, id, &msg_id, now)? {
                Ok(())
            } else {
                Err(message_not_found())
            }
        })
        .await
}

/// What a replay did.
#[derive(Debug, Clone, Copy)]
pub struct Replayed {
    /// Messages queued again or for the first time.
    pub queued: usize,
    /// The limit was reached: ask again from `last_event_at`.
    pub truncated: bool,
    /// When the last event gone through happened.
    pub last_event_at: Option<DateTime<Utc>>,
}

/// Events one write of a replay goes through: a replay never holds SQLite's writer long.
const REPLAY_BATCH: i64 = 200;

/// Sends everything since `since` again: every event in the partner's scope that the endpoint
/// takes, with the same `webhook-id` as before (receivers that kept it pass it over), and the
/// messages the endpoint never had (made now, from the request as it is now). A batch at a
/// time, each in its own write.
pub async fn replay(
    state: &AppState,
    partner: &Partner,
    id: i64,
    since: DateTime<Utc>,
) -> Result<Replayed, ApiError> {
    let mut done = Replayed {
        queued: 0,
        truncated: false,
        last_event_at: None,
    };
    let (mut after, mut seen) = (0, 0);
    loop {
        let (queued, last, n) = replay_batch(state, partner, id, since, after).await?;
        done.queued += queued;
        seen += n;
        if let Some((last_id, at)) = last {
            after = last_id;
            done.last_event_at = Some(at);
        }
        if n < REPLAY_BATCH {
            return Ok(done);
        }
        if seen >= REPLAY_LIMIT {
            done.truncated = true;
            return Ok(done);
        }
    }
}

/// One batch of a replay: messages queued, the last event gone through, events read.
async fn replay_batch(
    state: &AppState,
    partner: &Partner,
    id: i64,
    since: DateTime<Utc>,
    after: i64,
) -> Result<(usize, Option<(i64, DateTime<Utc>)>, i64), ApiError> {
    let partner_id = partner.id;
    let scope = partner.scope_path.clone();
    let now = state.clock.now();
    state
        .db
        .write(move |conn| {
            mine(transaction(conn, |conn| {
                let endpoint = endpoints::get(conn, partner_id, id)?;
                let items = outbox::since(conn, &scope, since, after, REPLAY_BATCH)?;
                let categories = categories::list(conn)?;
                let mut queued = 0;
                for item in &items {
                    let Some(topic) = topic_of(item) else {
                        continue;
                    };
                    if !takes(&endpoint.event_types, topic) {
                        continue;
                    }
                    if messages::redeliver(conn, endpoint.id, &message_id(item), now)? {
                        queued += 1;
                        continue;
                    }
                    let Some(prepared) = prepare(conn, item, topic, &categories, now)? else {
                        continue;
                    };
                    if !scope.contains(&prepared.place) {
                        continue;
                    }
                    queued += usize::from(queue(conn, endpoint.id, item, &prepared, now)?);
                }
                let last = items.last().map(|i| (i.id, i.created_at));
                Ok((queued, last, items.len() as i64))
            }))
        })
        .await
}
