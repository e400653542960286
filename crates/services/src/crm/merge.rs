//! Folding a duplicate customer into the one who stays, and erasing a
//! customer's personal data at their request. Each is one transaction;
//! the caller switches off the customer's sessions in the same unit.

use std::collections::BTreeMap;

use jewel_domain::Invalid;
use jewel_domain::customer::{Customer, NewCustomer};
use jewel_persistence::repos::audit::AuditTrail;
use jewel_persistence::repos::consents::Consents;
use jewel_persistence::repos::customer_records;
use jewel_persistence::repos::customers::Customers;
use jewel_persistence::repos::invoices::Invoices;

use super::customers::{changeable_customer, taken};
use super::events::{CustomerErased, CustomerMerged};
use super::{CrmError, CustomerRecord};
use crate::Unit;

/// Records of each kind (`interactions`, `tasks`, `wishList`, ...).
pub type Counts = BTreeMap<&'static str, u64>;

/// The two customers of a merge, both still changeable: the survivor
/// `survivor_id` and the duplicate `duplicate_id`, which must be another,
/// known and not merged already.
pub async fn merge_pair(
    unit: &Unit,
    survivor_id: uuid::Uuid,
    duplicate_id: uuid::Uuid,
) -> Result<(Customer, Customer), CrmError> {
    if duplicate_id == survivor_id {
        return Err(Invalid::field(
            "duplicateId",
            "same_customer",
            "a customer cannot be merged into themselves",
        )
        .into());
    }
    let survivor = changeable_customer(unit.db(), survivor_id).await?;
    let duplicate = match changeable_customer(unit.db(), duplicate_id).await {
        Err(CrmError::NotFound) => {
            return Err(Invalid::field("duplicateId", "not_found", "no such customer").into());
        }
        Err(CrmError::Merged { survivor }) => return Err(CrmError::AlreadyMerged { survivor }),
        other => other?,
    };
    Ok((survivor, duplicate))
}

/// What would move from `duplicate` in a merge.
pub async fn would_move(unit: &Unit, duplicate: &Customer) -> Result<Counts, CrmError> {
    let counts = customer_records::count(unit.db(), duplicate.id).await?;
    Ok(counts.into_iter().collect())
}

/// A merge done: the survivor as it is now and what moved to them.
#[derive(Debug, Clone)]
pub struct Merged {
    pub survivor: Customer,
    pub moved: Counts,
}

/// Merges `duplicate` into `survivor` (both as read), whose record
/// becomes `new` (the two absorbed, checked whole) if it is still at
/// `expected_version`: every record of the duplicate moves, consents the
/// survivor never decided are adopted, purchases are counted again, and
/// the duplicate is archived pointing at the survivor. Of two merges
/// racing for one duplicate exactly one wins; the other is
/// [`CrmError::MergedMeanwhile`].
pub async fn merge(
    unit: &mut Unit,
    survivor: &Customer,
    duplicate: &Customer,
    expected_version: Option<i32>,
    new: &NewCustomer,
) -> Result<Merged, CrmError> {
    let txn = unit.txn().await?;
    // First, so that of two merges racing for one duplicate exactly one wins.
    if !Customers::mark_merged(txn, duplicate.id, survivor.id).await? {
        return Err(CrmError::MergedMeanwhile);
    }
    let moved: Counts = customer_records::reassign(txn, duplicate.id, survivor.id)
        .await?
        .into_iter()
        .collect();
    for customer in [duplicate.id, survivor.id] {
        Invoices::refresh_purchases(txn, customer).await?;
    }
    Consents::adopt(txn, duplicate.id, survivor.id).await?;
    let after = Customers::replace(txn, survivor.id, expected_version, new)
        .await
        .map_err(|error| taken(error, new))?;
    unit.audit(
        "merge",
        "customer",
        survivor.id,
        Some(&serde_json::json!({
            "survivor": CustomerRecord::from(survivor),
            "duplicate": CustomerRecord::from(duplicate),
        })),
        Some(&serde_json::json!({"survivor": CustomerRecord::from(&after), "moved": moved})),
    )?;
    unit.audit(
        "merged_into",
        "customer",
        duplicate.id,
        None,
        Some(&serde_json::json!({"mergedInto": survivor.id})),
    )?;
    unit.emit(&CustomerMerged {
        customer_id: duplicate.id,
        survivor_id: survivor.id,
    })?;
    Ok(Merged {
        survivor: after,
        moved,
    })
}

/// An erasure done: the record as it stays, the records deleted, and how
/// many audit entries lost their before and after.
#[derive(Debug, Clone)]
pub struct Erased {
    pub customer: Customer,
    pub deleted: Counts,
    pub redacted_audit_events: u64,
}

/// Erases the personal data of `customer` (as read) if still at
/// `expected_version`: the record keeps its id and what the law keeps,
/// the records that are only about the person go, and the audit trail
/// forgets what it held of them.
pub async fn erase(
    unit: &mut Unit,
    customer: &Customer,
    expected_version: Option<i32>,
) -> Result<Erased, CrmError> {
    let txn = unit.txn().await?;
    let deleted: Counts = customer_records::erase(txn, customer.id)
        .await?
        .into_iter()
        .collect();
    let erased = Customers::erase(txn, customer.id, expected_version).await?;
    // What was written to them, and where: the person's, gone with them.
    jewel_persistence::repos::messages::Messages::erase_of(txn, customer.id).await?;
    let redacted = AuditTrail::redact(txn, "customer", &customer.id.to_string()).await?;
    unit.audit(
        "erase",
        "customer",
        customer.id,
        None,
        Some(&serde_json::json!({"deleted": deleted, "redactedAuditEvents": redacted})),
    )?;
    unit.emit(&CustomerErased {
        customer_id: customer.id,
    })?;
    Ok(Erased {
        customer: erased,
        deleted,
        redacted_audit_events: redacted,
    })
}
