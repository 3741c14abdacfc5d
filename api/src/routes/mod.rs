//! The route table. Handlers translate HTTP to calls on the domain and storage and back.

pub mod activities;
pub mod auth;
pub mod bindings;
pub mod butlers;
pub mod categories;
pub mod health;
pub mod me_data;
pub mod meetings;
pub mod notifications;
pub mod open311;
pub mod org;
pub mod partner_inbound;
pub mod partners;
pub mod registry;
pub mod registry_import;
pub mod requests;
pub mod rewards;
pub mod stats;
pub mod users;
pub mod volunteers;
pub mod webhooks;
pub mod wechat;
pub mod wechat_events;
pub mod work_logs;

use utoipa_actix_web::scope::scope;
use utoipa_actix_web::service_config::ServiceConfig;

/// Registers every route (used by the server and by the OpenAPI document).
pub fn configure(cfg: &mut ServiceConfig<'_>) {
    cfg.service(health::healthz)
        .service(health::readyz)
        .service(
            scope("/api/v1")
                .service(auth::login)
                .service(auth::refresh)
                .service(auth::logout)
                .service(auth::dev_login)
                .service(wechat::wechat_login)
                .service(auth::me)
                .service(wechat::share_phone)
                .service(wechat::link_wechat)
                .service(wechat_events::verify_url)
                .service(wechat_events::receive)
                .configure(org::configure)
                .configure(users::configure)
                .configure(bindings::configure)
                .configure(categories::configure)
                .configure(requests::configure)
                .configure(notifications::configure)
                .configure(partners::configure)
                .configure(webhooks::configure)
                .configure(partner_inbound::configure)
                .configure(registry::configure)
                .configure(registry_import::configure)
                .configure(me_data::configure)
                .configure(stats::configure)
                .configure(butlers::configure)
                .configure(work_logs::configure)
                .configure(activities::configure)
                .configure(meetings::configure)
                .configure(volunteers::configure)
                .configure(rewards::configure),
        )
        .service(
            scope("/open311/v2")
                .configure(open311::configure)
                .default_service(actix_web::web::to(open311::no_route)),
        );
}
