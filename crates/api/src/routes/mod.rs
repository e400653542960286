//! Every operation of the API, registered through utoipa-actix-web so that an
//! undocumented route cannot exist. Each resource module has one `configure`.

pub mod health;

use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.configure(health::configure);
}
