//! What a customer liked: a description and a photo's address, with the
//! date. Pieces and designs join when inventory arrives.

use actix_web::{HttpResponse, delete, get, post, web};
use jewel_domain::customer::NewWish;
use jewel_persistence::repos::wish_list::WishList;
use jewel_services::crm::follow_ups;
use utoipa_actix_web::service_config::ServiceConfig;

use super::customers::{MergedProblem, live_customer};
use super::dto::wish_list::{NewWishRequest, WishListView, WishView};
use crate::auth::caller::{Authorized, needs};
use crate::error::{ApiError, Problem};
use crate::extract::Json;
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_wishes)
        .service(add_wish)
        .service(remove_wish);
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
    let mut unit = state.unit(&caller);
    let wish = follow_ups::add_wish(&mut unit, &new).await?;
    unit.commit().await?;
    let view = WishView::from(wish);
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
    let mut unit = state.unit(&caller);
    follow_ups::remove_wish(&mut unit, customer, item).await?;
    unit.commit().await?;
    Ok(HttpResponse::NoContent().finish())
}
