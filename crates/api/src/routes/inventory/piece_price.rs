//! The live price of a piece: its full breakup at the rates in force.

use actix_web::{get, web};
use chrono::{DateTime, Utc};
use jewel_domain::Invalid;
use jewel_domain::pricing::{PriceBreakup, PricingError, Supply, price};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;

use super::metal_rates::MetalRateView;
use super::pieces::visible_piece;
use crate::auth::caller::{Authorized, needs};
use crate::error::{ApiError, Problem};
use crate::extract::Query;
use crate::rates::current_rates;
use crate::routes::wire::price::{ChargeLine, MakingLine, StoneLine, TaxLineView, WastageLine};
use crate::routes::{wire::MoneyText, wire::SignedMoneyText, wire::WeightText};
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(piece_price);
}

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
    supply: Option<SupplyName>,
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
    piece_id: uuid::Uuid,
    #[schema(max_length = 32)]
    tag_number: String,
    #[schema(max_length = 3, pattern = "^[A-Z]{3}$")]
    currency: String,
    priced_at: DateTime<Utc>,
    /// The rate used.
    rate: MetalRateView,
    #[schema(value_type = WeightText)]
    net_weight: String,
    #[schema(value_type = MoneyText)]
    metal_value: String,
    wastage: WastageLine,
    making: MakingLine,
    #[schema(max_items = 50)]
    stones: Vec<StoneLine>,
    #[schema(value_type = MoneyText)]
    stones_total: String,
    #[schema(max_items = 10)]
    other_charges: Vec<ChargeLine>,
    #[schema(value_type = MoneyText)]
    other_charges_total: String,
    #[schema(value_type = MoneyText)]
    discount: String,
    #[schema(value_type = MoneyText)]
    taxable_value: String,
    #[schema(max_items = 2)]
    taxes: Vec<TaxLineView>,
    #[schema(value_type = MoneyText)]
    tax_total: String,
    /// Taxable value plus tax, before rounding to the whole unit.
    #[schema(value_type = MoneyText)]
    gross_total: String,
    /// What rounding to the whole unit added (negative when it took away).
    #[schema(value_type = SignedMoneyText)]
    round_off: String,
    #[schema(value_type = MoneyText)]
    total: String,
}

/// The live price of a piece: its full breakup at the rates in force now
/// (metal value, wastage, making, stones, other charges, GST, round-off).
/// 422 naming `rate` when no rate is set for the piece's metal and
/// fineness. Needs `inventory:read`.
#[utoipa::path(
    tag = "pieces",
    operation_id = "getPiecePrice",
    security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "The piece's id"), PriceQuery),
    responses(
        (status = 200, description = "The price with its breakup.", body = PriceView),
        (status = 422, description = "No rate is set for the piece's metal and fineness (`rate`).", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/api/v1/pieces/{id}/price")]
pub async fn piece_price(
    state: web::Data<AppState>,
    caller: Authorized<needs::InventoryRead>,
    id: web::Path<uuid::Uuid>,
    Query(query): Query<PriceQuery>,
) -> Result<web::Json<PriceView>, ApiError> {
    let piece = visible_piece(&state, &caller, *id).await?;
    let rates = current_rates(&state).await?;
    let rate = rates.for_purity(piece.purity).ok_or_else(|| {
        Invalid::field(
            "rate",
            "no_rate",
            format!(
                "no rate is set for {} {}",
                piece.purity.metal().as_str(),
                piece.purity.fineness()
            ),
        )
    })?;
    let supply = match query.supply.unwrap_or_default() {
        SupplyName::WithinState => Supply::WithinState,
        SupplyName::InterState => Supply::InterState,
    };
    let input = piece.price_input(rate.per_gram, state.pricing.gst_percent, supply);
    let breakup = price(&input).map_err(|PricingError::DiscountExceedsValue { .. }| {
        Invalid::field("discount", "too_large", "more than the value")
    })?;
    Ok(web::Json(view(
        &piece,
        rate.into(),
        breakup,
        &state.pricing.currency,
    )))
}

/// The total price of `piece` at `rates` now (within the state), if its
/// metal and fineness have a rate.
pub(crate) fn live_total(
    piece: &jewel_domain::piece::Piece,
    rates: &jewel_domain::metal_rate::CurrentRates,
    gst: jewel_domain::measure::Percent,
) -> Option<jewel_domain::measure::Money> {
    let rate = rates.for_purity(piece.purity)?;
    price(&piece.price_input(rate.per_gram, gst, Supply::WithinState))
        .ok()
        .map(|b| b.total)
}

fn view(
    piece: &jewel_domain::piece::Piece,
    rate: MetalRateView,
    b: PriceBreakup,
    currency: &str,
) -> PriceView {
    PriceView {
        piece_id: piece.id,
        tag_number: piece.tag_number.as_str().to_owned(),
        currency: currency.to_owned(),
        priced_at: Utc::now(),
        rate,
        net_weight: piece.weights.net.to_string(),
        metal_value: b.metal_value.to_string(),
        wastage: WastageLine {
            percent: piece.wastage.to_string(),
            amount: b.wastage.to_string(),
        },
        making: MakingLine {
            mode: piece.making.mode().into(),
            value: piece.making.value_text(),
            amount: b.making.to_string(),
        },
        stones: piece
            .stones
            .iter()
            .zip(&b.stones)
            .map(|(s, amount)| StoneLine {
                kind: s.kind.clone(),
                count: s.count,
                carats: s.carats.to_string(),
                amount: amount.to_string(),
            })
            .collect(),
        stones_total: b.stones_total.to_string(),
        other_charges: piece
            .other_charges
            .iter()
            .map(|c| ChargeLine {
                label: c.label.clone(),
                amount: c.amount.to_string(),
            })
            .collect(),
        other_charges_total: b.other_charges.to_string(),
        discount: b.discount.to_string(),
        taxable_value: b.taxable_value.to_string(),
        taxes: b.taxes.iter().map(TaxLineView::from).collect(),
        tax_total: b.tax_total.to_string(),
        gross_total: b.gross_total.to_string(),
        round_off: b.round_off.to_string(),
        total: b.total.to_string(),
    }
}
