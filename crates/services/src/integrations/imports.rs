//! Bulk import jobs: made, filled part by part, closed, then worked
//! through by a leased worker a chunk per transaction (the chunk's
//! changes, its rows' outcomes and the job's counts commit together), so a
//! restart goes on at the first row not done.

use chrono::{DateTime, Utc};
use jewel_domain::import_job::{ImportJob, ImportKind, ImportState, MOST_ROWS, RowOutcome};
use jewel_persistence::repos::import_jobs::{Counts, ImportJobs, UploadedRow};
use serde::Serialize;

use super::IntegrationError;
use crate::crm::CrmError;
use crate::crm::import::{ImportChange, apply_rows};
use crate::{Actor, Unit};

/// What the audit trail keeps of a job's moves.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct JobRecord<'a> {
    kind: &'a str,
    dry_run: bool,
    state: &'a str,
    rows: i64,
}

fn record_of(job: &ImportJob, state: ImportState) -> JobRecord<'_> {
    JobRecord {
        kind: job.kind.as_str(),
        dry_run: job.dry_run,
        state: state.as_str(),
        rows: job.rows_total,
    }
}

/// Who a job's worker acts as: whoever made the job, so the changes and
/// their audit trail name them.
pub fn actor_of(job: &ImportJob) -> Actor {
    let (kind, id) = &job.made_by;
    match (kind.as_str(), id.parse::<uuid::Uuid>()) {
        ("staff", Ok(id)) => Actor::Staff(id),
        ("client", Ok(id)) => Actor::Client(id),
        _ => Actor::System("imports"),
    }
}

/// Opens a job for its file's parts.
pub async fn open(
    unit: &mut Unit,
    kind: ImportKind,
    dry_run: bool,
) -> Result<ImportJob, IntegrationError> {
    let (actor_kind, actor_id) = unit.actor().ids();
    let job = ImportJob {
        id: uuid::Uuid::now_v7(),
        kind,
        dry_run,
        state: ImportState::Open,
        made_by: (actor_kind.to_owned(), actor_id),
        rows_total: 0,
        rows_done: 0,
        rows_created: 0,
        rows_updated: 0,
        rows_rejected: 0,
        failure: None,
        created_at: jewel_persistence::repos::schemes::to_second(Utc::now()),
        started_at: None,
        finished_at: None,
        version: 1,
    };
    ImportJobs::insert(unit.txn().await?, &job).await?;
    let record = record_of(&job, ImportState::Open);
    unit.audit(
        "import_job.opened",
        "import_job",
        job.id,
        None,
        Some(&record),
    )?;
    Ok(job)
}

/// Adds a part's rows to an open job (409 `state` otherwise, and when
/// another part of it came in meanwhile); a job holds at most
/// [`MOST_ROWS`] (422 `rows`).
pub async fn add_part(
    unit: &mut Unit,
    job: &ImportJob,
    rows: &[UploadedRow],
) -> Result<(), IntegrationError> {
    if job.state != ImportState::Open {
        return Err(IntegrationError::ImportState { state: job.state });
    }
    let count = i64::try_from(rows.len()).unwrap_or(i64::MAX);
    if job.rows_total.saturating_add(count) > MOST_ROWS {
        return Err(IntegrationError::TooManyRows {
            most: MOST_ROWS,
            had: job.rows_total,
        });
    }
    let txn = unit.txn().await?;
    if !ImportJobs::append(txn, (job.id, job.rows_total), rows).await? {
        // Closed meanwhile, or another part came first (its rows took these
        // numbers).
        return Err(match ImportJobs::get(txn, job.id).await? {
            Some(now) if now.state == ImportState::Open => IntegrationError::PartRaced,
            Some(now) => IntegrationError::ImportState { state: now.state },
            None => IntegrationError::ImportState { state: job.state },
        });
    }
    Ok(())
}

/// Moves a job on as whoever made it asks: closes its upload (a job with
/// no rows is 422 `rows`) or aborts it.
pub async fn move_to(
    unit: &mut Unit,
    job: &ImportJob,
    to: ImportState,
) -> Result<(), IntegrationError> {
    if !job.state.may_become(to) {
        return Err(IntegrationError::ImportState { state: job.state });
    }
    if to == ImportState::UploadComplete && job.rows_total == 0 {
        return Err(IntegrationError::NothingUploaded);
    }
    let from = [
        ImportState::Open,
        ImportState::UploadComplete,
        ImportState::InProgress,
    ];
    let from: Vec<ImportState> = from.into_iter().filter(|s| s.may_become(to)).collect();
    let now = Utc::now();
    if !ImportJobs::change_state(unit.txn().await?, job.id, &from, to, now).await? {
        return Err(IntegrationError::ImportState { state: job.state });
    }
    let before = record_of(job, job.state);
    let after = record_of(job, to);
    let action = format!("import_job.{}", to.as_str());
    unit.audit(&action, "import_job", job.id, Some(&before), Some(&after))?;
    Ok(())
}

/// One chunk of a job, checked: the changes to make and every row's
/// outcome.
pub struct Chunk {
    pub changes: Vec<ImportChange>,
    pub outcomes: Vec<RowOutcome>,
}

/// Makes a chunk's changes (none in a dry run) and writes its outcomes
/// and counts, while `token` holds the job and it runs:
/// [`IntegrationError::LeaseLost`] (roll back) when it no longer does.
pub async fn apply_chunk(
    unit: &mut Unit,
    job: &ImportJob,
    (token, until): (uuid::Uuid, DateTime<Utc>),
    chunk: &Chunk,
) -> Result<(), IntegrationError> {
    use jewel_domain::import_job::RowResult;
    if !job.dry_run && !chunk.changes.is_empty() {
        apply_rows(unit, &chunk.changes)
            .await
            .map_err(|error| match error {
                CrmError::ImportOutrun => IntegrationError::Outrun,
                other => IntegrationError::Crm(Box::new(other)),
            })?;
    }
    let count = |r: RowResult| {
        let n = chunk.outcomes.iter().filter(|o| o.result == r).count();
        i64::try_from(n).unwrap_or(i64::MAX)
    };
    let counts = Counts {
        done: i64::try_from(chunk.outcomes.len()).unwrap_or(i64::MAX),
        created: count(RowResult::Created),
        updated: count(RowResult::Updated),
        rejected: count(RowResult::Rejected),
    };
    let txn = unit.txn().await?;
    if !ImportJobs::record(txn, (job.id, token), &chunk.outcomes, counts, until).await? {
        return Err(IntegrationError::LeaseLost);
    }
    if !job.dry_run && counts.created + counts.updated > 0 {
        let what = serde_json::json!({"rows": counts.done, "created": counts.created,
            "updated": counts.updated, "rejected": counts.rejected});
        unit.audit(
            "import_job.applied",
            "import_job",
            job.id,
            None,
            Some(&what),
        )?;
    }
    Ok(())
}

/// Ends a job held by `token`: complete, or failed saying why.
pub async fn finish(
    unit: &mut Unit,
    job: &ImportJob,
    token: uuid::Uuid,
    failure: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(), IntegrationError> {
    if !ImportJobs::finish(unit.txn().await?, job.id, token, failure, now).await? {
        return Err(IntegrationError::LeaseLost);
    }
    let state = match failure {
        None => ImportState::JobComplete,
        Some(_) => ImportState::Failed,
    };
    let what = serde_json::json!({"state": state.as_str(), "failure": failure});
    let action = format!("import_job.{}", state.as_str());
    unit.audit(&action, "import_job", job.id, None, Some(&what))?;
    Ok(())
}
