//! Self-service for customers: their own records, never anyone else's.

use actix_web::{HttpRequest, HttpResponse, get, patch, web};
use jewel_persistence::repos::customers::Customers;
use jewel_services::crm::customers;
use utoipa_actix_web::service_config::ServiceConfig;

use super::customers::{CustomerView, changeable_customer, give_up, patched};
use super::dto::me::MyProfileChanges;
use crate::auth::Caller;
use crate::error::{ApiError, Problem};
use crate::extract::{Json, parse_json};
use crate::routes::{wire::if_match, wire::with_etag};
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(get_me).service(update_me);
}

/// Your own profile (customers logged in with `POST /api/v1/auth/customer-login`).
///
/// Staff and API clients get 403 here. `purchases` sums up your bills
/// (listed at `/api/v1/me/invoices`); points, schemes and jobs join
/// `/api/v1/me` as those capabilities land.
#[utoipa::path(
    tag = "me",
    operation_id = "getMe",
    security(("bearer" = [])),
    responses((status = 200, description = "Your profile.", body = CustomerView))
)]
#[get("/api/v1/me")]
pub async fn get_me(state: web::Data<AppState>, caller: Caller) -> Result<HttpResponse, ApiError> {
    let id = caller.customer()?;
    let customer = Customers::get(state.database.connection(), id)
        .await?
        .ok_or(ApiError::NotFound)?;
    // Their own PAN, whole.
    let view = CustomerView::revealing_pan(customer, &state.sealer)?;
    Ok(with_etag(view.version, view))
}

/// Correct your own profile (customers only); honours `If-Match`.
///
/// A JSON merge patch of the fields in `MyProfileChanges`: those left out
/// stay, `null` clears one, a list replaces the whole list.
#[utoipa::path(
    tag = "me",
    operation_id = "updateMe",
    security(("bearer" = [])),
    params(
        ("If-Match" = Option<String>, Header, max_length = 16, pattern = r#"^(W/)?"[0-9]+"$"#, description = "The ETag you read, such as \"3\"")
    ),
    request_body = MyProfileChanges,
    responses(
        (status = 200, description = "Your profile, changed.", body = CustomerView),
        (status = 412, description = "Changed since you read it.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/api/v1/me")]
pub async fn update_me(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    Json(body): Json<serde_json::Value>,
) -> Result<HttpResponse, ApiError> {
    let id = caller.customer()?;
    let expected_version = if_match(&req)?;
    let bytes = serde_json::to_vec(&body).map_err(anyhow::Error::from)?;
    let _: MyProfileChanges = parse_json(&bytes)?;
    let before = changeable_customer(state.database.connection(), id).await?;
    let new = patched(&before, &body, state.home_country, &state.sealer)?;
    let mut unit = state.unit(&caller);
    let after = match customers::update(&mut unit, &before, expected_version, &new).await {
        Ok(after) => after,
        Err(error) => return Err(give_up(&state, &caller, unit, error, false).await),
    };
    unit.commit().await?;
    let view = CustomerView::revealing_pan(after, &state.sealer)?;
    Ok(with_etag(view.version, view))
}
