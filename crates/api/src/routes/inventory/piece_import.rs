//! Receiving stock from a CSV file (a supplier's delivery note or a move
//! from another system): a dry run with a result per row, then every valid
//! row received in one transaction.

use actix_web::{HttpRequest, post, web};
use jewel_domain::FieldError;
use jewel_services::inventory::InventoryError;
use utoipa_actix_web::service_config::ServiceConfig;

use super::dto::piece_import::{PieceImportReport, PieceImportRow};
use super::piece_receipts::{check_pieces, store};
use crate::auth::caller::{Authorized, needs};
use crate::error::ApiError;
use crate::extract::{Query, parse_json};
use crate::routes::inventory::dto::pieces::PieceFields;
use crate::routes::wire::csv::{
    Cell, CsvDocument, ImportParams, RowOutcome, read_csv_body, read_rows, reasons,
};
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(import_pieces);
}

/// The columns of a piece import, named as the JSON fields; `makingMode`
/// and `makingValue` make `making`.
const COLUMNS: [(&str, Cell); 16] = [
    ("tagNumber", Cell::Text),
    ("epc", Cell::Text),
    ("designId", Cell::Text),
    ("category", Cell::Text),
    ("metal", Cell::Text),
    ("fineness", Cell::Text),
    ("grossWeight", Cell::Text),
    ("stoneWeight", Cell::Text),
    ("netWeight", Cell::Text),
    ("makingMode", Cell::Text),
    ("makingValue", Cell::Text),
    ("wastagePercent", Cell::Text),
    ("huid", Cell::Text),
    ("costPrice", Cell::Text),
    ("branchId", Cell::Text),
    ("images", Cell::List),
];

/// The most rows one import receives (a delivery's worth at most 10 times).
const MOST_ROWS: usize = 10_000;

/// Receive pieces from CSV. Needs `inventory:write`.
///
/// The body is `text/csv` (UTF-8) with a header row naming columns as the
/// JSON fields of a piece: `tagNumber`, `epc`, `designId`, `category`,
/// `metal`, `fineness`, `grossWeight`, `stoneWeight`, `netWeight`,
/// `makingMode`, `makingValue`, `wastagePercent`, `huid`, `costPrice`,
/// `branchId`, `images` (`;`-separated); stones are added through the JSON
/// API. Each row is checked as `receivePiece` checks it, and a tag number,
/// EPC or HUID taken by another piece or repeated in the file rejects the
/// row. `dryRun=true` (the default) reports and changes nothing;
/// `dryRun=false` receives every valid row in one transaction.
#[utoipa::path(
    tag = "pieces",
    operation_id = "importPieces",
    security(("bearer" = [])),
    params(ImportParams),
    request_body(content = CsvDocument, content_type = "text/csv", description = "A header row, then one piece per row.", example = "tagNumber,category,metal,fineness,grossWeight,makingMode,makingValue,huid,branchId\nGR-22-000124,ring,gold,916,4.250,per_gram,450,QW12ER,01936f0e-0000-7000-8000-000000000001\n"),
    responses(
        (status = 200, description = "The result of every row.", body = PieceImportReport),
        (status = 409, description = "A piece with a tag number, EPC or HUID of the file was received while the import ran; nothing was applied, run it again.", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/pieces/import")]
pub async fn import_pieces(
    state: web::Data<AppState>,
    caller: Authorized<needs::InventoryWrite>,
    req: HttpRequest,
    Query(params): Query<ImportParams>,
    mut payload: web::Payload,
) -> Result<web::Json<PieceImportReport>, ApiError> {
    let body = read_csv_body(&req, &mut payload).await?;
    let dry_run = params.dry_run.unwrap_or(true);
    let rows = read_rows(
        &body,
        &COLUMNS,
        &["tagNumber", "metal", "fineness", "grossWeight", "branchId"],
    )?;
    if rows.len() > MOST_ROWS {
        return Err(
            jewel_domain::Invalid::field("body", "too_many_rows", "at most 10000 rows").into(),
        );
    }
    // Each row as the JSON API's body, or why it cannot be one.
    let mut parsed: Vec<(u64, Result<PieceFields, Vec<FieldError>>)> =
        Vec::with_capacity(rows.len());
    for (line, mut cells) in rows {
        if let Some(fineness) = cells
            .get("fineness")
            .and_then(|v| v.as_str())
            .and_then(|t| t.parse::<u16>().ok())
        {
            cells.insert("fineness".to_owned(), fineness.into());
        }
        let mode = cells.remove("makingMode");
        let value = cells.remove("makingValue");
        if mode.is_some() || value.is_some() {
            cells.insert(
                "making".to_owned(),
                serde_json::json!({"mode": mode, "value": value}),
            );
        }
        let fields = serde_json::to_vec(&cells)
            .map_err(|e| vec![FieldError::new("row", "invalid", e.to_string())])
            .and_then(|bytes| parse_json::<PieceFields>(&bytes).map_err(reasons));
        parsed.push((line, fields));
    }
    let fields: Vec<PieceFields> = parsed
        .iter()
        .filter_map(|(_, f)| f.as_ref().ok().cloned())
        .collect();
    let mut checked = check_pieces(&state, &caller, &fields).await?.into_iter();
    let mut results = Vec::with_capacity(parsed.len());
    let mut valid = Vec::new();
    for (line, fields) in parsed {
        let outcome = match fields {
            Err(errors) => Err(errors),
            Ok(_) => checked.next().unwrap_or_else(|| Err(Vec::new())),
        };
        match outcome {
            Ok(piece) => {
                results.push((line, RowOutcome::Created, Vec::new()));
                valid.push(piece);
            }
            Err(errors) => results.push((line, RowOutcome::Rejected, errors)),
        }
    }
    let ids: Vec<uuid::Uuid> = if dry_run || valid.is_empty() {
        Vec::new()
    } else {
        store(&state, &caller, &valid)
            .await
            .map_err(|e| match e {
                InventoryError::Taken(_) => ApiError::Conflict {
                    detail: "a piece of the file was received while the import ran; nothing was applied, run it again".to_owned(),
                    errors: Vec::new(),
                },
                other => other.into(),
            })?
            .into_iter()
            .map(|p| p.id)
            .collect()
    };
    let mut ids = ids.into_iter();
    let rows: Vec<PieceImportRow> = results
        .into_iter()
        .map(|(line, outcome, errors)| PieceImportRow {
            line,
            outcome,
            piece_id: (outcome == RowOutcome::Created)
                .then(|| ids.next())
                .flatten(),
            errors: errors.into_iter().map(Into::into).collect(),
        })
        .collect();
    let count = |o: RowOutcome| rows.iter().filter(|r| r.outcome == o).count() as u64;
    Ok(web::Json(PieceImportReport {
        dry_run,
        created: count(RowOutcome::Created),
        rejected: count(RowOutcome::Rejected),
        rows,
    }))
}
