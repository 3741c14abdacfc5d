//! Short-lived in-process caches for what nearly every request reads and rarely changes: the
//! acting user with their roles, and the service categories. Writes in this process drop the
//! entry at once; other instances see a change within the time to live.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use linli_domain::UserId;
use linli_domain::category::Category;
use linli_persistence::users::{RoleRecord, User};

/// A map whose entries expire.
pub struct TtlCache<K, V> {
    ttl: Duration,
    capacity: usize,
    entries: Mutex<HashMap<K, (Instant, Arc<V>)>>,
}

impl<K: Eq + Hash + Clone, V> TtlCache<K, V> {
    /// A cache keeping entries for `ttl`, at most `capacity` of them.
    pub fn new(ttl: Duration, capacity: usize) -> Self {
        TtlCache {
            ttl,
            capacity,
            entries: Mutex::new(HashMap::new()),
        }
    }

    /// The live entry for `key`, if any.
    pub fn get(&self, key: &K) -> Option<Arc<V>> {
        let entries = self.entries.lock().expect("cache lock");
        entries
            .get(key)
            .filter(|(at, _)| at.elapsed() < self.ttl)
            .map(|(_, v)| v.clone())
    }

    /// Stores an entry; when full, expired entries go first, then everything.
    pub fn put(&self, key: K, value: Arc<V>) {
        let mut entries = self.entries.lock().expect("cache lock");
        if entries.len() >= self.capacity {
            let ttl = self.ttl;
            entries.retain(|_, (at, _)| at.elapsed() < ttl);
            if entries.len() >= self.capacity {
                entries.clear();
            }
        }
        entries.insert(key, (Instant::now(), value));
    }

    /// Drops one entry (after a write that changes it).
    pub fn forget(&self, key: &K) {
        self.entries.lock().expect("cache lock").remove(key);
    }
}

/// A user and their roles, as authentication loads them.
pub type ActorEntry = (User, Vec<RoleRecord>);

/// The caches the application keeps.
pub struct Caches {
    /// Users with their roles, by id.
    pub actors: TtlCache<UserId, ActorEntry>,
    /// All service categories (one entry).
    pub categories: TtlCache<(), Vec<Category>>,
    /// Buildings' mini-program codes by building code: WeChat limits how often they are made,
    /// and a building's code never changes.
    pub wxacodes: TtlCache<String, crate::wechat::wxacode::CodeImage>,
}

impl Default for Caches {
    fn default() -> Self {
        Caches {
            // A revoked role or a deactivated account takes effect everywhere within 5 seconds.
            actors: TtlCache::new(Duration::from_secs(5), 50_000),
            categories: TtlCache::new(Duration::from_secs(30), 1),
            wxacodes: TtlCache::new(Duration::from_secs(24 * 3600), 10_000),
        }
    }
}

impl Caches {
    /// The categories, from the cache or loaded with `load`.
    pub fn categories<E>(
        &self,
        load: impl FnOnce() -> Result<Vec<Category>, E>,
    ) -> Result<Arc<Vec<Category>>, E> {
        if let Some(c) = self.categories.get(&()) {
            return Ok(c);
        }
        let fresh = Arc::new(load()?);
        self.categories.put((), fresh.clone());
        Ok(fresh)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_expire_and_can_be_forgotten() {
        let c: TtlCache<u32, &str> = TtlCache::new(Duration::from_millis(50), 2);
        c.put(1, Arc::new("a"));
        assert_eq!(c.get(&1).as_deref(), Some(&"a"));
        c.forget(&1);
        assert!(c.get(&1).is_none());
        c.put(2, Arc::new("b"));
        std::thread::sleep(Duration::from_millis(60));
        assert!(c.get(&2).is_none(), "expired");
        c.put(3, Arc::new("c"));
        c.put(4, Arc::new("d"));
        c.put(5, Arc::new("e"));
        assert!(c.get(&5).is_some(), "full caches make room");
    }
}
