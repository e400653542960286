//! Branches, staff, permissions, branch scope and the audit trail.

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{Backend, TestApp, json_of};
use crate::on_both_backends;

on_both_backends!(
    owner_opens_and_changes_branches_with_audit,
    invalid_branch_names_every_field,
    staff_see_only_their_branches,
    managers_cannot_make_managers_and_sales_cannot_manage_staff,
    disabling_a_user_ends_their_sessions,
    the_last_owner_stays,
    every_protected_operation_needs_a_token,
);

fn chennai(code: &str) -> Value {
    json!({
        "code": code, "name": "T. Nagar", "address": "12 Usman Road, Chennai 600017",
        "stateCode": "33", "gstin": "33AABCU9603R1ZM"
    })
}

async fn owner_opens_and_changes_branches_with_audit(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.owner_token().await;

    let branch = app.open_branch(&owner, "CHN1").await;
    assert_eq!(branch["timezone"], "Asia/Kolkata");
    assert_eq!(branch["version"], 1);
    let path = format!("/api/v1/branches/{}", branch["id"].as_str().expect("id"));

    let duplicate = app
        .call(
            Method::POST,
            "/api/v1/branches",
            Some(&owner),
            Some(chennai("CHN1")),
        )
        .await;
    let conflict = json_of(duplicate, 409).await;
    assert_eq!(conflict["errors"][0]["field"], "code");

    let changed = app
        .client
        .patch(app.url(&path))
        .bearer_auth(&owner)
        .header("if-match", "\"1\"")
        .json(&json!({"name": "T. Nagar flagship"}))
        .send()
        .await
        .expect("sent");
    assert_eq!(changed.headers()["etag"], "\"2\"");
    assert_eq!(json_of(changed, 200).await["name"], "T. Nagar flagship");

    let stale = app
        .client
        .patch(app.url(&path))
        .bearer_auth(&owner)
        .header("if-match", "\"1\"")
        .json(&json!({"name": "Lost update"}))
        .send()
        .await
        .expect("sent");
    assert_eq!(stale.status(), 412);
    let stored = json_of(app.call(Method::GET, &path, Some(&owner), None).await, 200).await;
    assert_eq!(
        stored["name"], "T. Nagar flagship",
        "the stale write changed nothing"
    );

    let events = json_of(
        app.call(
            Method::GET,
            &format!(
                "/api/v1/audit-events?entityType=branch&entityId={}",
                branch["id"].as_str().expect("id")
            ),
            Some(&owner),
            None,
        )
        .await,
        200,
    )
    .await;
    let items = events["items"].as_array().expect("items");
    assert_eq!(items.len(), 2, "{events}");
    assert_eq!(items[0]["action"], "create");
    assert!(items[0]["before"].is_null());
    assert_eq!(items[0]["after"]["code"], "CHN1");
    assert_eq!(items[1]["action"], "update");
    assert_eq!(items[1]["before"]["name"], "T. Nagar");
    assert_eq!(items[1]["after"]["name"], "T. Nagar flagship");
    assert_eq!(items[1]["actorKind"], "staff");
    assert!(
        items[1]["requestId"]
            .as_str()
            .is_some_and(|id| !id.is_empty())
    );

    let staff_events = json_of(
        app.call(
            Method::GET,
            "/api/v1/audit-events?entityType=staff",
            Some(&owner),
            None,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(
        staff_events["items"][0]["actorKind"], "cli",
        "create-owner is recorded"
    );
    let all = json_of(
        app.call(
            Method::GET,
            "/api/v1/audit-events?limit=200",
            Some(&owner),
            None,
        )
        .await,
        200,
    )
    .await;
    let text = all.to_string();
    assert!(
        !text.contains("argon2") && !text.contains("passwordHash"),
        "no secrets in the trail"
    );
    let deleting = app
        .call(Method::DELETE, "/api/v1/audit-events", Some(&owner), None)
        .await;
    assert_eq!(deleting.status(), 405);
}

async fn invalid_branch_names_every_field(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.owner_token().await;

    let response = app
        .call(
            Method::POST,
            "/api/v1/branches",
            Some(&owner),
            Some(json!({"code": "chn 1", "name": " ", "address": "x", "stateCode": "29", "gstin": "33AABCU9603R1ZM", "timezone": "not a zone"})),
        )
        .await;

    let body = json_of(response, 422).await;
    let mut fields: Vec<&str> = body["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| e["field"].as_str().expect("field"))
        .collect();
    fields.sort_unstable();
    assert_eq!(fields, ["code", "gstin", "name", "timezone"]);
    let gstin = body["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .find(|e| e["field"] == "gstin")
        .expect("gstin");
    assert_eq!(gstin["code"], "state_mismatch");
    let listed = json_of(
        app.call(Method::GET, "/api/v1/branches", Some(&owner), None)
            .await,
        200,
    )
    .await;
    assert_eq!(listed["items"], json!([]), "nothing was stored");
}

async fn staff_see_only_their_branches(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.owner_token().await;
    let chennai = app.open_branch(&owner, "CHN1").await;
    let madurai = app.open_branch(&owner, "MDU1").await;
    let (_, manager) = app
        .hire(
            &owner,
            "manager@example-jeweller.in",
            "manager",
            &[&chennai],
        )
        .await;
    let (madurai_sales, _) = app
        .hire(
            &owner,
            "sales.mdu@example-jeweller.in",
            "sales",
            &[&madurai],
        )
        .await;

    let listed = json_of(
        app.call(Method::GET, "/api/v1/branches", Some(&manager), None)
            .await,
        200,
    )
    .await;
    let codes: Vec<&str> = listed["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|b| b["code"].as_str().expect("code"))
        .collect();
    assert_eq!(codes, ["CHN1"]);
    let other = app
        .call(
            Method::GET,
            &format!("/api/v1/branches/{}", madurai["id"].as_str().expect("id")),
            Some(&manager),
            None,
        )
        .await;
    assert_eq!(
        other.status(),
        404,
        "another branch does not exist for them"
    );
    let colleague = app
        .call(
            Method::GET,
            &format!(
                "/api/v1/staff/{}",
                madurai_sales["id"].as_str().expect("id")
            ),
            Some(&manager),
            None,
        )
        .await;
    assert_eq!(colleague.status(), 404);
    let change = app
        .call(
            Method::PATCH,
            &format!(
                "/api/v1/staff/{}",
                madurai_sales["id"].as_str().expect("id")
            ),
            Some(&manager),
            Some(json!({"name": "Renamed"})),
        )
        .await;
    assert_eq!(change.status(), 404, "nor can they change its staff");
    let staff = json_of(
        app.call(Method::GET, "/api/v1/staff", Some(&manager), None)
            .await,
        200,
    )
    .await;
    let emails: Vec<&str> = staff["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|s| s["email"].as_str().expect("email"))
        .collect();
    assert!(
        !emails.contains(&"sales.mdu@example-jeweller.in"),
        "{emails:?}"
    );

    let hire_elsewhere = app
        .call(
            Method::POST,
            "/api/v1/staff",
            Some(&manager),
            Some(json!({"name": "X", "email": "x@example-jeweller.in", "role": "sales", "branchIds": [madurai["id"]], "password": "first day passphrase"})),
        )
        .await;
    let body = json_of(hire_elsewhere, 422).await;
    assert_eq!(body["errors"][0]["code"], "out_of_scope");
}

async fn managers_cannot_make_managers_and_sales_cannot_manage_staff(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.owner_token().await;
    let chennai = app.open_branch(&owner, "CHN1").await;
    let (_, manager) = app
        .hire(
            &owner,
            "manager@example-jeweller.in",
            "manager",
            &[&chennai],
        )
        .await;
    let (sales_record, sales) = app
        .hire(&owner, "sales@example-jeweller.in", "sales", &[&chennai])
        .await;

    let promote = app
        .call(Method::POST, "/api/v1/staff", Some(&manager), Some(json!({"name": "Y", "email": "y@example-jeweller.in", "role": "manager", "branchIds": [chennai["id"]], "password": "first day passphrase"})))
        .await;
    assert_eq!(promote.status(), 403);
    let list = app
        .call(Method::GET, "/api/v1/staff", Some(&sales), None)
        .await;
    assert_eq!(list.status(), 403);
    let open = app
        .call(
            Method::POST,
            "/api/v1/branches",
            Some(&manager),
            Some(chennai_body()),
        )
        .await;
    assert_eq!(open.status(), 403);
    let own = app
        .call(
            Method::GET,
            &format!("/api/v1/staff/{}", sales_record["id"].as_str().expect("id")),
            Some(&sales),
            None,
        )
        .await;
    assert_eq!(own.status(), 200, "everyone reads their own record");
    let audit = app
        .call(Method::GET, "/api/v1/audit-events", Some(&sales), None)
        .await;
    assert_eq!(audit.status(), 403);
}

fn chennai_body() -> Value {
    chennai("CHN9")
}

async fn disabling_a_user_ends_their_sessions(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.owner_token().await;
    let chennai = app.open_branch(&owner, "CHN1").await;
    let (sales_record, sales) = app
        .hire(&owner, "sales@example-jeweller.in", "sales", &[&chennai])
        .await;
    let refresh_token = app
        .login("sales@example-jeweller.in", "first day passphrase")
        .await["refreshToken"]
        .clone();

    let disabled = app
        .call(
            Method::PATCH,
            &format!("/api/v1/staff/{}", sales_record["id"].as_str().expect("id")),
            Some(&owner),
            Some(json!({"active": false})),
        )
        .await;
    assert_eq!(json_of(disabled, 200).await["active"], false);

    assert_eq!(
        app.call(Method::GET, "/api/v1/branches", Some(&sales), None)
            .await
            .status(),
        401
    );
    let refreshed = app
        .call(
            Method::POST,
            "/api/v1/auth/refresh",
            None,
            Some(json!({"refreshToken": refresh_token})),
        )
        .await;
    assert_eq!(refreshed.status(), 401);
    let login = app
        .call(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"email": "sales@example-jeweller.in", "password": "first day passphrase"})),
        )
        .await;
    assert_eq!(login.status(), 401);
}

async fn the_last_owner_stays(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner_token = app.owner_token().await;
    let owners = json_of(
        app.call(Method::GET, "/api/v1/staff", Some(&owner_token), None)
            .await,
        200,
    )
    .await;
    let owner_id = owners["items"][0]["id"].as_str().expect("id").to_owned();

    let demote = app
        .call(
            Method::PATCH,
            &format!("/api/v1/staff/{owner_id}"),
            Some(&owner_token),
            Some(json!({"active": false})),
        )
        .await;

    assert_eq!(demote.status(), 409);
    let still = json_of(
        app.call(
            Method::GET,
            &format!("/api/v1/staff/{owner_id}"),
            Some(&owner_token),
            None,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(still["active"], true);
    assert_eq!(still["version"], 1, "the rolled-back change left no trace");
}

/// Walks every operation in the OpenAPI document: without a token each
/// protected one answers 401, and only the listed public ones do not.
async fn every_protected_operation_needs_a_token(backend: Backend) {
    // One anonymous call per operation, more than a minute's budget for an
    // address: the budget is not what this test is about.
    let app = TestApp::spawn_configured(backend, |s| s.rate_limit.anonymous = 10_000).await;
    let document: Value = app
        .get("/api-docs/openapi.json")
        .await
        .json()
        .await
        .expect("JSON");
    let public = [
        "GET /health/live",
        "GET /health/ready",
        "POST /api/v1/auth/login",
        "POST /api/v1/auth/refresh",
        "POST /oauth/token",
        "GET /.well-known/jwks.json",
        "GET /api/v1/auth/sso/start",
        "GET /api/v1/auth/sso/callback",
        "POST /api/v1/auth/customer-login",
        "POST /api/v1/auth/customer-register",
        // Twilio's callbacks: no token, each checked by Twilio's signature
        // (messages_twilio.rs: a wrong one is 401).
        "POST /api/v1/webhooks/twilio/status",
        "POST /api/v1/webhooks/twilio/inbound",
        // Meta's: the subscription check compares the verify token, each
        // report bears Meta's signature (messages_whatsapp.rs: 401 else).
        "GET /api/v1/webhooks/whatsapp",
        "POST /api/v1/webhooks/whatsapp",
        // A campaign message's unsubscribe link: its signed token is the
        // credential (campaigns.rs: a changed one is refused).
        "GET /api/v1/unsubscribe/{link}",
        "POST /api/v1/unsubscribe/{link}",
    ];
    let mut checked = 0;
    for (path, item) in document["paths"].as_object().expect("paths") {
        for (method, operation) in item.as_object().expect("item") {
            let name = format!("{} {path}", method.to_uppercase());
            let open = operation["security"].as_array().is_some_and(|s| {
                s.iter()
                    .all(|r| r.as_object().is_some_and(|o| o.is_empty()))
            });
            assert_eq!(
                open,
                public.contains(&name.as_str()),
                "{name}: public operations are exactly the listed ones"
            );
            if open {
                continue;
            }
            let concrete = path.replace("{id}", &uuid::Uuid::now_v7().to_string());
            let method = Method::from_bytes(method.to_uppercase().as_bytes()).expect("method");
            let body = operation.get("requestBody").map(|_| json!({}));
            let response = app.call(method, &concrete, None, body).await;
            assert_eq!(response.status(), 401, "{name} without a token");
            assert_eq!(
                response.headers()["content-type"],
                "application/problem+json",
                "{name}"
            );
            checked += 1;
        }
    }
    assert!(checked >= 12, "walked {checked} protected operations");

    // A customer's token reaches their own records and nothing of the staff's.
    let owner = app.owner_token().await;
    let customer: Value = app
        .call(
            Method::POST,
            "/api/v1/customers",
            Some(&owner),
            Some(json!({"name": "Lakshmi", "mobile": "9876543210"})),
        )
        .await
        .json()
        .await
        .expect("JSON");
    let id = customer["id"].as_str().expect("id");
    let tokens = app.customer_tokens(&owner, id, "9876543210").await;
    let customer_token = tokens["accessToken"].as_str().expect("token").to_owned();
    let customer_operations = ["GET /api/v1/me", "POST /api/v1/auth/refresh"];
    for (path, item) in document["paths"].as_object().expect("paths") {
        for (method, operation) in item.as_object().expect("item") {
            let name = format!("{} {path}", method.to_uppercase());
            // `/api/v1/me...` is the customer's own.
            if public.contains(&name.as_str())
                || customer_operations.contains(&name.as_str())
                || path.starts_with("/api/v1/me")
            {
                continue;
            }
            let concrete = path.replace("{id}", id);
            let method = Method::from_bytes(method.to_uppercase().as_bytes()).expect("method");
            let body = operation.get("requestBody").map(|_| json!({}));
            let status = app
                .call(method, &concrete, Some(&customer_token), body)
                .await
                .status();
            assert!(
                status == 403 || status == 404,
                "{name} with a customer's token: {status}"
            );
        }
    }
}
