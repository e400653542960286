//! The wire types of `crm::occasions`: what its requests send and its answers show.

use chrono::NaiveDate;
use jewel_domain::occasion::OccasionKind;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub enum OccasionKindName {
    Birthday,
    Anniversary,
    SpouseBirthday,
}

impl From<OccasionKind> for OccasionKindName {
    fn from(kind: OccasionKind) -> Self {
        match kind {
            OccasionKind::Birthday => OccasionKindName::Birthday,
            OccasionKind::Anniversary => OccasionKindName::Anniversary,
            OccasionKind::SpouseBirthday => OccasionKindName::SpouseBirthday,
        }
    }
}

/// Which occasions to list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query, rename_all = "camelCase")]
pub struct OccasionsQuery {
    /// Customers of this home branch, in its time zone; all customers when absent.
    pub(crate) branch_id: Option<uuid::Uuid>,
    /// Today and this many days after it: 0 to 90, 7 when not given.
    #[param(minimum = 0, maximum = 90, example = 7)]
    pub(crate) days: Option<u32>,
}

/// One occasion to call about.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Occasion {
    pub(crate) customer_id: uuid::Uuid,
    #[schema(max_length = 120)]
    pub(crate) name: String,
    #[schema(max_length = 16)]
    pub(crate) mobile: String,
    pub(crate) kind: OccasionKindName,
    /// The day it falls on (29 February is kept on 28 February in common years).
    pub(crate) date: NaiveDate,
    #[schema(minimum = 0, maximum = 90)]
    pub(crate) days_away: i64,
    /// The age or the anniversary's number, when the year is known.
    #[schema(minimum = 0, maximum = 200)]
    pub(crate) years: Option<i32>,
    /// For a spouse's birthday, the spouse.
    #[schema(max_length = 120)]
    pub(crate) spouse_name: Option<String>,
}

/// Occasions from today on, soonest first.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({
    "timezone": "Asia/Kolkata", "from": "2026-11-21", "to": "2026-11-28",
    "items": [{
        "customerId": "01936f0e-5555-7000-8000-000000000005", "name": "Lakshmi Narayanan",
        "mobile": "+919876543210", "kind": "anniversary", "date": "2026-11-25", "daysAway": 4,
        "years": 25, "spouseName": null
    }]
}))]
pub struct UpcomingOccasions {
    #[schema(max_length = 64)]
    pub(crate) timezone: String,
    pub(crate) from: NaiveDate,
    pub(crate) to: NaiveDate,
    #[schema(max_items = 3000)]
    pub(crate) items: Vec<Occasion>,
}
