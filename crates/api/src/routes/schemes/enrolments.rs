//! Enrolments: a customer joins a plan at a branch (`sales:write` there),
//! instalments are received against it (`payments:write` there, with
//! `Idempotency-Key`), staff read passbooks in their branches
//! (`loyalty:read`), and a customer reads their own at `/api/v1/me/schemes`.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, post, web};
use chrono::Utc;
use jewel_domain::measure::Money;
use jewel_domain::scheme::Enrolment;
use jewel_persistence::repos::schemes::{EnrolmentFilter, Schemes};
use jewel_services::schemes::{self, InstalmentRequest, NewEnrolment};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_actix_web::service_config::ServiceConfig;

use super::dto::{
    ClosureFields, ClosureView, EnrolmentFields, EnrolmentStatusName, EnrolmentView,
    InstalmentFields, InstalmentView, Ledger,
};
use crate::auth::Caller;
use crate::auth::caller::{Authorized, needs};
use crate::error::{ApiError, Problem};
use crate::extract::{Json, Query};
use crate::idempotency::{self, Answer, IdempotentJson};
use crate::rates::current_rates;
use crate::routes::wire::{Paged, Pagination, text};
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(enrol)
        .service(list_enrolments)
        .service(get_enrolment)
        .service(pay_instalment)
        .service(close_enrolment)
        .service(my_schemes);
}

/// The passbook of `enrolment`, read now.
pub(super) async fn passbook(
    state: &AppState,
    enrolment: &Enrolment,
) -> Result<EnrolmentView, ApiError> {
    let rates = current_rates(state).await?;
    let ledger = ledger_of(state, &rates, enrolment).await?;
    Ok(EnrolmentView::of(enrolment, &ledger, Utc::now()))
}

/// What was paid into `enrolment` and taken out of it, and the rate its
/// grams are worth today (a weight plan's).
async fn ledger_of(
    state: &AppState,
    rates: &jewel_domain::metal_rate::CurrentRates,
    enrolment: &Enrolment,
) -> Result<Ledger, ApiError> {
    let db = state.database.connection();
    Ok(Ledger {
        instalments: Schemes::instalments(db, enrolment.id).await?,
        settlements: Schemes::settlements(db, enrolment.id).await?,
        rate: enrolment
            .terms
            .purity
            .and_then(|p| rates.for_purity(p))
            .map(|r| r.per_gram),
    })
}

/// The enrolment `id` if the caller works at its branch (404 otherwise).
async fn visible(state: &AppState, caller: &Caller, id: uuid::Uuid) -> Result<Enrolment, ApiError> {
    Schemes::enrolment(state.database.connection(), id)
        .await?
        .filter(|e| caller.acts_in(e.branch_id))
        .ok_or(ApiError::NotFound)
}

/// Enrol a customer in a plan at a branch; the first period begins now
/// and one instalment is taken each month. An enrolment that could not be
/// redeemed within 365 days of its first instalment is 422
/// `beyond_365_days`. Needs `sales:write` in the branch.
#[utoipa::path(
    tag = "schemes",
    operation_id = "createSchemeEnrolment",
    security(("bearer" = [])),
    request_body = EnrolmentFields,
    responses(
        (status = 201, description = "Enrolled: the passbook, empty.", body = EnrolmentView),
        (status = 422, description = "No such plan or customer, a retired plan, a branch not yours, beyond 365 days.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/scheme-enrolments")]
pub async fn enrol(
    state: web::Data<AppState>,
    caller: Authorized<needs::SalesWrite>,
    Json(body): Json<EnrolmentFields>,
) -> Result<HttpResponse, ApiError> {
    let request = NewEnrolment {
        plan_id: body.plan_id,
        customer_id: body.customer_id,
        branch_id: body.branch_id,
        nominee_name: text("nomineeName", &body.nominee_name, 120)?,
        nominee_relation: text("nomineeRelation", &body.nominee_relation, 40)?,
    };
    let mut unit = state.unit(&caller);
    let enrolment = schemes::enrol(&mut unit, request, caller.branch_scope()).await?;
    unit.commit().await?;
    Ok(HttpResponse::build(StatusCode::CREATED)
        .insert_header((
            "Location",
            format!("/api/v1/scheme-enrolments/{}", enrolment.id),
        ))
        .json(EnrolmentView::of(
            &enrolment,
            &Ledger::default(),
            Utc::now(),
        )))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(rename_all = "camelCase")]
pub struct EnrolmentQuery {
    customer_id: Option<uuid::Uuid>,
    #[param(inline)]
    status: Option<EnrolmentStatusName>,
    /// `true`: only the enrolments owed a refund (active, instalments
    /// paid, the redemption window closed), to pay back from the closure.
    refund_due: Option<bool>,
}

/// Enrolments at your branches, newest first, each with its passbook; of
/// a customer, in a status, or owed a refund. Needs `loyalty:read`.
#[utoipa::path(
    tag = "schemes",
    operation_id = "listSchemeEnrolments",
    security(("bearer" = [])),
    params(EnrolmentQuery, Pagination),
    responses((status = 200, description = "One page of enrolments.", body = Paged<EnrolmentView>))
)]
#[get("/api/v1/scheme-enrolments")]
pub async fn list_enrolments(
    state: web::Data<AppState>,
    caller: Authorized<needs::LoyaltyRead>,
    Query(query): Query<EnrolmentQuery>,
    Query(pagination): Query<Pagination>,
) -> Result<web::Json<Paged<EnrolmentView>>, ApiError> {
    let filter = EnrolmentFilter {
        customer: query.customer_id,
        branches: caller.branch_scope(),
        status: query.status.map(Into::into),
    };
    let db = state.database.connection();
    let page = if query.refund_due == Some(true) {
        schemes::refunds_due(db, filter, pagination.page()?, Utc::now()).await?
    } else {
        Schemes::enrolments(db, filter, pagination.page()?).await?
    };
    paged(&state, page).await
}

/// A page of enrolments with their passbooks.
async fn paged(
    state: &AppState,
    page: jewel_domain::Page<Enrolment>,
) -> Result<web::Json<Paged<EnrolmentView>>, ApiError> {
    let rates = current_rates(state).await?;
    let mut books = std::collections::HashMap::new();
    for enrolment in &page.items {
        books.insert(enrolment.id, ledger_of(state, &rates, enrolment).await?);
    }
    let now = Utc::now();
    let none = Ledger::default();
    Ok(web::Json(Paged::from_page(page, |e| {
        EnrolmentView::of(&e, books.get(&e.id).unwrap_or(&none), now)
    })))
}

/// An enrolment's passbook: every instalment with its receipt, the bonus
/// earned so far, the maturity and the days left. Needs `loyalty:read` in
/// its branch.
#[utoipa::path(
    tag = "schemes",
    operation_id = "getSchemeEnrolment",
    security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "The enrolment's id")),
    responses(
        (status = 200, description = "The passbook.", body = EnrolmentView),
        (status = 404, description = "No such enrolment at your branches.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/api/v1/scheme-enrolments/{id}")]
pub async fn get_enrolment(
    state: web::Data<AppState>,
    caller: Authorized<needs::LoyaltyRead>,
    id: web::Path<uuid::Uuid>,
) -> Result<web::Json<EnrolmentView>, ApiError> {
    let enrolment = visible(&state, &caller, *id).await?;
    Ok(web::Json(passbook(&state, &enrolment).await?))
}

/// Receive an instalment: it pays the current period (or the one before,
/// unpaid, within its grace days), takes a receipt number without gaps per
/// branch and financial year (`MDS1/SCH/2026-27/000001`), and for a weight
/// plan books grams at the day's rate, rounded down to the milligram. An
/// amount plan takes its own amount, a weight plan its least or more in
/// its steps (422 `instalment`); cash stays below the limit (422
/// `cash_limit`). A period paid already is 409 naming `period`; so is the
/// second of two instalments racing for one period. Needs `payments:write`
/// in the enrolment's branch.
#[utoipa::path(
    tag = "schemes",
    operation_id = "addSchemeInstalment",
    security(("bearer" = [])),
    params(
        ("id" = uuid::Uuid, Path, description = "The enrolment's id"),
        ("Idempotency-Key" = Option<String>, Header, max_length = 255, pattern = "^[!-~]{1,255}$", description = "Makes a retry safe: the same key and body within 24 h replay the first answer (with `Idempotent-Replayed: true`) and change nothing; the same key with another body is 422; while the first is still running, 409."),
    ),
    request_body = InstalmentFields,
    responses(
        (status = 201, description = "Received: the instalment with its receipt.", body = InstalmentView),
        (status = 404, description = "No such enrolment at your branches.", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The period was paid already, every period is over, or the enrolment is redeemed or closed.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Not the plan's amount, the cash limit, no rate today for a weight plan.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/scheme-enrolments/{id}/instalments")]
pub async fn pay_instalment(
    state: web::Data<AppState>,
    caller: Authorized<needs::PaymentsWrite>,
    id: web::Path<uuid::Uuid>,
    request: IdempotentJson<InstalmentFields>,
) -> Result<HttpResponse, ApiError> {
    idempotency::once(&state, &caller, request.key, || async {
        let enrolment = visible(&state, &caller, *id).await?;
        let body = &request.body;
        let asked = InstalmentRequest {
            amount: Money::parse("amount", &body.amount)?,
            method: body.method.method(),
            reference: body
                .reference
                .as_deref()
                .map(|r| text("reference", r, 80))
                .transpose()?,
        };
        let rates = current_rates(&state).await?;
        let mut unit = state.unit(&caller);
        let rules = state.billing_rules();
        let instalment =
            schemes::pay_instalment(&mut unit, &rules, &rates, &enrolment, asked).await?;
        let view = InstalmentView::from(&instalment);
        let location = Some(format!("/api/v1/scheme-enrolments/{}", enrolment.id));
        idempotency::keep_in(&mut unit, StatusCode::CREATED, location.clone(), &view)?;
        unit.commit().await?;
        Answer::new(StatusCode::CREATED, location, &view)
    })
    .await
}

/// Close an enrolment early and pay its advance back, without bonus:
/// allowed after the plan's `preclosureAfter` instalments and before
/// maturity, or once the redemption window has closed (`refundDue`), with
/// nothing redeemed (422 naming `enrolment` otherwise: `too_early`,
/// `matured`, `redeemed`). Needs `payments:write` in its branch.
#[utoipa::path(
    tag = "schemes",
    operation_id = "closeSchemeEnrolment",
    security(("bearer" = [])),
    params(
        ("id" = uuid::Uuid, Path, description = "The enrolment's id"),
        ("Idempotency-Key" = Option<String>, Header, max_length = 255, pattern = "^[!-~]{1,255}$", description = "Makes a retry safe: the same key and body within 24 h replay the first answer (with `Idempotent-Replayed: true`) and change nothing; the same key with another body is 422; while the first is still running, 409."),
    ),
    request_body = ClosureFields,
    responses(
        (status = 200, description = "Closed: the refund.", body = ClosureView),
        (status = 404, description = "No such enrolment at your branches.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Too early, matured (redeem it), part redeemed, closed already; a bank transfer without its reference.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/scheme-enrolments/{id}/closure")]
pub async fn close_enrolment(
    state: web::Data<AppState>,
    caller: Authorized<needs::PaymentsWrite>,
    id: web::Path<uuid::Uuid>,
    request: IdempotentJson<ClosureFields>,
) -> Result<HttpResponse, ApiError> {
    idempotency::once(&state, &caller, request.key, || async {
        let enrolment = visible(&state, &caller, *id).await?;
        let body = &request.body;
        let reference = body
            .reference
            .as_deref()
            .map(|r| text("reference", r, 80))
            .transpose()?;
        let mut unit = state.unit(&caller);
        let refund = schemes::close(
            &mut unit,
            &enrolment,
            body.refund_method.method(),
            reference.clone(),
        )
        .await?;
        let view = ClosureView {
            enrolment_id: enrolment.id,
            refund: refund.value.to_string(),
            refund_method: body.refund_method,
            reference,
            closed_at: refund.created_at,
        };
        idempotency::keep_in(&mut unit, StatusCode::OK, None, &view)?;
        unit.commit().await?;
        Answer::new(StatusCode::OK, None, &view)
    })
    .await
}

/// Your own schemes, newest first, each with its passbook (customers
/// only; staff and API clients get 403).
#[utoipa::path(
    tag = "me",
    operation_id = "listMySchemes",
    security(("bearer" = [])),
    params(Pagination),
    responses((status = 200, description = "One page of your passbooks.", body = Paged<EnrolmentView>))
)]
#[get("/api/v1/me/schemes")]
pub async fn my_schemes(
    state: web::Data<AppState>,
    caller: Caller,
    Query(pagination): Query<Pagination>,
) -> Result<web::Json<Paged<EnrolmentView>>, ApiError> {
    let id = caller.customer()?;
    let filter = EnrolmentFilter {
        customer: Some(id),
        ..EnrolmentFilter::default()
    };
    let page = Schemes::enrolments(state.database.connection(), filter, pagination.page()?).await?;
    paged(&state, page).await
}
