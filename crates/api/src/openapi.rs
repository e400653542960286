//! The OpenAPI document. Paths come from the routes themselves (registered
//! only through utoipa-actix-web), so the document cannot drift from what is
//! served; the error responses every operation can give are added here by
//! rule, once, so no operation forgets one.

use actix_web::App;
use serde_json::json;
use utoipa::OpenApi;
use utoipa::openapi::extensions::ExtensionsBuilder;
use utoipa::openapi::path::{Operation, PathItem};
use utoipa::openapi::response::{Response, ResponseBuilder};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::server::ServerBuilder;
use utoipa::openapi::{Components, ContentBuilder, Ref, RefOr};
use utoipa_actix_web::AppExt;

use crate::error::{PROBLEM_JSON, Problem, ProblemField};

/// Where the document is served, and Swagger UI.
pub const DOCUMENT_PATH: &str = "/api-docs/openapi.json";
pub const SWAGGER_UI_PATH: &str = "/docs";

#[derive(OpenApi)]
#[openapi(
    info(
        title = "jewel-crm API",
        description = include_str!("openapi_description.md"),
        contact(name = "jewel-crm maintainers"),
        license(name = "Apache-2.0", identifier = "Apache-2.0"),
    ),
    tags(
        (name = "health", description = "Liveness and readiness, for load balancers and orchestrators."),
        (name = "webhooks", description = "Webhook endpoints, and (under `webhooks`) every message they are posted."),
    ),
    components(schemas(Problem, ProblemField)),
)]
struct ApiDoc;

/// The whole document, as served at [`DOCUMENT_PATH`] and printed by
/// `jewel-crm openapi`.
pub fn document() -> serde_json::Value {
    let (_, mut doc) = App::new()
        .into_utoipa_app()
        .openapi(ApiDoc::openapi())
        .configure(crate::routes::configure)
        .split_for_parts();
    doc.servers = Some(vec![
        ServerBuilder::new()
            .url("/")
            .description(Some(
                "The deployment serving this document: local, staging or production alike",
            ))
            .extensions(Some(
                ExtensionsBuilder::new().add("x-internal", false).build(),
            ))
            .build(),
    ]);
    add_security_scheme(&mut doc);
    add_error_responses(&mut doc);
    let mut value = serde_json::to_value(&doc).unwrap_or_default();
    crate::openapi_webhooks::add_webhooks(&mut value);
    bound_formats(&mut value);
    headers_are_never_null(&mut value);
    add_rate_limit_headers(&mut value);
    value
}

/// Documents the `RateLimit-*` headers on every 2xx and 4xx answer of a
/// rate-limited path, and `Retry-After` on every 429.
fn add_rate_limit_headers(doc: &mut serde_json::Value) {
    let header = |description: &str| json!({"description": description, "schema": {"type": "integer", "format": "int32", "minimum": 0, "maximum": 1_000_000_000}});
    doc["components"]["headers"] = json!({
        "Access-Control-Allow-Origin": {
            "description": "Sent when the request's `Origin` is one of `server.cors_allowed_origins`.",
            "schema": {"type": "string", "format": "uri", "maxLength": 2000}
        },
        "RateLimit-Limit": header("Requests allowed in the current window."),
        "RateLimit-Remaining": header("Requests left in the current window."),
        "RateLimit-Reset": header("Seconds until the window starts again."),
        "Retry-After": header("Seconds to wait before trying again."),
    });
    let headers = |status: &str| {
        let mut headers = json!({
            "Access-Control-Allow-Origin": {"$ref": "#/components/headers/Access-Control-Allow-Origin"},
            "RateLimit-Limit": {"$ref": "#/components/headers/RateLimit-Limit"},
            "RateLimit-Remaining": {"$ref": "#/components/headers/RateLimit-Remaining"},
            "RateLimit-Reset": {"$ref": "#/components/headers/RateLimit-Reset"},
        });
        if status == "429" {
            headers["Retry-After"] = json!({"$ref": "#/components/headers/Retry-After"});
        }
        headers
    };
    let mut components = std::collections::BTreeSet::new();
    if let Some(paths) = doc["paths"].as_object_mut() {
        for (path, item) in paths.iter_mut() {
            if !crate::rate_limit::is_limited(path) {
                continue;
            }
            for operation in item
                .as_object_mut()
                .into_iter()
                .flat_map(|o| o.values_mut())
            {
                for (status, response) in operation["responses"]
                    .as_object_mut()
                    .into_iter()
                    .flat_map(|r| r.iter_mut())
                {
                    if !(status.starts_with('2') || status.starts_with('4')) {
                        continue;
                    }
                    match response.get("$ref").and_then(|r| r.as_str()) {
                        Some(reference) => {
                            let name = reference.trim_start_matches("#/components/responses/");
                            components.insert((name.to_owned(), status.clone()));
                        }
                        None => response["headers"] = headers(status),
                    }
                }
            }
        }
    }
    for (name, status) in components {
        if let Some(response) = doc["components"]["responses"].get_mut(&name) {
            response["headers"] = headers(&status);
        }
    }
}

/// The document as committed in `openapi/openapi.json`: pretty, with a final newline.
pub fn render(doc: &serde_json::Value) -> String {
    let mut text = serde_json::to_string_pretty(doc).unwrap_or_default();
    text.push('\n');
    text
}

fn add_security_scheme(doc: &mut utoipa::openapi::OpenApi) {
    let components = doc.components.get_or_insert_with(Components::new);
    components.add_security_scheme(
        "bearer",
        SecurityScheme::Http(
            HttpBuilder::new()
                .scheme(HttpAuthScheme::Bearer)
                .bearer_format("JWT")
                .description(Some(
                    "A staff, customer or API-client access token from `POST /api/v1/auth/login` \
                     or `POST /oauth/token`, sent as `Authorization: Bearer <token>`. Tokens are \
                     JWS and follow RFC8725 (JSON Web Token Best Current Practices): the algorithm \
                     is fixed by the server, `alg: none` is refused, and `exp`, `iss` and `aud` \
                     are always checked.",
                ))
                .build(),
        ),
    );
}

/// The reusable error responses, by status.
fn error_responses() -> Vec<(&'static str, &'static str, Response)> {
    let problem = |status: u16, slug: &str, title: &str, detail: &str| {
        json!({
            "type": format!("urn:jewel-crm:problem:{slug}"),
            "title": title,
            "status": status,
            "detail": detail,
            "instance": "/api/v1/customers",
            "requestId": "01936f0e-8f4a-7cc2-9a4e-1b2f3c4d5e6f"
        })
    };
    let mut invalid = problem(422, "validation", "Invalid input", "1 field is invalid");
    invalid["errors"] = json!([{"field": "phone", "code": "format", "message": "must be a valid phone number such as +919876543210"}]);
    let mut malformed = problem(
        400,
        "bad-request",
        "Malformed request",
        "the body is not valid JSON: key must be a string at line 1 column 2",
    );
    malformed["errors"] = json!([{"field": "body", "code": "malformed_json", "message": "key must be a string at line 1 column 2"}]);
    vec![
        (
            "400",
            "BadRequest",
            response(
                "Malformed request: unreadable JSON, or a bad path or query parameter; `errors` names the field.",
                malformed,
            ),
        ),
        (
            "401",
            "Unauthorized",
            response(
                "No valid access token; see the `WWW-Authenticate` header.",
                problem(
                    401,
                    "unauthorized",
                    "Not authenticated",
                    "the access token has expired",
                ),
            ),
        ),
        (
            "403",
            "Forbidden",
            response(
                "The caller's role or scopes do not allow this operation.",
                problem(
                    403,
                    "forbidden",
                    "Forbidden",
                    "this operation needs the customers:write permission",
                ),
            ),
        ),
        (
            "404",
            "NotFound",
            response(
                "No such record, or it is outside the caller's scope.",
                problem(404, "not-found", "Not found", "no such resource"),
            ),
        ),
        (
            "413",
            "PayloadTooLarge",
            response(
                "The request body is larger than the server accepts.",
                problem(
                    413,
                    "payload-too-large",
                    "Request body too large",
                    "the request body is larger than the limit of 1048576 bytes",
                ),
            ),
        ),
        (
            "415",
            "UnsupportedMediaType",
            response(
                "The request body is not `application/json`.",
                problem(
                    415,
                    "unsupported-media-type",
                    "Unsupported media type",
                    "the request body must be application/json",
                ),
            ),
        ),
        (
            "422",
            "UnprocessableEntity",
            response(
                "Well-formed input that breaks a rule; `errors` names each field.",
                invalid,
            ),
        ),
        (
            "429",
            "TooManyRequests",
            response(
                "Too many requests from this caller; retry after `Retry-After` seconds.",
                problem(
                    429,
                    "too-many-requests",
                    "Too many requests",
                    "too many attempts; retry after 42 s",
                ),
            ),
        ),
        (
            "500",
            "InternalError",
            response(
                "Something failed on the server; quote `requestId` to support.",
                problem(
                    500,
                    "internal",
                    "Internal error",
                    "Something went wrong on our side. Quote the request id to support.",
                ),
            ),
        ),
        (
            "503",
            "ServiceUnavailable",
            response(
                "The request took too long and was abandoned; retry after `Retry-After` seconds.",
                problem(
                    503,
                    "timeout",
                    "Request timed out",
                    "the request took longer than 30 s and was abandoned",
                ),
            ),
        ),
    ]
}

fn response(description: &str, example: serde_json::Value) -> Response {
    ResponseBuilder::new()
        .description(description)
        .content(
            PROBLEM_JSON,
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("Problem")))
                .example(Some(example))
                .build(),
        )
        .build()
}

/// Adds to each operation the errors it can give, by what it takes:
/// every operation can fail inside (500) or time out (503); parameters can
/// be malformed (400); a path parameter can name nothing (404); a body can
/// be unreadable, too large, of the wrong type or invalid (400, 413, 415,
/// 422); a secured operation can be refused (401, 403).
fn add_error_responses(doc: &mut utoipa::openapi::OpenApi) {
    let mut responses: std::collections::BTreeMap<&str, (&str, Response)> = error_responses()
        .into_iter()
        .map(|(status, name, response)| (status, (name, response)))
        .collect();
    let mut used = std::collections::BTreeSet::new();
    for (path, item) in doc.paths.paths.iter_mut() {
        for operation in operations_mut(item) {
            let mut statuses = vec!["500", "503"];
            if crate::rate_limit::is_limited(path) {
                statuses.push("429");
            }
            let parameters = operation.parameters.as_deref().unwrap_or_default();
            if !parameters.is_empty() {
                statuses.push("400");
            }
            let has_path_parameter = parameters.iter().any(|p| {
                matches!(p, RefOr::T(p) if p.parameter_in == utoipa::openapi::path::ParameterIn::Path)
            });
            if has_path_parameter {
                statuses.push("404");
            }
            if operation.request_body.is_some() {
                statuses.extend(["400", "413", "415", "422"]);
            }
            // `security: [{}]` means "no token needed".
            let secured = operation.security.iter().flatten().any(|requirement| {
                serde_json::to_value(requirement)
                    .is_ok_and(|v| v.as_object().is_some_and(|o| !o.is_empty()))
            });
            if secured {
                statuses.extend(["401", "403"]);
            }
            for status in statuses {
                let Some((name, _)) = responses.get(status) else {
                    continue;
                };
                let name = *name;
                operation
                    .responses
                    .responses
                    .entry(status.to_owned())
                    .or_insert_with(|| {
                        used.insert(status);
                        RefOr::Ref(Ref::from_response_name(name))
                    });
            }
        }
    }
    // Only the responses some operation refers to become components.
    let components = doc.components.get_or_insert_with(Components::new);
    for status in used {
        if let Some((name, response)) = responses.remove(status) {
            components
                .responses
                .insert(name.to_owned(), RefOr::T(response));
        }
    }
}

/// Gives every string of a known format and every integer the bounds its
/// type already has (a UUID is 36 characters, an RFC 3339 timestamp at most
/// 35, an `i32` fits in 32 bits), so that integrators and fuzzers know them.
fn bound_formats(doc: &mut serde_json::Value) {
    fn has_type(schema: &serde_json::Map<String, serde_json::Value>, name: &str) -> bool {
        match schema.get("type") {
            Some(serde_json::Value::String(t)) => t == name,
            Some(serde_json::Value::Array(types)) => types.iter().any(|t| t == name),
            _ => false,
        }
    }
    fn walk(value: &mut serde_json::Value) {
        match value {
            serde_json::Value::Object(map) => {
                let unbounded = !map.contains_key("enum") && !map.contains_key("const");
                if has_type(map, "string") && unbounded && !map.contains_key("maxLength") {
                    let max = match map.get("format").and_then(|f| f.as_str()) {
                        Some("uuid") => Some(36),
                        Some("date-time") => Some(35),
                        Some("date") => Some(10),
                        _ => None,
                    };
                    if let Some(max) = max {
                        map.insert("maxLength".into(), max.into());
                    }
                }
                if has_type(map, "integer") {
                    let (min, max): (i64, i64) = match map.get("format").and_then(|f| f.as_str()) {
                        Some("int32") => (i32::MIN.into(), i32::MAX.into()),
                        _ => (i64::MIN, i64::MAX),
                    };
                    map.entry("minimum").or_insert(min.into());
                    map.entry("maximum").or_insert(max.into());
                }
                map.values_mut().for_each(walk);
            }
            serde_json::Value::Array(items) => items.iter_mut().for_each(walk),
            _ => {}
        }
    }
    walk(doc);
}

/// An optional header is absent or a string: HTTP has no null, and a
/// client reading `["string", "null"]` would send the text `null`.
fn headers_are_never_null(doc: &mut serde_json::Value) {
    let Some(paths) = doc
        .get_mut("paths")
        .and_then(serde_json::Value::as_object_mut)
    else {
        return;
    };
    let parameters = paths
        .values_mut()
        .filter_map(serde_json::Value::as_object_mut)
        .flat_map(|item| item.values_mut())
        .filter_map(|operation| operation.get_mut("parameters"))
        .filter_map(serde_json::Value::as_array_mut)
        .flatten();
    for parameter in parameters {
        if parameter.get("in").and_then(serde_json::Value::as_str) != Some("header") {
            continue;
        }
        if let Some(types) = parameter
            .pointer_mut("/schema/type")
            .filter(|types| types.is_array())
        {
            let named: Vec<serde_json::Value> = types
                .as_array()
                .into_iter()
                .flatten()
                .filter(|t| t.as_str() != Some("null"))
                .cloned()
                .collect();
            *types = match <[serde_json::Value; 1]>::try_from(named) {
                Ok([one]) => one,
                Err(many) => many.into(),
            };
        }
    }
}

fn operations_mut(item: &mut PathItem) -> impl Iterator<Item = &mut Operation> {
    [
        item.get.as_mut(),
        item.put.as_mut(),
        item.post.as_mut(),
        item.delete.as_mut(),
        item.patch.as_mut(),
    ]
    .into_iter()
    .flatten()
}
