//! The wire types of `identity::audit_events`: what its requests send and its answers show.

use chrono::{DateTime, Utc};
use serde::Deserialize;
use utoipa::IntoParams;

/// Filters of the audit trail.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query, rename_all = "camelCase")]
pub struct AuditQuery {
    /// `branch`, `staff`, ...
    #[param(max_length = 32, pattern = "^[a-z_]+$")]
    pub(crate) entity_type: Option<String>,
    #[param(max_length = 64)]
    pub(crate) entity_id: Option<String>,
    #[param(max_length = 64)]
    pub(crate) actor_id: Option<String>,
    /// Events at or after this time.
    #[param(max_length = 40)]
    pub(crate) from: Option<DateTime<Utc>>,
    /// Events before this time.
    #[param(max_length = 40)]
    pub(crate) to: Option<DateTime<Utc>>,
    /// Records per page: 1 to 200, 50 when not given.
    #[param(minimum = 1, maximum = 200, example = 50)]
    pub(crate) limit: Option<u64>,
    /// `nextCursor` of the previous page.
    #[param(max_length = 64, pattern = "^[A-Za-z0-9_-]+$")]
    pub(crate) cursor: Option<String>,
}
