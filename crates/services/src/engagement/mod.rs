//! Engagement: messages to customers. Templates are saved in versions and
//! checked; a trigger's event queues a message in the relay's transaction
//! (so each event queues it once, and a key keeps one message however often
//! a trigger runs); the delivery worker sends it through the channel's
//! [`notifier::Notifier`] after checking consent and the address at
//! sending time, retries on the schedule and gives up after the last.

pub mod after_sales;
pub mod calls;
pub mod campaigns;
pub mod delivery;
pub mod devices;
pub mod notifications;
pub mod notifier;
pub mod occasions;
pub mod queue;
pub mod reports;
pub mod scheme_reminders;
pub mod segments;
pub mod templates;
pub mod unsubscribe;
pub mod zones;

use jewel_domain::Invalid;
use jewel_persistence::RepoError;

/// Why engagement work is refused.
#[derive(Debug, thiserror::Error)]
pub enum EngagementError {
    /// Two saves of one template at the same moment: one is kept.
    #[error("the template was saved by someone else at the same moment; read it again")]
    ChangedMeanwhile,
    /// A campaign still to send uses the segment.
    #[error("a campaign still to send uses this segment: cancel it first")]
    InUse,
    /// The campaign was cancelled already.
    #[error("the campaign was cancelled already")]
    Cancelled,
    #[error(transparent)]
    Invalid(#[from] Invalid),
    #[error(transparent)]
    Store(#[from] RepoError),
    #[error(transparent)]
    Record(#[from] crate::unit::RecordError),
}
