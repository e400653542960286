//! The audit trail, read-only: nothing changes or deletes an event through the API.

use actix_web::{get, web};
use jewel_persistence::repos::audit::{AuditFilter, AuditTrail};
use utoipa_actix_web::service_config::ServiceConfig;

use super::dto::audit_events::AuditQuery;
use crate::auth::caller::{Authorized, needs};
use crate::error::ApiError;
use crate::extract::Query;
use crate::routes::wire::audit::AuditEventView;
use crate::routes::{wire::Paged, wire::Pagination};
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_audit_events);
}

/// List audit events, oldest first. Needs `audit:read` (owner, manager, accountant).
///
/// Staff limited to some branches see the events of those branches (a bill,
/// a piece, a transfer from or to one of them, their staff) and those of the
/// whole business (customers, designs, metal rates); owners and staff of
/// every branch see all.
#[utoipa::path(
    tag = "audit",
    operation_id = "listAuditEvents",
    security(("bearer" = [])),
    params(AuditQuery),
    responses((status = 200, description = "One page of events.", body = Paged<AuditEventView>))
)]
#[get("/api/v1/audit-events")]
pub async fn list_audit_events(
    state: web::Data<AppState>,
    caller: Authorized<needs::AuditRead>,
    Query(query): Query<AuditQuery>,
) -> Result<web::Json<Paged<AuditEventView>>, ApiError> {
    let filter = AuditFilter {
        entity_type: query.entity_type,
        entity_id: query.entity_id,
        actor_id: query.actor_id,
        from: query.from,
        to: query.to,
        branches: caller.branch_scope().map(<[uuid::Uuid]>::to_vec),
    };
    let pagination = Pagination {
        limit: query.limit,
        cursor: query.cursor,
    };
    let page = AuditTrail::list(state.database.connection(), &filter, pagination.page()?).await?;
    Ok(web::Json(Paged::from_page(page, AuditEventView::from)))
}
