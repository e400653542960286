//! Gold savings schemes: the owner's plans, enrolments at a branch and the
//! instalments paid into them (each with its receipt), the passbook, and a
//! customer's own under `/api/v1/me`.

mod current;
mod dto;
mod enrolments;
mod plans;

pub use current::change_readers;
use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.configure(plans::configure)
        .configure(enrolments::configure);
}
