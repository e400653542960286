//! Service jobs: job cards for repairs, custom and special orders and
//! appraisals, moved through their status by legal moves, and a
//! customer's own under `/api/v1/me`.

mod cards;
mod challan_dto;
mod challans;
mod current;
mod deposit_dto;
mod deposits;
mod dto;
mod estimate_dto;
mod estimates;
mod metal;
mod metal_dto;
mod photo_dto;
mod photos;
mod report;

pub use current::change_readers;
use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.configure(cards::configure)
        .configure(estimates::configure)
        .configure(challans::configure)
        .configure(deposits::configure)
        .configure(metal::configure)
        .configure(photos::configure)
        .configure(report::configure);
}
