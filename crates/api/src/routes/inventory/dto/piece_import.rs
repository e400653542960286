//! The wire types of `inventory::piece_import`: what its requests send and its answers show.

use crate::routes::wire::csv::RowOutcome;
use serde::Serialize;
use utoipa::ToSchema;

/// The result of one row.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PieceImportRow {
    /// The line of the file (the header is line 1).
    #[schema(minimum = 2, maximum = 1_000_000)]
    pub(crate) line: u64,
    /// `created` or `rejected`.
    pub(crate) outcome: RowOutcome,
    /// The piece received (after a real run only).
    pub(crate) piece_id: Option<uuid::Uuid>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[schema(max_items = 50)]
    pub(crate) errors: Vec<crate::error::ProblemField>,
}

/// The result of a piece import.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({
    "dryRun": true, "created": 1, "rejected": 1,
    "rows": [
        {"line": 2, "outcome": "created", "pieceId": null},
        {"line": 3, "outcome": "rejected", "pieceId": null, "errors": [
            {"field": "huid", "code": "taken", "message": "AB12CD belongs to another piece"}]}
    ]
}))]
pub struct PieceImportReport {
    pub(crate) dry_run: bool,
    #[schema(minimum = 0, maximum = 1_000_000)]
    pub(crate) created: u64,
    #[schema(minimum = 0, maximum = 1_000_000)]
    pub(crate) rejected: u64,
    #[schema(max_items = 1_000_000)]
    pub(crate) rows: Vec<PieceImportRow>,
}
