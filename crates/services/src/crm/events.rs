//! What the CRM tells the rest of the business about customers. Payloads
//! carry ids and standing, never personal details: a reader fetches the
//! record (and an erased customer's details are gone from everywhere).

use serde::{Deserialize, Serialize};

/// `customer.created`: a customer added by staff, a client, an import or
/// the customer themselves.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CustomerCreated {
    pub customer_id: uuid::Uuid,
    /// `api`, `import` or `self_registration`.
    pub source: String,
}

/// `customer.updated`: a customer's profile changed, or the customer was
/// archived or brought back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CustomerUpdated {
    pub customer_id: uuid::Uuid,
    /// `profile`, `archived`, `restored`, `import` or `consent`.
    pub change: String,
    pub version: i32,
}

/// `customer.merged`: a duplicate folded into the survivor, which now
/// holds its history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CustomerMerged {
    pub customer_id: uuid::Uuid,
    pub survivor_id: uuid::Uuid,
}

/// `customer.erased`: a customer's personal data erased at their request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CustomerErased {
    pub customer_id: uuid::Uuid,
}

// Customers belong to the whole business.
domain_event!(
    CustomerCreated,
    "customer.created",
    "customer",
    customer_id,
    |_e| None
);
domain_event!(
    CustomerUpdated,
    "customer.updated",
    "customer",
    customer_id,
    |_e| None
);
domain_event!(
    CustomerMerged,
    "customer.merged",
    "customer",
    customer_id,
    |_e| None
);
domain_event!(
    CustomerErased,
    "customer.erased",
    "customer",
    customer_id,
    |_e| None
);
