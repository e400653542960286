//! A customer's life in the CRM: added by staff or by themselves, changed,
//! archived and brought back, given a login. Each change is audited as
//! [`CustomerRecord`] and told as an event.

use jewel_domain::Invalid;
use jewel_domain::customer::{Customer, NewCustomer};
use jewel_persistence::repos::customers::Customers;
use jewel_persistence::repos::staff::Staff;
use jewel_persistence::{ConnectionTrait, RepoError};

use super::CrmError;
use super::events::{CustomerCreated, CustomerUpdated};
use super::record::CustomerRecord;
use crate::{Actor, Unit};

/// The customer `id`, unless unknown or merged into another.
pub async fn live_customer(
    db: &impl ConnectionTrait,
    id: uuid::Uuid,
) -> Result<Customer, CrmError> {
    let customer = Customers::get(db, id).await?.ok_or(CrmError::NotFound)?;
    match customer.merged_into {
        Some(survivor) => Err(CrmError::Merged { survivor }),
        None => Ok(customer),
    }
}

/// A live customer that may still be changed: not erased.
pub async fn changeable_customer(
    db: &impl ConnectionTrait,
    id: uuid::Uuid,
) -> Result<Customer, CrmError> {
    let customer = live_customer(db, id).await?;
    if customer.erased_at.is_some() {
        return Err(CrmError::Erased);
    }
    Ok(customer)
}

/// Adds a customer for staff or a client. A mobile number that is taken
/// is [`CrmError::MobileTaken`]; customers who only look alike are
/// [`CrmError::LikelyDuplicates`] unless the caller `confirmed` that the
/// new one is someone else.
pub async fn create(
    unit: &mut Unit,
    new: &NewCustomer,
    confirmed: bool,
) -> Result<Customer, CrmError> {
    check_assigned_staff(unit.db(), new).await?;
    if Customers::by_mobile(unit.db(), new.mobile.as_str())
        .await?
        .is_some()
    {
        return Err(mobile_taken(new));
    }
    if !confirmed {
        let candidates = Customers::likely_duplicates(unit.db(), new, None).await?;
        if !candidates.is_empty() {
            return Err(CrmError::LikelyDuplicates(candidates));
        }
    }
    let customer = Customers::create(unit.txn().await?, new)
        .await
        .map_err(|error| taken(error, new))?;
    unit.audit(
        "create",
        "customer",
        customer.id,
        None,
        Some(&CustomerRecord::from(&customer)),
    )?;
    unit.emit(&CustomerCreated {
        customer_id: customer.id,
        source: "api".to_owned(),
    })?;
    Ok(customer)
}

/// A customer signing themselves up with the password's `hash`: from
/// then on the work is theirs.
pub async fn sign_up(
    unit: &mut Unit,
    new: &NewCustomer,
    password_hash: &str,
) -> Result<Customer, CrmError> {
    let txn = unit.txn().await?;
    let customer = Customers::create(txn, new)
        .await
        .map_err(|error| taken(error, new))?;
    Customers::set_login(txn, customer.id, password_hash).await?;
    unit.act_as(Actor::Customer(customer.id));
    unit.audit(
        "create",
        "customer",
        customer.id,
        None,
        Some(&CustomerRecord::from(&customer)),
    )?;
    unit.emit(&CustomerCreated {
        customer_id: customer.id,
        source: "self_registration".to_owned(),
    })?;
    Ok(customer)
}

/// Replaces what is known of `before` (as read) by `new`, if it is still
/// at `expected_version` (when given).
pub async fn update(
    unit: &mut Unit,
    before: &Customer,
    expected_version: Option<i32>,
    new: &NewCustomer,
) -> Result<Customer, CrmError> {
    check_assigned_staff(unit.db(), new).await?;
    let after = Customers::replace(unit.txn().await?, before.id, expected_version, new)
        .await
        .map_err(|error| taken(error, new))?;
    unit.audit(
        "update",
        "customer",
        after.id,
        Some(&CustomerRecord::from(before)),
        Some(&CustomerRecord::from(&after)),
    )?;
    unit.emit(&CustomerUpdated {
        customer_id: after.id,
        change: "profile".to_owned(),
        version: after.version,
    })?;
    Ok(after)
}

/// Archives (left out of lists, searches and occasions, kept whole) or
/// brings back the customer `id`.
pub async fn set_archived(
    unit: &mut Unit,
    id: uuid::Uuid,
    expected_version: Option<i32>,
    archived: bool,
) -> Result<Customer, CrmError> {
    changeable_customer(unit.db(), id).await?;
    let customer =
        Customers::set_archived(unit.txn().await?, id, expected_version, archived).await?;
    let (action, change) = match archived {
        true => ("archive", "archived"),
        false => ("restore", "restored"),
    };
    unit.audit::<()>(action, "customer", id, None, None)?;
    unit.emit(&CustomerUpdated {
        customer_id: id,
        change: change.to_owned(),
        version: customer.version,
    })?;
    Ok(customer)
}

/// Gives the customer `id` a self-service login with the password's
/// `hash`, or a new password.
pub async fn set_login(
    unit: &mut Unit,
    id: uuid::Uuid,
    password_hash: &str,
) -> Result<(), CrmError> {
    let customer = Customers::get(unit.db(), id)
        .await?
        .ok_or(CrmError::NotFound)?;
    Customers::set_login(unit.txn().await?, customer.id, password_hash).await?;
    unit.audit::<()>("set_login", "customer", customer.id, None, None)?;
    Ok(())
}

/// The assigned sales person must be a staff member.
async fn check_assigned_staff(
    db: &impl ConnectionTrait,
    new: &NewCustomer,
) -> Result<(), CrmError> {
    if let Some(staff) = new.profile.assigned_staff_id
        && Staff::get(db, staff).await?.is_none()
    {
        return Err(Invalid::field(
            "assignedStaffId",
            "not_found",
            "no staff member has this id",
        )
        .into());
    }
    Ok(())
}

fn mobile_taken(new: &NewCustomer) -> CrmError {
    CrmError::MobileTaken {
        mobile: new.mobile.as_str().to_owned(),
    }
}

/// A taken mobile as the CRM tells it; other taken values (an external
/// id) as the store does.
pub(super) fn taken(error: RepoError, new: &NewCustomer) -> CrmError {
    match error {
        RepoError::Taken { field: "mobile" } => mobile_taken(new),
        other => other.into(),
    }
}
