//! How a provider's refusal is answered: tried again, or final.

use jewel_domain::engagement::message::Outcome;
use jewel_services::engagement::notifier::Answer;

/// A provider's refusal `said`: tried again when `retried`, else final.
pub(super) fn refused(said: String, retried: bool) -> Answer {
    Answer {
        outcome: if retried {
            Outcome::Transient(said.clone())
        } else {
            Outcome::Permanent(said.clone())
        },
        said,
        unregistered: Vec::new(),
    }
}
