//! A customer's timeline: visits, calls, WhatsApp messages, e-mails and
//! notes, newest first. Later capabilities (purchases, payments, jobs) join
//! the same timeline.

use actix_web::{HttpResponse, get, post, web};
use chrono::{DateTime, Utc};
use jewel_domain::customer::{Interaction, InteractionKind, NewInteraction};
use jewel_persistence::repos::interactions::Interactions;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::caller::{Authorized, Principal, needs};
use crate::error::ApiError;
use crate::extract::{Json, Query};
use crate::routes::{wire::Paged, wire::Pagination};
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(record_interaction).service(list_interactions);
}

/// How the business was in touch.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum InteractionKindName {
    Visit,
    Call,
    #[serde(rename = "whatsapp")]
    WhatsApp,
    Email,
    Note,
}

impl From<InteractionKindName> for InteractionKind {
    fn from(kind: InteractionKindName) -> Self {
        match kind {
            InteractionKindName::Visit => InteractionKind::Visit,
            InteractionKindName::Call => InteractionKind::Call,
            InteractionKindName::WhatsApp => InteractionKind::WhatsApp,
            InteractionKindName::Email => InteractionKind::Email,
            InteractionKindName::Note => InteractionKind::Note,
        }
    }
}

/// What a timeline entry is: one recorded by hand, or one the business's
/// own events wrote (`purchase`, `payment`, `return`, `cancellation`).
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum TimelineKindName {
    Visit,
    Call,
    #[serde(rename = "whatsapp")]
    WhatsApp,
    Email,
    Note,
    Purchase,
    Payment,
    Return,
    Cancellation,
}

impl From<InteractionKind> for TimelineKindName {
    fn from(kind: InteractionKind) -> Self {
        match kind {
            InteractionKind::Visit => Self::Visit,
            InteractionKind::Call => Self::Call,
            InteractionKind::WhatsApp => Self::WhatsApp,
            InteractionKind::Email => Self::Email,
            InteractionKind::Note => Self::Note,
            InteractionKind::Purchase => Self::Purchase,
            InteractionKind::Payment => Self::Payment,
            InteractionKind::Return => Self::Return,
            InteractionKind::Cancellation => Self::Cancellation,
        }
    }
}

/// One entry of a customer's timeline.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({
    "id": "01936f0e-6666-7000-8000-000000000006", "customerId": "01936f0e-5555-7000-8000-000000000005",
    "kind": "visit", "occurredAt": "2026-11-21T11:00:00Z", "actorKind": "staff",
    "actorId": "01936f0e-8f4a-7cc2-9a4e-1b2f3c4d5e6f",
    "summary": "Looked at temple necklaces for her daughter's wedding in February",
    "outcome": "Call back when the new collection arrives", "createdAt": "2026-11-21T11:05:00Z"
}))]
pub struct InteractionView {
    id: uuid::Uuid,
    customer_id: uuid::Uuid,
    kind: TimelineKindName,
    occurred_at: DateTime<Utc>,
    /// `staff` or `client`: who recorded it, or who made the sale, payment
    /// or return an event wrote (`customer` or `system` for their own).
    #[schema(max_length = 16, pattern = "^(staff|client|customer|system)$")]
    actor_kind: String,
    actor_id: uuid::Uuid,
    #[schema(
        min_length = 1,
        max_length = 2000,
        pattern = r"[^\t\n\x0B\x0C\r \x85\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]"
    )]
    summary: String,
    #[schema(max_length = 500)]
    outcome: Option<String>,
    created_at: DateTime<Utc>,
}

impl From<Interaction> for InteractionView {
    fn from(i: Interaction) -> Self {
        Self {
            id: i.id,
            customer_id: i.customer_id,
            kind: i.kind.into(),
            occurred_at: i.occurred_at,
            actor_kind: i.actor_kind,
            actor_id: i.actor_id,
            summary: i.summary,
            outcome: i.outcome,
            created_at: i.created_at,
        }
    }
}

/// An interaction to record.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(example = json!({
    "kind": "visit", "summary": "Looked at temple necklaces for her daughter's wedding in February",
    "outcome": "Call back when the new collection arrives"
}))]
pub struct NewInteractionRequest {
    kind: InteractionKindName,
    /// When it happened; now when absent. Never in the future.
    occurred_at: Option<DateTime<Utc>>,
    #[schema(
        min_length = 1,
        max_length = 2000,
        pattern = r"[^\t\n\x0B\x0C\r \x85\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]"
    )]
    summary: String,
    #[schema(max_length = 500)]
    outcome: Option<String>,
}

/// Record an interaction with a customer. Needs `customers:write`.
#[utoipa::path(
    tag = "customers",
    operation_id = "recordInteraction",
    security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "The customer's id")),
    request_body = NewInteractionRequest,
    responses(
        (status = 201, description = "Recorded.", body = InteractionView),
        (status = 409, description = "The customer's data was erased.", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 410, description = "Merged into another customer.", body = super::customers::MergedProblem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/customers/{id}/interactions")]
pub async fn record_interaction(
    state: web::Data<AppState>,
    caller: Authorized<needs::CustomersWrite>,
    id: web::Path<uuid::Uuid>,
    Json(body): Json<NewInteractionRequest>,
) -> Result<HttpResponse, ApiError> {
    let now = Utc::now();
    let new = NewInteraction {
        customer_id: id.into_inner(),
        kind: body.kind.into(),
        occurred_at: body.occurred_at.unwrap_or(now),
        actor_kind: match caller.principal {
            Principal::Client { .. } => "client",
            _ => "staff",
        },
        actor_id: caller.id,
        summary: body.summary,
        outcome: body.outcome.filter(|o| !o.trim().is_empty()),
    };
    new.check(now)?;
    let db = state.database.connection();
    super::customers::changeable_customer(db, new.customer_id).await?;
    let transaction = jewel_persistence::begin_writing(db).await?;
    let view = InteractionView::from(Interactions::create(&transaction, &new).await?);
    crate::audit::record(
        &transaction,
        &caller,
        "create",
        "interaction",
        view.id,
        None,
        Some(&view),
    )
    .await?;
    transaction.commit().await?;
    Ok(HttpResponse::Created().json(view))
}

/// A customer's timeline, newest first. Needs `customers:read`.
#[utoipa::path(
    tag = "customers",
    operation_id = "listInteractions",
    security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "The customer's id"), Pagination),
    responses(
        (status = 200, description = "One page of the timeline.", body = Paged<InteractionView>),
        (status = 410, description = "Merged into another customer.", body = super::customers::MergedProblem, content_type = "application/problem+json"),
    )
)]
#[get("/api/v1/customers/{id}/interactions")]
pub async fn list_interactions(
    state: web::Data<AppState>,
    _caller: Authorized<needs::CustomersRead>,
    id: web::Path<uuid::Uuid>,
    Query(pagination): Query<Pagination>,
) -> Result<web::Json<Paged<InteractionView>>, ApiError> {
    let db = state.database.connection();
    let customer = super::customers::live_customer(db, id.into_inner()).await?;
    let page = Interactions::timeline(db, customer.id, pagination.page()?).await?;
    Ok(web::Json(Paged::from_page(page, InteractionView::from)))
}
