//! The wire types of the changes feed: what its requests send and its
//! answers show.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// Why a change has no `state`: `merged` (the customer was merged into
/// another; `mergedInto` names it), `out_of_scope` (the record is now
/// where you may not read it, such as a piece moved to a branch not yours),
/// `gone` (no such record any more).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ChangeAbsentName {
    Merged,
    OutOfScope,
    Gone,
}

/// One change to one record, with the record as it is now.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({
    "cursor": "42", "entityType": "piece",
    "entityId": "01936f0e-3333-7000-8000-000000000003", "eventType": "piece.sold",
    "occurredAt": "2026-11-21T09:31:00Z",
    "branchId": "01936f0e-0000-7000-8000-000000000001",
    "state": {"id": "01936f0e-3333-7000-8000-000000000003", "tag": "MDS1-000123",
              "status": "sold", "version": 3},
    "absent": null, "mergedInto": null
}))]
pub struct ChangeView {
    /// Where the change stands in the feed; pass the last one seen as `after`.
    #[schema(max_length = 18, pattern = "^[0-9]{1,18}$")]
    pub(crate) cursor: String,
    /// The kind of record: `customer`, `piece`, `transfer`, `metal_rate`,
    /// `quote`, `invoice`, `credit_note`, `gift_voucher`,
    /// `scheme_enrolment` or `job`.
    #[schema(max_length = 32, pattern = "^[a-z_]+$")]
    pub(crate) entity_type: String,
    #[schema(max_length = 64)]
    pub(crate) entity_id: String,
    /// The event that changed it (`piece.sold`); its payload is in the
    /// document's `webhooks` section and in `GET /api/v1/events`.
    #[schema(max_length = 64, pattern = r"^[a-z_]+\.[a-z_]+$")]
    pub(crate) event_type: String,
    pub(crate) occurred_at: DateTime<Utc>,
    /// The branch the change concerns; absent for records of the whole
    /// business.
    pub(crate) branch_id: Option<uuid::Uuid>,
    /// The record as it is now, as reading it by its id answers (a
    /// customer as `GET /api/v1/customers/{id}`, a piece as `GET
    /// /api/v1/pieces/{id}`, and so on); the same for every change of one
    /// record in a page. A metal rate and a credit note never change once
    /// made: theirs is what their event told. `null` when `absent` says why.
    #[schema(value_type = Option<Object>)]
    pub(crate) state: Option<serde_json::Value>,
    pub(crate) absent: Option<ChangeAbsentName>,
    /// For a merged customer: the customer it lives on as.
    pub(crate) merged_into: Option<uuid::Uuid>,
}

/// A page of the changes feed.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ChangePage {
    #[schema(max_items = 200)]
    pub(crate) items: Vec<ChangeView>,
    /// Pass as `after` for the next page: the last change's cursor, or the
    /// `after` given when nothing newer has happened yet.
    #[schema(max_length = 18, pattern = "^[0-9]{1,18}$")]
    pub(crate) next_cursor: String,
}

/// Which changes.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query, rename_all = "camelCase")]
pub struct ChangeQuery {
    /// Only changes after this cursor (`nextCursor` of the previous page);
    /// from the first change when not given.
    #[param(max_length = 18, pattern = "^[0-9]{1,18}$")]
    pub(crate) after: Option<String>,
    /// Only records of these kinds, separated by commas; every kind you may
    /// read when not given. Naming a kind you may not read is 403.
    #[param(
        max_length = 200,
        pattern = r"^(customer|piece|transfer|metal_rate|quote|invoice|credit_note|gift_voucher|scheme_enrolment|job)(,(customer|piece|transfer|metal_rate|quote|invoice|credit_note|gift_voucher|scheme_enrolment|job))*$",
        example = "piece,customer"
    )]
    pub(crate) types: Option<String>,
    /// Changes per page: 1 to 200, 50 when not given.
    #[param(minimum = 1, maximum = 200, example = 50)]
    pub(crate) limit: Option<u64>,
}
