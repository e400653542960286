//! Customers: adding, changing, merging and erasing them, what the CRM
//! tells the business, and the timeline kept up to date from the
//! business's events.

pub mod customers;
mod error;
pub mod events;
pub mod external;
pub mod follow_ups;
pub mod import;
pub mod merge;
pub mod record;
pub mod timeline;

pub use customers::{changeable_customer, live_customer};
pub use error::CrmError;
pub use record::CustomerRecord;
