//! Platform: health probes and the event feed.

use utoipa_actix_web::service_config::ServiceConfig;

pub mod dto;
pub mod events;
pub mod health;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.configure(health::configure)
        .configure(events::configure);
}
