//! OAuth2 (RFC 6749) for integrators: the client-credentials grant.

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse, post, web};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use jewel_domain::Permission;
use jewel_persistence::repos::api_clients::ApiClients;
use utoipa_actix_web::service_config::ServiceConfig;

use super::dto::oauth::{ClientToken, OAuthError, TokenRequest};
use crate::auth::tokens;
use crate::error::ApiError;
use crate::request_context::StandardErrorBody;
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(token);
}

fn oauth_error(
    status: StatusCode,
    error: &'static str,
    description: impl Into<String>,
) -> HttpResponse {
    let mut response = HttpResponse::build(status)
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(OAuthError {
            error,
            error_description: description.into(),
        });
    response.extensions_mut().insert(StandardErrorBody);
    response
}

fn invalid_client(basic: bool) -> HttpResponse {
    let mut response = oauth_error(
        StatusCode::UNAUTHORIZED,
        "invalid_client",
        "unknown client, wrong secret, or a disabled client",
    );
    if basic {
        response.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static(r#"Basic realm="jewel-crm""#),
        );
    }
    response
}

/// `client_id:client_secret` from an HTTP Basic header (RFC 6749 2.3.1:
/// each part form-urlencoded).
fn basic_credentials(req: &HttpRequest) -> Option<Option<(String, String)>> {
    let value = req.headers().get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, encoded) = value.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let parse = || {
        let decoded = String::from_utf8(STANDARD.decode(encoded.trim()).ok()?).ok()?;
        let (id, secret) = decoded.split_once(':')?;
        let unescape = |part: &str| {
            url::form_urlencoded::parse(format!("x={part}").as_bytes())
                .next()
                .map(|(_, v)| v.into_owned())
        };
        Some((unescape(id)?, unescape(secret)?))
    };
    Some(parse())
}

/// Compares secrets' hashes in time independent of where they differ.
fn same_hash(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// Get an access token for an API client (OAuth2 client credentials).
///
/// Authenticate with HTTP Basic (`client_id:client_secret`) or with
/// `client_id` and `client_secret` in the form. The token's scopes limit
/// every call: a scope the client lacks is 403. Errors follow RFC 6749
/// (`invalid_request`, `invalid_client`, `invalid_scope`,
/// `unsupported_grant_type`), not problem+json.
#[utoipa::path(
    tag = "oauth",
    operation_id = "issueClientToken",
    security(()),
    request_body(content = TokenRequest, content_type = "application/x-www-form-urlencoded"),
    responses(
        (status = 200, description = "A token.", body = ClientToken),
        (status = 400, description = "`invalid_request`, `invalid_scope` or `unsupported_grant_type`.", body = OAuthError),
        (status = 401, description = "`invalid_client`.", body = OAuthError),
    )
)]
#[post("/oauth/token")]
pub async fn token(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: Bytes,
) -> Result<HttpResponse, ApiError> {
    let form_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if !form_type {
        return Ok(oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "the body must be application/x-www-form-urlencoded",
        ));
    }
    let Ok(form) = serde_urlencoded::from_bytes::<TokenRequest>(&body) else {
        return Ok(oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "the form cannot be read",
        ));
    };
    match form.grant_type.as_deref() {
        None => {
            return Ok(oauth_error(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                "grant_type is required",
            ));
        }
        Some("client_credentials") => {}
        Some(other) => {
            return Ok(oauth_error(
                StatusCode::BAD_REQUEST,
                "unsupported_grant_type",
                format!("{other} is not supported; use client_credentials"),
            ));
        }
    }
    let basic = basic_credentials(&req);
    let in_body = form.client_id.clone().zip(form.client_secret.clone());
    let (client_id, secret) = match (basic.clone(), in_body) {
        (Some(_), Some(_)) => {
            return Ok(oauth_error(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                "authenticate with HTTP Basic or with the form, not both",
            ));
        }
        (Some(Some(credentials)), None) | (None, Some(credentials)) => credentials,
        (Some(None), None) | (None, None) => return Ok(invalid_client(basic.is_some())),
    };

    let credentials = ApiClients::credentials(state.database.connection(), &client_id).await?;
    let presented = tokens::refresh_token_hash(&secret);
    let client = match credentials {
        Some(c) if same_hash(&c.secret_hash, &presented) && c.client.active => c.client,
        _ => return Ok(invalid_client(basic.is_some())),
    };

    let scopes = match form.scope.as_deref() {
        None => client.scopes.clone(),
        Some(requested) => {
            let mut scopes = Vec::new();
            for name in requested.split_whitespace() {
                match Permission::client_scope(name).filter(|p| client.scopes.contains(p)) {
                    Some(scope) => scopes.push(scope),
                    None => {
                        return Ok(oauth_error(
                            StatusCode::BAD_REQUEST,
                            "invalid_scope",
                            format!("the client may not ask for {name}"),
                        ));
                    }
                }
            }
            scopes
        }
    };
    let access_token = state.tokens.issue_client(&client, &scopes)?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header((header::PRAGMA, "no-cache"))
        .json(ClientToken {
            access_token,
            token_type: "Bearer",
            expires_in: state.tokens.access_ttl().as_secs(),
            scope: scopes
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(" "),
        }))
}
