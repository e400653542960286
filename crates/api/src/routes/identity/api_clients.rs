//! API clients of integrators: registered by the owner, secret shown once.

use actix_web::{HttpRequest, HttpResponse, get, patch, post, web};
use jewel_domain::access::NewApiClient;
use jewel_domain::contact::PersonName;
use jewel_domain::{FieldError, Invalid, Permission};
use jewel_persistence::repos::api_clients::{ApiClientPatch, ApiClients};
use jewel_services::identity::clients;
use utoipa_actix_web::service_config::ServiceConfig;

use super::dto::api_clients::{
    ApiClientChanges, ApiClientView, NewApiClientRequest, RegisteredApiClient, ScopeName,
};
use crate::auth::caller::{Authorized, needs};
use crate::auth::revocations::Revoked;
use crate::auth::tokens;
use crate::error::{ApiError, Problem};
use crate::extract::{Json, Query};
use crate::routes::{
    wire::Paged, wire::Pagination, wire::collect, wire::etag, wire::if_match, wire::with_etag,
};
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(create_api_client)
        .service(list_api_clients)
        .service(update_api_client);
}

impl From<ScopeName> for Permission {
    fn from(scope: ScopeName) -> Self {
        match scope {
            ScopeName::BranchesRead => Permission::BranchesRead,
            ScopeName::BranchesWrite => Permission::BranchesWrite,
            ScopeName::CustomersRead => Permission::CustomersRead,
            ScopeName::CustomersWrite => Permission::CustomersWrite,
            ScopeName::CustomersBulk => Permission::CustomersBulk,
            ScopeName::InventoryRead => Permission::InventoryRead,
            ScopeName::InventoryWrite => Permission::InventoryWrite,
            ScopeName::InventoryCost => Permission::InventoryCost,
            ScopeName::MetalRatesWrite => Permission::MetalRatesWrite,
            ScopeName::SalesRead => Permission::SalesRead,
            ScopeName::SalesWrite => Permission::SalesWrite,
            ScopeName::PaymentsWrite => Permission::PaymentsWrite,
            ScopeName::LoyaltyRead => Permission::LoyaltyRead,
            ScopeName::LoyaltyAdjust => Permission::LoyaltyAdjust,
            ScopeName::ReportsRead => Permission::ReportsRead,
            ScopeName::JobsRead => Permission::JobsRead,
            ScopeName::JobsWrite => Permission::JobsWrite,
            ScopeName::WebhooksWrite => Permission::WebhooksWrite,
        }
    }
}

/// Register an API client. Needs `api-clients:write` (owner).
///
/// The answer holds `clientSecret` once; only its SHA-256 is kept.
#[utoipa::path(
    tag = "api-clients",
    operation_id = "createApiClient",
    security(("bearer" = [])),
    request_body = NewApiClientRequest,
    responses((status = 201, description = "Registered; the secret is shown once.", body = RegisteredApiClient))
)]
#[post("/api/v1/api-clients")]
pub async fn create_api_client(
    state: web::Data<AppState>,
    caller: Authorized<needs::ApiClientsWrite>,
    Json(body): Json<NewApiClientRequest>,
) -> Result<HttpResponse, ApiError> {
    let mut errors: Vec<FieldError> = Vec::new();
    let name = collect(&mut errors, PersonName::parse("name", &body.name));
    if body.scopes.is_empty() {
        errors.push(FieldError::new("scopes", "required", "at least one scope"));
    }
    if body
        .rate_limit
        .is_some_and(|l| !(1..=1_000_000).contains(&l))
    {
        errors.push(FieldError::new(
            "rateLimit",
            "range",
            "between 1 and 1000000",
        ));
    }
    let (Some(name), None) = (name, Invalid::from_errors(errors.clone())) else {
        return Err(Invalid::from_errors(errors)
            .unwrap_or_else(|| Invalid::field("name", "invalid", "invalid"))
            .into());
    };
    let mut scopes: Vec<Permission> = body.scopes.iter().copied().map(Permission::from).collect();
    scopes.dedup();
    let mut branch_ids = body.branch_ids.clone();
    branch_ids.sort();
    branch_ids.dedup();

    let secret = tokens::new_refresh_token()?;
    let mut unit = state.unit(&caller);
    let new = NewApiClient {
        client_id: format!("jc_{}", uuid::Uuid::now_v7().simple()),
        name,
        secret_hash: tokens::refresh_token_hash(&secret),
        scopes,
        branch_ids,
        rate_limit: body.rate_limit,
    };
    let client = clients::register_client(&mut unit, &new).await?;
    unit.commit().await?;
    let view = ApiClientView::from(client);
    Ok(HttpResponse::Created()
        .insert_header(("ETag", etag(view.version)))
        .json(RegisteredApiClient {
            client: view,
            client_secret: secret,
        }))
}

/// List API clients. Needs `api-clients:write` (owner).
#[utoipa::path(
    tag = "api-clients",
    operation_id = "listApiClients",
    security(("bearer" = [])),
    params(Pagination),
    responses((status = 200, description = "One page of clients.", body = Paged<ApiClientView>))
)]
#[get("/api/v1/api-clients")]
pub async fn list_api_clients(
    state: web::Data<AppState>,
    _caller: Authorized<needs::ApiClientsWrite>,
    Query(pagination): Query<Pagination>,
) -> Result<web::Json<Paged<ApiClientView>>, ApiError> {
    let page = ApiClients::list(state.database.connection(), pagination.page()?).await?;
    Ok(web::Json(Paged::from_page(page, ApiClientView::from)))
}

/// Rename or disable an API client. Needs `api-clients:write`; honours `If-Match`.
#[utoipa::path(
    tag = "api-clients",
    operation_id = "updateApiClient",
    security(("bearer" = [])),
    params(
        ("id" = uuid::Uuid, Path, description = "The client's id"),
        ("If-Match" = Option<String>, Header, max_length = 16, pattern = r#"^(W/)?"[0-9]+"$"#, description = "The ETag you read, such as \"3\"")
    ),
    request_body = ApiClientChanges,
    responses(
        (status = 200, description = "Changed.", body = ApiClientView),
        (status = 412, description = "Changed by someone else since you read it.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/api/v1/api-clients/{id}")]
pub async fn update_api_client(
    state: web::Data<AppState>,
    caller: Authorized<needs::ApiClientsWrite>,
    req: HttpRequest,
    id: web::Path<uuid::Uuid>,
    Json(body): Json<ApiClientChanges>,
) -> Result<HttpResponse, ApiError> {
    let expected_version = if_match(&req)?;
    let db = state.database.connection();
    let before = ApiClients::get(db, id.into_inner())
        .await?
        .ok_or(ApiError::NotFound)?;
    let mut errors = Vec::new();
    let patch = ApiClientPatch {
        name: body
            .name
            .as_deref()
            .and_then(|n| collect(&mut errors, PersonName::parse("name", n)))
            .map(|n| n.as_str().to_owned()),
        active: body.active,
    };
    if let Some(invalid) = Invalid::from_errors(errors) {
        return Err(invalid.into());
    }
    let mut unit = state.unit(&caller);
    let after = clients::change_client(&mut unit, &before, expected_version, &patch).await?;
    if before.active && !after.active {
        state
            .revocations
            .revoke(unit.txn().await?, Revoked::Client(after.id))
            .await?;
    }
    unit.commit().await?;
    let after = ApiClientView::from(after);
    Ok(with_etag(after.version, after))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_documented_scope_is_one_a_client_may_hold() {
        for scope in ScopeName::ALL {
            let permission = Permission::from(scope);
            assert_eq!(
                Permission::client_scope(permission.as_str()),
                Some(permission)
            );
        }
        assert_eq!(
            Permission::CLIENT_SCOPES.len(),
            ScopeName::ALL.len(),
            "a new client scope needs a ScopeName"
        );
    }
}
