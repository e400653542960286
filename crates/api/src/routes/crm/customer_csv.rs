//! Customers in and out as CSV: an import with a dry run and a result per
//! row, applied in one transaction, and an export of any filtered list in
//! the same columns, so an export can be edited and imported back.

use std::collections::{HashMap, HashSet};

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use jewel_domain::contact::{HomeCountry, Phone};
use jewel_domain::customer::Customer;
use jewel_domain::{FieldError, PageRequest};
use jewel_persistence::repos::branches::Branches;
use jewel_persistence::repos::customers::Customers;
use utoipa_actix_web::service_config::ServiceConfig;

use super::customers::{CustomerFields, CustomerListQuery, CustomerView, patched};
use super::dto::customer_csv::{ImportReport, ImportRow};
use crate::auth::caller::{Authorized, needs};
use crate::error::ApiError;
use crate::extract::{Query, parse_json};
use crate::routes::wire::csv::{
    Cell, CsvDocument, ImportParams, RowOutcome, read_csv_body, read_rows, reasons,
};
use crate::state::AppState;
use jewel_services::crm::import::{self, ImportChange as Change};

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(import_customers).service(export_customers);
}

/// The columns of an import and an export, named as the JSON fields.
const COLUMNS: [(&str, Cell); 16] = [
    ("name", Cell::Text),
    ("mobile", Cell::Text),
    ("otherPhones", Cell::List),
    ("email", Cell::Text),
    ("homeBranchId", Cell::Text),
    ("dateOfBirth", Cell::Text),
    ("anniversary", Cell::Text),
    ("spouseName", Cell::Text),
    ("spouseDateOfBirth", Cell::Text),
    ("ringSize", Cell::Text),
    ("tags", Cell::List),
    ("notes", Cell::Text),
    ("source", Cell::Text),
    ("budgetBand", Cell::Text),
    ("externalId", Cell::Text),
    ("pan", Cell::Text),
];

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
    let db = state.database.connection();

    // What the file's rows refer to, read in a few queries.
    let mobiles: Vec<String> = rows
        .iter()
        .filter_map(|(_, cells)| cells.get("mobile")?.as_str())
        .filter_map(|m| Phone::parse("mobile", m, state.home_country).ok())
        .map(|p| p.as_str().to_owned())
        .collect();
    let external_ids: Vec<String> = rows
        .iter()
        .filter_map(|(_, cells)| Some(cells.get("externalId")?.as_str()?.trim().to_owned()))
        .collect();
    let existing = Customers::matching(db, &mobiles, &external_ids).await?;
    let by_mobile: HashMap<&str, &Customer> =
        existing.iter().map(|c| (c.mobile.as_str(), c)).collect();
    let by_external: HashMap<&str, &Customer> = existing
        .iter()
        .filter_map(|c| Some((c.profile.external_id.as_deref()?, c)))
        .collect();
    let mut branch_ids: Vec<uuid::Uuid> = rows
        .iter()
        .filter_map(|(_, cells)| cells.get("homeBranchId")?.as_str()?.parse().ok())
        .collect();
    branch_ids.sort();
    branch_ids.dedup();
    let branches: HashSet<uuid::Uuid> = Branches::existing(db, &branch_ids)
        .await?
        .into_iter()
        .collect();

    let mut results = Vec::with_capacity(rows.len());
    let mut changes = Vec::new();
    let mut seen_mobiles: HashMap<String, u64> = HashMap::new();
    let mut seen_external: HashMap<String, u64> = HashMap::new();
    for (line, cells) in rows {
        let outcome = check_row(
            &cells,
            &by_mobile,
            &by_external,
            &branches,
            state.home_country,
            &state.sealer,
        )
        .and_then(|change| {
            let new = change.new_customer();
            let mut errors = Vec::new();
            if let Some(first) = seen_mobiles.insert(new.mobile.as_str().to_owned(), line) {
                errors.push(FieldError::new(
                    "mobile",
                    "repeated",
                    format!("repeats line {first}"),
                ));
            }
            if let Some(external) = &new.profile.external_id
                && let Some(first) = seen_external.insert(external.clone(), line)
            {
                errors.push(FieldError::new(
                    "externalId",
                    "repeated",
                    format!("repeats line {first}"),
                ));
            }
            match errors.is_empty() {
                true => Ok(change),
                false => Err(errors),
            }
        });
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

/// What one row asks for, checked as the JSON API checks it.
fn check_row(
    cells: &serde_json::Map<String, serde_json::Value>,
    by_mobile: &HashMap<&str, &Customer>,
    by_external: &HashMap<&str, &Customer>,
    branches: &HashSet<uuid::Uuid>,
    home: HomeCountry,
    sealer: &crate::sealing::Sealer,
) -> Result<Change, Vec<FieldError>> {
    let external = cells
        .get("externalId")
        .and_then(|v| v.as_str())
        .map(str::trim);
    let mobile = cells
        .get("mobile")
        .and_then(|v| v.as_str())
        .and_then(|m| Phone::parse("mobile", m, home).ok());
    let target = external
        .and_then(|e| by_external.get(e))
        .or_else(|| mobile.as_ref().and_then(|m| by_mobile.get(m.as_str())))
        .copied();
    let change = match target {
        Some(customer) if customer.merged_into.is_some() || customer.erased_at.is_some() => {
            return Err(vec![FieldError::new(
                "mobile",
                "not_live",
                "belongs to a customer who was merged into another or erased",
            )]);
        }
        Some(customer) => {
            let new = patched(
                customer,
                &serde_json::Value::Object(cells.clone()),
                home,
                sealer,
            )
            .map_err(reasons)?;
            let mut errors = Vec::new();
            if let Some(other) = by_mobile.get(new.mobile.as_str())
                && other.id != customer.id
            {
                errors.push(FieldError::new(
                    "mobile",
                    "taken",
                    format!("belongs to customer {}", other.id),
                ));
            }
            if let Some(other) = new
                .profile
                .external_id
                .as_deref()
                .and_then(|e| by_external.get(e))
                && other.id != customer.id
            {
                errors.push(FieldError::new(
                    "externalId",
                    "taken",
                    format!("belongs to customer {}", other.id),
                ));
            }
            if !errors.is_empty() {
                return Err(errors);
            }
            Change::Update(Box::new(customer.clone()), new)
        }
        None => {
            let mut cells = cells.clone();
            cells.entry("source").or_insert_with(|| "import".into());
            let bytes = serde_json::to_vec(&cells)
                .map_err(|e| vec![FieldError::new("row", "invalid", e.to_string())])?;
            let fields: CustomerFields = parse_json(&bytes).map_err(reasons)?;
            let new = fields.check(home, sealer).map_err(|i| i.into_errors())?;
            Change::Create(uuid::Uuid::now_v7(), new)
        }
    };
    let new = change.new_customer();
    if let Some(branch) = new.home_branch_id
        && !branches.contains(&branch)
    {
        return Err(vec![FieldError::new(
            "homeBranchId",
            "not_found",
            "no branch has this id",
        )]);
    }
    Ok(change)
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
