//! The longest text the OpenAPI document allows in each string of a JSON
//! request body (`maxLength`, counted in characters as sent), enforced
//! before a handler reads the body: 422 `too_long` naming every such field.
//! The domain trims names and labels before it measures them and reads
//! `"0100.00"` as 100, so without this a value the document calls too long
//! would slip through.
//!
//! Every string of every body is also refused (`control_character`) when it
//! holds a control character other than tab, line feed and carriage return:
//! a NUL or an escape has no place in a note that is printed on an invoice.

use std::collections::HashMap;

use jewel_domain::{FieldError, Invalid};
use serde_json::Value;

/// Nested schemas followed at most this deep (the document has no cycles in
/// request bodies, but a malformed one must not loop).
const MOST_DEPTH: usize = 32;

/// Every operation's JSON request body schema, by documented path and method.
#[derive(Debug, Default)]
pub struct BodyRules {
    bodies: HashMap<(String, String), Value>,
    components: Value,
}

/// A control character that no text field takes.
fn is_refused_control(c: char) -> bool {
    c.is_control() && !matches!(c, '\t' | '\n' | '\r')
}

impl BodyRules {
    pub fn new(document: &Value) -> Self {
        let mut bodies = HashMap::new();
        let paths = document.get("paths").and_then(Value::as_object);
        for (path, item) in paths.into_iter().flatten() {
            for (method, operation) in item.as_object().into_iter().flatten() {
                let content = operation.pointer("/requestBody/content");
                let schema = content
                    .and_then(Value::as_object)
                    .into_iter()
                    .flatten()
                    .find(|(media, _)| media.ends_with("json"))
                    .and_then(|(_, media)| media.get("schema"));
                if let Some(schema) = schema {
                    bodies.insert((path.clone(), method.to_uppercase()), schema.clone());
                }
            }
        }
        Self {
            bodies,
            components: document.get("components").cloned().unwrap_or(Value::Null),
        }
    }

    /// Checks `body` against the string lengths of the body of `path` (as
    /// documented, with its `{id}`s) and `method`.
    pub fn check(&self, path: &str, method: &str, body: &Value) -> Result<(), Invalid> {
        let Some(schema) = self.bodies.get(&(path.to_owned(), method.to_owned())) else {
            return Ok(());
        };
        let mut errors = Vec::new();
        self.walk(schema, body, "", &mut errors, 0);
        Invalid::from_errors(errors).map_or(Ok(()), Err)
    }

    fn resolve<'a>(&'a self, mut schema: &'a Value) -> Option<&'a Value> {
        for _ in 0..MOST_DEPTH {
            match schema.get("$ref").and_then(Value::as_str) {
                Some(reference) => {
                    let name = reference.strip_prefix("#/components/")?;
                    schema = self.components.pointer(&format!("/{name}"))?;
                }
                None => return Some(schema),
            }
        }
        None
    }

    fn walk(
        &self,
        schema: &Value,
        value: &Value,
        field: &str,
        errors: &mut Vec<FieldError>,
        depth: usize,
    ) {
        let Some(schema) = self.resolve(schema) else {
            return;
        };
        if depth > MOST_DEPTH {
            return;
        }
        for part in schema
            .get("allOf")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            self.walk(part, value, field, errors, depth + 1);
        }
        // `T | null` (an optional object or list): the one alternative that
        // is not null. A real choice between shapes is left to the handler.
        for key in ["oneOf", "anyOf"] {
            let alternatives: Vec<&Value> = schema
                .get(key)
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter(|s| s.get("type").and_then(Value::as_str) != Some("null"))
                .collect();
            if let [only] = alternatives[..] {
                self.walk(only, value, field, errors, depth + 1);
            }
        }
        match value {
            Value::String(text) => {
                let name = if field.is_empty() { "body" } else { field };
                let most = schema.get("maxLength").and_then(Value::as_u64);
                if text.chars().any(is_refused_control) {
                    errors.push(FieldError::new(
                        name,
                        "control_character",
                        "must not hold control characters (tab and line breaks are allowed)",
                    ));
                } else if let Some(most) = most
                    && text.chars().count() as u64 > most
                {
                    errors.push(FieldError::new(
                        name,
                        "too_long",
                        format!("at most {most} characters"),
                    ));
                }
            }
            Value::Object(members) => {
                let Some(properties) = schema.get("properties").and_then(Value::as_object) else {
                    return;
                };
                for (name, member) in members {
                    if let Some(property) = properties.get(name) {
                        let at = if field.is_empty() {
                            name.clone()
                        } else {
                            format!("{field}.{name}")
                        };
                        self.walk(property, member, &at, errors, depth + 1);
                    }
                }
            }
            Value::Array(items) => {
                if let Some(item) = schema.get("items") {
                    for (i, member) in items.iter().enumerate() {
                        self.walk(item, member, &format!("{field}[{i}]"), errors, depth + 1);
                    }
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn rules() -> BodyRules {
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

    fn too_long(body: Value) -> Vec<String> {
        match rules().check("/api/v1/things", "POST", &body) {
            Ok(()) => Vec::new(),
            Err(invalid) => invalid
                .into_errors()
                .into_iter()
                .inspect(|e| assert_eq!(e.code, "too_long"))
                .map(|e| e.field)
                .collect(),
        }
    }

    #[test]
    fn every_string_longer_than_documented_is_named() {
        assert!(
            too_long(json!({"name": "ring", "tags": ["a"], "stone": {"kind": "ab"}})).is_empty()
        );
        // Padding counts: the domain would trim it, the document does not.
        let mut named =
            too_long(json!({"name": " ab  ", "tags": ["ok", "ab   "], "stone": {"kind": "a  "}}));
        named.sort();
        assert_eq!(named, ["name", "stone.kind", "tags[1]"]);
        assert_eq!(too_long(json!({"name": "bangle"})), ["name"]);
        assert!(too_long(json!({"stone": null, "other": "not documented here"})).is_empty());
        assert!(
            rules()
                .check("/api/v1/other", "POST", &json!({"name": "long text"}))
                .is_ok()
        );
    }
}
