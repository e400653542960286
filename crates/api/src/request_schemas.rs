//! Requests checked against the OpenAPI document's own schemas with the
//! `jsonschema` crate (JSON Schema 2020-12, the dialect of OpenAPI 3.1),
//! before a handler reads them, so that what the document promises to
//! refuse is refused, naming the field:
//!
//! - every query parameter against its schema (length, pattern, range,
//!   allowed values): 400, the first parameter out of bounds;
//! - every string of a JSON body against its `maxLength` (counted in
//!   characters as sent): 422 `too_long` naming every such field. The
//!   domain trims names and reads `"0100.00"` as 100, so without this a
//!   value the document calls too long would slip through. The shape of a
//!   body (types, required members, formats) stays serde's and the
//!   handlers' to refuse, with their own messages.
//!
//! One rule no schema states: no string of a body may hold a control
//! character other than tab, line feed and carriage return
//! (`control_character`); a NUL or an escape has no place in a note that
//! is printed on an invoice.

use std::collections::HashMap;
use std::sync::OnceLock;

use jewel_domain::{FieldError, Invalid};
use jsonschema::error::ValidationErrorKind;
use jsonschema::{Draft, Validator};
use serde_json::{Map, Value, json};

use crate::error::ApiError;

/// A validator of `schema`, whose `$ref`s point into the document's
/// `components`; `None` when the schema cannot be compiled (a pattern the
/// regex engine cannot read is left to the handler).
fn compile(schema: &Value, components: &Value) -> Option<Validator> {
    let root = json!({"allOf": [schema], "components": components});
    jsonschema::options()
        .with_draft(Draft::Draft202012)
        .build(&root)
        .map_err(|error| tracing::warn!(%error, "a documented schema does not compile"))
        .ok()
}

/// `/lines/0/description` (a JSON pointer) as `lines[0].description`.
fn field_of(pointer: &str) -> String {
    let mut field = String::new();
    for segment in pointer.split('/').skip(1) {
        let segment = segment.replace("~1", "/").replace("~0", "~");
        if segment.parse::<usize>().is_ok() {
            field.push_str(&format!("[{segment}]"));
        } else {
            if !field.is_empty() {
                field.push('.');
            }
            field.push_str(&segment);
        }
    }
    if field.is_empty() {
        "body".to_owned()
    } else {
        field
    }
}

/// The schema with every `T | null` choice (`oneOf`/`anyOf` with one
/// alternative that is not null) read as `T`, so that a string too long
/// inside an optional object is named where it is, not as a failed choice.
fn nullable_as_present(schema: &Value) -> Value {
    match schema {
        Value::Object(members) => {
            let mut out = Map::new();
            for (key, value) in members {
                let alternatives: Vec<&Value> = match (key.as_str(), value) {
                    ("oneOf" | "anyOf", Value::Array(items)) => items
                        .iter()
                        .filter(|s| s.get("type").and_then(Value::as_str) != Some("null"))
                        .collect(),
                    _ => Vec::new(),
                };
                match alternatives[..] {
                    [only] => {
                        let mut all = out
                            .remove("allOf")
                            .and_then(|a| a.as_array().cloned())
                            .unwrap_or_default();
                        all.push(nullable_as_present(only));
                        out.insert("allOf".to_owned(), Value::Array(all));
                    }
                    _ if key == "allOf" => {
                        let mut all = out
                            .remove("allOf")
                            .and_then(|a| a.as_array().cloned())
                            .unwrap_or_default();
                        if let Value::Array(items) = value {
                            all.extend(items.iter().map(nullable_as_present));
                        }
                        out.insert("allOf".to_owned(), Value::Array(all));
                    }
                    _ => {
                        out.insert(key.clone(), nullable_as_present(value));
                    }
                }
            }
            Value::Object(out)
        }
        Value::Array(items) => Value::Array(items.iter().map(nullable_as_present).collect()),
        other => other.clone(),
    }
}

/// A schema compiled when first needed: a server (and every test server)
/// starts without compiling the schemas of operations nobody calls.
struct Lazy {
    schema: Value,
    validator: OnceLock<Option<Validator>>,
}

impl Lazy {
    fn new(schema: Value) -> Self {
        Self {
            schema,
            validator: OnceLock::new(),
        }
    }

    fn get(&self, components: &Value) -> Option<&Validator> {
        self.validator
            .get_or_init(|| compile(&self.schema, components))
            .as_ref()
    }
}

/// Every operation's JSON request body schema, by documented path and method.
#[derive(Default)]
pub struct BodyRules {
    bodies: HashMap<(String, String), Lazy>,
    components: Value,
}

impl std::fmt::Debug for BodyRules {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("BodyRules")
            .field(&self.bodies.len())
            .finish()
    }
}

/// A control character that no text field takes.
fn is_refused_control(c: char) -> bool {
    c.is_control() && !matches!(c, '\t' | '\n' | '\r')
}

/// Every string of `value` holding a refused control character.
fn control_characters(value: &Value, at: &str, errors: &mut Vec<FieldError>) {
    match value {
        Value::String(text) if text.chars().any(is_refused_control) => {
            errors.push(FieldError::new(
                field_of(at),
                "control_character",
                "must not hold control characters (tab and line breaks are allowed)",
            ));
        }
        Value::Object(members) => {
            for (name, member) in members {
                let name = name.replace('~', "~0").replace('/', "~1");
                control_characters(member, &format!("{at}/{name}"), errors);
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                control_characters(item, &format!("{at}/{i}"), errors);
            }
        }
        _ => {}
    }
}

impl BodyRules {
    pub fn new(document: &Value) -> Self {
        let components = nullable_as_present(document.get("components").unwrap_or(&Value::Null));
        let mut bodies = HashMap::new();
        let paths = document.get("paths").and_then(Value::as_object);
        for (path, item) in paths.into_iter().flatten() {
            for (method, operation) in item.as_object().into_iter().flatten() {
                let schema = operation
                    .pointer("/requestBody/content")
                    .and_then(Value::as_object)
                    .into_iter()
                    .flatten()
                    .find(|(media, _)| media.ends_with("json"))
                    .and_then(|(_, media)| media.get("schema"));
                if let Some(schema) = schema {
                    let key = (path.clone(), method.to_uppercase());
                    bodies.insert(key, Lazy::new(nullable_as_present(schema)));
                }
            }
        }
        Self { bodies, components }
    }

    /// Checks `body` against the string lengths of the body of `path` (as
    /// documented, with its `{id}`s) and `method`, and for control
    /// characters.
    pub fn check(&self, path: &str, method: &str, body: &Value) -> Result<(), Invalid> {
        let Some(lazy) = self.bodies.get(&(path.to_owned(), method.to_owned())) else {
            return Ok(());
        };
        let mut errors = Vec::new();
        control_characters(body, "", &mut errors);
        for error in lazy
            .get(&self.components)
            .into_iter()
            .flat_map(|v| v.iter_errors(body))
        {
            if let ValidationErrorKind::MaxLength { limit } = error.kind() {
                let field = field_of(error.instance_path().as_str());
                if !errors.iter().any(|e| e.field == field) {
                    errors.push(FieldError::new(
                        field,
                        "too_long",
                        format!("at most {limit} characters"),
                    ));
                }
            }
        }
        Invalid::from_errors(errors).map_or(Ok(()), Err)
    }
}

/// How a query parameter's text is read before its schema judges it.
#[derive(Debug, Clone, Copy)]
enum Reading {
    Text,
    /// `integer` and `number` alike: a whole number is judged by its
    /// schema; anything else (a fraction) is the handler's, never a float.
    Integer,
    Boolean,
}

/// One query parameter's schema, compiled.
struct Rule {
    name: String,
    reading: Reading,
    /// The documented range, for the message.
    minimum: Option<Value>,
    maximum: Option<Value>,
    validator: Lazy,
}

impl Rule {
    fn of(parameter: &Value, document: &Value) -> Option<Self> {
        if parameter.get("in")?.as_str()? != "query" {
            return None;
        }
        let schema = parameter.get("schema")?;
        // A named schema (`MoneyText`) is read where the document keeps it.
        let resolved = match schema.get("$ref").and_then(Value::as_str) {
            Some(reference) => document.pointer(reference.strip_prefix('#')?)?,
            None => schema,
        };
        let reading = match resolved.get("type").and_then(Value::as_str) {
            Some("integer") => Reading::Integer,
            Some("number") => Reading::Integer,
            Some("boolean") => Reading::Boolean,
            _ => Reading::Text,
        };
        Some(Self {
            name: parameter.get("name")?.as_str()?.to_owned(),
            reading,
            minimum: resolved.get("minimum").cloned(),
            maximum: resolved.get("maximum").cloned(),
            validator: Lazy::new(schema.clone()),
        })
    }

    fn check(&self, value: &str, components: &Value) -> Result<(), ApiError> {
        // Text that is not a number (or a boolean) at all is serde's to refuse.
        let instance = match self.reading {
            Reading::Text => Value::from(value),
            Reading::Integer => match value.parse::<i64>() {
                Ok(n) => Value::from(n),
                Err(_) => return Ok(()),
            },
            Reading::Boolean => match value.parse::<bool>() {
                Ok(b) => Value::Bool(b),
                Err(_) => return Ok(()),
            },
        };
        let Some(validator) = self.validator.get(components) else {
            return Ok(());
        };
        let Some(error) = validator.iter_errors(&instance).next() else {
            return Ok(());
        };
        let (code, message) = match error.kind() {
            ValidationErrorKind::MaxLength { limit } => {
                ("too_long", format!("at most {limit} characters"))
            }
            ValidationErrorKind::MinLength { limit } => {
                ("too_short", format!("at least {limit} characters"))
            }
            // A long pattern (a list of event types) is the document's to
            // show; a message stays a sentence.
            ValidationErrorKind::Pattern { pattern } if pattern.chars().count() > 200 => (
                "format",
                format!(
                    "must match the pattern the document gives for {}",
                    self.name
                ),
            ),
            ValidationErrorKind::Pattern { pattern } => ("format", format!("must match {pattern}")),
            ValidationErrorKind::Enum { options } => {
                let allowed: Vec<String> = options
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|o| o.as_str().map_or_else(|| o.to_string(), str::to_owned))
                    .collect();
                ("invalid", format!("one of {}", allowed.join(", ")))
            }
            ValidationErrorKind::Minimum { .. } | ValidationErrorKind::Maximum { .. } => {
                let bound = |b: &Option<Value>, none: i64| {
                    b.as_ref()
                        .map_or_else(|| none.to_string(), Value::to_string)
                };
                (
                    "range",
                    format!(
                        "between {} and {}",
                        bound(&self.minimum, i64::MIN),
                        bound(&self.maximum, i64::MAX)
                    ),
                )
            }
            other => ("invalid", format!("{other:?}")),
        };
        Err(ApiError::bad_field(
            format!("query parameter `{}` is invalid: {message}", self.name),
            self.name.clone(),
            code,
            message,
        ))
    }
}

/// Every operation's query parameters, compiled, by documented path and method.
#[derive(Default)]
pub struct QueryRules {
    rules: HashMap<(String, String), Vec<Rule>>,
    components: Value,
}

impl std::fmt::Debug for QueryRules {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("QueryRules")
            .field(&self.rules.len())
            .finish()
    }
}

impl QueryRules {
    pub fn new(document: &Value) -> Self {
        let components = document.get("components").cloned().unwrap_or(Value::Null);
        let mut rules = HashMap::new();
        let paths = document.get("paths").and_then(Value::as_object);
        for (path, item) in paths.into_iter().flatten() {
            for (method, operation) in item.as_object().into_iter().flatten() {
                let of_operation: Vec<Rule> = operation
                    .get("parameters")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .filter_map(|parameter| Rule::of(parameter, document))
                    .collect();
                if !of_operation.is_empty() {
                    rules.insert((path.clone(), method.to_uppercase()), of_operation);
                }
            }
        }
        Self { rules, components }
    }

    /// Checks `query` against the parameters of `path` (as documented, with
    /// its `{id}`s) and `method`; the first parameter out of bounds is the 400.
    pub fn check(&self, path: &str, method: &str, query: &str) -> Result<(), ApiError> {
        let Some(rules) = self.rules.get(&(path.to_owned(), method.to_owned())) else {
            return Ok(());
        };
        for (name, value) in url::form_urlencoded::parse(query.as_bytes()) {
            if let Some(rule) = rules.iter().find(|r| r.name == name) {
                rule.check(&value, &self.components)?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bodies() -> BodyRules {
        BodyRules::new(&json!({
            "paths": {"/api/v1/things": {"post": {"requestBody": {"content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}
            }}}}},
            "components": {"schemas": {
                "Short": {"type": "string", "maxLength": 4},
                "Thing": {"type": "object", "properties": {
                    "name": {"$ref": "#/components/schemas/Short"},
                    "tags": {"type": "array", "items": {"$ref": "#/components/schemas/Short"}},
                    "stone": {"oneOf": [{"type": "null"}, {"type": "object", "properties": {
                        "kind": {"type": "string", "maxLength": 2}
                    }}]}
                }}
            }}
        }))
    }

    fn refused_body(body: Value) -> Vec<(String, String)> {
        match bodies().check("/api/v1/things", "POST", &body) {
            Ok(()) => Vec::new(),
            Err(invalid) => {
                let mut named: Vec<(String, String)> = invalid
                    .into_errors()
                    .into_iter()
                    .map(|e| (e.field, e.code))
                    .collect();
                named.sort();
                named
            }
        }
    }

    #[test]
    fn every_string_longer_than_documented_is_named() {
        assert!(
            refused_body(json!({"name": "ring", "tags": ["a"], "stone": {"kind": "ab"}}))
                .is_empty()
        );
        // Padding counts: the domain would trim it, the document does not.
        let named = refused_body(
            json!({"name": " ab  ", "tags": ["ok", "ab   "], "stone": {"kind": "a  "}}),
        );
        let fields: Vec<&str> = named.iter().map(|(f, _)| f.as_str()).collect();
        assert_eq!(fields, ["name", "stone.kind", "tags[1]"]);
        assert!(named.iter().all(|(_, code)| code == "too_long"));
        assert_eq!(
            refused_body(json!({"name": "bangle"})),
            [("name".to_owned(), "too_long".to_owned())]
        );
        // Shapes are serde's to judge: a number where text belongs, a member
        // not documented here.
        assert!(refused_body(json!({"stone": null, "other": "not documented here"})).is_empty());
        assert!(refused_body(json!({"name": 12})).is_empty());
        assert!(
            bodies()
                .check("/api/v1/other", "POST", &json!({"name": "long text"}))
                .is_ok()
        );
    }

    #[test]
    fn control_characters_are_named_wherever_they_are() {
        assert_eq!(
            refused_body(json!({"tags": ["a\u{0}"], "stone": {"kind": "\u{1b}"}})),
            [
                ("stone.kind".to_owned(), "control_character".to_owned()),
                ("tags[0]".to_owned(), "control_character".to_owned())
            ]
        );
        assert!(refused_body(json!({"name": "a\tb\n"})).is_empty());
    }

    fn queries() -> QueryRules {
        QueryRules::new(&json!({"paths": {"/api/v1/things": {"get": {"parameters": [
            {"in": "query", "name": "tag", "schema": {"type": "string", "maxLength": 4, "pattern": "^[a-z]+$"}},
            {"in": "query", "name": "limit", "schema": {"type": "integer", "minimum": 1, "maximum": 200}},
            {"in": "query", "name": "sort", "schema": {"type": "string", "enum": ["name", "-name"]}},
            {"in": "query", "name": "minValue", "schema": {"$ref": "#/components/schemas/MoneyText"}},
            {"in": "path", "name": "id", "schema": {"type": "string", "maxLength": 1}}
        ]}}},
        "components": {"schemas": {"MoneyText": {"type": "string", "pattern": "^[0-9]+$"}}}}))
    }

    fn refused_query(query: &str) -> Option<(String, String)> {
        match queries().check("/api/v1/things", "GET", query) {
            Ok(()) => None,
            Err(ApiError::BadRequest { errors, .. }) => {
                errors.into_iter().next().map(|e| (e.field, e.code))
            }
            Err(other) => panic!("not a 400: {other:?}"),
        }
    }

    #[test]
    fn documented_bounds_are_enforced_and_name_the_parameter() {
        assert_eq!(
            refused_query("tag=bridal"),
            Some(("tag".into(), "too_long".into()))
        );
        assert_eq!(
            refused_query("tag=AB"),
            Some(("tag".into(), "format".into()))
        );
        assert_eq!(
            refused_query("limit=0"),
            Some(("limit".into(), "range".into()))
        );
        assert_eq!(
            refused_query("sort=age"),
            Some(("sort".into(), "invalid".into()))
        );
        assert_eq!(
            refused_query("minValue=null"),
            Some(("minValue".into(), "format".into()))
        );
        assert_eq!(
            refused_query("tag=vip&limit=200&sort=-name&minValue=12&other=x"),
            None
        );
        // Not a number is serde's to refuse; other operations have no rules.
        assert_eq!(refused_query("limit=many"), None);
        assert!(
            queries()
                .check("/api/v1/other", "GET", "tag=bridal")
                .is_ok()
        );
    }

    #[test]
    fn every_schema_of_the_document_compiles() {
        let document = crate::openapi::document();
        let mut bodies = 0;
        let mut parameters = 0;
        for item in document["paths"].as_object().expect("paths").values() {
            for operation in item.as_object().expect("an item").values() {
                let content = operation.pointer("/requestBody/content");
                if content
                    .and_then(Value::as_object)
                    .is_some_and(|c| c.keys().any(|m| m.ends_with("json")))
                {
                    bodies += 1;
                }
                parameters += operation["parameters"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter(|p| p["in"] == "query")
                    .count();
            }
        }
        let body_rules = BodyRules::new(&document);
        assert_eq!(body_rules.bodies.len(), bodies);
        for lazy in body_rules.bodies.values() {
            assert!(
                lazy.get(&body_rules.components).is_some(),
                "{}",
                lazy.schema
            );
        }
        let query_rules = QueryRules::new(&document);
        let rules: Vec<&Rule> = query_rules.rules.values().flatten().collect();
        assert_eq!(rules.len(), parameters);
        for rule in rules {
            assert!(
                rule.validator.get(&query_rules.components).is_some(),
                "{}",
                rule.name
            );
        }
    }

    #[test]
    fn a_pointer_becomes_a_field_name() {
        assert_eq!(field_of("/lines/0/description"), "lines[0].description");
        assert_eq!(field_of(""), "body");
        assert_eq!(field_of("/a~1b"), "a/b");
    }
}
