//! Customers: the core records the CRM grows from. Customers belong to the
//! business, not to a branch: a customer of a chain buys at any of its
//! branches, so every staff member with `customers:read` finds them; the
//! home branch is where they usually shop.
//! The wire types are in `dto`, the list's filters in `query`, a change's
//! fields in `changes`.

mod changes;
mod query;

use actix_web::{HttpRequest, HttpResponse, get, patch, post, put, web};
use jewel_domain::contact::Password;
use jewel_domain::customer::Customer;
use jewel_persistence::ConnectionTrait;
use jewel_persistence::repos::customers::Customers;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::caller::{Authorized, needs};
use crate::auth::password;
use crate::error::{ApiError, Problem};
use crate::extract::{Json, Query};
pub use crate::routes::crm::dto::customers::*;
use crate::routes::{
    wire::Paged, wire::Pagination, wire::created, wire::if_match, wire::with_etag,
};
use crate::state::AppState;
use jewel_services::crm::{CrmError, customers};

pub use crate::routes::wire::customer::*;
pub use changes::*;
pub use query::*;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(create_customer)
        .service(list_customers)
        .service(get_customer)
        .service(update_customer)
        .service(archive_customer)
        .service(restore_customer)
        .service(set_customer_login);
}
/// The customer `id`, unless it is unknown (404) or was merged into
/// another (410 pointing at the survivor).
pub(crate) async fn live_customer(
    db: &impl ConnectionTrait,
    id: uuid::Uuid,
) -> Result<Customer, ApiError> {
    Ok(jewel_services::crm::live_customer(db, id).await?)
}

/// A live customer that may still be changed: not erased (409).
pub(crate) async fn changeable_customer(
    db: &impl ConnectionTrait,
    id: uuid::Uuid,
) -> Result<Customer, ApiError> {
    Ok(jewel_services::crm::changeable_customer(db, id).await?)
}

/// How the CRM's refusal reads for `caller`: staff learn who holds a taken
/// mobile (`name_them`), a stranger only that it is taken; look-alike
/// customers are shown as the caller may see them. Call it once the unit
/// is given up, so that the holder is read as committed.
pub(crate) async fn refused(
    state: &AppState,
    caller: &crate::auth::Caller,
    error: CrmError,
    name_them: bool,
) -> ApiError {
    match error {
        CrmError::MobileTaken { mobile } => {
            mobile_taken(state.database.connection(), &mobile, name_them).await
        }
        CrmError::LikelyDuplicates(candidates) => {
            let count = candidates.len();
            let views = candidates
                .into_iter()
                .map(|c| CustomerView::for_caller(caller, c, &state.sealer))
                .collect::<Result<Vec<_>, _>>();
            let candidates = match views.map(serde_json::to_value) {
                Ok(Ok(candidates)) => candidates,
                Ok(Err(error)) => return anyhow::Error::from(error).into(),
                Err(error) => return error,
            };
            ApiError::LikelyDuplicates {
                detail: format!(
                    "{count} existing customer(s) look like this one; check them, or send again with confirmNotDuplicate=true"
                ),
                candidates,
            }
        }
        other => other.into(),
    }
}

/// Gives `unit` up after `error`, then tells the error as [`refused`] does.
pub(crate) async fn give_up(
    state: &AppState,
    caller: &crate::auth::Caller,
    unit: jewel_services::Unit,
    error: CrmError,
    name_them: bool,
) -> ApiError {
    match unit.rollback().await {
        Ok(()) => refused(state, caller, error, name_them).await,
        Err(error) => error.into(),
    }
}

/// Add a customer. Needs `customers:write`.
///
/// The mobile number is the customer's identity: a second customer with the
/// same number (however it is spelled) is 409, naming the existing one.
/// A customer who only looks like another (the same e-mail, a phone shared
/// with another customer, or a name very like another's in the same home
/// branch) is 409 `likely-duplicate` with the `candidates`; send the request
/// again with `confirmNotDuplicate=true` to add them anyway.
#[utoipa::path(
    tag = "customers",
    operation_id = "createCustomer",
    security(("bearer" = [])),
    params(CreateCustomerParams),
    request_body = CustomerFields,
    responses(
        (status = 201, description = "Added.", body = CustomerView),
        (status = 409, description = "A customer with this mobile or external id exists (`errors[0]` names them), or customers look alike (`type` ends `likely-duplicate`, `candidates` lists them).", body = DuplicateProblem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/customers")]
pub async fn create_customer(
    state: web::Data<AppState>,
    caller: Authorized<needs::CustomersWrite>,
    Query(params): Query<CreateCustomerParams>,
    Json(body): Json<CustomerFields>,
) -> Result<HttpResponse, ApiError> {
    let new = body.check(state.home_country, &state.sealer)?;
    let confirmed = params.confirm_not_duplicate == Some(true);
    let mut unit = state.unit(&caller);
    let customer = match customers::create(&mut unit, &new, confirmed).await {
        Ok(customer) => customer,
        Err(error) => return Err(give_up(&state, &caller, unit, error, true).await),
    };
    unit.commit().await?;
    let view = CustomerView::for_caller(&caller, customer, &state.sealer)?;
    Ok(created(
        format!("/api/v1/customers/{}", view.id),
        view.version,
        view,
    ))
}

/// List and search customers. Needs `customers:read`.
///
/// Customers are shared by every branch of the business; `homeBranchId`
/// narrows to those who usually shop at one branch. Filters combine (all
/// must hold). Merged-away customers never appear; archived ones only with
/// `archived=true`.
#[utoipa::path(
    tag = "customers",
    operation_id = "listCustomers",
    security(("bearer" = [])),
    params(CustomerListQuery),
    responses((status = 200, description = "One page of customers, in `sort` order (oldest first when none).", body = Paged<CustomerView>))
)]
#[get("/api/v1/customers")]
pub async fn list_customers(
    state: web::Data<AppState>,
    caller: Authorized<needs::CustomersRead>,
    Query(query): Query<CustomerListQuery>,
) -> Result<web::Json<Paged<CustomerView>>, ApiError> {
    let (mut filter, sort) = query.parse(state.home_country)?;
    filter.pan_lookup = query.pan_lookup(&caller, &state.sealer)?;
    let pagination = Pagination {
        limit: query.limit,
        cursor: query.cursor.clone(),
    };
    let page = Customers::list(
        state.database.connection(),
        &filter,
        &sort,
        pagination.page()?,
    )
    .await?;
    Ok(web::Json(Paged::try_from_page(page, |c| {
        CustomerView::for_caller(&caller, c, &state.sealer)
    })?))
}

/// Get one customer. Needs `customers:read`.
///
/// A customer merged into another answers 410 with `mergedInto` and a
/// `Location` pointing at the survivor.
#[utoipa::path(
    tag = "customers",
    operation_id = "getCustomer",
    security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "The customer's id")),
    responses(
        (status = 200, description = "The customer; `ETag` carries the version.", body = CustomerView),
        (status = 410, description = "Merged into another customer: `mergedInto` and `Location` name the survivor.", body = MergedProblem, content_type = "application/problem+json"),
    )
)]
#[get("/api/v1/customers/{id}")]
pub async fn get_customer(
    state: web::Data<AppState>,
    caller: Authorized<needs::CustomersRead>,
    id: web::Path<uuid::Uuid>,
) -> Result<HttpResponse, ApiError> {
    let customer = live_customer(state.database.connection(), id.into_inner()).await?;
    let view = CustomerView::for_caller(&caller, customer, &state.sealer)?;
    Ok(with_etag(view.version, view))
}
/// Change a customer. Needs `customers:write`; honours `If-Match`.
///
/// The body is a JSON merge patch (`application/merge-patch+json` or
/// `application/json`): fields left out stay as they are, `null` clears a
/// field, a list replaces the whole list. A new mobile number or external
/// id that belongs to another customer is 409.
#[utoipa::path(
    tag = "customers",
    operation_id = "updateCustomer",
    security(("bearer" = [])),
    params(
        ("id" = uuid::Uuid, Path, description = "The customer's id"),
        ("If-Match" = Option<String>, Header, max_length = 16, pattern = r#"^(W/)?"[0-9]+"$"#, description = "The ETag you read, such as \"3\"")
    ),
    request_body = CustomerChanges,
    responses(
        (status = 200, description = "Changed.", body = CustomerView),
        (status = 409, description = "The mobile number or external id belongs to another customer, or the customer's data was erased.", body = Problem, content_type = "application/problem+json"),
        (status = 410, description = "Merged into another customer.", body = MergedProblem, content_type = "application/problem+json"),
        (status = 412, description = "Changed by someone else since you read it.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/api/v1/customers/{id}")]
pub async fn update_customer(
    state: web::Data<AppState>,
    caller: Authorized<needs::CustomersWrite>,
    req: HttpRequest,
    id: web::Path<uuid::Uuid>,
    Json(body): Json<serde_json::Value>,
) -> Result<HttpResponse, ApiError> {
    let expected_version = if_match(&req)?;
    let before = changeable_customer(state.database.connection(), id.into_inner()).await?;
    let new = patched(&before, &body, state.home_country, &state.sealer)?;
    let mut unit = state.unit(&caller);
    let after = match customers::update(&mut unit, &before, expected_version, &new).await {
        Ok(after) => after,
        Err(error) => return Err(give_up(&state, &caller, unit, error, true).await),
    };
    unit.commit().await?;
    let view = CustomerView::for_caller(&caller, after, &state.sealer)?;
    Ok(with_etag(view.version, view))
}

/// Archive a customer: left out of lists, searches and occasions, kept
/// whole. Needs `customers:write`; honours `If-Match`.
#[utoipa::path(
    tag = "customers",
    operation_id = "archiveCustomer",
    security(("bearer" = [])),
    params(
        ("id" = uuid::Uuid, Path, description = "The customer's id"),
        ("If-Match" = Option<String>, Header, max_length = 16, pattern = r#"^(W/)?"[0-9]+"$"#, description = "The ETag you read, such as \"3\"")
    ),
    responses(
        (status = 200, description = "Archived (again, if it already was).", body = CustomerView),
        (status = 409, description = "The customer's data was erased.", body = Problem, content_type = "application/problem+json"),
        (status = 410, description = "Merged into another customer.", body = MergedProblem, content_type = "application/problem+json"),
        (status = 412, description = "Changed by someone else since you read it.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/customers/{id}/archive")]
pub async fn archive_customer(
    state: web::Data<AppState>,
    caller: Authorized<needs::CustomersWrite>,
    req: HttpRequest,
    id: web::Path<uuid::Uuid>,
) -> Result<HttpResponse, ApiError> {
    set_archived(&state, &caller, &req, id.into_inner(), true).await
}

/// Bring an archived customer back into lists. Needs `customers:write`;
/// honours `If-Match`.
#[utoipa::path(
    tag = "customers",
    operation_id = "restoreCustomer",
    security(("bearer" = [])),
    params(
        ("id" = uuid::Uuid, Path, description = "The customer's id"),
        ("If-Match" = Option<String>, Header, max_length = 16, pattern = r#"^(W/)?"[0-9]+"$"#, description = "The ETag you read, such as \"3\"")
    ),
    responses(
        (status = 200, description = "Restored.", body = CustomerView),
        (status = 409, description = "The customer's data was erased.", body = Problem, content_type = "application/problem+json"),
        (status = 410, description = "Merged into another customer.", body = MergedProblem, content_type = "application/problem+json"),
        (status = 412, description = "Changed by someone else since you read it.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/customers/{id}/restore")]
pub async fn restore_customer(
    state: web::Data<AppState>,
    caller: Authorized<needs::CustomersWrite>,
    req: HttpRequest,
    id: web::Path<uuid::Uuid>,
) -> Result<HttpResponse, ApiError> {
    set_archived(&state, &caller, &req, id.into_inner(), false).await
}

async fn set_archived(
    state: &AppState,
    caller: &crate::auth::Caller,
    req: &HttpRequest,
    id: uuid::Uuid,
    archived: bool,
) -> Result<HttpResponse, ApiError> {
    let expected_version = if_match(req)?;
    let mut unit = state.unit(caller);
    let customer = customers::set_archived(&mut unit, id, expected_version, archived).await?;
    unit.commit().await?;
    let view = CustomerView::for_caller(caller, customer, &state.sealer)?;
    Ok(with_etag(view.version, view))
}

/// Give a customer a self-service login, or a new password. Needs `customers:write`.
///
/// The customer then logs in at `POST /api/v1/auth/customer-login` with
/// their mobile number or e-mail.
#[utoipa::path(
    tag = "customers",
    operation_id = "setCustomerLogin",
    security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "The customer's id")),
    request_body = CustomerLoginRequest,
    responses((status = 204, description = "The customer can log in with this password."))
)]
#[put("/api/v1/customers/{id}/login")]
pub async fn set_customer_login(
    state: web::Data<AppState>,
    caller: Authorized<needs::CustomersWrite>,
    id: web::Path<uuid::Uuid>,
    Json(body): Json<CustomerLoginRequest>,
) -> Result<HttpResponse, ApiError> {
    let password_text = Password::parse("password", &body.password)?;
    let hash = password::hash(&password_text).await?;
    let mut unit = state.unit(&caller);
    customers::set_login(&mut unit, id.into_inner(), &hash).await?;
    unit.commit().await?;
    Ok(HttpResponse::NoContent().finish())
}
