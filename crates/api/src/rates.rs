//! The metal rates in force now, read through the cache: every price,
//! quote and bill asks for them. The cache keeps a record of the domain's
//! rates (not the API's view of them), so a change to the wire shape never
//! reads a cached entry wrongly.

use std::time::Duration;

use chrono::{DateTime, Utc};
use jewel_domain::measure::Money;
use jewel_domain::metal::{Metal, Purity};
use jewel_domain::metal_rate::{Currency, CurrentRates, MetalRate, RateSession};
use jewel_persistence::repos::metal_rates::MetalRates;
use serde::{Deserialize, Serialize};

use crate::error::ApiError;
use crate::state::AppState;

/// How long the rates in force are kept in the cache at most.
const CURRENT_RATES_TTL: Duration = Duration::from_secs(300);

/// One rate as the cache keeps it.
#[derive(Debug, Serialize, Deserialize)]
struct CachedRate {
    id: uuid::Uuid,
    metal: String,
    fineness: u16,
    /// Paise per gram.
    per_gram: i64,
    currency: String,
    effective_at: DateTime<Utc>,
    session: Option<String>,
    source: Option<String>,
    set_by: uuid::Uuid,
    created_at: DateTime<Utc>,
}

impl CachedRate {
    fn of(rate: &MetalRate) -> Self {
        Self {
            id: rate.id,
            metal: rate.purity.metal().as_str().to_owned(),
            fineness: rate.purity.fineness(),
            per_gram: rate.per_gram.units(),
            currency: rate.currency.as_str().to_owned(),
            effective_at: rate.effective_at,
            session: rate.session.map(|s| s.as_str().to_owned()),
            source: rate.source.clone(),
            set_by: rate.set_by,
            created_at: rate.created_at,
        }
    }

    fn rate(&self) -> Option<MetalRate> {
        Some(MetalRate {
            id: self.id,
            purity: Purity::parse("fineness", Metal::parse(&self.metal)?, self.fineness).ok()?,
            per_gram: Money::from_units(self.per_gram),
            currency: Currency::parse("currency", &self.currency).ok()?,
            effective_at: self.effective_at,
            session: match &self.session {
                Some(text) => Some(RateSession::parse(text)?),
                None => None,
            },
            source: self.source.clone(),
            set_by: self.set_by,
            created_at: self.created_at,
        })
    }
}

/// The rates in force as the cache keeps them.
#[derive(Debug, Serialize, Deserialize)]
struct CachedRates {
    rates: Vec<CachedRate>,
    next_change_at: Option<DateTime<Utc>>,
}

/// The rates in force now, from the cache when it has them. The cache key
/// names the newest rate ever set, so a new rate is seen by the very next
/// request on every replica; an entry expires when a rate set ahead takes
/// over.
pub async fn current_rates(state: &AppState) -> Result<CurrentRates, ApiError> {
    let db = state.database.connection();
    let now = Utc::now();
    let key = match MetalRates::newest_id(db).await? {
        Some(newest) => format!("metal-rates:in-force:{newest}"),
        None => return Ok(CurrentRates::default()),
    };
    if let Some(bytes) = state.cache.get(&key).await
        && let Ok(cached) = serde_json::from_slice::<CachedRates>(&bytes)
        && cached.next_change_at.is_none_or(|at| at > now)
        && let Some(rates) = cached.rates.iter().map(CachedRate::rate).collect()
    {
        return Ok(CurrentRates {
            rates,
            next_change_at: cached.next_change_at,
        });
    }
    let current = MetalRates::current(db, now).await?;
    let ttl = current
        .next_change_at
        .and_then(|at| (at - now).to_std().ok())
        .map_or(CURRENT_RATES_TTL, |until| until.min(CURRENT_RATES_TTL));
    let cached = CachedRates {
        rates: current.rates.iter().map(CachedRate::of).collect(),
        next_change_at: current.next_change_at,
    };
    if let Ok(bytes) = serde_json::to_vec(&cached) {
        state.cache.set(&key, &bytes, ttl).await;
    }
    Ok(current)
}
