//! Reading through Open311: discovery, services, requests and tokens.

use std::collections::HashMap;

use chrono::{DateTime, SecondsFormat, Utc};
use linli_domain::RequestId;
use linli_domain::category::Category;
use linli_domain::open311::{MAX_RESULTS, PublicStatus, WindowError, window};
use linli_domain::org::{NodeKind, NodePath};
use linli_persistence::requests::{PublicQuery, RequestRecord, latest_public_notes, public_list};
use linli_persistence::{DbConnection, StoreError, org};

use super::params::Params;
use super::wire::{
    Discovery, Endpoint, Service, ServiceDefinition, ServiceRequest, ServiceRequests, Services,
    TokenAnswer, TokenAnswers,
};
use super::{Format, Open311Error};
use crate::cache::Caches;
use crate::error::{ApiError, Msg};
use crate::requests::partner_view::partner_view;
use crate::requests::view::all_categories;
use crate::state::AppState;

/// The specification we follow, as the discovery document names it.
pub const SPECIFICATION: &str = "http://wiki.open311.org/GeoReport_v2";

fn stamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn unknown_jurisdiction(format: Format) -> Open311Error {
    Open311Error::not_found(
        format,
        Msg::new(
            "jurisdiction_id 不存在：应为区、街道或社区的编号",
            "Unknown jurisdiction_id: expected the id of a district, street or community",
        ),
    )
}

/// The subtree `jurisdiction_id` names (a district, street or community), or `None` for every
/// community when it is absent or empty. Anything else is unknown: 404.
pub async fn jurisdiction(
    state: &AppState,
    format: Format,
    params: &Params,
) -> Result<Option<NodePath>, Open311Error> {
    let Some(raw) = params.get("jurisdiction_id") else {
        return Ok(None);
    };
    let id: i64 = raw.parse().map_err(|_| unknown_jurisdiction(format))?;
    let node = state
        .db
        .read(
            move |conn| match org::get_node(conn, linli_domain::OrgNodeId(id)) {
                Ok(n) => Ok(Some(n)),
                Err(StoreError::NotFound) => Ok(None),
                Err(e) => Err(e.into()),
            },
        )
        .await
        .map_err(Open311Error::from_api(format))?;
    match node {
        Some(n)
            if matches!(
                n.kind,
                NodeKind::District | NodeKind::Street | NodeKind::Community
            ) =>
        {
            Ok(Some(n.path))
        }
        _ => Err(unknown_jurisdiction(format)),
    }
}

fn service_of(c: &Category) -> Service {
    Service {
        service_code: c.code.as_str().to_owned(),
        service_name: c.name.clone(),
        description: format!("{}：{} 天内办结", c.name, c.resolution_days),
        metadata: false,
        kind: "realtime",
        keywords: String::new(),
        group: String::new(),
    }
}

async fn categories(state: &AppState, format: Format) -> Result<Vec<Category>, Open311Error> {
    let caches = state.caches.clone();
    let all = state
        .db
        .read(move |conn| all_categories(conn, &caches))
        .await
        .map_err(Open311Error::from_api(format))?;
    Ok(all.as_ref().clone())
}

/// The discovery document, with `base` (this deployment's `/open311/v2` URL) as its endpoint.
pub async fn discovery(
    state: &AppState,
    format: Format,
    base: String,
) -> Result<Discovery, Open311Error> {
    let changed = state
        .db
        .read(|conn| Ok(linli_persistence::categories::last_changed(conn)?))
        .await
        .map_err(Open311Error::from_api(format))?;
    let changeset = stamp(changed.unwrap_or(DateTime::<Utc>::UNIX_EPOCH));
    Ok(Discovery {
        changeset: changeset.clone(),
        contact: "请联系所在区的邻里格管理员 / Contact the district's Linli Grid administrator"
            .to_owned(),
        key_service: "API 密钥由区管理员登记合作平台时签发 / API keys are issued by district \
                      administrators when they register a partner platform"
            .to_owned(),
        endpoints: vec![Endpoint {
            specification: SPECIFICATION.to_owned(),
            url: base,
            changeset,
            kind: "production".to_owned(),
            formats: vec!["text/xml".to_owned(), "application/json".to_owned()],
        }],
    })
}

/// The services: the categories new requests may use.
pub async fn services(state: &AppState, format: Format) -> Result<Services, Open311Error> {
    Ok(Services(
        categories(state, format)
            .await?
            .iter()
            .filter(|c| c.active)
            .map(service_of)
            .collect(),
    ))
}

fn unknown_service(format: Format) -> Open311Error {
    Open311Error::not_found(
        format,
        Msg::new("service_code 不存在", "Unknown service_code"),
    )
}

/// A service's definition: no attributes.
pub async fn definition(
    state: &AppState,
    format: Format,
    code: &str,
) -> Result<ServiceDefinition, Open311Error> {
    categories(state, format)
        .await?
        .iter()
        .find(|c| c.active && c.code.as_str() == code)
        .map(|c| ServiceDefinition {
            service_code: c.code.as_str().to_owned(),
            attributes: vec![],
        })
        .ok_or_else(|| unknown_service(format))
}

fn bad(format: Format, zh: &'static str, en: &'static str) -> Open311Error {
    Open311Error::bad_request(format, Msg::new(zh, en))
}

fn date(
    format: Format,
    params: &Params,
    name: &str,
) -> Result<Option<DateTime<Utc>>, Open311Error> {
    params
        .get(name)
        .map(|s| {
            DateTime::parse_from_rfc3339(s)
                .map(|d| d.with_timezone(&Utc))
                .map_err(|_| {
                    bad(
                        format,
                        "日期应为带时区的 ISO 8601 格式，如 2026-11-30T08:00:00+08:00",
                        "Dates must be ISO 8601 with a time zone, e.g. 2026-11-30T08:00:00Z",
                    )
                })
        })
        .transpose()
}

/// What `GET requests` selects, from its parameters.
fn public_query(
    format: Format,
    params: &Params,
    categories: &[Category],
    within: Option<NodePath>,
    now: DateTime<Utc>,
) -> Result<Option<PublicQuery>, Open311Error> {
    let mut q = PublicQuery {
        within,
        limit: MAX_RESULTS,
        ..PublicQuery::default()
    };
    // Ids override every other filter, as the specification says.
    if let Some(ids) = params.list("service_request_id") {
        let ids = ids
            .iter()
            .map(|s| s.parse().map(RequestId))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|_| {
                bad(
                    format,
                    "service_request_id 应为以逗号分隔的编号",
                    "service_request_id must be comma-separated ids",
                )
            })?;
        q.ids = Some(ids);
        return Ok(Some(q));
    }
    if let Some(codes) = params.list("service_code") {
        let ids: Vec<_> = categories
            .iter()
            .filter(|c| codes.contains(&c.code.as_str()))
            .map(|c| c.id)
            .collect();
        // Unknown codes match nothing, like any other filter.
        if ids.is_empty() {
            return Ok(None);
        }
        q.category_ids = Some(ids);
    }
    if let Some(statuses) = params.list("status") {
        let mut wanted = Vec::new();
        for s in statuses {
            let public = PublicStatus::parse(s).ok_or_else(|| {
                bad(
                    format,
                    "status 应为 open 或 closed",
                    "status must be open or closed",
                )
            })?;
            wanted.extend_from_slice(public.statuses());
        }
        q.statuses = Some(wanted);
    }
    let start = date(format, params, "start_date")?;
    let end = date(format, params, "end_date")?;
    q.submitted_between = Some(window(start, end, now).map_err(|e| match e {
        WindowError::Inverted => bad(
            format,
            "end_date 早于 start_date",
            "end_date is before start_date",
        ),
        WindowError::TooLong => bad(
            format,
            "start_date 与 end_date 相隔不能超过 90 天",
            "start_date and end_date may not span more than 90 days",
        ),
    })?);
    Ok(Some(q))
}

/// Renders records as the public sees them: partner rules (no people, hidden stays hidden),
/// with the latest visible note and the building's place.
fn render(
    conn: &mut DbConnection,
    caches: &Caches,
    records: &[RequestRecord],
    now: DateTime<Utc>,
) -> Result<Vec<ServiceRequest>, ApiError> {
    let categories = all_categories(conn, caches)?;
    let ids: Vec<RequestId> = records.iter().map(|r| r.request.id).collect();
    let mut notes = latest_public_notes(conn, &ids)?;
    let node_ids: Vec<_> = records
        .iter()
        .flat_map(|r| [r.building_id, r.compound_id])
        .collect();
    let nodes: HashMap<_, _> = if node_ids.is_empty() {
        HashMap::new()
    } else {
        org::get_nodes(conn, &node_ids)?
            .into_iter()
            .map(|n| (n.id, n))
            .collect()
    };
    Ok(records
        .iter()
        .map(|rec| {
            let v = partner_view(rec, &categories, now);
            let building = nodes.get(&rec.building_id);
            let compound = nodes.get(&rec.compound_id).map(|n| n.name.as_str());
            let address = [
                compound,
                Some(v.building.name.as_str()),
                v.location_text.as_deref(),
            ]
            .into_iter()
            .flatten()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
            ServiceRequest {
                service_request_id: v.id,
                status: PublicStatus::of(rec.request.status).as_str(),
                status_notes: notes.remove(&rec.request.id),
                service_name: v.category.name,
                service_code: v.category.code,
                description: v.description,
                agency_responsible: v.assignee.map(|a| a.name),
                service_notice: None,
                requested_datetime: stamp(v.submitted_at),
                updated_datetime: stamp(v.updated_at),
                expected_datetime: stamp(v.resolution_due),
                address,
                address_id: v.building.code,
                zipcode: None,
                lat: building.and_then(|b| b.latitude),
                long: building.and_then(|b| b.longitude),
                media_url: v.photo_urls.into_iter().next(),
            }
        })
        .collect())
}

async fn select(
    state: &AppState,
    format: Format,
    query: PublicQuery,
) -> Result<Vec<ServiceRequest>, Open311Error> {
    let now = state.clock.now();
    let caches = state.caches.clone();
    state
        .db
        .read(move |conn| {
            let records = public_list(conn, &query)?;
            render(conn, &caches, &records, now)
        })
        .await
        .map_err(Open311Error::from_api(format))
}

/// `GET requests`: the most recent 1,000 at most, newest first.
pub async fn requests(
    state: &AppState,
    format: Format,
    params: &Params,
) -> Result<ServiceRequests, Open311Error> {
    let within = jurisdiction(state, format, params).await?;
    let categories = categories(state, format).await?;
    let Some(query) = public_query(format, params, &categories, within, state.clock.now())? else {
        return Ok(ServiceRequests(vec![]));
    };
    Ok(ServiceRequests(select(state, format, query).await?))
}

async fn one(
    state: &AppState,
    format: Format,
    within: Option<NodePath>,
    id: &str,
) -> Result<Option<ServiceRequest>, Open311Error> {
    let Ok(id) = id.parse::<i64>() else {
        return Ok(None);
    };
    let query = PublicQuery {
        within,
        ids: Some(vec![RequestId(id)]),
        limit: 1,
        ..PublicQuery::default()
    };
    Ok(select(state, format, query).await?.pop())
}

/// One request (as a list of one) inside the jurisdiction; 404 when there is none.
pub async fn request(
    state: &AppState,
    format: Format,
    params: &Params,
    id: &str,
) -> Result<ServiceRequests, Open311Error> {
    let within = jurisdiction(state, format, params).await?;
    let found = one(state, format, within, id).await?.ok_or_else(|| {
        Open311Error::not_found(format, Msg::new("该诉求不存在", "No such service request"))
    })?;
    Ok(ServiceRequests(vec![found]))
}

/// `GET tokens/{token}`. We store requests as they are posted and answer with their id, so a
/// token is simply a request's id: it names the request when it exists in the jurisdiction.
pub async fn token(
    state: &AppState,
    format: Format,
    params: &Params,
    token: &str,
) -> Result<TokenAnswers, Open311Error> {
    let within = jurisdiction(state, format, params).await?;
    let found = one(state, format, within, token).await?.ok_or_else(|| {
        Open311Error::not_found(format, Msg::new("token 不存在", "Unknown token"))
    })?;
    Ok(TokenAnswers(vec![TokenAnswer {
        service_request_id: found.service_request_id,
        token: token.to_owned(),
    }]))
}
