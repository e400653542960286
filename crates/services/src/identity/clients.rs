//! API clients of integrators: registered and changed by the owner, each
//! change audited as [`ApiClientRecord`] (never the secret's hash).

use jewel_domain::access::{ApiClient, NewApiClient};
use jewel_persistence::repos::api_clients::{ApiClientPatch, ApiClients};
use serde::Serialize;

use super::IdentityError;
use super::staff::check_branches;
use crate::Unit;

/// An API client as the audit trail keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ApiClientRecord {
    pub id: uuid::Uuid,
    pub client_id: String,
    pub name: String,
    pub scopes: Vec<&'static str>,
    pub branch_ids: Vec<uuid::Uuid>,
    pub rate_limit: Option<u64>,
    pub active: bool,
    pub version: i32,
}

impl From<&ApiClient> for ApiClientRecord {
    fn from(c: &ApiClient) -> Self {
        Self {
            id: c.id,
            client_id: c.client_id.clone(),
            name: c.name.clone(),
            scopes: c.scopes.iter().map(|s| s.as_str()).collect(),
            branch_ids: c.branch_ids.clone(),
            rate_limit: c.rate_limit,
            active: c.active,
            version: c.version,
        }
    }
}

/// Registers a client (checked) whose branches must exist.
pub async fn register_client(
    unit: &mut Unit,
    new: &NewApiClient,
) -> Result<ApiClient, IdentityError> {
    let txn = unit.txn().await?;
    check_branches(txn, &new.branch_ids).await?;
    let client = ApiClients::create(txn, new).await?;
    let record = ApiClientRecord::from(&client);
    unit.audit("create", "api_client", client.id, None, Some(&record))?;
    Ok(client)
}

/// Renames or disables `before` (as read) if still at `expected_version`
/// (when given). The caller voids the tokens of a client disabled.
pub async fn change_client(
    unit: &mut Unit,
    before: &ApiClient,
    expected_version: Option<i32>,
    patch: &ApiClientPatch,
) -> Result<ApiClient, IdentityError> {
    let after = ApiClients::update(unit.txn().await?, before.id, expected_version, patch).await?;
    let (was, is) = (ApiClientRecord::from(before), ApiClientRecord::from(&after));
    unit.audit("update", "api_client", after.id, Some(&was), Some(&is))?;
    Ok(after)
}
