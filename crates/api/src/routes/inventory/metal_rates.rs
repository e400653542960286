//! Metal rates: set (many in one call), the rates in force, and the history.

use actix_web::{HttpResponse, get, post, web};
use chrono::{DateTime, Utc};
use jewel_domain::measure::Money;
use jewel_domain::metal::{Metal, Purity};
use jewel_domain::metal_rate::{Currency, MetalRate, NewMetalRate, RateSession, check_source};
use jewel_domain::{FieldError, Invalid};
use jewel_persistence::repos::metal_rates::{MetalRateFilter, MetalRates};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::caller::{Authorized, needs};
use crate::error::ApiError;
use crate::extract::{Json, Query};
use crate::routes::{
    wire::MetalName, wire::MoneyText, wire::Paged, wire::Pagination, wire::collect,
};
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(set_metal_rates)
        .service(current_metal_rates)
        .service(metal_rate_history);
}

wire_enum! {
    /// The bullion association's morning or afternoon rate.
    RateSessionName mirrors RateSession { Am = "AM", Pm = "PM" }
}

/// A rate per gram of one metal at one grade.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({
    "id": "01936f0e-0000-7000-8000-0000000000a1", "metal": "gold", "fineness": 916,
    "perGram": "12800.00", "currency": "INR", "effectiveAt": "2026-11-21T04:30:00Z",
    "session": "AM", "source": "IBJA", "setBy": "01936f0e-0000-7000-8000-000000000010",
    "createdAt": "2026-11-21T04:25:00Z"
}))]
pub struct MetalRateView {
    pub id: uuid::Uuid,
    pub metal: MetalName,
    #[schema(minimum = 375, maximum = 999)]
    pub fineness: u16,
    #[schema(value_type = MoneyText)]
    pub per_gram: String,
    #[schema(max_length = 3, pattern = "^[A-Z]{3}$")]
    pub currency: String,
    pub effective_at: DateTime<Utc>,
    pub session: Option<RateSessionName>,
    #[schema(max_length = 60)]
    pub source: Option<String>,
    pub set_by: uuid::Uuid,
    pub created_at: DateTime<Utc>,
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

/// The rates in force now, one per grade that has one.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"rates": [{"id": "01936f0e-0000-7000-8000-0000000000a1", "metal": "gold", "fineness": 916,
     "perGram": "12800.00", "currency": "INR", "effectiveAt": "2026-11-21T04:30:00Z",
     "session": "AM", "source": "IBJA", "setBy": "01936f0e-0000-7000-8000-000000000010",
     "createdAt": "2026-11-21T04:25:00Z"}], "nextChangeAt": "2026-11-22T04:30:00Z"}))]
pub struct CurrentRatesView {
    #[schema(max_items = 18)]
    pub rates: Vec<MetalRateView>,
    /// When a rate already set for later takes over; `null` if none is.
    pub next_change_at: Option<DateTime<Utc>>,
}

/// The rates as stored.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"rates": [{"id": "01936f0e-0000-7000-8000-0000000000a1", "metal": "gold", "fineness": 916,
     "perGram": "12800.00", "currency": "INR", "effectiveAt": "2026-11-21T04:30:00Z",
     "session": "AM", "source": "IBJA", "setBy": "01936f0e-0000-7000-8000-000000000010",
     "createdAt": "2026-11-21T04:25:00Z"}]}))]
pub struct RatesSet {
    #[schema(max_items = 100)]
    rates: Vec<MetalRateView>,
}

/// One rate to set.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NewMetalRateFields {
    metal: MetalName,
    /// One of the metal's grades: gold 999, 995, 958, 916, 833, 750, 585,
    /// 375; silver 999, 990, 970, 958, 925, 900, 835, 800; platinum 950, 900.
    #[schema(value_type = crate::routes::wire::Fineness)]
    fineness: u16,
    #[schema(value_type = crate::routes::wire::PositiveMoneyText)]
    per_gram: String,
    /// The business's currency (setting `inventory.currency`); may be left out.
    #[schema(max_length = 3, pattern = "^[A-Za-z]{3}$")]
    currency: Option<String>,
    /// From when the rate applies; now when left out. May be ahead.
    effective_at: Option<DateTime<Utc>>,
    session: Option<RateSessionName>,
    /// Where the rate came from: `IBJA`, `association`, `manual`.
    #[schema(value_type = Option<crate::routes::wire::RateSourceText>)]
    source: Option<String>,
}

/// The rates to set, all or none.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(example = json!({"rates": [
    {"metal": "gold", "fineness": 916, "perGram": "12800.00", "session": "AM", "source": "IBJA"},
    {"metal": "gold", "fineness": 750, "perGram": "10480.00", "session": "AM", "source": "IBJA"},
    {"metal": "silver", "fineness": 999, "perGram": "98.50", "session": "AM", "source": "IBJA"}
]}))]
pub struct SetMetalRates {
    #[schema(min_items = 1, max_items = 100)]
    rates: Vec<NewMetalRateFields>,
}

impl SetMetalRates {
    fn check(
        self,
        business_currency: &str,
        now: DateTime<Utc>,
    ) -> Result<Vec<NewMetalRate>, Invalid> {
        let mut errors: Vec<FieldError> = Vec::new();
        if self.rates.is_empty() || self.rates.len() > 100 {
            return Err(Invalid::field("rates", "count", "1 to 100 rates"));
        }
        let mut rates = Vec::new();
        for (i, fields) in self.rates.into_iter().enumerate() {
            let at = |name: &str| format!("rates[{i}].{name}");
            let purity = collect(
                &mut errors,
                Purity::parse(&at("fineness"), fields.metal.into(), fields.fineness),
            );
            let per_gram = collect(&mut errors, Money::parse(&at("perGram"), &fields.per_gram));
            if per_gram.is_some_and(Money::is_zero) {
                errors.push(FieldError::new(at("perGram"), "too_small", "more than 0"));
            }
            let currency = collect(
                &mut errors,
                Currency::parse(
                    &at("currency"),
                    fields.currency.as_deref().unwrap_or(business_currency),
                ),
            );
            if currency
                .as_ref()
                .is_some_and(|c| c.as_str() != business_currency)
            {
                errors.push(FieldError::new(
                    at("currency"),
                    "other_currency",
                    format!("the business prices in {business_currency}"),
                ));
            }
            let source = fields
                .source
                .as_deref()
                .and_then(|s| collect(&mut errors, check_source(&at("source"), s)));
            if let (Some(purity), Some(per_gram), Some(currency)) = (purity, per_gram, currency) {
                rates.push(NewMetalRate {
                    purity,
                    per_gram,
                    currency,
                    effective_at: fields.effective_at.unwrap_or(now),
                    session: fields.session.map(Into::into),
                    source,
                });
            }
        }
        match Invalid::from_errors(errors) {
            Some(invalid) => Err(invalid),
            None => Ok(rates),
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
    let (_, author) = caller.author();
    let mut unit = state.unit(&caller);
    let stored = MetalRates::set(unit.txn().await?, &rates, author).await?;
    let views: Vec<MetalRateView> = stored.iter().map(MetalRateView::from).collect();
    for (view, rate) in views.iter().zip(&stored) {
        unit.audit("set", "metal_rate", view.id, None, Some(view))?;
        unit.emit(&jewel_services::inventory::events::RateChanged::of(rate))?;
    }
    unit.commit().await?;
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

/// Filters of the rate history.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct HistoryQuery {
    metal: Option<MetalName>,
    #[param(minimum = 375, maximum = 999)]
    fineness: Option<u16>,
    /// Rates effective at or after this time.
    from: Option<DateTime<Utc>>,
    /// Rates effective before this time.
    until: Option<DateTime<Utc>>,
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
