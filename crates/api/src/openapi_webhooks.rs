//! The document's `webhooks` (OpenAPI 3.1): one entry per event type, the
//! message an endpoint is posted (`{type, timestamp, data}`), its `data`
//! the payload's schema (`routes::integrations::event_payloads`, held to
//! the services' own types by a test), with its example; and the test
//! ping's.

use serde_json::{Value, json};

/// Adds `webhooks` and the payloads' schemas to `doc`.
pub fn add_webhooks(doc: &mut Value) {
    let mut webhooks = serde_json::Map::new();
    let mut events: Vec<(&str, Value)> = Vec::new();
    for event in crate::routes::integrations::event_payloads::payload_schemas() {
        for (name, schema) in event.schemas {
            let mut schema = serde_json::to_value(schema).unwrap_or_default();
            bounded(&mut schema);
            doc["components"]["schemas"][name] = schema;
        }
        let mut example = doc["components"]["schemas"][&event.name]["example"].clone();
        // A payload that is another's (a transfer dispatched is a transfer
        // moved) has that one's example.
        if let Some(other) = doc["components"]["schemas"][&event.name]["$ref"]
            .as_str()
            .and_then(|r| r.strip_prefix("#/components/schemas/"))
            .filter(|_| example.is_null())
        {
            example = doc["components"]["schemas"][other]["example"].clone();
        }
        let data = json!({"$ref": format!("#/components/schemas/{}", event.name)});
        events.push((event.event_type, json!([data, example])));
    }
    events.push((
        jewel_domain::webhook::PING,
        json!([
            {"type": "object", "required": ["endpointId", "message"], "properties": {
                "endpointId": {"type": "string", "format": "uuid"},
                "message": {"type": "string", "maxLength": 200}}},
            {"endpointId": "01936f0e-aaaa-7000-8000-0000000000e1",
             "message": "A test from jewel-crm: this endpoint is reached and its signature checks."}
        ]),
    ));
    for (event_type, pair) in events {
        let (data, example) = (pair[0].clone(), pair[1].clone());
        let body = json!({
            "type": "object",
            "required": ["type", "timestamp", "data"],
            "properties": {
                "type": {"type": "string", "enum": [event_type]},
                "timestamp": {"type": "string", "format": "date-time",
                    "description": "When it happened (UTC)."},
                "data": data,
            },
        });
        let operation = json!({
            "operationId": format!("on_{}", event_type.replace('.', "_")),
            "summary": event_type,
            "description": format!(
                "Posted to every enabled endpoint that wants `{event_type}`, signed as Standard Webhooks v1 says (`webhook-id`, `webhook-timestamp`, `webhook-signature`: see the API's description)."
            ),
            "tags": ["webhooks"],
            "parameters": [
                {"name": "webhook-id", "in": "header", "required": true,
                 "description": "The message's id: the same on every try and replay; keep it to drop duplicates.",
                 "schema": {"type": "string", "pattern": "^msg_[0-9a-f]{32}$", "maxLength": 36}},
                {"name": "webhook-timestamp", "in": "header", "required": true,
                 "description": "When this try was signed, in Unix seconds: refuse one more than 5 minutes off.",
                 "schema": {"type": "string", "pattern": "^[0-9]{1,12}$", "maxLength": 12}},
                {"name": "webhook-signature", "in": "header", "required": true,
                 "description": "`v1,` and the base64 HMAC-SHA256 of `{webhook-id}.{webhook-timestamp}.{body}`; two, separated by a space, for 24 hours after a rotation.",
                 "schema": {"type": "string", "pattern": "^v1,[A-Za-z0-9+/=]{44}( v1,[A-Za-z0-9+/=]{44})*$", "maxLength": 200}},
            ],
            "requestBody": {
                "required": true,
                "content": {"application/json": {
                    "schema": body,
                    "example": {"type": event_type, "timestamp": "2026-11-21T09:31:00Z", "data": example},
                }},
            },
            "responses": {
                "200": {"description": "Taken: any 2xx within 15 seconds."},
                "410": {"description": "Gone: the endpoint is disabled."},
                "default": {"description": "Anything else (a 3xx is not followed) is tried again: after 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and 10 h, and after `Retry-After` on 429, 502 and 504. `webhook-delivery: abort-message` stops the message's tries."},
            },
        });
        webhooks.insert(event_type.to_owned(), json!({"post": operation}));
    }
    doc["webhooks"] = Value::Object(webhooks);
}

/// A payload's texts, lists and numbers with the bounds every schema of the
/// document has: texts we send are at most 500 characters (amounts,
/// numbers, reasons), counts are 64-bit.
fn bounded(schema: &mut Value) {
    match schema {
        Value::Object(map) => {
            let is = |map: &serde_json::Map<String, Value>, name: &str| match map.get("type") {
                Some(Value::String(t)) => t == name,
                Some(Value::Array(types)) => types.iter().any(|t| t == name),
                _ => false,
            };
            let free = !map.contains_key("enum") && !map.contains_key("format");
            if is(map, "string") && free && !map.contains_key("maxLength") {
                map.insert("maxLength".into(), 500.into());
            }
            if is(map, "array") && !map.contains_key("maxItems") {
                map.insert("maxItems".into(), 10_000.into());
            }
            if is(map, "integer") && !map.contains_key("format") {
                map.insert("format".into(), "int64".into());
            }
            map.values_mut().for_each(bounded);
        }
        Value::Array(items) => items.iter_mut().for_each(bounded),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    /// Every event type recorded, and the test ping, is in `webhooks` with
    /// its payload's schema and an example of it.
    #[test]
    fn every_event_type_is_a_webhook_with_an_example() {
        let document = crate::openapi::document();
        let types = jewel_services::catalogue::EVENT_TYPES
            .iter()
            .chain(std::iter::once(&jewel_domain::webhook::PING));
        for event_type in types {
            let body = &document["webhooks"][event_type]["post"]["requestBody"]["content"]["application/json"];
            assert_eq!(body["example"]["type"], *event_type);
            assert!(body["example"]["data"].is_object(), "{event_type}: {body}");
            let data = &body["schema"]["properties"]["data"];
            assert!(data.is_object(), "{event_type}");
            if let Some(name) = data["$ref"]
                .as_str()
                .and_then(|r| r.strip_prefix("#/components/schemas/"))
            {
                assert!(
                    document["components"]["schemas"][name].is_object(),
                    "{name}"
                );
            }
        }
    }
}
