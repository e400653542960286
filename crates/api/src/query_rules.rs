//! The bounds the OpenAPI document gives each query parameter (length,
//! pattern, range, allowed values), enforced on every request, so that what
//! the document promises to refuse is refused (400 naming the parameter)
//! before a handler reads it. Handlers still check what no schema can say.

use std::collections::HashMap;

use regex::Regex;
use serde_json::Value;

use crate::error::ApiError;

/// One query parameter's bounds, as documented.
#[derive(Debug, Default)]
struct Rule {
    name: String,
    min_length: Option<usize>,
    max_length: Option<usize>,
    pattern: Option<Regex>,
    minimum: Option<i64>,
    maximum: Option<i64>,
    allowed: Option<Vec<String>>,
}

impl Rule {
    fn of(parameter: &Value, document: &Value) -> Option<Self> {
        if parameter.get("in")?.as_str()? != "query" {
            return None;
        }
        let schema = parameter.get("schema")?;
        // A named schema (`MoneyText`) is read where the document keeps it.
        let schema = match schema.get("$ref").and_then(Value::as_str) {
            Some(reference) => document.pointer(reference.strip_prefix('#')?)?,
            None => schema,
        };
        let number = |key: &str| schema.get(key).and_then(Value::as_i64);
        let length = |key: &str| {
            schema
                .get(key)
                .and_then(Value::as_u64)
                .and_then(|n| usize::try_from(n).ok())
        };
        Some(Self {
            name: parameter.get("name")?.as_str()?.to_owned(),
            min_length: length("minLength"),
            max_length: length("maxLength"),
            // A pattern the regex crate cannot read is left to the handler.
            pattern: schema
                .get("pattern")
                .and_then(Value::as_str)
                .and_then(|p| Regex::new(p).ok()),
            minimum: number("minimum"),
            maximum: number("maximum"),
            allowed: schema.get("enum").and_then(Value::as_array).map(|values| {
                values
                    .iter()
                    .filter_map(|v| v.as_str().map(str::to_owned))
                    .collect()
            }),
        })
    }

    fn check(&self, value: &str) -> Result<(), ApiError> {
        let refuse = |code: &str, message: String| {
            Err(ApiError::bad_field(
                format!("query parameter `{}` is invalid: {message}", self.name),
                self.name.clone(),
                code,
                message,
            ))
        };
        let length = value.chars().count();
        if let Some(max) = self.max_length
            && length > max
        {
            return refuse("too_long", format!("at most {max} characters"));
        }
        if let Some(min) = self.min_length
            && length < min
        {
            return refuse("too_short", format!("at least {min} characters"));
        }
        if let Some(pattern) = &self.pattern
            && !pattern.is_match(value)
        {
            return refuse("format", format!("must match {}", pattern.as_str()));
        }
        if let Some(allowed) = &self.allowed
            && !allowed.iter().any(|a| a == value)
        {
            return refuse("invalid", format!("one of {}", allowed.join(", ")));
        }
        if self.minimum.is_some() || self.maximum.is_some() {
            // Not a whole number at all is the handler's to refuse (serde).
            if let Ok(number) = value.parse::<i64>() {
                let low = self.minimum.unwrap_or(i64::MIN);
                let high = self.maximum.unwrap_or(i64::MAX);
                if !(low..=high).contains(&number) {
                    return refuse("range", format!("between {low} and {high}"));
                }
            }
        }
        Ok(())
    }
}

/// Every operation's query parameter bounds, by documented path and method.
#[derive(Debug, Default)]
pub struct QueryRules(HashMap<(String, String), Vec<Rule>>);

impl QueryRules {
    pub fn new(document: &Value) -> Self {
        let mut rules = HashMap::new();
        let Some(paths) = document.get("paths").and_then(Value::as_object) else {
            return Self(rules);
        };
        for (path, item) in paths {
            let Some(item) = item.as_object() else {
                continue;
            };
            for (method, operation) in item {
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
        Self(rules)
    }

    /// Checks `query` against the bounds of `path` (as documented, with its
    /// `{id}`s) and `method`; the first parameter out of bounds is the 400.
    pub fn check(&self, path: &str, method: &str, query: &str) -> Result<(), ApiError> {
        let Some(rules) = self.0.get(&(path.to_owned(), method.to_owned())) else {
            return Ok(());
        };
        for (name, value) in url::form_urlencoded::parse(query.as_bytes()) {
            if let Some(rule) = rules.iter().find(|r| r.name == name) {
                rule.check(&value)?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn rules() -> QueryRules {
        QueryRules::new(&json!({"paths": {"/api/v1/things": {"get": {"parameters": [
            {"in": "query", "name": "tag", "schema": {"type": "string", "maxLength": 4, "pattern": "^[a-z]+$"}},
            {"in": "query", "name": "limit", "schema": {"type": "integer", "minimum": 1, "maximum": 200}},
            {"in": "query", "name": "sort", "schema": {"type": "string", "enum": ["name", "-name"]}},
            {"in": "query", "name": "minValue", "schema": {"$ref": "#/components/schemas/MoneyText"}},
            {"in": "path", "name": "id", "schema": {"type": "string", "maxLength": 1}}
        ]}}},
        "components": {"schemas": {"MoneyText": {"type": "string", "pattern": "^[0-9]+$"}}}}))
    }

    fn refused(query: &str) -> Option<(String, String)> {
        match rules().check("/api/v1/things", "GET", query) {
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
            refused("tag=bridal"),
            Some(("tag".into(), "too_long".into()))
        );
        assert_eq!(refused("tag=AB"), Some(("tag".into(), "format".into())));
        assert_eq!(refused("limit=0"), Some(("limit".into(), "range".into())));
        assert_eq!(refused("sort=age"), Some(("sort".into(), "invalid".into())));
        assert_eq!(
            refused("minValue=null"),
            Some(("minValue".into(), "format".into()))
        );
        assert_eq!(
            refused("tag=vip&limit=200&sort=-name&minValue=12&other=x"),
            None
        );
        // Not a number is serde's to refuse; other operations have no rules.
        assert_eq!(refused("limit=many"), None);
        assert!(rules().check("/api/v1/other", "GET", "tag=bridal").is_ok());
    }
}
