//! The wire types of `inventory::catalogue`: what its requests send and its answers show.

use crate::routes::inventory::dto::pieces::PieceStatusName;
use crate::routes::{wire::MetalName, wire::MoneyText, wire::WeightText};
use serde::Deserialize;
use utoipa::IntoParams;

/// Filters of the piece list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct PieceQuery {
    pub(crate) branch_id: Option<uuid::Uuid>,
    pub(crate) status: Option<PieceStatusName>,
    #[param(max_length = 40)]
    pub(crate) category: Option<String>,
    pub(crate) metal: Option<MetalName>,
    #[param(minimum = 375, maximum = 999)]
    pub(crate) fineness: Option<u16>,
    pub(crate) design_id: Option<uuid::Uuid>,
    /// Net weight at least this many grams.
    #[param(value_type = Option<WeightText>)]
    pub(crate) min_weight: Option<String>,
    /// Net weight at most this many grams.
    #[param(value_type = Option<WeightText>)]
    pub(crate) max_weight: Option<String>,
    /// Live price (total with GST within the state, at the rates in force)
    /// at least this much. Pieces without a rate have no price and are left
    /// out of price searches.
    #[param(value_type = Option<MoneyText>)]
    pub(crate) min_price: Option<String>,
    /// Live price at most this much.
    #[param(value_type = Option<MoneyText>)]
    pub(crate) max_price: Option<String>,
    /// `received` (oldest first), `weight` or `-weight` (net weight),
    /// `price` or `-price` (live price; lists only pieces with a rate;
    /// pieces within a rupee of each other may come in either order).
    /// Without it, a search by `minPrice` or `maxPrice` lists cheapest first
    /// (it reads its index in price order and stops at the page), anything
    /// else oldest first.
    #[param(pattern = "^(received|-?weight|-?price)$", max_length = 8)]
    pub(crate) sort: Option<String>,
}
