//! The wire types of `inventory::metal_rates`: what its requests send and its answers show.

use crate::routes::{wire::MetalName, wire::MoneyText, wire::collect};
use chrono::{DateTime, Utc};
use jewel_domain::measure::Money;
use jewel_domain::metal::Purity;
use jewel_domain::metal_rate::{Currency, NewMetalRate, RateSession, check_source};
use jewel_domain::{FieldError, Invalid};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

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
    pub(crate) rates: Vec<MetalRateView>,
}

/// One rate to set.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NewMetalRateFields {
    pub(crate) metal: MetalName,
    /// One of the metal's grades: gold 999, 995, 958, 916, 833, 750, 585,
    /// 375; silver 999, 990, 970, 958, 925, 900, 835, 800; platinum 950, 900.
    #[schema(value_type = crate::routes::wire::Fineness)]
    pub(crate) fineness: u16,
    #[schema(value_type = crate::routes::wire::PositiveMoneyText)]
    pub(crate) per_gram: String,
    /// The business's currency (setting `inventory.currency`); may be left out.
    #[schema(max_length = 3, pattern = "^[A-Za-z]{3}$")]
    pub(crate) currency: Option<String>,
    /// From when the rate applies; now when left out. May be ahead.
    pub(crate) effective_at: Option<DateTime<Utc>>,
    pub(crate) session: Option<RateSessionName>,
    /// Where the rate came from: `IBJA`, `association`, `manual`.
    #[schema(value_type = Option<crate::routes::wire::RateSourceText>)]
    pub(crate) source: Option<String>,
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
    pub(crate) rates: Vec<NewMetalRateFields>,
}

impl SetMetalRates {
    pub(crate) fn check(
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

/// Filters of the rate history.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct HistoryQuery {
    pub(crate) metal: Option<MetalName>,
    #[param(minimum = 375, maximum = 999)]
    pub(crate) fineness: Option<u16>,
    /// Rates effective at or after this time.
    pub(crate) from: Option<DateTime<Utc>>,
    /// Rates effective before this time.
    pub(crate) until: Option<DateTime<Utc>>,
}
