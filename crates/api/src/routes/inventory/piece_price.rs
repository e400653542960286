//! The live price of a piece: its full breakup at the rates in force.

use actix_web::{get, web};
use chrono::Utc;
use jewel_domain::Invalid;
use jewel_domain::pricing::{PriceBreakup, PricingError, Supply, price};
use utoipa_actix_web::service_config::ServiceConfig;

use super::dto::piece_price::{PriceQuery, PriceView, SupplyName};
use super::pieces::visible_piece;
use crate::auth::caller::{Authorized, needs};
use crate::error::{ApiError, Problem};
use crate::extract::Query;
use crate::rates::current_rates;
use crate::routes::inventory::dto::metal_rates::MetalRateView;
use crate::routes::wire::price::{ChargeLine, MakingLine, StoneLine, TaxLineView, WastageLine};
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(piece_price);
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
