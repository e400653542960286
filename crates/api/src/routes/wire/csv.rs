//! CSV on the wire, shared by the imports of customers and of pieces: the
//! `text/csv` body, its rows as JSON objects, a row's outcome.

use actix_web::{HttpRequest, web};
use futures_util::StreamExt;
use jewel_domain::FieldError;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::error::ApiError;

/// The largest CSV an import takes: about 100,000 customers.
pub const IMPORT_LIMIT_BYTES: usize = 16 * 1024 * 1024;

/// How a column's cells are read.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Cell {
    Text,
    /// `;`-separated.
    List,
}

/// Query parameters of an import.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query, rename_all = "camelCase")]
pub struct ImportParams {
    /// `true` (the default) checks every row and changes nothing; `false`
    /// applies every valid row in one transaction.
    #[param(example = true)]
    pub dry_run: Option<bool>,
}

/// What happened, or would happen, to one row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RowOutcome {
    Created,
    Updated,
    Rejected,
}

/// A data row: its line in the file and its non-empty cells as JSON.
pub type Row = (u64, serde_json::Map<String, serde_json::Value>);

/// A CSV document, as the body of a request or a response.
pub struct CsvDocument;

impl utoipa::PartialSchema for CsvDocument {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .max_length(Some(1 << 30))
            .into()
    }
}

impl utoipa::ToSchema for CsvDocument {}

/// The field errors of a refused row.
pub fn reasons(error: ApiError) -> Vec<FieldError> {
    match error {
        ApiError::Invalid(invalid) => invalid.into_errors(),
        ApiError::BadRequest { errors, .. } if !errors.is_empty() => errors,
        other => vec![FieldError::new("row", "invalid", other.to_string())],
    }
}

/// A `text/csv` body of at most [`IMPORT_LIMIT_BYTES`].
pub async fn read_csv_body(
    req: &HttpRequest,
    payload: &mut web::Payload,
) -> Result<web::BytesMut, ApiError> {
    match media_type(req)
        .as_ref()
        .map(|(t, s)| (t.as_str(), s.as_str()))
    {
        Some(("text", "csv")) => read_limited(payload).await,
        _ => Err(ApiError::UnsupportedMediaType {
            expected: "text/csv",
        }),
    }
}

/// An import's body of at most [`IMPORT_LIMIT_BYTES`], `text/csv` or
/// `application/x-ndjson`: its format (`csv` or `ndjson`) and its bytes.
pub async fn read_import_body(
    req: &HttpRequest,
    payload: &mut web::Payload,
) -> Result<(&'static str, web::BytesMut), ApiError> {
    let format = match media_type(req)
        .as_ref()
        .map(|(t, s)| (t.as_str(), s.as_str()))
    {
        Some(("text", "csv")) => "csv",
        Some(("application", "x-ndjson")) => "ndjson",
        _ => {
            return Err(ApiError::UnsupportedMediaType {
                expected: "text/csv or application/x-ndjson",
            });
        }
    };
    Ok((format, read_limited(payload).await?))
}

/// The request's media type and subtype, in lower case.
fn media_type(req: &HttpRequest) -> Option<(String, String)> {
    let m = req
        .headers()
        .get(actix_web::http::header::CONTENT_TYPE)?
        .to_str()
        .ok()?
        .parse::<mime::Mime>()
        .ok()?;
    Some((
        m.type_().as_str().to_ascii_lowercase(),
        m.subtype().as_str().to_ascii_lowercase(),
    ))
}

async fn read_limited(payload: &mut web::Payload) -> Result<web::BytesMut, ApiError> {
    let mut body = web::BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk =
            chunk.map_err(|e| ApiError::bad_request(format!("the body could not be read: {e}")))?;
        if body.len() + chunk.len() > IMPORT_LIMIT_BYTES {
            return Err(ApiError::PayloadTooLarge {
                limit: IMPORT_LIMIT_BYTES,
            });
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// The file's data rows as (line, JSON object of the non-empty cells), for
/// a file whose header names some of `known` columns, `required` among them.
pub fn read_rows(
    body: &[u8],
    known: &[(&'static str, Cell)],
    required: &[&str],
) -> Result<Vec<Row>, ApiError> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(body);
    let headers = reader
        .headers()
        .map_err(|e| {
            ApiError::bad_field(
                format!("the CSV header cannot be read: {e}"),
                "body",
                "malformed_csv",
                e.to_string(),
            )
        })?
        .clone();
    let mut columns = Vec::with_capacity(headers.len());
    for (i, name) in headers.iter().enumerate() {
        match known.iter().find(|(column, _)| *column == name) {
            Some(column) => columns.push(*column),
            None => {
                return Err(jewel_domain::Invalid::field(
                    format!("header[{i}]"),
                    "unknown_column",
                    format!(
                        "unknown column {name:?}; columns are {}",
                        known.iter().map(|c| c.0).collect::<Vec<_>>().join(", ")
                    ),
                )
                .into());
            }
        }
    }
    for required in required {
        if !columns.iter().any(|(c, _)| c == required) {
            return Err(jewel_domain::Invalid::field(
                "header",
                "missing_column",
                format!("a {required} column is required"),
            )
            .into());
        }
    }
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| {
            ApiError::bad_field(
                format!("the CSV cannot be read: {e}"),
                "body",
                "malformed_csv",
                e.to_string(),
            )
        })?;
        let line = record.position().map_or(0, |p| p.line());
        let mut cells = serde_json::Map::new();
        for ((name, kind), value) in columns.iter().zip(record.iter()) {
            if value.is_empty() {
                continue;
            }
            let value = match kind {
                Cell::Text => serde_json::Value::from(value),
                Cell::List => value
                    .split(';')
                    .map(str::trim)
                    .filter(|v| !v.is_empty())
                    .map(serde_json::Value::from)
                    .collect(),
            };
            cells.insert((*name).to_owned(), value);
        }
        rows.push((line, cells));
    }
    Ok(rows)
}

/// A cell as a spreadsheet will not run it: text that begins with `=`, `+`,
/// `-`, `@`, a tab or a carriage return gets a `'` in front (OWASP's advice
/// against CSV formula injection).
pub fn inert(cell: &str) -> std::borrow::Cow<'_, str> {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{cell}").into(),
        _ => cell.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::inert;

    #[test]
    fn formulas_are_made_text() {
        for (cell, shown) in [
            ("=HYPERLINK(\"x\")", "'=HYPERLINK(\"x\")"),
            ("+91 98765", "'+91 98765"),
            ("-2", "'-2"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tx", "'\tx"),
            ("\rx", "'\rx"),
            ("mobile (format): 12345", "mobile (format): 12345"),
            ("", ""),
        ] {
            assert_eq!(inert(cell), shown);
        }
    }
}
