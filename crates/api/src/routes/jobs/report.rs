//! What each artisan holds of the store's: challans out, metal out by
//! metal, days out and those due as a supply.

use actix_web::{get, web};
use chrono::Utc;
use jewel_domain::job::{MetalOut, Outstanding};
use jewel_persistence::repos::challans::Artisans;
use jewel_services::jobs::report;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::caller::{Authorized, needs};
use crate::error::ApiError;
use crate::routes::wire::{MetalName, WeightText};
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(held_by_artisans);
}

/// Metal of one kind still with an artisan.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"metal": "gold", "grossWeight": "12.480", "fineWeight": "11.431"}))]
pub struct MetalOutView {
    metal: MetalName,
    #[schema(value_type = WeightText)]
    gross_weight: String,
    /// At each challan's fineness, stones left out, rounded down.
    #[schema(value_type = WeightText)]
    fine_weight: String,
}

impl From<&MetalOut> for MetalOutView {
    fn from(m: &MetalOut) -> Self {
        Self {
            metal: m.metal.into(),
            gross_weight: m.gross_weight.to_string(),
            fine_weight: m.fine_weight.to_string(),
        }
    }
}

/// What one artisan holds.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({
    "artisanId": "01936f0e-0000-7000-8000-0000000000a1", "name": "Ramesh Soni",
    "challans": 1, "jobs": 1,
    "metals": [{"metal": "gold", "grossWeight": "12.480", "fineWeight": "11.431"}],
    "oldestDaysOut": 3, "supplyDue": 0
}))]
pub struct ArtisanHoldsView {
    artisan_id: uuid::Uuid,
    #[schema(max_length = 120)]
    name: String,
    /// Challans not yet back in full.
    challans: u32,
    jobs: u32,
    #[schema(max_items = 3)]
    metals: Vec<MetalOutView>,
    /// Days the oldest of them has been out.
    oldest_days_out: i64,
    /// Out 300 days or more: job-work goods not back within a year
    /// become a taxable supply.
    supply_due: u32,
}

/// Every artisan holding anything.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"items": []}))]
pub struct ArtisansHoldView {
    /// The longest out first.
    #[schema(max_items = 10000)]
    items: Vec<ArtisanHoldsView>,
}

/// What each artisan holds of your branches' work: the challans not yet
/// back in full, the jobs on them, the metal still out by metal (gross,
/// and fine at each challan's fineness), the days the oldest has been out
/// and how many are out 300 days or more. The longest out first. Needs
/// `jobs:read`.
#[utoipa::path(
    tag = "jobs",
    operation_id = "listArtisanHoldings",
    security(("bearer" = [])),
    responses((status = 200, description = "What each artisan holds.", body = ArtisansHoldView))
)]
#[get("/api/v1/artisans/holdings")]
pub async fn held_by_artisans(
    state: web::Data<AppState>,
    caller: Authorized<needs::JobsRead>,
) -> Result<web::Json<ArtisansHoldView>, ApiError> {
    let db = state.database.connection();
    let mut held: Vec<Outstanding> =
        report::held_by_artisans(db, caller.branch_scope(), Utc::now()).await?;
    held.sort_by_key(|h| std::cmp::Reverse(h.oldest_days_out));
    // The active artisans in one read; one no longer active, by itself.
    let mut names: std::collections::HashMap<uuid::Uuid, String> = Artisans::all(db)
        .await?
        .into_iter()
        .map(|a| (a.id, a.name))
        .collect();
    let mut items = Vec::with_capacity(held.len());
    for h in held {
        let name = match names.remove(&h.artisan_id) {
            Some(name) => name,
            None => Artisans::get(db, h.artisan_id)
                .await?
                .map(|a| a.name)
                .unwrap_or_default(),
        };
        items.push(ArtisanHoldsView {
            artisan_id: h.artisan_id,
            name,
            challans: h.challans,
            jobs: h.jobs,
            metals: h.metals.iter().map(MetalOutView::from).collect(),
            oldest_days_out: h.oldest_days_out,
            supply_due: h.supply_due,
        });
    }
    Ok(web::Json(ArtisansHoldView { items }))
}
