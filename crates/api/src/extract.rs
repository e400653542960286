//! Extractors whose errors name the offending field. actix-web's own `Json`
//! and `Query` report serde's message without saying where it happened;
//! these use `serde_path_to_error` so a client learns which field to fix.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::web::Bytes;
use actix_web::{FromRequest, HttpRequest};
use jewel_domain::Invalid;
use serde::de::DeserializeOwned;

use crate::contract::DocumentedBody;
use crate::error::ApiError;

/// The largest body a request may have, set as app data beside the
/// `PayloadConfig` that enforces it, so errors can say what it is.
#[derive(Debug, Clone, Copy)]
pub struct BodyLimit(pub usize);

/// actix-web's own default for `PayloadConfig`.
const DEFAULT_BODY_LIMIT: usize = 262_144;

/// A JSON request body (`application/json` or any `+json` type).
#[derive(Debug)]
pub struct Json<T>(pub T);

impl<T: DeserializeOwned + 'static> FromRequest for Json<T> {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let bytes = json_bytes(req, payload);
        let documented = DocumentedBody::of(req);
        Box::pin(async move { parse_documented_json(&bytes.await?, documented.as_ref()).map(Json) })
    }
}

/// The raw body of a JSON request: 415 unless it is JSON, 413 when too large.
pub(crate) fn json_bytes(
    req: &HttpRequest,
    payload: &mut Payload,
) -> impl Future<Output = Result<Bytes, ApiError>> + 'static {
    let is_json = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<mime::Mime>().ok())
        .is_some_and(|m| {
            m.type_() == mime::APPLICATION
                && (m.subtype() == mime::JSON || m.suffix() == Some(mime::JSON))
        });
    let limit = req
        .app_data::<BodyLimit>()
        .map_or(DEFAULT_BODY_LIMIT, |l| l.0);
    let body = Bytes::from_request(req, payload);
    async move {
        if !is_json {
            return Err(ApiError::UnsupportedMediaType {
                expected: "application/json",
            });
        }
        body.await.map_err(
            |error| match error.as_error::<actix_web::error::PayloadError>() {
                Some(actix_web::error::PayloadError::Overflow) => {
                    ApiError::PayloadTooLarge { limit }
                }
                _ => ApiError::bad_request(format!("the request body could not be read: {error}")),
            },
        )
    }
}

/// A JSON object read into `T`, its fields named in any error.
pub(crate) fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    parse_documented_json(bytes, None)
}

/// A request body read into `T`, after its strings are held to the lengths
/// the document gives them (when it is the body of a documented operation).
pub(crate) fn parse_documented_json<T: DeserializeOwned>(
    bytes: &[u8],
    documented: Option<&DocumentedBody>,
) -> Result<T, ApiError> {
    let mut body = crate::strict_json::from_slice(bytes).map_err(|refused| match refused {
        crate::strict_json::Refused::Malformed(inner) => ApiError::bad_field(
            format!("the body is not valid JSON: {inner}"),
            "body",
            "malformed_json",
            inner.to_string(),
        ),
        crate::strict_json::Refused::DuplicateKey(field) => ApiError::bad_field(
            format!("the body names `{field}` more than once"),
            field,
            "duplicate_key",
            "each key is given once in an object",
        ),
    })?;
    // Every body is a JSON object; serde would also read a struct from an
    // array of its fields in order, which no client means.
    if !body.is_object() {
        return Err(Invalid::field("body", "type", "the body is a JSON object").into());
    }
    if let Some(documented) = documented {
        documented.check(&body)?;
    }
    integral_numbers(&mut body);
    serde_path_to_error::deserialize(body).map_err(|error| {
        let mut field = field_name(error.path());
        let inner = error.into_inner();
        // serde reports a missing field at its parent; name the field itself.
        if let Some(missing) = missing_field(&inner) {
            field = if field == "body" {
                missing.to_owned()
            } else {
                format!("{field}.{missing}")
            };
        }
        Invalid::field(field, data_code(&inner), strip_position(&inner)).into()
    })
}

/// JSON has one kind of number: `916.0` is the integer 916 (and JSON Schema's
/// `integer` says so), while serde would refuse it for a `u16`. Read from its
/// text, so no arithmetic is done on it: `916.0` and `916.000` become 916,
/// `916.5` and `1e3` stay as they are (and are refused where a whole number
/// is expected).
fn integral_numbers(value: &mut serde_json::Value) {
    use serde_json::Value;
    match value {
        Value::Number(number) if number.is_f64() => {
            let text = number.to_string();
            let whole = text
                .split_once('.')
                .filter(|(_, fraction)| fraction.bytes().all(|b| b == b'0'))
                .and_then(|(whole, _)| whole.parse::<i64>().ok());
            if let Some(whole) = whole {
                *number = whole.into();
            }
        }
        Value::Array(items) => items.iter_mut().for_each(integral_numbers),
        Value::Object(members) => members.values_mut().for_each(integral_numbers),
        Value::Null | Value::Bool(_) | Value::String(_) | Value::Number(_) => {}
    }
}

/// Query parameters, decoded into `T`.
#[derive(Debug)]
pub struct Query<T>(pub T);

impl<T: DeserializeOwned> FromRequest for Query<T> {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let query = req.query_string().as_bytes();
        let deserializer = serde_urlencoded::Deserializer::new(url::form_urlencoded::parse(query));
        std::future::ready(
            serde_path_to_error::deserialize(deserializer)
                .map(Query)
                .map_err(|error| {
                    let field = field_name(error.path());
                    ApiError::bad_field(
                        format!("query parameter `{field}` is invalid"),
                        field,
                        "invalid",
                        error.into_inner().to_string(),
                    )
                }),
        )
    }
}

fn field_name(path: &serde_path_to_error::Path) -> String {
    match path.to_string().as_str() {
        "." | "" => "body".to_owned(),
        other => other.to_owned(),
    }
}

fn missing_field(error: &serde_json::Error) -> Option<String> {
    let text = error.to_string();
    let rest = text.strip_prefix("missing field `")?;
    rest.split('`').next().map(str::to_owned)
}

fn data_code(error: &serde_json::Error) -> &'static str {
    let text = error.to_string();
    if text.starts_with("missing field") {
        "required"
    } else if text.starts_with("unknown field") {
        "unknown"
    } else {
        "type"
    }
}

/// serde_json appends "at line 1 column 42"; the field name says more.
/// serde's message without its position and without the names of our
/// types (`expected struct DiscountFields` reads `expected an object`).
fn strip_position(error: &serde_json::Error) -> String {
    let text = error.to_string();
    let text = match text.rfind(" at line ") {
        Some(at) => &text[..at],
        None => &text,
    };
    let mut plain = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest
        .find("expected struct ")
        .or_else(|| rest.find("expected enum "))
    {
        plain.push_str(&rest[..at]);
        let after = &rest[at..];
        let (prefix, plainly) = if after.starts_with("expected struct ") {
            ("expected struct ", "expected an object")
        } else {
            ("expected enum ", "expected one of the allowed values")
        };
        plain.push_str(plainly);
        let name = &after[prefix.len()..];
        let name_len = name
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(name.len());
        rest = &name[name_len..];
    }
    plain.push_str(rest);
    plain
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::ResponseError;

    #[derive(Debug, serde::Deserialize)]
    #[serde(rename_all = "camelCase", deny_unknown_fields)]
    #[allow(dead_code)]
    struct Piece {
        tag_number: String,
        gross_weight: u32,
        stones: Vec<Stone>,
    }

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Stone {
        carats: u32,
    }

    fn problem(body: &str) -> (u16, Vec<(String, String)>) {
        let error = parse_json::<Piece>(body.as_bytes()).expect_err("must fail");
        let problem = error.to_problem();
        (
            error.status_code().as_u16(),
            problem
                .errors
                .into_iter()
                .map(|e| (e.field, e.code))
                .collect(),
        )
    }

    #[test]
    fn a_wrong_type_names_the_nested_field() {
        let (status, errors) =
            problem(r#"{"tagNumber":"T1","grossWeight":3,"stones":[{"carats":"x"}]}"#);
        assert_eq!(status, 422);
        assert_eq!(
            errors,
            vec![("stones[0].carats".to_owned(), "type".to_owned())]
        );
    }

    #[test]
    fn a_missing_field_is_required() {
        let (status, errors) = problem(r#"{"tagNumber":"T1","stones":[]}"#);
        assert_eq!(status, 422);
        assert_eq!(
            errors,
            vec![("grossWeight".to_owned(), "required".to_owned())]
        );
    }

    #[test]
    fn a_body_that_is_not_an_object_is_refused_without_our_type_names() {
        let (status, errors) = problem(r#"["T1", 3, []]"#);
        assert_eq!(status, 422);
        assert_eq!(errors, vec![("body".to_owned(), "type".to_owned())]);
        let error = parse_json::<Piece>(br#"{"tagNumber":"T1","grossWeight":3,"stones":["x"]}"#)
            .expect_err("a string for a stone");
        let message = error.to_problem().errors[0].message.clone();
        assert!(!message.contains("Stone"), "{message}");
        assert!(message.contains("expected an object"), "{message}");
    }

    #[test]
    fn broken_json_is_a_bad_request() {
        let (status, errors) = problem("{bad json");
        assert_eq!(status, 400);
        assert_eq!(errors[0].1, "malformed_json");
    }
}
