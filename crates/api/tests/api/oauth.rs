//! OAuth2 client credentials for integrators.

use base64::Engine;
use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{Backend, TestApp};
use crate::on_both_backends;

on_both_backends!(
    client_token_is_limited_by_its_scopes,
    token_errors_follow_rfc_6749,
    client_sees_only_its_branches,
    disabling_a_client_revokes_it,
);

struct Client {
    id: String,
    client_id: String,
    secret: String,
}

async fn register(app: &TestApp, owner: &str, scopes: Value, branches: Value) -> Client {
    let response = app
        .call(
            Method::POST,
            "/api/v1/api-clients",
            Some(owner),
            Some(json!({"name": "Odoo stock sync", "scopes": scopes, "branchIds": branches})),
        )
        .await;
    assert_eq!(response.status(), 201);
    let body: Value = response.json().await.expect("JSON");
    Client {
        id: body["client"]["id"].as_str().expect("id").to_owned(),
        client_id: body["client"]["clientId"]
            .as_str()
            .expect("clientId")
            .to_owned(),
        secret: body["clientSecret"].as_str().expect("secret").to_owned(),
    }
}

async fn token_request(
    app: &TestApp,
    basic: Option<(&str, &str)>,
    form: &[(&str, &str)],
) -> reqwest::Response {
    let mut request = app.client.post(app.url("/oauth/token")).form(form);
    if let Some((id, secret)) = basic {
        request = request.header(
            "authorization",
            format!(
                "Basic {}",
                base64::engine::general_purpose::STANDARD.encode(format!("{id}:{secret}"))
            ),
        );
    }
    request.send().await.expect("sent")
}

async fn client_token(app: &TestApp, client: &Client) -> String {
    let response = token_request(
        app,
        Some((&client.client_id, &client.secret)),
        &[("grant_type", "client_credentials")],
    )
    .await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["cache-control"], "no-store");
    let body: Value = response.json().await.expect("JSON");
    assert_eq!(body["token_type"], "Bearer");
    body["access_token"].as_str().expect("token").to_owned()
}

async fn client_token_is_limited_by_its_scopes(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.owner_token().await;
    let client = register(&app, &owner, json!(["branches:read"]), json!([])).await;

    let token = client_token(&app, &client).await;

    assert_eq!(
        app.call(Method::GET, "/api/v1/branches", Some(&token), None)
            .await
            .status(),
        200
    );
    let write = app
        .call(Method::POST, "/api/v1/branches", Some(&token), Some(json!({"code": "CHN1", "name": "T. Nagar", "address": "Chennai", "stateCode": "33"})))
        .await;
    assert_eq!(write.status(), 403);
    let problem: Value = write.json().await.expect("JSON");
    assert!(
        problem["detail"]
            .as_str()
            .expect("detail")
            .contains("branches:write")
    );
    assert_eq!(
        app.call(Method::GET, "/api/v1/staff", Some(&token), None)
            .await
            .status(),
        403
    );
    assert_eq!(
        app.call(Method::GET, "/api/v1/api-clients", Some(&token), None)
            .await
            .status(),
        403
    );
    assert_eq!(
        app.call(Method::POST, "/api/v1/auth/logout", Some(&token), None)
            .await
            .status(),
        403
    );

    // Body authentication works as well as HTTP Basic.
    let in_body = token_request(
        &app,
        None,
        &[
            ("grant_type", "client_credentials"),
            ("client_id", &client.client_id),
            ("client_secret", &client.secret),
        ],
    )
    .await;
    assert_eq!(in_body.status(), 200);
    assert_eq!(
        in_body.json::<Value>().await.expect("JSON")["scope"],
        "branches:read"
    );

    let trail = app
        .call(
            Method::GET,
            "/api/v1/audit-events?entityType=api_client",
            Some(&owner),
            None,
        )
        .await;
    let trail = trail.text().await.expect("text");
    assert!(trail.contains(&client.id));
    assert!(
        !trail.contains(&client.secret),
        "the secret is never recorded"
    );
}

async fn oauth_error(
    response: reqwest::Response,
    status: u16,
    error: &str,
) -> reqwest::header::HeaderMap {
    assert_eq!(response.status(), status, "{error}");
    let headers = response.headers().clone();
    assert!(
        headers["content-type"]
            .to_str()
            .expect("ascii")
            .starts_with("application/json"),
        "{error}"
    );
    let body: Value = response.json().await.expect("JSON");
    assert_eq!(body["error"], error);
    assert!(
        body["error_description"]
            .as_str()
            .is_some_and(|d| !d.is_empty())
    );
    headers
}

async fn token_errors_follow_rfc_6749(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.owner_token().await;
    let client = register(&app, &owner, json!(["branches:read"]), json!([])).await;
    let grant = [("grant_type", "client_credentials")];

    let wrong_secret =
        token_request(&app, Some((&client.client_id, "not-the-secret")), &grant).await;
    let headers = oauth_error(wrong_secret, 401, "invalid_client").await;
    assert_eq!(headers["www-authenticate"], r#"Basic realm="jewel-crm""#);

    let unknown = token_request(
        &app,
        None,
        &[
            ("grant_type", "client_credentials"),
            ("client_id", "jc_nobody"),
            ("client_secret", "x"),
        ],
    )
    .await;
    oauth_error(unknown, 401, "invalid_client").await;

    let password_grant = token_request(
        &app,
        Some((&client.client_id, &client.secret)),
        &[("grant_type", "password")],
    )
    .await;
    oauth_error(password_grant, 400, "unsupported_grant_type").await;

    let more_scope = token_request(
        &app,
        Some((&client.client_id, &client.secret)),
        &[
            ("grant_type", "client_credentials"),
            ("scope", "branches:read branches:write"),
        ],
    )
    .await;
    oauth_error(more_scope, 400, "invalid_scope").await;

    let no_grant = token_request(&app, Some((&client.client_id, &client.secret)), &[]).await;
    oauth_error(no_grant, 400, "invalid_request").await;

    let json_body = app
        .call(
            Method::POST,
            "/oauth/token",
            None,
            Some(json!({"grant_type": "client_credentials"})),
        )
        .await;
    oauth_error(json_body, 400, "invalid_request").await;
}

async fn client_sees_only_its_branches(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.owner_token().await;
    let mut ids = Vec::new();
    for code in ["CHN1", "MDU1"] {
        let branch = app
            .call(
                Method::POST,
                "/api/v1/branches",
                Some(&owner),
                Some(
                    json!({"code": code, "name": code, "address": "Tamil Nadu", "stateCode": "33"}),
                ),
            )
            .await;
        ids.push(
            branch.json::<Value>().await.expect("JSON")["id"]
                .as_str()
                .expect("id")
                .to_owned(),
        );
    }
    let client = register(&app, &owner, json!(["branches:read"]), json!([ids[0]])).await;
    let token = client_token(&app, &client).await;

    let listed: Value = app
        .call(Method::GET, "/api/v1/branches", Some(&token), None)
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(listed["items"].as_array().expect("items").len(), 1);
    assert_eq!(listed["items"][0]["code"], "CHN1");
    let other = app
        .call(
            Method::GET,
            &format!("/api/v1/branches/{}", ids[1]),
            Some(&token),
            None,
        )
        .await;
    assert_eq!(other.status(), 404);
}

async fn disabling_a_client_revokes_it(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.owner_token().await;
    let client = register(&app, &owner, json!(["branches:read"]), json!([])).await;
    let token = client_token(&app, &client).await;

    let disabled = app
        .call(
            Method::PATCH,
            &format!("/api/v1/api-clients/{}", client.id),
            Some(&owner),
            Some(json!({"active": false})),
        )
        .await;
    assert_eq!(disabled.status(), 200);

    assert_eq!(
        app.call(Method::GET, "/api/v1/branches", Some(&token), None)
            .await
            .status(),
        401
    );
    let again = token_request(
        &app,
        Some((&client.client_id, &client.secret)),
        &[("grant_type", "client_credentials")],
    )
    .await;
    oauth_error(again, 401, "invalid_client").await;
}
