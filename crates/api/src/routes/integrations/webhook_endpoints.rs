//! Webhook endpoints: the owner registers the business's; an API client
//! holding `webhooks:write` registers its own and sees only those. Each
//! endpoint is sent, signed as Standard Webhooks v1 says, a message of
//! every event it wants (an API client's: of what it may read); the
//! secret is in the answer that makes it, never again (nor in the log or
//! the audit trail).

use actix_web::{HttpResponse, delete, get, patch, post, web};
use jewel_domain::Invalid;
use jewel_domain::webhook::Secret;
use jewel_domain::webhook::signing::BYTES;
use jewel_persistence::repos::webhook_deliveries::{AttemptFilter, WebhookDeliveries};
use jewel_persistence::repos::webhook_endpoints::WebhookEndpoints;
use jewel_services::integrations::endpoints::{self, EndpointChange, Registrar, Replay};
use utoipa_actix_web::service_config::ServiceConfig;

use super::webhook_dto::{
    WebhookAttemptPage, WebhookAttemptQuery, WebhookAttemptView, WebhookEndpointPatch,
    WebhookEndpointRequest, WebhookEndpointView, WebhookEndpointWithSecret, WebhookEndpointsView,
    WebhookPingView, WebhookReplayRequest, WebhookReplayView,
};
use crate::auth::caller::{Authorized, Caller, Principal, needs};
use crate::error::{ApiError, Problem};
use crate::extract::{Json, Query};
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(create_webhook_endpoint)
        .service(list_webhook_endpoints)
        .service(get_webhook_endpoint)
        .service(update_webhook_endpoint)
        .service(delete_webhook_endpoint)
        .service(rotate_webhook_secret)
        .service(ping_webhook_endpoint)
        .service(replay_webhook_messages)
        .service(list_webhook_attempts);
}

fn registrar(caller: &Caller) -> Registrar<'_> {
    match &caller.principal {
        Principal::Client { scopes } => Registrar::Client {
            id: caller.id,
            scopes,
        },
        Principal::Staff(_) | Principal::Customer => Registrar::Owner,
    }
}

fn new_secret() -> Result<Secret, ApiError> {
    let mut bytes = [0u8; BYTES];
    getrandom::fill(&mut bytes)
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("no randomness for a secret: {e}")))?;
    Ok(Secret::from_bytes(bytes))
}

/// Register a webhook endpoint. Needs `webhooks:write`: the owner
/// registers the business's, an API client its own (sent only events it
/// may read). The answer holds the signing secret, shown this once.
#[utoipa::path(
    tag = "webhooks",
    operation_id = "createWebhookEndpoint",
    security(("bearer" = [])),
    request_body = WebhookEndpointRequest,
    responses(
        (status = 201, description = "Registered; keep `secret` now.", body = WebhookEndpointWithSecret),
        (status = 422, description = "A field named: `url` (not https, a private or loopback address, credentials in it), `eventTypes[i]` (unknown, or a type the client may not read); `url` `too_many` beside 50 registered.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/webhook-endpoints")]
pub async fn create_webhook_endpoint(
    state: web::Data<AppState>,
    caller: Authorized<needs::WebhooksWrite>,
    Json(body): Json<WebhookEndpointRequest>,
) -> Result<HttpResponse, ApiError> {
    let secret = new_secret()?;
    let change = EndpointChange {
        url: Some(body.url),
        description: Some(body.description.filter(|d| !d.trim().is_empty())),
        event_types: Some(body.event_types),
        enabled: body.enabled,
    };
    let mut unit = state.unit(&caller);
    let endpoint = endpoints::create(
        &mut unit,
        &state.sealer,
        (registrar(&caller), state.webhooks.url_rules()),
        change,
        &secret,
    )
    .await?;
    unit.commit().await?;
    Ok(HttpResponse::Created()
        .insert_header((
            actix_web::http::header::LOCATION,
            format!("/api/v1/webhook-endpoints/{}", endpoint.id),
        ))
        .json(WebhookEndpointWithSecret {
            endpoint: endpoint.into(),
            secret: secret.text(),
        }))
}

/// The webhook endpoints: every one for the owner, its own for an API
/// client. Needs `webhooks:write`.
#[utoipa::path(
    tag = "webhooks",
    operation_id = "listWebhookEndpoints",
    security(("bearer" = [])),
    responses((status = 200, description = "The endpoints, the newest first.", body = WebhookEndpointsView))
)]
#[get("/api/v1/webhook-endpoints")]
pub async fn list_webhook_endpoints(
    state: web::Data<AppState>,
    caller: Authorized<needs::WebhooksWrite>,
) -> Result<web::Json<WebhookEndpointsView>, ApiError> {
    let found =
        WebhookEndpoints::list(state.database.connection(), registrar(&caller).manager()).await?;
    Ok(web::Json(WebhookEndpointsView {
        items: found.into_iter().map(WebhookEndpointView::from).collect(),
    }))
}

/// A webhook endpoint. Needs `webhooks:write`; an API client sees its own.
#[utoipa::path(
    tag = "webhooks",
    operation_id = "getWebhookEndpoint",
    security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "The endpoint's id")),
    responses(
        (status = 200, description = "The endpoint.", body = WebhookEndpointView),
        (status = 404, description = "No such endpoint of yours.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/api/v1/webhook-endpoints/{id}")]
pub async fn get_webhook_endpoint(
    state: web::Data<AppState>,
    caller: Authorized<needs::WebhooksWrite>,
    id: web::Path<uuid::Uuid>,
) -> Result<web::Json<WebhookEndpointView>, ApiError> {
    let found = WebhookEndpoints::get(
        state.database.connection(),
        registrar(&caller).manager(),
        *id,
    )
    .await?
    .ok_or(ApiError::NotFound)?;
    Ok(web::Json(found.into()))
}

/// Change a webhook endpoint: its URL, description, event types, or
/// enable or disable it. Needs `webhooks:write`.
#[utoipa::path(
    tag = "webhooks",
    operation_id = "updateWebhookEndpoint",
    security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "The endpoint's id")),
    request_body = WebhookEndpointPatch,
    responses(
        (status = 200, description = "Changed.", body = WebhookEndpointView),
        (status = 404, description = "No such endpoint of yours.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field named, as on registering.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/api/v1/webhook-endpoints/{id}")]
pub async fn update_webhook_endpoint(
    state: web::Data<AppState>,
    caller: Authorized<needs::WebhooksWrite>,
    id: web::Path<uuid::Uuid>,
    Json(body): Json<WebhookEndpointPatch>,
) -> Result<web::Json<WebhookEndpointView>, ApiError> {
    let change = EndpointChange {
        url: body.url,
        description: body
            .description
            .map(|d| Some(d).filter(|d| !d.trim().is_empty())),
        event_types: body.event_types,
        enabled: body.enabled,
    };
    let mut unit = state.unit(&caller);
    let endpoint = endpoints::update(
        &mut unit,
        (registrar(&caller), state.webhooks.url_rules()),
        *id,
        change,
    )
    .await?
    .ok_or(ApiError::NotFound)?;
    unit.commit().await?;
    Ok(web::Json(endpoint.into()))
}

/// Remove a webhook endpoint; what still waits for it is not sent.
/// Needs `webhooks:write`.
#[utoipa::path(
    tag = "webhooks",
    operation_id = "deleteWebhookEndpoint",
    security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "The endpoint's id")),
    responses(
        (status = 204, description = "Removed."),
        (status = 404, description = "No such endpoint of yours.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/api/v1/webhook-endpoints/{id}")]
pub async fn delete_webhook_endpoint(
    state: web::Data<AppState>,
    caller: Authorized<needs::WebhooksWrite>,
    id: web::Path<uuid::Uuid>,
) -> Result<HttpResponse, ApiError> {
    let mut unit = state.unit(&caller);
    if !endpoints::remove(&mut unit, registrar(&caller), *id).await? {
        return Err(ApiError::NotFound);
    }
    unit.commit().await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Give a webhook endpoint a new secret. The one it had keeps signing
/// beside it for 24 hours (`webhook-signature` then holds both), so the
/// receiver can switch without losing a message. Needs `webhooks:write`.
#[utoipa::path(
    tag = "webhooks",
    operation_id = "rotateWebhookSecret",
    security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "The endpoint's id")),
    responses(
        (status = 200, description = "The new secret, shown this once.", body = WebhookEndpointWithSecret),
        (status = 404, description = "No such endpoint of yours.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/webhook-endpoints/{id}/rotate-secret")]
pub async fn rotate_webhook_secret(
    state: web::Data<AppState>,
    caller: Authorized<needs::WebhooksWrite>,
    id: web::Path<uuid::Uuid>,
) -> Result<web::Json<WebhookEndpointWithSecret>, ApiError> {
    let secret = new_secret()?;
    let mut unit = state.unit(&caller);
    let endpoint = endpoints::rotate(&mut unit, &state.sealer, registrar(&caller), *id, &secret)
        .await?
        .ok_or(ApiError::NotFound)?;
    unit.commit().await?;
    Ok(web::Json(WebhookEndpointWithSecret {
        endpoint: endpoint.into(),
        secret: secret.text(),
    }))
}

/// Send a webhook endpoint a test message (`webhook.test`), whatever event
/// types it wants. Needs `webhooks:write`.
#[utoipa::path(
    tag = "webhooks",
    operation_id = "pingWebhookEndpoint",
    security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "The endpoint's id")),
    responses(
        (status = 202, description = "Queued; its attempts are listed with `?messageId=`.", body = WebhookPingView),
        (status = 404, description = "No such endpoint of yours.", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The endpoint is disabled (`status`).", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/webhook-endpoints/{id}/test")]
pub async fn ping_webhook_endpoint(
    state: web::Data<AppState>,
    caller: Authorized<needs::WebhooksWrite>,
    id: web::Path<uuid::Uuid>,
) -> Result<HttpResponse, ApiError> {
    let mut unit = state.unit(&caller);
    let message_id = endpoints::ping(&mut unit, registrar(&caller), *id)
        .await?
        .ok_or(ApiError::NotFound)?;
    unit.commit().await?;
    Ok(HttpResponse::Accepted().json(WebhookPingView { message_id }))
}

/// Send a webhook endpoint again a message it was sent (`messageId`), or
/// every message made from `since` until `until`: with the same
/// `webhook-id` (a receiver that keeps ids sees a duplicate), its tries
/// counted afresh. Messages still waiting are left as they are. Needs
/// `webhooks:write`.
#[utoipa::path(
    tag = "webhooks",
    operation_id = "replayWebhookMessages",
    security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "The endpoint's id")),
    request_body = WebhookReplayRequest,
    responses(
        (status = 202, description = "Queued again.", body = WebhookReplayView),
        (status = 404, description = "No such endpoint of yours.", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The endpoint is disabled (`status`).", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Neither or both of `messageId` and `since`/`until`; `until` not after `since`; `messageId` never sent to this endpoint.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/webhook-endpoints/{id}/replay")]
pub async fn replay_webhook_messages(
    state: web::Data<AppState>,
    caller: Authorized<needs::WebhooksWrite>,
    id: web::Path<uuid::Uuid>,
    Json(body): Json<WebhookReplayRequest>,
) -> Result<HttpResponse, ApiError> {
    let which = match (body.message_id, body.since, body.until) {
        (Some(message), None, None) => Replay::Message(message),
        (None, Some(since), Some(until)) => Replay::Between(since, until),
        _ => {
            return Err(Invalid::field(
                "messageId",
                "one_way",
                "either messageId, or both since and until",
            )
            .into());
        }
    };
    let mut unit = state.unit(&caller);
    let replayed = endpoints::replay(&mut unit, registrar(&caller), *id, which)
        .await?
        .ok_or(ApiError::NotFound)?;
    unit.commit().await?;
    Ok(HttpResponse::Accepted().json(WebhookReplayView { replayed }))
}

/// The tries at a webhook endpoint, the newest first: each with its
/// status, latency and the first KiB of the answer. `?messageId=` lists
/// one message's. Needs `webhooks:write`.
#[utoipa::path(
    tag = "webhooks",
    operation_id = "listWebhookAttempts",
    security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "The endpoint's id"), WebhookAttemptQuery),
    responses(
        (status = 200, description = "A page of attempts.", body = WebhookAttemptPage),
        (status = 404, description = "No such endpoint of yours.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/api/v1/webhook-endpoints/{id}/attempts")]
pub async fn list_webhook_attempts(
    state: web::Data<AppState>,
    caller: Authorized<needs::WebhooksWrite>,
    id: web::Path<uuid::Uuid>,
    Query(query): Query<WebhookAttemptQuery>,
) -> Result<web::Json<WebhookAttemptPage>, ApiError> {
    let db = state.database.connection();
    WebhookEndpoints::get(db, registrar(&caller).manager(), *id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let limit = query.limit.unwrap_or(50).clamp(1, 200);
    let filter = AttemptFilter {
        message_id: query.message_id,
        outcome: query.outcome.map(Into::into),
        before: query.before,
    };
    let found = WebhookDeliveries::attempts(db, *id, &filter, limit + 1).await?;
    let more = found.len() as u64 > limit;
    let items: Vec<WebhookAttemptView> = found
        .into_iter()
        .take(limit as usize)
        .map(WebhookAttemptView::from)
        .collect();
    let next_before = more.then(|| items.last().map(|a| a.id)).flatten();
    Ok(web::Json(WebhookAttemptPage { items, next_before }))
}
