//! Checking rows of customers to import, as the JSON API checks a
//! customer: what each row would change, or why it is refused. Shared by
//! the CSV import and import jobs.

use std::collections::{HashMap, HashSet};

use jewel_domain::FieldError;
use jewel_domain::contact::{HomeCountry, Phone};
use jewel_domain::customer::{Customer, NewCustomer};
use jewel_persistence::repos::branches::Branches;
use jewel_persistence::repos::customers::Customers;
use jewel_services::crm::import::ImportChange as Change;

use super::customers::{CustomerFields, patched};
use crate::error::ApiError;
use crate::extract::parse_json;
use crate::routes::wire::csv::{Cell, Row, reasons};
use crate::state::AppState;

/// The columns of an import and an export, named as the JSON fields.
pub(crate) const COLUMNS: [(&str, Cell); 16] = [
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

/// A row's refusal for repeating line `first`'s value of `field`.
pub(crate) fn repeated(field: &str, first: u64) -> FieldError {
    FieldError::new(field, "repeated", format!("repeats line {first}"))
}

/// The keys no two rows of one import may share: the mobile as stored
/// (when it reads as one) and the external id.
pub(crate) fn keys_of(
    cells: &serde_json::Map<String, serde_json::Value>,
    home: HomeCountry,
) -> [Option<String>; 2] {
    let mobile = cells
        .get("mobile")
        .and_then(|v| v.as_str())
        .and_then(|m| Phone::parse("mobile", m, home).ok())
        .map(|p| p.as_str().to_owned());
    let external = cells
        .get("externalId")
        .and_then(|v| v.as_str())
        .map(|e| e.trim().chars().take(80).collect());
    [mobile, external]
}

/// What each row asks for, checked as the JSON API checks it, reading
/// what the rows refer to in a few queries; `repeats` says what is wrong
/// with a valid row that repeats an earlier one.
pub(crate) async fn check_rows(
    state: &AppState,
    rows: Vec<Row>,
    mut repeats: impl FnMut(u64, &NewCustomer) -> Vec<FieldError>,
) -> Result<Vec<(u64, Result<Change, Vec<FieldError>>)>, ApiError> {
    let db = state.database.connection();
    let keys: Vec<[Option<String>; 2]> = rows
        .iter()
        .map(|(_, cells)| keys_of(cells, state.home_country))
        .collect();
    let mobiles: Vec<String> = keys.iter().filter_map(|[m, _]| m.clone()).collect();
    let external_ids: Vec<String> = keys.iter().filter_map(|[_, e]| e.clone()).collect();
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
    let known = Known {
        by_mobile: &by_mobile,
        by_external: &by_external,
        branches: &branches,
    };
    Ok(rows
        .into_iter()
        .map(|(line, cells)| {
            let outcome =
                check_row(&cells, &known, state.home_country, &state.sealer).and_then(|change| {
                    match repeats(line, change.new_customer()) {
                        errors if errors.is_empty() => Ok(change),
                        errors => Err(errors),
                    }
                });
            (line, outcome)
        })
        .collect())
}

/// What the rows of one check refer to.
struct Known<'a> {
    by_mobile: &'a HashMap<&'a str, &'a Customer>,
    by_external: &'a HashMap<&'a str, &'a Customer>,
    branches: &'a HashSet<uuid::Uuid>,
}

/// What one row asks for, checked as the JSON API checks it.
fn check_row(
    cells: &serde_json::Map<String, serde_json::Value>,
    known: &Known<'_>,
    home: HomeCountry,
    sealer: &crate::sealing::Sealer,
) -> Result<Change, Vec<FieldError>> {
    let Known {
        by_mobile,
        by_external,
        branches,
    } = known;
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
