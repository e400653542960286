//! Metal rates: set (many in one call), the rates in force, and the history.

use actix_web::{HttpResponse, get, post, web};
use chrono::Utc;
use jewel_domain::metal::Metal;
use jewel_domain::metal_rate::MetalRate;
use jewel_persistence::repos::metal_rates::{MetalRateFilter, MetalRates};
use jewel_services::inventory::rates;
use utoipa_actix_web::service_config::ServiceConfig;

use super::dto::metal_rates::{
    CurrentRatesView, HistoryQuery, MetalRateView, RatesSet, SetMetalRates,
};
use crate::auth::caller::{Authorized, needs};
use crate::error::ApiError;
use crate::extract::{Json, Query};
use crate::routes::{wire::Paged, wire::Pagination};
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(set_metal_rates)
        .service(current_metal_rates)
        .service(metal_rate_history);
}

impl From<&MetalRate> for MetalRateView {
    fn from(r: &MetalRate) -> Self {
        Self {
            id: r.id,
            metal: r.purity.metal().into(),
            fineness: r.purity.fineness(),
            per_gram: r.per_gram.to_string(),
            currency: r.currency.as_str().to_owned(),
            effective_at: r.effective_at,
            session: r.session.map(Into::into),
            source: r.source.clone(),
            set_by: r.set_by,
            created_at: r.created_at,
        }
    }
}

/// Set metal rates, many in one call (all or none). Needs
/// `metal-rates:write` (owner, manager). Each rate is kept for ever and
/// audited; the rates in force and every live price follow at once.
#[utoipa::path(
    tag = "metal-rates",
    operation_id = "setMetalRates",
    security(("bearer" = [])),
    request_body = SetMetalRates,
    responses(
        (status = 201, description = "Set; the rates as stored.", body = RatesSet),
    )
)]
#[post("/api/v1/metal-rates")]
pub async fn set_metal_rates(
    state: web::Data<AppState>,
    caller: Authorized<needs::MetalRatesWrite>,
    Json(body): Json<SetMetalRates>,
) -> Result<HttpResponse, ApiError> {
    let rates = body.check(&state.pricing.currency, Utc::now())?;
    let mut unit = state.unit(&caller);
    let stored = rates::set_rates(&mut unit, &rates).await?;
    unit.commit().await?;
    let views: Vec<MetalRateView> = stored.iter().map(MetalRateView::from).collect();
    // Re-reckon the catalogue's price keys now rather than in the next
    // customer's search; a failure only leaves that to the search.
    if let Err(error) =
        jewel_services::inventory::refresh_price_keys(state.database.connection()).await
    {
        tracing::warn!(%error, "price keys not refreshed after new rates");
    }
    Ok(HttpResponse::Created().json(RatesSet { rates: views }))
}

/// The rates in force now: for each metal and grade, the latest rate
/// effective by now. Needs `inventory:read`.
#[utoipa::path(
    tag = "metal-rates",
    operation_id = "getCurrentMetalRates",
    security(("bearer" = [])),
    responses((status = 200, description = "The rates in force.", body = CurrentRatesView))
)]
#[get("/api/v1/metal-rates/current")]
pub async fn current_metal_rates(
    state: web::Data<AppState>,
    _caller: Authorized<needs::InventoryRead>,
) -> Result<web::Json<CurrentRatesView>, ApiError> {
    let current = crate::rates::current_rates(&state).await?;
    Ok(web::Json(CurrentRatesView {
        rates: current.rates.iter().map(MetalRateView::from).collect(),
        next_change_at: current.next_change_at,
    }))
}

/// The history of rates, newest effective first, with filters. Needs
/// `inventory:read`.
#[utoipa::path(
    tag = "metal-rates",
    operation_id = "listMetalRates",
    security(("bearer" = [])),
    params(HistoryQuery, Pagination),
    responses((status = 200, description = "One page of the history.", body = Paged<MetalRateView>))
)]
#[get("/api/v1/metal-rates")]
pub async fn metal_rate_history(
    state: web::Data<AppState>,
    _caller: Authorized<needs::InventoryRead>,
    Query(filter): Query<HistoryQuery>,
    Query(pagination): Query<Pagination>,
) -> Result<web::Json<Paged<MetalRateView>>, ApiError> {
    let page = pagination.page()?;
    let filter = MetalRateFilter {
        metal: filter.metal.map(Metal::from),
        fineness: filter.fineness,
        from: filter.from,
        until: filter.until,
    };
    let rates = MetalRates::history(state.database.connection(), &filter, page).await?;
    Ok(web::Json(Paged::from_page(rates, |r| {
        MetalRateView::from(&r)
    })))
}
