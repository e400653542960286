//! Customers: the core records the CRM grows from. Customers belong to the
//! business, not to a branch: a customer of a chain buys at any of its
//! branches, so every staff member with `customers:read` finds them; the
//! home branch is where they usually shop.

use actix_web::{HttpResponse, get, post, put, web};
use chrono::{DateTime, Utc};
use jewel_domain::contact::{Email, Password, PersonName, Phone};
use jewel_domain::customer::{Customer, NewCustomer};
use jewel_domain::{FieldError, Invalid};
use jewel_persistence::repos::customers::Customers;
use jewel_persistence::{RepoError, TransactionTrait};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

use super::{collect, created, with_etag};
use crate::auth::caller::{Authorized, needs};
use crate::auth::password;
use crate::error::{ApiError, Problem};
use crate::extract::Json;
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(create_customer)
        .service(get_customer)
        .service(set_customer_login);
}

/// A customer.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({
    "id": "01936f0e-5555-7000-8000-000000000005", "name": "Lakshmi Narayanan",
    "mobile": "+919876543210", "email": "lakshmi@example.com",
    "homeBranchId": "01936f0e-0000-7000-8000-000000000001", "version": 1,
    "createdAt": "2026-11-21T09:30:00Z", "updatedAt": "2026-11-21T09:30:00Z"
}))]
pub struct CustomerView {
    id: uuid::Uuid,
    #[schema(max_length = 120)]
    name: String,
    /// E.164; one customer per mobile number.
    #[schema(max_length = 16, pattern = r"^\+[1-9][0-9]{7,14}$")]
    mobile: String,
    #[schema(max_length = 254, format = "email")]
    email: Option<String>,
    home_branch_id: Option<uuid::Uuid>,
    #[schema(minimum = 1)]
    pub(crate) version: i32,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl From<Customer> for CustomerView {
    fn from(c: Customer) -> Self {
        Self {
            id: c.id,
            name: c.name,
            mobile: c.mobile,
            email: c.email,
            home_branch_id: c.home_branch_id,
            version: c.version,
            created_at: c.created_at,
            updated_at: c.updated_at,
        }
    }
}

/// A customer to add.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(example = json!({"name": "Lakshmi Narayanan", "mobile": "98765 43210", "email": "lakshmi@example.com"}))]
pub struct NewCustomerRequest {
    #[schema(max_length = 120)]
    pub(crate) name: String,
    /// Any common spelling; a bare 10-digit Indian mobile gets +91.
    #[schema(max_length = 20, pattern = r"^\+?[0-9 ()-]{8,19}$")]
    pub(crate) mobile: String,
    #[schema(max_length = 254, format = "email")]
    pub(crate) email: Option<String>,
    pub(crate) home_branch_id: Option<uuid::Uuid>,
}

impl TryFrom<NewCustomerRequest> for NewCustomer {
    type Error = Invalid;

    fn try_from(body: NewCustomerRequest) -> Result<Self, Invalid> {
        let mut errors: Vec<FieldError> = Vec::new();
        let name = collect(&mut errors, PersonName::parse("name", &body.name));
        let mobile = collect(&mut errors, Phone::parse("mobile", &body.mobile));
        let email = body
            .email
            .as_deref()
            .map(|e| collect(&mut errors, Email::parse("email", e)));
        match (name, mobile, Invalid::from_errors(errors)) {
            (Some(name), Some(mobile), None) => Ok(NewCustomer {
                name,
                mobile,
                email: email.flatten(),
                home_branch_id: body.home_branch_id,
            }),
            (.., Some(invalid)) => Err(invalid),
            _ => Err(Invalid::field("body", "invalid", "invalid customer")),
        }
    }
}

/// Add a customer. Needs `customers:write`.
///
/// The mobile number is the customer's identity: a second customer with the
/// same number (however it is spelled) is 409, naming the existing one.
#[utoipa::path(
    tag = "customers",
    operation_id = "createCustomer",
    security(("bearer" = [])),
    request_body = NewCustomerRequest,
    responses(
        (status = 201, description = "Added.", body = CustomerView),
        (status = 409, description = "A customer with this mobile exists; `errors[0].message` names them.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/customers")]
pub async fn create_customer(
    state: web::Data<AppState>,
    caller: Authorized<needs::CustomersWrite>,
    Json(body): Json<NewCustomerRequest>,
) -> Result<HttpResponse, ApiError> {
    let new = NewCustomer::try_from(body)?;
    let db = state.database.connection();
    let transaction = db.begin().await?;
    let customer = match Customers::create(&transaction, &new).await {
        Err(RepoError::Taken { field: "mobile" }) => {
            transaction.rollback().await?;
            let existing = Customers::by_mobile(db, new.mobile.as_str()).await?;
            let id = existing.map(|c| c.id.to_string()).unwrap_or_default();
            return Err(ApiError::Conflict {
                detail: format!(
                    "a customer with mobile {} already exists: {id}",
                    new.mobile.as_str()
                ),
                errors: vec![FieldError::new(
                    "mobile",
                    "taken",
                    format!("belongs to customer {id}"),
                )],
            });
        }
        other => other?,
    };
    let view = CustomerView::from(customer);
    crate::audit::record(
        &transaction,
        &caller,
        "create",
        "customer",
        view.id,
        None,
        Some(&view),
    )
    .await?;
    transaction.commit().await?;
    Ok(created(
        format!("/api/v1/customers/{}", view.id),
        view.version,
        view,
    ))
}

/// The 409 for a mobile that belongs to someone: staff learn who it is; a
/// stranger signing up learns only that it is taken.
pub(crate) async fn mobile_taken(
    db: &impl jewel_persistence::ConnectionTrait,
    new: &NewCustomer,
    name_them: bool,
) -> ApiError {
    let existing = match name_them {
        true => Customers::by_mobile(db, new.mobile.as_str())
            .await
            .ok()
            .flatten(),
        false => None,
    };
    let who = existing.map(|c| format!(": {}", c.id)).unwrap_or_default();
    ApiError::Conflict {
        detail: format!(
            "a customer with mobile {} already exists{who}",
            new.mobile.as_str()
        ),
        errors: vec![FieldError::new(
            "mobile",
            "taken",
            format!("already belongs to a customer{who}"),
        )],
    }
}

/// Get one customer. Needs `customers:read`.
#[utoipa::path(
    tag = "customers",
    operation_id = "getCustomer",
    security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "The customer's id")),
    responses((status = 200, description = "The customer; `ETag` carries the version.", body = CustomerView))
)]
#[get("/api/v1/customers/{id}")]
pub async fn get_customer(
    state: web::Data<AppState>,
    _caller: Authorized<needs::CustomersRead>,
    id: web::Path<uuid::Uuid>,
) -> Result<HttpResponse, ApiError> {
    let customer = Customers::get(state.database.connection(), id.into_inner())
        .await?
        .ok_or(ApiError::NotFound)?;
    let view = CustomerView::from(customer);
    Ok(with_etag(view.version, view))
}

/// A password for a customer's self-service login.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(example = json!({"password": "my jewellery passbook"}))]
pub struct CustomerLoginRequest {
    #[schema(min_length = 10, max_length = 128, format = Password)]
    password: String,
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
    let db = state.database.connection();
    let customer = Customers::get(db, id.into_inner())
        .await?
        .ok_or(ApiError::NotFound)?;
    let hash = password::hash(&password_text).await?;
    let transaction = db.begin().await?;
    Customers::set_login(&transaction, customer.id, &hash).await?;
    crate::audit::record::<()>(
        &transaction,
        &caller,
        "set_login",
        "customer",
        customer.id,
        None,
        None,
    )
    .await?;
    transaction.commit().await?;
    Ok(HttpResponse::NoContent().finish())
}
