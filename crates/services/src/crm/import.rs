//! Applying a checked customer import: every row in one transaction, or
//! none of them when the file was outrun by another change.

use jewel_domain::customer::{Customer, NewCustomer};
use jewel_persistence::RepoError;
use jewel_persistence::repos::customers::Customers;
use serde::Serialize;

use super::CrmError;
use super::events::{CustomerCreated, CustomerUpdated};
use crate::Unit;

/// A row of an import that will be applied.
pub enum ImportChange {
    /// A new customer under the id the report already named.
    Create(uuid::Uuid, NewCustomer),
    /// An existing customer (as the check read them) and what they become.
    Update(Box<Customer>, NewCustomer),
}

impl ImportChange {
    pub fn new_customer(&self) -> &NewCustomer {
        match self {
            Self::Create(_, new) | Self::Update(_, new) => new,
        }
    }
}

/// What the audit trail keeps of an import.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ImportRecord {
    pub created: u64,
    pub updated: u64,
    pub rejected: u64,
}

/// Adds and changes the customers of an import. A customer added or
/// changed while the file was checked (a mobile now taken, a version
/// moved on) refuses the whole import with [`CrmError::ImportOutrun`].
pub async fn apply_import(
    unit: &mut Unit,
    changes: &[ImportChange],
    rejected: u64,
) -> Result<(), CrmError> {
    let created = apply_rows(unit, changes).await?;
    let record = ImportRecord {
        created,
        updated: changes.len() as u64 - created,
        rejected,
    };
    unit.audit("import", "customer", uuid::Uuid::nil(), None, Some(&record))?;
    Ok(())
}

/// Adds and changes the customers of `changes` and tells each change, in
/// the unit's transaction; how many were added. A customer added or changed
/// since the rows were checked is [`CrmError::ImportOutrun`].
pub async fn apply_rows(unit: &mut Unit, changes: &[ImportChange]) -> Result<u64, CrmError> {
    let outrun = |error: RepoError| match error {
        RepoError::Taken { .. } | RepoError::StaleVersion => CrmError::ImportOutrun,
        other => other.into(),
    };
    let txn = unit.txn().await?;
    let creates: Vec<(uuid::Uuid, &NewCustomer)> = changes
        .iter()
        .filter_map(|c| match c {
            ImportChange::Create(id, new) => Some((*id, new)),
            ImportChange::Update(..) => None,
        })
        .collect();
    Customers::insert_many(txn, &creates)
        .await
        .map_err(outrun)?;
    for change in changes {
        if let ImportChange::Update(customer, new) = change {
            Customers::replace(txn, customer.id, Some(customer.version), new)
                .await
                .map_err(outrun)?;
        }
    }
    let created = creates.len() as u64;
    for change in changes {
        match change {
            ImportChange::Create(id, _) => unit.emit(&CustomerCreated {
                customer_id: *id,
                source: "import".to_owned(),
            })?,
            ImportChange::Update(customer, _) => unit.emit(&CustomerUpdated {
                customer_id: customer.id,
                change: "import".to_owned(),
                version: customer.version + 1,
            })?,
        }
    }
    Ok(created)
}
