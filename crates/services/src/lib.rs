//! The business transactions of jewel-crm, one folder per capability.
//!
//! A service function takes a [`Unit`] (the transaction, who acts, the
//! audit entries and domain events collected so far) and domain inputs,
//! returns domain outputs and fails with its capability's typed error. The
//! caller (a handler, the command line, a worker, a composite request)
//! begins the unit and commits it: the change, its audit trail, its events
//! and a kept idempotent answer commit together or not at all. After
//! commit, the [`relay`] hands the events to subscribers.
//!
//! Nothing here knows HTTP: `api -> services -> persistence -> domain`.

/// `DomainEvent` for a payload: its type, the record it is about (a kind
/// and the payload's field holding the id), and the branch it concerns
/// (a closure over the payload; `None` for the whole business).
macro_rules! domain_event {
    ($name:ty, $type:literal, $entity:literal, $id:ident, |$event:ident| $branch:expr) => {
        impl $crate::events::DomainEvent for $name {
            const TYPE: &'static str = $type;
            const VERSION: i32 = 1;

            fn entity(&self) -> (&'static str, String) {
                ($entity, self.$id.to_string())
            }

            fn branch(&self) -> Option<uuid::Uuid> {
                let $event = self;
                $branch
            }
        }
    };
}

pub mod actor;
pub mod audit;
pub mod billing;
pub mod catalogue;
pub mod crm;
pub mod engagement;
pub mod events;
pub mod identity;
pub mod insight;
pub mod integrations;
pub mod inventory;
pub mod jobs;
pub mod loyalty;
pub mod relay;
pub mod schemes;
pub mod unit;

pub use actor::{Actor, Origin};
pub use catalogue::subscribers;
pub use unit::Unit;
