//! Staff login, refresh-token rotation, logout and password change.

use actix_web::{HttpMessage, HttpRequest, HttpResponse, post, web};
use jewel_domain::contact::{Email, Password};
use jewel_persistence::repos::staff::Staff;
use jewel_services::crm::customers;
use utoipa_actix_web::service_config::ServiceConfig;

use super::dto::auth::{
    ChangePasswordRequest, CustomerLoginBody, CustomerRegistration, LoginRequest, RefreshRequest,
    TokenResponse,
};
use crate::auth::caller::StaffLogin;
use crate::auth::{password, sessions};
use crate::error::{ApiError, Problem};
use crate::extract::Json;
use crate::routes::wire::customer::{CustomerFields, SourceName};
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
    let mut unit = state.unit(crate::audit::Actor::System("self_registration"));
    // A taken mobile reads as taken, never naming whose it is.
    let customer = customers::sign_up(&mut unit, &new, &hash).await?;
    let issued = sessions::start_family(
        &state,
        unit.txn().await?,
        sessions::Subject::Customer(Box::new(customer)),
    )
    .await?;
    unit.commit().await?;
    Ok(HttpResponse::Created().json(TokenResponse::from(issued)))
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
    let mut unit = state.unit(caller);
    jewel_services::identity::staff::change_password(&mut unit, caller.id, &hash).await?;
    sessions::revoke_staff(&state, unit.txn().await?, caller.id).await?;
    unit.commit().await?;
    Ok(HttpResponse::NoContent().finish())
}
