//! Integrations: what connects other systems without asking us. Outbound
//! webhooks (Standard Webhooks v1): endpoints registered by the owner or
//! by an API client for its own use ([`endpoints`]); a relay subscriber
//! that makes a message of every event an endpoint wants ([`fanout`]); a
//! worker that signs and sends each, retrying on the schedule
//! ([`sending`]).

pub mod endpoints;
pub mod fanout;
pub mod sending;

use jewel_domain::Invalid;
use jewel_domain::webhook::Secret;
use jewel_persistence::RepoError;

/// Keeps endpoints' secrets sealed at rest: the API seals them with the
/// server's key, and opens them to sign.
pub trait Secrets: Send + Sync + std::fmt::Debug {
    fn seal(&self, secret: &Secret) -> String;
    fn open(&self, sealed: &str) -> anyhow::Result<Secret>;
}

/// Why integration work is refused.
#[derive(Debug, thiserror::Error)]
pub enum IntegrationError {
    /// Replaying to an endpoint that is disabled.
    #[error("the endpoint is disabled: enable it first")]
    Disabled,
    #[error(transparent)]
    Invalid(#[from] Invalid),
    #[error(transparent)]
    Store(#[from] RepoError),
    #[error(transparent)]
    Record(#[from] crate::unit::RecordError),
}
