//! Loyalty: the programme's rules, customers' points and their ledger,
//! adjustments by hand, store credit, gift vouchers, and a customer's own
//! under `/api/v1/me`.

mod current;
mod dto;
mod gift_vouchers;
mod points;
mod programme;
mod store_credit;

pub use current::change_readers;
use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.configure(programme::configure)
        .configure(points::configure)
        .configure(store_credit::configure)
        .configure(gift_vouchers::configure);
}
