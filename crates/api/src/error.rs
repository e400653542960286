//! The one error type of the API and its RFC 9457 `application/problem+json`
//! rendering. Handlers return `Result<_, ApiError>`; whatever reaches the
//! client as an error goes through [`ApiError::error_response`], and the
//! request-context middleware turns any other error response into one too.

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, ResponseError};
use jewel_domain::{FieldError, Invalid};
use serde::Serialize;
use utoipa::ToSchema;

use crate::request_context::RequestContext;

pub const PROBLEM_JSON: &str = "application/problem+json";

/// The most `errors` a problem lists.
const MOST_ERRORS: usize = 500;

/// An RFC 9457 problem document: what went wrong, for people and programs.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({
    "type": "urn:jewel-crm:problem:validation",
    "title": "Invalid input",
    "status": 422,
    "detail": "2 fields are invalid",
    "instance": "/api/v1/customers",
    "requestId": "01936f0e-8f4a-7cc2-9a4e-1b2f3c4d5e6f",
    "errors": [
        {"field": "phone", "code": "format", "message": "must be a valid phone number such as +919876543210"},
        {"field": "name", "code": "required", "message": "name is required"}
    ]
}))]
pub struct Problem {
    /// A URI naming the kind of problem; stable, safe to switch on.
    #[serde(rename = "type")]
    #[schema(max_length = 200, format = "uri")]
    pub kind: String,
    /// A short summary of the kind of problem.
    #[schema(max_length = 200)]
    pub title: String,
    /// The HTTP status code.
    #[schema(minimum = 400, maximum = 599)]
    pub status: u16,
    /// What went wrong this time, for a person.
    #[schema(max_length = 2000)]
    pub detail: String,
    /// The request path this problem is about.
    #[schema(max_length = 2000, format = "uri-reference")]
    pub instance: String,
    /// The `X-Request-Id` of the request; quote it to support.
    #[schema(max_length = 128, pattern = r"^[A-Za-z0-9._:-]{1,128}$")]
    pub request_id: String,
    /// One entry per invalid field (validation and malformed input only).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[schema(max_items = 500)]
    pub errors: Vec<ProblemField>,
    /// Members particular to one kind of problem (`candidates` of a likely
    /// duplicate, `mergedInto` of a merged customer); the operations that
    /// add them document them.
    #[serde(flatten)]
    #[schema(ignore)]
    pub extensions: serde_json::Map<String, serde_json::Value>,
}

/// One invalid field of the request.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({"field": "phone", "code": "format", "message": "must be a valid phone number such as +919876543210"}))]
pub struct ProblemField {
    /// The field as sent, camelCase, dotted for nesting (`address.pinCode`,
    /// `lines[0].discount`); a header by its name (`If-Match`); `body` for
    /// the body as a whole. A member the API does not know is named as sent.
    #[schema(max_length = 200)]
    pub field: String,
    /// A stable machine-readable code (`required`, `format`, `too_long`, ...).
    #[schema(max_length = 64, pattern = r"^[a-z][a-z0-9_]*$")]
    pub code: String,
    /// A sentence a person can read.
    #[schema(max_length = 500)]
    pub message: String,
}

/// `text` cut to `most` characters (a member named as sent may be of any
/// length; the document bounds what is told).
fn at_most(text: String, most: usize) -> String {
    if text.chars().count() <= most {
        return text;
    }
    text.chars().take(most).collect()
}

impl From<FieldError> for ProblemField {
    fn from(e: FieldError) -> Self {
        Self {
            field: at_most(e.field, 200),
            code: e.code,
            message: at_most(e.message, 500),
        }
    }
}

/// Every outcome a client can see other than success.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// The request is malformed: unreadable JSON, a bad path or query parameter.
    #[error("{detail}")]
    BadRequest {
        detail: String,
        errors: Vec<FieldError>,
    },
    /// Well-formed input that breaks the rules, field by field.
    #[error(transparent)]
    Invalid(#[from] Invalid),
    /// No valid credentials. `invalid_token` says a token was sent and refused.
    #[error("{detail}")]
    Unauthorized {
        detail: &'static str,
        invalid_token: bool,
    },
    #[error("this operation needs the {permission} permission")]
    Forbidden { permission: &'static str },
    /// A unique value is taken, or the record is in a state that forbids this.
    #[error("{detail}")]
    Conflict {
        detail: String,
        errors: Vec<FieldError>,
    },
    /// Records that look like the one being added; the client may confirm.
    #[error("{detail}")]
    LikelyDuplicates {
        detail: String,
        candidates: serde_json::Value,
    },
    /// The customer was merged into another; `survivor` is where it lives on.
    #[error("this customer was merged into {survivor}")]
    Merged { survivor: uuid::Uuid },
    #[error("the record has changed since it was read; fetch it again and retry with its ETag")]
    PreconditionFailed,
    #[error("too many attempts; retry after {retry_after_secs} s")]
    TooManyRequests { retry_after_secs: u64 },
    #[error("no such resource")]
    NotFound,
    #[error("no route matches {path}")]
    NoRoute { path: String },
    #[error("{method} is not allowed here; allowed: {}", .allowed.join(", "))]
    MethodNotAllowed {
        method: String,
        allowed: Vec<String>,
    },
    #[error("the request body is larger than the limit of {limit} bytes")]
    PayloadTooLarge { limit: usize },
    #[error("the request body must be {expected}")]
    UnsupportedMediaType { expected: &'static str },
    #[error("the request took longer than {seconds} s and was abandoned")]
    Timeout { seconds: u64 },
    /// An error status produced outside our handlers (framework, middleware),
    /// rendered the same way as ours.
    #[error("{detail}")]
    Status { status: StatusCode, detail: String },
    /// Anything we did not expect. The client sees only "internal error";
    /// the log has the whole chain.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl ApiError {
    pub fn bad_request(detail: impl Into<String>) -> Self {
        Self::BadRequest {
            detail: detail.into(),
            errors: Vec::new(),
        }
    }

    pub fn bad_field(
        detail: impl Into<String>,
        field: impl Into<String>,
        code: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Self::BadRequest {
            detail: detail.into(),
            errors: vec![FieldError::new(field, code, message)],
        }
    }

    fn slug_and_title(&self) -> (&'static str, &'static str) {
        match self {
            Self::BadRequest { .. } => ("bad-request", "Malformed request"),
            Self::Invalid(_) => ("validation", "Invalid input"),
            Self::Unauthorized { .. } => ("unauthorized", "Not authenticated"),
            Self::Forbidden { .. } => ("forbidden", "Forbidden"),
            Self::Conflict { .. } => ("conflict", "Conflict"),
            Self::LikelyDuplicates { .. } => ("likely-duplicate", "Likely duplicate"),
            Self::Merged { .. } => ("merged", "Merged into another customer"),
            Self::PreconditionFailed => ("precondition-failed", "Stale version"),
            Self::TooManyRequests { .. } => ("too-many-requests", "Too many requests"),
            Self::NotFound => ("not-found", "Not found"),
            Self::NoRoute { .. } => ("no-route", "No such route"),
            Self::MethodNotAllowed { .. } => ("method-not-allowed", "Method not allowed"),
            Self::PayloadTooLarge { .. } => ("payload-too-large", "Request body too large"),
            Self::UnsupportedMediaType { .. } => {
                ("unsupported-media-type", "Unsupported media type")
            }
            Self::Timeout { .. } => ("timeout", "Request timed out"),
            Self::Status { status, .. } => {
                ("http-status", status.canonical_reason().unwrap_or("Error"))
            }
            Self::Internal(_) => ("internal", "Internal error"),
        }
    }

    /// The problem document for this error, for the current request.
    pub fn to_problem(&self) -> Problem {
        let (slug, title) = self.slug_and_title();
        let context = RequestContext::current();
        let (detail, errors) = match self {
            Self::Internal(_) => (
                "Something went wrong on our side. Quote the request id to support.".to_owned(),
                Vec::new(),
            ),
            Self::Invalid(invalid) => (
                match invalid.errors().len() {
                    1 => "1 field is invalid".to_owned(),
                    n => format!("{n} fields are invalid"),
                },
                // As many as the document promises (`maxItems`).
                invalid
                    .errors()
                    .iter()
                    .take(MOST_ERRORS)
                    .cloned()
                    .map(Into::into)
                    .collect(),
            ),
            Self::BadRequest { errors, .. } | Self::Conflict { errors, .. } => (
                self.to_string(),
                errors.iter().cloned().map(Into::into).collect(),
            ),
            _ => (self.to_string(), Vec::new()),
        };
        Problem {
            kind: format!("urn:jewel-crm:problem:{slug}"),
            title: title.to_owned(),
            status: self.status_code().as_u16(),
            detail,
            instance: context.as_ref().map(|c| c.path.clone()).unwrap_or_default(),
            request_id: context.map(|c| c.id).unwrap_or_default(),
            errors,
            extensions: self.extensions(),
        }
    }

    fn extensions(&self) -> serde_json::Map<String, serde_json::Value> {
        let mut members = serde_json::Map::new();
        match self {
            Self::LikelyDuplicates { candidates, .. } => {
                members.insert("candidates".to_owned(), candidates.clone());
            }
            Self::Merged { survivor } => {
                members.insert("mergedInto".to_owned(), survivor.to_string().into());
            }
            _ => {}
        }
        members
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::BadRequest { .. } => StatusCode::BAD_REQUEST,
            Self::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::Unauthorized { .. } => StatusCode::UNAUTHORIZED,
            Self::Forbidden { .. } => StatusCode::FORBIDDEN,
            Self::Conflict { .. } | Self::LikelyDuplicates { .. } => StatusCode::CONFLICT,
            Self::Merged { .. } => StatusCode::GONE,
            Self::PreconditionFailed => StatusCode::PRECONDITION_FAILED,
            Self::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::NotFound | Self::NoRoute { .. } => StatusCode::NOT_FOUND,
            Self::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
            Self::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            Self::UnsupportedMediaType { .. } => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::Timeout { .. } => StatusCode::SERVICE_UNAVAILABLE,
            Self::Status { status, .. } => *status,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        if let Self::Internal(cause) = self {
            tracing::error!(error.cause_chain = ?cause, "request failed");
        }
        let mut response = problem_response(self.status_code(), &self.to_problem());
        if let Self::MethodNotAllowed { allowed, .. } = self
            && let Ok(value) = HeaderValue::from_str(&allowed.join(", "))
        {
            response.headers_mut().insert(header::ALLOW, value);
        }
        let headers = response.headers_mut();
        match self {
            Self::Timeout { .. } => {
                headers.insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
            }
            Self::Merged { survivor } => {
                if let Ok(value) = HeaderValue::from_str(&format!("/api/v1/customers/{survivor}")) {
                    headers.insert(header::LOCATION, value);
                }
            }
            Self::TooManyRequests { retry_after_secs } => {
                headers.insert(header::RETRY_AFTER, HeaderValue::from(*retry_after_secs));
            }
            Self::Unauthorized { invalid_token, .. } => {
                headers.insert(
                    header::WWW_AUTHENTICATE,
                    HeaderValue::from_static(if *invalid_token {
                        r#"Bearer realm="jewel-crm", error="invalid_token""#
                    } else {
                        r#"Bearer realm="jewel-crm""#
                    }),
                );
            }
            _ => {}
        }
        response
    }
}

impl From<jewel_persistence::RepoError> for ApiError {
    fn from(error: jewel_persistence::RepoError) -> Self {
        use jewel_persistence::RepoError;
        match error {
            RepoError::Taken { field } => Self::Conflict {
                detail: format!("{field} is already taken"),
                errors: vec![FieldError::new(field, "taken", "is already taken")],
            },
            RepoError::MissingReference { field } => {
                Invalid::field(field, "not_found", "refers to a record that does not exist").into()
            }
            RepoError::StaleVersion => Self::PreconditionFailed,
            RepoError::NotFound => Self::NotFound,
            RepoError::Database(db) => Self::Internal(db.into()),
        }
    }
}

impl From<jewel_persistence::DbErr> for ApiError {
    fn from(error: jewel_persistence::DbErr) -> Self {
        Self::Internal(error.into())
    }
}

/// Writes a problem document (ours, or one with extension members).
pub fn problem_response<T: Serialize>(status: StatusCode, problem: &T) -> HttpResponse {
    HttpResponse::build(status)
        .content_type(PROBLEM_JSON)
        .json(problem)
}
