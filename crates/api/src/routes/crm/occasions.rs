//! Upcoming occasions: whose birthday, anniversary or spouse's birthday
//! falls in the next days, for the counter to call.

use actix_web::{get, web};
use chrono::{Datelike, Utc};
use jewel_domain::occasion::{OccasionKind, month_day, month_day_ranges, next_on};
use jewel_persistence::repos::branches::Branches;
use jewel_persistence::repos::customers::Customers;
use utoipa_actix_web::service_config::ServiceConfig;

use super::dto::occasions::{Occasion, OccasionsQuery, UpcomingOccasions};
use crate::auth::caller::{Authorized, Principal, needs};
use crate::error::ApiError;
use crate::extract::Query;
use crate::routes::{wire::DEFAULT_TIMEZONE, wire::parse_timezone, wire::staff_timezone};
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(upcoming_occasions);
}

/// At most this many occasions of each kind in one answer.
const PER_KIND: u64 = 1000;

/// Upcoming birthdays, anniversaries and spouses' birthdays. Needs `customers:read`.
///
/// "Today" is in the branch's time zone (or the caller's first branch's).
/// The window may cross the year end; a 29 February birthday is kept on
/// 28 February in common years.
#[utoipa::path(
    tag = "customers",
    operation_id = "upcomingOccasions",
    security(("bearer" = [])),
    params(OccasionsQuery),
    responses((status = 200, description = "The occasions, soonest first.", body = UpcomingOccasions))
)]
#[get("/api/v1/occasions")]
pub async fn upcoming_occasions(
    state: web::Data<AppState>,
    caller: Authorized<needs::CustomersRead>,
    Query(query): Query<OccasionsQuery>,
) -> Result<web::Json<UpcomingOccasions>, ApiError> {
    let days = query.days.unwrap_or(7);
    if days > 90 {
        return Err(ApiError::bad_field(
            "days must be between 0 and 90",
            "days",
            "range",
            "between 0 and 90",
        ));
    }
    let db = state.database.connection();
    let zone_name = match query.branch_id {
        Some(branch) => match Branches::get(db, branch).await? {
            Some(branch) if caller.acts_in(branch.id) => branch.timezone,
            _ => {
                return Err(ApiError::bad_field(
                    "branchId is not a branch you work at",
                    "branchId",
                    "not_found",
                    "no such branch among yours",
                ));
            }
        },
        None => match caller.principal {
            Principal::Staff(_) => staff_timezone(db, caller.id).await?,
            _ => DEFAULT_TIMEZONE.to_owned(),
        },
    };
    let zone = parse_timezone(&zone_name)?;
    let today = Utc::now().with_timezone(&zone).date_naive();
    let ranges = month_day_ranges(today, days);
    let mut items = Vec::new();
    for kind in OccasionKind::ALL {
        for customer in
            Customers::with_occasion(db, kind, &ranges, query.branch_id, PER_KIND).await?
        {
            let occasions = &customer.occasions;
            let (born, spouse_name) = match kind {
                OccasionKind::Birthday => (occasions.date_of_birth, None),
                OccasionKind::Anniversary => (occasions.anniversary, None),
                OccasionKind::SpouseBirthday => (
                    occasions.spouse_date_of_birth,
                    occasions.spouse_name.clone(),
                ),
            };
            let Some(born) = born else { continue };
            let Some(date) = next_on(month_day(born), today) else {
                continue;
            };
            let days_away = (date - today).num_days();
            if days_away > i64::from(days) {
                continue;
            }
            items.push(Occasion {
                customer_id: customer.id,
                name: customer.name.clone(),
                mobile: customer.mobile.clone(),
                kind: kind.into(),
                date,
                days_away,
                years: Some(date.year() - born.year()),
                spouse_name,
            });
        }
    }
    items.sort_by(|a, b| a.date.cmp(&b.date).then_with(|| a.name.cmp(&b.name)));
    Ok(web::Json(UpcomingOccasions {
        timezone: zone.name().to_owned(),
        from: today,
        to: today + chrono::Duration::days(i64::from(days)),
        items,
    }))
}
