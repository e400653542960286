//! The jewellery business in types: what is valid, how things are priced and
//! counted. Nothing here knows about HTTP, SQL or the clock on the wall.

pub mod access;
pub mod billing;
pub mod branch;
pub mod change_feed;
pub mod contact;
pub mod customer;
pub mod design;
pub mod engagement;
pub mod external_ref;
pub mod gift_voucher;
pub mod import_job;
pub mod invoice;
pub mod job;
pub mod language;
pub mod lot;
pub mod loyalty;
pub mod measure;
pub mod metal;
pub mod metal_rate;
pub mod movement;
pub mod occasion;
pub mod page;
pub mod payment;
pub mod piece;
pub mod pricing;
pub mod scheme;
pub mod stock_audit;
pub mod store_credit;
pub mod task;
pub mod transfer;
pub mod validation;
pub mod webhook;

pub use access::{Permission, Role};
pub use page::{Page, PageRequest};
pub use validation::{FieldError, Invalid};
