//! What every handler can reach: the database, the cache, token keys and
//! the settings that shape requests.

use std::sync::Arc;

use jewel_persistence::Database;

use crate::auth::TokenKeys;
use crate::auth::revocations::Revocations;
use crate::cache::Cache;
use crate::config::{AuthSettings, RateLimitSettings, SsoSettings};

#[derive(Debug, Clone)]
pub struct AppState {
    pub database: Database,
    pub cache: Cache,
    pub tokens: TokenKeys,
    /// Access tokens revoked before they expire (the database's, held in memory).
    pub revocations: Revocations,
    pub auth: Arc<AuthSettings>,
    pub rate_limit: Arc<RateLimitSettings>,
    pub sso: Arc<SsoSettings>,
    /// The country of phone numbers written without a country code.
    pub home_country: jewel_domain::contact::HomeCountry,
    /// Currency, GST rate and hallmark rule of pricing and selling pieces.
    pub pricing: Arc<crate::config::InventorySettings>,
    /// Numbering, compliance limits and discount limits of bills.
    pub billing: Arc<crate::config::BillingSettings>,
    /// Seals and opens identity numbers (PANs) kept at rest.
    pub sealer: crate::sealing::Sealer,
}
