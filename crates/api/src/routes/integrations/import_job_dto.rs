//! The wire types of import jobs: what their requests send and their
//! answers show.

use chrono::{DateTime, Utc};
use jewel_domain::import_job::{ImportJob, ImportKind, ImportState};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

wire_enum! {
    /// What a job imports: `customers`.
    ImportKindName mirrors ImportKind { Customers = "customers" }
}

wire_enum! {
    /// Where a job stands: `open` (taking parts), `upload_complete`
    /// (waiting for a worker), `in_progress`, `job_complete`, `failed`
    /// (`failure` says why), `aborted`.
    ImportStateName mirrors ImportState {
        Open = "open", UploadComplete = "upload_complete", InProgress = "in_progress",
        JobComplete = "job_complete", Failed = "failed", Aborted = "aborted"
    }
}

/// A job to open.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(example = json!({"kind": "customers", "dryRun": false}))]
pub struct ImportJobRequest {
    pub kind: ImportKindName,
    /// `true` checks every row and reports, changing nothing. Default
    /// `false`.
    pub dry_run: Option<bool>,
}

/// What whoever made a job may do with it: `upload_complete` once every
/// part is in (the worker takes it), or `aborted` (rows done stay done).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ImportJobMove {
    UploadComplete,
    Aborted,
}

impl From<ImportJobMove> for ImportState {
    fn from(value: ImportJobMove) -> Self {
        match value {
            ImportJobMove::UploadComplete => ImportState::UploadComplete,
            ImportJobMove::Aborted => ImportState::Aborted,
        }
    }
}

/// A move of a job.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(example = json!({"state": "upload_complete"}))]
pub struct ImportJobChange {
    pub state: ImportJobMove,
}

/// An import job and how far it has gone.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({
    "id": "01936f0e-1111-7000-8000-0000000000a1", "kind": "customers", "dryRun": false,
    "state": "in_progress", "rowsTotal": 100000, "rowsDone": 42000, "rowsCreated": 41890,
    "rowsUpdated": 100, "rowsRejected": 10, "failure": null,
    "createdAt": "2026-12-08T09:30:00Z", "startedAt": "2026-12-08T09:31:02Z", "finishedAt": null,
    "version": 5
}))]
pub struct ImportJobView {
    pub(crate) id: uuid::Uuid,
    pub(crate) kind: ImportKindName,
    pub(crate) dry_run: bool,
    pub(crate) state: ImportStateName,
    /// Rows uploaded.
    #[schema(minimum = 0, maximum = 100_000)]
    pub(crate) rows_total: i64,
    /// Rows with an outcome.
    #[schema(minimum = 0, maximum = 100_000)]
    pub(crate) rows_done: i64,
    /// Rows that made a record (in a dry run: would make one).
    #[schema(minimum = 0, maximum = 100_000)]
    pub(crate) rows_created: i64,
    #[schema(minimum = 0, maximum = 100_000)]
    pub(crate) rows_updated: i64,
    /// Rows refused; the results name each bad field.
    #[schema(minimum = 0, maximum = 100_000)]
    pub(crate) rows_rejected: i64,
    /// Why a failed job stopped.
    #[schema(max_length = 500)]
    pub(crate) failure: Option<String>,
    pub(crate) created_at: DateTime<Utc>,
    pub(crate) started_at: Option<DateTime<Utc>>,
    pub(crate) finished_at: Option<DateTime<Utc>>,
    #[schema(minimum = 1)]
    pub(crate) version: i32,
}

impl From<ImportJob> for ImportJobView {
    fn from(job: ImportJob) -> Self {
        Self {
            id: job.id,
            kind: job.kind.into(),
            dry_run: job.dry_run,
            state: job.state.into(),
            rows_total: job.rows_total,
            rows_done: job.rows_done,
            rows_created: job.rows_created,
            rows_updated: job.rows_updated,
            rows_rejected: job.rows_rejected,
            failure: job.failure,
            created_at: job.created_at,
            started_at: job.started_at,
            finished_at: job.finished_at,
            version: job.version,
        }
    }
}

/// Jobs, newest first.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ImportJobList {
    #[schema(max_items = 100)]
    pub(crate) items: Vec<ImportJobView>,
    /// Pass as `before` for older jobs; absent on the last page.
    pub(crate) next_before: Option<uuid::Uuid>,
}

/// Which jobs.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query, rename_all = "camelCase")]
pub struct ImportJobQuery {
    /// Only jobs made before the job of this id (`nextBefore` of the
    /// previous page).
    pub(crate) before: Option<uuid::Uuid>,
    /// Jobs per page: 1 to 100, 20 when not given.
    #[param(minimum = 1, maximum = 100, example = 20)]
    pub(crate) limit: Option<u64>,
}
