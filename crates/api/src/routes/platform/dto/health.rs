//! The wire types of `platform::health`: what its requests send and its answers show.

use crate::error::Problem;
use serde::Serialize;
use utoipa::ToSchema;

/// The process is up.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"status": "ok", "version": "0.1.0"}))]
pub struct Liveness {
    /// Always `ok`.
    #[schema(max_length = 8, pattern = "^ok$")]
    pub(crate) status: &'static str,
    /// The version of the running build.
    #[schema(max_length = 32, pattern = r"^\d+\.\d+\.\d+([-+].*)?$")]
    pub(crate) version: &'static str,
}

/// Whether each component answers.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "database": {"status": "up", "kind": "sqlite"},
    "cache": {"status": "up", "kind": "memory"}
}))]
pub struct Checks {
    pub(crate) database: ComponentCheck,
    pub(crate) cache: ComponentCheck,
}

/// One component's state.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"status": "down", "kind": "redis", "error": "unreachable"}))]
pub struct ComponentCheck {
    pub(crate) status: ComponentStatus,
    /// Which implementation: `sqlite` or `mysql`; `memory` or `redis`.
    #[schema(max_length = 16, pattern = "^(sqlite|mysql|memory|redis)$")]
    pub(crate) kind: &'static str,
    /// Why it is down (details are in the server log).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(max_length = 16, pattern = "^(unreachable|timed out)$")]
    pub(crate) error: Option<&'static str>,
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
    pub(crate) status: ReadyStatus,
    pub(crate) checks: Checks,
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
    pub(crate) problem: Problem,
    pub(crate) checks: Checks,
}
