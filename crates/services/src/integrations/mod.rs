//! Integrations: what connects other systems without asking us. Outbound
//! webhooks (Standard Webhooks v1): endpoints registered by the owner or
//! by an API client for its own use ([`endpoints`]); a relay subscriber
//! that makes a message of every event an endpoint wants ([`fanout`]); a
//! worker that signs and sends each, retrying on the schedule
//! ([`sending`]). Bulk import jobs worked through by a leased worker
//! ([`imports`]).

pub mod endpoints;
pub mod fanout;
pub mod imports;
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
    /// An import job that is not where the move asked for starts.
    #[error("the import job is {}", state.as_str())]
    ImportState {
        state: jewel_domain::import_job::ImportState,
    },
    /// A part that would take a job past its most rows.
    #[error("an import job takes at most {most} rows; it holds {had}")]
    TooManyRows { most: i64, had: i64 },
    /// A part of a job uploaded while another part of it was.
    #[error("another part of the import job came in meanwhile: upload parts one after another")]
    PartRaced,
    /// Closing the upload of a job with no rows.
    #[error("the import job has no rows: upload a part first")]
    NothingUploaded,
    /// A worker's lease on a job ran out, or the job was aborted, while it
    /// worked: what it did rolls back.
    #[error("the import job is no longer this worker's")]
    LeaseLost,
    /// A record a chunk changes was changed since the chunk was checked.
    #[error("a record changed while the chunk was checked")]
    Outrun,
    #[error(transparent)]
    Crm(Box<crate::crm::CrmError>),
    #[error(transparent)]
    Invalid(#[from] Invalid),
    #[error(transparent)]
    Store(#[from] RepoError),
    #[error(transparent)]
    Record(#[from] crate::unit::RecordError),
}
