//! Where the clients' TATs live: Redis when instances share one (one atomic script per call),
//! this process otherwise (a sharded map that forgets a client once its quota is whole again).

use std::collections::HashMap;
use std::hash::{BuildHasher, RandomState};
use std::sync::Mutex;

use linli_domain::rate_limit::{Quota, Verdict, gcra};
use redis::aio::ConnectionManager;

/// The GCRA step of `linli_domain::rate_limit::gcra`, run by Redis so that reading and
/// writing the TAT is one atomic step across instances: concurrent calls never both read the
/// same TAT. It returns whether the call passed and the TAT it found ('' for none), from which
/// the domain function derives the same verdict and the headers. Numbers are formatted with
/// `%.0f`: Lua's default formatting of large numbers would lose milliseconds.
const GCRA_SCRIPT: &str = r"
local now = tonumber(ARGV[1])
local interval = tonumber(ARGV[2])
local window = tonumber(ARGV[3])
local stored = redis.call('GET', KEYS[1])
local tat = now
if stored then tat = math.max(tonumber(stored), now) end
local next = tat + interval
if next - now > window then
  return {0, stored or ''}
end
redis.call('SET', KEYS[1], string.format('%.0f', next), 'PX', string.format('%.0f', next - now))
return {1, stored or ''}
";

const SHARDS: usize = 16;
/// Clients remembered per shard before the map makes room (65,536 in all).
const SHARD_CAPACITY: usize = 4096;

/// TATs in this process.
pub struct LocalStore {
    hasher: RandomState,
    shards: Vec<Mutex<HashMap<String, i64>>>,
    capacity: usize,
}

impl LocalStore {
    /// An empty store holding at most `capacity` clients per shard.
    pub fn new(capacity: usize) -> Self {
        LocalStore {
            hasher: RandomState::new(),
            shards: (0..SHARDS).map(|_| Mutex::new(HashMap::new())).collect(),
            capacity,
        }
    }

    /// Decides a call and records it, under the shard's lock: no two calls of one client
    /// interleave between reading and writing.
    pub fn check(&self, key: &str, now_ms: i64, quota: &Quota) -> Verdict {
        let shard = (self.hasher.hash_one(key) as usize) % SHARDS;
        let mut map = self.shards[shard]
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let verdict = gcra(map.get(key).copied(), now_ms, quota);
        if verdict.allowed {
            if !map.contains_key(key) && map.len() >= self.capacity {
                make_room(&mut map, now_ms, self.capacity);
            }
            map.insert(key.to_owned(), verdict.tat_ms);
        }
        verdict
    }
}

impl Default for LocalStore {
    fn default() -> Self {
        LocalStore::new(SHARD_CAPACITY)
    }
}

/// Forgets clients whose quota is whole again (their TAT has passed: forgetting them changes
/// nothing); when that is not enough, the half closest to whole, so that many new clients
/// cannot grow the map without bound.
fn make_room(map: &mut HashMap<String, i64>, now_ms: i64, capacity: usize) {
    map.retain(|_, tat| *tat > now_ms);
    if map.len() < capacity {
        return;
    }
    let mut tats: Vec<i64> = map.values().copied().collect();
    let middle = tats.len() / 2;
    let (_, cut, _) = tats.select_nth_unstable(middle);
    let cut = *cut;
    map.retain(|_, tat| *tat > cut);
}

/// Where TATs are kept.
pub enum Store {
    /// In this process.
    Local(LocalStore),
    /// In Redis, shared by every instance.
    Redis {
        /// The connection.
        conn: ConnectionManager,
        /// The key prefix.
        prefix: String,
        /// The script, loaded once per connection by `invoke_async`.
        script: redis::Script,
    },
}

impl Store {
    /// TATs in Redis under `prefix`.
    pub fn redis(conn: ConnectionManager, prefix: String) -> Self {
        Store::Redis {
            conn,
            prefix,
            script: redis::Script::new(GCRA_SCRIPT),
        }
    }

    /// Decides a call of `key` at `now_ms`. When Redis fails the call passes (logged): the
    /// limits protect the service, and refusing everyone while Redis is away would be the
    /// outage they exist to prevent.
    pub async fn check(&self, key: &str, now_ms: i64, quota: &Quota) -> Verdict {
        match self {
            Store::Local(local) => local.check(key, now_ms, quota),
            Store::Redis {
                conn,
                prefix,
                script,
            } => {
                let mut conn = conn.clone();
                let answer: Result<(i64, String), _> = script
                    .key(format!("{prefix}{key}"))
                    .arg(now_ms)
                    .arg(quota.interval_ms())
                    .arg(quota.window_ms())
                    .invoke_async(&mut conn)
                    .await;
                match answer {
                    Ok((allowed, found)) => {
                        let verdict = gcra(found.parse().ok(), now_ms, quota);
                        if verdict.allowed != (allowed == 1) {
                            tracing::error!(
                                key,
                                "the Redis rate-limit script and the domain disagree"
                            );
                        }
                        Verdict {
                            allowed: allowed == 1,
                            ..verdict
                        }
                    }
                    Err(e) => {
                        tracing::warn!(error = %e, "rate limit: Redis failed; letting the call pass");
                        gcra(None, now_ms, quota)
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_local_store_limits_and_stays_bounded() {
        let q = Quota::new(2, 60).unwrap();
        let store = LocalStore::new(8);
        assert!(store.check("a", 0, &q).allowed);
        assert!(store.check("a", 0, &q).allowed);
        assert!(!store.check("a", 0, &q).allowed);
        assert!(store.check("b", 0, &q).allowed);
        for i in 0..1000 {
            store.check(&format!("c{i}"), 0, &q);
        }
        let held: usize = store.shards.iter().map(|s| s.lock().unwrap().len()).sum();
        assert!(held <= 8 * SHARDS, "{held}");
    }
}
