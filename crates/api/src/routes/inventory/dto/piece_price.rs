//! The wire types of `inventory::piece_price`: what its requests send and its answers show.

use crate::routes::inventory::dto::metal_rates::MetalRateView;
use crate::routes::wire::price::{ChargeLine, MakingLine, StoneLine, TaxLineView, WastageLine};
use crate::routes::{wire::MoneyText, wire::SignedMoneyText, wire::WeightText};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// Where the sale is supplied, which decides the kind of GST.
#[derive(Debug, Clone, Copy, Default, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SupplyName {
    /// Within the branch's state: CGST + SGST.
    #[default]
    WithinState,
    /// To another state: IGST.
    InterState,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PriceQuery {
    /// `within_state` (CGST + SGST, the default) or `inter_state` (IGST).
    #[param(inline)]
    pub(crate) supply: Option<SupplyName>,
}

/// The price of a piece with every part, as a bill would show it.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({
    "pieceId": "01936f0e-0000-7000-8000-0000000000e1", "tagNumber": "GN-22-000123",
    "currency": "INR", "pricedAt": "2026-11-21T09:30:00Z",
    "rate": {"id": "01936f0e-0000-7000-8000-0000000000a1", "metal": "gold", "fineness": 916,
             "perGram": "12800.00", "currency": "INR", "effectiveAt": "2026-11-21T04:30:00Z",
             "session": "AM", "source": "IBJA", "setBy": "01936f0e-0000-7000-8000-000000000010",
             "createdAt": "2026-11-21T04:25:00Z"},
    "netWeight": "3.390", "metalValue": "43392.00",
    "wastage": {"percent": "0.00", "amount": "0.00"},
    "making": {"mode": "percent", "value": "16.00", "amount": "6942.72"},
    "stones": [], "stonesTotal": "0.00", "otherCharges": [], "otherChargesTotal": "0.00",
    "discount": "0.00", "taxableValue": "50334.72",
    "taxes": [{"kind": "CGST", "rate": "1.5", "amount": "755.02"},
              {"kind": "SGST", "rate": "1.5", "amount": "755.02"}],
    "taxTotal": "1510.04", "grossTotal": "51844.76", "roundOff": "0.24", "total": "51845.00"
}))]
pub struct PriceView {
    pub(crate) piece_id: uuid::Uuid,
    #[schema(max_length = 32)]
    pub(crate) tag_number: String,
    #[schema(max_length = 3, pattern = "^[A-Z]{3}$")]
    pub(crate) currency: String,
    pub(crate) priced_at: DateTime<Utc>,
    /// The rate used.
    pub(crate) rate: MetalRateView,
    #[schema(value_type = WeightText)]
    pub(crate) net_weight: String,
    #[schema(value_type = MoneyText)]
    pub(crate) metal_value: String,
    pub(crate) wastage: WastageLine,
    pub(crate) making: MakingLine,
    #[schema(max_items = 50)]
    pub(crate) stones: Vec<StoneLine>,
    #[schema(value_type = MoneyText)]
    pub(crate) stones_total: String,
    #[schema(max_items = 10)]
    pub(crate) other_charges: Vec<ChargeLine>,
    #[schema(value_type = MoneyText)]
    pub(crate) other_charges_total: String,
    #[schema(value_type = MoneyText)]
    pub(crate) discount: String,
    #[schema(value_type = MoneyText)]
    pub(crate) taxable_value: String,
    #[schema(max_items = 2)]
    pub(crate) taxes: Vec<TaxLineView>,
    #[schema(value_type = MoneyText)]
    pub(crate) tax_total: String,
    /// Taxable value plus tax, before rounding to the whole unit.
    #[schema(value_type = MoneyText)]
    pub(crate) gross_total: String,
    /// What rounding to the whole unit added (negative when it took away).
    #[schema(value_type = SignedMoneyText)]
    pub(crate) round_off: String,
    #[schema(value_type = MoneyText)]
    pub(crate) total: String,
}
