//! Making accounts outside the API (the command line).

use jewel_domain::access::{NewStaffUser, StaffUser};
use jewel_domain::contact::{Email, Password, PersonName};
use jewel_domain::{Invalid, Role};
use jewel_persistence::Database;

use super::password;
use crate::audit::Actor;
use crate::error::ApiError;

/// Why an owner could not be made, said for a person at a terminal.
#[derive(Debug, thiserror::Error)]
pub enum CreateOwnerError {
    #[error("{0}")]
    Invalid(String),
    #[error("{0}")]
    Failed(#[from] ApiError),
}

impl From<Invalid> for CreateOwnerError {
    fn from(invalid: Invalid) -> Self {
        let text = invalid
            .errors()
            .iter()
            .map(|e| format!("{}: {}", e.field, e.message))
            .collect::<Vec<_>>()
            .join("; ");
        Self::Invalid(text)
    }
}

/// Creates an active owner, recorded in the audit trail as made by the CLI.
pub async fn create_owner(
    database: &Database,
    email: &str,
    name: &str,
    password_text: &str,
) -> Result<StaffUser, CreateOwnerError> {
    let email = Email::parse("email", email)?;
    let name = PersonName::parse("name", name)?;
    let password_text = Password::parse("password", password_text)?;
    let password_hash = password::hash(&password_text)
        .await
        .map_err(ApiError::from)?;
    let mut unit = jewel_services::Unit::new(database, Actor::Cli, jewel_services::Origin::cli());
    let owner = jewel_services::identity::create_staff(
        &mut unit,
        &NewStaffUser {
            name,
            email,
            phone: None,
            role: Role::Owner,
            branch_ids: Vec::new(),
            password_hash,
        },
    )
    .await
    .map_err(ApiError::from)?;
    unit.commit().await.map_err(ApiError::from)?;
    Ok(owner)
}
