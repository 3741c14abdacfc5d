//! Builds the application: storage, migrations, seeds, state and the HTTP server. `main` and the
//! tests share it.

use std::net::TcpListener;
use std::sync::Arc;

use actix_web::dev::Server;
use actix_web::middleware::{Compress, from_fn};
use actix_web::{App, HttpServer, web};
use anyhow::Context as _;
use linli_domain::category::DEFAULT_CATEGORIES;
use linli_persistence::migrate::run_migrations;
use linli_persistence::{PoolSizes, Pools, categories};
use tracing_actix_web::TracingLogger;
use utoipa_actix_web::AppExt;
use utoipa_swagger_ui::SwaggerUi;

use crate::auth::JwtKeys;
use crate::clock::Clock;
use crate::config::Settings;
use crate::crypto::DataCipher;
use crate::db::Db;
use crate::extract;
use crate::i18n::errors_in_client_language;
use crate::state::AppState;

/// A built application, listening but not yet serving.
pub struct Application {
    port: u16,
    server: Server,
    state: web::Data<AppState>,
}

/// Opens the pools and brings the schema up to date; returns the pools.
pub async fn open_database(settings: &Settings) -> anyhow::Result<Pools> {
    if let Some(path) = settings.database_url.sqlite_path()
        && let Some(dir) = std::path::Path::new(path)
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
    {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("creating the directory of {path}"))?;
    }
    let url = settings.database_url.clone();
    let sizes = PoolSizes {
        connections: settings.db_connections,
        ..PoolSizes::default()
    };
    tokio::task::spawn_blocking(move || -> anyhow::Result<Pools> {
        let pools = Pools::connect(&url, sizes)
            .map_err(|e| anyhow::anyhow!("{e}: {}", e.0))
            .with_context(|| format!("DATABASE_URL {url:?}"))?;
        let mut conn = pools.writer()?;
        let ran = run_migrations(&mut conn)?;
        if ran > 0 {
            tracing::info!(migrations = ran, "database schema updated");
        }
        Ok(pools)
    })
    .await?
}

impl Application {
    /// Builds everything from settings; `clock` is the system clock in production.
    pub async fn build(settings: &Settings, clock: Arc<dyn Clock>) -> anyhow::Result<Self> {
        let pools = open_database(settings).await?;
        let backend = pools.backend();
        let db = Db::new(pools)?;
        let now = clock.now();
        let seeded = db
            .write(move |conn| Ok(categories::seed_if_empty(conn, &DEFAULT_CATEGORIES, now)?))
            .await
            .map_err(|e| anyhow::anyhow!("seeding categories: {e}"))?;
        if seeded > 0 {
            tracing::info!(categories = seeded, "seeded the default service categories");
        }
        if settings.demo {
            crate::demo::seed_if_empty(&db, settings, now).await?;
        }
        if settings.dev_login {
            tracing::warn!(
                "development login (POST /api/v1/auth/dev/login) is ON: never in production"
            );
        }
        let redis = match &settings.redis_url {
            Some(url) => Some(crate::shared::connect(url).await?),
            None => None,
        };
        let wechat = crate::wechat::start(settings.wechat.clone(), redis.clone())?;
        let content = crate::content::ContentChecks::load(&settings.content)?;
        tracing::info!(
            terms = content.words.len(),
            "content checks: the local word list is loaded"
        );
        let state = web::Data::new(AppState {
            db,
            clock,
            jwt: JwtKeys::new(&settings.jwt_secret, &settings.jwt_previous_secrets)?,
            cipher: DataCipher::new(settings.data_key_bytes()),
            tz: settings.tz,
            dev_login: settings.dev_login,
            auto_close_days: settings.auto_close_days,
            caches: Arc::default(),
            report_link: settings.h5_report_url.clone(),
            wechat,
            content,
            webhooks: crate::webhooks::client::WebhookClient::new(&settings.webhooks)?,
            rate_limiter: Arc::new(crate::rate_limit::RateLimiter::new(
                settings.rate_limits.clone(),
                redis.clone(),
            )),
        });
        let listener = TcpListener::bind(settings.bind)
            .with_context(|| format!("binding LINLI_BIND {}", settings.bind))?;
        let port = listener.local_addr()?.port();
        let spec = crate::openapi::document();
        let routes = web::Data::new(crate::fallback::RouteTable::from_openapi(&spec));
        let app_state = state.clone();
        let server = HttpServer::new(move || {
            let (app, _) = App::new()
                .into_utoipa_app()
                .configure(crate::routes::configure)
                .split_for_parts();
            app.app_data(app_state.clone())
                .app_data(routes.clone())
                .app_data(extract::query_config())
                .app_data(extract::path_config())
                .app_data(extract::payload_config())
                .service(SwaggerUi::new("/docs/{_:.*}").url("/openapi.json", spec.clone()))
                .default_service(web::to(crate::fallback::no_route))
                .wrap(from_fn(crate::rate_limit::limit))
                .wrap(from_fn(errors_in_client_language))
                .wrap(Compress::default())
                .wrap(TracingLogger::default())
        })
        .listen(listener)?
        .run();
        if settings.run_workers {
            crate::workers::spawn(state.clone());
        }
        tracing::info!(port, backend = ?backend, "listening");
        Ok(Application {
            port,
            server,
            state,
        })
    }

    /// The port it listens on (useful with port 0).
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The shared state, for tests and background tasks.
    pub fn state(&self) -> web::Data<AppState> {
        self.state.clone()
    }

    /// Serves until the server stops.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.server.await
    }
}
