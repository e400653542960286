//! The wire types of `identity::staff`: what its requests send and its answers show.

use chrono::{DateTime, Utc};
use jewel_domain::Role;
use jewel_domain::access::StaffUser;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A staff member.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({
    "id": "01936f0e-8f4a-7cc2-9a4e-1b2f3c4d5e6f", "name": "Ravi Kumar",
    "email": "ravi@example-jeweller.in", "phone": "+919876543210", "role": "sales",
    "branchIds": ["01936f0e-0000-7000-8000-000000000001"], "active": true, "version": 1,
    "createdAt": "2026-11-21T09:30:00Z", "updatedAt": "2026-11-21T09:30:00Z"
}))]
pub struct StaffView {
    pub(crate) id: uuid::Uuid,
    #[schema(value_type = crate::routes::wire::NameText)]
    pub(crate) name: String,
    #[schema(max_length = 254, format = "email")]
    pub(crate) email: String,
    #[schema(max_length = 16, pattern = r"^\+[1-9][0-9]{7,14}$")]
    pub(crate) phone: Option<String>,
    pub(crate) role: RoleName,
    /// Branches this person acts in; owners act in all and may have none.
    #[schema(max_items = 500)]
    pub(crate) branch_ids: Vec<uuid::Uuid>,
    pub(crate) active: bool,
    #[schema(minimum = 1)]
    pub(crate) version: i32,
    pub(crate) created_at: DateTime<Utc>,
    pub(crate) updated_at: DateTime<Utc>,
}

/// A staff role: `owner` (everything), `manager` (staff, stock and sales of
/// their branches), `sales` (the counter), `accountant` (books and reports).
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum RoleName {
    Owner,
    Manager,
    Sales,
    Accountant,
}

impl From<Role> for RoleName {
    fn from(role: Role) -> Self {
        match role {
            Role::Owner => RoleName::Owner,
            Role::Manager => RoleName::Manager,
            Role::Sales => RoleName::Sales,
            Role::Accountant => RoleName::Accountant,
        }
    }
}

impl From<StaffUser> for StaffView {
    fn from(user: StaffUser) -> Self {
        Self {
            id: user.id,
            name: user.name,
            email: user.email,
            phone: user.phone,
            role: user.role.into(),
            branch_ids: user.branch_ids,
            active: user.active,
            version: user.version,
            created_at: user.created_at,
            updated_at: user.updated_at,
        }
    }
}

/// A staff member to add, with a first password they can change.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(example = json!({
    "name": "Ravi Kumar", "email": "ravi@example-jeweller.in", "phone": "9876543210",
    "role": "sales", "branchIds": ["01936f0e-0000-7000-8000-000000000001"],
    "password": "first day passphrase"
}))]
pub struct NewStaffRequest {
    #[schema(value_type = crate::routes::wire::NameText)]
    pub(crate) name: String,
    #[schema(max_length = 254, format = "email")]
    pub(crate) email: String,
    #[schema(max_length = 20, pattern = r"^\+?[0-9 ()-]{8,19}$")]
    pub(crate) phone: Option<String>,
    pub(crate) role: RoleName,
    #[serde(default)]
    #[schema(max_items = 500)]
    pub(crate) branch_ids: Vec<uuid::Uuid>,
    #[schema(min_length = 10, max_length = 128, format = Password)]
    pub(crate) password: String,
}

/// Changes to a staff member; absent fields stay as they are.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(example = json!({"role": "manager", "branchIds": ["01936f0e-0000-7000-8000-000000000001"]}))]
pub struct StaffChanges {
    #[schema(value_type = Option<crate::routes::wire::NameText>)]
    pub(crate) name: Option<String>,
    #[schema(max_length = 20, pattern = r"^\+?[0-9 ()-]{8,19}$")]
    pub(crate) phone: Option<String>,
    pub(crate) role: Option<RoleName>,
    /// `false` disables the account and ends its sessions.
    pub(crate) active: Option<bool>,
    #[schema(max_items = 500)]
    pub(crate) branch_ids: Option<Vec<uuid::Uuid>>,
}
