//! `webhooks.*`: outbound webhooks' addresses, timeout, retries and
//! patience.

use std::time::Duration;

use serde::Deserialize;

/// `webhooks.*`.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct WebhookSettings {
    /// Endpoints may be `http://` as well as `https://` (a test bench).
    pub allow_http: bool,
    /// Endpoints may be at loopback, private and link-local addresses (an
    /// on-premises ERP); off, such addresses are refused when an endpoint
    /// is saved and when its host name is looked up at sending time.
    pub allow_private: bool,
    /// How long an endpoint has to answer, in seconds.
    pub timeout_secs: u64,
    /// The waits before each retry, in seconds; Standard Webhooks' schedule
    /// (5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h) when not given.
    pub retry_secs: Vec<u64>,
    /// How long an endpoint may fail every try before it is disabled, in
    /// seconds (432000: 5 days).
    pub disable_after_secs: u64,
    /// How often the worker looks for due messages.
    pub poll_ms: u64,
    /// Deliveries a pass takes.
    pub batch: u64,
    /// Whether this server sends webhooks (runs the worker).
    pub deliver: bool,
}

impl Default for WebhookSettings {
    fn default() -> Self {
        Self {
            allow_http: false,
            allow_private: false,
            timeout_secs: 15,
            retry_secs: jewel_domain::webhook::answer::SCHEDULE
                .iter()
                .map(Duration::as_secs)
                .collect(),
            disable_after_secs: 5 * 24 * 3600,
            poll_ms: 1000,
            batch: 20,
            deliver: true,
        }
    }
}

impl WebhookSettings {
    pub fn sending(&self) -> jewel_services::integrations::sending::SendingSettings {
        jewel_services::integrations::sending::SendingSettings {
            batch: self.batch,
            lease: Duration::from_secs(self.timeout_secs * 2 + 30),
            schedule: self
                .retry_secs
                .iter()
                .copied()
                .map(Duration::from_secs)
                .collect(),
            disable_after: Duration::from_secs(self.disable_after_secs),
        }
    }

    pub fn url_rules(&self) -> jewel_services::integrations::endpoints::UrlRules {
        jewel_services::integrations::endpoints::UrlRules {
            allow_http: self.allow_http,
            allow_private: self.allow_private,
        }
    }
}
