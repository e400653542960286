//! Liveness and readiness, public so that load balancers need no token.

use std::time::Duration;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, web};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::error::{ApiError, Problem, problem_response};
use crate::state::AppState;

/// A health check may take this long per component before it counts as down.
const CHECK_TIMEOUT: Duration = Duration::from_secs(2);

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(live).service(ready);
}

/// The process is up.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"status": "ok", "version": "0.1.0"}))]
pub struct Liveness {
    /// Always `ok`.
    #[schema(max_length = 8, pattern = "^ok$")]
    status: &'static str,
    /// The version of the running build.
    #[schema(max_length = 32, pattern = r"^\d+\.\d+\.\d+([-+].*)?$")]
    version: &'static str,
}

/// Liveness: the process is up and answering.
///
/// Restart the process when this fails. It checks nothing beyond the process,
/// so a database outage never causes restarts.
#[utoipa::path(
    tag = "health",
    operation_id = "getLiveness",
    security(()),
    responses((status = 200, description = "The process is up.", body = Liveness))
)]
#[get("/health/live")]
pub async fn live() -> web::Json<Liveness> {
    web::Json(Liveness {
        status: "ok",
        version: env!("CARGO_PKG_VERSION"),
    })
}

/// Whether each component answers.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "database": {"status": "up", "kind": "sqlite"},
    "cache": {"status": "up", "kind": "memory"}
}))]
pub struct Checks {
    database: ComponentCheck,
    cache: ComponentCheck,
}

/// One component's state.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"status": "down", "kind": "redis", "error": "unreachable"}))]
pub struct ComponentCheck {
    status: ComponentStatus,
    /// Which implementation: `sqlite` or `mysql`; `memory` or `redis`.
    #[schema(max_length = 16, pattern = "^(sqlite|mysql|memory|redis)$")]
    kind: &'static str,
    /// Why it is down (details are in the server log).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(max_length = 16, pattern = "^(unreachable|timed out)$")]
    error: Option<&'static str>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ComponentStatus {
    Up,
    Down,
}

/// Ready to serve: the database answers. A cache that is down makes the
/// service `degraded`, not unready: requests bypass it.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "status": "degraded",
    "checks": {"database": {"status": "up", "kind": "mysql"}, "cache": {"status": "down", "kind": "redis", "error": "unreachable"}}
}))]
pub struct Readiness {
    status: ReadyStatus,
    checks: Checks,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ReadyStatus {
    /// Every component is up.
    Ok,
    /// The database is up; the cache is down and bypassed.
    Degraded,
}

/// Not ready: a problem document naming the failing component, with the
/// state of every component in `checks`.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "type": "urn:jewel-crm:problem:not-ready",
    "title": "Not ready",
    "status": 503,
    "detail": "database is down",
    "instance": "/health/ready",
    "requestId": "01936f0e-8f4a-7cc2-9a4e-1b2f3c4d5e6f",
    "checks": {"database": {"status": "down", "kind": "mysql", "error": "unreachable"}, "cache": {"status": "up", "kind": "redis"}}
}))]
pub struct NotReady {
    #[serde(flatten)]
    problem: Problem,
    checks: Checks,
}

/// Readiness: whether this instance can serve requests now.
///
/// 200 when the database answers (`status` is `degraded` when the cache is
/// down: requests still work, bypassing it); 503 naming the database when it
/// does not. Take the instance out of rotation on 503.
#[utoipa::path(
    tag = "health",
    operation_id = "getReadiness",
    security(()),
    responses(
        (status = 200, description = "Ready; `status` says whether the cache is degraded.", body = Readiness),
        (status = 503, description = "Not ready: the database does not answer.", body = NotReady, content_type = "application/problem+json"),
    )
)]
#[get("/health/ready")]
pub async fn ready(state: web::Data<AppState>) -> HttpResponse {
    let (database, cache) =
        tokio::join!(bounded(state.database.ping()), bounded(state.cache.ping()));
    let checks = Checks {
        database: check(state.database.kind().as_str(), "database", database),
        cache: check(state.cache.kind().as_str(), "cache", cache),
    };
    if checks.database.status == ComponentStatus::Down {
        let mut problem = ApiError::Status {
            status: StatusCode::SERVICE_UNAVAILABLE,
            detail: "database is down".to_owned(),
        }
        .to_problem();
        problem.kind = "urn:jewel-crm:problem:not-ready".to_owned();
        problem.title = "Not ready".to_owned();
        return problem_response(
            StatusCode::SERVICE_UNAVAILABLE,
            &NotReady { problem, checks },
        );
    }
    let status = match checks.cache.status {
        ComponentStatus::Up => ReadyStatus::Ok,
        ComponentStatus::Down => ReadyStatus::Degraded,
    };
    HttpResponse::Ok().json(Readiness { status, checks })
}

enum Outcome<E> {
    Up,
    Failed(E),
    TimedOut,
}

async fn bounded<E>(check: impl Future<Output = Result<(), E>>) -> Outcome<E> {
    match tokio::time::timeout(CHECK_TIMEOUT, check).await {
        Ok(Ok(())) => Outcome::Up,
        Ok(Err(error)) => Outcome::Failed(error),
        Err(_) => Outcome::TimedOut,
    }
}

fn check<E: std::fmt::Display>(
    kind: &'static str,
    component: &'static str,
    outcome: Outcome<E>,
) -> ComponentCheck {
    let error = match outcome {
        Outcome::Up => None,
        Outcome::Failed(error) => {
            tracing::warn!(component, %error, "health check failed");
            Some("unreachable")
        }
        Outcome::TimedOut => {
            tracing::warn!(component, "health check timed out");
            Some("timed out")
        }
    };
    ComponentCheck {
        status: if error.is_some() {
            ComponentStatus::Down
        } else {
            ComponentStatus::Up
        },
        kind,
        error,
    }
}
