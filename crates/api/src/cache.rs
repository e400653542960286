//! One cache interface over two stores: in-process (the embedded default) or
//! Redis, shared by every replica. The cache is never the source of truth:
//! when Redis cannot be reached, reads miss and writes are dropped, the
//! request goes on, and readiness reports the cache as degraded. Counters
//! (login throttling, rate limits) then count in this process instead, so
//! their limits still hold per replica.
//!
//! A Redis known to be down is not waited on: the first failed call opens a
//! circuit breaker, and while it is open no call is sent to Redis at all
//! (each answers at once as unreachable) while one task in the background
//! pings Redis every [`PROBE_EVERY`] and closes the breaker when it answers.
//! The Redis connection manager reconnects by itself.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use moka::Expiry;
use redis::AsyncCommands;
use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use secrecy::ExposeSecret;

use crate::config::CacheSettings;

/// How often a Redis known to be down is asked whether it is back.
pub const PROBE_EVERY: Duration = Duration::from_secs(1);

/// Counters kept in process while Redis is down (per replica).
const FALLBACK_CAPACITY: u64 = 100_000;

#[derive(Clone)]
pub struct Cache {
    store: Store,
    prefix: Arc<str>,
    timeout: Duration,
}

type Memory = moka::future::Cache<String, Entry>;

#[derive(Clone)]
enum Store {
    Memory(Memory),
    Redis(Arc<Redis>),
}

struct Redis {
    connection: ConnectionManager,
    /// Counters while Redis cannot be reached.
    fallback: Memory,
    /// Open: Redis is known to be down, so no call is sent.
    open: AtomicBool,
    /// Whether the background probe is running.
    probing: AtomicBool,
    /// Calls sent to Redis, probes apart (what the breaker saves shows here).
    sent: AtomicU64,
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

fn memory(capacity: u64) -> Memory {
    moka::future::Cache::builder()
        .max_capacity(capacity)
        .expire_after(EntryTtl)
        .build()
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
    #[error("redis is down (not asked until it answers a probe)")]
    Open,
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
            None => Store::Memory(memory(settings.memory_capacity)),
            Some(url) => {
                let client = redis::Client::open(url.expose_secret())?;
                let config = ConnectionManagerConfig::new()
                    .set_connection_timeout(Some(timeout))
                    .set_response_timeout(Some(timeout))
                    .set_number_of_retries(1)
                    .set_max_delay(Duration::from_secs(2));
                Store::Redis(Arc::new(Redis {
                    connection: ConnectionManager::new_lazy_with_config(client, config)?,
                    fallback: memory(FALLBACK_CAPACITY),
                    open: AtomicBool::new(false),
                    probing: AtomicBool::new(false),
                    sent: AtomicU64::new(0),
                }))
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

    /// Whether the breaker is open: Redis is known to be down and is not asked.
    pub fn is_open(&self) -> bool {
        match &self.store {
            Store::Memory(_) => false,
            Store::Redis(redis) => redis.open.load(Ordering::SeqCst),
        }
    }

    /// How many calls were sent to Redis so far, probes apart (0 in process).
    pub fn calls_sent(&self) -> u64 {
        match &self.store {
            Store::Memory(_) => 0,
            Store::Redis(redis) => redis.sent.load(Ordering::SeqCst),
        }
    }

    fn key(&self, key: &str) -> String {
        format!("{}{key}", self.prefix)
    }

    /// The cached value, or `None` on a miss or when the cache is unreachable.
    pub async fn get(&self, key: &str) -> Option<Vec<u8>> {
        let key = self.key(key);
        match &self.store {
            Store::Memory(cache) => cache.get(&key).await.map(|e| e.value.to_vec()),
            Store::Redis(redis) => self
                .call(redis, |mut conn| async move {
                    conn.get::<_, Option<Vec<u8>>>(&key).await
                })
                .await
                .unwrap_or_else(|error| {
                    tracing::debug!(%error, "cache read bypassed");
                    None
                }),
        }
    }

    /// Stores a value for `ttl`; when the cache is unreachable the write is dropped.
    pub async fn set(&self, key: &str, value: &[u8], ttl: Duration) {
        let key = self.key(key);
        match &self.store {
            Store::Memory(cache) => {
                let entry = Entry {
                    value: value.into(),
                    ttl,
                };
                cache.insert(key, entry).await;
            }
            Store::Redis(redis) => {
                let value = value.to_vec();
                let seconds = ttl.as_secs().max(1);
                let written = self
                    .call(redis, |mut conn| async move {
                        conn.set_ex::<_, _, ()>(&key, value, seconds).await
                    })
                    .await;
                if let Err(error) = written {
                    tracing::debug!(%error, "cache write dropped");
                }
            }
        }
    }

    /// Forgets a key (and its count in process, if Redis was down).
    pub async fn delete(&self, key: &str) {
        let key = self.key(key);
        match &self.store {
            Store::Memory(cache) => cache.invalidate(&key).await,
            Store::Redis(redis) => {
                redis.fallback.invalidate(&key).await;
                let deleted = self
                    .call(
                        redis,
                        |mut conn| async move { conn.del::<_, ()>(&key).await },
                    )
                    .await;
                if let Err(error) = deleted {
                    tracing::debug!(%error, "cache delete dropped");
                }
            }
        }
    }

    /// Adds one to a counter that lives for `window` from its first
    /// increment. While Redis cannot be reached the count is kept in
    /// process, so a limit still holds for this replica.
    pub async fn increment(&self, key: &str, window: Duration) -> u64 {
        let key = self.key(key);
        match &self.store {
            Store::Memory(cache) => increment_in(cache, key, window).await,
            Store::Redis(redis) => {
                let seconds = i64::try_from(window.as_secs().max(1)).unwrap_or(i64::MAX);
                let redis_key = key.clone();
                let counted = self
                    .call(redis, |mut conn| async move {
                        let (count, _): (u64, bool) = redis::pipe()
                            .atomic()
                            .incr(&redis_key, 1u64)
                            .cmd("EXPIRE")
                            .arg(&redis_key)
                            .arg(seconds)
                            .arg("NX")
                            .query_async(&mut conn)
                            .await?;
                        Ok(count)
                    })
                    .await;
                match counted {
                    Ok(count) => count,
                    Err(error) => {
                        tracing::debug!(%error, "counting in process while the cache is down");
                        increment_in(&redis.fallback, key, window).await
                    }
                }
            }
        }
    }

    /// Reads a counter written by [`Self::increment`] (0 when absent).
    pub async fn count(&self, key: &str) -> u64 {
        let key = self.key(key);
        let stored = match &self.store {
            Store::Memory(cache) => cache.get(&key).await.map(|e| e.value.to_vec()),
            Store::Redis(redis) => {
                let redis_key = key.clone();
                let read = self
                    .call(redis, |mut conn| async move {
                        conn.get::<_, Option<Vec<u8>>>(&redis_key).await
                    })
                    .await;
                match read {
                    Ok(value) => value,
                    Err(_) => redis.fallback.get(&key).await.map(|e| e.value.to_vec()),
                }
            }
        };
        stored
            .and_then(|v| std::str::from_utf8(&v).ok()?.parse().ok())
            .unwrap_or(0)
    }

    /// Forgets everything held in process (Redis is left as it is).
    pub fn clear(&self) {
        if let Store::Memory(cache) = &self.store {
            cache.invalidate_all();
        }
    }

    /// Proves the store answers (always true in process); while the breaker
    /// is open, Redis is down without asking it.
    pub async fn ping(&self) -> Result<(), CacheError> {
        match &self.store {
            Store::Memory(_) => Ok(()),
            Store::Redis(redis) if redis.open.load(Ordering::SeqCst) => Err(CacheError::Open),
            Store::Redis(redis) => ping(redis, self.timeout).await,
        }
    }

    /// Sends one call to Redis, unless the breaker is open; a failure opens it.
    async fn call<T, F, Fut>(&self, redis: &Arc<Redis>, call: F) -> Result<T, CacheError>
    where
        F: FnOnce(ConnectionManager) -> Fut,
        Fut: Future<Output = Result<T, redis::RedisError>>,
    {
        if redis.open.load(Ordering::SeqCst) {
            return Err(CacheError::Open);
        }
        redis.sent.fetch_add(1, Ordering::SeqCst);
        let result = bounded(self.timeout, call(redis.connection.clone())).await;
        if let Err(error) = &result {
            open(redis, self.timeout, error);
        }
        result
    }
}

async fn increment_in(cache: &Memory, key: String, window: Duration) -> u64 {
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
    std::str::from_utf8(&entry.into_value().value)
        .ok()
        .and_then(|t| t.parse().ok())
        .unwrap_or(1)
}

async fn bounded<T>(
    timeout: Duration,
    call: impl Future<Output = Result<T, redis::RedisError>>,
) -> Result<T, CacheError> {
    match tokio::time::timeout(timeout, call).await {
        Ok(result) => result.map_err(CacheError::from),
        Err(_) => Err(CacheError::Timeout(timeout)),
    }
}

async fn ping(redis: &Redis, timeout: Duration) -> Result<(), CacheError> {
    let mut conn = redis.connection.clone();
    bounded(timeout, async move {
        redis::cmd("PING").query_async::<()>(&mut conn).await
    })
    .await
}

/// Opens the breaker after a failed call and starts the one probe that
/// closes it again once Redis answers.
fn open(redis: &Arc<Redis>, timeout: Duration, error: &CacheError) {
    if !redis.open.swap(true, Ordering::SeqCst) {
        tracing::warn!(%error, "the cache is down: bypassing it until it answers again");
    }
    if redis.probing.swap(true, Ordering::SeqCst) {
        return;
    }
    let redis = redis.clone();
    tokio::spawn(async move {
        loop {
            tokio::time::sleep(PROBE_EVERY).await;
            if ping(&redis, timeout).await.is_ok() {
                redis.open.store(false, Ordering::SeqCst);
                redis.probing.store(false, Ordering::SeqCst);
                tracing::info!("the cache answers again");
                return;
            }
        }
    });
}
