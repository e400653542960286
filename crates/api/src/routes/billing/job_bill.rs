//! A service job's bill: drafted through billing from the job's approved
//! estimate, kept on the job card.

use actix_web::{HttpResponse, post, web};
use jewel_domain::Permission;
use jewel_persistence::repos::jobs::Jobs;
use jewel_services::jobs::bill;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::caller::{Authorized, needs};
use crate::error::{ApiError, Problem};
use crate::routes::billing::invoices::{InvoiceView, Pricing};
use crate::routes::wire::created;
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(make_bill);
}

/// Draft the job's bill from its approved estimate, priced as any draft
/// (issue it at `/invoices/{id}/issue`): labour and other work at the
/// services rate (SAC 9988, `service` lines), new metal and stones as
/// goods (HSN 7113, `material` lines). Advances are taken when it is
/// issued or paid, as payments of method `advance`. One bill a job: a
/// second is 409 until the first is cancelled. Needs `jobs:write` and
/// `sales:write` in the job's branch.
#[utoipa::path(
    tag = "jobs",
    operation_id = "billJob",
    security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "The job's id")),
    responses(
        (status = 201, description = "Drafted: the job's bill.", body = InvoiceView,
         headers(("Location" = String, description = "The invoice"), ("ETag" = String, description = "The invoice's version"))),
        (status = 403, description = "Not allowed to sell (`sales:write`).", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such job at your branches.", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "No estimate (`estimate`), its estimate not approved (`estimate`), delivered or cancelled (`status`), billed already (`invoiceId`), or changed meanwhile.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/jobs/{id}/bill")]
pub async fn make_bill(
    state: web::Data<AppState>,
    caller: Authorized<needs::JobsWrite>,
    id: web::Path<uuid::Uuid>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::SalesWrite)?;
    let job = Jobs::get(state.database.connection(), *id)
        .await?
        .filter(|j| caller.acts_in(j.branch_id))
        .ok_or(ApiError::NotFound)?;
    let pricing = Pricing::now(&state).await?;
    let terms = pricing.terms(&state, &caller);
    let mut unit = state.unit(&caller);
    let invoice = bill::make(&mut unit, &terms, &job).await?;
    unit.commit().await?;
    Ok(created(
        format!("/api/v1/invoices/{}", invoice.id),
        invoice.version,
        InvoiceView::of(&invoice),
    ))
}
