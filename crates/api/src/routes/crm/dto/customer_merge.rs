//! The wire types of `crm::customer_merge`: what its requests send and its answers show.

use crate::routes::crm::customers::CustomerView;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::ToSchema;

/// Which customer to fold into this one.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(example = json!({"duplicateId": "01936f0e-5555-7000-8000-000000000006", "dryRun": true}))]
pub struct MergeRequest {
    /// The customer to merge away.
    pub(crate) duplicate_id: uuid::Uuid,
    /// `true` reports what would move and changes nothing.
    #[serde(default)]
    pub(crate) dry_run: bool,
}

/// What a merge moved (or, in a dry run, would move).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({
    "dryRun": false, "survivorId": "01936f0e-5555-7000-8000-000000000005",
    "duplicateId": "01936f0e-5555-7000-8000-000000000006",
    "moved": {"interactions": 3, "tasks": 1, "wishList": 2, "devices": 1, "externalIds": 1, "consentChanges": 0,
              "invoices": 1, "quotes": 0},
    "survivor": {"id": "01936f0e-5555-7000-8000-000000000005", "name": "Lakshmi Narayanan",
        "mobile": "+919876543210", "otherPhones": ["+919000012345"], "email": null,
        "addresses": [], "homeBranchId": null, "assignedStaffId": null, "preferences":
        {"metals": [], "purities": [], "categories": [], "styles": []}, "tags": [],
        "source": "walk_in",
        "purchases": {"count": 1, "lifetimeValue": "51845.00", "lastPurchaseAt": "2026-11-02T11:20:00Z"},
        "version": 2,
        "createdAt": "2026-11-21T09:30:00Z", "updatedAt": "2026-11-21T09:35:00Z"}
}))]
pub struct MergeReport {
    pub(crate) dry_run: bool,
    pub(crate) survivor_id: uuid::Uuid,
    pub(crate) duplicate_id: uuid::Uuid,
    /// Records per kind: `interactions`, `tasks`, `wishList`,
    /// `consentChanges`, and those of later capabilities.
    #[schema(value_type = RecordCounts)]
    pub(crate) moved: BTreeMap<&'static str, u64>,
    /// The survivor as it is (or, in a dry run, would be) after the merge.
    pub(crate) survivor: CustomerView,
}

/// Records per kind (`interactions`, `tasks`, `wishList`, ...): an object
/// whose members are counts, one per table of customer records.
pub struct RecordCounts;

impl utoipa::PartialSchema for RecordCounts {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{AdditionalProperties, ObjectBuilder, Type};
        ObjectBuilder::new()
            .property_names(Some(
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .max_length(Some(40))
                    .pattern(Some("^[a-z][A-Za-z]*$")),
            ))
            .additional_properties(Some(AdditionalProperties::from(
                ObjectBuilder::new()
                    .schema_type(Type::Integer)
                    .format(Some(utoipa::openapi::SchemaFormat::KnownFormat(
                        utoipa::openapi::KnownFormat::Int64,
                    )))
                    .minimum(Some(0))
                    .maximum(Some(1_000_000_000)),
            )))
            .into()
    }
}

impl utoipa::ToSchema for RecordCounts {}
