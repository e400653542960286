//! Consent to be contacted, per channel and purpose: where it stands and
//! every change with its time, source and who recorded it. Staff record
//! what a customer said; customers change their own on `/api/v1/me/consents`.

use actix_web::{HttpResponse, get, post, web};
use jewel_domain::customer::consent::{ConsentChange, ConsentSource};
use jewel_persistence::ConnectionTrait;
use jewel_persistence::repos::consents::Consents;
use jewel_services::crm::follow_ups;
use utoipa_actix_web::service_config::ServiceConfig;

use super::customers::{MergedProblem, live_customer};
use super::dto::consents::{ConsentChangeRequest, ConsentRequest, ConsentsView, MyConsentRequest};
use crate::auth::Caller;
use crate::auth::caller::{Authorized, needs};
use crate::error::{ApiError, Problem};
use crate::extract::Json;
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(get_consents)
        .service(record_consents)
        .service(my_consents)
        .service(record_my_consents);
}

impl From<ConsentChangeRequest> for ConsentChange {
    fn from(c: ConsentChangeRequest) -> Self {
        Self {
            channel: c.channel.into(),
            purpose: c.purpose.into(),
            granted: c.granted,
        }
    }
}

async fn consents_of(
    db: &impl ConnectionTrait,
    customer: uuid::Uuid,
) -> Result<ConsentsView, ApiError> {
    Ok(ConsentsView {
        current: Consents::current(db, customer)
            .await?
            .into_iter()
            .map(Into::into)
            .collect(),
        history: Consents::history(db, customer)
            .await?
            .into_iter()
            .map(Into::into)
            .collect(),
    })
}

/// Records the decisions that change something, audited, in one transaction.
async fn record(
    state: &AppState,
    caller: &Caller,
    customer: uuid::Uuid,
    changes: &[ConsentChangeRequest],
    source: ConsentSource,
) -> Result<ConsentsView, ApiError> {
    let asked: Vec<ConsentChange> = changes.iter().copied().map(Into::into).collect();
    let mut unit = state.unit(caller);
    follow_ups::record_consents(&mut unit, customer, &asked, source).await?;
    unit.commit().await?;
    consents_of(state.database.connection(), customer).await
}

/// A customer's consents and their history. Needs `customers:read`.
#[utoipa::path(
    tag = "customers",
    operation_id = "getConsents",
    security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "The customer's id")),
    responses(
        (status = 200, description = "Where each consent stands, and every change.", body = ConsentsView),
        (status = 410, description = "Merged into another customer.", body = MergedProblem, content_type = "application/problem+json"),
    )
)]
#[get("/api/v1/customers/{id}/consents")]
pub async fn get_consents(
    state: web::Data<AppState>,
    _caller: Authorized<needs::CustomersRead>,
    id: web::Path<uuid::Uuid>,
) -> Result<web::Json<ConsentsView>, ApiError> {
    let db = state.database.connection();
    let customer = live_customer(db, id.into_inner()).await?;
    Ok(web::Json(consents_of(db, customer.id).await?))
}

/// Record what a customer decided about being contacted. Needs `customers:write`.
///
/// Each decision that changes where a (channel, purpose) stands is kept in
/// the history with its time, source and who recorded it; a decision that
/// repeats the standing one is not.
#[utoipa::path(
    tag = "customers",
    operation_id = "recordConsents",
    security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "The customer's id")),
    request_body = ConsentRequest,
    responses(
        (status = 200, description = "Recorded; the consents as they now stand.", body = ConsentsView),
        (status = 409, description = "The customer's data was erased.", body = Problem, content_type = "application/problem+json"),
        (status = 410, description = "Merged into another customer.", body = MergedProblem, content_type = "application/problem+json"),
        (status = 422, description = "A `source` staff do not record (`sms_stop`, `whatsapp_stop`, `unsubscribe_link`), or no decisions.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/customers/{id}/consents")]
pub async fn record_consents(
    state: web::Data<AppState>,
    caller: Authorized<needs::CustomersWrite>,
    id: web::Path<uuid::Uuid>,
    Json(body): Json<ConsentRequest>,
) -> Result<web::Json<ConsentsView>, ApiError> {
    let source: jewel_domain::customer::consent::ConsentSource = body.source.into();
    if !source.staff_may_record() {
        return Err(jewel_domain::Invalid::field(
            "source",
            "not_for_staff",
            "the customer's own STOP replies and unsubscribe links record themselves",
        )
        .into());
    }
    let view = record(&state, &caller, id.into_inner(), &body.changes, source).await?;
    Ok(web::Json(view))
}

/// Your consents and their history (customers only).
#[utoipa::path(
    tag = "me",
    operation_id = "getMyConsents",
    security(("bearer" = [])),
    responses((status = 200, description = "Where each consent stands, and every change.", body = ConsentsView))
)]
#[get("/api/v1/me/consents")]
pub async fn my_consents(
    state: web::Data<AppState>,
    caller: Caller,
) -> Result<HttpResponse, ApiError> {
    let id = caller.customer()?;
    Ok(HttpResponse::Ok().json(consents_of(state.database.connection(), id).await?))
}

/// Change your consents (customers only); recorded as `self_service`.
#[utoipa::path(
    tag = "me",
    operation_id = "recordMyConsents",
    security(("bearer" = [])),
    request_body = MyConsentRequest,
    responses((status = 200, description = "Recorded; your consents as they now stand.", body = ConsentsView))
)]
#[post("/api/v1/me/consents")]
pub async fn record_my_consents(
    state: web::Data<AppState>,
    caller: Caller,
    Json(body): Json<MyConsentRequest>,
) -> Result<web::Json<ConsentsView>, ApiError> {
    let id = caller.customer()?;
    let view = record(
        &state,
        &caller,
        id,
        &body.changes,
        ConsentSource::SelfService,
    )
    .await?;
    Ok(web::Json(view))
}
