//! A customer's rights: their data exported and erased as the law asks, and\ntheir own profile and consent corrected by themselves.

use crate::customer_lifecycle::{add, busy_customer, id};
use crate::helpers::{Backend, TestApp, json_of};
use crate::on_both_backends;
use reqwest::Method;
use serde_json::{Value, json};

on_both_backends!(
    data_export_and_erasure_follow_the_law,
    customers_correct_their_own_profile_and_consent,
);

async fn data_export_and_erasure_follow_the_law(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.owner_token().await;
    let branch = app.open_branch(&owner, "MDS1").await;
    let (_, manager) = app
        .hire(&owner, "ravi@example.com", "manager", &[&branch])
        .await;
    let (_, sales) = app
        .hire(&owner, "priya@example.com", "sales", &[&branch])
        .await;
    let lakshmi = busy_customer(&app, &owner, "Lakshmi", "9876543210").await;
    json_of(
        app.call(
            Method::PATCH,
            &format!("/api/v1/customers/{lakshmi}"),
            Some(&owner),
            Some(json!({"email": "lakshmi@example.com", "pan": "ABCDE1234F", "dateOfBirth": "1988-03-14"})),
        )
        .await,
        200,
    )
    .await;
    json_of(
        app.call(
            Method::POST,
            &format!("/api/v1/customers/{lakshmi}/consents"),
            Some(&owner),
            Some(json!({"source": "in_store", "changes": [{"channel": "sms", "purpose": "marketing", "granted": true}]})),
        )
        .await,
        200,
    )
    .await;
    let export_path = format!("/api/v1/customers/{lakshmi}/data-export");
    assert_eq!(
        app.call(Method::GET, &export_path, Some(&sales), None)
            .await
            .status(),
        403
    );
    let export = app
        .call(Method::GET, &export_path, Some(&manager), None)
        .await;
    assert!(
        export.headers()["content-disposition"]
            .to_str()
            .expect("header")
            .contains(&lakshmi)
    );
    let export = json_of(export, 200).await;
    assert_eq!(export["customer"]["pan"], "ABCDE1234F");
    assert_eq!(
        export["interactions"]
            .as_array()
            .expect("interactions")
            .len(),
        1
    );
    assert_eq!(export["wishList"].as_array().expect("wishes").len(), 1);
    assert_eq!(
        export["consentHistory"].as_array().expect("history").len(),
        1
    );
    assert!(export["auditTrail"].as_array().expect("audit").len() >= 2);

    // Only the owner erases.
    let erase_path = format!("/api/v1/customers/{lakshmi}/erase");
    assert_eq!(
        app.call(Method::POST, &erase_path, Some(&manager), None)
            .await
            .status(),
        403
    );
    let report = json_of(
        app.call(Method::POST, &erase_path, Some(&owner), None)
            .await,
        200,
    )
    .await;
    assert_eq!(
        report["deleted"],
        json!({"interactions": 1, "tasks": 0, "wishList": 1, "devices": 0})
    );
    let erased = &report["customer"];
    assert_eq!(erased["name"], "Erased customer");
    assert!(erased["mobile"].as_str().expect("mobile").starts_with("+0"));
    for gone in ["email", "pan", "dateOfBirth"] {
        assert!(erased[gone].is_null(), "{gone}");
    }
    assert!(erased["erasedAt"].is_string());
    // Nothing personal is left anywhere it can be read.
    let after = json_of(
        app.call(Method::GET, &export_path, Some(&owner), None)
            .await,
        200,
    )
    .await;
    let text = after.to_string();
    for personal in [
        "Lakshmi",
        "9876543210",
        "lakshmi@example.com",
        "ABCDE1234F",
        "1988-03-14",
    ] {
        assert!(
            !text.contains(personal),
            "{personal} survived erasure: {text}"
        );
    }
    assert_eq!(
        after["consentHistory"].as_array().expect("history").len(),
        1,
        "consent evidence kept"
    );
    let search = json_of(
        app.call(
            Method::GET,
            "/api/v1/customers?q=lakshmi&archived=true",
            Some(&owner),
            None,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(search["items"], json!([]));
    // The mobile is free again; the erased record cannot change.
    add(
        &app,
        &owner,
        json!({"name": "New Lakshmi", "mobile": "9876543210"}),
    )
    .await;
    let change = app
        .call(
            Method::PATCH,
            &format!("/api/v1/customers/{lakshmi}"),
            Some(&owner),
            Some(json!({"name": "Back again"})),
        )
        .await;
    assert_eq!(change.status(), 409);
    assert_eq!(
        app.call(Method::POST, &erase_path, Some(&owner), None)
            .await
            .status(),
        409
    );
}

async fn customers_correct_their_own_profile_and_consent(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.owner_token().await;
    let lakshmi = add(
        &app,
        &owner,
        json!({"name": "Lakshmi", "mobile": "9876543210", "tags": ["vip"]}),
    )
    .await;
    let ravi = add(
        &app,
        &owner,
        json!({"name": "Ravi", "mobile": "9000012345"}),
    )
    .await;
    let tokens = app
        .customer_tokens(&owner, &id(&lakshmi), "9876543210")
        .await;
    let token = tokens["accessToken"].as_str().expect("token");

    let changed = json_of(
        app.call(
            Method::PATCH,
            "/api/v1/me",
            Some(token),
            Some(json!({"email": "lakshmi@example.com", "ringSize": "15", "preferences": {"metals": ["platinum"]}})),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(changed["email"], "lakshmi@example.com");
    assert_eq!(changed["ringSize"], "15");
    assert_eq!(changed["tags"], json!(["vip"]), "what staff keep stays");
    // The mobile, tags and PAN are changed at the store.
    for field in ["mobile", "tags", "pan", "notes"] {
        let mut body = serde_json::Map::new();
        body.insert(field.to_owned(), json!(null));
        let refused = json_of(
            app.call(
                Method::PATCH,
                "/api/v1/me",
                Some(token),
                Some(Value::Object(body)),
            )
            .await,
            422,
        )
        .await;
        assert_eq!(refused["errors"][0]["field"], field);
    }
    let consents = json_of(
        app.call(
            Method::POST,
            "/api/v1/me/consents",
            Some(token),
            Some(json!({"changes": [{"channel": "email", "purpose": "marketing", "granted": false}]})),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(consents["current"][0]["source"], "self_service");
    assert_eq!(consents["current"][0]["changedByKind"], "customer");
    let mine = json_of(
        app.call(Method::GET, "/api/v1/me/data-export", Some(token), None)
            .await,
        200,
    )
    .await;
    assert_eq!(mine["customer"]["id"], lakshmi["id"]);
    // Ravi was not touched, and staff cannot use /me.
    let ravi_now = json_of(
        app.call(
            Method::GET,
            &format!("/api/v1/customers/{}", id(&ravi)),
            Some(&owner),
            None,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(ravi_now["version"], 1);
    let consents_of_ravi = app
        .call(
            Method::GET,
            &format!("/api/v1/customers/{}/consents", id(&ravi)),
            Some(token),
            None,
        )
        .await;
    assert_eq!(consents_of_ravi.status(), 403);
    assert_eq!(
        app.call(Method::PATCH, "/api/v1/me", Some(&owner), Some(json!({})))
            .await
            .status(),
        403
    );
}
