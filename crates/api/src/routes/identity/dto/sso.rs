//! The wire types of `identity::sso`: what its requests send and its answers show.

use serde::Deserialize;
use utoipa::IntoParams;

/// Parameters of the start of a sign-in.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query, rename_all = "camelCase")]
pub struct StartQuery {
    /// Passed to the provider as `login_hint` (the e-mail to sign in with).
    #[param(max_length = 254, format = "email")]
    pub(crate) login_hint: Option<String>,
}

/// What the provider sends back.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CallbackQuery {
    #[param(max_length = 2048)]
    pub(crate) code: Option<String>,
    #[param(max_length = 256)]
    pub(crate) state: Option<String>,
    /// Set by the provider when the person or the provider refused.
    #[param(max_length = 256)]
    pub(crate) error: Option<String>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct UserInfo {
    pub(crate) email: Option<String>,
    #[serde(default)]
    pub(crate) email_verified: bool,
}
