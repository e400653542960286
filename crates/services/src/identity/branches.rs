//! Branches: opened and changed by the owner, each change audited as
//! [`BranchRecord`].

use jewel_domain::branch::{Branch, BranchPatch, NewBranch};
use jewel_persistence::repos::branches::Branches;
use serde::Serialize;

use super::IdentityError;
use crate::Unit;

/// A branch as the audit trail keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BranchRecord {
    pub id: uuid::Uuid,
    pub code: String,
    pub name: String,
    pub address: String,
    pub state_code: String,
    pub gstin: Option<String>,
    pub timezone: String,
    pub version: i32,
}

impl From<&Branch> for BranchRecord {
    fn from(b: &Branch) -> Self {
        Self {
            id: b.id,
            code: b.code.clone(),
            name: b.name.clone(),
            address: b.address.clone(),
            state_code: b.state_code.clone(),
            gstin: b.gstin.clone(),
            timezone: b.timezone.clone(),
            version: b.version,
        }
    }
}

/// Opens a branch (checked); a code that is taken is the store's 409.
pub async fn open_branch(unit: &mut Unit, new: &NewBranch) -> Result<Branch, IdentityError> {
    let branch = Branches::create(unit.txn().await?, new).await?;
    let record = BranchRecord::from(&branch);
    unit.audit("create", "branch", branch.id, None, Some(&record))?;
    Ok(branch)
}

/// Changes `before` (as read) by `patch` if still at `expected_version`
/// (when given).
pub async fn change_branch(
    unit: &mut Unit,
    before: &Branch,
    expected_version: Option<i32>,
    patch: &BranchPatch,
) -> Result<Branch, IdentityError> {
    let after = Branches::update(unit.txn().await?, before.id, expected_version, patch).await?;
    let (was, is) = (BranchRecord::from(before), BranchRecord::from(&after));
    unit.audit("update", "branch", after.id, Some(&was), Some(&is))?;
    Ok(after)
}
