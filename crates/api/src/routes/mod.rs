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
    cfg.app_data(actix_web::web::Data::new(change_readers()))
        .configure(platform::configure)
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

/// How each capability shows its changed records, for the changes feed.
pub fn change_readers() -> wire::changes::ChangeReaders {
    wire::changes::ChangeReaders::new(
        [
            crm::change_readers(),
            inventory::change_readers(),
            billing::change_readers(),
            loyalty::change_readers(),
            schemes::change_readers(),
            jobs::change_readers(),
        ]
        .into_iter()
        .flatten(),
    )
}

#[cfg(test)]
mod tests {
    use jewel_domain::change_feed::ChangeKind;

    /// Every kind of record that changes has a reader of its state now.
    #[test]
    fn every_changing_kind_has_a_reader() {
        let readers = super::change_readers();
        for kind in ChangeKind::ALL {
            assert_eq!(readers.get(kind).is_some(), !kind.unchanging(), "{kind:?}");
        }
    }
}
