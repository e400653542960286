//! Domain events: what happened to the business, recorded in the outbox by
//! the transaction that made it happen. A payload is a type of the
//! capability that emits it (never a wire DTO), with a version number that
//! changes when its shape does.

use serde::Serialize;

pub use jewel_persistence::repos::outbox::OutboxEvent as Event;

/// A payload that can be recorded as an event.
pub trait DomainEvent: Serialize {
    /// `invoice.issued`: the record's kind, a dot, what happened to it.
    const TYPE: &'static str;
    /// The version of the payload's shape.
    const VERSION: i32;
    /// The record it is about: its kind and id.
    fn entity(&self) -> (&'static str, String);
    /// The branch it concerns; `None` for records of the whole business.
    fn branch(&self) -> Option<uuid::Uuid>;
    /// Whether readers scoped to branches see it though it names no branch
    /// of theirs: a record of the whole business (a customer, a rate).
    fn business_wide(&self) -> bool {
        self.branch().is_none()
    }
}
