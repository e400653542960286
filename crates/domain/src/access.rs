//! Who may do what: staff roles, the permissions each grants, and the kinds
//! of caller.

use serde::{Deserialize, Serialize};

/// A staff member's role in the business.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Runs the business: everything, in every branch.
    Owner,
    /// Runs a branch: staff, stock and sales of their branches.
    Manager,
    /// Sells at the counter: customers, quotes, invoices in their branches.
    Sales,
    /// Keeps the books: reads sales and reports, records payments.
    Accountant,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Owner, Role::Manager, Role::Sales, Role::Accountant];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Owner => "owner",
            Role::Manager => "manager",
            Role::Sales => "sales",
            Role::Accountant => "accountant",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == text)
    }

    /// The one table of what each role may do.
    pub fn permissions(self) -> &'static [Permission] {
        use Permission::*;
        match self {
            Role::Owner => &[
                BranchesRead,
                BranchesWrite,
                StaffRead,
                StaffWrite,
                AuditRead,
                ApiClientsWrite,
                CustomersRead,
                CustomersWrite,
                CustomersKyc,
                CustomersMerge,
                CustomersBulk,
                CustomersErase,
                InventoryRead,
                InventoryWrite,
                InventoryCost,
                InventoryReserve,
                MetalRatesWrite,
                SalesRead,
                SalesWrite,
                SalesApprove,
                PaymentsWrite,
                LoyaltyRead,
                LoyaltyAdjust,
                LoyaltySettings,
                ReportsRead,
                JobsRead,
                JobsWrite,
                JobsSettings,
                MessagesRead,
                MessagesSettings,
                CampaignsWrite,
                WebhooksWrite,
            ],
            Role::Manager => &[
                BranchesRead,
                StaffRead,
                StaffWrite,
                AuditRead,
                CustomersRead,
                CustomersWrite,
                CustomersKyc,
                CustomersMerge,
                CustomersBulk,
                InventoryRead,
                InventoryWrite,
                InventoryCost,
                InventoryReserve,
                MetalRatesWrite,
                SalesRead,
                SalesWrite,
                SalesApprove,
                PaymentsWrite,
                LoyaltyRead,
                LoyaltyAdjust,
                ReportsRead,
                JobsRead,
                JobsWrite,
                JobsSettings,
                MessagesRead,
                CampaignsWrite,
            ],
            Role::Sales => &[
                BranchesRead,
                CustomersRead,
                CustomersWrite,
                InventoryRead,
                InventoryReserve,
                SalesRead,
                SalesWrite,
                PaymentsWrite,
                LoyaltyRead,
                JobsRead,
                JobsWrite,
            ],
            Role::Accountant => &[
                BranchesRead,
                AuditRead,
                CustomersRead,
                CustomersKyc,
                InventoryRead,
                InventoryCost,
                SalesRead,
                PaymentsWrite,
                LoyaltyRead,
                ReportsRead,
                JobsRead,
            ],
        }
    }

    pub fn can(self, permission: Permission) -> bool {
        self.permissions().contains(&permission)
    }

    /// Whether this role works across every branch rather than its own.
    pub fn sees_all_branches(self) -> bool {
        self == Role::Owner
    }

    /// Whether a staff member of this role may give `other` to someone.
    /// Only the owner makes owners; a manager makes sales and accountants.
    pub fn may_assign(self, other: Role) -> bool {
        match self {
            Role::Owner => true,
            Role::Manager => matches!(other, Role::Sales | Role::Accountant),
            Role::Sales | Role::Accountant => false,
        }
    }
}

/// One thing a caller may be allowed to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Permission {
    #[serde(rename = "branches:read")]
    BranchesRead,
    #[serde(rename = "branches:write")]
    BranchesWrite,
    #[serde(rename = "staff:read")]
    StaffRead,
    #[serde(rename = "staff:write")]
    StaffWrite,
    #[serde(rename = "audit:read")]
    AuditRead,
    #[serde(rename = "api-clients:write")]
    ApiClientsWrite,
    #[serde(rename = "customers:read")]
    CustomersRead,
    #[serde(rename = "customers:write")]
    CustomersWrite,
    /// Seeing customers' KYC details (PAN) whole.
    #[serde(rename = "customers:kyc")]
    CustomersKyc,
    /// Merging a duplicate customer into another.
    #[serde(rename = "customers:merge")]
    CustomersMerge,
    /// CSV import and export of many customers at once.
    #[serde(rename = "customers:bulk")]
    CustomersBulk,
    /// Erasing a customer's personal data (the owner alone).
    #[serde(rename = "customers:erase")]
    CustomersErase,
    /// Designs, pieces, the stock ledger, metal rates and live prices.
    #[serde(rename = "inventory:read")]
    InventoryRead,
    /// Receiving stock and changing pieces and designs.
    #[serde(rename = "inventory:write")]
    InventoryWrite,
    /// Seeing what the store paid for a piece (never the sales role).
    #[serde(rename = "inventory:cost")]
    InventoryCost,
    /// Holding a piece for a customer and letting the hold go.
    #[serde(rename = "inventory:reserve")]
    InventoryReserve,
    /// Setting metal rates.
    #[serde(rename = "metal-rates:write")]
    MetalRatesWrite,
    /// Quotes, invoices, their payments and the customers' purchases.
    #[serde(rename = "sales:read")]
    SalesRead,
    /// Making quotes and invoices, issuing them, taking returns.
    #[serde(rename = "sales:write")]
    SalesWrite,
    /// Approving a discount beyond a role's limit, cancelling an invoice.
    #[serde(rename = "sales:approve")]
    SalesApprove,
    /// Recording payments against invoices.
    #[serde(rename = "payments:write")]
    PaymentsWrite,
    /// Customers' points and the loyalty programme's rules.
    #[serde(rename = "loyalty:read")]
    LoyaltyRead,
    /// Adding or taking a customer's points by hand.
    #[serde(rename = "loyalty:adjust")]
    LoyaltyAdjust,
    /// Changing the loyalty programme's rules (the owner alone).
    #[serde(rename = "loyalty:settings")]
    LoyaltySettings,
    /// Reading the business's reports (what it owes its customers, ...).
    #[serde(rename = "reports:read")]
    ReportsRead,
    /// Service jobs: job cards, their history, artisans' challans.
    #[serde(rename = "jobs:read")]
    JobsRead,
    /// Taking jobs in and moving them on.
    #[serde(rename = "jobs:write")]
    JobsWrite,
    /// The price list of service work.
    #[serde(rename = "jobs:settings")]
    JobsSettings,
    /// Messages to customers (their addresses and words) and templates.
    #[serde(rename = "messages:read")]
    MessagesRead,
    /// Saving message templates (the owner alone).
    #[serde(rename = "messages:settings")]
    MessagesSettings,
    /// Segments of customers and campaigns to them.
    #[serde(rename = "campaigns:write")]
    CampaignsWrite,
    /// Webhook endpoints: the business's (the owner), or an API client's
    /// own.
    #[serde(rename = "webhooks:write")]
    WebhooksWrite,
}

impl Permission {
    pub fn as_str(self) -> &'static str {
        match self {
            Permission::BranchesRead => "branches:read",
            Permission::BranchesWrite => "branches:write",
            Permission::StaffRead => "staff:read",
            Permission::StaffWrite => "staff:write",
            Permission::AuditRead => "audit:read",
            Permission::ApiClientsWrite => "api-clients:write",
            Permission::CustomersRead => "customers:read",
            Permission::CustomersWrite => "customers:write",
            Permission::CustomersKyc => "customers:kyc",
            Permission::CustomersMerge => "customers:merge",
            Permission::CustomersBulk => "customers:bulk",
            Permission::CustomersErase => "customers:erase",
            Permission::InventoryRead => "inventory:read",
            Permission::InventoryWrite => "inventory:write",
            Permission::InventoryCost => "inventory:cost",
            Permission::InventoryReserve => "inventory:reserve",
            Permission::MetalRatesWrite => "metal-rates:write",
            Permission::SalesRead => "sales:read",
            Permission::SalesWrite => "sales:write",
            Permission::SalesApprove => "sales:approve",
            Permission::PaymentsWrite => "payments:write",
            Permission::LoyaltyRead => "loyalty:read",
            Permission::LoyaltyAdjust => "loyalty:adjust",
            Permission::LoyaltySettings => "loyalty:settings",
            Permission::ReportsRead => "reports:read",
            Permission::JobsRead => "jobs:read",
            Permission::JobsWrite => "jobs:write",
            Permission::JobsSettings => "jobs:settings",
            Permission::MessagesRead => "messages:read",
            Permission::MessagesSettings => "messages:settings",
            Permission::CampaignsWrite => "campaigns:write",
            Permission::WebhooksWrite => "webhooks:write",
        }
    }

    /// The permissions an integrator's API client may be granted as scopes:
    /// reading and writing business records, never managing people or keys.
    pub const CLIENT_SCOPES: [Permission; 18] = [
        Permission::BranchesRead,
        Permission::BranchesWrite,
        Permission::CustomersRead,
        Permission::CustomersWrite,
        Permission::CustomersBulk,
        Permission::InventoryRead,
        Permission::InventoryWrite,
        Permission::InventoryCost,
        Permission::MetalRatesWrite,
        Permission::SalesRead,
        Permission::SalesWrite,
        Permission::PaymentsWrite,
        Permission::LoyaltyRead,
        Permission::LoyaltyAdjust,
        Permission::ReportsRead,
        Permission::JobsRead,
        Permission::JobsWrite,
        Permission::WebhooksWrite,
    ];

    /// The scope named `text`, if an API client may hold it.
    pub fn client_scope(text: &str) -> Option<Self> {
        Self::CLIENT_SCOPES.into_iter().find(|p| p.as_str() == text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_round_trip_through_their_names() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse("admin"), None);
    }

    #[test]
    fn clients_cannot_hold_people_permissions() {
        assert_eq!(
            Permission::client_scope("branches:read"),
            Some(Permission::BranchesRead)
        );
        assert_eq!(Permission::client_scope("staff:write"), None);
        assert_eq!(Permission::client_scope("api-clients:write"), None);
    }

    #[test]
    fn only_the_owner_manages_branches_and_makes_owners() {
        assert!(Role::Owner.can(Permission::BranchesWrite));
        assert!(!Role::Manager.can(Permission::BranchesWrite));
        assert!(!Role::Sales.can(Permission::StaffRead));
        assert!(Role::Owner.may_assign(Role::Owner));
        assert!(!Role::Manager.may_assign(Role::Owner));
        assert!(!Role::Manager.may_assign(Role::Manager));
        assert!(Role::Manager.may_assign(Role::Sales));
    }
}

/// A staff member as stored (never with the password hash).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffUser {
    pub id: uuid::Uuid,
    pub name: String,
    pub email: String,
    pub phone: Option<String>,
    pub role: Role,
    pub branch_ids: Vec<uuid::Uuid>,
    pub active: bool,
    pub version: i32,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

impl StaffUser {
    /// Whether this staff member acts in `branch`.
    pub fn acts_in(&self, branch: uuid::Uuid) -> bool {
        self.role.sees_all_branches() || self.branch_ids.contains(&branch)
    }
}

/// A staff member to create, every field already valid.
#[derive(Debug, Clone)]
pub struct NewStaffUser {
    pub name: crate::contact::PersonName,
    pub email: crate::contact::Email,
    pub phone: Option<crate::contact::Phone>,
    pub role: Role,
    pub branch_ids: Vec<uuid::Uuid>,
    /// The argon2id PHC string, never the password.
    pub password_hash: String,
}

/// An integrator's API client (OAuth2 client credentials).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiClient {
    pub id: uuid::Uuid,
    /// The public `client_id` sent to `/oauth/token`.
    pub client_id: String,
    pub name: String,
    pub scopes: Vec<Permission>,
    /// Branches the client is limited to; empty for all.
    pub branch_ids: Vec<uuid::Uuid>,
    /// Requests per rate-limit window; `None` for the configured default.
    pub rate_limit: Option<u64>,
    pub active: bool,
    pub version: i32,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

/// An API client to register; the secret itself is never stored.
#[derive(Debug, Clone)]
pub struct NewApiClient {
    pub client_id: String,
    pub name: crate::contact::PersonName,
    pub secret_hash: String,
    pub scopes: Vec<Permission>,
    pub branch_ids: Vec<uuid::Uuid>,
    pub rate_limit: Option<u64>,
}
