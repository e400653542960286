//! Consent to be contacted, per channel and purpose: where it stands and
//! every change with its time, source and who recorded it. Staff record
//! what a customer said; customers change their own on `/api/v1/me/consents`.

use actix_web::{HttpResponse, get, post, web};
use chrono::{DateTime, Utc};
use jewel_domain::customer::consent::{
    Channel, Consent, ConsentChange, ConsentSource, Purpose, effective_changes,
};
use jewel_persistence::ConnectionTrait;
use jewel_persistence::repos::consents::{Consents, RecordedBy};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

use super::customers::{MergedProblem, changeable_customer, live_customer};
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

wire_enum! {
    /// A way of reaching the customer.
    ChannelName mirrors Channel { Sms = "sms", Email = "email", WhatsApp = "whatsapp", Call = "call" }
}

wire_enum! {
    /// Why the business writes: bills and job updates, or offers and greetings.
    PurposeName mirrors Purpose { Transactional = "transactional", Marketing = "marketing" }
}

wire_enum! {
    /// How the customer gave or withdrew consent.
    ConsentSourceName mirrors ConsentSource {
        InStore = "in_store", Phone = "phone", Website = "website",
        SelfService = "self_service", Import = "import",
    }
}

/// Where one (channel, purpose) stands, or one change of it.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({
    "channel": "whatsapp", "purpose": "marketing", "granted": true, "source": "in_store",
    "changedAt": "2026-11-21T09:30:00Z", "changedByKind": "staff",
    "changedById": "01936f0e-2222-7000-8000-000000000002"
}))]
pub struct ConsentView {
    channel: ChannelName,
    purpose: PurposeName,
    granted: bool,
    source: ConsentSourceName,
    changed_at: DateTime<Utc>,
    /// `staff`, `client` or `customer`.
    #[schema(max_length = 16)]
    changed_by_kind: String,
    changed_by_id: uuid::Uuid,
}

impl From<Consent> for ConsentView {
    fn from(c: Consent) -> Self {
        Self {
            channel: c.channel.into(),
            purpose: c.purpose.into(),
            granted: c.granted,
            source: c.source.into(),
            changed_at: c.changed_at,
            changed_by_kind: c.actor_kind,
            changed_by_id: c.actor_id,
        }
    }
}

/// A customer's consents: where each stands (nothing recorded means no
/// consent) and every change, newest first.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({
    "current": [{"channel": "whatsapp", "purpose": "marketing", "granted": true,
                 "source": "in_store", "changedAt": "2026-11-21T09:30:00Z",
                 "changedByKind": "staff", "changedById": "01936f0e-2222-7000-8000-000000000002"}],
    "history": [{"channel": "whatsapp", "purpose": "marketing", "granted": true,
                 "source": "in_store", "changedAt": "2026-11-21T09:30:00Z",
                 "changedByKind": "staff", "changedById": "01936f0e-2222-7000-8000-000000000002"}]
}))]
pub struct ConsentsView {
    #[schema(max_items = 8)]
    current: Vec<ConsentView>,
    #[schema(max_items = 10000)]
    history: Vec<ConsentView>,
}

/// One decision of the customer.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ConsentChangeRequest {
    channel: ChannelName,
    purpose: PurposeName,
    granted: bool,
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

/// Decisions the customer made, and how they made them.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(example = json!({"source": "in_store", "changes": [
    {"channel": "whatsapp", "purpose": "marketing", "granted": true},
    {"channel": "sms", "purpose": "transactional", "granted": true}
]}))]
pub struct ConsentRequest {
    source: ConsentSourceName,
    #[schema(min_items = 1, max_items = 8)]
    changes: Vec<ConsentChangeRequest>,
}

/// The decisions of the customer self-service app (`source` is `self_service`).
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(example = json!({"changes": [{"channel": "email", "purpose": "marketing", "granted": false}]}))]
pub struct MyConsentRequest {
    #[schema(min_items = 1, max_items = 8)]
    changes: Vec<ConsentChangeRequest>,
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
    if changes.is_empty() || changes.len() > 8 {
        return Err(jewel_domain::Invalid::field("changes", "count", "1 to 8 decisions").into());
    }
    let db = state.database.connection();
    changeable_customer(db, customer).await?;
    let asked: Vec<ConsentChange> = changes.iter().copied().map(Into::into).collect();
    let transaction = jewel_persistence::begin_writing(db).await?;
    Consents::lock_customer(&transaction, customer).await?;
    let current = Consents::current(&transaction, customer).await?;
    let effective = effective_changes(&current, &asked);
    if !effective.is_empty() {
        let (kind, id) = caller.author();
        Consents::record(
            &transaction,
            customer,
            &effective,
            source,
            RecordedBy { kind, id },
        )
        .await?;
        let recorded: Vec<serde_json::Value> = effective
            .iter()
            .map(|c| {
                serde_json::json!({
                    "channel": c.channel.as_str(), "purpose": c.purpose.as_str(),
                    "granted": c.granted, "source": source.as_str()
                })
            })
            .collect();
        crate::audit::record(
            &transaction,
            caller,
            "consent",
            "customer",
            customer,
            None,
            Some(&recorded),
        )
        .await?;
    }
    let view = consents_of(&transaction, customer).await?;
    transaction.commit().await?;
    Ok(view)
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
    )
)]
#[post("/api/v1/customers/{id}/consents")]
pub async fn record_consents(
    state: web::Data<AppState>,
    caller: Authorized<needs::CustomersWrite>,
    id: web::Path<uuid::Uuid>,
    Json(body): Json<ConsentRequest>,
) -> Result<web::Json<ConsentsView>, ApiError> {
    let view = record(
        &state,
        &caller,
        id.into_inner(),
        &body.changes,
        body.source.into(),
    )
    .await?;
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
