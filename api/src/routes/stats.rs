//! Routes: stats (being written).

use utoipa_actix_web::service_config::ServiceConfig;

/// Registers this module's routes under `/api/v1`.
pub fn configure(_cfg: &mut ServiceConfig<'_>) {}
