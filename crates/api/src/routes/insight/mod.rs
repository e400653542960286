//! Insight: reports read from the ledgers (what the store holds on its
//! customers' behalf).

mod liabilities;

use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.configure(liabilities::configure);
}
