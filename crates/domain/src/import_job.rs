//! A bulk import run in the background: a file's rows uploaded in parts,
//! then worked through in chunks by a leased worker, each row's outcome
//! kept, so a restart goes on where the last committed chunk stopped.

use chrono::{DateTime, Utc};

use crate::access::Permission;

/// The most rows one job takes.
pub const MOST_ROWS: i64 = 100_000;

/// What a job imports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportKind {
    Customers,
}

impl ImportKind {
    pub const ALL: [ImportKind; 1] = [ImportKind::Customers];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Customers => "customers",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == text)
    }

    /// The permission that makes a job of this kind (and reads it).
    pub fn writer(self) -> Permission {
        match self {
            Self::Customers => Permission::CustomersBulk,
        }
    }
}

/// Where a job stands: `open -> upload_complete -> in_progress ->
/// job_complete | failed`, and `aborted` from any state before the end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportState {
    /// Taking parts of the file.
    Open,
    /// Every part is in; waiting for a worker.
    UploadComplete,
    /// A worker is going through the rows.
    InProgress,
    /// Every row has its outcome.
    JobComplete,
    /// Stopped by an error that trying again did not mend.
    Failed,
    /// Stopped by whoever made it; the rows done stay done.
    Aborted,
}

impl ImportState {
    pub const ALL: [ImportState; 6] = [
        Self::Open,
        Self::UploadComplete,
        Self::InProgress,
        Self::JobComplete,
        Self::Failed,
        Self::Aborted,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::UploadComplete => "upload_complete",
            Self::InProgress => "in_progress",
            Self::JobComplete => "job_complete",
            Self::Failed => "failed",
            Self::Aborted => "aborted",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }

    /// Whether the job is over.
    pub fn ended(self) -> bool {
        matches!(self, Self::JobComplete | Self::Failed | Self::Aborted)
    }

    /// Whether whoever made the job may move it from here to `to`: close
    /// the upload of an open job, or abort one not over yet.
    pub fn may_become(self, to: ImportState) -> bool {
        match to {
            Self::UploadComplete => self == Self::Open,
            Self::Aborted => !self.ended(),
            _ => false,
        }
    }
}

/// What one row came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowResult {
    Created,
    Updated,
    Rejected,
}

impl RowResult {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Created => "created",
            Self::Updated => "updated",
            Self::Rejected => "rejected",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [Self::Created, Self::Updated, Self::Rejected]
            .into_iter()
            .find(|r| r.as_str() == text)
    }
}

/// An import job as kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportJob {
    pub id: uuid::Uuid,
    pub kind: ImportKind,
    /// Checks every row and changes nothing.
    pub dry_run: bool,
    pub state: ImportState,
    /// Who made it: an actor's kind and id, as the audit trail names them.
    pub made_by: (String, String),
    pub rows_total: i64,
    pub rows_done: i64,
    pub rows_created: i64,
    pub rows_updated: i64,
    pub rows_rejected: i64,
    /// Why it failed.
    pub failure: Option<String>,
    pub created_at: DateTime<Utc>,
    pub started_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
    pub version: i32,
}

/// A row's outcome.
#[derive(Debug, Clone, PartialEq)]
pub struct RowOutcome {
    pub line: i64,
    pub result: RowResult,
    pub record_id: Option<uuid::Uuid>,
    /// `(field, code, message)` of each thing wrong with a rejected row.
    pub errors: Vec<(String, String, String)>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_job_moves_only_forward() {
        use ImportState::*;
        assert!(Open.may_become(UploadComplete));
        assert!(!UploadComplete.may_become(UploadComplete));
        assert!(!InProgress.may_become(UploadComplete));
        for from in [Open, UploadComplete, InProgress] {
            assert!(from.may_become(Aborted), "{from:?}");
        }
        for from in [JobComplete, Failed, Aborted] {
            assert!(!from.may_become(Aborted), "{from:?}");
            assert!(from.ended());
        }
        for state in ImportState::ALL {
            assert_eq!(ImportState::parse(state.as_str()), Some(state));
            assert!(!state.may_become(InProgress) && !state.may_become(JobComplete));
        }
    }
}
