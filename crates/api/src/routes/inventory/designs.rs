//! Designs (styles): code, name, category, collection, images and the
//! charges a new piece of the design starts from.

use actix_web::{HttpRequest, HttpResponse, get, patch, post, web};
use jewel_persistence::repos::designs::{DesignFilter, Designs};
use jewel_services::inventory::designs;
use utoipa_actix_web::service_config::ServiceConfig;

use super::dto::designs::{DesignChanges, DesignFields, DesignQuery, DesignView};
use crate::auth::caller::{Authorized, needs};
use crate::error::{ApiError, Problem};
use crate::extract::{Json, Query, parse_json};
use crate::routes::{
    wire::Paged, wire::Pagination, wire::created, wire::if_match, wire::merge_patch,
    wire::with_etag,
};
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(create_design)
        .service(list_designs)
        .service(get_design)
        .service(update_design);
}

/// Add a design. Needs `inventory:write` (owner, manager).
#[utoipa::path(
    tag = "designs",
    operation_id = "createDesign",
    security(("bearer" = [])),
    request_body = DesignFields,
    responses(
        (status = 201, description = "Added.", body = DesignView),
        (status = 409, description = "The code is taken.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/designs")]
pub async fn create_design(
    state: web::Data<AppState>,
    caller: Authorized<needs::InventoryWrite>,
    Json(body): Json<DesignFields>,
) -> Result<HttpResponse, ApiError> {
    let new = body.check()?;
    let mut unit = state.unit(&caller);
    let design = designs::create_design(&mut unit, &new).await?;
    unit.commit().await?;
    let (id, version) = (design.id, design.version);
    let view = DesignView::from(design);
    Ok(created(format!("/api/v1/designs/{id}"), version, view))
}

/// List designs, filtered by category or collection. Needs `inventory:read`.
#[utoipa::path(
    tag = "designs",
    operation_id = "listDesigns",
    security(("bearer" = [])),
    params(DesignQuery, Pagination),
    responses((status = 200, description = "One page of designs.", body = Paged<DesignView>))
)]
#[get("/api/v1/designs")]
pub async fn list_designs(
    state: web::Data<AppState>,
    _caller: Authorized<needs::InventoryRead>,
    Query(query): Query<DesignQuery>,
    Query(pagination): Query<Pagination>,
) -> Result<web::Json<Paged<DesignView>>, ApiError> {
    let filter = DesignFilter {
        category: query.category.map(|c| c.trim().to_lowercase()),
        collection: query.collection.map(|c| c.trim().to_owned()),
    };
    let page = Designs::list(state.database.connection(), &filter, pagination.page()?).await?;
    Ok(web::Json(Paged::from_page(page, DesignView::from)))
}

/// Read a design; its `ETag` is its version. Needs `inventory:read`.
#[utoipa::path(
    tag = "designs",
    operation_id = "getDesign",
    security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "The design's id")),
    responses((status = 200, description = "The design.", body = DesignView))
)]
#[get("/api/v1/designs/{id}")]
pub async fn get_design(
    state: web::Data<AppState>,
    _caller: Authorized<needs::InventoryRead>,
    id: web::Path<uuid::Uuid>,
) -> Result<HttpResponse, ApiError> {
    let design = Designs::get(state.database.connection(), *id)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(with_etag(design.version, DesignView::from(design)))
}

/// Change a design with a JSON merge patch (RFC 7396) of its fields; the
/// result is checked whole. Honours `If-Match`. Pieces already received
/// keep their own charges. Needs `inventory:write`.
#[utoipa::path(
    tag = "designs",
    operation_id = "updateDesign",
    security(("bearer" = [])),
    params(
        ("id" = uuid::Uuid, Path, description = "The design's id"),
        ("If-Match" = Option<String>, Header, max_length = 16, pattern = r#"^(W/)?"[0-9]+"$"#, description = "The ETag you read, such as \"3\"")
    ),
    request_body = DesignChanges,
    responses(
        (status = 200, description = "Changed.", body = DesignView),
        (status = 409, description = "The code is taken.", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "The design changed since it was read.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/api/v1/designs/{id}")]
pub async fn update_design(
    state: web::Data<AppState>,
    caller: Authorized<needs::InventoryWrite>,
    req: HttpRequest,
    id: web::Path<uuid::Uuid>,
    Json(patch): Json<serde_json::Value>,
) -> Result<HttpResponse, ApiError> {
    let expected = if_match(&req)?;
    let before = Designs::get(state.database.connection(), *id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let _: DesignChanges = parse_json(&serde_json::to_vec(&patch).map_err(anyhow::Error::from)?)?;
    let mut merged =
        serde_json::to_value(DesignFields::of(&before)).map_err(anyhow::Error::from)?;
    merge_patch(&mut merged, &patch);
    let bytes = serde_json::to_vec(&merged).map_err(anyhow::Error::from)?;
    let fields: DesignFields = parse_json(&bytes)?;
    let new = fields.check()?;
    let mut unit = state.unit(&caller);
    let after = designs::change_design(&mut unit, &before, expected, &new).await?;
    unit.commit().await?;
    Ok(with_etag(after.version, DesignView::from(after)))
}
