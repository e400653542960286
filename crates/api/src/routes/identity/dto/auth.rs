//! The wire types of `identity::auth`: what its requests send and its answers show.

use crate::auth::sessions;
use crate::routes::identity::dto::staff::StaffView;
use crate::routes::wire::customer::CustomerView;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// E-mail and password of a staff member.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(example = json!({"email": "meena@example-jeweller.in", "password": "correct horse battery"}))]
pub struct LoginRequest {
    #[schema(max_length = 254, format = "email")]
    pub(crate) email: String,
    #[schema(max_length = 128, format = Password)]
    pub(crate) password: String,
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
    pub(crate) access_token: String,
    /// Always `Bearer`.
    #[schema(max_length = 6, pattern = "^Bearer$")]
    pub(crate) token_type: &'static str,
    /// Seconds until the access token expires.
    #[schema(minimum = 1, maximum = 3600)]
    pub(crate) expires_in: u64,
    /// Works once, at `POST /api/v1/auth/refresh`.
    #[schema(max_length = 64, pattern = "^[A-Za-z0-9_-]{43}$")]
    pub(crate) refresh_token: String,
    pub(crate) refresh_expires_at: DateTime<Utc>,
    /// Who logged in, for a staff login.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) staff: Option<StaffView>,
    /// Who logged in, for a customer login.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) customer: Option<CustomerView>,
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

/// A customer's mobile number or e-mail, and password.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(example = json!({"login": "98765 43210", "password": "my jewellery passbook"}))]
pub struct CustomerLoginBody {
    /// A mobile number (any common spelling) or an e-mail address. Anything
    /// else names nobody: it is a failed login (401), counted like a wrong
    /// password.
    #[schema(max_length = 254)]
    pub(crate) login: String,
    #[schema(max_length = 128, format = Password)]
    pub(crate) password: String,
}

/// A customer signing themselves up.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(example = json!({"name": "Lakshmi Narayanan", "mobile": "98765 43210", "email": "lakshmi@example.com", "password": "my jewellery passbook"}))]
pub struct CustomerRegistration {
    #[schema(value_type = crate::routes::wire::NameText)]
    pub(crate) name: String,
    #[schema(max_length = 20, pattern = r"^\+?[0-9 ()-]{8,19}$")]
    pub(crate) mobile: String,
    #[schema(max_length = 254, format = "email")]
    pub(crate) email: Option<String>,
    #[schema(min_length = 10, max_length = 128, format = Password)]
    pub(crate) password: String,
}

/// A refresh token to trade for a new pair.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(example = json!({"refreshToken": "Jx2fS8m9nq0qv2yY5b7f3kQk1rX9zL0aH4cV6tB8wE0"}))]
pub struct RefreshRequest {
    #[schema(max_length = 64, pattern = "^[A-Za-z0-9_-]{43}$")]
    pub(crate) refresh_token: String,
}

/// The current password and the new one.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(example = json!({"currentPassword": "correct horse battery", "newPassword": "a new and longer passphrase"}))]
pub struct ChangePasswordRequest {
    #[schema(max_length = 128, format = Password)]
    pub(crate) current_password: String,
    #[schema(min_length = 10, max_length = 128, format = Password)]
    pub(crate) new_password: String,
}
