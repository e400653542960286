//! Rate limits per caller, shared through the cache.

use reqwest::Method;
use serde_json::json;

use crate::helpers::{Backend, TestApp};
use crate::on_both_backends;

on_both_backends!(
    each_staff_member_has_a_budget,
    anonymous_callers_are_limited_by_address,
    behind_a_proxy_each_client_has_its_own_budget,
);

fn header(response: &reqwest::Response, name: &str) -> String {
    response.headers()[name].to_str().expect("ascii").to_owned()
}

async fn each_staff_member_has_a_budget(backend: Backend) {
    // A day-long window, so the window cannot roll over during the test.
    let app = TestApp::spawn_configured(backend, |settings| {
        settings.rate_limit.window_secs = 86_400;
        settings.rate_limit.staff = 5;
    })
    .await;
    let owner = app.owner_token().await;

    for remaining in (0..5).rev() {
        let response = app
            .call(Method::GET, "/api/v1/branches", Some(&owner), None)
            .await;
        assert_eq!(response.status(), 200);
        assert_eq!(header(&response, "ratelimit-limit"), "5");
        assert_eq!(
            header(&response, "ratelimit-remaining"),
            remaining.to_string()
        );
        let reset: u64 = header(&response, "ratelimit-reset")
            .parse()
            .expect("seconds");
        assert!((1..=86_400).contains(&reset));
    }
    let refused = app
        .call(Method::GET, "/api/v1/branches", Some(&owner), None)
        .await;
    assert_eq!(refused.status(), 429);
    assert_eq!(header(&refused, "ratelimit-remaining"), "0");
    assert!(header(&refused, "retry-after").parse::<u64>().is_ok());
    assert_eq!(header(&refused, "content-type"), "application/problem+json");

    let probe = app.get("/health/ready").await;
    assert_eq!(probe.status(), 200, "probes are not limited");
    assert!(probe.headers().get("ratelimit-limit").is_none());

    // Someone else's budget is their own.
    let created = app
        .call(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"email": "owner@example-jeweller.in", "password": crate::helpers::OWNER_PASSWORD})),
        )
        .await;
    assert_eq!(created.status(), 200, "anonymous calls count separately");
}

async fn anonymous_callers_are_limited_by_address(backend: Backend) {
    let app = TestApp::spawn_configured(backend, |settings| {
        settings.rate_limit.window_secs = 86_400;
        settings.rate_limit.anonymous = 3;
    })
    .await;
    let attempt = || {
        app.call(
            Method::POST,
            "/api/v1/auth/refresh",
            None,
            Some(json!({"refreshToken": "Jx2fS8m9nq0qv2yY5b7f3kQk1rX9zL0aH4cV6tB8wE0"})),
        )
    };

    for _ in 0..3 {
        assert_eq!(attempt().await.status(), 401);
    }
    let refused = attempt().await;
    assert_eq!(refused.status(), 429);
    assert_eq!(header(&refused, "ratelimit-limit"), "3");

    let forged = app
        .call(Method::GET, "/api/v1/branches", Some("not-a-token"), None)
        .await;
    assert_eq!(
        forged.status(),
        429,
        "an invalid token counts against the address"
    );
}

async fn behind_a_proxy_each_client_has_its_own_budget(backend: Backend) {
    let app = TestApp::spawn_configured(backend, |settings| {
        settings.rate_limit.window_secs = 86_400;
        settings.rate_limit.anonymous = 2;
        settings.server.client_ip_header = Some("X-Forwarded-For".to_owned());
    })
    .await;
    let from = |chain: &'static str| {
        app.client
            .post(app.url("/api/v1/auth/refresh"))
            .header("x-forwarded-for", chain)
            .json(&json!({"refreshToken": "Jx2fS8m9nq0qv2yY5b7f3kQk1rX9zL0aH4cV6tB8wE0"}))
            .send()
    };

    for _ in 0..2 {
        assert_eq!(from("203.0.113.7").await.expect("sent").status(), 401);
    }
    assert_eq!(from("203.0.113.7").await.expect("sent").status(), 429);
    // The balancer appends the real client last; what a client wrote before it counts for nothing.
    assert_eq!(
        from("203.0.113.7, 198.51.100.9")
            .await
            .expect("sent")
            .status(),
        401
    );
    assert_eq!(from("198.51.100.9").await.expect("sent").status(), 401);
    assert_eq!(
        from("10.0.0.1, 198.51.100.9").await.expect("sent").status(),
        429
    );
}
