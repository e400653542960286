//! Customers kept in step with another system (an ERP, a web shop) by its
//! own ids: a system's id makes the customer the first time and changes
//! them after, and a request sent twice changes nothing the second time.

use jewel_domain::customer::{Customer, NewCustomer};
use jewel_domain::external_ref::ExternalRef;
use jewel_persistence::RepoError;
use jewel_persistence::repos::external_refs::ExternalRefs;

use super::CrmError;
use super::customers::{changeable_customer, create, live_customer, update};
use crate::Unit;

/// The kind of record a customer's external ids name.
pub const CUSTOMER: &str = "customer";

/// Makes the customer `found` names from `new`, or, when it names one
/// already, makes them hold `new` (nothing changes when they do). The
/// customer, and `true` when made now.
///
/// Of requests racing with one new id, one makes the customer; the others
/// fail on the id or the mobile number ([`may_have_raced`]) and, tried
/// again in a new unit, change the customer the first made.
pub async fn upsert_customer(
    unit: &mut Unit,
    found: &ExternalRef,
    new: &NewCustomer,
) -> Result<(Customer, bool), CrmError> {
    if let Some(id) = ExternalRefs::find(unit.db(), CUSTOMER, found).await? {
        let before = changeable_customer(unit.db(), id).await?;
        if before.holds(new) {
            return Ok((before, false));
        }
        return Ok((update(unit, &before, None, new).await?, false));
    }
    let customer = create(unit, new, true).await?;
    ExternalRefs::insert(unit.txn().await?, CUSTOMER, found, customer.id).await?;
    Ok((customer, true))
}

/// Whether an upsert may have failed only for another one racing it (then
/// it is tried once more, in a new unit).
pub fn may_have_raced(error: &CrmError) -> bool {
    matches!(
        error,
        CrmError::MobileTaken { .. }
            | CrmError::Store(RepoError::Taken { .. } | RepoError::Database(_))
    )
}

/// The customer `found` names, if any.
pub async fn customer_of(
    db: &impl jewel_persistence::ConnectionTrait,
    found: &ExternalRef,
) -> Result<Customer, CrmError> {
    let id = ExternalRefs::find(db, CUSTOMER, found)
        .await?
        .ok_or(CrmError::NotFound)?;
    live_customer(db, id).await
}
