//! Staff single sign-on through an external OAuth2 / OpenID Connect
//! provider: authorization code with PKCE, `state` checked once, the e-mail
//! read from the provider's userinfo (it must be verified), and only an
//! existing active staff member with that e-mail gets in.

use std::time::Duration;

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, web};
use jewel_persistence::repos::staff::Staff;
use oauth2::basic::BasicClient;
use oauth2::{
    AuthUrl, AuthorizationCode, ClientId, ClientSecret, CsrfToken, PkceCodeChallenge,
    PkceCodeVerifier, RedirectUrl, Scope, TokenResponse as _, TokenUrl,
};
use secrecy::ExposeSecret;
use utoipa_actix_web::service_config::ServiceConfig;

use super::dto::sso::{CallbackQuery, StartQuery, UserInfo};
use crate::auth::sessions;
use crate::config::SsoSettings;
use crate::error::{ApiError, Problem};
use crate::extract::Query;
use crate::routes::identity::dto::auth::TokenResponse;
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(start).service(callback);
}

const CALLBACK_PATH: &str = "/api/v1/auth/sso/callback";
/// How long a sign-in may take at the provider.
const STATE_TTL: Duration = Duration::from_secs(600);

fn not_configured() -> ApiError {
    ApiError::Status {
        status: actix_web::http::StatusCode::NOT_FOUND,
        detail: "single sign-on is not configured on this server".to_owned(),
    }
}

fn refused(detail: &str) -> ApiError {
    ApiError::bad_field(
        format!("single sign-on failed: {detail}"),
        "state",
        "invalid",
        detail.to_owned(),
    )
}

fn redirect_url(settings: &SsoSettings, req: &HttpRequest) -> String {
    settings.redirect_url.clone().unwrap_or_else(|| {
        let info = req.connection_info();
        format!("{}://{}{CALLBACK_PATH}", info.scheme(), info.host())
    })
}

fn state_key(state: &str) -> String {
    format!("sso:state:{state}")
}

/// Start single sign-on: redirects to the identity provider.
///
/// Open this in the browser. The provider sends the browser back to the
/// callback, which logs the staff member in.
#[utoipa::path(
    tag = "auth",
    operation_id = "startSso",
    security(()),
    params(StartQuery),
    responses(
        (status = 302, description = "To the identity provider, with `state` and a PKCE challenge."),
        (status = 404, description = "Single sign-on is not configured.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/api/v1/auth/sso/start")]
pub async fn start(
    state: web::Data<AppState>,
    req: HttpRequest,
    Query(query): Query<StartQuery>,
) -> Result<HttpResponse, ApiError> {
    let settings = &state.sso;
    let Some(authorize_url) = &settings.authorize_url else {
        return Err(not_configured());
    };
    let client = BasicClient::new(ClientId::new(settings.client_id.clone()))
        .set_auth_uri(AuthUrl::new(authorize_url.clone()).map_err(anyhow::Error::from)?)
        .set_redirect_uri(
            RedirectUrl::new(redirect_url(settings, &req)).map_err(anyhow::Error::from)?,
        );
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let mut request = client
        .authorize_url(CsrfToken::new_random)
        .set_pkce_challenge(challenge)
        .add_scopes(settings.scopes.iter().cloned().map(Scope::new));
    if let Some(hint) = &query.login_hint {
        request = request.add_extra_param("login_hint", hint.clone());
    }
    let (url, csrf) = request.url();
    state
        .cache
        .set(
            &state_key(csrf.secret()),
            verifier.secret().as_bytes(),
            STATE_TTL,
        )
        .await;
    Ok(HttpResponse::Found()
        .insert_header((header::LOCATION, url.to_string()))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .finish())
}

/// Finish single sign-on (the provider redirects here).
///
/// Checks `state`, trades the code for the provider's token (with the PKCE
/// verifier), reads the verified e-mail, and logs in the active staff member
/// who has it. No account is ever created here. Answers with the tokens, or
/// redirects to the configured single-page app with them in the fragment.
#[utoipa::path(
    tag = "auth",
    operation_id = "finishSso",
    security(()),
    params(CallbackQuery),
    responses(
        (status = 200, description = "Logged in.", body = TokenResponse),
        (status = 302, description = "To the single-page app, with the tokens in the URL fragment."),
        (status = 403, description = "No active staff member has the verified e-mail.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Single sign-on is not configured.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/api/v1/auth/sso/callback")]
pub async fn callback(
    state: web::Data<AppState>,
    req: HttpRequest,
    Query(query): Query<CallbackQuery>,
) -> Result<HttpResponse, ApiError> {
    let settings = &state.sso;
    let (Some(_), Some(token_url), Some(userinfo_url)) = (
        &settings.authorize_url,
        &settings.token_url,
        &settings.userinfo_url,
    ) else {
        return Err(not_configured());
    };
    if let Some(error) = &query.error {
        return Err(refused(&format!("the provider answered {error}")));
    }
    let (Some(code), Some(csrf)) = (&query.code, &query.state) else {
        return Err(refused("code and state are required"));
    };
    // A state works once: it is forgotten as it is read.
    let key = state_key(csrf);
    let verifier = state.cache.get(&key).await;
    state.cache.delete(&key).await;
    let Some(verifier) = verifier.and_then(|v| String::from_utf8(v).ok()) else {
        return Err(refused("unknown, used or expired state"));
    };

    let mut client = BasicClient::new(ClientId::new(settings.client_id.clone()))
        .set_token_uri(TokenUrl::new(token_url.clone()).map_err(anyhow::Error::from)?)
        .set_redirect_uri(
            RedirectUrl::new(redirect_url(settings, &req)).map_err(anyhow::Error::from)?,
        );
    if let Some(secret) = &settings.client_secret {
        client = client.set_client_secret(ClientSecret::new(secret.expose_secret().to_owned()));
    }
    let http = oauth2::reqwest::Client::builder()
        .redirect(oauth2::reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(10))
        .build()
        .map_err(anyhow::Error::from)?;
    let token = client
        .exchange_code(AuthorizationCode::new(code.clone()))
        .set_pkce_verifier(PkceCodeVerifier::new(verifier))
        .request_async(&http)
        .await
        .map_err(|error| {
            tracing::warn!(error = %error, "the provider refused the code");
            refused("the provider refused the code")
        })?;
    let body = http
        .get(userinfo_url)
        .bearer_auth(token.access_token().secret())
        .send()
        .await
        .and_then(|r| r.error_for_status())
        .map_err(anyhow::Error::from)?
        .bytes()
        .await
        .map_err(anyhow::Error::from)?;
    let info: UserInfo = serde_json::from_slice(&body).map_err(anyhow::Error::from)?;

    let no_account = || ApiError::Forbidden {
        permission: "an active staff account with the provider's verified e-mail",
    };
    let email = match info.email {
        Some(email) if info.email_verified => email.trim().to_lowercase(),
        _ => return Err(no_account()),
    };
    let db = state.database.connection();
    let user = match Staff::credentials_by_email(db, &email).await? {
        Some(credentials) if credentials.user.active => credentials.user,
        _ => return Err(no_account()),
    };
    let issued = TokenResponse::from(
        sessions::start_family(&state, db, sessions::Subject::Staff(user)).await?,
    );
    match &settings.spa_redirect_url {
        None => Ok(HttpResponse::Ok()
            .insert_header((header::CACHE_CONTROL, "no-store"))
            .json(issued)),
        Some(spa) => {
            let fragment = url::form_urlencoded::Serializer::new(String::new())
                .extend_pairs(issued.fragment_pairs())
                .finish();
            Ok(HttpResponse::Found()
                .insert_header((header::LOCATION, format!("{spa}#{fragment}")))
                .insert_header((header::CACHE_CONTROL, "no-store"))
                .finish())
        }
    }
}
