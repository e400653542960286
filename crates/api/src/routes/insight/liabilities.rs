//! What the store holds on its customers' behalf: points, store credit and
//! gift vouchers outstanding at the end of a day, each summed from its ledger.

use actix_web::{get, web};
use chrono::{DateTime, NaiveDate, Utc};
use jewel_domain::Invalid;
use jewel_services::insight::{self, Liabilities};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::caller::{Authorized, needs};
use crate::error::{ApiError, Problem};
use crate::extract::Query;
use crate::routes::wire::MoneyText;
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(liabilities);
}

/// Which day the report is of.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query, rename_all = "camelCase")]
pub struct LiabilitiesQuery {
    /// The report as at the end of this day (UTC), today or before;
    /// now when not given.
    #[param(max_length = 10, example = "2026-12-31")]
    pub(crate) as_of: Option<NaiveDate>,
}

/// Loyalty points the store owes.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PointsLiability {
    /// Points held by customers with a balance above zero.
    outstanding: i64,
    /// Of them, earned on bills still within the return window.
    pending: i64,
    /// Of them, spendable.
    active: i64,
    /// Points taken back after they were spent (balances below zero);
    /// `outstanding + overdrawn` is the ledger's sum.
    overdrawn: i64,
    customers: i64,
    /// The programme's value of a point today.
    #[schema(value_type = MoneyText)]
    point_value: String,
    /// The outstanding points at that value.
    #[schema(value_type = MoneyText)]
    value: String,
}

/// Store credit the store owes.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct StoreCreditLiability {
    #[schema(value_type = MoneyText)]
    outstanding: String,
    customers: i64,
}

/// Gift vouchers the store owes: the balances of those not expired then.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct GiftVoucherLiability {
    #[schema(value_type = MoneyText)]
    outstanding: String,
    /// Vouchers with something left.
    vouchers: i64,
}

/// Savings scheme advances of one branch.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct BranchAdvances {
    branch_id: uuid::Uuid,
    #[schema(value_type = MoneyText)]
    outstanding: String,
}

/// Savings scheme advances of enrolments maturing in one month.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MonthAdvances {
    /// `2027-11`.
    #[schema(min_length = 7, max_length = 7, pattern = "^[0-9]{4}-[0-9]{2}$")]
    month: String,
    #[schema(value_type = MoneyText)]
    outstanding: String,
}

/// Savings scheme advances the store holds: instalments received less the
/// advance redeemed or refunded.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SchemeLiability {
    #[schema(value_type = MoneyText)]
    outstanding: String,
    enrolments: i64,
    #[schema(max_items = 1000)]
    by_branch: Vec<BranchAdvances>,
    #[schema(max_items = 24)]
    by_maturity_month: Vec<MonthAdvances>,
}

/// What the store holds on its customers' behalf.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({
    "asOf": "2026-12-31T23:59:59.999999Z",
    "points": {"outstanding": 1737, "pending": 503, "active": 1234, "overdrawn": 0,
               "customers": 2, "pointValue": "1.00", "value": "1737.00"},
    "storeCredit": {"outstanding": "9000.00", "customers": 1},
    "giftVouchers": {"outstanding": "1999.00", "vouchers": 1},
    "schemeAdvances": {"outstanding": "10000.00", "enrolments": 1,
                       "byBranch": [{"branchId": "01936f0e-0000-7000-8000-000000000001", "outstanding": "10000.00"}],
                       "byMaturityMonth": [{"month": "2027-11", "outstanding": "10000.00"}]},
    "total": "22736.00"
}))]
pub struct LiabilitiesView {
    as_of: DateTime<Utc>,
    points: PointsLiability,
    store_credit: StoreCreditLiability,
    gift_vouchers: GiftVoucherLiability,
    scheme_advances: SchemeLiability,
    /// The points' value, the store credit, the vouchers and the scheme
    /// advances together.
    #[schema(value_type = MoneyText)]
    total: String,
}

impl From<Liabilities> for LiabilitiesView {
    fn from(l: Liabilities) -> Self {
        Self {
            as_of: l.as_of,
            points: PointsLiability {
                outstanding: l.points.outstanding,
                pending: l.points.pending,
                active: l.points.outstanding - l.points.pending,
                overdrawn: l.points.overdrawn,
                customers: l.points.customers,
                point_value: l.point_value.to_string(),
                value: l.points_value().to_string(),
            },
            store_credit: StoreCreditLiability {
                outstanding: l.store_credit.to_string(),
                customers: l.store_credit_customers,
            },
            gift_vouchers: GiftVoucherLiability {
                outstanding: l.gift_vouchers.to_string(),
                vouchers: l.gift_vouchers_held,
            },
            scheme_advances: SchemeLiability {
                outstanding: l.scheme_advances.to_string(),
                enrolments: l.scheme_enrolments,
                by_branch: l
                    .scheme_by_branch
                    .iter()
                    .map(|(branch, sum)| BranchAdvances {
                        branch_id: *branch,
                        outstanding: sum.to_string(),
                    })
                    .collect(),
                by_maturity_month: l
                    .scheme_by_maturity
                    .iter()
                    .map(|(month, sum)| MonthAdvances {
                        month: month.clone(),
                        outstanding: sum.to_string(),
                    })
                    .collect(),
            },
            total: l.total().to_string(),
        }
    }
}

/// What the store holds on its customers' behalf at the end of a day:
/// loyalty points (pending and active, valued at the programme's point
/// value), store credit, gift vouchers (not expired then) and savings
/// scheme advances (by branch and by maturity month) outstanding,
/// each the sum of its ledger's
/// entries made by then, so a past day's report reads the same whenever it
/// is run. A day after today is 422 naming `asOf`. Needs `reports:read`
/// (owner, manager, accountant).
#[utoipa::path(
    tag = "reports",
    operation_id = "getLiabilities",
    security(("bearer" = [])),
    params(LiabilitiesQuery),
    responses(
        (status = 200, description = "The liabilities at that moment.", body = LiabilitiesView),
        (status = 422, description = "A day after today.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/api/v1/reports/liabilities")]
pub async fn liabilities(
    state: web::Data<AppState>,
    _caller: Authorized<needs::ReportsRead>,
    Query(query): Query<LiabilitiesQuery>,
) -> Result<web::Json<LiabilitiesView>, ApiError> {
    let now = Utc::now();
    let at = match query.as_of {
        None => now,
        Some(day) if day > now.date_naive() => {
            return Err(Invalid::field("asOf", "future", "today or before").into());
        }
        Some(day) => day
            .and_hms_micro_opt(23, 59, 59, 999_999)
            .map_or(now, |end| end.and_utc())
            .min(now),
    };
    let report = insight::liabilities(&state.database, at).await?;
    Ok(web::Json(report.into()))
}
