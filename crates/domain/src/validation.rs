//! What is wrong with input, said field by field.
//!
//! Domain constructors return [`Invalid`] so the API can answer with a 422
//! that names every offending field at once, not just the first.

use serde::Serialize;

/// One thing wrong with one field of the input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    /// The field as the client named it, in camelCase, dotted for nesting
    /// (`address.pinCode`, `lines[2].weight`).
    pub field: String,
    /// A stable machine-readable code (`required`, `too_long`, `format`, ...).
    pub code: String,
    /// A sentence a person can read.
    pub message: String,
}

impl FieldError {
    pub fn new(
        field: impl Into<String>,
        code: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Self {
            field: field.into(),
            code: code.into(),
            message: message.into(),
        }
    }
}

/// Input that breaks one or more rules; never empty.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid input: {}", summary(.0))]
pub struct Invalid(Vec<FieldError>);

fn summary(errors: &[FieldError]) -> String {
    errors
        .iter()
        .map(|e| format!("{} ({})", e.field, e.code))
        .collect::<Vec<_>>()
        .join(", ")
}

impl Invalid {
    /// One field is wrong.
    pub fn field(
        field: impl Into<String>,
        code: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Self(vec![FieldError::new(field, code, message)])
    }

    /// Several fields are wrong; `None` when the list is empty.
    pub fn from_errors(errors: Vec<FieldError>) -> Option<Self> {
        (!errors.is_empty()).then_some(Self(errors))
    }

    pub fn errors(&self) -> &[FieldError] {
        &self.0
    }

    pub fn into_errors(self) -> Vec<FieldError> {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_list_is_not_an_error() {
        assert!(Invalid::from_errors(Vec::new()).is_none());
    }

    #[test]
    fn the_message_names_every_field() {
        let invalid = Invalid::from_errors(vec![
            FieldError::new("phone", "format", "not a mobile number"),
            FieldError::new("name", "required", "name is required"),
        ])
        .expect("two errors");
        assert_eq!(
            invalid.to_string(),
            "invalid input: phone (format), name (required)"
        );
        assert_eq!(invalid.errors().len(), 2);
    }
}
