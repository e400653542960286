//! What every part of a request's handling may know about it: its id, its
//! path and the client's address, and the settings the outermost
//! middleware (`request_guard`) reads.

use std::time::Duration;

use actix_web::dev::ServiceRequest;
use actix_web::http::header::HeaderName;

pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

tokio::task_local! {
    static CURRENT: RequestContext;
}

/// What every part of a request's handling may want to know about it.
#[derive(Debug, Clone)]
pub struct RequestContext {
    /// The client's `X-Request-Id` when it is sensible, else a new UUIDv7.
    pub id: String,
    pub path: String,
    /// The peer's address (the load balancer's, behind one).
    pub ip: Option<String>,
}

impl RequestContext {
    /// Where the work of the request being served was asked for; the
    /// command line's when there is no request.
    pub fn origin() -> jewel_services::Origin {
        match Self::current() {
            Some(context) => jewel_services::Origin {
                request_id: context.id,
                ip: context.ip,
            },
            None => jewel_services::Origin::cli(),
        }
    }

    /// The context of the request being handled on this task, if any.
    pub fn current() -> Option<Self> {
        CURRENT.try_with(Clone::clone).ok()
    }

    /// Runs `work` as the handling of the request `self` describes.
    pub async fn scope<F: std::future::Future>(self, work: F) -> F::Output {
        CURRENT.scope(self, work).await
    }

    pub(crate) fn of(req: &ServiceRequest, client_ip_header: Option<&HeaderName>) -> Self {
        let id = req
            .headers()
            .get(&REQUEST_ID)
            .and_then(|v| v.to_str().ok())
            .filter(|v| is_acceptable_request_id(v))
            .map(str::to_owned)
            .unwrap_or_else(|| uuid::Uuid::now_v7().to_string());
        Self {
            id,
            path: req.path().to_owned(),
            ip: client_ip(req, client_ip_header),
        }
    }
}

/// The client's address: from the configured proxy header when there is
/// one (its last entry, which the nearest proxy wrote), else the peer's.
fn client_ip(req: &ServiceRequest, header: Option<&HeaderName>) -> Option<String> {
    let from_header = header
        .and_then(|name| req.headers().get(name))
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.rsplit(',').next())
        .and_then(|last| last.trim().parse::<std::net::IpAddr>().ok());
    from_header
        .or_else(|| req.peer_addr().map(|a| a.ip()))
        .map(|ip| ip.to_string())
}

/// Which header carries the client's address, set as app data.
#[derive(Debug, Clone)]
pub struct ClientIpHeader(pub Option<HeaderName>);

/// A client id is echoed into logs and headers, so only short, plain ones are
/// taken; anything else is replaced rather than trusted.
fn is_acceptable_request_id(id: &str) -> bool {
    (1..=128).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':'))
}

/// Deadline for one request, set as app data.
#[derive(Debug, Clone, Copy)]
pub struct RequestTimeout(pub Duration);

/// Marks an error response whose body a standard fixes (RFC 6749 errors of
/// `/oauth/token`), so it is not turned into a problem document.
#[derive(Debug, Clone, Copy)]
pub struct StandardErrorBody;

#[cfg(test)]
mod tests {
    use super::is_acceptable_request_id;

    #[test]
    fn plain_request_ids_are_taken_and_others_replaced() {
        assert!(is_acceptable_request_id("0193-abc_DEF.1:2"));
        assert!(!is_acceptable_request_id(""));
        assert!(!is_acceptable_request_id("has space"));
        assert!(!is_acceptable_request_id("line\nbreak"));
        assert!(!is_acceptable_request_id(&"a".repeat(129)));
    }
}
