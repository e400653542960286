//! Customers and their self-service logins.

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{Backend, TestApp};
use crate::on_both_backends;

on_both_backends!(
    one_customer_per_mobile,
    customers_log_in_and_see_only_themselves,
    a_client_with_customers_read_cannot_write,
    customers_sign_up_only_when_allowed,
    every_change_is_in_the_audit_trail,
);

async fn add_customer(app: &TestApp, token: &str, mobile: &str) -> reqwest::Response {
    app.call(
        Method::POST,
        "/api/v1/customers",
        Some(token),
        Some(
            json!({"name": "Lakshmi Narayanan", "mobile": mobile, "email": "lakshmi@example.com"}),
        ),
    )
    .await
}

async fn one_customer_per_mobile(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.owner_token().await;

    let first = add_customer(&app, &owner, "98765 43210").await;
    assert_eq!(first.status(), 201);
    let first: Value = first.json().await.expect("JSON");
    assert_eq!(first["mobile"], "+919876543210");

    let second = add_customer(&app, &owner, "+91-9876543210").await;
    assert_eq!(second.status(), 409);
    let problem: Value = second.json().await.expect("JSON");
    let id = first["id"].as_str().expect("id");
    assert!(
        problem["detail"].as_str().expect("detail").contains(id),
        "{problem}"
    );
    assert_eq!(problem["errors"][0]["field"], "mobile");

    let invalid = add_customer(&app, &owner, "12").await;
    assert_eq!(invalid.status(), 422);
    assert_eq!(
        invalid.json::<Value>().await.expect("JSON")["errors"][0]["field"],
        "mobile"
    );
}

async fn customers_log_in_and_see_only_themselves(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.owner_token().await;
    let lakshmi: Value = add_customer(&app, &owner, "98765 43210")
        .await
        .json()
        .await
        .expect("JSON");
    let id = lakshmi["id"].as_str().expect("id").to_owned();
    let other: Value = app
        .call(
            Method::POST,
            "/api/v1/customers",
            Some(&owner),
            Some(json!({"name": "Ravi", "mobile": "9123456780"})),
        )
        .await
        .json()
        .await
        .expect("JSON");

    let set = app
        .call(
            Method::PUT,
            &format!("/api/v1/customers/{id}/login"),
            Some(&owner),
            Some(json!({"password": "my jewellery passbook"})),
        )
        .await;
    assert_eq!(set.status(), 204);

    let login = |identifier: &'static str, password: &'static str| {
        app.call(
            Method::POST,
            "/api/v1/auth/customer-login",
            None,
            Some(json!({"login": identifier, "password": password})),
        )
    };
    assert_eq!(login("9876543210", "not the password!").await.status(), 401);
    assert_eq!(
        login("9123456780", "my jewellery passbook").await.status(),
        401,
        "no login for Ravi"
    );
    let by_email = login("lakshmi@example.com", "my jewellery passbook").await;
    assert_eq!(by_email.status(), 200);
    let tokens: Value = login("98765 43210", "my jewellery passbook")
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(tokens["customer"]["id"], id.as_str());
    assert!(tokens.get("staff").is_none());
    let access = tokens["accessToken"].as_str().expect("token");

    let me: Value = app
        .call(Method::GET, "/api/v1/me", Some(access), None)
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(me["mobile"], "+919876543210");
    for path in [
        format!("/api/v1/customers/{id}"),
        format!("/api/v1/customers/{}", other["id"].as_str().expect("id")),
        "/api/v1/branches".to_owned(),
        "/api/v1/staff".to_owned(),
    ] {
        let response = app.call(Method::GET, &path, Some(access), None).await;
        assert_eq!(response.status(), 403, "{path}");
    }
    assert_eq!(
        app.call(Method::GET, "/api/v1/me", Some(&owner), None)
            .await
            .status(),
        403,
        "staff have no /me"
    );

    let refreshed = app
        .call(
            Method::POST,
            "/api/v1/auth/refresh",
            None,
            Some(json!({"refreshToken": tokens["refreshToken"]})),
        )
        .await;
    assert_eq!(refreshed.status(), 200);
    let refreshed: Value = refreshed.json().await.expect("JSON");
    assert_eq!(refreshed["customer"]["id"], id.as_str());
    let me_again = app
        .call(
            Method::GET,
            "/api/v1/me",
            refreshed["accessToken"].as_str(),
            None,
        )
        .await;
    assert_eq!(me_again.status(), 200);
}

async fn a_client_with_customers_read_cannot_write(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.owner_token().await;
    let customer: Value = add_customer(&app, &owner, "98765 43210")
        .await
        .json()
        .await
        .expect("JSON");
    let registered = app
        .call(
            Method::POST,
            "/api/v1/api-clients",
            Some(&owner),
            Some(json!({"name": "Shop site", "scopes": ["customers:read"]})),
        )
        .await;
    let status = registered.status();
    let registered: Value = registered.json().await.expect("JSON");
    assert_eq!(status, 201, "{registered}");
    let token: Value = app
        .client
        .post(app.url("/oauth/token"))
        .basic_auth(
            registered["client"]["clientId"].as_str().expect("id"),
            registered["clientSecret"].as_str(),
        )
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .expect("sent")
        .json()
        .await
        .expect("JSON");
    let token = token["access_token"].as_str().expect("token");

    let read = app
        .call(
            Method::GET,
            &format!("/api/v1/customers/{}", customer["id"].as_str().expect("id")),
            Some(token),
            None,
        )
        .await;
    assert_eq!(read.status(), 200);
    let write = add_customer(&app, token, "9123456780").await;
    assert_eq!(write.status(), 403);
}

async fn customers_sign_up_only_when_allowed(backend: Backend) {
    let closed = TestApp::spawn(backend).await;
    let body =
        json!({"name": "Lakshmi", "mobile": "98765 43210", "password": "my jewellery passbook"});
    let refused = closed
        .call(
            Method::POST,
            "/api/v1/auth/customer-register",
            None,
            Some(body.clone()),
        )
        .await;
    assert_eq!(refused.status(), 404);

    let open = TestApp::spawn_configured(backend, |settings| {
        settings.auth.customer_self_registration = true;
    })
    .await;
    let signed_up = open
        .call(
            Method::POST,
            "/api/v1/auth/customer-register",
            None,
            Some(body.clone()),
        )
        .await;
    assert_eq!(signed_up.status(), 201);
    let tokens: Value = signed_up.json().await.expect("JSON");
    let me: Value = open
        .call(
            Method::GET,
            "/api/v1/me",
            tokens["accessToken"].as_str(),
            None,
        )
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(me["mobile"], "+919876543210");

    let again = open
        .call(
            Method::POST,
            "/api/v1/auth/customer-register",
            None,
            Some(body),
        )
        .await;
    assert_eq!(again.status(), 409);
    let problem: Value = again.json().await.expect("JSON");
    let id = me["id"].as_str().expect("id");
    assert!(
        !problem.to_string().contains(id),
        "a stranger does not learn who has the number"
    );
}

async fn every_change_is_in_the_audit_trail(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.owner_token().await;
    let branch: Value = app
        .call(Method::POST, "/api/v1/branches", Some(&owner), Some(json!({"code": "CHN1", "name": "T. Nagar", "address": "Chennai", "stateCode": "33"})))
        .await
        .json()
        .await
        .expect("JSON");
    let branch_id = branch["id"].as_str().expect("id");
    app.call(
        Method::PATCH,
        &format!("/api/v1/branches/{branch_id}"),
        Some(&owner),
        Some(json!({"name": "T. Nagar flagship"})),
    )
    .await;
    let staff: Value = app
        .call(Method::POST, "/api/v1/staff", Some(&owner), Some(json!({"name": "Ravi", "email": "ravi@example-jeweller.in", "role": "sales", "branchIds": [branch_id], "password": "first day passphrase"})))
        .await
        .json()
        .await
        .expect("JSON");
    app.call(
        Method::PATCH,
        &format!("/api/v1/staff/{}", staff["id"].as_str().expect("id")),
        Some(&owner),
        Some(json!({"role": "accountant"})),
    )
    .await;
    let client: Value = app
        .call(
            Method::POST,
            "/api/v1/api-clients",
            Some(&owner),
            Some(json!({"name": "Odoo", "scopes": ["customers:read"]})),
        )
        .await
        .json()
        .await
        .expect("JSON");
    app.call(
        Method::PATCH,
        &format!(
            "/api/v1/api-clients/{}",
            client["client"]["id"].as_str().expect("id")
        ),
        Some(&owner),
        Some(json!({"active": false})),
    )
    .await;
    let customer: Value = add_customer(&app, &owner, "9876543210")
        .await
        .json()
        .await
        .expect("JSON");
    app.call(
        Method::PUT,
        &format!(
            "/api/v1/customers/{}/login",
            customer["id"].as_str().expect("id")
        ),
        Some(&owner),
        Some(json!({"password": "my jewellery passbook"})),
    )
    .await;

    let trail: Value = app
        .call(
            Method::GET,
            "/api/v1/audit-events?limit=200",
            Some(&owner),
            None,
        )
        .await
        .json()
        .await
        .expect("JSON");
    let events = trail["items"].as_array().expect("items");
    let find = |entity: &str, action: &str| {
        events
            .iter()
            .find(|e| e["entityType"] == entity && e["action"] == action)
            .unwrap_or_else(|| panic!("no {action} of {entity} in {trail}"))
    };
    for entity in ["branch", "staff", "api_client", "customer"] {
        let created = find(entity, "create");
        assert!(
            created["before"].is_null() && created["after"].is_object(),
            "{created}"
        );
    }
    for entity in ["branch", "staff", "api_client"] {
        let updated = find(entity, "update");
        assert!(
            updated["before"].is_object() && updated["after"].is_object(),
            "{updated}"
        );
        assert_ne!(updated["before"], updated["after"]);
    }
    assert_eq!(find("staff", "update")["after"]["role"], "accountant");
    assert_eq!(find("api_client", "update")["after"]["active"], false);
    find("customer", "set_login");
    let text = trail.to_string();
    assert!(
        !text.contains("first day passphrase")
            && !text.contains("my jewellery passbook")
            && !text.contains("$argon2")
    );
}
