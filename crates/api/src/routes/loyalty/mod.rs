//! Loyalty: the programme's rules, customers' points and their ledger,
//! adjustments by hand, and a customer's own points under `/api/v1/me`.

mod dto;
mod points;
mod programme;

use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.configure(programme::configure)
        .configure(points::configure);
}
