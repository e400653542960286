//! The changes feed: for an integrator that polls instead of receiving
//! webhooks, every change to the records it may read, in commit order,
//! each with the record as it is now.

use std::collections::HashMap;

use actix_web::{get, web};
use jewel_domain::change_feed::ChangeKind;
use jewel_persistence::repos::outbox::{EventFilter, Outbox};
use utoipa_actix_web::service_config::ServiceConfig;

use super::change_dto::{ChangeAbsentName, ChangePage, ChangeQuery, ChangeView};
use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::Query;
use crate::routes::wire::changes::{ChangeReaders, Now, cursor, next_cursor};
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_changes);
}

/// The kinds asked for, each one the caller may read: every kind it may
/// read when none is named (403 when it may read none), 403 naming the
/// permission a named kind needs, 400 for a kind the feed does not know.
fn kinds_asked(caller: &Caller, types: Option<&str>) -> Result<Vec<ChangeKind>, ApiError> {
    let Some(types) = types else {
        let readable: Vec<ChangeKind> = ChangeKind::ALL
            .into_iter()
            .filter(|k| caller.require(k.reader()).is_ok())
            .collect();
        if readable.is_empty() {
            return Err(ApiError::Forbidden {
                permission: "a read permission of a kind of record (customers:read, inventory:read, sales:read, loyalty:read or jobs:read)",
            });
        }
        return Ok(readable);
    };
    let mut kinds = Vec::new();
    for name in types.split(',') {
        let kind = ChangeKind::parse(name).ok_or_else(|| {
            let known: Vec<&str> = ChangeKind::ALL.iter().map(|k| k.as_str()).collect();
            ApiError::bad_field(
                format!("{name} is not a kind of record the feed tells of"),
                "types",
                "unknown",
                format!("one of {}", known.join(", ")),
            )
        })?;
        caller.require(kind.reader())?;
        if !kinds.contains(&kind) {
            kinds.push(kind);
        }
    }
    Ok(kinds)
}

/// List changes to records, oldest first, each with the record as it is
/// now. Needs the permission that reads each kind asked for (`types`):
/// `customers:read` for customers; `inventory:read` for pieces, transfers
/// and metal rates; `sales:read` for quotes, invoices and credit notes;
/// `loyalty:read` for gift vouchers and scheme enrolments; `jobs:read` for
/// jobs.
///
/// Every change is here once committed, in the order it was found
/// committed, so polling with the last page's `nextCursor` misses nothing;
/// a record changed three times shows three times, each with its state
/// now. A caller limited to some branches sees the changes of those
/// branches and of records of the whole business (customers, rates), and
/// a record since moved out of its branches has no `state` (`absent:
/// out_of_scope`). The same cursors as `GET /api/v1/events`.
#[utoipa::path(
    tag = "integrations",
    operation_id = "listChanges",
    security(("bearer" = [])),
    params(ChangeQuery),
    responses(
        (status = 200, description = "One page of changes.", body = ChangePage),
        (status = 400, description = "An unknown kind in `types`, or a malformed cursor.", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 403, description = "A kind in `types` (or, without `types`, every kind) needs a permission you do not hold.", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[get("/api/v1/changes")]
pub async fn list_changes(
    state: web::Data<AppState>,
    readers: web::Data<ChangeReaders>,
    caller: Caller,
    Query(query): Query<ChangeQuery>,
) -> Result<web::Json<ChangePage>, ApiError> {
    let kinds = kinds_asked(&caller, query.types.as_deref())?;
    let after = cursor(query.after.as_deref())?;
    let filter = EventFilter {
        after,
        types: Vec::new(),
        entity_types: kinds.iter().map(|k| k.as_str().to_owned()).collect(),
        branches: caller.branch_scope().map(<[uuid::Uuid]>::to_vec),
    };
    let limit = query.limit.unwrap_or(50).clamp(1, 200);
    let events = Outbox::page(state.database.connection(), &filter, limit).await?;
    let next_cursor = next_cursor(events.last().map(|e| e.position), after);
    // Each record is read once a page, however many changes it had.
    let mut read: HashMap<(ChangeKind, String), Now> = HashMap::new();
    let mut items = Vec::with_capacity(events.len());
    for event in events {
        let Some(kind) = ChangeKind::parse(&event.entity_type) else {
            continue;
        };
        let key = (kind, event.entity_id.clone());
        let now = match read.get(&key) {
            Some(now) => now.clone(),
            None => {
                let now = match (readers.get(kind), event.entity_id.parse()) {
                    (Some(reader), Ok(id)) => reader(&state, &caller, id).await?,
                    (Some(_), Err(_)) => Now::Gone,
                    // A kind that never changes: what its event told.
                    (None, _) => Now::State(event.payload.clone()),
                };
                read.insert(key, now.clone());
                now
            }
        };
        let (state, absent, merged_into) = match now {
            Now::State(value) => (Some(value), None, None),
            Now::Merged(survivor) => (None, Some(ChangeAbsentName::Merged), Some(survivor)),
            Now::OutOfScope => (None, Some(ChangeAbsentName::OutOfScope), None),
            Now::Gone => (None, Some(ChangeAbsentName::Gone), None),
        };
        items.push(ChangeView {
            cursor: event.position.to_string(),
            entity_type: event.entity_type,
            entity_id: event.entity_id,
            event_type: event.event_type,
            occurred_at: event.occurred_at,
            branch_id: event.branch_id,
            state,
            absent,
            merged_into,
        });
    }
    Ok(web::Json(ChangePage { items, next_cursor }))
}
