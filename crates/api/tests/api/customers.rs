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
    quick_search_finds_mobiles_names_and_emails,
    customers_change_with_if_match_and_stay_searchable,
);

pub(crate) async fn add_customer(app: &TestApp, token: &str, mobile: &str) -> reqwest::Response {
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
            Some(json!({"name": "Ravi", "mobile": "9812345678"})),
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
        login("9812345678", "my jewellery passbook").await.status(),
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
    let write = add_customer(&app, token, "9812345678").await;
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
    let branch = app.open_branch(&owner, "CHN1").await;
    let branch_id = branch["id"].as_str().expect("id");
    app.call(
        Method::PATCH,
        &format!("/api/v1/branches/{branch_id}"),
        Some(&owner),
        Some(json!({"name": "T. Nagar flagship"})),
    )
    .await;
    let (staff, _) = app
        .hire(&owner, "ravi@example-jeweller.in", "sales", &[&branch])
        .await;
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
    // CRM's own record of the customer, not the API's view of them.
    let customer = &find("customer", "create")["after"];
    assert!(customer["mobile"].is_string(), "{customer}");
    assert!(customer.get("purchases").is_none(), "{customer}");
    let text = trail.to_string();
    assert!(
        !text.contains("first day passphrase")
            && !text.contains("my jewellery passbook")
            && !text.contains("$argon2")
    );
}

pub(crate) async fn customer(
    app: &TestApp,
    token: &str,
    name: &str,
    mobile: &str,
    email: Option<&str>,
) -> Value {
    let response = app
        .call(
            Method::POST,
            "/api/v1/customers",
            Some(token),
            Some(json!({"name": name, "mobile": mobile, "email": email})),
        )
        .await;
    assert_eq!(response.status(), 201);
    response.json().await.expect("JSON")
}

pub(crate) async fn names(app: &TestApp, token: &str, query: &str) -> Vec<String> {
    let response = app
        .call(
            Method::GET,
            &format!("/api/v1/customers?{query}"),
            Some(token),
            None,
        )
        .await;
    assert_eq!(response.status(), 200, "{query}");
    let page: Value = response.json().await.expect("JSON");
    page["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|c| c["name"].as_str().expect("name").to_owned())
        .collect()
}

async fn quick_search_finds_mobiles_names_and_emails(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.owner_token().await;
    customer(
        &app,
        &owner,
        "Lakshmi Narayanan",
        "9876543210",
        Some("lakshmi@example.com"),
    )
    .await;
    customer(&app, &owner, "Lakshmi Priya", "9812353210", None).await;
    customer(&app, &owner, "Ravi Kumar", "9000012345", None).await;

    assert_eq!(
        names(&app, &owner, "q=3210").await,
        ["Lakshmi Narayanan", "Lakshmi Priya"]
    );
    assert_eq!(names(&app, &owner, "q=43210").await, ["Lakshmi Narayanan"]);
    assert_eq!(
        names(&app, &owner, "q=98765%2043210").await,
        ["Lakshmi Narayanan"]
    );
    assert_eq!(
        names(&app, &owner, "q=lak").await,
        ["Lakshmi Narayanan", "Lakshmi Priya"]
    );
    assert_eq!(
        names(&app, &owner, "q=NARA%20lak").await,
        ["Lakshmi Narayanan"]
    );
    assert_eq!(names(&app, &owner, "q=kum").await, ["Ravi Kumar"]);
    assert_eq!(
        names(&app, &owner, "q=Lakshmi@Example.com").await,
        ["Lakshmi Narayanan"]
    );
    assert!(names(&app, &owner, "q=zz").await.is_empty());
    assert_eq!(names(&app, &owner, "").await.len(), 3);

    let short = app
        .call(Method::GET, "/api/v1/customers?q=12", Some(&owner), None)
        .await;
    assert_eq!(short.status(), 400);
    assert_eq!(
        short.json::<Value>().await.expect("JSON")["errors"][0]["field"],
        "q"
    );

    let first: Value = app
        .call(
            Method::GET,
            "/api/v1/customers?q=lak&limit=1",
            Some(&owner),
            None,
        )
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(first["items"][0]["name"], "Lakshmi Narayanan");
    let cursor = first["nextCursor"].as_str().expect("a next page");
    let second: Value = app
        .call(
            Method::GET,
            &format!("/api/v1/customers?q=lak&limit=1&cursor={cursor}"),
            Some(&owner),
            None,
        )
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(second["items"][0]["name"], "Lakshmi Priya");
    assert!(second["nextCursor"].is_null());
}

async fn customers_change_with_if_match_and_stay_searchable(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.owner_token().await;
    let lakshmi = customer(
        &app,
        &owner,
        "Lakshmi Narayanan",
        "9876543210",
        Some("lakshmi@example.com"),
    )
    .await;
    let ravi = customer(&app, &owner, "Ravi Kumar", "9000012345", None).await;
    let path = format!("/api/v1/customers/{}", lakshmi["id"].as_str().expect("id"));
    let patch = |if_match: &'static str, body: Value| {
        app.client
            .patch(app.url(&path))
            .bearer_auth(&owner)
            .header("if-match", if_match)
            .json(&body)
            .send()
    };

    let changed = patch("\"1\"", json!({"name": "Lakshmi N. Iyer", "email": null}))
        .await
        .expect("sent");
    assert_eq!(changed.status(), 200);
    assert_eq!(changed.headers()["etag"], "\"2\"");
    let changed: Value = changed.json().await.expect("JSON");
    assert!(changed["email"].is_null());
    assert_eq!(names(&app, &owner, "q=iyer").await, ["Lakshmi N. Iyer"]);
    assert!(
        names(&app, &owner, "q=narayanan").await.is_empty(),
        "old words are forgotten"
    );
    // Each term carries the name's words: two words are checked on the new ones.
    assert_eq!(
        names(&app, &owner, "q=lak%20iye").await,
        ["Lakshmi N. Iyer"]
    );
    assert!(names(&app, &owner, "q=lak%20nar").await.is_empty());

    let stale = patch("\"1\"", json!({"name": "Lost update"}))
        .await
        .expect("sent");
    assert_eq!(stale.status(), 412);

    let taken = patch("\"2\"", json!({"mobile": "+91 90000 12345"}))
        .await
        .expect("sent");
    assert_eq!(taken.status(), 409);
    let problem: Value = taken.json().await.expect("JSON");
    assert!(
        problem["detail"]
            .as_str()
            .expect("detail")
            .contains(ravi["id"].as_str().expect("id"))
    );

    let moved = patch("\"2\"", json!({"mobile": "9988776655"}))
        .await
        .expect("sent");
    assert_eq!(moved.status(), 200);
    assert_eq!(names(&app, &owner, "q=6655").await, ["Lakshmi N. Iyer"]);
    assert!(names(&app, &owner, "q=3210").await.is_empty());
}

pub(crate) async fn pan_seen_by(app: &TestApp, path: &str, token: &str) -> Value {
    let customer: Value = app
        .call(Method::GET, path, Some(token), None)
        .await
        .json()
        .await
        .expect("JSON");
    customer["pan"].clone()
}
