//! The feed of domain events: what happened to the business, in the order
//! the relay found it committed. Integrators poll it with the cursor of
//! their last page.

use actix_web::{get, web};
use jewel_persistence::repos::outbox::{EventFilter, Outbox};
use utoipa_actix_web::service_config::ServiceConfig;

use super::dto::events::{EventPage, EventQuery, EventView};
use crate::auth::caller::{Authorized, needs};
use crate::error::ApiError;
use crate::extract::Query;
use crate::routes::wire::changes::{cursor, next_cursor};
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_events);
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
    let after = cursor(query.after.as_deref())?;
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
        entity_types: Vec::new(),
        branches: caller.branch_scope().map(<[uuid::Uuid]>::to_vec),
    };
    let events = Outbox::page(state.database.connection(), &filter, limit).await?;
    let next_cursor = next_cursor(events.last().map(|e| e.position), after);
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
