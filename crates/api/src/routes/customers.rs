//! Customers: the core records the CRM grows from. Customers belong to the
//! business, not to a branch: a customer of a chain buys at any of its
//! branches, so every staff member with `customers:read` finds them; the
//! home branch is where they usually shop.

use actix_web::{HttpRequest, HttpResponse, get, patch, post, put, web};
use chrono::{DateTime, Utc};
use jewel_domain::contact::{Email, Password, PersonName, Phone};
use jewel_domain::customer::{Customer, CustomerQuery, NewCustomer, Occasions, Pan, masked_pan};
use jewel_domain::occasion::{parse_past_date, parse_ring_size};
use jewel_domain::{FieldError, Invalid};
use jewel_persistence::repos::customers::{CustomerFilter, CustomerPatch, Customers};
use jewel_persistence::{RepoError, TransactionTrait};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;

use super::{Paged, Pagination, collect, created, if_match, with_etag};
use crate::auth::caller::{Authorized, needs};
use crate::auth::password;
use crate::error::{ApiError, Problem};
use crate::extract::{Json, Query};
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(create_customer)
        .service(list_customers)
        .service(get_customer)
        .service(update_customer)
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
    date_of_birth: Option<chrono::NaiveDate>,
    /// Wedding anniversary.
    anniversary: Option<chrono::NaiveDate>,
    #[schema(max_length = 120)]
    spouse_name: Option<String>,
    spouse_date_of_birth: Option<chrono::NaiveDate>,
    #[schema(max_length = 8)]
    ring_size: Option<String>,
    /// Whole for owners, managers and accountants (`customers:kyc`) and for
    /// the customer themselves; otherwise only its last 4 characters.
    #[schema(max_length = 10, pattern = "^[A-Z0-9X]{10}$")]
    pan: Option<String>,
    #[schema(minimum = 1)]
    pub(crate) version: i32,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl From<Customer> for CustomerView {
    /// The view with the PAN masked: what the audit trail and most callers see.
    fn from(c: Customer) -> Self {
        let pan = c.pan.as_deref().map(masked_pan);
        Self::with_pan(c, pan)
    }
}

impl CustomerView {
    /// The view with the PAN whole.
    pub fn revealing_pan(c: Customer) -> Self {
        let pan = c.pan.clone();
        Self::with_pan(c, pan)
    }

    /// What `caller` may see of the customer.
    pub fn for_caller(caller: &crate::auth::Caller, c: Customer) -> Self {
        match caller.require(jewel_domain::Permission::CustomersKyc) {
            Ok(()) => Self::revealing_pan(c),
            Err(_) => Self::from(c),
        }
    }

    fn with_pan(c: Customer, pan: Option<String>) -> Self {
        Self {
            id: c.id,
            name: c.name,
            mobile: c.mobile,
            email: c.email,
            home_branch_id: c.home_branch_id,
            date_of_birth: c.occasions.date_of_birth,
            anniversary: c.occasions.anniversary,
            spouse_name: c.occasions.spouse_name,
            spouse_date_of_birth: c.occasions.spouse_date_of_birth,
            ring_size: c.occasions.ring_size,
            pan,
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
    #[serde(default)]
    pub(crate) date_of_birth: Option<chrono::NaiveDate>,
    #[serde(default)]
    pub(crate) anniversary: Option<chrono::NaiveDate>,
    #[serde(default)]
    #[schema(max_length = 120)]
    pub(crate) spouse_name: Option<String>,
    #[serde(default)]
    pub(crate) spouse_date_of_birth: Option<chrono::NaiveDate>,
    #[serde(default)]
    #[schema(max_length = 8)]
    pub(crate) ring_size: Option<String>,
    /// Checked for its shape (`ABCDE1234F`).
    #[serde(default)]
    #[schema(max_length = 10, pattern = "^[A-Za-z]{5}[0-9]{4}[A-Za-z]$")]
    pub(crate) pan: Option<String>,
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
        let today = Utc::now().date_naive();
        let past = |errors: &mut Vec<FieldError>, field: &str, date: Option<chrono::NaiveDate>| {
            date.and_then(|d| collect(errors, parse_past_date(field, d, today)))
        };
        let occasions = Occasions {
            date_of_birth: past(&mut errors, "dateOfBirth", body.date_of_birth),
            anniversary: past(&mut errors, "anniversary", body.anniversary),
            spouse_name: body
                .spouse_name
                .as_deref()
                .and_then(|n| collect(&mut errors, PersonName::parse("spouseName", n)))
                .map(|n| n.as_str().to_owned()),
            spouse_date_of_birth: past(&mut errors, "spouseDateOfBirth", body.spouse_date_of_birth),
            ring_size: body
                .ring_size
                .as_deref()
                .and_then(|r| collect(&mut errors, parse_ring_size("ringSize", r))),
        };
        let pan = body
            .pan
            .as_deref()
            .and_then(|p| collect(&mut errors, Pan::parse("pan", p)));
        match (name, mobile, Invalid::from_errors(errors)) {
            (Some(name), Some(mobile), None) => Ok(NewCustomer {
                name,
                mobile,
                email: email.flatten(),
                home_branch_id: body.home_branch_id,
                occasions,
                pan,
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
            return Err(mobile_taken(db, new.mobile.as_str(), true).await);
        }
        other => other?,
    };
    let recorded = CustomerView::from(customer.clone());
    crate::audit::record(
        &transaction,
        &caller,
        "create",
        "customer",
        customer.id,
        None,
        Some(&recorded),
    )
    .await?;
    transaction.commit().await?;
    let view = CustomerView::for_caller(&caller, customer);
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
    mobile: &str,
    name_them: bool,
) -> ApiError {
    let existing = match name_them {
        true => Customers::by_mobile(db, mobile).await.ok().flatten(),
        false => None,
    };
    let who = existing.map(|c| format!(": {}", c.id)).unwrap_or_default();
    ApiError::Conflict {
        detail: format!("a customer with mobile {mobile} already exists{who}"),
        errors: vec![FieldError::new(
            "mobile",
            "taken",
            format!("already belongs to a customer{who}"),
        )],
    }
}

/// Filters of the customer list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query, rename_all = "camelCase")]
pub struct CustomerListQuery {
    /// The quick-search box: 4 to 9 digits find mobiles ending with them, a
    /// whole number finds that mobile, an `@` finds an e-mail, words find
    /// names with words beginning so (`lak nara`).
    #[param(max_length = 120, example = "3210")]
    q: Option<String>,
    home_branch_id: Option<uuid::Uuid>,
    /// Records per page: 1 to 200, 50 when not given.
    #[param(minimum = 1, maximum = 200, example = 50)]
    limit: Option<u64>,
    /// `nextCursor` of the previous page.
    #[param(max_length = 64, pattern = "^[A-Za-z0-9_-]+$")]
    cursor: Option<String>,
}

/// List and search customers. Needs `customers:read`.
///
/// Customers are shared by every branch of the business; `homeBranchId`
/// narrows to those who usually shop at one branch.
#[utoipa::path(
    tag = "customers",
    operation_id = "listCustomers",
    security(("bearer" = [])),
    params(CustomerListQuery),
    responses((status = 200, description = "One page of customers, oldest first.", body = Paged<CustomerView>))
)]
#[get("/api/v1/customers")]
pub async fn list_customers(
    state: web::Data<AppState>,
    caller: Authorized<needs::CustomersRead>,
    Query(query): Query<CustomerListQuery>,
) -> Result<web::Json<Paged<CustomerView>>, ApiError> {
    let search = query
        .q
        .as_deref()
        .map(|q| CustomerQuery::parse("q", q))
        .transpose()
        .map_err(|invalid| {
            let error = invalid.into_errors().remove(0);
            ApiError::bad_field(
                format!("q: {}", error.message),
                "q",
                error.code,
                error.message,
            )
        })?;
    let filter = CustomerFilter {
        query: search,
        home_branch_id: query.home_branch_id,
    };
    let pagination = Pagination {
        limit: query.limit,
        cursor: query.cursor,
    };
    let page = Customers::list(state.database.connection(), &filter, pagination.page()?).await?;
    Ok(web::Json(Paged::from_page(page, |c| {
        CustomerView::for_caller(&caller, c)
    })))
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
    caller: Authorized<needs::CustomersRead>,
    id: web::Path<uuid::Uuid>,
) -> Result<HttpResponse, ApiError> {
    let customer = Customers::get(state.database.connection(), id.into_inner())
        .await?
        .ok_or(ApiError::NotFound)?;
    let view = CustomerView::for_caller(&caller, customer);
    Ok(with_etag(view.version, view))
}

/// Changes to a customer; absent fields stay. `email: null` removes it.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(example = json!({"name": "Lakshmi N.", "email": null}))]
pub struct CustomerChanges {
    #[schema(max_length = 120)]
    name: Option<String>,
    #[schema(max_length = 20, pattern = r"^\+?[0-9 ()-]{8,19}$")]
    mobile: Option<String>,
    #[serde(default, deserialize_with = "super::double_option")]
    #[schema(max_length = 254, format = "email", value_type = Option<String>)]
    email: Option<Option<String>>,
    #[serde(default, deserialize_with = "super::double_option")]
    #[schema(value_type = Option<uuid::Uuid>)]
    home_branch_id: Option<Option<uuid::Uuid>>,
    #[serde(default, deserialize_with = "super::double_option")]
    #[schema(value_type = Option<chrono::NaiveDate>)]
    date_of_birth: Option<Option<chrono::NaiveDate>>,
    #[serde(default, deserialize_with = "super::double_option")]
    #[schema(value_type = Option<chrono::NaiveDate>)]
    anniversary: Option<Option<chrono::NaiveDate>>,
    #[serde(default, deserialize_with = "super::double_option")]
    #[schema(max_length = 120, value_type = Option<String>)]
    spouse_name: Option<Option<String>>,
    #[serde(default, deserialize_with = "super::double_option")]
    #[schema(value_type = Option<chrono::NaiveDate>)]
    spouse_date_of_birth: Option<Option<chrono::NaiveDate>>,
    #[serde(default, deserialize_with = "super::double_option")]
    #[schema(max_length = 8, value_type = Option<String>)]
    ring_size: Option<Option<String>>,
    #[serde(default, deserialize_with = "super::double_option")]
    #[schema(max_length = 10, pattern = "^[A-Za-z]{5}[0-9]{4}[A-Za-z]$", value_type = Option<String>)]
    pan: Option<Option<String>>,
}

/// A date change in a PATCH: absent, cleared (`null`), or a past date.
fn past_or_cleared(
    errors: &mut Vec<FieldError>,
    field: &str,
    date: Option<Option<chrono::NaiveDate>>,
) -> Option<Option<chrono::NaiveDate>> {
    let today = Utc::now().date_naive();
    date.map(|date| date.and_then(|d| collect(errors, parse_past_date(field, d, today))))
}

/// Change a customer. Needs `customers:write`; honours `If-Match`.
///
/// A new mobile number that belongs to another customer is 409 naming them.
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
        (status = 409, description = "The mobile number belongs to another customer.", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Changed by someone else since you read it.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/api/v1/customers/{id}")]
pub async fn update_customer(
    state: web::Data<AppState>,
    caller: Authorized<needs::CustomersWrite>,
    req: HttpRequest,
    id: web::Path<uuid::Uuid>,
    Json(body): Json<CustomerChanges>,
) -> Result<HttpResponse, ApiError> {
    let expected_version = if_match(&req)?;
    let mut errors = Vec::new();
    let mobile = body
        .mobile
        .as_deref()
        .and_then(|m| collect(&mut errors, Phone::parse("mobile", m)));
    let patch = CustomerPatch {
        name: body
            .name
            .as_deref()
            .and_then(|n| collect(&mut errors, PersonName::parse("name", n)))
            .map(|n| n.as_str().to_owned()),
        mobile: mobile.as_ref().map(|m| m.as_str().to_owned()),
        email: body.email.as_ref().map(|email| {
            email
                .as_deref()
                .and_then(|e| collect(&mut errors, Email::parse("email", e)))
                .map(|e| e.as_str().to_owned())
        }),
        home_branch_id: body.home_branch_id,
        date_of_birth: past_or_cleared(&mut errors, "dateOfBirth", body.date_of_birth),
        anniversary: past_or_cleared(&mut errors, "anniversary", body.anniversary),
        spouse_name: body.spouse_name.as_ref().map(|name| {
            name.as_deref()
                .and_then(|n| collect(&mut errors, PersonName::parse("spouseName", n)))
                .map(|n| n.as_str().to_owned())
        }),
        spouse_date_of_birth: past_or_cleared(
            &mut errors,
            "spouseDateOfBirth",
            body.spouse_date_of_birth,
        ),
        ring_size: body.ring_size.as_ref().map(|size| {
            size.as_deref()
                .and_then(|r| collect(&mut errors, parse_ring_size("ringSize", r)))
        }),
        pan: body.pan.as_ref().map(|pan| {
            pan.as_deref()
                .and_then(|p| collect(&mut errors, Pan::parse("pan", p)))
                .map(|p| p.as_str().to_owned())
        }),
    };
    if let Some(invalid) = Invalid::from_errors(errors) {
        return Err(invalid.into());
    }
    let db = state.database.connection();
    let before = Customers::get(db, id.into_inner())
        .await?
        .ok_or(ApiError::NotFound)?;
    let transaction = db.begin().await?;
    let after = match Customers::update(&transaction, before.id, expected_version, &patch).await {
        Err(RepoError::Taken { field: "mobile" }) => {
            transaction.rollback().await?;
            return Err(mobile_taken(db, patch.mobile.as_deref().unwrap_or_default(), true).await);
        }
        other => other?,
    };
    let recorded = (
        CustomerView::from(before),
        CustomerView::from(after.clone()),
    );
    crate::audit::record(
        &transaction,
        &caller,
        "update",
        "customer",
        after.id,
        Some(&recorded.0),
        Some(&recorded.1),
    )
    .await?;
    transaction.commit().await?;
    let view = CustomerView::for_caller(&caller, after);
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
