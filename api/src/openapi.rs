//! The OpenAPI document, generated from the handlers. `linli openapi` prints it; a test fails
//! when the committed `openapi.yaml` drifts from it.

use actix_web::App;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_actix_web::AppExt;

use crate::error::{ErrorBody, ErrorEnvelope, FieldErrorBody};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Linli Grid API (邻里格)",
        description = "Neighbourhood grid governance: residents report, the service supermarket \
dispatches, handlers resolve, residents rate, offices watch the rates.\n\n\
Errors always have the shape `{\"error\": {\"code\", \"message\", \"details\"}}`; codes are stable. \
Messages are Chinese unless `Accept-Language` prefers English.",
        license(name = "MIT"),
    ),
    components(schemas(ErrorEnvelope, ErrorBody, FieldErrorBody, crate::webhooks::payload::WebhookPayload)),
    modifiers(&BearerAuth),
    tags(
        (name = "health", description = "Liveness and readiness"),
        (name = "auth", description = "Login, tokens and the current user"),
        (name = "org", description = "The organisation tree and property companies"),
        (name = "users", description = "Accounts and roles"),
        (name = "partners", description = "Partner platforms and their API keys"),
        (name = "webhooks", description = "A partner's webhook endpoints (Standard Webhooks): events for the requests in its scope, signed; the delivery log, redelivery and replay"),
        (name = "households", description = "Residents binding themselves to their household"),
        (name = "categories", description = "Service categories"),
        (name = "requests", description = "Residents' requests and their lifecycle"),
        (name = "stats", description = "Rates as the district reports them"),
        (name = "open311", description = "Open311 GeoReport v2 at /open311/v2: services and service requests in XML and JSON, errors as the specification shapes them"),
        (name = "registry", description = "The household registry: profiles, residents and care tags, masked by role; reveals logged; the import of an office's register"),
        (name = "privacy", description = "A resident's own data: export and erasure (PIPL)"),
        (name = "wechat", description = "WeChat's message push: the URL check and image-check verdicts"),
        (name = "butlers", description = "Building butler teams (楼栋兴管家): members, their duties and history; a resident's butlers"),
        (name = "work_logs", description = "Butlers' and grid workers' work logs: home visits, hazard inspections…; a hazard or concern becomes a request in one call"),
        (name = "volunteers", description = "Red Collar Home (红领之家) volunteers: applying, approval, profiles, the points ledger and leaderboards"),
        (name = "rewards", description = "Gifts and services volunteers redeem points for; redemption orders, fulfilled or cancelled (refunded)"),
        (name = "meetings", description = "Deliberation (议事协商会) and joint (联席会议) meetings: participants, linked requests, minutes, resolutions, signed agreements and action items"),
        (name = "activities", description = "Red Collar Home (红领之家) activities: publishing, sign-up with a waiting list, rotating check-in codes, attendance and its corrections, hours and points on finish"),
    )
)]
struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .build(),
            ),
        );
    }
}

/// The document, built from the same route table the server serves (no database needed).
pub fn document() -> utoipa::openapi::OpenApi {
    let (_, mut doc) = App::new()
        .into_utoipa_app()
        .openapi(ApiDoc::openapi())
        .configure(crate::routes::configure)
        .split_for_parts();
    doc.info.version = env!("CARGO_PKG_VERSION").to_owned();
    doc
}

/// The document as YAML, exactly as committed in `openapi.yaml`.
pub fn yaml() -> String {
    document()
        .to_yaml()
        .expect("the OpenAPI document serialises to YAML")
}
