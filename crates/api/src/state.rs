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
    /// Wakes this server's event relay when a unit commits events.
    pub relay_wake: jewel_services::unit::Wake,
    /// Wakes this server's import worker when a job's upload is closed.
    pub imports_wake: jewel_services::unit::Wake,
    /// The rates this server last brought the catalogue's price keys to.
    pub price_keys: crate::price_keys::PriceKeys,
    /// When lists next let lapsed holds go.
    pub holds: crate::holds::Lapses,
    /// Where photos of jobs' items are kept, and how large one may be.
    pub photos: crate::photo_store::PhotoKeeping,
    /// How messages to customers are made and sent.
    pub notify: Arc<crate::config::NotifySettings>,
    /// The transports of messages (a campaign's test send goes through them).
    pub notifiers: jewel_services::engagement::notifier::Notifiers,
    /// Makes and reads the unsubscribe links of marketing messages.
    pub unsubscribe: jewel_services::engagement::unsubscribe::UnsubscribeLinks,
    /// Which URLs webhook endpoints may have.
    pub webhooks: Arc<crate::config::WebhookSettings>,
}

impl AppState {
    /// This state for a server thread: the same in all but the database
    /// pool, which is the thread's own (of `max_connections`) on MySQL.
    pub fn for_this_thread(&self, max_connections: u32) -> Self {
        Self {
            database: self.database.for_this_thread(max_connections),
            ..self.clone()
        }
    }

    /// A unit of work for `actor`, from the request being served (its id
    /// and the client's address; the command line's otherwise).
    pub fn unit(&self, actor: impl Into<jewel_services::Actor>) -> jewel_services::Unit {
        jewel_services::Unit::new(
            &self.database,
            actor.into(),
            crate::request_context::RequestContext::origin(),
        )
        .waking(self.relay_wake.clone())
    }

    /// The billing rules from settings.
    pub fn billing_rules(&self) -> jewel_services::billing::BillingRules {
        jewel_services::billing::BillingRules {
            financial_year_start_month: self.billing.financial_year_start_month,
            cash_limit: self.billing.cash_limit,
            pan_threshold: self.billing.pan_threshold,
            price_valid_minutes: self.billing.price_valid_minutes,
            hallmark: self.hallmark_rule(),
        }
    }

    /// Which pieces need a HUID before they are sold (settings).
    pub fn hallmark_rule(&self) -> jewel_domain::piece::HallmarkRule {
        jewel_domain::piece::HallmarkRule {
            metals: self.pricing.hallmark_metals.clone(),
            exempt_below: self.pricing.hallmark_exempt_below_grams,
        }
    }
}
