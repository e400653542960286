//! The feed of domain events: what happened to the business, in the order
//! the relay found it committed. Integrators poll it with the cursor of
//! their last page.

use actix_web::{get, web};
use chrono::{DateTime, Utc};
use jewel_persistence::repos::outbox::{EventFilter, Outbox, OutboxEvent};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::caller::{Authorized, needs};
use crate::error::ApiError;
use crate::extract::Query;
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_events);
}

/// One domain event.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({
    "id": "01936f0e-aaaa-7000-8000-00000000000a", "position": "42",
    "type": "invoice.issued", "version": 1, "occurredAt": "2026-11-21T09:31:00Z",
    "actorKind": "staff", "actorId": "01936f0e-8f4a-7cc2-9a4e-1b2f3c4d5e6f",
    "entityType": "invoice", "entityId": "01936f0e-7777-7000-8000-000000000007",
    "branchId": "01936f0e-0000-7000-8000-000000000001",
    "requestId": "01936f0e-8f4a-7cc2-9a4e-1b2f3c4d5e6f",
    "data": {"invoiceId": "01936f0e-7777-7000-8000-000000000007", "number": "MDS1/2026-27/000042",
             "branchId": "01936f0e-0000-7000-8000-000000000001",
             "customerId": "01936f0e-5555-7000-8000-000000000005", "currency": "INR",
             "taxableValue": "50335.92", "taxTotal": "1510.08", "total": "51846.00", "lines": 1,
             "issuedAt": "2026-11-21T09:31:00Z"}
}))]
pub struct EventView {
    id: uuid::Uuid,
    /// Where the event stands in the feed; pass the last one seen as `after`.
    #[schema(max_length = 18, pattern = "^[0-9]{1,18}$")]
    position: String,
    /// What happened: `customer.created`, `customer.updated`,
    /// `customer.merged`, `customer.erased`, `staff.changed`,
    /// `piece.received`, `piece.moved`, `piece.sold`, `transfer.dispatched`,
    /// `transfer.received`, `rate.changed`, `quote.created`,
    /// `invoice.issued`, `payment.received`, `invoice.cancelled`,
    /// `credit_note.issued`.
    #[serde(rename = "type")]
    #[schema(max_length = 64, pattern = r"^[a-z_]+\.[a-z_]+$")]
    kind: String,
    /// The version of `data`'s shape for this type.
    #[schema(minimum = 1)]
    version: i32,
    occurred_at: DateTime<Utc>,
    /// `staff`, `client`, `customer`, `cli` or `system`.
    #[schema(max_length = 16, pattern = "^[a-z]+$")]
    actor_kind: String,
    #[schema(max_length = 64)]
    actor_id: String,
    #[schema(max_length = 32, pattern = "^[a-z_]+$")]
    entity_type: String,
    #[schema(max_length = 64)]
    entity_id: String,
    /// The branch it concerns; absent for records of the whole business.
    branch_id: Option<uuid::Uuid>,
    #[schema(max_length = 128)]
    request_id: String,
    /// What happened, as the type's payload.
    data: serde_json::Value,
}

impl From<OutboxEvent> for EventView {
    fn from(e: OutboxEvent) -> Self {
        Self {
            id: e.id,
            position: e.position.to_string(),
            kind: e.event_type,
            version: e.version,
            occurred_at: e.occurred_at,
            actor_kind: e.actor_kind,
            actor_id: e.actor_id,
            entity_type: e.entity_type,
            entity_id: e.entity_id,
            branch_id: e.branch_id,
            request_id: e.request_id,
            data: e.payload,
        }
    }
}

/// A page of the feed.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct EventPage {
    #[schema(max_items = 200)]
    items: Vec<EventView>,
    /// Pass as `after` for the next page: the last event's position, or
    /// the `after` given when nothing newer has happened yet.
    #[schema(max_length = 18, pattern = "^[0-9]{1,18}$")]
    next_cursor: String,
}

/// Which events.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query, rename_all = "camelCase")]
pub struct EventQuery {
    /// Only events after this position (`nextCursor` of the previous page);
    /// from the first event when not given.
    #[param(max_length = 18, pattern = "^[0-9]{1,18}$")]
    after: Option<String>,
    /// Only these types, separated by commas.
    #[param(
        max_length = 500,
        pattern = r"^(customer\.(created|updated|merged|erased)|staff\.changed|piece\.(received|moved|sold)|transfer\.(dispatched|received)|rate\.changed|quote\.created|invoice\.(issued|cancelled)|payment\.received|credit_note\.issued)(,(customer\.(created|updated|merged|erased)|staff\.changed|piece\.(received|moved|sold)|transfer\.(dispatched|received)|rate\.changed|quote\.created|invoice\.(issued|cancelled)|payment\.received|credit_note\.issued))*$",
        example = "invoice.issued,payment.received"
    )]
    types: Option<String>,
    /// Events per page: 1 to 200, 50 when not given.
    #[param(minimum = 1, maximum = 200, example = 50)]
    limit: Option<u64>,
}

/// List domain events, oldest first. Needs `audit:read` (owner, manager,
/// accountant).
///
/// Every business change records its events in the same transaction as
/// the change; they appear here once committed, numbered in the order they
/// were found committed, so polling with the last page's `nextCursor`
/// misses nothing. Staff limited to some branches see the events of those
/// branches and those of the whole business.
#[utoipa::path(
    tag = "audit",
    operation_id = "listEvents",
    security(("bearer" = [])),
    params(EventQuery),
    responses(
        (status = 200, description = "One page of events.", body = EventPage),
        (status = 400, description = "An unknown event type, or a malformed cursor.", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[get("/api/v1/events")]
pub async fn list_events(
    state: web::Data<AppState>,
    caller: Authorized<needs::AuditRead>,
    Query(query): Query<EventQuery>,
) -> Result<web::Json<EventPage>, ApiError> {
    let after = match &query.after {
        Some(text) => Some(text.parse::<i64>().map_err(|_| {
            ApiError::bad_field(
                "after is not a cursor of this feed",
                "after",
                "format",
                "the nextCursor of a page",
            )
        })?),
        None => None,
    };
    let types: Vec<String> = query
        .types
        .as_deref()
        .map(|t| t.split(',').map(str::to_owned).collect())
        .unwrap_or_default();
    if let Some(unknown) = types
        .iter()
        .find(|t| !jewel_services::catalogue::EVENT_TYPES.contains(&t.as_str()))
    {
        return Err(ApiError::bad_field(
            format!("{unknown} is not an event type"),
            "types",
            "unknown",
            format!(
                "one of {}",
                jewel_services::catalogue::EVENT_TYPES.join(", ")
            ),
        ));
    }
    let limit = query.limit.unwrap_or(50).clamp(1, 200);
    let filter = EventFilter {
        after,
        types,
        branches: caller.branch_scope().map(<[uuid::Uuid]>::to_vec),
    };
    let events = Outbox::page(state.database.connection(), &filter, limit).await?;
    let next_cursor = events
        .last()
        .map(|e| e.position)
        .or(after)
        .unwrap_or(0)
        .to_string();
    Ok(web::Json(EventPage {
        items: events.into_iter().map(EventView::from).collect(),
        next_cursor,
    }))
}

#[cfg(test)]
mod tests {
    /// The document's pattern for `types` names exactly the types recorded.
    #[test]
    fn the_types_pattern_is_the_catalogue() {
        let document = crate::openapi::document();
        let pattern = document["paths"]["/api/v1/events"]["get"]["parameters"]
            .as_array()
            .and_then(|params| params.iter().find(|p| p["name"] == "types"))
            .and_then(|p| p["schema"]["pattern"].as_str())
            .expect("the types parameter has a pattern")
            .to_owned();
        let pattern = regex::Regex::new(&pattern).expect("a valid pattern");
        for kind in jewel_services::catalogue::EVENT_TYPES {
            assert!(pattern.is_match(kind), "{kind}");
        }
        assert!(pattern.is_match(&jewel_services::catalogue::EVENT_TYPES.join(",")));
        for unknown in [
            "invoice.sold",
            "customer.created,x.y",
            "_._",
            "invoice.issued,",
        ] {
            assert!(!pattern.is_match(unknown), "{unknown}");
        }
    }
}
