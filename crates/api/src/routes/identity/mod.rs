//! Identity and access: staff and customer logins, tokens, single sign-on, API clients,
//! branches, staff users and the audit trail.

use utoipa_actix_web::service_config::ServiceConfig;

pub mod api_clients;
pub mod audit_events;
pub mod auth;
pub mod branches;
pub mod dto;
pub mod jwks;
pub mod oauth;
pub mod sso;
pub mod staff;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.configure(auth::configure)
        .configure(branches::configure)
        .configure(staff::configure)
        .configure(audit_events::configure)
        .configure(api_clients::configure)
        .configure(oauth::configure)
        .configure(jwks::configure)
        .configure(sso::configure);
}
