//! Identity: staff members, what the trail keeps of them and what the rest
//! of the business is told when one joins or changes.

use chrono::{DateTime, Utc};
use jewel_domain::Invalid;
use jewel_domain::access::{NewStaffUser, StaffUser};
use jewel_persistence::RepoError;
use jewel_persistence::repos::branches::Branches;
use jewel_persistence::repos::staff::Staff;
use serde::{Deserialize, Serialize};

use crate::Unit;

/// Why identity refuses.
#[derive(Debug, thiserror::Error)]
pub enum IdentityError {
    /// A rule of the domain, field by field (a branch that does not exist).
    #[error(transparent)]
    Invalid(#[from] Invalid),
    #[error(transparent)]
    Store(#[from] RepoError),
    #[error(transparent)]
    Record(#[from] crate::unit::RecordError),
}

/// A staff member as the audit trail and events keep them: never the
/// password hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StaffRecord {
    pub id: uuid::Uuid,
    pub name: String,
    pub email: String,
    pub phone: Option<String>,
    /// `owner`, `manager`, `sales` or `accountant`.
    pub role: String,
    pub branch_ids: Vec<uuid::Uuid>,
    pub active: bool,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<&StaffUser> for StaffRecord {
    fn from(user: &StaffUser) -> Self {
        Self {
            id: user.id,
            name: user.name.clone(),
            email: user.email.clone(),
            phone: user.phone.clone(),
            role: user.role.as_str().to_owned(),
            branch_ids: user.branch_ids.clone(),
            active: user.active,
            version: user.version,
            created_at: user.created_at,
            updated_at: user.updated_at,
        }
    }
}

/// `staff.changed`: a staff member joined, or their role, branches or
/// standing changed. No personal details: readers fetch the record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StaffChanged {
    pub staff_id: uuid::Uuid,
    /// `created` or `updated`.
    pub change: String,
    pub role: String,
    pub branch_ids: Vec<uuid::Uuid>,
    pub active: bool,
    pub version: i32,
}

impl StaffChanged {
    pub fn of(user: &StaffUser, change: &str) -> Self {
        Self {
            staff_id: user.id,
            change: change.to_owned(),
            role: user.role.as_str().to_owned(),
            branch_ids: user.branch_ids.clone(),
            active: user.active,
            version: user.version,
        }
    }
}

// Staff of several branches (or of all) concern no single one, and are not
// the whole business's either: readers scoped to branches see only those of
// one of theirs.
impl crate::events::DomainEvent for StaffChanged {
    const TYPE: &'static str = "staff.changed";
    const VERSION: i32 = 1;

    fn entity(&self) -> (&'static str, String) {
        ("staff", self.staff_id.to_string())
    }

    fn branch(&self) -> Option<uuid::Uuid> {
        match self.branch_ids.as_slice() {
            [only] => Some(*only),
            _ => None,
        }
    }

    fn business_wide(&self) -> bool {
        false
    }
}

/// Adds a staff member, checking that their branches exist; audited and
/// told as `staff.changed`.
pub async fn create_staff(unit: &mut Unit, new: &NewStaffUser) -> Result<StaffUser, IdentityError> {
    let txn = unit.txn().await?;
    let existing = Branches::existing(txn, &new.branch_ids).await?;
    if let Some(missing) = new.branch_ids.iter().find(|b| !existing.contains(b)) {
        return Err(
            Invalid::field("branchIds", "not_found", format!("no branch {missing}")).into(),
        );
    }
    let user = Staff::create(txn, new).await?;
    recorded(unit, "create", None, &user)?;
    Ok(user)
}

/// Audits a change of a staff member and tells it as `staff.changed`.
pub fn recorded(
    unit: &mut Unit,
    action: &str,
    before: Option<&StaffUser>,
    after: &StaffUser,
) -> Result<(), IdentityError> {
    let before = before.map(StaffRecord::from);
    let record = StaffRecord::from(after);
    unit.audit(action, "staff", after.id, before.as_ref(), Some(&record))?;
    let change = if before.is_none() {
        "created"
    } else {
        "updated"
    };
    unit.emit(&StaffChanged::of(after, change))?;
    Ok(())
}
