//! The day's metal rates: each rate set is audited and told as
//! `rate.changed`; the rates in force price every piece.

use chrono::{DateTime, Utc};
use jewel_domain::metal_rate::{MetalRate, NewMetalRate};
use jewel_persistence::repos::metal_rates::MetalRates;
use serde::Serialize;

use super::InventoryError;
use super::events::RateChanged;
use crate::Unit;

/// A metal rate as the audit trail keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RateRecord {
    pub id: uuid::Uuid,
    pub metal: &'static str,
    pub fineness: u16,
    pub per_gram: String,
    pub currency: String,
    pub effective_at: DateTime<Utc>,
    pub session: Option<&'static str>,
    pub source: Option<String>,
}

impl From<&MetalRate> for RateRecord {
    fn from(r: &MetalRate) -> Self {
        Self {
            id: r.id,
            metal: r.purity.metal().as_str(),
            fineness: r.purity.fineness(),
            per_gram: r.per_gram.to_string(),
            currency: r.currency.as_str().to_owned(),
            effective_at: r.effective_at,
            session: r.session.map(|s| s.as_str()),
            source: r.source.clone(),
        }
    }
}

/// Sets the day's rates (checked), each audited and told as
/// `rate.changed`. The caller brings the price keys up to date after
/// commit.
pub async fn set_rates(
    unit: &mut Unit,
    rates: &[NewMetalRate],
) -> Result<Vec<MetalRate>, InventoryError> {
    let by = unit.actor().id();
    let stored = MetalRates::set(unit.txn().await?, rates, by).await?;
    for rate in &stored {
        unit.audit(
            "set",
            "metal_rate",
            rate.id,
            None,
            Some(&RateRecord::from(rate)),
        )?;
        unit.emit(&RateChanged::of(rate))?;
    }
    Ok(stored)
}
