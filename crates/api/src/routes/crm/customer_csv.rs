//! Customers in and out as CSV: an import with a dry run and a result per
//! row, applied in one transaction, and an export of any filtered list in
//! the same columns, so an export can be edited and imported back.

use std::collections::HashMap;

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use jewel_domain::PageRequest;
use jewel_domain::customer::NewCustomer;
use jewel_persistence::repos::customers::Customers;
use utoipa_actix_web::service_config::ServiceConfig;

use super::customer_rows::{COLUMNS, check_rows, repeated};
use super::customers::{CustomerListQuery, CustomerView};
use super::dto::customer_csv::{ImportReport, ImportRow};
use crate::auth::caller::{Authorized, needs};
use crate::error::ApiError;
use crate::extract::Query;
use crate::routes::wire::csv::{CsvDocument, ImportParams, RowOutcome, read_csv_body, read_rows};
use crate::state::AppState;
use jewel_services::crm::import::{self, ImportChange as Change};

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(import_customers).service(export_customers);
}

/// Import customers from CSV. Needs `customers:bulk`.
///
/// The body is `text/csv` (UTF-8, up to 16 MiB) with a header row naming
/// columns as the JSON fields: `name`, `mobile`, `otherPhones`, `email`,
/// `homeBranchId`, `dateOfBirth`, `anniversary`, `spouseName`,
/// `spouseDateOfBirth`, `ringSize`, `tags`, `notes`, `source`,
/// `budgetBand`, `externalId`, `pan` (any subset, any order, `name` and
/// `mobile` required; lists are `;`-separated). A row whose `externalId`,
/// or else whose mobile, belongs to a customer updates that customer with
/// its non-empty cells; any other row creates a customer (`source` defaults
/// to `import`). Each row is checked as the JSON API would check it, and a
/// row repeating an earlier row's mobile or external id is rejected.
/// `dryRun=true` (the default) reports and changes nothing; `dryRun=false`
/// applies every valid row in one transaction and skips the rejected ones.
/// Imports do not look for likely duplicates.
#[utoipa::path(
    tag = "customers",
    operation_id = "importCustomers",
    security(("bearer" = [])),
    params(ImportParams),
    request_body(content = CsvDocument, content_type = "text/csv", description = "A header row, then one customer per row.", example = "name,mobile,email,tags\nLakshmi Narayanan,98765 43210,lakshmi@example.com,bridal;vip\n"),
    responses(
        (status = 200, description = "The result of every row.", body = ImportReport),
        (status = 409, description = "A customer changed while the import ran; nothing was applied, run it again.", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/customers/import")]
pub async fn import_customers(
    state: web::Data<AppState>,
    caller: Authorized<needs::CustomersBulk>,
    req: HttpRequest,
    Query(params): Query<ImportParams>,
    mut payload: web::Payload,
) -> Result<web::Json<ImportReport>, ApiError> {
    let body = read_csv_body(&req, &mut payload).await?;
    let dry_run = params.dry_run.unwrap_or(true);
    let rows = read_rows(&body, &COLUMNS, &["name", "mobile"])?;
    let mut seen_mobiles: HashMap<String, u64> = HashMap::new();
    let mut seen_external: HashMap<String, u64> = HashMap::new();
    let repeats = |line: u64, new: &NewCustomer| {
        let mut errors = Vec::new();
        if let Some(first) = seen_mobiles.insert(new.mobile.as_str().to_owned(), line) {
            errors.push(repeated("mobile", first));
        }
        if let Some(external) = &new.profile.external_id
            && let Some(first) = seen_external.insert(external.clone(), line)
        {
            errors.push(repeated("externalId", first));
        }
        errors
    };
    let checked = check_rows(&state, rows, repeats).await?;
    let mut results = Vec::with_capacity(checked.len());
    let mut changes = Vec::new();
    for (line, outcome) in checked {
        results.push(match outcome {
            Ok(change) => {
                let (outcome, customer_id) = match &change {
                    Change::Create(id, _) => (RowOutcome::Created, (!dry_run).then_some(*id)),
                    Change::Update(customer, _) => (RowOutcome::Updated, Some(customer.id)),
                };
                changes.push(change);
                ImportRow {
                    line,
                    outcome,
                    customer_id,
                    errors: Vec::new(),
                }
            }
            Err(errors) => ImportRow {
                line,
                outcome: RowOutcome::Rejected,
                customer_id: None,
                errors: errors.into_iter().map(Into::into).collect(),
            },
        });
    }
    let count = |o: RowOutcome| results.iter().filter(|r| r.outcome == o).count() as u64;
    let report = ImportReport {
        dry_run,
        created: count(RowOutcome::Created),
        updated: count(RowOutcome::Updated),
        rejected: count(RowOutcome::Rejected),
        rows: results,
    };
    if dry_run || changes.is_empty() {
        return Ok(web::Json(report));
    }

    let mut unit = state.unit(&caller);
    import::apply_import(&mut unit, &changes, report.rejected).await?;
    unit.commit().await?;
    Ok(web::Json(report))
}

/// Export customers as CSV. Needs `customers:bulk`.
///
/// Takes the filters and sort of `listCustomers` (not `limit` or
/// `cursor`: every match is exported) and answers `text/csv` in the
/// columns an import reads, after an `id` and before `createdAt`. The PAN
/// is whole only for `customers:kyc`.
#[utoipa::path(
    tag = "customers",
    operation_id = "exportCustomers",
    security(("bearer" = [])),
    params(CustomerListQuery),
    responses((status = 200, description = "The customers, one per row.", content_type = "text/csv", body = CsvDocument,
        example = "id,name,mobile,otherPhones,email,homeBranchId,dateOfBirth,anniversary,spouseName,spouseDateOfBirth,ringSize,tags,notes,source,budgetBand,externalId,pan,createdAt\n01936f0e-5555-7000-8000-000000000005,Lakshmi Narayanan,+919876543210,,lakshmi@example.com,,,,,,,bridal;vip,,referral,,,,2026-11-21T09:30:00Z\n"))
)]
#[get("/api/v1/customers/export")]
pub async fn export_customers(
    state: web::Data<AppState>,
    caller: Authorized<needs::CustomersBulk>,
    Query(query): Query<CustomerListQuery>,
) -> Result<HttpResponse, ApiError> {
    let (mut filter, sort) = query.parse(state.home_country)?;
    filter.pan_lookup = query.pan_lookup(&caller, &state.sealer)?;
    let db = state.database.connection();
    let mut writer = csv::Writer::from_writer(Vec::new());
    let mut header: Vec<&str> = vec!["id"];
    header.extend(COLUMNS.map(|c| c.0));
    header.push("createdAt");
    let csv_error = |e: csv::Error| ApiError::Internal(e.into());
    writer.write_record(&header).map_err(csv_error)?;
    let mut page = PageRequest {
        after: None,
        limit: 1000,
    };
    loop {
        let batch = Customers::list(db, &filter, &sort, page).await?;
        for customer in batch.items {
            let view =
                serde_json::to_value(CustomerView::for_caller(&caller, customer, &state.sealer)?)
                    .map_err(anyhow::Error::from)?;
            let cell = |name: &str| match &view[name] {
                serde_json::Value::Null => String::new(),
                serde_json::Value::String(s) => s.clone(),
                serde_json::Value::Array(items) => items
                    .iter()
                    .filter_map(|i| i.as_str())
                    .collect::<Vec<_>>()
                    .join(";"),
                other => other.to_string(),
            };
            let record: Vec<String> = header.iter().map(|name| cell(name)).collect();
            writer.write_record(&record).map_err(csv_error)?;
        }
        match batch.next {
            Some(next) => page.after = Some(next),
            None => break,
        }
    }
    let body = writer
        .into_inner()
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("{e}")))?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            actix_web::http::header::CONTENT_DISPOSITION,
            "attachment; filename=\"customers.csv\"",
        ))
        .body(body))
}
