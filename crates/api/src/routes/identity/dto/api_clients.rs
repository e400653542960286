//! The wire types of `identity::api_clients`: what its requests send and its answers show.

use chrono::{DateTime, Utc};
use jewel_domain::Permission;
use jewel_domain::access::ApiClient;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// An integrator's API client (without its secret).
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({
    "id": "01936f0e-7777-7000-8000-000000000007", "clientId": "jc_01936f0e777770008000000000000007",
    "name": "Odoo stock sync", "scopes": ["branches:read"], "branchIds": [], "rateLimit": null,
    "active": true, "version": 1, "createdAt": "2026-11-21T09:30:00Z", "updatedAt": "2026-11-21T09:30:00Z"
}))]
pub struct ApiClientView {
    pub(crate) id: uuid::Uuid,
    /// Send as `client_id` to `POST /oauth/token`.
    #[schema(max_length = 64, pattern = "^jc_[0-9a-f]{32}$")]
    pub(crate) client_id: String,
    #[schema(value_type = crate::routes::wire::NameText)]
    pub(crate) name: String,
    #[schema(max_items = 16)]
    pub(crate) scopes: Vec<ScopeName>,
    /// Branches the client is limited to; empty for all.
    #[schema(max_items = 500)]
    pub(crate) branch_ids: Vec<uuid::Uuid>,
    /// Requests per rate-limit window; `null` for the server's default.
    #[schema(minimum = 1, maximum = 1_000_000)]
    pub(crate) rate_limit: Option<u64>,
    pub(crate) active: bool,
    #[schema(minimum = 1)]
    pub(crate) version: i32,
    pub(crate) created_at: DateTime<Utc>,
    pub(crate) updated_at: DateTime<Utc>,
}

/// A scope an API client may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub enum ScopeName {
    #[serde(rename = "branches:read")]
    BranchesRead,
    #[serde(rename = "branches:write")]
    BranchesWrite,
    #[serde(rename = "customers:read")]
    CustomersRead,
    #[serde(rename = "customers:write")]
    CustomersWrite,
    #[serde(rename = "customers:bulk")]
    CustomersBulk,
    #[serde(rename = "inventory:read")]
    InventoryRead,
    #[serde(rename = "inventory:write")]
    InventoryWrite,
    #[serde(rename = "inventory:cost")]
    InventoryCost,
    #[serde(rename = "metal-rates:write")]
    MetalRatesWrite,
    #[serde(rename = "sales:read")]
    SalesRead,
    #[serde(rename = "sales:write")]
    SalesWrite,
    #[serde(rename = "payments:write")]
    PaymentsWrite,
    #[serde(rename = "loyalty:read")]
    LoyaltyRead,
    #[serde(rename = "loyalty:adjust")]
    LoyaltyAdjust,
    #[serde(rename = "reports:read")]
    ReportsRead,
    #[serde(rename = "jobs:read")]
    JobsRead,
    #[serde(rename = "jobs:write")]
    JobsWrite,
    #[serde(rename = "webhooks:write")]
    WebhooksWrite,
}

impl ScopeName {
    pub(crate) const ALL: [Self; 18] = [
        Self::BranchesRead,
        Self::BranchesWrite,
        Self::CustomersRead,
        Self::CustomersWrite,
        Self::CustomersBulk,
        Self::InventoryRead,
        Self::InventoryWrite,
        Self::InventoryCost,
        Self::MetalRatesWrite,
        Self::SalesRead,
        Self::SalesWrite,
        Self::PaymentsWrite,
        Self::LoyaltyRead,
        Self::LoyaltyAdjust,
        Self::ReportsRead,
        Self::JobsRead,
        Self::JobsWrite,
        Self::WebhooksWrite,
    ];
}

impl From<ApiClient> for ApiClientView {
    fn from(client: ApiClient) -> Self {
        let scopes = client
            .scopes
            .iter()
            .filter_map(|p| {
                ScopeName::ALL
                    .into_iter()
                    .find(|scope| Permission::from(*scope) == *p)
            })
            .collect();
        Self {
            id: client.id,
            client_id: client.client_id,
            name: client.name,
            scopes,
            branch_ids: client.branch_ids,
            rate_limit: client.rate_limit,
            active: client.active,
            version: client.version,
            created_at: client.created_at,
            updated_at: client.updated_at,
        }
    }
}

/// A client to register.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(example = json!({"name": "Odoo stock sync", "scopes": ["branches:read"], "branchIds": []}))]
pub struct NewApiClientRequest {
    #[schema(value_type = crate::routes::wire::NameText)]
    pub(crate) name: String,
    #[schema(min_items = 1, max_items = 16)]
    pub(crate) scopes: Vec<ScopeName>,
    #[serde(default)]
    #[schema(max_items = 500)]
    pub(crate) branch_ids: Vec<uuid::Uuid>,
    #[schema(minimum = 1, maximum = 1_000_000)]
    pub(crate) rate_limit: Option<u64>,
}

/// A registered client with its secret: shown this once, store it now.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({
    "client": {
        "id": "01936f0e-7777-7000-8000-000000000007", "clientId": "jc_01936f0e777770008000000000000007",
        "name": "Odoo stock sync", "scopes": ["branches:read"], "branchIds": [], "rateLimit": null,
        "active": true, "version": 1, "createdAt": "2026-11-21T09:30:00Z", "updatedAt": "2026-11-21T09:30:00Z"
    },
    "clientSecret": "Jx2fS8m9nq0qv2yY5b7f3kQk1rX9zL0aH4cV6tB8wE0"
}))]
pub struct RegisteredApiClient {
    pub(crate) client: ApiClientView,
    #[schema(max_length = 64, format = Password)]
    pub(crate) client_secret: String,
}

/// Changes to a client.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(example = json!({"active": false}))]
pub struct ApiClientChanges {
    #[schema(value_type = Option<crate::routes::wire::NameText>)]
    pub(crate) name: Option<String>,
    /// `false` revokes the client: its tokens stop working at once.
    pub(crate) active: Option<bool>,
}
