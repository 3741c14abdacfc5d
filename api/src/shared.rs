//! Redis: what instances share when several serve one deployment.

use anyhow::Context as _;
use redis::aio::ConnectionManager;
use secrecy::{ExposeSecret as _, SecretString};

/// Connects to Redis (and reconnects by itself later). An unreachable Redis stops start-up:
/// instances that silently fell back to caches of their own would disagree.
pub async fn connect(url: &SecretString) -> anyhow::Result<ConnectionManager> {
    let client = redis::Client::open(url.expose_secret()).context("REDIS_URL")?;
    let conn = tokio::time::timeout(
        std::time::Duration::from_secs(5),
        ConnectionManager::new(client),
    )
    .await
    .context("REDIS_URL: Redis did not answer within 5 s")?
    .context("REDIS_URL: cannot connect to Redis")?;
    tracing::info!(
        "connected to Redis: the WeChat access token and the rate limits are shared by every instance"
    );
    Ok(conn)
}
