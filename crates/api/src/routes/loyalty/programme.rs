//! The loyalty programme's rules: read by staff, changed by the owner.

use actix_web::{HttpRequest, HttpResponse, get, put, web};
use jewel_persistence::repos::loyalty::Loyalty;
use jewel_services::loyalty;
use utoipa_actix_web::service_config::ServiceConfig;

use super::dto::ProgrammeFields;
use crate::auth::caller::{Authorized, needs};
use crate::error::{ApiError, Problem};
use crate::extract::Json;
use crate::routes::wire::{if_match, with_etag};
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(get_programme).service(set_programme);
}

/// The loyalty programme's rules (the defaults until the owner sets
/// them); the `ETag` is their version. Needs `loyalty:read`.
#[utoipa::path(
    tag = "loyalty",
    operation_id = "getLoyaltyProgramme",
    security(("bearer" = [])),
    responses((status = 200, description = "The rules in force.", body = ProgrammeFields))
)]
#[get("/api/v1/loyalty/programme")]
pub async fn get_programme(
    state: web::Data<AppState>,
    _caller: Authorized<needs::LoyaltyRead>,
) -> Result<HttpResponse, ApiError> {
    let (programme, version) = Loyalty::programme(state.database.connection()).await?;
    Ok(with_etag(version, ProgrammeFields::from(&programme)))
}

/// Replace the loyalty programme's rules, whole; honours `If-Match` (the
/// version read, `"0"` while the defaults stand). What bills earn from
/// then on follows the new rules; points already earned keep theirs.
/// Needs `loyalty:settings` (the owner).
#[utoipa::path(
    tag = "loyalty",
    operation_id = "setLoyaltyProgramme",
    security(("bearer" = [])),
    params(
        ("If-Match" = Option<String>, Header, max_length = 16, pattern = r#"^(W/)?"[0-9]+"$"#, description = "The ETag you read, such as \"3\"")
    ),
    request_body = ProgrammeFields,
    responses(
        (status = 200, description = "The rules now in force.", body = ProgrammeFields),
        (status = 412, description = "Changed since you read them.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/api/v1/loyalty/programme")]
pub async fn set_programme(
    state: web::Data<AppState>,
    caller: Authorized<needs::LoyaltySettings>,
    req: HttpRequest,
    Json(body): Json<ProgrammeFields>,
) -> Result<HttpResponse, ApiError> {
    let programme = body.programme()?;
    let expected = match if_match(&req)? {
        Some(version) => version,
        None => Loyalty::programme(state.database.connection()).await?.1,
    };
    let mut unit = state.unit(&caller);
    let version = loyalty::set_programme(&mut unit, &programme, expected).await?;
    unit.commit().await?;
    Ok(with_etag(version, ProgrammeFields::from(&programme)))
}
