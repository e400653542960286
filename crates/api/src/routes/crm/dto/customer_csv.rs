//! The wire types of `crm::customer_csv`: what its requests send and its answers show.

use crate::routes::wire::csv::RowOutcome;
use serde::Serialize;
use utoipa::ToSchema;

/// The result of one row of the file.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ImportRow {
    /// The line of the file (the header is line 1).
    #[schema(minimum = 2, maximum = 1_000_000)]
    pub(crate) line: u64,
    pub(crate) outcome: RowOutcome,
    /// The customer created or updated (created ones: only after a real run).
    pub(crate) customer_id: Option<uuid::Uuid>,
    /// Why the row was rejected, field by field.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[schema(max_items = 50)]
    pub(crate) errors: Vec<crate::error::ProblemField>,
}

/// The result of an import.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({
    "dryRun": true, "created": 2, "updated": 1, "rejected": 1,
    "rows": [
        {"line": 2, "outcome": "created", "customerId": null},
        {"line": 3, "outcome": "updated", "customerId": "01936f0e-5555-7000-8000-000000000005"},
        {"line": 4, "outcome": "rejected", "customerId": null, "errors": [
            {"field": "mobile", "code": "format", "message": "must be a phone number such as +919876543210"}]},
        {"line": 5, "outcome": "created", "customerId": null}
    ]
}))]
pub struct ImportReport {
    pub(crate) dry_run: bool,
    #[schema(minimum = 0, maximum = 1_000_000)]
    pub(crate) created: u64,
    #[schema(minimum = 0, maximum = 1_000_000)]
    pub(crate) updated: u64,
    #[schema(minimum = 0, maximum = 1_000_000)]
    pub(crate) rejected: u64,
    #[schema(max_items = 1_000_000)]
    pub(crate) rows: Vec<ImportRow>,
}
