//! `linli-baseline`: the floor the real endpoints are measured against. A bare actix handler
//! does the same storage work as `POST /api/v1/requests` (one request + event + outbox row in
//! a transaction, through the same persistence code) and as `GET /api/v1/requests/{id}` (one
//! read by primary key) — with no authentication, validation, scope or rendering.
//!
//! Usage: `linli-baseline DATABASE_URL [PORT]` (a fresh database; loopback only).

use actix_web::{App, HttpResponse, HttpServer, web};
use chrono::Utc;
use linli_domain::access::{Actor, RoleGrant, RoleKind, RoleScope};
use linli_domain::category::{Category, DEFAULT_CATEGORIES};
use linli_domain::org::{NodeKind, NodePath};
use linli_domain::request::{Channel, Submission, submit};
use linli_domain::{OrgNodeId, RequestId};
use linli_persistence::org::{self, NewNode};
use linli_persistence::requests::{self, NewRequestDetails};
use linli_persistence::users::{self, NewUser, RoleBinding};
use linli_persistence::{DatabaseUrl, PoolSizes, Pools, categories, migrate};

struct Fixture {
    pools: Pools,
    actor: Actor,
    category: Category,
    building: OrgNodeId,
    compound: OrgNodeId,
    community: OrgNodeId,
    path: NodePath,
}

fn setup(url: &str) -> anyhow::Result<Fixture> {
    let url = DatabaseUrl::parse(url)?;
    let pools =
        Pools::connect(&url, PoolSizes::default()).map_err(|e| anyhow::anyhow!("{e}: {}", e.0))?;
    let mut conn = pools.writer()?;
    migrate::run_migrations(&mut conn)?;
    let now = Utc::now();
    categories::seed_if_empty(&mut conn, &DEFAULT_CATEGORIES, now)?;
    let mut parent = None;
    let mut nodes = Vec::new();
    for (kind, name) in [
        (NodeKind::District, "区"),
        (NodeKind::Street, "街道"),
        (NodeKind::Community, "社区"),
        (NodeKind::Grid, "网格"),
        (NodeKind::Compound, "小区"),
        (NodeKind::Building, "1号楼"),
    ] {
        let n = org::create_node(
            &mut conn,
            &NewNode {
                parent,
                kind,
                name: name.into(),
                code: (kind == NodeKind::Building).then(|| "B-1".into()),
                latitude: None,
                longitude: None,
                property_company_id: None,
            },
            now,
        )?;
        parent = Some(n.id);
        nodes.push(n);
    }
    let user = users::create_user(
        &mut conn,
        &NewUser {
            display_name: "居民".into(),
            openid: Some("baseline".into()),
            ..NewUser::default()
        },
        now,
    )?;
    users::add_role(
        &mut conn,
        user.id,
        RoleKind::Resident,
        RoleBinding::Unbound,
        now,
    )?;
    let category = categories::by_code(&mut conn, "property")?;
    drop(conn);
    Ok(Fixture {
        pools,
        actor: Actor {
            user_id: user.id,
            roles: vec![RoleGrant {
                kind: RoleKind::Resident,
                scope: RoleScope::Unbound,
            }],
        },
        category,
        building: nodes[5].id,
        compound: nodes[4].id,
        community: nodes[2].id,
        path: nodes[5].path.clone(),
    })
}

async fn create(f: web::Data<Fixture>) -> HttpResponse {
    let f = f.into_inner();
    let id = tokio::task::spawn_blocking(move || -> anyhow::Result<i64> {
        let now = Utc::now();
        let (new, event) = submit(
            &f.actor,
            Submission {
                category: &f.category,
                building_path: f.path.clone(),
                channel: Channel::MiniProgram,
                managing_company: None,
            },
            now,
            chrono_tz::Asia::Shanghai,
        )?;
        let details = NewRequestDetails {
            community_id: f.community,
            building_id: f.building,
            compound_id: f.compound,
            household_id: None,
            description: "基线".into(),
            location_text: None,
            photo_urls: vec![],
            contact_phone_enc: None,
            contact_phone_masked: None,
            content: Default::default(),
        };
        let mut conn = f.pools.writer()?;
        match requests::submit(
            &mut conn,
            &new,
            &details,
            &event,
            f.actor.user_id,
            None,
            None,
            now,
        )? {
            requests::IdempotentSubmit::Created(rec) => Ok(rec.request.id.0),
            requests::IdempotentSubmit::Replayed { request_id, .. } => Ok(request_id.0),
        }
    })
    .await;
    match id {
        Ok(Ok(id)) => HttpResponse::Created().json(serde_json::json!({ "id": id })),
        _ => HttpResponse::InternalServerError().finish(),
    }
}

async fn read(f: web::Data<Fixture>, id: web::Path<i64>) -> HttpResponse {
    let f = f.into_inner();
    let id = RequestId(id.into_inner());
    let found = tokio::task::spawn_blocking(move || -> anyhow::Result<String> {
        let mut conn = f.pools.reader()?;
        Ok(requests::get(&mut conn, id)?.description)
    })
    .await;
    match found {
        Ok(Ok(d)) => HttpResponse::Ok().json(serde_json::json!({ "id": id.0, "description": d })),
        _ => HttpResponse::NotFound().finish(),
    }
}

#[actix_web::main]
async fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let url = args
        .next()
        .ok_or_else(|| anyhow::anyhow!("usage: linli-baseline DATABASE_URL [PORT]"))?;
    let port: u16 = args.next().map(|p| p.parse()).transpose()?.unwrap_or(18099);
    let fixture = web::Data::new(setup(&url)?);
    HttpServer::new(move || {
        App::new()
            .app_data(fixture.clone())
            .route("/baseline/requests", web::post().to(create))
            .route("/baseline/requests/{id}", web::get().to(read))
    })
    .bind(("127.0.0.1", port))?
    .run()
    .await?;
    Ok(())
}
