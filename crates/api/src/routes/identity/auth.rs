//! Staff login, refresh-token rotation, logout and password change.

use actix_web::{HttpMessage, HttpRequest, HttpResponse, post, web};
use chrono::{DateTime, Utc};
use jewel_domain::contact::{Email, Password};
use jewel_persistence::repos::customers::Customers;
use jewel_persistence::repos::staff::Staff;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

use super::staff::StaffView;
use crate::auth::caller::StaffLogin;
use crate::auth::{password, sessions};
use crate::error::{ApiError, Problem};
use crate::extract::Json;
use crate::routes::wire::customer::{CustomerFields, CustomerView, SourceName, mobile_taken};
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(login)
        .service(customer_login)
        .service(customer_register)
        .service(refresh)
        .service(logout)
        .service(logout_everywhere)
        .service(change_password);
}

/// The client's address as the request context worked it out.
fn client_ip(req: &HttpRequest) -> Option<String> {
    req.extensions()
        .get::<crate::request_context::RequestContext>()
        .and_then(|c| c.ip.clone())
}

/// E-mail and password of a staff member.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(example = json!({"email": "meena@example-jeweller.in", "password": "correct horse battery"}))]
pub struct LoginRequest {
    #[schema(max_length = 254, format = "email")]
    email: String,
    #[schema(max_length = 128, format = Password)]
    password: String,
}

/// A new access token and the refresh token to get the next one.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({
    "accessToken": "eyJhbGciOiJIUzI1NiIsImtpZCI6Impld2VsLWhzMjU2LTEifQ.eyJzdWIiOiIwMTkzIn0.c2lnbmF0dXJl",
    "tokenType": "Bearer",
    "expiresIn": 900,
    "refreshToken": "Jx2fS8m9nq0qv2yY5b7f3kQk1rX9zL0aH4cV6tB8wE0",
    "refreshExpiresAt": "2026-12-21T09:30:00Z",
    "staff": {
        "id": "01936f0e-8f4a-7cc2-9a4e-1b2f3c4d5e6f", "name": "Meena Iyer",
        "email": "meena@example-jeweller.in", "phone": "+919876543210", "role": "owner",
        "branchIds": [], "active": true, "version": 1,
        "createdAt": "2026-11-21T09:30:00Z", "updatedAt": "2026-11-21T09:30:00Z"
    }
}))]
pub struct TokenResponse {
    /// A JWT to send as `Authorization: Bearer ...`.
    #[schema(
        max_length = 4096,
        pattern = r"^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$"
    )]
    access_token: String,
    /// Always `Bearer`.
    #[schema(max_length = 6, pattern = "^Bearer$")]
    token_type: &'static str,
    /// Seconds until the access token expires.
    #[schema(minimum = 1, maximum = 3600)]
    expires_in: u64,
    /// Works once, at `POST /api/v1/auth/refresh`.
    #[schema(max_length = 64, pattern = "^[A-Za-z0-9_-]{43}$")]
    refresh_token: String,
    refresh_expires_at: DateTime<Utc>,
    /// Who logged in, for a staff login.
    #[serde(skip_serializing_if = "Option::is_none")]
    staff: Option<StaffView>,
    /// Who logged in, for a customer login.
    #[serde(skip_serializing_if = "Option::is_none")]
    customer: Option<CustomerView>,
}

impl TokenResponse {
    /// The tokens as `key=value` pairs, for a redirect's URL fragment.
    pub fn fragment_pairs(&self) -> Vec<(&'static str, String)> {
        vec![
            ("accessToken", self.access_token.clone()),
            ("tokenType", self.token_type.to_owned()),
            ("expiresIn", self.expires_in.to_string()),
            ("refreshToken", self.refresh_token.clone()),
        ]
    }
}

impl From<sessions::Issued> for TokenResponse {
    fn from(issued: sessions::Issued) -> Self {
        Self {
            access_token: issued.access_token,
            token_type: "Bearer",
            expires_in: issued.expires_in,
            refresh_token: issued.refresh_token,
            refresh_expires_at: issued.refresh_expires_at,
            staff: match &issued.subject {
                sessions::Subject::Staff(user) => Some(StaffView::from(user.clone())),
                sessions::Subject::Customer(_) => None,
            },
            customer: match issued.subject {
                sessions::Subject::Customer(customer) => Some(CustomerView::from(*customer)),
                sessions::Subject::Staff(_) => None,
            },
        }
    }
}

/// Log in with e-mail and password.
///
/// Returns a short-lived access token (15 minutes by default) and a refresh
/// token (30 days). Unknown e-mail and wrong password get the same answer.
/// After too many failures for one account or one address, logins are
/// refused with 429 until the window passes, even with the right password.
#[utoipa::path(
    tag = "auth",
    operation_id = "login",
    security(()),
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Logged in.", body = TokenResponse),
        (status = 401, description = "Wrong e-mail or password, or a disabled account.", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many failed logins; see `Retry-After`.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/auth/login")]
pub async fn login(
    state: web::Data<AppState>,
    req: HttpRequest,
    Json(body): Json<LoginRequest>,
) -> Result<web::Json<TokenResponse>, ApiError> {
    let email = Email::parse("email", &body.email)?;
    let ip = client_ip(&req);
    let issued = sessions::login(&state, &email, &body.password, ip.as_deref()).await?;
    Ok(web::Json(issued.into()))
}

/// A customer's mobile number or e-mail, and password.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(example = json!({"login": "98765 43210", "password": "my jewellery passbook"}))]
pub struct CustomerLoginBody {
    /// A mobile number (any common spelling) or an e-mail address. Anything
    /// else names nobody: it is a failed login (401), counted like a wrong
    /// password.
    #[schema(max_length = 254)]
    login: String,
    #[schema(max_length = 128, format = Password)]
    password: String,
}

/// Log in as a customer, with mobile number or e-mail and password.
///
/// For the customer app: the tokens reach only `/api/v1/me`. Staff give a
/// customer a login with `PUT /api/v1/customers/{id}/login`. Throttled like
/// staff logins.
#[utoipa::path(
    tag = "auth",
    operation_id = "customerLogin",
    security(()),
    request_body = CustomerLoginBody,
    responses(
        (status = 200, description = "Logged in; `customer` says who.", body = TokenResponse),
        (status = 401, description = "Wrong login or password.", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many failed logins; see `Retry-After`.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/auth/customer-login")]
pub async fn customer_login(
    state: web::Data<AppState>,
    req: HttpRequest,
    Json(body): Json<CustomerLoginBody>,
) -> Result<web::Json<TokenResponse>, ApiError> {
    let identifier = sessions::CustomerLogin::read(&body.login, state.home_country);
    let ip = client_ip(&req);
    let issued =
        sessions::customer_login(&state, &identifier, &body.password, ip.as_deref()).await?;
    Ok(web::Json(issued.into()))
}

/// A customer signing themselves up.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(example = json!({"name": "Lakshmi Narayanan", "mobile": "98765 43210", "email": "lakshmi@example.com", "password": "my jewellery passbook"}))]
pub struct CustomerRegistration {
    #[schema(value_type = crate::routes::wire::NameText)]
    name: String,
    #[schema(max_length = 20, pattern = r"^\+?[0-9 ()-]{8,19}$")]
    mobile: String,
    #[schema(max_length = 254, format = "email")]
    email: Option<String>,
    #[schema(min_length = 10, max_length = 128, format = Password)]
    password: String,
}

/// Sign up as a customer (when the business allows it) and log in.
///
/// Off unless `auth.customer_self_registration` is set (then 404). A mobile
/// number that already belongs to a customer is 409: ask the store to give
/// that customer a login instead.
#[utoipa::path(
    tag = "auth",
    operation_id = "customerRegister",
    security(()),
    request_body = CustomerRegistration,
    responses(
        (status = 201, description = "Signed up and logged in.", body = TokenResponse),
        (status = 404, description = "Self-registration is off.", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The mobile number belongs to a customer already.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/auth/customer-register")]
pub async fn customer_register(
    state: web::Data<AppState>,
    Json(body): Json<CustomerRegistration>,
) -> Result<HttpResponse, ApiError> {
    if !state.auth.customer_self_registration {
        return Err(ApiError::Status {
            status: actix_web::http::StatusCode::NOT_FOUND,
            detail: "customers cannot sign themselves up here; ask the store".to_owned(),
        });
    }
    let mut errors = Vec::new();
    let new = crate::routes::wire::collect(
        &mut errors,
        CustomerFields {
            name: body.name,
            mobile: body.mobile,
            email: body.email,
            source: Some(SourceName::Website),
            ..Default::default()
        }
        .check(state.home_country, &state.sealer),
    );
    let password_text =
        crate::routes::wire::collect(&mut errors, Password::parse("password", &body.password));
    let (Some(new), Some(password_text)) = (new, password_text) else {
        return Err(jewel_domain::Invalid::from_errors(errors)
            .unwrap_or_else(|| jewel_domain::Invalid::field("body", "invalid", "invalid"))
            .into());
    };
    let hash = password::hash(&password_text).await?;
    let db = state.database.connection();
    let mut unit = state.unit(crate::audit::Actor::System("self_registration"));
    let transaction = unit.txn().await?;
    let customer = match Customers::create(transaction, &new).await {
        Err(jewel_persistence::RepoError::Taken { field: "mobile" }) => {
            unit.rollback().await?;
            return Err(mobile_taken(db, new.mobile.as_str(), false).await);
        }
        other => other?,
    };
    Customers::set_login(transaction, customer.id, &hash).await?;
    let view = CustomerView::from(customer.clone());
    let customer_id = customer.id;
    crate::audit::record(
        transaction,
        crate::audit::Actor::Customer(customer.id),
        "create",
        "customer",
        customer.id,
        None,
        Some(&view),
    )
    .await?;
    let issued = sessions::start_family(
        &state,
        transaction,
        sessions::Subject::Customer(Box::new(customer)),
    )
    .await?;
    unit.act_as(crate::audit::Actor::Customer(customer_id));
    unit.emit(&jewel_services::crm::events::CustomerCreated {
        customer_id,
        source: "self_registration".to_owned(),
    })?;
    unit.commit().await?;
    Ok(HttpResponse::Created().json(TokenResponse::from(issued)))
}

/// A refresh token to trade for a new pair.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(example = json!({"refreshToken": "Jx2fS8m9nq0qv2yY5b7f3kQk1rX9zL0aH4cV6tB8wE0"}))]
pub struct RefreshRequest {
    #[schema(max_length = 64, pattern = "^[A-Za-z0-9_-]{43}$")]
    refresh_token: String,
}

/// Trade a refresh token for a new access token and refresh token.
///
/// Each refresh token works once. Presenting one that was already used
/// revokes the whole login session (every token issued from the same login),
/// because it means the token was copied.
#[utoipa::path(
    tag = "auth",
    operation_id = "refreshTokens",
    security(()),
    request_body = RefreshRequest,
    responses(
        (status = 200, description = "The next pair of tokens.", body = TokenResponse),
        (status = 401, description = "Invalid, expired, used or revoked refresh token.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/auth/refresh")]
pub async fn refresh(
    state: web::Data<AppState>,
    Json(body): Json<RefreshRequest>,
) -> Result<web::Json<TokenResponse>, ApiError> {
    let issued = sessions::refresh(&state, &body.refresh_token).await?;
    Ok(web::Json(issued.into()))
}

/// Log out of this session.
///
/// The session's refresh tokens stop working at once and its access tokens
/// are refused.
#[utoipa::path(
    tag = "auth",
    operation_id = "logout",
    security(("bearer" = [])),
    responses((status = 204, description = "Logged out."))
)]
#[post("/api/v1/auth/logout")]
pub async fn logout(
    state: web::Data<AppState>,
    staff: StaffLogin,
) -> Result<HttpResponse, ApiError> {
    sessions::revoke_family(&state, staff.session).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Log out everywhere: end every session of the calling staff member.
#[utoipa::path(
    tag = "auth",
    operation_id = "logoutEverywhere",
    security(("bearer" = [])),
    responses((status = 204, description = "Every session ended."))
)]
#[post("/api/v1/auth/logout-everywhere")]
pub async fn logout_everywhere(
    state: web::Data<AppState>,
    staff: StaffLogin,
) -> Result<HttpResponse, ApiError> {
    sessions::revoke_staff(&state, state.database.connection(), staff.caller.id).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The current password and the new one.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(example = json!({"currentPassword": "correct horse battery", "newPassword": "a new and longer passphrase"}))]
pub struct ChangePasswordRequest {
    #[schema(max_length = 128, format = Password)]
    current_password: String,
    #[schema(min_length = 10, max_length = 128, format = Password)]
    new_password: String,
}

/// Change your own password.
///
/// Every session of yours ends, this one included: log in again with the
/// new password.
#[utoipa::path(
    tag = "auth",
    operation_id = "changePassword",
    security(("bearer" = [])),
    request_body = ChangePasswordRequest,
    responses(
        (status = 204, description = "Changed; log in again."),
        (status = 401, description = "The current password is wrong.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/auth/password")]
pub async fn change_password(
    state: web::Data<AppState>,
    staff: StaffLogin,
    Json(body): Json<ChangePasswordRequest>,
) -> Result<HttpResponse, ApiError> {
    let caller = &staff.caller;
    let new_password = Password::parse("newPassword", &body.new_password)?;
    let db = state.database.connection();
    let stored = Staff::password_hash(db, caller.id).await?;
    if stored.is_none() || !password::verify(&body.current_password, stored.as_deref()).await {
        return Err(ApiError::Unauthorized {
            detail: "the current password is wrong",
            invalid_token: false,
        });
    }
    let hash = password::hash(&new_password).await?;
    let transaction = jewel_persistence::begin_writing(db).await?;
    Staff::set_password_hash(&transaction, caller.id, &hash).await?;
    crate::audit::record::<()>(
        &transaction,
        caller,
        "change_password",
        "staff",
        caller.id,
        None,
        None,
    )
    .await?;
    sessions::revoke_staff(&state, &transaction, caller.id).await?;
    transaction.commit().await?;
    Ok(HttpResponse::NoContent().finish())
}
