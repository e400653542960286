//! The wire types of `platform::events`: what its requests send and its answers show.

use chrono::{DateTime, Utc};
use jewel_persistence::repos::outbox::OutboxEvent;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

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
    pub(crate) id: uuid::Uuid,
    /// Where the event stands in the feed; pass the last one seen as `after`.
    #[schema(max_length = 18, pattern = "^[0-9]{1,18}$")]
    pub(crate) position: String,
    /// What happened: `customer.created`, `customer.updated`,
    /// `customer.merged`, `customer.erased`, `staff.changed`,
    /// `piece.received`, `piece.moved`, `piece.sold`, `transfer.dispatched`,
    /// `transfer.received`, `rate.changed`, `quote.created`, `quote.converted`,
    /// `invoice.issued`, `payment.received`, `invoice.cancelled`,
    /// `credit_note.issued`, `gift_voucher.issued`, `scheme.enrolled`,
    /// `scheme.instalment_received`, `job.status_changed`, `job.estimated`.
    #[serde(rename = "type")]
    #[schema(max_length = 64, pattern = r"^[a-z_]+\.[a-z_]+$")]
    pub(crate) kind: String,
    /// The version of `data`'s shape for this type.
    #[schema(minimum = 1)]
    pub(crate) version: i32,
    pub(crate) occurred_at: DateTime<Utc>,
    /// `staff`, `client`, `customer`, `cli` or `system`.
    #[schema(max_length = 16, pattern = "^[a-z]+$")]
    pub(crate) actor_kind: String,
    #[schema(max_length = 64)]
    pub(crate) actor_id: String,
    #[schema(max_length = 32, pattern = "^[a-z_]+$")]
    pub(crate) entity_type: String,
    #[schema(max_length = 64)]
    pub(crate) entity_id: String,
    /// The branch it concerns; absent for records of the whole business.
    pub(crate) branch_id: Option<uuid::Uuid>,
    #[schema(max_length = 128)]
    pub(crate) request_id: String,
    /// What happened, as the type's payload.
    pub(crate) data: serde_json::Value,
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
    pub(crate) items: Vec<EventView>,
    /// Pass as `after` for the next page: the last event's position, or
    /// the `after` given when nothing newer has happened yet.
    #[schema(max_length = 18, pattern = "^[0-9]{1,18}$")]
    pub(crate) next_cursor: String,
}

/// Which events.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query, rename_all = "camelCase")]
pub struct EventQuery {
    /// Only events after this position (`nextCursor` of the previous page);
    /// from the first event when not given.
    #[param(max_length = 18, pattern = "^[0-9]{1,18}$")]
    pub(crate) after: Option<String>,
    /// Only these types, separated by commas.
    #[param(
        max_length = 500,
        pattern = r"^(customer\.(created|updated|merged|erased)|staff\.changed|piece\.(received|moved|sold)|transfer\.(dispatched|received)|rate\.changed|quote\.(created|converted)|invoice\.(issued|cancelled)|payment\.received|credit_note\.issued|gift_voucher\.issued|scheme\.(enrolled|instalment_received)|job\.(status_changed|estimated))(,(customer\.(created|updated|merged|erased)|staff\.changed|piece\.(received|moved|sold)|transfer\.(dispatched|received)|rate\.changed|quote\.(created|converted)|invoice\.(issued|cancelled)|payment\.received|credit_note\.issued|gift_voucher\.issued|scheme\.(enrolled|instalment_received)|job\.(status_changed|estimated)))*$",
        example = "invoice.issued,payment.received"
    )]
    pub(crate) types: Option<String>,
    /// Events per page: 1 to 200, 50 when not given.
    #[param(minimum = 1, maximum = 200, example = 50)]
    pub(crate) limit: Option<u64>,
}
