//! Liveness and readiness, public so that load balancers need no token.

use std::time::Duration;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, web};
use utoipa_actix_web::service_config::ServiceConfig;

use super::dto::health::{
    Checks, ComponentCheck, ComponentStatus, Liveness, NotReady, Readiness, ReadyStatus,
};
use crate::error::{ApiError, problem_response};
use crate::state::AppState;

/// A health check may take this long per component before it counts as down.
const CHECK_TIMEOUT: Duration = Duration::from_secs(2);

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(live).service(ready);
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
