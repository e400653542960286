//! Designs by another system's ids (an ERP keeping its catalogue in step):
//! `PUT` makes the design the first time (201) and makes it hold the body
//! after (200; nothing changes when it does already); `GET` reads it.

use actix_web::{HttpResponse, get, put, web};
use jewel_services::inventory::external;
use utoipa_actix_web::service_config::ServiceConfig;

use super::dto::designs::{DesignFields, DesignView};
use crate::auth::caller::{Authorized, needs};
use crate::error::{ApiError, Problem};
use crate::extract::Json;
use crate::routes::wire::upsert::{Upserted, external_ref, once_more_if_raced};
use crate::routes::wire::{created, with_etag};
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(upsert_design_by_external_id)
        .service(get_design_by_external_id);
}

/// Make or change the design another system knows by `externalId`. Needs
/// `inventory:write`.
///
/// The body is the whole design, as when adding one: the first time it
/// adds it (201), after that it replaces what is known of it (200; nothing
/// changes, the version included, when it holds it already). A code
/// another design has is 409. Of requests racing with one new id, one
/// adds the design and the others change it.
#[utoipa::path(
    tag = "designs",
    operation_id = "upsertDesignByExternalId",
    security(("bearer" = [])),
    params(
        ("system" = String, Path, max_length = 32, pattern = "^[a-z][a-z0-9_-]{0,31}$", description = "The other system's name: `odoo`"),
        ("externalId" = String, Path, max_length = 64, pattern = "^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$", description = "Its id of the design"),
    ),
    request_body = DesignFields,
    responses(
        (status = 200, description = "Changed (or held it already); `ETag` carries the version.", body = DesignView),
        (status = 400, description = "A malformed `system` or `externalId`, named.", body = Problem, content_type = "application/problem+json"),
        (status = 201, description = "Added.", body = DesignView),
        (status = 409, description = "Another design has the code.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/api/v1/designs/by-external-id/{system}/{externalId}")]
pub async fn upsert_design_by_external_id(
    state: web::Data<AppState>,
    caller: Authorized<needs::InventoryWrite>,
    path: web::Path<(String, String)>,
    Json(body): Json<DesignFields>,
) -> Result<HttpResponse, ApiError> {
    let found = external_ref(&path.0, &path.1)?;
    let new = body.check()?;
    let upserted = once_more_if_raced(&state, &caller, external::may_have_raced, |unit| {
        let (found, new) = (found.clone(), new.clone());
        Box::pin(async move { external::upsert_design(unit, &found, &new).await })
    })
    .await?;
    let (design, made) = match upserted {
        Upserted::Done(done) => done,
        Upserted::Refused(unit, error) => {
            unit.rollback().await?;
            return Err(error.into());
        }
    };
    let (id, version) = (design.id, design.version);
    let view = DesignView::from(design);
    Ok(if made {
        created(format!("/api/v1/designs/{id}"), version, view)
    } else {
        with_etag(version, view)
    })
}

/// Get the design another system knows by `externalId`. Needs
/// `inventory:read`.
#[utoipa::path(
    tag = "designs",
    operation_id = "getDesignByExternalId",
    security(("bearer" = [])),
    params(
        ("system" = String, Path, max_length = 32, pattern = "^[a-z][a-z0-9_-]{0,31}$", description = "The other system's name"),
        ("externalId" = String, Path, max_length = 64, pattern = "^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$", description = "Its id of the design"),
    ),
    responses(
        (status = 200, description = "The design; `ETag` carries the version.", body = DesignView),
        (status = 404, description = "That system named no design with this id.", body = Problem, content_type = "application/problem+json"),
        (status = 400, description = "A malformed `system` or `externalId`, named.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/api/v1/designs/by-external-id/{system}/{externalId}")]
pub async fn get_design_by_external_id(
    state: web::Data<AppState>,
    _caller: Authorized<needs::InventoryRead>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let found = external_ref(&path.0, &path.1)?;
    let design = external::design_of(state.database.connection(), &found)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(with_etag(design.version, DesignView::from(design)))
}
