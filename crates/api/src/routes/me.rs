//! Self-service for customers: their own records, never anyone else's.

use actix_web::{HttpResponse, get, web};
use jewel_persistence::repos::customers::Customers;
use utoipa_actix_web::service_config::ServiceConfig;

use super::customers::CustomerView;
use super::with_etag;
use crate::auth::Caller;
use crate::error::ApiError;
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(get_me);
}

/// Your own profile (customers logged in with `POST /api/v1/auth/customer-login`).
///
/// Staff and API clients get 403 here. Purchases, points, schemes and jobs
/// join `/api/v1/me` as those capabilities land.
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
    let view = CustomerView::revealing_pan(customer);
    Ok(with_etag(view.version, view))
}
