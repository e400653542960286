//! One cache interface over two stores: in-process (the embedded default) or
//! Redis, shared by every replica. The cache is never the source of truth:
//! when Redis cannot be reached, reads miss and writes are dropped, the
//! request goes on, and readiness reports the cache as degraded. The Redis
//! connection manager reconnects by itself once Redis is back.

use std::sync::Arc;
use std::time::{Duration, Instant};

use moka::Expiry;
use redis::AsyncCommands;
use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use secrecy::ExposeSecret;

use crate::config::CacheSettings;

#[derive(Clone)]
pub struct Cache {
    store: Store,
    prefix: Arc<str>,
    timeout: Duration,
}

#[derive(Clone)]
enum Store {
    Memory(moka::future::Cache<String, Entry>),
    Redis(ConnectionManager),
}

#[derive(Clone)]
struct Entry {
    value: Arc<[u8]>,
    ttl: Duration,
}

struct EntryTtl;

impl Expiry<String, Entry> for EntryTtl {
    fn expire_after_create(&self, _: &String, entry: &Entry, _: Instant) -> Option<Duration> {
        Some(entry.ttl)
    }
}

/// Which store backs the cache.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CacheKind {
    Memory,
    Redis,
}

impl CacheKind {
    pub fn as_str(self) -> &'static str {
        match self {
            CacheKind::Memory => "memory",
            CacheKind::Redis => "redis",
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum CacheError {
    #[error("redis: {0}")]
    Redis(#[from] redis::RedisError),
    #[error("redis did not answer within {0:?}")]
    Timeout(Duration),
}

impl std::fmt::Debug for Cache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Cache")
            .field("kind", &self.kind())
            .field("prefix", &self.prefix)
            .finish()
    }
}

impl Cache {
    /// Builds the cache the settings ask for. Redis is connected lazily, so a
    /// Redis that is down at start-up does not stop the API.
    pub fn new(settings: &CacheSettings) -> Result<Self, CacheError> {
        let timeout = Duration::from_millis(settings.timeout_ms);
        let store = match &settings.redis_url {
            None => Store::Memory(
                moka::future::Cache::builder()
                    .max_capacity(settings.memory_capacity)
                    .expire_after(EntryTtl)
                    .build(),
            ),
            Some(url) => {
                let client = redis::Client::open(url.expose_secret())?;
                let config = ConnectionManagerConfig::new()
                    .set_connection_timeout(Some(timeout))
                    .set_response_timeout(Some(timeout))
                    .set_number_of_retries(1)
                    .set_max_delay(Duration::from_secs(2));
                Store::Redis(ConnectionManager::new_lazy_with_config(client, config)?)
            }
        };
        Ok(Self {
            store,
            prefix: settings.key_prefix.as_str().into(),
            timeout,
        })
    }

    pub fn kind(&self) -> CacheKind {
        match self.store {
            Store::Memory(_) => CacheKind::Memory,
            Store::Redis(_) => CacheKind::Redis,
        }
    }

    fn key(&self, key: &str) -> String {
        format!("{}{key}", self.prefix)
    }

    /// The cached value, or `None` on a miss or when the cache is unreachable.
    pub async fn get(&self, key: &str) -> Option<Vec<u8>> {
        let key = self.key(key);
        let result = match &self.store {
            Store::Memory(cache) => Ok(cache.get(&key).await.map(|e| e.value.to_vec())),
            Store::Redis(conn) => {
                let mut conn = conn.clone();
                self.bounded(async move { conn.get::<_, Option<Vec<u8>>>(&key).await })
                    .await
            }
        };
        result.unwrap_or_else(|error| {
            tracing::warn!(%error, "cache read bypassed");
            None
        })
    }

    /// Stores a value for `ttl`; when the cache is unreachable the write is dropped.
    pub async fn set(&self, key: &str, value: &[u8], ttl: Duration) {
        let key = self.key(key);
        let result = match &self.store {
            Store::Memory(cache) => {
                let entry = Entry {
                    value: value.into(),
                    ttl,
                };
                cache.insert(key, entry).await;
                Ok(())
            }
            Store::Redis(conn) => {
                let mut conn = conn.clone();
                let value = value.to_vec();
                let seconds = ttl.as_secs().max(1);
                self.bounded(async move { conn.set_ex::<_, _, ()>(&key, value, seconds).await })
                    .await
            }
        };
        if let Err(error) = result {
            tracing::warn!(%error, "cache write dropped");
        }
    }

    /// Forgets a key; when the cache is unreachable the removal is dropped.
    pub async fn delete(&self, key: &str) {
        let key = self.key(key);
        let result = match &self.store {
            Store::Memory(cache) => {
                cache.invalidate(&key).await;
                Ok(())
            }
            Store::Redis(conn) => {
                let mut conn = conn.clone();
                self.bounded(async move { conn.del::<_, ()>(&key).await })
                    .await
            }
        };
        if let Err(error) = result {
            tracing::warn!(%error, "cache delete dropped");
        }
    }

    /// Adds one to a counter that lives for `window` from its first increment;
    /// `None` when the cache is unreachable.
    pub async fn increment(&self, key: &str, window: Duration) -> Option<u64> {
        let key = self.key(key);
        let result = match &self.store {
            Store::Memory(cache) => {
                let entry = cache
                    .entry(key)
                    .and_upsert_with(|existing| {
                        let count = existing
                            .and_then(|e| {
                                std::str::from_utf8(&e.into_value().value)
                                    .ok()?
                                    .parse::<u64>()
                                    .ok()
                            })
                            .unwrap_or(0)
                            + 1;
                        std::future::ready(Entry {
                            value: count.to_string().into_bytes().into(),
                            ttl: window,
                        })
                    })
                    .await;
                Ok(std::str::from_utf8(&entry.into_value().value)
                    .ok()
                    .and_then(|t| t.parse().ok())
                    .unwrap_or(1))
            }
            Store::Redis(conn) => {
                let mut conn = conn.clone();
                let seconds = i64::try_from(window.as_secs().max(1)).unwrap_or(i64::MAX);
                self.bounded(async move {
                    let (count, _): (u64, bool) = redis::pipe()
                        .atomic()
                        .incr(&key, 1u64)
                        .cmd("EXPIRE")
                        .arg(&key)
                        .arg(seconds)
                        .arg("NX")
                        .query_async(&mut conn)
                        .await?;
                    Ok(count)
                })
                .await
            }
        };
        result
            .map_err(|error| tracing::warn!(%error, "cache counter bypassed"))
            .ok()
    }

    /// Reads a counter written by [`Self::increment`] (0 when absent or unreachable).
    pub async fn count(&self, key: &str) -> u64 {
        self.get(key)
            .await
            .and_then(|v| std::str::from_utf8(&v).ok()?.parse().ok())
            .unwrap_or(0)
    }

    /// Proves the store answers (always true in process).
    pub async fn ping(&self) -> Result<(), CacheError> {
        match &self.store {
            Store::Memory(_) => Ok(()),
            Store::Redis(conn) => {
                let mut conn = conn.clone();
                self.bounded(async move { redis::cmd("PING").query_async::<()>(&mut conn).await })
                    .await
            }
        }
    }

    async fn bounded<T>(
        &self,
        call: impl Future<Output = Result<T, redis::RedisError>>,
    ) -> Result<T, CacheError> {
        match tokio::time::timeout(self.timeout, call).await {
            Ok(result) => result.map_err(CacheError::from),
            Err(_) => Err(CacheError::Timeout(self.timeout)),
        }
    }
}
