//! Inventory and metal rates: the day's rates, designs, pieces and their live price, the
//! catalogue, receipts and imports, stock moves, transfers, stock counts and lots.

pub use current::change_readers;
use utoipa_actix_web::service_config::ServiceConfig;

pub mod catalogue;
mod current;
pub mod design_sync;
mod designs;
pub mod dto;
pub mod lots;
pub mod metal_rates;
pub mod piece_changes;
pub mod piece_import;
pub mod piece_price;
pub mod piece_receipts;
pub mod piece_sync;
pub mod pieces;
pub mod stock;
pub mod stock_moves;
pub mod transfers;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.configure(metal_rates::configure)
        .configure(designs::configure)
        .configure(design_sync::configure)
        // Before `pieces`: `/pieces/import` would be taken for `/pieces/{id}`.
        .configure(piece_import::configure)
        .configure(piece_receipts::configure)
        .configure(catalogue::configure)
        .configure(pieces::configure)
        .configure(piece_changes::configure)
        .configure(piece_sync::configure)
        .configure(piece_price::configure)
        .configure(stock_moves::configure)
        .configure(transfers::configure)
        .configure(stock::configure)
        .configure(lots::configure);
}
