//! The outermost middleware: gives every request an id, a tracing span, a
//! deadline, and makes sure every error leaves as problem+json.

use std::time::{Duration, Instant};

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::error::InternalError;
use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{HttpMessage, ResponseError};
use tracing::Instrument;

use crate::error::{ApiError, PROBLEM_JSON};
use crate::request_context::{
    ClientIpHeader, REQUEST_ID, RequestContext, RequestTimeout, StandardErrorBody,
};

pub async fn middleware(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let header = req.app_data::<ClientIpHeader>().and_then(|h| h.0.clone());
    let context = RequestContext::of(&req, header.as_ref());
    let timeout = req
        .app_data::<RequestTimeout>()
        .map(|t| t.0)
        .unwrap_or(Duration::from_secs(30));
    let span = tracing::info_span!(
        "request",
        request_id = %context.id,
        method = %req.method(),
        path = %req.path(),
    );
    req.extensions_mut().insert(context.clone());
    let started = Instant::now();

    // The request cannot be cloned before routing, so an error that comes
    // back without a response is rendered here and handed to actix-web as a
    // finished response.
    let outcome = context
        .clone()
        .scope(async {
            match tokio::time::timeout(timeout, next.call(req)).await {
                Ok(Ok(response)) => {
                    let response = response.map_into_boxed_body();
                    if needs_problem_body(&response) {
                        let error = as_api_error_response(&response);
                        Ok(response.into_response(error.error_response()))
                    } else {
                        Ok(response)
                    }
                }
                Ok(Err(error)) => Err(as_api_error(&error).error_response()),
                Err(_elapsed) => Err(ApiError::Timeout {
                    seconds: timeout.as_secs(),
                }
                .error_response()),
            }
        })
        .instrument(span.clone())
        .await;

    let request_id = HeaderValue::from_str(&context.id).ok();
    let log = |status: StatusCode| {
        span.in_scope(|| {
            let elapsed_ms = started.elapsed().as_millis();
            if status.is_server_error() {
                tracing::warn!(status = status.as_u16(), elapsed_ms, "request finished");
            } else {
                tracing::info!(status = status.as_u16(), elapsed_ms, "request finished");
            }
        });
    };
    match outcome {
        Ok(mut response) => {
            if let Some(id) = request_id {
                response.headers_mut().insert(REQUEST_ID, id);
            }
            log(response.status());
            Ok(response)
        }
        Err(mut response) => {
            if let Some(id) = request_id {
                response.headers_mut().insert(REQUEST_ID, id);
            }
            log(response.status());
            Err(InternalError::from_response("request failed", response).into())
        }
    }
}

/// An error status whose body is not already a problem document: the
/// framework's own 4xx answers, or a static file that was not found.
fn needs_problem_body(response: &ServiceResponse<BoxBody>) -> bool {
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return false;
    }
    if response
        .response()
        .extensions()
        .get::<StandardErrorBody>()
        .is_some()
    {
        return false;
    }
    let content_type = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    !content_type.starts_with(PROBLEM_JSON)
}

fn as_api_error_response(response: &ServiceResponse<BoxBody>) -> ApiError {
    match response.response().error() {
        Some(error) => as_api_error(error),
        None => from_status(response.status(), None),
    }
}

/// Errors raised outside our handlers keep their status; their text is shown
/// only for client errors, where it describes the client's request.
fn as_api_error(error: &actix_web::Error) -> ApiError {
    let status = error.as_response_error().status_code();
    let detail = status.is_client_error().then(|| error.to_string());
    if status.is_server_error() {
        tracing::error!(error = %error, "request failed outside a handler");
    }
    from_status(status, detail)
}

fn from_status(status: StatusCode, detail: Option<String>) -> ApiError {
    if status == StatusCode::INTERNAL_SERVER_ERROR {
        return ApiError::Internal(anyhow::anyhow!("error response without a cause"));
    }
    let detail = detail
        .filter(|d| !d.is_empty())
        .unwrap_or_else(|| status.canonical_reason().unwrap_or("Error").to_owned());
    ApiError::Status { status, detail }
}
