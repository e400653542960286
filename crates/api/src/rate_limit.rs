//! Rate limits for every caller of `/api/v1` and `/oauth`: a fixed window
//! per staff member (by role), per API client or, without a valid token,
//! per IP address,
//! counted in the cache so that every replica shares the count. Every
//! answer carries `RateLimit-Limit`, `RateLimit-Remaining` and
//! `RateLimit-Reset`; past the limit it is 429 with `Retry-After`.
//! When the cache is down the limit is not enforced (the cache is never a
//! reason to refuse service).

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{HttpMessage, ResponseError, web};

use crate::auth::caller::{authenticate, authorization};
use crate::error::ApiError;
use crate::request_context::RequestContext;
use crate::state::AppState;

pub const LIMIT: HeaderName = HeaderName::from_static("ratelimit-limit");
pub const REMAINING: HeaderName = HeaderName::from_static("ratelimit-remaining");
pub const RESET: HeaderName = HeaderName::from_static("ratelimit-reset");

/// Whether a path is rate limited (the docs and health probes are not).
pub fn is_limited(path: &str) -> bool {
    path.starts_with("/api/v1/") || path.starts_with("/oauth/")
}

pub async fn middleware(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let state = req.app_data::<web::Data<AppState>>().cloned();
    let (Some(state), true) = (state, is_limited(req.path())) else {
        return next
            .call(req)
            .await
            .map(ServiceResponse::map_into_boxed_body);
    };
    let settings = &state.rate_limit;
    let (key, limit) = match req
        .headers()
        .contains_key(actix_web::http::header::AUTHORIZATION)
    {
        true => match authenticate(&state, authorization(req.request())).await {
            Ok(caller) => {
                let (key, limit) = match caller.role() {
                    Some(role) => (format!("staff:{}", caller.id), settings.for_role(role)),
                    None => (
                        format!("client:{}", caller.id),
                        caller.rate_limit.unwrap_or(settings.client),
                    ),
                };
                req.extensions_mut().insert(caller);
                (key, limit)
            }
            Err(_) => (anonymous_key(&req), settings.anonymous),
        },
        false => (anonymous_key(&req), settings.anonymous),
    };

    let window = settings.window_secs;
    let now = jsonwebtoken::get_current_timestamp();
    let reset = window - now % window;
    let counter = format!("rate:{key}:{}", now / window);
    let count = state
        .cache
        .increment(&counter, std::time::Duration::from_secs(window))
        .await;
    let remaining = limit.saturating_sub(count);

    let mut response = match count {
        count if count > limit => req.into_response(
            ApiError::TooManyRequests {
                retry_after_secs: reset,
            }
            .error_response(),
        ),
        _ => next.call(req).await?.map_into_boxed_body(),
    };
    let headers = response.headers_mut();
    headers.insert(LIMIT, HeaderValue::from(limit));
    headers.insert(REMAINING, HeaderValue::from(remaining));
    headers.insert(RESET, HeaderValue::from(reset));
    Ok(response)
}

fn anonymous_key(req: &ServiceRequest) -> String {
    let ip = req
        .extensions()
        .get::<RequestContext>()
        .and_then(|c| c.ip.clone())
        .unwrap_or_else(|| "unknown".to_owned());
    format!("ip:{ip}")
}
