//! Customers: their timeline, kept up to date from the business's events.

pub mod events;
pub mod timeline;
