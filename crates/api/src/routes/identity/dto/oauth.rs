//! The wire types of `identity::oauth`: what its requests send and its answers show.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The form of a token request (`application/x-www-form-urlencoded`).
#[derive(Debug, Default, Deserialize, ToSchema)]
#[schema(example = json!({"grant_type": "client_credentials", "scope": "branches:read"}))]
pub struct TokenRequest {
    /// Must be `client_credentials` (a request without it is 400
    /// `invalid_request`).
    #[schema(value_type = String, required = true, max_length = 32, pattern = "^client_credentials$")]
    pub(crate) grant_type: Option<String>,
    /// Space-separated scopes; all of the client's when absent.
    #[schema(value_type = String, required = false, max_length = 500, pattern = "^[a-z:-]+( [a-z:-]+)*$")]
    pub(crate) scope: Option<String>,
    /// With `client_secret`, when not using HTTP Basic authentication.
    #[schema(value_type = String, required = false, max_length = 64, pattern = "^[A-Za-z0-9_-]+$")]
    pub(crate) client_id: Option<String>,
    #[schema(value_type = String, required = false, max_length = 64, format = Password)]
    pub(crate) client_secret: Option<String>,
}

/// An access token for an API client (RFC 6749 section 5.1).
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "access_token": "eyJhbGciOiJIUzI1NiIsImtpZCI6Impld2VsLWhzMjU2LTEifQ.eyJzdWIiOiIwMTkzIn0.c2lnbmF0dXJl",
    "token_type": "Bearer", "expires_in": 900, "scope": "branches:read"
}))]
pub struct ClientToken {
    #[schema(
        max_length = 4096,
        pattern = r"^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$"
    )]
    pub(crate) access_token: String,
    #[schema(max_length = 6, pattern = "^Bearer$")]
    pub(crate) token_type: &'static str,
    #[schema(minimum = 1, maximum = 3600)]
    pub(crate) expires_in: u64,
    /// The scopes granted, space-separated.
    #[schema(max_length = 500, pattern = "^[a-z:-]+( [a-z:-]+)*$")]
    pub(crate) scope: String,
}

/// An OAuth2 error (RFC 6749 section 5.2).
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"error": "invalid_scope", "error_description": "the client may not ask for staff:write"}))]
pub struct OAuthError {
    /// `invalid_request`, `invalid_client`, `invalid_scope` or `unsupported_grant_type`.
    #[schema(max_length = 32, pattern = "^[a-z_]+$")]
    pub(crate) error: &'static str,
    #[schema(max_length = 500)]
    pub(crate) error_description: String,
}
