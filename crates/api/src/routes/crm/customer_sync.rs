//! Customers by another system's ids (an ERP, a web shop keeping its
//! customers in step): `PUT` makes the customer the first time (201) and
//! makes them hold the body after (200; nothing changes when they do
//! already), so sending it twice is safe; `GET` reads them by that id.

use actix_web::{HttpResponse, get, put, web};
use jewel_services::crm::external;
use utoipa_actix_web::service_config::ServiceConfig;

use super::customers::{CustomerFields, CustomerView, give_up};
use crate::auth::caller::{Authorized, needs};
use crate::error::{ApiError, Problem};
use crate::extract::Json;
use crate::routes::wire::upsert::{Upserted, external_ref, once_more_if_raced};
use crate::routes::wire::{created, with_etag};
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(upsert_customer_by_external_id)
        .service(get_customer_by_external_id);
}

/// Make or change the customer another system knows by `externalId`.
/// Needs `customers:write`.
///
/// The body is the whole customer, as when adding one: the first time it
/// adds them (201, without the look-alike check: the system vouches for
/// its own records), after that it replaces what is known of them (200;
/// nothing changes, the version included, when they hold it already). A
/// mobile number another customer holds is 409. Of requests racing with
/// one new id, one adds the customer and the others change it.
#[utoipa::path(
    tag = "customers",
    operation_id = "upsertCustomerByExternalId",
    security(("bearer" = [])),
    params(
        ("system" = String, Path, max_length = 32, pattern = "^[a-z][a-z0-9_-]{0,31}$", description = "The other system's name: `odoo`, `shop-web`"),
        ("externalId" = String, Path, max_length = 64, pattern = "^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$", description = "Its id of the customer"),
    ),
    request_body = CustomerFields,
    responses(
        (status = 200, description = "Changed (or held it already); `ETag` carries the version.", body = CustomerView),
        (status = 400, description = "A malformed `system` or `externalId`, named.", body = Problem, content_type = "application/problem+json"),
        (status = 201, description = "Added.", body = CustomerView),
        (status = 409, description = "Another customer holds the mobile number, or this customer's data was erased.", body = Problem, content_type = "application/problem+json"),
        (status = 410, description = "The customer was merged into another.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/api/v1/customers/by-external-id/{system}/{externalId}")]
pub async fn upsert_customer_by_external_id(
    state: web::Data<AppState>,
    caller: Authorized<needs::CustomersWrite>,
    path: web::Path<(String, String)>,
    Json(body): Json<CustomerFields>,
) -> Result<HttpResponse, ApiError> {
    let found = external_ref(&path.0, &path.1)?;
    let new = body.check(state.home_country, &state.sealer)?;
    let upserted = once_more_if_raced(&state, &caller, external::may_have_raced, |unit| {
        let (found, new) = (found.clone(), new.clone());
        Box::pin(async move { external::upsert_customer(unit, &found, &new).await })
    })
    .await?;
    let (customer, made) = match upserted {
        Upserted::Done(done) => done,
        Upserted::Refused(unit, error) => {
            return Err(give_up(&state, &caller, *unit, error, true).await);
        }
    };
    let view = CustomerView::for_caller(&caller, customer, &state.sealer)?;
    Ok(if made {
        created(format!("/api/v1/customers/{}", view.id), view.version, view)
    } else {
        with_etag(view.version, view)
    })
}

/// Get the customer another system knows by `externalId`. Needs
/// `customers:read`.
#[utoipa::path(
    tag = "customers",
    operation_id = "getCustomerByExternalId",
    security(("bearer" = [])),
    params(
        ("system" = String, Path, max_length = 32, pattern = "^[a-z][a-z0-9_-]{0,31}$", description = "The other system's name"),
        ("externalId" = String, Path, max_length = 64, pattern = "^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$", description = "Its id of the customer"),
    ),
    responses(
        (status = 200, description = "The customer; `ETag` carries the version.", body = CustomerView),
        (status = 404, description = "That system named no customer with this id.", body = Problem, content_type = "application/problem+json"),
        (status = 400, description = "A malformed `system` or `externalId`, named.", body = Problem, content_type = "application/problem+json"),
        (status = 410, description = "The customer was merged into another.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/api/v1/customers/by-external-id/{system}/{externalId}")]
pub async fn get_customer_by_external_id(
    state: web::Data<AppState>,
    caller: Authorized<needs::CustomersRead>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let found = external_ref(&path.0, &path.1)?;
    let customer = external::customer_of(state.database.connection(), &found).await?;
    let view = CustomerView::for_caller(&caller, customer, &state.sealer)?;
    Ok(with_etag(view.version, view))
}

#[cfg(test)]
mod tests {
    /// The document's patterns of a system and its id are the domain's.
    #[test]
    fn the_path_patterns_are_the_domains() {
        use jewel_domain::external_ref::{ID_PATTERN, SYSTEM_PATTERN};
        let document = crate::openapi::document();
        for path in [
            "/api/v1/customers/by-external-id/{system}/{externalId}",
            "/api/v1/designs/by-external-id/{system}/{externalId}",
            "/api/v1/pieces/by-external-id/{system}/{externalId}",
        ] {
            let parameters = document["paths"][path]["put"]["parameters"]
                .as_array()
                .cloned()
                .unwrap_or_default();
            let pattern = |name: &str| {
                parameters
                    .iter()
                    .find(|p| p["name"] == name)
                    .and_then(|p| p["schema"]["pattern"].as_str())
                    .map(str::to_owned)
            };
            assert_eq!(pattern("system").as_deref(), Some(SYSTEM_PATTERN), "{path}");
            assert_eq!(pattern("externalId").as_deref(), Some(ID_PATTERN), "{path}");
        }
    }
}
