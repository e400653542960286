//! Staff members: what the trail keeps of them, what the rest of the
//! business is told when one joins or changes, and the changes themselves.

use chrono::{DateTime, Utc};
use jewel_domain::Invalid;
use jewel_domain::access::{NewStaffUser, Role, StaffUser};
use jewel_persistence::repos::branches::Branches;
use jewel_persistence::repos::staff::{Staff, StaffPatch};
use serde::{Deserialize, Serialize};

use super::IdentityError;
use crate::Unit;

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
    check_branches(txn, &new.branch_ids).await?;
    let user = Staff::create(txn, new).await?;
    recorded(unit, "create", None, &user)?;
    Ok(user)
}

/// Changes `before` (as read) by `patch` if still at `expected_version`
/// (when given): the branches must exist, and the business never loses its
/// last active owner ([`IdentityError::LastOwner`]). The caller switches
/// off the sessions of one deactivated.
pub async fn change_staff(
    unit: &mut Unit,
    before: &StaffUser,
    expected_version: Option<i32>,
    patch: &StaffPatch,
) -> Result<StaffUser, IdentityError> {
    let role = patch.role.unwrap_or(before.role);
    let branches = patch.branch_ids.as_ref().unwrap_or(&before.branch_ids);
    let losing_an_owner = before.role == Role::Owner
        && before.active
        && (role != Role::Owner || patch.active == Some(false));
    let txn = unit.txn().await?;
    check_branches(txn, branches).await?;
    let after = Staff::update(txn, before.id, expected_version, patch).await?;
    if losing_an_owner && Staff::active_owners(txn).await? == 0 {
        return Err(IdentityError::LastOwner);
    }
    recorded(unit, "update", Some(before), &after)?;
    Ok(after)
}

/// Stores a staff member's new password hash (the caller checked the old
/// password and hashed the new one); audited without either. The caller
/// switches off their sessions in the same unit.
pub async fn change_password(
    unit: &mut Unit,
    staff_id: uuid::Uuid,
    hash: &str,
) -> Result<(), IdentityError> {
    Staff::set_password_hash(unit.txn().await?, staff_id, hash).await?;
    unit.audit::<()>("change_password", "staff", staff_id, None, None)?;
    Ok(())
}

/// Every one of `branches` must exist.
pub(super) async fn check_branches(
    db: &impl jewel_persistence::ConnectionTrait,
    branches: &[uuid::Uuid],
) -> Result<(), IdentityError> {
    let existing = Branches::existing(db, branches).await?;
    if let Some(missing) = branches.iter().find(|b| !existing.contains(b)) {
        return Err(
            Invalid::field("branchIds", "not_found", format!("no branch {missing}")).into(),
        );
    }
    Ok(())
}

/// Audits a change of a staff member and tells it as `staff.changed`.
fn recorded(
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
