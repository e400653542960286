//! Messages sent (or not) to customers, each with its status and the
//! reason, and every attempt with the provider's answer. They hold
//! personal data (addresses, bills): managers of the branch and the owner
//! read them.

use actix_web::web::Query;
use actix_web::{get, web};
use jewel_persistence::repos::messages::{MessageFilter, Messages};
use utoipa_actix_web::service_config::ServiceConfig;

use super::message_dto::{MessageDetailView, MessageQuery, MessageView};
use crate::auth::caller::{Authorized, needs};
use crate::error::{ApiError, Problem};
use crate::routes::wire::{Paged, Pagination};
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_messages).service(get_message);
}

/// Messages of your branches, newest first: by customer, status, trigger
/// or channel. Needs `messages:read` (owner, manager).
#[utoipa::path(
    tag = "engagement",
    operation_id = "listMessages",
    security(("bearer" = [])),
    params(MessageQuery, Pagination),
    responses((status = 200, description = "One page of messages.", body = Paged<MessageView>))
)]
#[get("/api/v1/messages")]
pub async fn list_messages(
    state: web::Data<AppState>,
    caller: Authorized<needs::MessagesRead>,
    Query(query): Query<MessageQuery>,
    Query(pagination): Query<Pagination>,
) -> Result<web::Json<Paged<MessageView>>, ApiError> {
    let filter = MessageFilter {
        branches: caller.branch_scope(),
        customer: query.customer_id,
        status: query.status.map(Into::into),
        trigger: query.trigger.map(Into::into),
        channel: query.channel.map(Into::into),
    };
    let page = Messages::list(state.database.connection(), filter, pagination.page()?).await?;
    Ok(web::Json(Paged::from_page(page, MessageView::from)))
}

/// A message with every attempt at sending it (transport, latency, the
/// provider's answer). Needs `messages:read` in its branch.
#[utoipa::path(
    tag = "engagement",
    operation_id = "getMessage",
    security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "The message's id")),
    responses(
        (status = 200, description = "The message and its attempts.", body = MessageDetailView),
        (status = 404, description = "No such message at your branches.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/api/v1/messages/{id}")]
pub async fn get_message(
    state: web::Data<AppState>,
    caller: Authorized<needs::MessagesRead>,
    id: web::Path<uuid::Uuid>,
) -> Result<web::Json<MessageDetailView>, ApiError> {
    let db = state.database.connection();
    let message = Messages::get(db, *id)
        .await?
        .filter(|m| match (caller.branch_scope(), m.branch_id) {
            (None, _) => true,
            (Some(_), Some(branch)) => caller.acts_in(branch),
            (Some(_), None) => false,
        })
        .ok_or(ApiError::NotFound)?;
    let attempts = Messages::attempts(db, message.id).await?;
    Ok(web::Json(MessageDetailView::of(message, attempts)))
}
