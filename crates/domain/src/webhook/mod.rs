//! Outbound webhooks as Standard Webhooks v1 has them
//! (<https://www.standardwebhooks.com/>): an endpoint of an integrator's,
//! the event types it wants, the secret that signs what it is sent, and how
//! its answers decide what happens next.

pub mod answer;
pub mod delivery;
pub mod signing;

use std::net::IpAddr;

use chrono::{DateTime, Utc};

use crate::access::Permission;
use crate::validation::Invalid;

pub use answer::{Judged, judge, next_try};
pub use delivery::{Attempt, AttemptOutcome, Delivery, DeliveryStatus, WebhookMessage};
pub use signing::{Secret, sign, signatures};

/// The type of the message a test ping sends.
pub const PING: &str = "webhook.test";

/// The most event types (or wildcards) one endpoint names.
pub const MOST_TYPES: usize = 40;

/// The most endpoints the business (and each API client) registers.
pub const MOST_ENDPOINTS: usize = 50;

/// The longest URL an endpoint may have.
pub const LONGEST_URL: usize = 500;

/// Whether an endpoint is sent messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EndpointStatus {
    Enabled,
    Disabled,
}

impl EndpointStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            EndpointStatus::Enabled => "enabled",
            EndpointStatus::Disabled => "disabled",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [EndpointStatus::Enabled, EndpointStatus::Disabled]
            .into_iter()
            .find(|s| s.as_str() == text)
    }
}

/// Why an endpoint was disabled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DisabledBecause {
    /// Someone who manages it disabled it.
    Asked,
    /// It answered 410 Gone.
    Gone,
    /// Every try failed for longer than the business allows (5 days).
    Failing,
}

impl DisabledBecause {
    pub const ALL: [DisabledBecause; 3] = [
        DisabledBecause::Asked,
        DisabledBecause::Gone,
        DisabledBecause::Failing,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            DisabledBecause::Asked => "asked",
            DisabledBecause::Gone => "gone",
            DisabledBecause::Failing => "failing",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }
}

/// A registered endpoint. Its secrets are kept sealed; the texts here are
/// the sealed forms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    pub id: uuid::Uuid,
    /// The API client that registered it for its own use; `None`: the
    /// business's (registered by the owner).
    pub client_id: Option<uuid::Uuid>,
    pub url: String,
    pub description: Option<String>,
    pub filter: Filter,
    pub status: EndpointStatus,
    pub disabled_because: Option<DisabledBecause>,
    /// Since when every try has failed; `None` after a success.
    pub failing_since: Option<DateTime<Utc>>,
    pub sealed_secret: String,
    /// The secret before the last rotation, signing beside the new one
    /// until `previous_until`.
    pub sealed_previous: Option<String>,
    pub previous_until: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Endpoint {
    /// The sealed secrets that sign a message sent at `now`: the current
    /// one, and the previous one while it still signs.
    pub fn signing_secrets(&self, now: DateTime<Utc>) -> Vec<&str> {
        let mut secrets = vec![self.sealed_secret.as_str()];
        if let (Some(previous), Some(until)) = (&self.sealed_previous, self.previous_until)
            && now < until
        {
            secrets.push(previous);
        }
        secrets
    }
}

/// The event types an endpoint wants: exact types, `invoice.*` (every type
/// of a kind of record) or `*` (everything).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filter(Vec<String>);

impl Filter {
    /// `wanted` checked against the types the business records (`known`);
    /// duplicates dropped, the order kept.
    pub fn parse(field: &str, wanted: &[String], known: &[&str]) -> Result<Self, Invalid> {
        if wanted.is_empty() {
            return Err(Invalid::field(
                field,
                "required",
                "name at least one event type, a wildcard like invoice.* or *",
            ));
        }
        if wanted.len() > MOST_TYPES {
            return Err(Invalid::field(
                field,
                "too_many",
                format!("at most {MOST_TYPES} event types"),
            ));
        }
        let mut kept: Vec<String> = Vec::new();
        for (index, pattern) in wanted.iter().enumerate() {
            let fits = match pattern.strip_suffix(".*") {
                _ if pattern == "*" => true,
                Some(kind) => known
                    .iter()
                    .any(|t| t.split_once('.').is_some_and(|(k, _)| k == kind)),
                None => known.contains(&pattern.as_str()) || pattern == PING,
            };
            if !fits {
                return Err(Invalid::field(
                    format!("{field}[{index}]"),
                    "unknown",
                    format!(
                        "{pattern} is neither an event type nor a kind of record followed by .*"
                    ),
                ));
            }
            if !kept.contains(pattern) {
                kept.push(pattern.clone());
            }
        }
        Ok(Self(kept))
    }

    /// A filter as stored (checked when it was saved).
    pub fn stored(patterns: Vec<String>) -> Self {
        Self(patterns)
    }

    pub fn patterns(&self) -> &[String] {
        &self.0
    }

    /// Whether an event of `event_type` goes to the endpoint. A test ping
    /// goes to every endpoint that asks for one.
    pub fn matches(&self, event_type: &str) -> bool {
        self.0.iter().any(|pattern| {
            pattern == "*"
                || pattern == event_type
                || pattern
                    .strip_suffix(".*")
                    .is_some_and(|kind| event_type.split_once('.').is_some_and(|(k, _)| k == kind))
        })
    }
}

/// The permission an API client needs to be sent events of `event_type`
/// (what it needs to read the record itself); `None` for none it may
/// hold (staff records).
pub fn reader_of(event_type: &str) -> Option<Permission> {
    let kind = event_type.split_once('.').map_or(event_type, |(k, _)| k);
    match kind {
        "customer" => Some(Permission::CustomersRead),
        "piece" | "transfer" | "rate" => Some(Permission::InventoryRead),
        "quote" | "invoice" | "payment" | "credit_note" | "gift_voucher" | "scheme" => {
            Some(Permission::SalesRead)
        }
        "job" => Some(Permission::JobsRead),
        _ => None,
    }
}

/// Where an endpoint may be: `https` (`http` too when `allow_http`), a
/// host, no user or password; loopback, private and link-local addresses
/// only when `allow_private` (a test bench, an on-premises ERP).
pub fn check_url(
    field: &str,
    text: &str,
    allow_http: bool,
    allow_private: bool,
) -> Result<(), Invalid> {
    let refuse = |code: &str, message: &str| Err(Invalid::field(field, code, message));
    if text.len() > LONGEST_URL {
        return refuse("too_long", "at most 500 characters");
    }
    let Ok(url) = url::Url::parse(text) else {
        return refuse("format", "an absolute https:// URL");
    };
    match url.scheme() {
        "https" => {}
        "http" if allow_http => {}
        _ => return refuse("scheme", "an https:// URL"),
    }
    if !url.username().is_empty() || url.password().is_some() {
        return refuse(
            "credentials",
            "no user or password in the URL: the signature says the message is ours",
        );
    }
    if url.fragment().is_some() {
        return refuse("format", "no #fragment");
    }
    let private = match url.host() {
        None => return refuse("format", "an absolute https:// URL with a host"),
        Some(url::Host::Domain(name)) => {
            let name = name.trim_end_matches('.').to_ascii_lowercase();
            name == "localhost" || name.ends_with(".localhost")
        }
        Some(url::Host::Ipv4(ip)) => !is_public(IpAddr::V4(ip)),
        Some(url::Host::Ipv6(ip)) => !is_public(IpAddr::V6(ip)),
    };
    if private && !allow_private {
        return refuse(
            "private_address",
            "a public address: loopback, private and link-local addresses are refused",
        );
    }
    Ok(())
}

/// Whether `ip` is reachable on the public internet (not loopback,
/// private, link-local, shared, documentation or unspecified).
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            !(v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_documentation()
                || v4.is_multicast()
                || a == 0
                || (a == 100 && (64..128).contains(&b)))
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_public(IpAddr::V4(v4));
            }
            let first = v6.segments()[0];
            !(v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (first & 0xfe00) == 0xfc00
                || (first & 0xffc0) == 0xfe80)
        }
    }
}

#[cfg(test)]
mod tests;
