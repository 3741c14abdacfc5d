//! The app's access token: one for every instance, fetched by one caller at a time.
//!
//! WeChat's stable token lasts about two hours and fetching it is rate-limited, so it is
//! cached: in Redis when instances share one (the fetcher holds a short lock and checks again
//! once it has it), otherwise in this process (callers queue on a mutex while one fetches).
//! A token WeChat refuses is dropped only if it is still the cached one, so an instance that
//! learns late of a refresh never throws away its successor.

use std::time::{Duration, Instant};

use redis::AsyncCommands as _;
use redis::aio::ConnectionManager;
use tokio::sync::Mutex;

use super::error::WechatError;

/// How long before WeChat's expiry a cached token is given up.
const MARGIN: Duration = Duration::from_secs(300);
/// How long the fetch lock lives if its holder dies: longer than a fetch can take (the
/// client's 10 s timeout) with a margin, so that a slow fetch keeps its lock.
const LOCK_TTL: Duration = Duration::from_secs(30);
/// How long a caller waits for another instance to fetch.
const LOCK_WAIT: Duration = Duration::from_secs(15);
/// How often a waiting caller looks again.
const POLL: Duration = Duration::from_millis(50);

/// Deletes a key only while it holds the given value.
const COMPARE_AND_DELETE: &str = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end";

/// A fresh token from WeChat and its lifetime.
pub struct Fresh {
    /// The token.
    pub token: String,
    /// Seconds it lives, as WeChat said.
    pub expires_in: u64,
}

/// How long to keep a token WeChat says lives `expires_in` seconds.
fn keep_for(expires_in: u64) -> Duration {
    let life = Duration::from_secs(expires_in);
    if life > MARGIN * 2 {
        life - MARGIN
    } else {
        life / 2
    }
}

/// Where the token is kept.
pub enum TokenCache {
    /// In this process.
    Local(Mutex<Option<(String, Instant)>>),
    /// In Redis, shared by every instance of this app id.
    Redis {
        /// The connection.
        conn: ConnectionManager,
        /// The token's key.
        key: String,
        /// The fetch lock's key.
        lock: String,
        /// Callers in this process wait here while one of them deals with Redis.
        local: Mutex<()>,
    },
}

impl TokenCache {
    /// A cache in this process.
    pub fn local() -> Self {
        TokenCache::Local(Mutex::new(None))
    }

    /// A cache in Redis under keys named after the app id.
    pub fn redis(conn: ConnectionManager, appid: &str) -> Self {
        TokenCache::Redis {
            conn,
            key: format!("linli:wechat:{appid}:access_token"),
            lock: format!("linli:wechat:{appid}:access_token:lock"),
            local: Mutex::new(()),
        }
    }

    /// The cached token, or one fetched with `fetch` by exactly one caller.
    pub async fn get<F, Fut>(&self, fetch: F) -> Result<String, WechatError>
    where
        F: Fn() -> Fut,
        Fut: Future<Output = Result<Fresh, WechatError>>,
    {
        match self {
            TokenCache::Local(slot) => {
                // Holding the lock while fetching makes every other caller wait for this fetch.
                let mut slot = slot.lock().await;
                if let Some((token, until)) = slot.as_ref()
                    && *until > Instant::now()
                {
                    return Ok(token.clone());
                }
                let fresh = fetch().await?;
                *slot = Some((
                    fresh.token.clone(),
                    Instant::now() + keep_for(fresh.expires_in),
                ));
                Ok(fresh.token)
            }
            TokenCache::Redis {
                conn,
                key,
                lock,
                local,
            } => {
                let mut conn = conn.clone();
                if let Some(token) = conn
                    .get::<_, Option<String>>(key)
                    .await
                    .map_err(WechatError::Cache)?
                {
                    return Ok(token);
                }
                // One caller per process polls Redis and fetches; the others find its token.
                let _one = local.lock().await;
                let deadline = Instant::now() + LOCK_WAIT;
                loop {
                    if let Some(token) = conn
                        .get::<_, Option<String>>(key)
                        .await
                        .map_err(WechatError::Cache)?
                    {
                        return Ok(token);
                    }
                    let me = uuid::Uuid::new_v4().to_string();
                    let acquired: Option<String> = redis::cmd("SET")
                        .arg(lock)
                        .arg(&me)
                        .arg("NX")
                        .arg("PX")
                        .arg(LOCK_TTL.as_millis() as u64)
                        .query_async(&mut conn)
                        .await
                        .map_err(WechatError::Cache)?;
                    if acquired.is_some() {
                        let result = fetch_under_lock(&mut conn, key, &fetch).await;
                        let released: Result<i64, _> = redis::Script::new(COMPARE_AND_DELETE)
                            .key(lock)
                            .arg(&me)
                            .invoke_async(&mut conn)
                            .await;
                        if let Err(e) = released {
                            // It expires by itself; the token (if any) is already shared.
                            tracing::warn!(
                                error = &e as &dyn std::error::Error,
                                "could not release the token lock"
                            );
                        }
                        return result;
                    }
                    if Instant::now() >= deadline {
                        return Err(WechatError::LockTimeout);
                    }
                    tokio::time::sleep(POLL).await;
                }
            }
        }
    }

    /// Forgets `failed` if it is still the cached token.
    pub async fn invalidate(&self, failed: &str) -> Result<(), WechatError> {
        match self {
            TokenCache::Local(slot) => {
                let mut slot = slot.lock().await;
                if slot.as_ref().is_some_and(|(t, _)| t == failed) {
                    *slot = None;
                }
                Ok(())
            }
            TokenCache::Redis { conn, key, .. } => {
                let mut conn = conn.clone();
                let _: i64 = redis::Script::new(COMPARE_AND_DELETE)
                    .key(key)
                    .arg(failed)
                    .invoke_async(&mut conn)
                    .await
                    .map_err(WechatError::Cache)?;
                Ok(())
            }
        }
    }
}

/// With the lock held: another instance may have stored a token between our look and our
/// lock, so look again before fetching.
async fn fetch_under_lock<F, Fut>(
    conn: &mut ConnectionManager,
    key: &str,
    fetch: &F,
) -> Result<String, WechatError>
where
    F: Fn() -> Fut,
    Fut: Future<Output = Result<Fresh, WechatError>>,
{
    if let Some(token) = conn
        .get::<_, Option<String>>(key)
        .await
        .map_err(WechatError::Cache)?
    {
        return Ok(token);
    }
    let fresh = fetch().await?;
    let _: () = conn
        .set_ex(
            key,
            &fresh.token,
            keep_for(fresh.expires_in).as_secs().max(1),
        )
        .await
        .map_err(WechatError::Cache)?;
    Ok(fresh.token)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_given_up_before_wechat_expires_them() {
        assert_eq!(keep_for(7200), Duration::from_secs(6900));
        assert_eq!(keep_for(400), Duration::from_secs(200));
        assert_eq!(keep_for(0), Duration::ZERO);
    }

    #[tokio::test]
    async fn in_process_callers_share_one_fetch_and_drop_only_the_failed_token() {
        use std::sync::Arc;
        use std::sync::atomic::{AtomicUsize, Ordering};
        let cache = Arc::new(TokenCache::local());
        let fetches = Arc::new(AtomicUsize::new(0));
        let fetch = {
            let fetches = fetches.clone();
            move || {
                let fetches = fetches.clone();
                async move {
                    let n = fetches.fetch_add(1, Ordering::SeqCst);
                    tokio::time::sleep(Duration::from_millis(20)).await;
                    Ok(Fresh {
                        token: format!("t{n}"),
                        expires_in: 7200,
                    })
                }
            }
        };
        let callers = (0..10).map(|_| {
            let (cache, fetch) = (cache.clone(), fetch.clone());
            tokio::spawn(async move { cache.get(fetch).await.unwrap() })
        });
        for t in futures_util::future::join_all(callers).await {
            assert_eq!(t.unwrap(), "t0");
        }
        assert_eq!(fetches.load(Ordering::SeqCst), 1);
        // A stale report about an older token changes nothing; about the current one, it drops it.
        cache.invalidate("older").await.unwrap();
        assert_eq!(cache.get(fetch.clone()).await.unwrap(), "t0");
        cache.invalidate("t0").await.unwrap();
        assert_eq!(cache.get(fetch).await.unwrap(), "t1");
    }

    #[tokio::test]
    async fn in_redis_a_late_report_never_drops_the_successor() {
        let Ok(url) = std::env::var("TEST_REDIS_URL") else {
            eprintln!("TEST_REDIS_URL is not set: skipping");
            return;
        };
        let client = redis::Client::open(url).unwrap();
        let conn = ConnectionManager::new(client).await.unwrap();
        let appid = format!("wxtest{}", uuid::Uuid::new_v4().simple());
        let cache = TokenCache::redis(conn.clone(), &appid);
        let fetch = |token: &'static str| {
            move || async move {
                Ok(Fresh {
                    token: token.into(),
                    expires_in: 7200,
                })
            }
        };
        assert_eq!(cache.get(fetch("first")).await.unwrap(), "first");
        // Cached: no second fetch.
        assert_eq!(cache.get(fetch("unused")).await.unwrap(), "first");
        cache.invalidate("first").await.unwrap();
        assert_eq!(cache.get(fetch("second")).await.unwrap(), "second");
        // An instance that failed with the first token reports it late: the second stays.
        cache.invalidate("first").await.unwrap();
        assert_eq!(cache.get(fetch("third")).await.unwrap(), "second");
        let TokenCache::Redis { key, lock, .. } = &cache else {
            unreachable!()
        };
        let mut conn = conn;
        let ttl: i64 = redis::cmd("TTL")
            .arg(key)
            .query_async(&mut conn)
            .await
            .unwrap();
        assert!((6800..=6900).contains(&ttl), "ttl {ttl}");
        let _: i64 = conn.del(&[key, lock]).await.unwrap();
    }
}
