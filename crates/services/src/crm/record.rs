//! What the audit trail keeps of a customer: built from the domain's
//! customer, not from the API's view, so that renaming a field of the API
//! leaves the history as it was written. The PAN is kept masked (its last
//! four characters), never whole.

use chrono::{DateTime, NaiveDate, Utc};
use jewel_domain::customer::{Address, BudgetBand, Customer, Preferences, SealedPan, Source};
use serde::Serialize;

/// A customer as the audit trail keeps them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CustomerRecord {
    pub id: uuid::Uuid,
    pub name: String,
    pub mobile: String,
    pub other_phones: Vec<String>,
    pub email: Option<String>,
    pub addresses: Vec<Address>,
    pub home_branch_id: Option<uuid::Uuid>,
    pub assigned_staff_id: Option<uuid::Uuid>,
    pub date_of_birth: Option<NaiveDate>,
    pub anniversary: Option<NaiveDate>,
    pub spouse_name: Option<String>,
    pub spouse_date_of_birth: Option<NaiveDate>,
    pub ring_size: Option<String>,
    pub preferences: Preferences,
    pub budget_band: Option<BudgetBand>,
    pub tags: Vec<String>,
    pub notes: Option<String>,
    pub source: Source,
    pub external_id: Option<String>,
    /// Masked: `XXXXXX234F`.
    pub pan: Option<String>,
    pub archived_at: Option<DateTime<Utc>>,
    pub merged_into_id: Option<uuid::Uuid>,
    pub erased_at: Option<DateTime<Utc>>,
    pub version: i32,
}

impl From<&Customer> for CustomerRecord {
    fn from(c: &Customer) -> Self {
        let profile = &c.profile;
        Self {
            id: c.id,
            name: c.name.clone(),
            mobile: c.mobile.clone(),
            other_phones: profile.other_phones.clone(),
            email: c.email.clone(),
            addresses: profile.addresses.clone(),
            home_branch_id: c.home_branch_id,
            assigned_staff_id: profile.assigned_staff_id,
            date_of_birth: c.occasions.date_of_birth,
            anniversary: c.occasions.anniversary,
            spouse_name: c.occasions.spouse_name.clone(),
            spouse_date_of_birth: c.occasions.spouse_date_of_birth,
            ring_size: c.occasions.ring_size.clone(),
            preferences: profile.preferences.clone(),
            budget_band: profile.budget_band,
            tags: profile.tags.clone(),
            notes: profile.notes.clone(),
            source: profile.source,
            external_id: profile.external_id.clone(),
            pan: c.pan.as_ref().map(SealedPan::masked),
            archived_at: c.archived_at,
            merged_into_id: c.merged_into,
            erased_at: c.erased_at,
            version: c.version,
        }
    }
}
