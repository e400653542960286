//! The wire types of `crm::customer_data`: what its requests send and its answers show.

use crate::routes::crm::customers::CustomerView;
use crate::routes::crm::dto::consents::ConsentView;
use crate::routes::crm::dto::interactions::InteractionView;
use crate::routes::crm::dto::tasks::TaskView;
use crate::routes::crm::dto::wish_list::WishView;
use crate::routes::wire::audit::AuditEventView;
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::collections::BTreeMap;
use utoipa::ToSchema;

/// Everything held about one customer.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({
    "exportedAt": "2026-11-21T09:30:00Z",
    "customer": {
        "id": "01936f0e-5555-7000-8000-000000000005", "name": "Lakshmi Narayanan",
        "mobile": "+919876543210", "otherPhones": [], "email": "lakshmi@example.com",
        "addresses": [], "homeBranchId": "01936f0e-0000-7000-8000-000000000001",
        "preferences": {"metals": ["gold"], "purities": [916], "categories": [], "styles": []},
        "tags": ["bridal"], "source": "referral",
        "purchases": {"count": 1, "lifetimeValue": "51845.00", "lastPurchaseAt": "2026-11-02T11:20:00Z"},
        "version": 1,
        "createdAt": "2026-11-21T09:30:00Z", "updatedAt": "2026-11-21T09:30:00Z"
    },
    "consents": [], "consentHistory": [], "interactions": [], "tasks": [], "wishList": [],
    "auditTrail": []
}))]
pub struct CustomerDataExport {
    pub(crate) exported_at: DateTime<Utc>,
    /// The profile, PAN whole.
    pub(crate) customer: CustomerView,
    #[schema(max_items = 10)]
    pub(crate) consents: Vec<ConsentView>,
    #[schema(max_items = 100000)]
    pub(crate) consent_history: Vec<ConsentView>,
    #[schema(max_items = 100000)]
    pub(crate) interactions: Vec<InteractionView>,
    #[schema(max_items = 100000)]
    pub(crate) tasks: Vec<TaskView>,
    #[schema(max_items = 100000)]
    pub(crate) wish_list: Vec<WishView>,
    /// Every recorded change to the customer's record.
    #[schema(max_items = 100000)]
    pub(crate) audit_trail: Vec<AuditEventView>,
}

impl CustomerDataExport {
    pub(crate) fn customer_id(&self) -> uuid::Uuid {
        self.customer.id()
    }
}

/// What an erasure removed.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({
    "customer": {
        "id": "01936f0e-5555-7000-8000-000000000005", "name": "Lakshmi Narayanan",
        "mobile": "+919876543210", "otherPhones": [], "email": "lakshmi@example.com",
        "addresses": [], "homeBranchId": "01936f0e-0000-7000-8000-000000000001",
        "preferences": {"metals": ["gold"], "purities": [916], "categories": [], "styles": []},
        "tags": ["bridal"], "source": "referral",
        "purchases": {"count": 1, "lifetimeValue": "51845.00", "lastPurchaseAt": "2026-11-02T11:20:00Z"},
        "version": 1,
        "createdAt": "2026-11-21T09:30:00Z", "updatedAt": "2026-11-21T09:30:00Z"
    },
    "deleted": {"interactions": 4, "tasks": 1, "wishList": 2, "devices": 1},
    "redactedAuditEvents": 7
}))]
pub struct ErasureReport {
    /// The record as it stays: its id, `erasedAt`, and no personal data.
    pub(crate) customer: CustomerView,
    /// Records deleted, per kind (`interactions`, `tasks`, `wishList`).
    #[schema(value_type = crate::routes::crm::dto::customer_merge::RecordCounts)]
    pub(crate) deleted: BTreeMap<&'static str, u64>,
    /// Audit events about the customer whose before/after were removed.
    pub(crate) redacted_audit_events: u64,
}
