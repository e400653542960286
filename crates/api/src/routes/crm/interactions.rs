//! A customer's timeline: visits, calls, WhatsApp messages, e-mails and
//! notes, newest first. Later capabilities (purchases, payments, jobs) join
//! the same timeline.

use actix_web::{HttpResponse, get, post, web};
use chrono::Utc;
use jewel_domain::customer::{InteractionKind, NewInteraction};
use jewel_persistence::repos::interactions::Interactions;
use jewel_services::crm::follow_ups;
use utoipa_actix_web::service_config::ServiceConfig;

use super::dto::interactions::{InteractionKindName, InteractionView, NewInteractionRequest};
use crate::auth::caller::{Authorized, Principal, needs};
use crate::error::ApiError;
use crate::extract::{Json, Query};
use crate::routes::{wire::Paged, wire::Pagination};
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(record_interaction).service(list_interactions);
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
    let mut unit = state.unit(&caller);
    let interaction = follow_ups::record_interaction(&mut unit, &new).await?;
    unit.commit().await?;
    let view = InteractionView::from(interaction);
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
