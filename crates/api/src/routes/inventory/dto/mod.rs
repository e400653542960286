//! The wire types of inventory's routes, one module per resource: request
//! bodies and query parameters, the answers, their enums.

pub mod catalogue;
pub mod designs;
pub mod lots;
pub mod metal_rates;
pub mod piece_changes;
pub mod piece_import;
pub mod piece_price;
pub mod piece_receipts;
pub mod pieces;
pub mod stock;
pub mod stock_moves;
pub mod transfers;
