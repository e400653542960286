//! The OpenAPI document and Swagger UI.

use serde_json::Value;

use crate::helpers::{Backend, TestApp};
use crate::on_both_backends;

on_both_backends!(
    served_document_is_the_committed_one,
    swagger_ui_serves_its_assets_and_the_spec
);

fn committed_document() -> String {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../openapi/openapi.json");
    std::fs::read_to_string(path).expect("openapi/openapi.json is committed")
}

/// The golden-file check: a change to the API must show up as a change to
/// `openapi/openapi.json`. Regenerate it with
/// `cargo run -q -- openapi > openapi/openapi.json`.
#[test]
fn committed_document_matches_the_code() {
    let generated = jewel_api::openapi::render(&jewel_api::openapi::document());
    let committed = committed_document();
    assert!(
        generated == committed,
        "openapi/openapi.json is stale: run `cargo run -q -- openapi > openapi/openapi.json` and commit it"
    );
}

#[test]
fn every_operation_is_documented_with_summary_tag_and_errors() {
    let document: Value =
        serde_json::from_str(&committed_document()).expect("the document is JSON");
    assert_eq!(document["openapi"], "3.1.0");
    assert!(document["components"]["securitySchemes"]["bearer"].is_object());
    let paths = document["paths"].as_object().expect("paths");
    assert!(!paths.is_empty());
    for (path, item) in paths {
        for (method, operation) in item.as_object().expect("a path item") {
            let name = format!("{method} {path}");
            assert!(
                operation["summary"].as_str().is_some_and(|s| !s.is_empty()),
                "{name} has a summary"
            );
            assert!(
                operation["operationId"].is_string(),
                "{name} has an operationId"
            );
            assert!(
                operation["tags"].as_array().is_some_and(|t| !t.is_empty()),
                "{name} has a tag"
            );
            assert!(
                operation.get("security").is_some(),
                "{name} declares its security"
            );
            let responses = operation["responses"].as_object().expect("responses");
            assert!(responses.contains_key("500"), "{name} documents 500");
            for (status, response) in responses {
                if status.starts_with('2') && status != "204" {
                    let content = response["content"].as_object().expect("content");
                    let documented = content.get("application/json").map_or_else(
                        // A CSV, HTML or plain text answer carries an example
                        // of the file instead; an image, its binary schema.
                        || {
                            ["text/csv", "text/html", "text/plain"].iter().any(|kind| {
                                content.get(*kind).is_some_and(|c| c["example"].is_string())
                            }) || ["image/jpeg", "image/png", "image/webp"]
                                .iter()
                                .all(|kind| {
                                    content.get(*kind).is_some_and(|c| {
                                        c["schema"]["$ref"] == "#/components/schemas/ImageBytes"
                                    })
                                })
                        },
                        |json| json["schema"]["$ref"].is_string(),
                    );
                    assert!(documented, "{name} {status} has a schema or example");
                }
            }
        }
    }
}

/// Every JSON request body and success answer shows an example: on its
/// schema, or for a page, on the schema of its items.
#[test]
fn every_body_has_an_example() {
    let document: Value =
        serde_json::from_str(&committed_document()).expect("the document is JSON");
    let schemas = &document["components"]["schemas"];
    let has_example = |schema: &Value| {
        let Some(name) = schema["$ref"].as_str().and_then(|r| r.rsplit('/').next()) else {
            return true;
        };
        let schema = &schemas[name];
        if schema.get("example").is_some() {
            return true;
        }
        // A page of items: the items (inlined or referred to) carry it.
        let items = &schema["properties"]["items"]["items"];
        items.get("example").is_some()
            || items["$ref"]
                .as_str()
                .and_then(|r| r.rsplit('/').next())
                .is_some_and(|item| schemas[item].get("example").is_some())
    };
    for (path, item) in document["paths"].as_object().expect("paths") {
        for (method, operation) in item.as_object().expect("a path item") {
            let name = format!("{method} {path}");
            if let Some(body) =
                operation["requestBody"]["content"]["application/json"].get("schema")
            {
                assert!(has_example(body), "{name}: the request body has an example");
            }
            for (status, response) in operation["responses"].as_object().expect("responses") {
                if let Some(body) = response["content"]["application/json"].get("schema")
                    && status.starts_with('2')
                {
                    assert!(has_example(body), "{name} {status} has an example");
                }
            }
        }
    }
}

async fn served_document_is_the_committed_one(backend: Backend) {
    let app = TestApp::spawn(backend).await;

    let response = app.get("/api-docs/openapi.json").await;

    assert_eq!(response.status(), 200);
    let served: Value = response.json().await.expect("JSON");
    let committed: Value = serde_json::from_str(&committed_document()).expect("JSON");
    assert_eq!(served, committed);
}

async fn swagger_ui_serves_its_assets_and_the_spec(backend: Backend) {
    let app = TestApp::spawn(backend).await;

    let redirect = app.get("/docs").await;
    assert_eq!(redirect.status(), 301);
    assert_eq!(redirect.headers()["location"], "/docs/");

    let page = app.get("/docs/").await;
    assert_eq!(page.status(), 200);
    assert!(
        page.headers()["content-type"]
            .to_str()
            .expect("ascii")
            .starts_with("text/html")
    );
    let html = page.text().await.expect("text");
    assert!(html.contains("swagger-ui"), "{html}");

    for asset in [
        "swagger-ui.css",
        "swagger-ui-bundle.js",
        "swagger-ui-standalone-preset.js",
    ] {
        let response = app.get(&format!("/docs/{asset}")).await;
        assert_eq!(response.status(), 200, "{asset}");
        assert!(
            response.bytes().await.expect("bytes").len() > 1000,
            "{asset} has content"
        );
    }

    let initializer = app.get("/docs/swagger-initializer.js").await;
    assert_eq!(initializer.status(), 200);
    let script = initializer.text().await.expect("text");
    assert!(script.contains("/api-docs/openapi.json"), "{script}");
}

/// utoipa keys schemas by type name, so two types of one name silently
/// replace each other in the document; names must be unique.
#[test]
fn schema_type_names_are_unique() {
    let src = concat!(env!("CARGO_MANIFEST_DIR"), "/src");
    let mut files = vec![std::path::PathBuf::from(src)];
    let mut names: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    while let Some(path) = files.pop() {
        if path.is_dir() {
            files.extend(
                std::fs::read_dir(&path)
                    .expect("a folder")
                    .map(|e| e.expect("an entry").path()),
            );
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("source");
        let mut derives_schema = false;
        for line in text.lines().map(str::trim) {
            if line.starts_with("#[derive(") {
                derives_schema = line.contains("ToSchema");
            } else if derives_schema
                && (line.starts_with("pub struct ") || line.starts_with("pub enum "))
            {
                let name = line.split_whitespace().nth(2).expect("a name");
                let name = name
                    .split(['<', '(', '{', ';'])
                    .next()
                    .expect("a name")
                    .to_owned();
                names
                    .entry(name)
                    .or_default()
                    .push(path.display().to_string());
                derives_schema = false;
            }
        }
    }
    assert!(names.len() > 20, "found the schema types");
    let twice: Vec<_> = names
        .iter()
        .filter(|(_, places)| places.len() > 1)
        .collect();
    assert!(twice.is_empty(), "schema names used twice: {twice:?}");
}
