//! Customers: reading one for a change, what the CRM tells the business,
//! and the timeline kept up to date from the business's events.

pub mod customers;
pub mod events;
pub mod record;
pub mod timeline;

pub use customers::{CrmError, changeable_customer, live_customer};
pub use record::CustomerRecord;
