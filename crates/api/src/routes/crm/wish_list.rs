//! What a customer liked: a description and a photo's address, with the
//! date. Pieces and designs join when inventory arrives.

use actix_web::{HttpResponse, delete, get, post, web};
use chrono::{DateTime, Utc};
use jewel_domain::customer::{NewWish, Wish};
use jewel_persistence::repos::wish_list::WishList;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

use super::customers::{MergedProblem, changeable_customer, live_customer};
use crate::auth::caller::{Authorized, needs};
use crate::error::{ApiError, Problem};
use crate::extract::Json;
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_wishes)
        .service(add_wish)
        .service(remove_wish);
}

/// Something the customer liked.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({
    "id": "01936f0e-9999-7000-8000-000000000009",
    "customerId": "01936f0e-5555-7000-8000-000000000005",
    "description": "Temple necklace with ruby drops, about 40 g",
    "photoUrl": "https://photos.example.com/wish/123.jpg",
    "addedByKind": "staff", "addedById": "01936f0e-2222-7000-8000-000000000002",
    "createdAt": "2026-11-21T09:30:00Z"
}))]
pub struct WishView {
    id: uuid::Uuid,
    customer_id: uuid::Uuid,
    #[schema(
        min_length = 1,
        max_length = 500,
        pattern = r"[^\t\n\x0B\x0C\r \x85\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]"
    )]
    description: String,
    #[schema(max_length = 2000, format = "uri")]
    photo_url: Option<String>,
    /// `staff` or `client`.
    #[schema(max_length = 16)]
    added_by_kind: String,
    added_by_id: uuid::Uuid,
    created_at: DateTime<Utc>,
}

impl From<Wish> for WishView {
    fn from(w: Wish) -> Self {
        Self {
            id: w.id,
            customer_id: w.customer_id,
            description: w.description,
            photo_url: w.photo_url,
            added_by_kind: w.actor_kind,
            added_by_id: w.actor_id,
            created_at: w.created_at,
        }
    }
}

/// A customer's wish list, newest first.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({"items": [{
    "id": "01936f0e-6666-7000-8000-000000000006",
    "customerId": "01936f0e-5555-7000-8000-000000000005",
    "description": "Temple necklace with ruby drops, about 40 g",
    "photoUrl": "https://photos.example.com/wish/123.jpg",
    "addedByKind": "staff", "addedById": "01936f0e-2222-7000-8000-000000000002",
    "createdAt": "2026-11-21T09:30:00Z"
}]}))]
pub struct WishListView {
    #[schema(max_items = 10000)]
    items: Vec<WishView>,
}

/// Something the customer liked.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(example = json!({"description": "Temple necklace with ruby drops, about 40 g", "photoUrl": "https://photos.example.com/wish/123.jpg"}))]
pub struct NewWishRequest {
    #[schema(
        min_length = 1,
        max_length = 500,
        pattern = r"[^\t\n\x0B\x0C\r \x85\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]"
    )]
    description: String,
    #[serde(default)]
    #[schema(max_length = 2000, format = "uri")]
    photo_url: Option<String>,
}

/// A customer's wish list, newest first. Needs `customers:read`.
#[utoipa::path(
    tag = "customers",
    operation_id = "listWishes",
    security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "The customer's id")),
    responses(
        (status = 200, description = "The wish list.", body = WishListView),
        (status = 410, description = "Merged into another customer.", body = MergedProblem, content_type = "application/problem+json"),
    )
)]
#[get("/api/v1/customers/{id}/wish-list")]
pub async fn list_wishes(
    state: web::Data<AppState>,
    _caller: Authorized<needs::CustomersRead>,
    id: web::Path<uuid::Uuid>,
) -> Result<web::Json<WishListView>, ApiError> {
    let db = state.database.connection();
    let customer = live_customer(db, id.into_inner()).await?;
    let items = WishList::of(db, customer.id).await?;
    Ok(web::Json(WishListView {
        items: items.into_iter().map(Into::into).collect(),
    }))
}

/// Add to a customer's wish list. Needs `customers:write`.
#[utoipa::path(
    tag = "customers",
    operation_id = "addWish",
    security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "The customer's id")),
    request_body = NewWishRequest,
    responses(
        (status = 201, description = "Added.", body = WishView),
        (status = 409, description = "The customer's data was erased.", body = Problem, content_type = "application/problem+json"),
        (status = 410, description = "Merged into another customer.", body = MergedProblem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/customers/{id}/wish-list")]
pub async fn add_wish(
    state: web::Data<AppState>,
    caller: Authorized<needs::CustomersWrite>,
    id: web::Path<uuid::Uuid>,
    Json(body): Json<NewWishRequest>,
) -> Result<HttpResponse, ApiError> {
    let (actor_kind, actor_id) = caller.author();
    let new = NewWish {
        customer_id: id.into_inner(),
        description: body.description,
        photo_url: body.photo_url.filter(|u| !u.trim().is_empty()),
        actor_kind,
        actor_id,
    }
    .check()?;
    let db = state.database.connection();
    changeable_customer(db, new.customer_id).await?;
    let transaction = jewel_persistence::begin_writing(db).await?;
    let view = WishView::from(WishList::add(&transaction, &new).await?);
    crate::audit::record(
        &transaction,
        &caller,
        "create",
        "wish",
        view.id,
        None,
        Some(&view),
    )
    .await?;
    transaction.commit().await?;
    Ok(HttpResponse::Created()
        .insert_header((
            actix_web::http::header::LOCATION,
            format!("/api/v1/customers/{}/wish-list", view.customer_id),
        ))
        .json(view))
}

/// Remove something from a customer's wish list. Needs `customers:write`.
#[utoipa::path(
    tag = "customers",
    operation_id = "removeWish",
    security(("bearer" = [])),
    params(
        ("id" = uuid::Uuid, Path, description = "The customer's id"),
        ("itemId" = uuid::Uuid, Path, description = "The wish's id"),
    ),
    responses(
        (status = 204, description = "Removed."),
        (status = 410, description = "Merged into another customer.", body = MergedProblem, content_type = "application/problem+json"),
    )
)]
#[delete("/api/v1/customers/{id}/wish-list/{itemId}")]
pub async fn remove_wish(
    state: web::Data<AppState>,
    caller: Authorized<needs::CustomersWrite>,
    path: web::Path<(uuid::Uuid, uuid::Uuid)>,
) -> Result<HttpResponse, ApiError> {
    let (customer, item) = path.into_inner();
    let db = state.database.connection();
    live_customer(db, customer).await?;
    let transaction = jewel_persistence::begin_writing(db).await?;
    if !WishList::remove(&transaction, customer, item).await? {
        return Err(ApiError::NotFound);
    }
    crate::audit::record::<()>(&transaction, &caller, "delete", "wish", item, None, None).await?;
    transaction.commit().await?;
    Ok(HttpResponse::NoContent().finish())
}
