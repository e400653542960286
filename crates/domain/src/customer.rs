//! Customers: the people the business sells to, one per mobile number.

/// A customer as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Customer {
    pub id: uuid::Uuid,
    pub name: String,
    /// E.164, unique.
    pub mobile: String,
    pub email: Option<String>,
    pub home_branch_id: Option<uuid::Uuid>,
    pub version: i32,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

/// A customer to add, every field already valid.
#[derive(Debug, Clone)]
pub struct NewCustomer {
    pub name: crate::contact::PersonName,
    pub mobile: crate::contact::Phone,
    pub email: Option<crate::contact::Email>,
    pub home_branch_id: Option<uuid::Uuid>,
}
