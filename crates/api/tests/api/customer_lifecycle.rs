//! Consent, wish list, merge, data-subject export and erasure, and the
//! customer correcting their own profile.

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{Backend, TestApp, json_of};
use crate::on_both_backends;

on_both_backends!(
    consent_changes_are_kept_with_time_and_source,
    the_wish_list_keeps_what_a_customer_liked,
    merge_moves_everything_and_the_dry_run_changes_nothing,
    two_merges_racing_for_one_duplicate_have_one_winner,
);

pub(crate) async fn add(app: &TestApp, token: &str, body: Value) -> Value {
    json_of(
        app.call(
            Method::POST,
            "/api/v1/customers?confirmNotDuplicate=true",
            Some(token),
            Some(body),
        )
        .await,
        201,
    )
    .await
}

pub(crate) fn id(value: &Value) -> String {
    value["id"].as_str().expect("id").to_owned()
}

async fn consent_changes_are_kept_with_time_and_source(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.owner_token().await;
    let lakshmi = id(&add(
        &app,
        &owner,
        json!({"name": "Lakshmi", "mobile": "9876543210"}),
    )
    .await);
    let path = format!("/api/v1/customers/{lakshmi}/consents");

    let none = json_of(app.call(Method::GET, &path, Some(&owner), None).await, 200).await;
    assert_eq!(none, json!({"current": [], "history": []}));

    let first = json_of(
        app.call(
            Method::POST,
            &path,
            Some(&owner),
            Some(json!({"source": "in_store", "changes": [
                {"channel": "whatsapp", "purpose": "marketing", "granted": true},
                {"channel": "sms", "purpose": "transactional", "granted": true}
            ]})),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(first["current"].as_array().expect("current").len(), 2);
    assert_eq!(first["history"].as_array().expect("history").len(), 2);
    assert_eq!(first["current"][1]["channel"], "whatsapp");
    assert_eq!(first["current"][1]["source"], "in_store");
    assert_eq!(first["current"][1]["changedByKind"], "staff");

    // Withdrawn by phone; a repeat of the standing SMS consent adds nothing.
    let second = json_of(
        app.call(
            Method::POST,
            &path,
            Some(&owner),
            Some(json!({"source": "phone", "changes": [
                {"channel": "whatsapp", "purpose": "marketing", "granted": false},
                {"channel": "sms", "purpose": "transactional", "granted": true}
            ]})),
        )
        .await,
        200,
    )
    .await;
    let whatsapp: Vec<&Value> = second["current"]
        .as_array()
        .expect("current")
        .iter()
        .filter(|c| c["channel"] == "whatsapp")
        .collect();
    assert_eq!(whatsapp[0]["granted"], false);
    assert_eq!(whatsapp[0]["source"], "phone");
    let history = second["history"].as_array().expect("history");
    assert_eq!(history.len(), 3);
    assert_eq!(history[0]["granted"], false, "newest first");

    for body in [
        json!({"source": "in_store", "changes": []}),
        json!({"source": "in_store", "changes": [{"channel": "pigeon", "purpose": "marketing", "granted": true}]}),
        json!({"source": "carrier", "changes": [{"channel": "sms", "purpose": "marketing", "granted": true}]}),
    ] {
        let response = app
            .call(Method::POST, &path, Some(&owner), Some(body.clone()))
            .await;
        assert_eq!(response.status(), 422, "{body}");
    }
}

async fn the_wish_list_keeps_what_a_customer_liked(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.owner_token().await;
    let lakshmi = id(&add(
        &app,
        &owner,
        json!({"name": "Lakshmi", "mobile": "9876543210"}),
    )
    .await);
    let path = format!("/api/v1/customers/{lakshmi}/wish-list");
    let first = json_of(
        app.call(
            Method::POST,
            &path,
            Some(&owner),
            Some(json!({"description": "Temple necklace, ruby drops", "photoUrl": "https://photos.example.com/1.jpg"})),
        )
        .await,
        201,
    )
    .await;
    json_of(
        app.call(
            Method::POST,
            &path,
            Some(&owner),
            Some(json!({"description": "Diamond studs"})),
        )
        .await,
        201,
    )
    .await;
    let list = json_of(app.call(Method::GET, &path, Some(&owner), None).await, 200).await;
    let descriptions: Vec<&str> = list["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|w| w["description"].as_str().expect("description"))
        .collect();
    assert_eq!(
        descriptions,
        ["Diamond studs", "Temple necklace, ruby drops"]
    );
    assert!(first["createdAt"].is_string());

    for body in [
        json!({"description": "  "}),
        json!({"description": "x", "photoUrl": "ftp://example.com/a.jpg"}),
    ] {
        let response = app
            .call(Method::POST, &path, Some(&owner), Some(body))
            .await;
        assert_eq!(response.status(), 422);
    }
    let removed = app
        .call(
            Method::DELETE,
            &format!("{path}/{}", id(&first)),
            Some(&owner),
            None,
        )
        .await;
    assert_eq!(removed.status(), 204);
    let again = app
        .call(
            Method::DELETE,
            &format!("{path}/{}", id(&first)),
            Some(&owner),
            None,
        )
        .await;
    assert_eq!(again.status(), 404);
}

/// A customer with one interaction, one task and one wish; returns their id.
pub(crate) async fn busy_customer(app: &TestApp, owner: &str, name: &str, mobile: &str) -> String {
    let customer = id(&add(
        app,
        owner,
        json!({"name": name, "mobile": mobile, "tags": [name.to_lowercase()]}),
    )
    .await);
    json_of(
        app.call(
            Method::POST,
            &format!("/api/v1/customers/{customer}/interactions"),
            Some(owner),
            Some(json!({"kind": "visit", "summary": format!("{name} came in")})),
        )
        .await,
        201,
    )
    .await;
    json_of(
        app.call(
            Method::POST,
            &format!("/api/v1/customers/{customer}/wish-list"),
            Some(owner),
            Some(json!({"description": format!("{name}'s bangle")})),
        )
        .await,
        201,
    )
    .await;
    customer
}

async fn counts(app: &TestApp, token: &str, customer: &str) -> (usize, usize) {
    let timeline = json_of(
        app.call(
            Method::GET,
            &format!("/api/v1/customers/{customer}/interactions"),
            Some(token),
            None,
        )
        .await,
        200,
    )
    .await;
    let wishes = json_of(
        app.call(
            Method::GET,
            &format!("/api/v1/customers/{customer}/wish-list"),
            Some(token),
            None,
        )
        .await,
        200,
    )
    .await;
    (
        timeline["items"].as_array().expect("items").len(),
        wishes["items"].as_array().expect("items").len(),
    )
}

async fn merge_moves_everything_and_the_dry_run_changes_nothing(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.owner_token().await;
    let branch = app.open_branch(&owner, "MDS1").await;
    let (_, sales) = app
        .hire(&owner, "priya@example.com", "sales", &[&branch])
        .await;
    let survivor = busy_customer(&app, &owner, "Lakshmi", "9876543210").await;
    let duplicate = busy_customer(&app, &owner, "Laxmi", "9000012345").await;
    let me = app
        .login("owner@example-jeweller.in", crate::helpers::OWNER_PASSWORD)
        .await;
    let task = json!({"customerId": duplicate, "assigneeId": me["staff"]["id"],
        "dueAt": chrono::Utc::now().to_rfc3339(), "reason": "Call about the bangle"});
    json_of(
        app.call(Method::POST, "/api/v1/tasks", Some(&owner), Some(task))
            .await,
        201,
    )
    .await;
    // A bill of the duplicate's follows it to the survivor.
    let bill = json_of(
        app.call(
            Method::POST,
            "/api/v1/invoices",
            Some(&owner),
            Some(json!({"branchId": branch["id"], "customerId": duplicate,
                        "lines": [{"kind": "service", "description": "Polishing", "amount": "200.00"}]})),
        )
        .await,
        201,
    )
    .await;
    let path = format!("/api/v1/customers/{survivor}/merge");

    // Sales staff may not merge.
    let refused = app
        .call(
            Method::POST,
            &path,
            Some(&sales),
            Some(json!({"duplicateId": duplicate})),
        )
        .await;
    assert_eq!(refused.status(), 403);

    let dry = json_of(
        app.call(
            Method::POST,
            &path,
            Some(&owner),
            Some(json!({"duplicateId": duplicate, "dryRun": true})),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(
        dry["moved"],
        json!({"interactions": 1, "tasks": 1, "wishList": 1, "devices": 0, "externalIds": 0, "consentChanges": 0,
               "invoices": 1, "quotes": 0})
    );
    assert_eq!(dry["survivor"]["otherPhones"], json!(["+919000012345"]));
    assert_eq!(dry["survivor"]["tags"], json!(["lakshmi", "laxmi"]));
    // Nothing changed.
    assert_eq!(counts(&app, &owner, &survivor).await, (1, 1));
    assert_eq!(counts(&app, &owner, &duplicate).await, (1, 1));
    let unchanged = json_of(
        app.call(
            Method::GET,
            &format!("/api/v1/customers/{survivor}"),
            Some(&owner),
            None,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(unchanged["version"], 1);
    assert_eq!(unchanged["otherPhones"], json!([]));

    let done = json_of(
        app.call(
            Method::POST,
            &path,
            Some(&owner),
            Some(json!({"duplicateId": duplicate})),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(done["dryRun"], false);
    assert_eq!(done["moved"], dry["moved"]);
    assert_eq!(counts(&app, &owner, &survivor).await, (2, 2));
    let moved_bill = json_of(
        app.call(
            Method::GET,
            &format!("/api/v1/invoices/{}", bill["id"].as_str().expect("id")),
            Some(&owner),
            None,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(moved_bill["customerId"].as_str(), Some(survivor.as_str()));
    let tasks = json_of(
        app.call(Method::GET, "/api/v1/tasks/mine", Some(&owner), None)
            .await,
        200,
    )
    .await;
    let all: Vec<&Value> = ["overdue", "today", "upcoming"]
        .iter()
        .flat_map(|k| tasks[*k].as_array().expect("bucket").iter())
        .collect();
    assert!(
        all.iter().all(|t| t["customerId"] == survivor.as_str()),
        "{tasks}"
    );
    assert_eq!(all.len(), 1);

    // The merged-away id points at the survivor.
    let gone = app
        .call(
            Method::GET,
            &format!("/api/v1/customers/{duplicate}"),
            Some(&owner),
            None,
        )
        .await;
    assert_eq!(gone.status(), 410);
    assert_eq!(
        gone.headers()["location"],
        format!("/api/v1/customers/{survivor}").as_str()
    );
    let problem: Value = gone.json().await.expect("JSON");
    assert_eq!(problem["mergedInto"], survivor.as_str());
    // Its mobile now names the survivor, and it left the lists.
    let taken = json_of(
        app.call(
            Method::POST,
            "/api/v1/customers",
            Some(&owner),
            Some(json!({"name": "Someone", "mobile": "9000012345"})),
        )
        .await,
        409,
    )
    .await;
    assert!(
        taken["detail"]
            .as_str()
            .expect("detail")
            .contains(&survivor)
    );
    let listed = json_of(
        app.call(
            Method::GET,
            "/api/v1/customers?archived=true",
            Some(&owner),
            None,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(listed["items"], json!([]));
    // Merging it again, or into itself, is refused.
    let again = app
        .call(
            Method::POST,
            &path,
            Some(&owner),
            Some(json!({"duplicateId": duplicate})),
        )
        .await;
    assert_eq!(again.status(), 409);
    let itself = app
        .call(
            Method::POST,
            &path,
            Some(&owner),
            Some(json!({"duplicateId": survivor})),
        )
        .await;
    assert_eq!(itself.status(), 422);
    // The audit trail has the merge.
    let audit = json_of(
        app.call(
            Method::GET,
            &format!("/api/v1/audit-events?entityType=customer&entityId={survivor}"),
            Some(&owner),
            None,
        )
        .await,
        200,
    )
    .await;
    assert!(
        audit["items"]
            .as_array()
            .expect("items")
            .iter()
            .any(|e| e["action"] == "merge")
    );
}

async fn two_merges_racing_for_one_duplicate_have_one_winner(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.owner_token().await;
    let a = busy_customer(&app, &owner, "Anand", "9000000001").await;
    let b = busy_customer(&app, &owner, "Bala", "9000000002").await;
    let duplicate = busy_customer(&app, &owner, "Chitra", "9000000003").await;
    let (path_a, path_b) = (
        format!("/api/v1/customers/{a}/merge"),
        format!("/api/v1/customers/{b}/merge"),
    );
    let body = json!({"duplicateId": duplicate});
    let (first, second) = tokio::join!(
        app.call(Method::POST, &path_a, Some(&owner), Some(body.clone())),
        app.call(Method::POST, &path_b, Some(&owner), Some(body.clone())),
    );
    let mut statuses = [first.status().as_u16(), second.status().as_u16()];
    statuses.sort_unstable();
    assert_eq!(statuses, [200, 409]);
    // The duplicate's records went to exactly one survivor.
    let (a_count, b_count) = (
        counts(&app, &owner, &a).await,
        counts(&app, &owner, &b).await,
    );
    assert_eq!(a_count.0 + b_count.0, 3);
    assert_eq!(a_count.1 + b_count.1, 3);
}
