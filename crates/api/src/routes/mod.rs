//! Every operation of the API, registered through utoipa-actix-web so that an
//! undocumented route cannot exist. Each resource module has one `configure`.

use utoipa_actix_web::service_config::ServiceConfig;

#[macro_use]
pub mod wire;

pub mod api_clients;
pub mod audit_events;
pub mod auth;
pub mod branches;
pub mod catalogue;
pub mod consents;
pub mod customer_csv;
pub mod customer_data;
pub mod customer_merge;
pub mod customers;
pub mod designs;
pub mod events;
pub mod health;
pub mod interactions;
pub mod invoice_actions;
pub mod invoice_print;
pub mod invoice_returns;
pub mod invoices;
pub mod jwks;
pub mod lots;
pub mod me;
pub mod metal_rates;
pub mod oauth;
pub mod occasions;
pub mod piece_changes;
pub mod piece_import;
pub mod piece_price;
pub mod piece_receipts;
pub mod pieces;
pub mod quotes;
pub mod sso;
pub mod staff;
pub mod stock;
pub mod stock_moves;
pub mod tasks;
pub mod transfers;
pub mod wish_list;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.configure(health::configure)
        .configure(auth::configure)
        .configure(branches::configure)
        .configure(staff::configure)
        .configure(audit_events::configure)
        .configure(events::configure)
        .configure(api_clients::configure)
        .configure(oauth::configure)
        .configure(jwks::configure)
        .configure(sso::configure)
        // Before `customers`: `/customers/import` and `/customers/export`
        // would otherwise be taken for `/customers/{id}`.
        .configure(customer_csv::configure)
        .configure(customers::configure)
        .configure(customer_merge::configure)
        .configure(customer_data::configure)
        .configure(consents::configure)
        .configure(wish_list::configure)
        .configure(interactions::configure)
        .configure(tasks::configure)
        .configure(occasions::configure)
        .configure(me::configure)
        .configure(metal_rates::configure)
        .configure(designs::configure)
        // Before `pieces`: `/pieces/import` would be taken for `/pieces/{id}`.
        .configure(piece_import::configure)
        .configure(piece_receipts::configure)
        .configure(catalogue::configure)
        .configure(pieces::configure)
        .configure(piece_changes::configure)
        .configure(piece_price::configure)
        .configure(stock_moves::configure)
        .configure(transfers::configure)
        .configure(stock::configure)
        .configure(lots::configure)
        .configure(invoices::configure)
        .configure(invoice_actions::configure)
        .configure(invoice_print::configure)
        .configure(invoice_returns::configure)
        .configure(quotes::configure);
}
