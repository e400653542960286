//! Every operation of the API, registered through utoipa-actix-web so that an
//! undocumented route cannot exist. One folder per capability, each with one
//! `configure`; a capability's routes never import another capability's
//! (`python3 tools/import_loops.py --capabilities crates/api/src/routes
//! crates/api/src` checks it). Wire types shared across capabilities live in
//! `wire`.

use utoipa_actix_web::service_config::ServiceConfig;

#[macro_use]
pub mod wire;

pub mod billing;
pub mod crm;
pub mod engagement;
pub mod identity;
pub mod insight;
pub mod integrations;
pub mod inventory;
pub mod jobs;
pub mod loyalty;
pub mod platform;
pub mod schemes;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.configure(platform::configure)
        .configure(identity::configure)
        .configure(crm::configure)
        .configure(inventory::configure)
        .configure(billing::configure)
        .configure(loyalty::configure)
        .configure(schemes::configure)
        .configure(jobs::configure)
        .configure(engagement::configure)
        .configure(insight::configure)
        .configure(integrations::configure);
}
