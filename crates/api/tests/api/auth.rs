//! Login, refresh-token rotation, logout, throttling and token attacks.

use jsonwebtoken::{Algorithm, EncodingKey, Header};
use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{Backend, OWNER_PASSWORD, TestApp};
use crate::on_both_backends;

on_both_backends!(
    login_issues_tokens_that_work,
    unknown_user_and_wrong_password_look_the_same,
    refresh_rotates_and_replay_revokes_the_family,
    parallel_refreshes_have_exactly_one_winner,
    token_attacks_are_refused,
    repeated_failures_are_throttled,
    logout_ends_the_session,
    logout_everywhere_ends_every_session,
    changing_the_password_ends_sessions,
    asymmetric_keys_sign_and_are_published,
);

const OWNER: &str = "owner@example-jeweller.in";

async fn refresh(app: &TestApp, token: &str) -> reqwest::Response {
    app.call(
        Method::POST,
        "/api/v1/auth/refresh",
        None,
        Some(json!({"refreshToken": token})),
    )
    .await
}

fn text(value: &Value) -> String {
    value.as_str().expect("a string").to_owned()
}

async fn login_issues_tokens_that_work(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.create_owner(OWNER, OWNER_PASSWORD).await;

    let tokens = app.login("Owner@Example-Jeweller.in", OWNER_PASSWORD).await;

    assert_eq!(tokens["tokenType"], "Bearer");
    assert_eq!(tokens["expiresIn"], 900);
    assert_eq!(tokens["staff"]["role"], "owner");
    assert!(tokens["staff"].get("passwordHash").is_none());
    let me = app
        .call(
            Method::GET,
            &format!("/api/v1/staff/{}", owner.id),
            Some(&text(&tokens["accessToken"])),
            None,
        )
        .await;
    assert_eq!(me.status(), 200);
    assert_eq!(me.headers()["etag"], "\"1\"");
    let stored = jewel_persistence::repos::staff::Staff::password_hash(
        app.state.database.connection(),
        owner.id,
    )
    .await
    .expect("read")
    .expect("stored");
    assert!(
        stored.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
        "{stored}"
    );
}

async fn unknown_user_and_wrong_password_look_the_same(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.create_owner(OWNER, OWNER_PASSWORD).await;
    let attempt = |email: &'static str, password: &'static str| {
        app.call(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"email": email, "password": password})),
        )
    };

    let wrong_password = attempt(OWNER, "not the password at all").await;
    let unknown_user = attempt("nobody@example-jeweller.in", "not the password at all").await;

    assert_eq!(wrong_password.status(), 401);
    assert_eq!(unknown_user.status(), 401);
    assert_eq!(
        wrong_password.headers()["www-authenticate"],
        unknown_user.headers()["www-authenticate"]
    );
    let mut a: Value = wrong_password.json().await.expect("JSON");
    let mut b: Value = unknown_user.json().await.expect("JSON");
    a["requestId"] = Value::Null;
    b["requestId"] = Value::Null;
    assert_eq!(a, b);
}

async fn refresh_rotates_and_replay_revokes_the_family(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.create_owner(OWNER, OWNER_PASSWORD).await;
    let first = text(&app.login(OWNER, OWNER_PASSWORD).await["refreshToken"]);

    let rotated = refresh(&app, &first).await;
    assert_eq!(rotated.status(), 200);
    let second: Value = rotated.json().await.expect("JSON");
    let second_refresh = text(&second["refreshToken"]);
    assert_ne!(second_refresh, first);

    let replay = refresh(&app, &first).await;
    assert_eq!(replay.status(), 401);
    assert!(
        replay.headers()["www-authenticate"]
            .to_str()
            .expect("ascii")
            .contains("invalid_token")
    );
    let newest = refresh(&app, &second_refresh).await;
    assert_eq!(newest.status(), 401, "the replay revoked the whole family");
    let access = app
        .call(
            Method::GET,
            "/api/v1/branches",
            Some(&text(&second["accessToken"])),
            None,
        )
        .await;
    assert_eq!(access.status(), 401, "and its access tokens");
}

async fn parallel_refreshes_have_exactly_one_winner(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.create_owner(OWNER, OWNER_PASSWORD).await;
    let token = text(&app.login(OWNER, OWNER_PASSWORD).await["refreshToken"]);

    let (a, b) = tokio::join!(refresh(&app, &token), refresh(&app, &token));

    let mut statuses = [a.status().as_u16(), b.status().as_u16()];
    statuses.sort_unstable();
    assert_eq!(statuses, [200, 401]);
}

/// A token signed with the server's own key but with chosen claims.
async fn forge(app: &TestApp, header: Header, claims: Value) -> String {
    let secret = jewel_persistence::repos::signing_keys::SigningKeys::get_or_create(
        app.state.database.connection(),
        "jewel-hs256-1",
        "HS256",
        String::new,
    )
    .await
    .expect("the key");
    jsonwebtoken::encode(
        &header,
        &claims,
        &EncodingKey::from_secret(secret.as_bytes()),
    )
    .expect("signed")
}

fn b64(value: &Value) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(value.to_string())
}

async fn token_attacks_are_refused(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.create_owner(OWNER, OWNER_PASSWORD).await;
    let tokens = app.login(OWNER, OWNER_PASSWORD).await;
    let good = text(&tokens["accessToken"]);
    let now = jsonwebtoken::get_current_timestamp();
    let claims = |changes: Value| {
        let mut claims = json!({
            "sub": owner.id.to_string(), "kind": "staff", "role": "owner", "branches": [],
            "sid": uuid::Uuid::now_v7().to_string(), "jti": "x",
            "iss": "jewel-crm", "aud": "jewel-crm-api", "iat": now, "exp": now + 600
        });
        for (key, value) in changes.as_object().expect("object") {
            if value.is_null() {
                claims.as_object_mut().expect("object").remove(key);
            } else {
                claims[key] = value.clone();
            }
        }
        claims
    };
    let header = |kid: &str| {
        let mut header = Header::new(Algorithm::HS256);
        header.kid = Some(kid.to_owned());
        header
    };
    let parts: Vec<&str> = good.split('.').collect();

    let mut attacks: Vec<(&str, String)> = vec![
        (
            "forged with our key but correct claims is accepted? (control)",
            String::new(),
        ),
        (
            "alg none",
            format!(
                "{}.{}.",
                b64(&json!({"alg": "none", "typ": "JWT", "kid": "jewel-hs256-1"})),
                parts[1]
            ),
        ),
        (
            "algorithm confusion (RS256 header)",
            format!(
                "{}.{}.{}",
                b64(&json!({"alg": "RS256", "typ": "JWT", "kid": "jewel-hs256-1"})),
                parts[1],
                parts[2]
            ),
        ),
        (
            "tampered payload",
            format!(
                "{}.{}.{}",
                parts[0],
                b64(
                    &json!({"sub": owner.id.to_string(), "role": "owner", "kind": "staff", "branches": [], "sid": "x", "jti": "y", "iss": "jewel-crm", "aud": "jewel-crm-api", "iat": now, "exp": now + 99999})
                ),
                parts[2]
            ),
        ),
        (
            "bad signature",
            format!("{}.{}.{}", parts[0], parts[1], "c2lnbmF0dXJl"),
        ),
        (
            "unknown kid",
            forge(&app, header("someone-elses-key"), claims(json!({}))).await,
        ),
        (
            "expired",
            forge(
                &app,
                header("jewel-hs256-1"),
                claims(json!({"iat": now - 4000, "exp": now - 3600})),
            )
            .await,
        ),
        (
            "no exp",
            forge(&app, header("jewel-hs256-1"), claims(json!({"exp": null}))).await,
        ),
        (
            "wrong issuer",
            forge(
                &app,
                header("jewel-hs256-1"),
                claims(json!({"iss": "evil"})),
            )
            .await,
        ),
        (
            "wrong audience",
            forge(
                &app,
                header("jewel-hs256-1"),
                claims(json!({"aud": "another-api"})),
            )
            .await,
        ),
        ("a refresh token", text(&tokens["refreshToken"])),
        ("not a JWT", "garbage".to_owned()),
    ];
    let control = forge(&app, header("jewel-hs256-1"), claims(json!({}))).await;
    attacks[0].1 = control;

    for (name, token) in attacks {
        let response = app
            .call(Method::GET, "/api/v1/branches", Some(&token), None)
            .await;
        if name.contains("(control)") {
            assert_eq!(response.status(), 200, "{name}");
            continue;
        }
        assert_eq!(response.status(), 401, "{name}");
        assert_eq!(
            response.headers()["www-authenticate"],
            r#"Bearer realm="jewel-crm", error="invalid_token""#,
            "{name}"
        );
        assert_eq!(
            response.headers()["content-type"],
            "application/problem+json",
            "{name}"
        );
    }

    let anonymous = app.call(Method::GET, "/api/v1/branches", None, None).await;
    assert_eq!(anonymous.status(), 401);
    assert_eq!(
        anonymous.headers()["www-authenticate"],
        r#"Bearer realm="jewel-crm""#
    );
}

async fn repeated_failures_are_throttled(backend: Backend) {
    let app = TestApp::spawn_configured(backend, |settings| {
        settings.auth.login_max_failures = 3;
    })
    .await;
    app.create_owner(OWNER, OWNER_PASSWORD).await;
    let attempt = |password: &'static str| {
        app.call(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"email": OWNER, "password": password})),
        )
    };

    for _ in 0..3 {
        assert_eq!(attempt("wrong password!!").await.status(), 401);
    }
    let throttled = attempt("wrong password!!").await;
    assert_eq!(throttled.status(), 429);
    assert_eq!(throttled.headers()["retry-after"], "900");
    assert_eq!(
        throttled.headers()["content-type"],
        "application/problem+json"
    );

    let right = attempt(OWNER_PASSWORD).await;
    assert_eq!(
        right.status(),
        429,
        "the right password waits for the window too"
    );
}

async fn logout_ends_the_session(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.create_owner(OWNER, OWNER_PASSWORD).await;
    let tokens = app.login(OWNER, OWNER_PASSWORD).await;
    let access = text(&tokens["accessToken"]);

    let logout = app
        .call(Method::POST, "/api/v1/auth/logout", Some(&access), None)
        .await;

    assert_eq!(logout.status(), 204);
    assert_eq!(
        app.call(Method::GET, "/api/v1/branches", Some(&access), None)
            .await
            .status(),
        401
    );
    assert_eq!(
        refresh(&app, &text(&tokens["refreshToken"])).await.status(),
        401
    );
}

async fn logout_everywhere_ends_every_session(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.create_owner(OWNER, OWNER_PASSWORD).await;
    let phone = app.login(OWNER, OWNER_PASSWORD).await;
    let counter = app.login(OWNER, OWNER_PASSWORD).await;

    let response = app
        .call(
            Method::POST,
            "/api/v1/auth/logout-everywhere",
            Some(&text(&counter["accessToken"])),
            None,
        )
        .await;

    assert_eq!(response.status(), 204);
    assert_eq!(
        refresh(&app, &text(&phone["refreshToken"])).await.status(),
        401
    );
    assert_eq!(
        refresh(&app, &text(&counter["refreshToken"]))
            .await
            .status(),
        401
    );
    let old = app
        .call(
            Method::GET,
            "/api/v1/branches",
            Some(&text(&phone["accessToken"])),
            None,
        )
        .await;
    assert_eq!(old.status(), 401);
}

async fn changing_the_password_ends_sessions(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.create_owner(OWNER, OWNER_PASSWORD).await;
    let tokens = app.login(OWNER, OWNER_PASSWORD).await;
    let access = text(&tokens["accessToken"]);

    let wrong = app
        .call(Method::POST, "/api/v1/auth/password", Some(&access), Some(json!({"currentPassword": "not it at all", "newPassword": "a brand new passphrase"})))
        .await;
    assert_eq!(wrong.status(), 401);
    let short = app
        .call(
            Method::POST,
            "/api/v1/auth/password",
            Some(&access),
            Some(json!({"currentPassword": OWNER_PASSWORD, "newPassword": "short"})),
        )
        .await;
    assert_eq!(short.status(), 422);
    assert_eq!(
        short.json::<Value>().await.expect("JSON")["errors"][0]["field"],
        "newPassword"
    );

    let changed = app
        .call(
            Method::POST,
            "/api/v1/auth/password",
            Some(&access),
            Some(
                json!({"currentPassword": OWNER_PASSWORD, "newPassword": "a brand new passphrase"}),
            ),
        )
        .await;

    assert_eq!(changed.status(), 204);
    assert_eq!(
        refresh(&app, &text(&tokens["refreshToken"])).await.status(),
        401
    );
    app.login(OWNER, "a brand new passphrase").await;
}

async fn asymmetric_keys_sign_and_are_published(backend: Backend) {
    let fixtures = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");
    let app = TestApp::spawn_configured(backend, |settings| {
        settings.auth.jwt_private_key_file =
            Some(format!("{fixtures}/jwt-ed25519-test.key.pem").into());
        settings.auth.jwt_public_key_file =
            Some(format!("{fixtures}/jwt-ed25519-test.pub.pem").into());
        settings.auth.jwt_kid = "test-ed25519".to_owned();
    })
    .await;
    app.create_owner(OWNER, OWNER_PASSWORD).await;
    let token = text(&app.login(OWNER, OWNER_PASSWORD).await["accessToken"]);

    let header = jsonwebtoken::decode_header(&token).expect("a JWT");
    assert_eq!(header.alg, Algorithm::EdDSA);
    assert_eq!(header.kid.as_deref(), Some("test-ed25519"));
    let jwks: Value = app
        .get("/.well-known/jwks.json")
        .await
        .json()
        .await
        .expect("JSON");
    let key = &jwks["keys"][0];
    assert_eq!(key["kid"], "test-ed25519");
    assert_eq!(key["crv"], "Ed25519");
    // Anyone holding the published key can verify the token.
    let decoding = jsonwebtoken::DecodingKey::from_ed_components(key["x"].as_str().expect("x"))
        .expect("a key");
    let mut validation = jsonwebtoken::Validation::new(Algorithm::EdDSA);
    validation.set_audience(&["jewel-crm-api"]);
    let claims = jsonwebtoken::decode::<Value>(&token, &decoding, &validation).expect("verifies");
    assert_eq!(claims.claims["role"], "owner");
    assert_eq!(
        app.call(Method::GET, "/api/v1/branches", Some(&token), None)
            .await
            .status(),
        200
    );

    // An HS256 token under the same kid (algorithm confusion) is refused.
    let mut hs = Header::new(Algorithm::HS256);
    hs.kid = Some("test-ed25519".to_owned());
    let forged = jsonwebtoken::encode(
        &hs,
        &claims.claims,
        &EncodingKey::from_secret(key["x"].as_str().expect("x").as_bytes()),
    )
    .expect("signed");
    assert_eq!(
        app.call(Method::GET, "/api/v1/branches", Some(&forged), None)
            .await
            .status(),
        401
    );
}
