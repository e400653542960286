//! Customers (CRM): profiles, import and export, merge, data-subject requests, consent,
//! wish lists, the interactions timeline, follow-up tasks, occasions and the customer's own
//! `/me` pages.

pub use current::change_readers;
use utoipa_actix_web::service_config::ServiceConfig;

pub mod consents;
mod current;
pub mod customer_csv;
pub mod customer_data;
pub mod customer_merge;
pub mod customer_rows;
pub mod customer_sync;
pub mod customers;
pub mod dto;
pub mod interactions;
pub mod me;
pub mod occasions;
pub mod tasks;
pub mod wish_list;

pub fn configure(cfg: &mut ServiceConfig) {
    // `customer_csv` before `customers`: `/customers/import` and
    // `/customers/export` would otherwise be taken for `/customers/{id}`.
    cfg.configure(customer_csv::configure)
        .configure(customers::configure)
        .configure(customer_merge::configure)
        .configure(customer_sync::configure)
        .configure(customer_data::configure)
        .configure(consents::configure)
        .configure(wish_list::configure)
        .configure(interactions::configure)
        .configure(tasks::configure)
        .configure(occasions::configure)
        .configure(me::configure);
}
