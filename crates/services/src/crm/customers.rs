//! Reading a customer for a change: one that was merged lives on in the
//! survivor, and one whose data was erased cannot change.

use jewel_domain::customer::Customer;
use jewel_persistence::repos::customers::Customers;
use jewel_persistence::{ConnectionTrait, RepoError};

/// Why the CRM refuses.
#[derive(Debug, thiserror::Error)]
pub enum CrmError {
    #[error("no such customer")]
    NotFound,
    /// Merged into another customer, which holds the record now.
    #[error("this customer was merged into {survivor}")]
    Merged { survivor: uuid::Uuid },
    /// The customer's personal data was erased; the record cannot change.
    #[error("this customer's personal data was erased; the record cannot change")]
    Erased,
    #[error(transparent)]
    Store(#[from] RepoError),
}

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
