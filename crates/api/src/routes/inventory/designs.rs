//! Designs (styles): code, name, category, collection, images and the
//! charges a new piece of the design starts from.

use actix_web::{HttpRequest, HttpResponse, get, patch, post, web};
use chrono::{DateTime, Utc};
use jewel_domain::design::{Design, NewDesign};
use jewel_domain::measure::Percent;
use jewel_domain::piece::{TagNumber, check_image, check_label};
use jewel_domain::{FieldError, Invalid};
use jewel_persistence::repos::designs::{DesignFilter, Designs};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::caller::{Authorized, needs};
use crate::error::{ApiError, Problem};
use crate::extract::{Json, Query, parse_json};
use crate::routes::wire::price::MakingFields;
use crate::routes::{
    wire::Paged, wire::Pagination, wire::PercentText, wire::collect, wire::created, wire::if_match,
    wire::merge_patch, wire::with_etag,
};
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(create_design)
        .service(list_designs)
        .service(get_design)
        .service(update_design);
}

/// A design, as sent to add one and as the base of a merge patch.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(example = json!({
    "code": "NK-TEMPLE-01", "name": "Lakshmi temple necklace", "category": "necklace",
    "collection": "Temple", "description": "Antique finish with Lakshmi motif.",
    "images": ["https://cdn.example-jeweller.in/designs/nk-temple-01.jpg"],
    "making": {"mode": "percent", "value": "16.00"}, "wastagePercent": "4.00"
}))]
pub struct DesignFields {
    /// Letters, digits and dashes; unique.
    #[schema(max_length = 32, pattern = "^[A-Za-z0-9-]{1,32}$")]
    code: String,
    #[schema(
        min_length = 1,
        max_length = 120,
        pattern = r"[^\t\n\x0B\x0C\r \x85\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]"
    )]
    name: String,
    /// ring, chain, necklace, bangle, bracelet, earrings, pendant, nose_pin,
    /// anklet, coin, bar, ... (lower-cased).
    #[schema(value_type = crate::routes::wire::ShortText)]
    category: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(max_length = 80)]
    collection: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(max_length = 2000)]
    description: Option<String>,
    /// Image addresses (`https://`), at most 10.
    #[serde(default)]
    #[schema(max_items = 10, value_type = Vec<ImageAddress>)]
    images: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    making: Option<MakingFields>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<PercentText>)]
    wastage_percent: Option<String>,
}

/// Changes to a design: a JSON merge patch of [`DesignFields`]. Fields left
/// out stay; `null` removes an optional one; a list replaces the whole list.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(example = json!({"making": {"mode": "per_gram", "value": "450.00"}, "collection": null}))]
#[allow(dead_code)] // read only to check the shape of a patch
pub struct DesignChanges {
    #[schema(value_type = String, required = false, max_length = 32, pattern = "^[A-Za-z0-9-]{1,32}$")]
    code: Option<String>,
    #[schema(
        value_type = String,
        required = false,
        min_length = 1,
        max_length = 120,
        pattern = r"[^\t\n\x0B\x0C\r \x85\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]"
    )]
    name: Option<String>,
    #[schema(value_type = crate::routes::wire::ShortText, required = false)]
    category: Option<String>,
    #[schema(max_length = 80)]
    collection: Option<String>,
    #[schema(max_length = 2000)]
    description: Option<String>,
    #[schema(max_items = 10, value_type = Option<Vec<ImageAddress>>)]
    images: Option<Vec<String>>,
    making: Option<MakingFields>,
    #[schema(value_type = Option<PercentText>)]
    wastage_percent: Option<String>,
}

bounded_string!(
    /// The address of an image: `https://...`.
    ImageAddress, 8, 500, Some(r"^[\t\n\x0B\x0C\r \x85\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]*https?://[^\t\n\x0B\x0C\r \x85\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]+[\t\n\x0B\x0C\r \x85\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]*$")
);

/// Checks image addresses: at most 10.
pub fn check_images(errors: &mut Vec<FieldError>, images: &[String]) -> Vec<String> {
    if images.len() > 10 {
        errors.push(FieldError::new("images", "too_many", "at most 10"));
    }
    images
        .iter()
        .enumerate()
        .filter_map(|(i, image)| {
            check_image(&format!("images[{i}]"), image)
                .map_err(|e| errors.push(e))
                .ok()
        })
        .collect()
}

/// Checks free text: trimmed, at most `max` characters; empty is none.
pub fn check_text(
    errors: &mut Vec<FieldError>,
    field: &str,
    text: Option<&str>,
    max: usize,
) -> Option<String> {
    let text = text.map(str::trim).filter(|t| !t.is_empty())?;
    if text.chars().count() > max {
        errors.push(FieldError::new(
            field,
            "too_long",
            format!("at most {max} characters"),
        ));
        return None;
    }
    Some(text.to_owned())
}

impl DesignFields {
    fn of(d: &Design) -> Self {
        Self {
            code: d.code.clone(),
            name: d.name.clone(),
            category: d.category.clone(),
            collection: d.collection.clone(),
            description: d.description.clone(),
            images: d.images.clone(),
            making: d.making.map(MakingFields::of),
            wastage_percent: d.wastage.map(|w| w.to_string()),
        }
    }

    fn check(self) -> Result<NewDesign, Invalid> {
        let mut errors = Vec::new();
        let code = collect(&mut errors, TagNumber::parse("code", &self.code));
        let name = check_text(&mut errors, "name", Some(&self.name), 120);
        if name.is_none() && !errors.iter().any(|e| e.field == "name") {
            errors.push(FieldError::new("name", "required", "1 to 120 characters"));
        }
        let category = check_label("category", &self.category, 40)
            .map_err(|e| errors.push(e))
            .ok();
        let collection = check_text(&mut errors, "collection", self.collection.as_deref(), 80);
        let description = check_text(
            &mut errors,
            "description",
            self.description.as_deref(),
            2000,
        );
        let images = check_images(&mut errors, &self.images);
        let making = self
            .making
            .as_ref()
            .and_then(|m| collect(&mut errors, m.check("making")));
        let wastage = self
            .wastage_percent
            .as_deref()
            .and_then(|w| collect(&mut errors, Percent::parse_share("wastagePercent", w)));
        match (code, name, category, Invalid::from_errors(errors)) {
            (Some(code), Some(name), Some(category), None) => Ok(NewDesign {
                code: code.as_str().to_owned(),
                name,
                category,
                collection,
                description,
                images,
                making,
                wastage,
            }),
            (.., Some(invalid)) => Err(invalid),
            _ => Err(Invalid::field("body", "invalid", "invalid design")),
        }
    }
}

/// A design.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({
    "id": "01936f0e-0000-7000-8000-0000000000d1", "code": "NK-TEMPLE-01",
    "name": "Lakshmi temple necklace", "category": "necklace", "collection": "Temple",
    "description": "Antique finish with Lakshmi motif.",
    "images": ["https://cdn.example-jeweller.in/designs/nk-temple-01.jpg"],
    "making": {"mode": "percent", "value": "16.00"}, "wastagePercent": "4.00", "version": 1,
    "createdAt": "2026-11-21T09:30:00Z", "updatedAt": "2026-11-21T09:30:00Z"
}))]
pub struct DesignView {
    id: uuid::Uuid,
    #[schema(max_length = 32)]
    code: String,
    #[schema(
        min_length = 1,
        max_length = 120,
        pattern = r"[^\t\n\x0B\x0C\r \x85\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]"
    )]
    name: String,
    #[schema(
        min_length = 1,
        max_length = 40,
        pattern = r"[^\t\n\x0B\x0C\r \x85\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]"
    )]
    category: String,
    #[schema(max_length = 80)]
    collection: Option<String>,
    #[schema(max_length = 2000)]
    description: Option<String>,
    #[schema(max_items = 10, value_type = Vec<ImageAddress>)]
    images: Vec<String>,
    making: Option<MakingFields>,
    #[schema(value_type = Option<PercentText>)]
    wastage_percent: Option<String>,
    #[schema(minimum = 1)]
    version: i32,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl From<Design> for DesignView {
    fn from(d: Design) -> Self {
        Self {
            id: d.id,
            making: d.making.map(MakingFields::of),
            wastage_percent: d.wastage.map(|w| w.to_string()),
            code: d.code,
            name: d.name,
            category: d.category,
            collection: d.collection,
            description: d.description,
            images: d.images,
            version: d.version,
            created_at: d.created_at,
            updated_at: d.updated_at,
        }
    }
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
    let txn = jewel_persistence::begin_writing(state.database.connection()).await?;
    let design = Designs::create(&txn, &new).await?;
    let (id, version) = (design.id, design.version);
    let view = DesignView::from(design);
    crate::audit::record(&txn, &*caller, "create", "design", id, None, Some(&view)).await?;
    txn.commit().await?;
    Ok(created(format!("/api/v1/designs/{id}"), version, view))
}

/// Filters of the design list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DesignQuery {
    #[param(max_length = 40)]
    category: Option<String>,
    #[param(max_length = 80)]
    collection: Option<String>,
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
    let txn = jewel_persistence::begin_writing(state.database.connection()).await?;
    let before = Designs::get(&txn, *id).await?.ok_or(ApiError::NotFound)?;
    let _: DesignChanges = parse_json(&serde_json::to_vec(&patch).map_err(anyhow::Error::from)?)?;
    let mut merged =
        serde_json::to_value(DesignFields::of(&before)).map_err(anyhow::Error::from)?;
    merge_patch(&mut merged, &patch);
    let bytes = serde_json::to_vec(&merged).map_err(anyhow::Error::from)?;
    let fields: DesignFields = parse_json(&bytes)?;
    let new = fields.check()?;
    let after = Designs::replace(&txn, *id, expected, &new).await?;
    let version = after.version;
    let (before, after) = (DesignView::from(before), DesignView::from(after));
    crate::audit::record(
        &txn,
        &*caller,
        "update",
        "design",
        *id,
        Some(&before),
        Some(&after),
    )
    .await?;
    txn.commit().await?;
    Ok(with_etag(version, after))
}
